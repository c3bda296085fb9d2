//! Builds the application: store, state, router and background work, bound
//! to a listener. Tests bind port 0 and read the port back.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::cache::Caches;
use crate::clock::Clock;
use crate::config::Config;
use crate::error::AppError;
use crate::guards;
use crate::mail::Mailer;
use crate::operations::queries;
use crate::scheduler::Scheduler;
use crate::state::AppState;
use crate::store::{self, Health};
use crate::token::TokenKey;
use crate::webhooks::WebhookSender;

pub struct Application {
    listener: TcpListener,
    /// METRICS_ADDR's, serving /metrics alone.
    metrics_listener: Option<TcpListener>,
    /// Guards /metrics on the public listener.
    metrics_token: Option<Arc<str>>,
    state: AppState,
    mailer: Mailer,
    webhooks: WebhookSender,
}

const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

impl Application {
    /// Opens (and migrates) the database, loads demo content if asked, and
    /// binds the listener.
    pub async fn build(config: &Config) -> anyhow::Result<Self> {
        Self::build_with_clock(config, Clock::system()).await
    }

    /// As `build`, with the time read from `clock` (tests move it).
    pub async fn build_with_clock(config: &Config, clock: Clock) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(config.listen_addr).await?;
        let metrics_listener = match config.metrics_addr {
            Some(address) => Some(TcpListener::bind(address).await?),
            None => None,
        };
        let public_url: Arc<str> = match &config.public_url {
            Some(_) => config.public_url(),
            None => format!("http://{}", listener.local_addr()?),
        }
        .into();
        let state = state(config, service_key(config)?, public_url, clock).await?;
        if config.demo {
            crate::demo::load_if_empty(&state).await?;
        }
        let mailer = Mailer::new(
            config,
            state.store.clone(),
            state.keys.clone(),
            state.public_url.clone(),
            state.clock.clone(),
            state.templates.clone(),
        )?;
        let webhooks = WebhookSender::new(config, state.store.clone(), state.keys.clone(), state.clock.clone())?;
        let metrics_token = config.metrics_token.as_deref().filter(|t| !t.is_empty()).map(Arc::from);
        Ok(Self { listener, metrics_listener, metrics_token, state, mailer, webhooks })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or_default()
    }

    /// What handlers reach, for tests that call operations themselves.
    pub fn state(&self) -> AppState {
        self.state.clone()
    }

    pub fn public_url(&self) -> &str {
        &self.state.public_url
    }

    /// Serves until `shutdown` completes, then, in order: lets in-flight
    /// requests finish, lets the scheduler finish the job at hand and the
    /// mail worker its sends, and commits what the store has queued.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let store = self.state.store.clone();
        let mail = self.mailer.start(self.state.mail_wakeup.clone());
        let webhooks = self.webhooks.start();
        // Messages left from a previous run go out now, and timed work due
        // while the service was down is done.
        self.state.mail_wakeup.notify_one();
        // Retention runs at each start too, so that data past its time does
        // not wait for the next daily run.
        if let Err(error) = crate::operations::timed::retention_now(&self.state).await {
            tracing::error!(%error, "could not schedule retention now; it runs at its usual time");
        }
        let scheduler = Scheduler::start(self.state.clone());
        tracing::info!(address = %self.listener.local_addr()?, public_url = %self.state.public_url, "listening");
        // /metrics: on its own listener when METRICS_ADDR is set, which
        // then stops with the public one; otherwise beside the pages.
        let (stopped, mut stop) = tokio::sync::watch::channel(());
        let (public, metrics) = match self.metrics_listener {
            Some(listener) => {
                tracing::info!(address = %listener.local_addr()?, "metrics listening");
                let metrics = crate::metrics::routes(None).with_state(self.state.clone());
                let served = crate::serve::serve(listener, metrics, async move {
                    let _ = stop.changed().await;
                });
                (router(self.state, MetricsAccess::Elsewhere), Some(tokio::spawn(served)))
            }
            None => (router(self.state, MetricsAccess::Here(self.metrics_token)), None),
        };
        crate::serve::serve(self.listener, public, shutdown).await;
        drop(stopped);
        if let Some(metrics) = metrics {
            let _ = metrics.await;
        }
        scheduler.shutdown().await;
        mail.shutdown().await;
        webhooks.shutdown().await;
        store.close().await;
        Ok(())
    }
}

