//! The JSON API under /api/v1, and its OpenAPI document.

mod accounts;
mod attendance;
pub(crate) mod auth;
mod certificates;
mod events;
mod exports;
mod manage;
mod openapi;
mod people;
mod registrations;
mod webhooks;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post};
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/events", get(events::list).post(manage::create))
        .route("/api/v1/events/{id}", get(events::one).patch(manage::update))
        .route("/api/v1/events/{id}/cancel", post(manage::cancel))
        .route("/api/v1/events/{id}/attendees.csv", get(exports::csv))
        .route("/api/v1/events/{id}/attendees.xlsx", get(exports::xlsx))
        .route("/api/v1/events/{id}/attendance-sheet.pdf", get(exports::attendance_sheet))
        .route("/api/v1/events/{id}/registrations", get(manage::registrations).post(registrations::create))
        .route("/api/v1/events/{id}/attendance", get(attendance::list).post(attendance::check_in))
        .route("/api/v1/events/{id}/attendance/{slot}/{registration_id}", delete(attendance::undo))
        .route("/api/v1/events/{id}/walk-ins", post(attendance::walk_in))
        .route("/api/v1/events/{id}/slots/{slot}/code", get(attendance::signature_code))
        .route("/api/v1/events/{id}/slots/{slot}/trainer-signature", post(certificates::sign_as_trainer))
        .route("/api/v1/events/{id}/certificates", post(certificates::send))
        .route("/api/v1/registrations/{token}/signatures", post(attendance::sign))
        .route("/api/v1/registrations/{token}/certificate.pdf", get(certificates::certificate))
        .route("/api/v1/events/{id}/registrations/{registration_id}", patch(people::edit))
        .route("/api/v1/registrations/{token}", delete(people::erase).patch(people::correct))
        .route("/api/v1/registrations/{token}/data", get(people::data))
        .route("/api/v1/registrations/{token}/transfer", post(people::transfer))
        .route("/api/v1/registration-links", post(people::links))
        .route("/api/v1/registrations/{token}/cancel", post(registrations::cancel))
        .route("/api/v1/registrations/{token}/accept", post(registrations::accept))
        .route("/api/v1/registrations/{token}/attendance-confirmation", post(registrations::confirm_attendance))
        .route("/api/v1/tokens", get(accounts::list_tokens).post(accounts::create_token))
        .route("/api/v1/tokens/{id}", delete(accounts::revoke_token))
        .route("/api/v1/organizers", get(accounts::list_organizers))
        .route("/api/v1/organizers/{id}", patch(accounts::update_organizer))
        .route("/api/v1/organizers/{id}/password-reset", post(accounts::reset_link))
        .route("/api/v1/events/{id}/organizers/{organizer_id}", delete(accounts::remove_organizer))
        .route("/api/v1/webhooks", get(webhooks::list).post(webhooks::create))
        .route("/api/v1/webhooks/{id}", get(webhooks::one).delete(webhooks::delete))
        .route("/api/openapi.json", get(openapi::document))
}

/// `axum::Json`, with malformed bodies answered in the API's error format,
/// and bodies that are not a JSON object refused: every body this API
/// takes is one, but serde reads a struct from an array too, field by
/// field in order (the schema fuzzer's `[null, null]` was taken as an
/// empty correction).
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        if !is_json(request.headers()) {
            return Err(AppError::UnsupportedMediaType);
        }
        let body = Bytes::from_request(request, state).await.map_err(|rejection| match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
            _ => AppError::BadRequest(rejection.body_text()),
        })?;
        let axum::Json(value) = axum::Json::<T>::from_bytes(&body)?;
        if body.iter().find(|byte| !byte.is_ascii_whitespace()) != Some(&b'{') {
            return Err(AppError::InvalidData("The body must be a JSON object.".into()));
        }
        Ok(Json(value))
    }
}

/// `Content-Type: application/json`, or a `+json` type, as `axum::Json`
/// takes them.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(content_type) = headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()) else {
        return false;
    };
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence.strip_prefix("application/").is_some_and(|subtype| subtype == "json" || subtype.ends_with("+json"))
}

/// How every endpoint that reads a JSON body can refuse it before looking
/// at its fields, for the OpenAPI document.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum BodyRefusals {
    /// Malformed JSON (`bad_request`)
    #[response(status = 400)]
    Malformed(crate::error::ErrorBody),
    /// A body over 64 KiB (`payload_too_large`)
    #[response(status = 413)]
    TooLarge(crate::error::ErrorBody),
    /// A body not sent as `application/json` (`unsupported_media_type`)
    #[response(status = 415)]
    NotJson(crate::error::ErrorBody),
    /// JSON of the wrong shape, e.g. a number where text is expected, or
    /// invalid fields (`invalid_input`)
    #[response(status = 422)]
    Invalid(crate::error::ErrorBody),
}

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}
