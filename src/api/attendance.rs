//! Attendance at the door, by slot (a morning or an afternoon), for the
//! organizers of an event: a check-in app or a scanner posts codes here.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::auth::{ApiManaged, EventRefusals};
use super::events::SlotJson;
use super::{BodyRefusals, Json};
use crate::domain::{FieldError, FieldErrorKind, Lang, RegistrationStatus, SignUpForm};
use crate::error::{AppError, ErrorBody};
use crate::operations::attendance::{self, Arrival, CheckIn};
use crate::operations::certificates;
use crate::operations::queries;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct CheckInInput {
    /// A slot id from the event's `slots`; the one under way (or the next)
    /// when absent.
    pub slot: Option<String>,
    /// The check-in code from the person's confirmation email (case,
    /// spaces and dashes do not matter)...
    pub code: Option<String>,
    /// ...or their registration id.
    pub registration_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckInJson {
    pub registration_id: Uuid,
    pub name: String,
    pub slot: String,
    /// When they were checked in at this slot (the first time, if twice);
    /// absent once undone.
    pub checked_in_at: Option<DateTime<Utc>>,
}

impl From<CheckIn> for CheckInJson {
    fn from(c: CheckIn) -> Self {
        Self { registration_id: c.registration, name: c.name, slot: c.slot.id(), checked_in_at: c.at }
    }
}

/// Checks a confirmed attendee in at a slot: 201 the first time, 200 with
/// the first time when they were already (nothing is recorded twice).
#[utoipa::path(
    post,
    path = "/api/v1/events/{id}/attendance",
    params(("id" = String, Path, description = "Event id (uuid) or slug")),
    request_body = CheckInInput,
    security(("bearer" = [])),
    responses(
        BodyRefusals,
        (status = 201, description = "Checked in", body = CheckInJson),
        (status = 200, description = "Already checked in at this slot", body = CheckInJson),
        EventRefusals,
        (status = 422, description = "No code nor registration id, or an unknown slot", body = ErrorBody),
    )
)]
pub async fn check_in(
    State(state): State<AppState>,
    ApiManaged(managed): ApiManaged,
    Json(input): Json<CheckInInput>,
) -> Result<(StatusCode, Json<CheckInJson>), AppError> {
    let arrival = match (input.registration_id, input.code) {
        (Some(id), _) => Arrival::Registration(id),
        (None, Some(code)) if !code.trim().is_empty() => Arrival::Code(code),
        _ => return Err(AppError::Validation(vec![FieldError::new("code", FieldErrorKind::Required)])),
    };
    let marked = attendance::check_in(&state, &managed, arrival, input.slot.as_deref(), false).await?;
    let marked = marked.ok_or(AppError::RegistrationNotFound)?;
    let status = if marked.changed { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(marked.into())))
}

