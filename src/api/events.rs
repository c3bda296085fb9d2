//! Events as JSON.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::Json;
use crate::domain::{Event, EventKind, EventStatus, FieldError, FieldErrorKind, Lang, Level, Question, Session, Slot};
use crate::error::{AppError, ErrorBody};
use crate::operations::queries;
use crate::state::AppState;
use crate::store::EventFilter;

#[derive(Debug, Serialize, ToSchema)]
pub struct EventJson {
    pub id: Uuid,
    pub slug: String,
    pub kind: EventKind,
    pub title: String,
    pub description: String,
    /// The first session's start.
    pub starts_at: DateTime<Utc>,
    /// The last session's end.
    pub ends_at: DateTime<Utc>,
    /// When the event sits, in order (one for most events).
    pub sessions: Vec<Session>,
    /// The half-days attendance is recorded in: the morning (before 13:00,
    /// Paris time) and the afternoon of each day a session covers, with
    /// the part of it covered.
    pub slots: Vec<SlotJson>,
    /// Name of the place.
    pub location: String,
    pub address: Option<String>,
    /// Host organisation.
    pub host: String,
    /// Levels of study admitted.
    pub levels: Vec<Level>,
    pub capacity: i64,
    /// Seats neither confirmed nor held by an offer.
    pub seats_left: i64,
    pub waitlist_length: i64,
    /// Reminders, in minutes before the start.
    pub reminders_before_minutes: Vec<i64>,
    /// A seat freed less than this many minutes before the start is offered
    /// rather than given (0: always given).
    pub offer_window_minutes: i64,
    /// Minutes a person has to accept an offer.
    pub offer_response_minutes: i64,
    /// From this many minutes before the start, a freed seat stays free.
    pub promotion_cutoff_minutes: i64,
    /// Days its people's data is kept after the last session; null: the
    /// service's default (RETENTION_DAYS).
    pub retention_days: Option<i64>,
    pub registration_opens_at: DateTime<Utc>,
    pub registration_closes_at: DateTime<Utc>,
    pub status: EventStatus,
    /// Language the event is held in.
    #[schema(value_type = Lang)]
    pub language: String,
    /// Grows with every change to the event (not to its seats). Send it
    /// back with a change (`PATCH`) so that a change made meanwhile is not
    /// undone: a stale one gets 409 `edit_conflict`.
    pub version: i64,
    /// Questions asked at sign-up (answer them by id in `answers`); given
    /// when one event is asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub questions: Option<Vec<Question>>,
}

/// A half-day of attendance.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlotJson {
    /// Stable: the date and `am` or `pm`, e.g. `2027-06-13-am`.
    pub id: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// In the event's language, e.g. `13/06 matin`.
    pub label: String,
}

impl SlotJson {
    pub fn new(slot: &Slot, lang: Lang) -> Self {
        Self { id: slot.id(), starts_at: slot.starts_at, ends_at: slot.ends_at, label: slot.label(lang) }
    }
}

impl EventJson {
    pub fn with_questions(event: Event, questions: Vec<Question>) -> Self {
        Self { questions: Some(questions), ..event.into() }
    }
}

impl From<Event> for EventJson {
    fn from(e: Event) -> Self {
        let lang = Lang::from_code(&e.language).unwrap_or_default();
        Self {
            slots: e.slots().iter().map(|slot| SlotJson::new(slot, lang)).collect(),
            seats_left: e.seats_left(),
            waitlist_length: e.waitlisted_count,
            reminders_before_minutes: e.settings.reminders_before_minutes,
            offer_window_minutes: e.settings.offer_window_minutes,
            offer_response_minutes: e.settings.offer_response_minutes,
            promotion_cutoff_minutes: e.settings.promotion_cutoff_minutes,
            retention_days: e.settings.retention_days,
            id: e.id,
            slug: e.slug,
            kind: e.kind,
            title: e.title,
            description: e.description,
            starts_at: e.starts_at,
            ends_at: e.ends_at,
            sessions: e.sessions,
            location: e.location,
            address: e.address,
            host: e.host,
            levels: e.levels,
            capacity: e.capacity,
            registration_opens_at: e.registration_opens_at,
            registration_closes_at: e.registration_closes_at,
            status: e.status,
            language: e.language,
            version: e.version,
            questions: None,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only events of this kind.
    #[param(value_type = Option<EventKind>)]
    kind: Option<String>,
    /// Only events open to this level of study.
    #[param(value_type = Option<Level>)]
    level: Option<String>,
}

/// Published events that have not started yet, soonest first.
#[utoipa::path(
    get,
    path = "/api/v1/events",
    params(ListQuery),
    responses(
        (status = 200, description = "Upcoming events", body = [EventJson]),
        (status = 400, description = "A query string of the wrong shape (a filter given twice)", body = ErrorBody),
        (status = 422, description = "Unknown filter value", body = ErrorBody),
    )
)]
pub async fn list(State(state): State<AppState>, Query(query): Query<ListQuery>) -> Result<Response, AppError> {
    let mut errors = Vec::new();
    let kind = match query.kind.as_deref().filter(|k| !k.is_empty()) {
        None => None,
        Some(code) => EventKind::from_code(code).or_else(|| {
            errors.push(FieldError::new("kind", FieldErrorKind::UnknownChoice));
            None
        }),
    };
    let level = match query.level.as_deref().filter(|l| !l.is_empty()) {
        None => None,
        Some(code) => Level::parse(code).map_err(|e| errors.push(e)).ok(),
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let key = format!("json {} {}", kind.map_or("", EventKind::code), level.map_or("", Level::code));
    let body = state
        .caches
        .page(&key, || async {
            let events = queries::upcoming(&state, &EventFilter { kind, level, with_cancelled: false }).await?;
            let list: Vec<EventJson> = events.into_iter().map(EventJson::from).collect();
            let bytes = serde_json::to_vec(&list).map_err(|e| AppError::Internal(e.into()))?;
            Ok::<_, AppError>(Bytes::from(bytes))
        })
        .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// One event, by id or slug (drafts are not public).
#[utoipa::path(
    get,
    path = "/api/v1/events/{id}",
    params(("id" = String, Path, description = "Event id (uuid) or slug")),
    responses(
        (status = 200, description = "The event", body = EventJson),
        (status = 404, description = "No such event", body = ErrorBody),
    )
)]
pub async fn one(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<EventJson>, AppError> {
    let event = queries::public_event(&state, &id).await?;
    let questions = queries::questions(&state, &event).await?;
    Ok(Json(EventJson::with_questions(event, questions)))
}