/// The state for a command-line run: the same store and secret as the
/// service, no listener. Messages it queues are sent by the running
/// service's mail worker. It never writes a key file: with no secret yet,
/// it uses one of its own, which no command needs (none writes links).
pub async fn command_line_state(config: &Config) -> anyhow::Result<AppState> {
    let keys = match &config.secret_key {
        Some(secret) => TokenKey::from_secret(secret)?,
        None => TokenKey::load(&config.secret_key_file)?.unwrap_or_else(TokenKey::random),
    };
    state(config, keys, config.public_url().into(), Clock::system()).await
}

/// The service's secret: ATELIER_SECRET_KEY, or the key file (made on the
/// first start).
fn service_key(config: &Config) -> anyhow::Result<TokenKey> {
    Ok(match &config.secret_key {
        Some(secret) => TokenKey::from_secret(secret)?,
        None => TokenKey::load_or_create(&config.secret_key_file)?,
    })
}

async fn state(config: &Config, keys: TokenKey, public_url: Arc<str>, clock: Clock) -> anyhow::Result<AppState> {
    let keys = Arc::new(keys);
    Ok(AppState {
        store: store::connect(&config.database_url).await?,
        keys,
        mail_wakeup: Arc::new(Notify::new()),
        jobs_wakeup: Arc::new(Notify::new()),
        secure_cookies: public_url.starts_with("https://"),
        public_url,
        caches: Arc::new(Caches::default()),
        clock,
        signature_attempts: Arc::default(),
        privacy: Arc::new(crate::domain::PrivacySettings {
            controller: config.privacy_controller.clone().filter(|c| !c.trim().is_empty()),
            contact: config.privacy_contact.clone().filter(|c| !c.trim().is_empty()),
            retention: config.retention(),
        }),
        link_requests: Arc::default(),
        sign_ups: Arc::new(crate::limits::SignUps::per_minute(config.signup_rate_per_minute)),
        trusted_proxies: Arc::new(config.trusted_proxies.clone()),
        webhooks: config.webhook_policy(),
        templates: Arc::new(
            crate::mail::Templates::load().map_err(|e| anyhow::anyhow!("email template error: {e:#}"))?,
        ),
    })
}

/// Where `/metrics` is served.
pub enum MetricsAccess {
    /// On METRICS_ADDR's listener: not with the pages.
    Elsewhere,
    /// With the pages, to requests carrying this token if there is one.
    Here(Option<Arc<str>>),
}

pub fn router(state: AppState, metrics: MetricsAccess) -> Router {
    let security_headers = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        // Cancel links carry a secret in their path: never leak it to other sites.
        (header::REFERRER_POLICY, "same-origin"),
        (header::CONTENT_SECURITY_POLICY, "default-src 'self'; frame-ancestors 'none'; form-action 'self'"),
    ];
    let routes = match metrics {
        MetricsAccess::Here(token) => crate::metrics::routes(token),
        MetricsAccess::Elsewhere => Router::new(),
    };
    let mut router = routes
        .route("/healthz", get(health))
        .merge(crate::api::router())
        .merge(crate::web::router())
        .merge(crate::admin::router())
        .fallback(|| async { AppError::PageNotFound })
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
        .with_state(state)
        .layer(middleware::from_fn(guards::declared_size))
        .layer(middleware::from_fn(time_limit))
        .layer(middleware::from_fn(crate::web::errors::render))
        .layer(middleware::from_fn(guards::no_store));
    for (name, value) in security_headers {
        router = router.layer(SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value)));
    }
    router
        // Enforced by the body extractors, so the refusal is in our error format.
        .layer(DefaultBodyLimit::max(guards::MAX_BODY))
        .layer(middleware::from_fn(crate::metrics::record))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &axum::extract::Request| {
            // The route's template, never the path itself: paths carry
            // secrets (cancel tokens) and personal data.
            let route = request.extensions().get::<MatchedPath>().map_or("(no route)", MatchedPath::as_str);
            tracing::info_span!("request", method = %request.method(), route = %route)
        }))
}

/// Answers a request that takes too long with an error in the usual format.
async fn time_limit(request: axum::extract::Request, next: Next) -> Response {
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => AppError::Unavailable.into_response(),
    }
}

/// 200 when the service can take sign-ups: a write to the database
/// succeeds now. 503 otherwise, with the reason (for the operator).
async fn health(State(state): State<AppState>) -> Response {
    match queries::health(&state).await {
        Health::Ready => (StatusCode::OK, axum::Json(json!({ "status": "ok" }))).into_response(),
        Health::Unavailable(reason) => {
            (StatusCode::SERVICE_UNAVAILABLE, axum::Json(json!({ "status": "unavailable", "reason": reason })))
                .into_response()
        }
    }
}