/// Undoes a check-in at a slot (a wrong tap): 200, also when there was none.
#[utoipa::path(
    delete,
    path = "/api/v1/events/{id}/attendance/{slot}/{registration_id}",
    params(
        ("id" = String, Path, description = "Event id (uuid) or slug"),
        ("slot" = String, Path, description = "Slot id"),
        ("registration_id" = Uuid, Path, description = "Registration id"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Not checked in at this slot any more", body = CheckInJson),
        EventRefusals,
        (status = 422, description = "Unknown slot", body = ErrorBody),
    )
)]
pub async fn undo(
    State(state): State<AppState>,
    ApiManaged(managed): ApiManaged,
    Path((_, slot, registration)): Path<(String, String, String)>,
) -> Result<Json<CheckInJson>, AppError> {
    let registration = registration.parse().map_err(|_| AppError::RegistrationNotFound)?;
    let arrival = Arrival::Registration(registration);
    let undone = attendance::check_in(&state, &managed, arrival, Some(&slot), true).await?;
    Ok(Json(undone.ok_or(AppError::RegistrationNotFound)?.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttendanceJson {
    pub slots: Vec<SlotJson>,
    pub attendees: Vec<AttendeeAttendance>,
    /// The trainer's signature of each slot signed so far.
    pub trainers: Vec<super::certificates::TrainerSignatureJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttendeeAttendance {
    pub registration_id: Uuid,
    pub name: String,
    pub institution: Option<String>,
    /// Check-in times at the door by slot id.
    pub checked_in: BTreeMap<String, DateTime<Utc>>,
    /// Signature times (with the code shown in the room) by slot id.
    pub signed: BTreeMap<String, DateTime<Utc>>,
}

/// Every confirmed attendee and the slots they were checked in at.
#[utoipa::path(
    get,
    path = "/api/v1/events/{id}/attendance",
    params(("id" = String, Path, description = "Event id (uuid) or slug")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Attendance by slot", body = AttendanceJson),
        EventRefusals,
    )
)]
pub async fn list(
    State(state): State<AppState>,
    ApiManaged(managed): ApiManaged,
) -> Result<Json<AttendanceJson>, AppError> {
    let event = managed.event();
    let lang = Lang::from_code(&event.language).unwrap_or_default();
    let slots = event.slots().iter().map(|slot| SlotJson::new(slot, lang)).collect();
    let lines = queries::registrations(&state, &managed).await?;
    let attendees = lines
        .into_iter()
        .filter(|line| line.registration.status == RegistrationStatus::Confirmed)
        .map(|line| AttendeeAttendance {
            registration_id: line.registration.id,
            name: line.registration.name,
            institution: line.registration.institution,
            checked_in: line.attendance.into_iter().collect(),
            signed: line.signatures.into_iter().collect(),
        })
        .collect();
    let trainers = certificates::trainer_signatures(&state, &managed).await?.into_iter().map(Into::into).collect();
    Ok(Json(AttendanceJson { slots, attendees, trainers }))
}

/// A person added at the door.
#[derive(Debug, Serialize, ToSchema)]
pub struct WalkInJson {
    pub id: Uuid,
    pub status: RegistrationStatus,
    /// The person's page (cancel, calendar): sent to them by email too.
    pub cancel_url: String,
    /// The slot they were checked in at.
    pub slot: String,
    pub walk_in: bool,
}

/// Adds a person on the spot (name, email, institution, level and their
/// consent, as a sign-up): confirmed even when the event is full (a seat is
/// added), checked in at `slot` (the one under way by default), flagged
/// `walk_in`; they get the usual emails. The event's questions are not
/// asked.
#[utoipa::path(
    post,
    path = "/api/v1/events/{id}/walk-ins",
    params(("id" = String, Path, description = "Event id (uuid) or slug")),
    request_body = WalkInInput,
    security(("bearer" = [])),
    responses(
        BodyRefusals,
        (status = 201, description = "Added, confirmed and checked in", body = WalkInJson),
        EventRefusals,
        (status = 409, description = "Already registered (`already_registered`): check them in instead; or the event is cancelled", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    )
)]
pub async fn walk_in(
    State(state): State<AppState>,
    ApiManaged(managed): ApiManaged,
    Json(input): Json<WalkInInput>,
) -> Result<(StatusCode, Json<WalkInJson>), AppError> {
    let fallback = Lang::from_code(&managed.event().language).unwrap_or_default();
    let lang = input.person.language_or(fallback).map_err(|e| AppError::Validation(vec![e]))?;
    let (done, slot) = attendance::walk_in(&state, &managed, &input.person, input.slot.as_deref(), lang).await?;
    let body = WalkInJson {
        id: done.registration.id,
        status: done.registration.status,
        cancel_url: format!("{}/r/{}", state.public_url, done.token.as_str()),
        slot: slot.id(),
        walk_in: true,
    };
    Ok((StatusCode::CREATED, Json(body)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct WalkInInput {
    /// The slot to check them in at; the one under way when absent.
    pub slot: Option<String>,
    #[serde(flatten)]
    pub person: SignUpForm,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SignatureCodeJson {
    pub slot: String,
    pub label: String,
    /// Six digits to show in the room; they change every minute.
    pub code: String,
    /// When the next code replaces it (the one before is still taken for a
    /// minute, for someone typing as it changes).
    pub valid_until: DateTime<Utc>,
}

/// The code attendees sign with during a slot, for the organizer to show
/// in the room (a projector): it proves presence, as only the room sees it.
#[utoipa::path(
    get,
    path = "/api/v1/events/{id}/slots/{slot}/code",
    params(("id" = String, Path, description = "Event id (uuid) or slug"), ("slot" = String, Path, description = "Slot id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The code of this minute", body = SignatureCodeJson),
        EventRefusals,
        (status = 422, description = "Unknown slot", body = ErrorBody),
    )
)]
pub async fn signature_code(
    State(state): State<AppState>,
    ApiManaged(managed): ApiManaged,
    Path((_, slot)): Path<(String, String)>,
) -> Result<Json<SignatureCodeJson>, AppError> {
    let now = state.clock.now();
    let slot = attendance::slot_of(&managed, Some(&slot), now)?;
    let event = managed.event();
    let (code, valid_until) = attendance::signature_code(&state, event, &slot, now);
    let label = slot.label(Lang::from_code(&event.language).unwrap_or_default());
    Ok(Json(SignatureCodeJson { slot: slot.id(), label, code, valid_until }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SignatureInput {
    /// The six digits shown in the room.
    pub code: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SignatureJson {
    pub slot: String,
    pub signed_at: DateTime<Utc>,
}

/// The person signs the attendance sheet for the slot under way (from a
/// quarter of an hour before it) with the code shown in the room: 201, or
/// 200 with the first time if they had signed already.
#[utoipa::path(
    post,
    path = "/api/v1/registrations/{token}/signatures",
    params(("token" = String, Path, description = "The secret from cancel_url")),
    request_body = SignatureInput,
    responses(
        BodyRefusals,
        (status = 201, description = "Signed", body = SignatureJson),
        (status = 200, description = "Signed before for this slot", body = SignatureJson),
        (status = 404, description = "Unknown token", body = ErrorBody),
        (status = 409, description = "No slot under way (`outside_slot`), or not a confirmed seat (`not_confirmed`)", body = ErrorBody),
        (status = 422, description = "Not the code of this minute (`wrong_code`) or none", body = ErrorBody),
    )
)]
pub async fn sign(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Json(input): Json<SignatureInput>,
) -> Result<(StatusCode, Json<SignatureJson>), AppError> {
    let (slot, signed_at, new) = attendance::sign(&state, &token, input.code.as_deref().unwrap_or_default()).await?;
    let status = if new { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(SignatureJson { slot: slot.id(), signed_at })))
}
