//! The caller's webhooks: register one (the signing secret is shown in the
//! answer, once), list them, read one with its latest deliveries, delete.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::auth::ApiOrganizer;
use super::{BodyRefusals, Json};
use crate::domain::{DeliveryStatus, Webhook, WebhookDelivery, WebhookEvent};
use crate::error::{AppError, ErrorBody};
use crate::operations::webhooks as operations;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct NewWebhookJson {
    /// Where deliveries are POSTed: `https://` (and `http://` when the
    /// service allows it), to a host that does not resolve to a loopback or
    /// private address.
    #[serde(default)]
    #[schema(example = "https://example.org/hooks/atelier")]
    pub url: String,
    /// What to send.
    #[serde(default)]
    #[schema(value_type = Vec<WebhookEvent>, min_items = 1)]
    pub events: Vec<String>,
    /// One of the caller's events; absent, every event they organize.
    pub event_id: Option<Uuid>,
}

/// A webhook, without its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookJson {
    pub id: Uuid,
    pub url: String,
    pub events: Vec<WebhookEvent>,
    /// `null`: every event the organizer organizes.
    pub event_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl From<Webhook> for WebhookJson {
    fn from(webhook: Webhook) -> Self {
        Self {
            id: webhook.id,
            url: webhook.url,
            events: webhook.events,
            event_id: webhook.event_id,
            created_at: webhook.created_at,
        }
    }
}

/// A new webhook, with the secret its deliveries are signed with: shown
/// this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookCreated {
    #[serde(flatten)]
    pub webhook: WebhookJson,
    /// `whsec_…`: the key of the HMAC-SHA256 in `Atelier-Signature`.
    pub secret: String,
}

/// One delivery: the same `id` is sent (`Atelier-Delivery`) on every attempt.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryJson {
    pub id: Uuid,
    #[schema(value_type = WebhookEvent)]
    pub event: String,
    pub status: DeliveryStatus,
    pub attempts: i64,
    /// The HTTP status the endpoint last answered, if it answered.
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    /// When it is tried again, while pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<WebhookDelivery> for DeliveryJson {
    fn from(d: WebhookDelivery) -> Self {
        Self {
            id: d.id,
            event: d.kind,
            status: d.status,
            attempts: d.attempts,
            last_status: d.last_status,
            last_error: d.last_error,
            next_attempt_at: (d.status == DeliveryStatus::Pending).then_some(d.next_attempt_at),
            delivered_at: d.delivered_at,
            created_at: d.created_at,
        }
    }
}

/// A webhook with its latest deliveries, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookWithDeliveries {
    #[serde(flatten)]
    pub webhook: WebhookJson,
    pub deliveries: Vec<DeliveryJson>,
}

/// Registers an endpoint for one of the caller's events, or all of them.
#[utoipa::path(post, path = "/api/v1/webhooks", request_body = NewWebhookJson, security(("bearer" = [])), responses(
    BodyRefusals,
    (status = 201, description = "The webhook, with its secret (never shown again)", body = WebhookCreated),
    (status = 401, description = "Missing, unknown, revoked or expired API token", body = ErrorBody),
    (status = 422, description = "Invalid fields: `url` (`invalid_url`, `insecure_url`, `private_address`, \
        `unresolvable_host`), `events`, `event_id` (not one of the caller's events)", body = ErrorBody),
))]
pub async fn create(
    State(state): State<AppState>,
    caller: ApiOrganizer,
    Json(input): Json<NewWebhookJson>,
) -> Result<(StatusCode, Json<WebhookCreated>), AppError> {
    let created = operations::create(&state, &caller.actor(), &input.url, &input.events, input.event_id).await?;
    Ok((StatusCode::CREATED, Json(WebhookCreated { webhook: created.webhook.into(), secret: created.secret })))
}

/// The caller's webhooks, newest first.
#[utoipa::path(get, path = "/api/v1/webhooks", security(("bearer" = [])), responses(
    (status = 200, description = "The caller's webhooks", body = [WebhookJson]),
    (status = 401, description = "Missing, unknown, revoked or expired API token", body = ErrorBody),
))]
pub async fn list(State(state): State<AppState>, caller: ApiOrganizer) -> Result<Json<Vec<WebhookJson>>, AppError> {
    let webhooks = operations::list(&state, &caller.actor()).await?;
    Ok(Json(webhooks.into_iter().map(WebhookJson::from).collect()))
}

/// One of the caller's webhooks, with its latest 50 deliveries.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}", params(("id" = Uuid, Path, description = "Webhook id")),
    security(("bearer" = [])), responses(
    (status = 200, description = "The webhook and its deliveries", body = WebhookWithDeliveries),
    (status = 400, description = "An id that is not a uuid (`bad_request`)", body = ErrorBody),
    (status = 401, description = "Missing, unknown, revoked or expired API token", body = ErrorBody),
    (status = 404, description = "No such webhook of the caller's (`webhook_not_found`)", body = ErrorBody),
))]
pub async fn one(
    State(state): State<AppState>,
    caller: ApiOrganizer,
    Path(id): Path<Uuid>,
) -> Result<Json<WebhookWithDeliveries>, AppError> {
    let (webhook, deliveries) = operations::one(&state, &caller.actor(), id).await?;
    let deliveries = deliveries.into_iter().map(DeliveryJson::from).collect();
    Ok(Json(WebhookWithDeliveries { webhook: webhook.into(), deliveries }))
}

/// Deletes one of the caller's webhooks; what it still owed is not sent.
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", params(("id" = Uuid, Path, description = "Webhook id")),
    security(("bearer" = [])), responses(
    (status = 204, description = "Deleted"),
    (status = 400, description = "An id that is not a uuid (`bad_request`)", body = ErrorBody),
    (status = 401, description = "Missing, unknown, revoked or expired API token", body = ErrorBody),
    (status = 404, description = "No such webhook of the caller's (`webhook_not_found`)", body = ErrorBody),
))]
pub async fn delete(
    State(state): State<AppState>,
    caller: ApiOrganizer,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, AppError> {
    operations::delete(&state, &caller.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
