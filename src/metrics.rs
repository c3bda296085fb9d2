//! What `/metrics` reports, in the OpenMetrics text format that Prometheus
//! scrapes: requests by route template and status, sign-ups by outcome,
//! the outbox and timed work (read from the database at each scrape), the
//! write batches' sizes and commit times, and the database pools.
//!
//! One registry for the process (`global()`), as Prometheus clients
//! usually keep: the SQLite writer's thread and the PostgreSQL sign-up
//! queue record into it without the application's state reaching them.
//! Labels never carry personal data or tokens: route templates (never
//! paths), status codes, outcome codes.

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use subtle::ConstantTimeEq;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};

use crate::error::AppError;
use crate::operations::queries;
use crate::state::AppState;
use crate::store::Gauges;

/// The media type of `encode`'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Answered {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SignUpLabels {
    /// confirmed, waitlisted, or refused.
    outcome: &'static str,
    /// Why a sign-up was refused (an error code of the API); empty otherwise.
    reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    pool: &'static str,
}

pub struct Metrics {
    registry: Registry,
    requests: Family<Answered, Counter>,
    request_seconds: Family<RouteLabels, Histogram>,
    sign_ups: Family<SignUpLabels, Counter>,
    batch_size: Histogram,
    commit_seconds: Histogram,
    outbox_pending: Gauge,
    outbox_failed: Gauge,
    outbox_oldest_pending: Gauge<f64, AtomicU64>,
    jobs_due: Gauge,
    jobs_late: Gauge,
    pool_in_use: Family<PoolLabels, Gauge>,
    pool_size: Family<PoolLabels, Gauge>,
}

/// The process's metrics.
pub fn global() -> &'static Metrics {
    static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);
    &METRICS
}

impl Metrics {
    fn new() -> Self {
        let mut registry = Registry::with_prefix("atelier");
        // 1 ms to about 33 s: a sign-up takes milliseconds, an export or a
        // rush's last answer up to seconds.
        let request_seconds = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.001, 2.0, 16))
        });
        let metrics = Self {
            requests: Family::default(),
            request_seconds,
            sign_ups: Family::default(),
            batch_size: Histogram::new(exponential_buckets(1.0, 2.0, 10)),
            commit_seconds: Histogram::new(exponential_buckets(0.0005, 2.0, 14)),
            outbox_pending: Gauge::default(),
            outbox_failed: Gauge::default(),
            outbox_oldest_pending: Gauge::default(),
            jobs_due: Gauge::default(),
            jobs_late: Gauge::default(),
            pool_in_use: Family::default(),
            pool_size: Family::default(),
            registry: Registry::default(),
        };
        registry.register("http_requests", "HTTP requests answered", metrics.requests.clone());
        registry.register_with_unit(
            "http_request_duration",
            "Time to answer an HTTP request",
            Unit::Seconds,
            metrics.request_seconds.clone(),
        );
        registry.register("sign_ups", "Sign-ups by outcome", metrics.sign_ups.clone());
        registry.register(
            "write_batch_size",
            "Changes committed together by the SQLite writer or a PostgreSQL sign-up group",
            metrics.batch_size.clone(),
        );
        registry.register_with_unit(
            "write_batch_duration",
            "Time to apply and commit a batch of changes",
            Unit::Seconds,
            metrics.commit_seconds.clone(),
        );
        registry.register("outbox_pending", "Messages waiting to be sent", metrics.outbox_pending.clone());
        registry.register("outbox_failed", "Messages given up on", metrics.outbox_failed.clone());
        registry.register_with_unit(
            "outbox_oldest_pending_age",
            "How long the oldest message waiting to be sent has waited",
            Unit::Seconds,
            metrics.outbox_oldest_pending.clone(),
        );
        registry.register("scheduled_jobs_due", "Timed work due and not done", metrics.jobs_due.clone());
        registry.register(
            "scheduled_jobs_late",
            "Timed work due for over a minute and not done",
            metrics.jobs_late.clone(),
        );
        registry.register("db_pool_in_use", "Database connections in use", metrics.pool_in_use.clone());
        registry.register("db_pool_size", "Database connections open", metrics.pool_size.clone());
        Self { registry, ..metrics }
    }

    pub fn request(&self, method: &str, route: &str, status: u16, took: Duration) {
        let (method, route) = (method.to_owned(), route.to_owned());
        self.request_seconds
            .get_or_create(&RouteLabels { method: method.clone(), route: route.clone() })
            .observe(took.as_secs_f64());
        self.requests.get_or_create(&Answered { method, route, status }).inc();
    }

    /// A sign-up's outcome: `confirmed`/`waitlisted`, or `refused` for `reason`.
    pub fn sign_up(&self, outcome: &'static str, reason: &'static str) {
        self.sign_ups.get_or_create(&SignUpLabels { outcome, reason }).inc();
    }

    /// A batch of `size` changes applied and committed in `took`.
    pub fn batch(&self, size: usize, took: Duration) {
        self.batch_size.observe(size as f64);
        self.commit_seconds.observe(took.as_secs_f64());
    }

    /// The text of a scrape, with the database's figures as read now (the
    /// last ones read when the database cannot answer).
    pub fn encode(&self, gauges: Option<&Gauges>) -> String {
        if let Some(gauges) = gauges {
            self.set(gauges);
        }
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }

    fn set(&self, gauges: &Gauges) {
        self.outbox_pending.set(gauges.outbox_pending);
        self.outbox_failed.set(gauges.outbox_failed);
        self.outbox_oldest_pending.set(gauges.oldest_pending_secs);
        self.jobs_due.set(gauges.jobs_due);
        self.jobs_late.set(gauges.jobs_late);
        for pool in &gauges.pools {
            self.pool_in_use.get_or_create(&PoolLabels { pool: pool.name }).set(pool.in_use);
            self.pool_size.get_or_create(&PoolLabels { pool: pool.name }).set(pool.size);
        }
    }
}

/// Counts each answer by its route's template (never its path) and status.
pub async fn record(request: Request, next: Next) -> Response {
    let route =
        request.extensions().get::<MatchedPath>().map_or_else(|| "(no route)".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    global().request(&method, &route, response.status().as_u16(), started.elapsed());
    response
}

/// `GET /metrics`, answered only to `Authorization: Bearer <token>` when a
/// token is given.
pub fn routes(token: Option<Arc<str>>) -> Router<AppState> {
    Router::new().route(
        "/metrics",
        get(move |State(state): State<AppState>, headers: HeaderMap| {
            let token = token.clone();
            async move {
                if let Some(token) = token {
                    let given = headers
                        .get(header::AUTHORIZATION)
                        .and_then(|value| value.to_str().ok())
                        .and_then(crate::api::auth::bearer)
                        .unwrap_or_default();
                    if !bool::from(given.as_bytes().ct_eq(token.as_bytes())) {
                        return AppError::Unauthorized.into_response();
                    }
                }
                scrape(&state).await
            }
        }),
    )
}

async fn scrape(state: &AppState) -> Response {
    let gauges = match queries::gauges(state).await {
        Ok(gauges) => Some(gauges),
        Err(error) => {
            tracing::warn!(%error, "metrics: the database's figures cannot be read; the last ones are shown");
            None
        }
    };
    ([(header::CONTENT_TYPE, CONTENT_TYPE)], global().encode(gauges.as_ref())).into_response()
}
