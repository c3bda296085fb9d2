//! Sign-up and cancellation over JSON.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{BodyRefusals, Json};
use crate::client::ClientAddr;
use crate::domain::{Lang, RegistrationStatus, SignUpForm};
use crate::error::{AppError, ErrorBody};
use crate::operations::{queries, registrations};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationCreated {
    pub id: Uuid,
    pub status: RegistrationStatus,
    /// 1-based place on the waiting list; null when the seat is confirmed.
    pub waitlist_position: Option<i64>,
    /// Page where the person can see and cancel the registration. The only
    /// copy of its secret: it is not stored in clear.
    pub cancel_url: String,
}

impl RegistrationCreated {
    pub fn new(state: &AppState, done: &registrations::SignedUp) -> Self {
        Self {
            id: done.registration.id,
            status: done.registration.status,
            waitlist_position: done.registration.waitlist_position,
            cancel_url: format!("{}/r/{}", state.public_url, done.token.as_str()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationCancelled {
    pub id: Uuid,
    pub status: RegistrationStatus,
}

/// Signs a person up: a confirmed seat while seats are left, otherwise the
/// waiting list. The answer comes once the registration is committed.
#[utoipa::path(
    post,
    path = "/api/v1/events/{id}/registrations",
    params(("id" = String, Path, description = "Event id (uuid) or slug")),
    request_body = SignUpForm,
    responses(
        BodyRefusals,
        (status = 201, description = "Registered", body = RegistrationCreated),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 404, description = "No such event", body = ErrorBody),
        (status = 409, description = "Already registered, registration closed, or level not admitted", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
        (status = 429, description = "Too many sign-ups from this client (`rate_limited`); see Retry-After", body = ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: ClientAddr,
    Path(id): Path<String>,
    Json(form): Json<SignUpForm>,
) -> Result<(StatusCode, Json<RegistrationCreated>), AppError> {
    registrations::within_sign_up_limit(&state, client.bucket())?;
    // Header values share hyper's read buffer: holding the map while the
    // sign-up waits for its batch would hold that buffer too.
    let browser_language =
        headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Lang::from_accept_language);
    drop(headers);
    let cached = queries::sign_up_event(&state, &id).await?;
    let (event, questions) = &*cached;
    let fallback = browser_language.or_else(|| Lang::from_code(&event.language)).unwrap_or_default();
    let language = form.language_or(fallback).map_err(|e| AppError::Validation(vec![e]))?;
    let done = registrations::sign_up(&state, event, questions, &form, language).await?;
    Ok((StatusCode::CREATED, Json(RegistrationCreated::new(&state, &done))))
}

/// Cancels a registration. A confirmed seat goes to the first person on the
/// waiting list in the same transaction. Cancelling twice is harmless. Once
/// the event has started, the person can no longer cancel (organizers can
/// still remove them).
#[utoipa::path(
    post,
    path = "/api/v1/registrations/{token}/cancel",
    params(("token" = String, Path, description = "The secret from cancel_url")),
    responses(
        (status = 200, description = "Cancelled", body = RegistrationCancelled),
        (status = 404, description = "Unknown token", body = ErrorBody),
        (status = 409, description = "The event has started (`event_started`)", body = ErrorBody),
    )
)]
pub async fn cancel(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<RegistrationCancelled>, AppError> {
    let registration = registrations::cancel(&state, &token).await?;
    Ok(Json(RegistrationCancelled { id: registration.id, status: registration.status }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationState {
    pub id: Uuid,
    pub status: RegistrationStatus,
    /// When the person said they will come.
    pub attendance_confirmed_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<crate::domain::Registration> for RegistrationState {
    fn from(r: crate::domain::Registration) -> Self {
        Self { id: r.id, status: r.status, attendance_confirmed_at: r.attendance_confirmed_at }
    }
}

/// Accepts the seat offered to the person (status `offered`), before its
/// deadline: it is theirs (`confirmed`), and a confirmation with the
/// calendar file follows. Accepting twice is harmless.
#[utoipa::path(
    post,
    path = "/api/v1/registrations/{token}/accept",
    params(("token" = String, Path, description = "The secret from cancel_url")),
    responses(
        (status = 200, description = "Confirmed", body = RegistrationState),
        (status = 404, description = "Unknown token", body = ErrorBody),
        (status = 409, description = "The deadline has passed (`offer_expired`), or no seat is offered (`no_offer`)", body = ErrorBody),
    )
)]
pub async fn accept(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<RegistrationState>, AppError> {
    Ok(Json(registrations::accept(&state, &token).await?.into()))
}

/// The person says they will come: recorded once (`attendance_confirmed_at`),
/// shown to organizers and in exports. For a confirmed seat only.
#[utoipa::path(
    post,
    path = "/api/v1/registrations/{token}/attendance-confirmation",
    params(("token" = String, Path, description = "The secret from cancel_url")),
    responses(
        (status = 200, description = "Recorded", body = RegistrationState),
        (status = 404, description = "Unknown token", body = ErrorBody),
        (status = 409, description = "Not a confirmed seat (`not_confirmed`)", body = ErrorBody),
    )
)]
pub async fn confirm_attendance(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<RegistrationState>, AppError> {
    Ok(Json(registrations::confirm_attendance(&state, &token).await?.into()))
}
