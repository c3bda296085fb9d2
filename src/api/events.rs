//! Events as JSON.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::Json;
use crate::cache::Listed;
use crate::domain::{
    DateRange, Event, EventKind, EventStatus, Lang, Level, MAX_LIMIT, PageRequest, Question, Session, Slot,
    code_filter, page_address, search_text,
};
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
    /// Only events starting on this day (Paris time) or later.
    #[param(value_type = Option<chrono::NaiveDate>)]
    from: Option<String>,
    /// Only events starting on this day (Paris time) or earlier.
    #[param(value_type = Option<chrono::NaiveDate>)]
    to: Option<String>,
    /// Only events whose title, host, place or address contains this text
    /// (whatever the case and accents).
    #[param(max_length = 200)]
    q: Option<String>,
    /// Events a page, 1 to 200 (200 when absent).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// Where the page starts: the `cursor` of the previous answer's
    /// `Link: <…>; rel="next"` header.
    cursor: Option<String>,
}

/// Published events that have not started yet, soonest first, a page at a
/// time: when more follow, the answer has a `Link` header to the next page
/// (`rel="next"`), with the same filters.
#[utoipa::path(
    get,
    path = "/api/v1/events",
    params(ListQuery),
    responses(
        (status = 200, description = "Upcoming events", body = [EventJson],
            headers(
                ("Link" = String, description = "`<…>; rel=\"next\"`: the next page, when there is one"),
                ("X-Total-Count" = i64, description = "Events on every page together"),
            )),
        (status = 400, description = "A query string of the wrong shape (a filter given twice)", body = ErrorBody),
        (status = 422, description = "Unknown filter value, bad date, limit or cursor", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    uri: Uri,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let wanted = query.check()?;
    // Most ask for the first page unfiltered, a rush thousands of times:
    // that one is kept as sent.
    let listed = if wanted.dates == DateRange::default()
        && wanted.text.is_empty()
        && wanted.page == PageRequest::first(MAX_LIMIT)
    {
        state
            .caches
            .list(&format!("json {}", wanted.filter.key()), || async {
                let page = queries::upcoming_page(&state, &wanted.filter, wanted.dates, "", &wanted.page).await?;
                Ok::<_, AppError>(Listed { next: page.next, total: page.total, body: json_list(page.items)? })
            })
            .await?
    } else {
        let page = queries::upcoming_page(&state, &wanted.filter, wanted.dates, &wanted.text, &wanted.page).await?;
        Listed { next: page.next, total: page.total, body: json_list(page.items)? }
    };
    Ok(list_response(&uri, listed))
}

/// What `GET /api/v1/events` asks for, checked.
struct Wanted {
    filter: EventFilter,
    dates: DateRange,
    text: String,
    page: PageRequest,
}

impl ListQuery {
    fn check(self) -> Result<Wanted, AppError> {
        let mut errors = Vec::new();
        let kind = code_filter("kind", self.kind.as_deref(), EventKind::from_code, &mut errors);
        let level = match self.level.as_deref().filter(|l| !l.is_empty()) {
            None => None,
            Some(code) => Level::parse(code).map_err(|e| errors.push(e)).ok(),
        };
        let dates = DateRange::parse(self.from.as_deref(), self.to.as_deref(), &mut errors);
        let page = PageRequest::parse(self.limit.as_deref(), self.cursor.as_deref(), MAX_LIMIT, &mut errors);
        let text = search_text(self.q, &mut errors);
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(Wanted { filter: EventFilter { kind, level, with_cancelled: false }, dates, text, page })
    }
}

/// The header with the length of a whole list, a common convention.
const TOTAL_COUNT: header::HeaderName = header::HeaderName::from_static("x-total-count");

fn json_list(events: Vec<Event>) -> Result<Bytes, AppError> {
    let list: Vec<EventJson> = events.into_iter().map(EventJson::from).collect();
    Ok(Bytes::from(serde_json::to_vec(&list).map_err(|e| AppError::Internal(e.into()))?))
}

/// A page of a list as JSON, with the `Link` header to the next one and the
/// length of the whole list in `X-Total-Count`.
pub fn list_response(uri: &Uri, listed: Listed) -> Response {
    let headers =
        [(header::CONTENT_TYPE, HeaderValue::from_static("application/json")), (TOTAL_COUNT, listed.total.into())];
    let mut response = (headers, listed.body).into_response();
    if let Some(next) = listed.next {
        let link = format!("<{}>; rel=\"next\"", page_address(uri.path(), uri.query(), Some(&next)));
        if let Ok(value) = HeaderValue::from_str(&link) {
            response.headers_mut().insert(header::LINK, value);
        }
    }
    response
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
