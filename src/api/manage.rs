//! The organizer API: events they run and the people registered.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::Json;
use super::auth::ApiOrganizer;
use super::events::EventJson;
use crate::app::AppState;
use crate::domain::{
    AttendeeLine, EventInput, EventStatus, FieldError, FieldErrorKind, Level, Refusal, RegistrationStatus,
};
use crate::error::{AppError, ErrorBody};
use crate::organizing::{create_event, managed_event, record};
use crate::store::EventUpdate;

/// Creates an event owned by the caller. Drafts are invisible to the public
/// until published.
#[utoipa::path(
    post,
    path = "/api/v1/events",
    request_body = EventInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = EventJson),
        (status = 401, description = "Missing or unknown API token", body = ErrorBody),
        (status = 422, description = "Invalid fields (end before start, capacity < 1, close before open...)", body = ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    ApiOrganizer(organizer): ApiOrganizer,
    Json(input): Json<EventInput>,
) -> Result<(StatusCode, Json<EventJson>), AppError> {
    let now = Utc::now();
    let event = input.validate(now).map_err(AppError::Validation)?;
    match create_event(&state, event, &organizer, input.slug.is_some()).await? {
        Ok(created) => {
            tracing::info!(event = %created.id, organizer = %organizer.id, "event created");
            record(&state, &organizer, created.id, "event created (API)", &created.title).await;
            let questions = state.store.event_questions(created.id).await?;
            Ok((StatusCode::CREATED, Json(EventJson::with_questions(created, questions))))
        }
        Err(errors) => Err(AppError::Validation(errors)),
    }
}

/// Changes some fields of an event; absent fields keep their value. Raising
/// the capacity gives the new seats to the waiting list at once (each person
/// is emailed); lowering it below the number confirmed removes nobody.
#[utoipa::path(
    patch,
    path = "/api/v1/events/{id}",
    params(("id" = String, Path, description = "Event id (uuid) or slug")),
    request_body = EventInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = EventJson),
        (status = 401, description = "Missing or unknown API token", body = ErrorBody),
        (status = 403, description = "Another organizer's event", body = ErrorBody),
        (status = 404, description = "No such event", body = ErrorBody),
        (status = 409, description = "The event is cancelled", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    ApiOrganizer(organizer): ApiOrganizer,
    Path(key): Path<String>,
    Json(patch): Json<EventInput>,
) -> Result<Json<EventJson>, AppError> {
    let current = managed_event(&state, &organizer, &key).await?;
    if current.status == EventStatus::Cancelled {
        return Err(AppError::Refused(Refusal::EventCancelled));
    }
    let changes = EventInput::from(&current).overlay(patch).validate(Utc::now()).map_err(AppError::Validation)?;
    match state.store.update_event(current.id, changes, Utc::now()).await? {
        EventUpdate::Updated(event) => {
            tracing::info!(event = %event.id, organizer = %organizer.id, "event updated");
            let detail = format!("capacity {}, {}", event.capacity, event.status.code());
            record(&state, &organizer, event.id, "event edited (API)", &detail).await;
            state.mail_wakeup.notify_one();
            let questions = state.store.event_questions(event.id).await?;
            Ok(Json(EventJson::with_questions(*event, questions)))
        }
        EventUpdate::NotFound => Err(AppError::EventNotFound),
        EventUpdate::Cancelled => Err(AppError::Refused(Refusal::EventCancelled)),
        EventUpdate::SlugTaken => Err(AppError::Validation(vec![FieldError::new("slug", FieldErrorKind::Taken)])),
    }
}

/// Cancels an event: it stays visible as cancelled, takes no more sign-ups,
/// and everyone registered is told by email.
#[utoipa::path(
    post,
    path = "/api/v1/events/{id}/cancel",
    params(("id" = String, Path, description = "Event id (uuid) or slug")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Cancelled", body = EventJson),
        (status = 401, description = "Missing or unknown API token", body = ErrorBody),
        (status = 403, description = "Another organizer's event", body = ErrorBody),
        (status = 404, description = "No such event", body = ErrorBody),
    )
)]
pub async fn cancel(
    State(state): State<AppState>,
    ApiOrganizer(organizer): ApiOrganizer,
    Path(key): Path<String>,
) -> Result<Json<EventJson>, AppError> {
    let event = managed_event(&state, &organizer, &key).await?;
    let cancelled = state.store.cancel_event(event.id, Utc::now()).await?.ok_or(AppError::EventNotFound)?;
    tracing::info!(event = %event.id, organizer = %organizer.id, "event cancelled");
    record(&state, &organizer, event.id, "event cancelled (API)", "").await;
    state.mail_wakeup.notify_one();
    Ok(Json(cancelled.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttendeeJson {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub institution: Option<String>,
    pub level: Level,
    pub status: RegistrationStatus,
    pub waitlist_position: Option<i64>,
    /// Language of the person's emails.
    pub language: String,
    pub registered_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub checked_in_at: Option<DateTime<Utc>>,
    /// State of the latest email to this person: `pending`, `sent` or `failed`.
    pub email_status: Option<String>,
    /// Answers by question id.
    pub answers: std::collections::BTreeMap<String, String>,
}

impl From<AttendeeLine> for AttendeeJson {
    fn from(line: AttendeeLine) -> Self {
        let r = line.registration;
        Self {
            id: r.id,
            name: r.name,
            email: r.email,
            institution: r.institution,
            level: r.level,
            status: r.status,
            waitlist_position: r.waitlist_position,
            language: r.language.code().into(),
            registered_at: r.created_at,
            cancelled_at: r.cancelled_at,
            checked_in_at: line.checked_in_at,
            email_status: line.email_status,
            answers: line.answers.into_iter().map(|(question, answer)| (question.to_string(), answer)).collect(),
        }
    }
}

/// Everyone who signed up, oldest first, cancelled ones included.
#[utoipa::path(
    get,
    path = "/api/v1/events/{id}/registrations",
    params(("id" = String, Path, description = "Event id (uuid) or slug")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The registrations", body = [AttendeeJson]),
        (status = 401, description = "Missing or unknown API token", body = ErrorBody),
        (status = 403, description = "Another organizer's event", body = ErrorBody),
        (status = 404, description = "No such event", body = ErrorBody),
    )
)]
pub async fn registrations(
    State(state): State<AppState>,
    ApiOrganizer(organizer): ApiOrganizer,
    Path(key): Path<String>,
) -> Result<Json<Vec<AttendeeJson>>, AppError> {
    let event = managed_event(&state, &organizer, &key).await?;
    let lines = state.store.event_registrations(event.id).await?;
    Ok(Json(lines.into_iter().map(AttendeeJson::from).collect()))
}
