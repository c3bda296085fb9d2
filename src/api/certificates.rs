//! After the door, in the API: the trainer's signature of a slot, a
//! person's certificate of attendance, and sending certificates again.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::auth::{ApiManaged, EventRefusals};
use super::{BodyRefusals, Json};
use crate::domain::{TrainerSignature, TrainerSigned};
use crate::error::{AppError, ErrorBody};
use crate::operations::certificates;
use crate::state::AppState;
use crate::store::Recipients;

#[derive(Debug, Deserialize, ToSchema)]
pub struct TrainerSignatureInput {
    /// The trainer's name, as they sign.
    pub name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrainerSignatureJson {
    pub slot: String,
    pub name: String,
    pub signed_at: DateTime<Utc>,
    /// The organizer account signed in when it was given.
    pub signed_by: Option<String>,
}

impl From<TrainerSignature> for TrainerSignatureJson {
    fn from(s: TrainerSignature) -> Self {
        Self { slot: s.slot, name: s.name, signed_at: s.signed_at, signed_by: s.by }
    }
}

/// The trainer signs a slot of the attendance sheet: 201, or 200 with the
/// first signature when the slot was signed before (it stands).
#[utoipa::path(
    post,
    path = "/api/v1/events/{id}/slots/{slot}/trainer-signature",
    params(("id" = String, Path, description = "Event id (uuid) or slug"), ("slot" = String, Path, description = "Slot id")),
    request_body = TrainerSignatureInput,
    security(("bearer" = [])),
    responses(
        BodyRefusals,
        (status = 201, description = "Signed", body = TrainerSignatureJson),
        (status = 200, description = "Signed before", body = TrainerSignatureJson),
        EventRefusals,
        (status = 422, description = "Unknown slot, or no name", body = ErrorBody),
    )
)]
pub async fn sign_as_trainer(
    State(state): State<AppState>,
    ApiManaged(managed): ApiManaged,
    Path((_, slot)): Path<(String, String)>,
    Json(input): Json<TrainerSignatureInput>,
) -> Result<(StatusCode, Json<TrainerSignatureJson>), AppError> {
    let name = input.name.unwrap_or_default();
    Ok(match certificates::sign_as_trainer(&state, &managed, &slot, &name).await? {
        TrainerSigned::Signed(signature) => (StatusCode::CREATED, Json(signature.into())),
        TrainerSigned::Already(signature) => (StatusCode::OK, Json(signature.into())),
    })
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct SendCertificatesInput {
    /// One attendee's; everyone's who attended when absent.
    pub registration_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SentJson {
    /// Certificates queued (people with no attended slot get none).
    pub queued: usize,
}

/// Emails the certificates of attendance again: to every attendee with an
/// attended slot, or to one (404 when that registration is not of the
/// event).
#[utoipa::path(
    post,
    path = "/api/v1/events/{id}/certificates",
    params(("id" = String, Path, description = "Event id (uuid) or slug")),
    request_body = SendCertificatesInput,
    security(("bearer" = [])),
    responses(
        BodyRefusals,
        (status = 202, description = "Queued", body = SentJson),
        EventRefusals,
    )
)]
pub async fn send(
    State(state): State<AppState>,
    ApiManaged(managed): ApiManaged,
    Json(input): Json<SendCertificatesInput>,
) -> Result<(StatusCode, Json<SentJson>), AppError> {
    let to = input.registration_id.map_or(Recipients::Everyone, Recipients::One);
    let queued = certificates::send(&state, &managed, to).await?;
    Ok((StatusCode::ACCEPTED, Json(SentJson { queued })))
}

/// The person's certificate of attendance (PDF, in their language), once
/// they attended a slot.
#[utoipa::path(
    get,
    path = "/api/v1/registrations/{token}/certificate.pdf",
    params(("token" = String, Path, description = "The secret from cancel_url")),
    responses(
        (status = 200, description = "The certificate", content_type = "application/pdf", body = Vec<u8>),
        (status = 404, description = "Unknown token, or no attended slot (`certificate_not_found`)", body = ErrorBody),
    )
)]
pub async fn certificate(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response, AppError> {
    Ok(certificates::of_person(&state, &token).await?.into_response())
}
