//! The organizer API: events they run and the people registered.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::auth::{ApiManaged, ApiOrganizer, EventRefusals};
use super::events::{EventJson, list_response};
use super::{BodyRefusals, Json};
use crate::cache::Listed;
use crate::domain::{
    AttendeeLine, EventInput, Lang, Level, MAX_LIMIT, PageRequest, RegistrationStatus, code_filter, search_text,
};
use crate::error::{AppError, ErrorBody};
use crate::operations::{events, queries};
use crate::state::AppState;

/// Creates an event owned by the caller. Drafts are invisible to the public
/// until published.
#[utoipa::path(
    post,
    path = "/api/v1/events",
    request_body = EventInput,
    security(("bearer" = [])),
    responses(
        BodyRefusals,
        (status = 201, description = "Created", body = EventJson),
        (status = 401, description = "Missing or unknown API token", body = ErrorBody),
        (status = 422, description = "Invalid fields (end before start, capacity < 1, close before open...)", body = ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    caller: ApiOrganizer,
    Json(input): Json<EventInput>,
) -> Result<(StatusCode, Json<EventJson>), AppError> {
    let event = input.validate(state.clock.now()).map_err(AppError::Validation)?;
    let created = events::create(&state, &caller.actor(), event, input.slug.is_some()).await?;
    let questions = queries::questions(&state, &created).await?;
    Ok((StatusCode::CREATED, Json(EventJson::with_questions(created, questions))))
}

/// Changes some fields of an event; absent fields keep their value. With
/// the `version` read, a change made meanwhile by someone else is not
/// undone: the request gets 409 `edit_conflict` instead; without it, the
/// fields are applied to the event as it then stands. Raising the capacity
/// gives the new seats to the waiting list at once (each person is
/// emailed); lowering it below the number confirmed removes nobody.
#[utoipa::path(
    patch,
    path = "/api/v1/events/{id}",
    params(("id" = String, Path, description = "Event id (uuid) or slug")),
    request_body = EventInput,
    security(("bearer" = [])),
    responses(
        BodyRefusals,
        (status = 200, description = "Updated", body = EventJson),
        EventRefusals,
        (status = 409, description = "The event is cancelled (`event_cancelled`), or changed since `version` (`edit_conflict`)", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    ApiManaged(managed): ApiManaged,
    Json(patch): Json<EventInput>,
) -> Result<Json<EventJson>, AppError> {
    let event = events::update(&state, &managed, patch).await?;
    let questions = queries::questions(&state, &event).await?;
    Ok(Json(EventJson::with_questions(event, questions)))
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
        EventRefusals,
    )
)]
pub async fn cancel(
    State(state): State<AppState>,
    ApiManaged(managed): ApiManaged,
) -> Result<Json<EventJson>, AppError> {
    Ok(Json(events::cancel(&state, &managed, "").await?.into()))
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
    #[schema(value_type = Lang)]
    pub language: String,
    pub registered_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
    /// The first check-in at the door.
    pub checked_in_at: Option<DateTime<Utc>>,
    /// Check-ins at the door by slot id.
    pub attendance: std::collections::BTreeMap<String, DateTime<Utc>>,
    /// Signatures with the code shown in the room, by slot id.
    pub signatures: std::collections::BTreeMap<String, DateTime<Utc>>,
    /// Added at the door by an organizer.
    pub walk_in: bool,
    /// Until when an offered seat is held for them (or was, if expired).
    pub offer_expires_at: Option<DateTime<Utc>>,
    /// When they said they will come.
    pub attendance_confirmed_at: Option<DateTime<Utc>>,
    /// State of the latest email to this person: `pending`, `sent` or `failed`.
    pub email_status: Option<String>,
    /// Answers by question id.
    pub answers: std::collections::BTreeMap<String, String>,
    /// When the person agreed to the privacy notice, and its version (null:
    /// added at the door, or before notices had versions).
    pub consented_at: DateTime<Utc>,
    pub consent_version: Option<String>,
    /// Set once the person's data was erased (at their request, or when
    /// retention ran out): name, email and institution are then empty.
    pub anonymised_at: Option<DateTime<Utc>>,
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
            attendance: line.attendance.into_iter().collect(),
            signatures: line.signatures.into_iter().collect(),
            walk_in: line.walk_in,
            offer_expires_at: r.offer_expires_at,
            attendance_confirmed_at: r.attendance_confirmed_at,
            email_status: line.email_status,
            answers: line.answers.into_iter().map(|(question, answer)| (question.to_string(), answer)).collect(),
            consented_at: r.consented_at,
            consent_version: r.consent_version,
            anonymised_at: r.anonymised_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegistrationsQuery {
    /// Only registrations in this state.
    #[param(value_type = Option<RegistrationStatus>)]
    status: Option<String>,
    /// Only people whose name, email or institution contains this text
    /// (whatever the case and accents).
    #[param(max_length = 200)]
    q: Option<String>,
    /// Registrations a page, 1 to 200 (200 when absent).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// Where the page starts: the `cursor` of the previous answer's
    /// `Link: <…>; rel="next"` header.
    cursor: Option<String>,
}

/// Everyone who signed up, oldest first, cancelled ones included, a page
/// at a time: when more follow, the answer has a `Link` header to the next
/// page (`rel="next"`), with the same filters.
#[utoipa::path(
    get,
    path = "/api/v1/events/{id}/registrations",
    params(("id" = String, Path, description = "Event id (uuid) or slug"), RegistrationsQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The registrations", body = [AttendeeJson],
            headers(
                ("Link" = String, description = "`<…>; rel=\"next\"`: the next page, when there is one"),
                ("X-Total-Count" = i64, description = "Registrations on every page together"),
            )),
        (status = 400, description = "A query string of the wrong shape (a filter given twice)", body = ErrorBody),
        (status = 422, description = "Unknown status, bad limit or cursor", body = ErrorBody),
        EventRefusals,
    )
)]
pub async fn registrations(
    State(state): State<AppState>,
    ApiManaged(managed): ApiManaged,
    uri: Uri,
    Query(query): Query<RegistrationsQuery>,
) -> Result<Response, AppError> {
    let (status, text, request) = query.check()?;
    let page = queries::registrations_page(&state, &managed, status, &text, &request).await?;
    let list: Vec<AttendeeJson> = page.items.into_iter().map(AttendeeJson::from).collect();
    let body = Bytes::from(serde_json::to_vec(&list).map_err(|e| AppError::Internal(e.into()))?);
    Ok(list_response(&uri, Listed { body, next: page.next, total: page.total }))
}

impl RegistrationsQuery {
    fn check(self) -> Result<(Option<RegistrationStatus>, String, PageRequest), AppError> {
        let mut errors = Vec::new();
        let status = code_filter("status", self.status.as_deref(), RegistrationStatus::from_code, &mut errors);
        let request = PageRequest::parse(self.limit.as_deref(), self.cursor.as_deref(), MAX_LIMIT, &mut errors);
        let text = search_text(self.q, &mut errors);
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok((status, text, request))
    }
}
