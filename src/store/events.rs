//! Events: reading them, and the changes to events themselves (creating,
//! editing, cancelling, their questions and organizers). Written once for
//! both backends over `Sql`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::rows::{self, event_columns, organizer_columns};
use super::statement::{Dialect, Sql, Statement};
use super::{EventFilter, StoreError, StoreResult, is_unique_violation, jobs, offers, outbox, webhooks};
use crate::domain::{
    Event, EventChanges, EventInput, EventStatus, EventUpdate, FieldError, FieldErrorKind, Hook, Level, MessageKind,
    NewEvent, NewQuestion, Organizer, Question, Role, WebhookEvent, sessions_text, whole_seconds,
};

const UPCOMING: &str = concat!(
    "SELECT ",
    event_columns!(),
    " FROM events WHERE status IN ('published', $4) AND starts_at > $1 \
       AND (CAST($2 AS TEXT) IS NULL OR kind = $2) \
       AND (CAST($3 AS TEXT) IS NULL OR (',' || levels || ',') LIKE ('%,' || $3 || ',%')) \
     ORDER BY starts_at, title LIMIT 1000"
);
const BY_ID: &str = concat!("SELECT ", event_columns!(), " FROM events WHERE id = $1");
/// PostgreSQL: the event, its row locked until the transaction ends, so
/// that changes to its seats run one after another whichever instance
/// makes them. NO KEY UPDATE: registrations referencing the event can
/// still be inserted meanwhile.
const BY_ID_LOCKED: &str = concat!("SELECT ", event_columns!(), " FROM events WHERE id = $1 FOR NO KEY UPDATE");
const BY_SLUG: &str = concat!("SELECT ", event_columns!(), " FROM events WHERE slug = $1");
const COUNT: &str = "SELECT COUNT(*) AS n FROM events";
const ALL: &str = concat!("SELECT ", event_columns!(), " FROM events ORDER BY starts_at DESC, title");
const OF_ORGANIZER: &str = concat!(
    "SELECT ",
    event_columns!(),
    " FROM events WHERE id IN (SELECT event_id FROM event_organizers WHERE organizer_id = $1) \
     ORDER BY starts_at DESC, title"
);
const INSERT: &str = "INSERT INTO events (id, slug, kind, title, description, starts_at, ends_at, location, \
     address, host, levels, capacity, language, status, registration_opens_at, registration_closes_at, \
     what_to_bring, reminders_before_minutes, offer_window_minutes, offer_response_minutes, \
     promotion_cutoff_minutes, sessions, created_at, updated_at, retention_days) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, \
     $22, $23, $23, $24)";
/// Every field an organizer sets, and one more version. Seat counts are
/// left alone: they are the registrations' to move.
const UPDATE: &str = "UPDATE events SET slug = $2, kind = $3, title = $4, description = $5, \
     starts_at = $6, ends_at = $7, location = $8, address = $9, host = $10, levels = $11, capacity = $12, \
     language = $13, status = $14, registration_opens_at = $15, registration_closes_at = $16, \
     what_to_bring = $17, reminders_before_minutes = $18, offer_window_minutes = $19, \
     offer_response_minutes = $20, promotion_cutoff_minutes = $21, sessions = $22, updated_at = $23, \
     retention_days = $24, version = version + 1 \
     WHERE id = $1";
/// A notice of a change went out: calendar files carry a higher SEQUENCE.
const NEXT_SEQUENCE: &str = "UPDATE events SET calendar_sequence = calendar_sequence + 1 WHERE id = $1";
const CANCEL: &str = "UPDATE events SET status = 'cancelled', updated_at = $2, version = version + 1, \
     calendar_sequence = calendar_sequence + 1 WHERE id = $1";
/// A seat more, for a person confirmed out of turn.
const ADD_SEAT: &str = "UPDATE events SET capacity = capacity + 1, updated_at = $2, version = version + 1 \
     WHERE id = $1 RETURNING version";
const SLUG_USED_ELSEWHERE: &str = "SELECT 1 FROM events WHERE slug = $1 AND id <> $2";
const ADD_ORGANIZER: &str =
    "INSERT INTO event_organizers (event_id, organizer_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
const CAN_MANAGE: &str = "SELECT 1 FROM event_organizers WHERE event_id = $1 AND organizer_id = $2";
const ORGANIZERS: &str = concat!(
    "SELECT ",
    organizer_columns!(),
    " FROM organizers o JOIN event_organizers eo ON eo.organizer_id = o.id WHERE eo.event_id = $1 ORDER BY o.email"
);
const QUESTIONS: &str =
    "SELECT id, kind, label, choices, required FROM event_questions WHERE event_id = $1 ORDER BY position";
const QUESTION_IDS: &str = "SELECT id FROM event_questions WHERE event_id = $1 ORDER BY position";
const INSERT_QUESTION: &str = "INSERT INTO event_questions (id, event_id, position, kind, label, choices, required) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";
const UPDATE_QUESTION: &str =
    "UPDATE event_questions SET kind = $2, label = $3, choices = $4, required = $5 WHERE id = $1";
const DELETE_QUESTION: &str = "DELETE FROM event_questions WHERE id = $1";
/// Who is still registered (confirmed, offered or waiting) for an event.
const ACTIVE_REGISTRATIONS: &str = "SELECT id, email, language FROM registrations \
     WHERE event_id = $1 AND status IN ('confirmed', 'waitlisted', 'offered') ORDER BY created_at";

/// Published events starting after `now`, soonest first.
pub async fn upcoming(conn: &mut impl Sql, filter: &EventFilter, now: DateTime<Utc>) -> StoreResult<Vec<Event>> {
    let statement = Statement::new(UPCOMING)
        .bind(whole_seconds(now))
        .bind(filter.kind.map(|k| k.code()))
        .bind(filter.level.map(Level::code))
        .bind(if filter.with_cancelled { EventStatus::Cancelled } else { EventStatus::Published }.code());
    conn.fetch_all(statement, rows::event).await
}

pub async fn by_id(conn: &mut impl Sql, id: Uuid) -> StoreResult<Option<Event>> {
    conn.fetch_optional(Statement::new(BY_ID).bind(id), rows::event).await
}

pub async fn by_slug(conn: &mut impl Sql, slug: &str) -> StoreResult<Option<Event>> {
    conn.fetch_optional(Statement::new(BY_SLUG).bind(slug), rows::event).await
}

pub async fn count(conn: &mut impl Sql) -> StoreResult<i64> {
    conn.fetch_one(Statement::new(COUNT), rows::count).await
}

/// The event, read at the start of every change to it or its seats. On
/// PostgreSQL this locks its row for the rest of the transaction; SQLite's
/// one writer makes changes one after another anyway.
pub async fn for_change(conn: &mut impl Sql, id: Uuid) -> StoreResult<Option<Event>> {
    let sql = match conn.dialect() {
        Dialect::Sqlite => BY_ID,
        Dialect::Postgres => BY_ID_LOCKED,
    };
    conn.fetch_optional(Statement::new(sql).bind(id), rows::event).await
}

/// Events an organizer manages (all of them for an admin), latest first.
pub async fn managed_by(conn: &mut impl Sql, organizer: &Organizer) -> StoreResult<Vec<Event>> {
    let statement = match organizer.role {
        Role::Admin => Statement::new(ALL),
        Role::Organizer => Statement::new(OF_ORGANIZER).bind(organizer.id),
    };
    conn.fetch_all(statement, rows::event).await
}

/// Whether an organizer owns or was added to an event.
pub async fn is_organizer(conn: &mut impl Sql, event: Uuid, organizer: Uuid) -> StoreResult<bool> {
    let found = conn.fetch_optional(Statement::new(CAN_MANAGE).bind(event).bind(organizer), rows::nothing).await?;
    Ok(found.is_some())
}

pub async fn organizers(conn: &mut impl Sql, event: Uuid) -> StoreResult<Vec<Organizer>> {
    conn.fetch_all(Statement::new(ORGANIZERS).bind(event), rows::organizer).await
}

/// The questions an event asks at sign-up, in order.
pub async fn questions(conn: &mut impl Sql, event: Uuid) -> StoreResult<Vec<Question>> {
    conn.fetch_all(Statement::new(QUESTIONS).bind(event), rows::question).await
}

/// Creates an event, managed by `organizers` (none: by admins only);
/// `None` when its slug is another event's.
pub async fn create(
    conn: &mut impl Sql,
    id: Uuid,
    event: &NewEvent,
    organizers: &[Uuid],
    now: DateTime<Utc>,
) -> StoreResult<Option<Event>> {
    let insert = Statement::new(INSERT).bind(id).bind(event.slug.as_str());
    match conn.execute(bind_fields(insert, event).bind(now).bind(event.settings.retention_days)).await {
        Err(error) if is_unique_violation(&error) => return Ok(None),
        other => other?,
    };
    for organizer in organizers {
        conn.execute(Statement::new(ADD_ORGANIZER).bind(id).bind(*organizer)).await?;
    }
    if let Some(questions) = &event.questions {
        save_questions(conn, id, questions).await?;
    }
    let Some(created) = by_id(conn, id).await? else { return Ok(None) };
    jobs::schedule_reminders(conn, &created, now).await?;
    jobs::schedule_certificates(conn, &created).await?;
    Ok(Some(created))
}

/// The fields from `kind` to the sessions, in the order both INSERT and
/// UPDATE take them.
fn bind_fields(statement: Statement, event: &NewEvent) -> Statement {
    statement
        .bind(event.kind.code())
        .bind(event.title.as_str())
        .bind(event.description.as_str())
        .bind(whole_seconds(event.starts_at))
        .bind(whole_seconds(event.ends_at))
        .bind(event.location.as_str())
        .bind(event.address.as_deref())
        .bind(event.host.as_str())
        .bind(Level::join(&event.levels))
        .bind(event.capacity)
        .bind(event.language.as_str())
        .bind(event.status.code())
        .bind(whole_seconds(event.registration_opens_at))
        .bind(whole_seconds(event.registration_closes_at))
        .bind(event.what_to_bring.as_deref())
        .bind(event.settings.reminders_text())
        .bind(event.settings.offer_window_minutes)
        .bind(event.settings.offer_response_minutes)
        .bind(event.settings.promotion_cutoff_minutes)
        .bind(sessions_text(&event.sessions))
}

/// Applies an organizer's change to the event as it stands now: `patch`'s
/// fields over the current ones, checked again. A larger capacity hands the
/// new seats to the people waiting, in the same transaction; a smaller one
/// removes nobody.
pub async fn update(conn: &mut impl Sql, id: Uuid, patch: &EventInput, now: DateTime<Utc>) -> StoreResult<EventUpdate> {
    let current = match for_change(conn, id).await? {
        None => return Ok(EventUpdate::NotFound),
        // A cancellation is final.
        Some(current) if current.status == EventStatus::Cancelled => return Ok(EventUpdate::Cancelled),
        Some(current) if patch.version.is_some_and(|version| version != current.version) => {
            return Ok(EventUpdate::Conflict(Box::new(current)));
        }
        Some(current) => current,
    };
    let mut changes = match EventInput::from(&current).overlay(patch.clone()).validate(now) {
        Ok(changes) => changes,
        Err(errors) => return Ok(EventUpdate::Invalid(errors)),
    };
    let taken = Statement::new(SLUG_USED_ELSEWHERE).bind(changes.slug.as_str()).bind(id);
    if conn.fetch_optional(taken, rows::nothing).await?.is_some() {
        return Ok(slug_taken());
    }
    let questions = questions(conn, id).await?;
    let changed = changes.changes_from(&current, &questions);
    if changed.is_empty() {
        // Nothing to write: the version stays, so that a double-clicked
        // "publish" does not make another organizer's form stale.
        return Ok(EventUpdate::Updated { event: Box::new(current), changed });
    }
    if !changed.contains(&"questions") {
        // Rewriting the same questions would keep their answers anyway;
        // not rewriting them spares the statements.
        changes.questions = None;
    }
    let update = Statement::new(UPDATE).bind(id).bind(changes.slug.as_str());
    match conn.execute(bind_fields(update, &changes).bind(now).bind(changes.settings.retention_days)).await {
        // Another event took the slug since the check (PostgreSQL, another
        // instance): the same answer as the check's.
        Err(error) if is_unique_violation(&error) => return Ok(slug_taken()),
        other => other?,
    };
    if let Some(questions) = &changes.questions {
        save_questions(conn, id, questions).await?;
    }
    let Some(updated) = by_id(conn, id).await? else { return Ok(EventUpdate::NotFound) };
    let notice = EventChanges::between(&current, &changes);
    if current.status == EventStatus::Published && updated.status == EventStatus::Published && !notice.is_empty() {
        tell_of_changes(conn, &updated, &notice, now).await?;
    }
    if changed.iter().any(|field| ["starts_at", "reminders_before_minutes"].contains(field)) {
        jobs::schedule_reminders(conn, &updated, now).await?;
        jobs::cap_offers(conn, id, updated.starts_at).await?;
    }
    if changed.iter().any(|field| ["ends_at", "sessions"].contains(field)) {
        jobs::schedule_certificates(conn, &updated).await?;
    }
    let data = serde_json::json!({ "changed": changed, "version": updated.version });
    webhooks::emit(conn, &[Hook::event(WebhookEvent::EventUpdated, id, data, now)]).await?;
    offers::fill_free_seats(conn, id, now).await?;
    let event = by_id(conn, id).await?.unwrap_or(updated);
    Ok(EventUpdate::Updated { event: Box::new(event), changed })
}

/// Tells everyone registered (confirmed, offered, waiting) that the start,
/// end or place changed, with what changed; calendar files get a higher
/// SEQUENCE so that calendars update the entry.
async fn tell_of_changes(
    conn: &mut impl Sql,
    event: &Event,
    notice: &EventChanges,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    conn.execute(Statement::new(NEXT_SEQUENCE).bind(event.id)).await?;
    let details = serde_json::to_string(notice).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let people = conn.fetch_all(Statement::new(ACTIVE_REGISTRATIONS).bind(event.id), outbox::recipient).await?;
    for person in people {
        outbox::enqueue_notice(conn, &person, &details, now).await?;
    }
    Ok(())
}

fn slug_taken() -> EventUpdate {
    EventUpdate::Invalid(vec![FieldError::new("slug", FieldErrorKind::Taken)])
}

/// What cancelling an event led to.
#[derive(Debug)]
pub enum Cancellation {
    /// Cancelled by this change; everyone registered is told.
    Now(Event),
    /// It was cancelled before; nothing changed.
    Before(Event),
}

/// Cancels an event and tells everyone still registered. Registrations keep
/// their status, so the lists show who was affected.
pub async fn cancel(
    conn: &mut impl Sql,
    id: Uuid,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<Option<Cancellation>> {
    let Some(current) = for_change(conn, id).await? else { return Ok(None) };
    if current.status == EventStatus::Cancelled {
        return Ok(Some(Cancellation::Before(current)));
    }
    conn.execute(Statement::new(CANCEL).bind(id).bind(now)).await?;
    let people = conn.fetch_all(Statement::new(ACTIVE_REGISTRATIONS).bind(id), outbox::recipient).await?;
    for person in people {
        outbox::enqueue_with_note(conn, &person, MessageKind::EventCancelled, note, now).await?;
    }
    let data = serde_json::json!({ "status": "cancelled" });
    webhooks::emit(conn, &[Hook::event(WebhookEvent::EventCancelled, id, data, now)]).await?;
    Ok(by_id(conn, id).await?.map(Cancellation::Now))
}

/// A seat more for someone let in out of turn (a confirmation, a walk-in
/// at a full event): the event changed, and webhooks hear of it.
pub(super) async fn add_seat(conn: &mut impl Sql, event: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
    let version: i64 = conn.fetch_one(Statement::new(ADD_SEAT).bind(event).bind(now), |row| row.get("version")).await?;
    let data = serde_json::json!({ "changed": ["capacity"], "version": version });
    webhooks::emit(conn, &[Hook::event(WebhookEvent::EventUpdated, event, data, now)]).await
}

/// Lets another organizer manage an event (nothing changes if they already do).
pub async fn add_organizer(conn: &mut impl Sql, event: Uuid, organizer: Uuid) -> StoreResult<bool> {
    Ok(conn.execute(Statement::new(ADD_ORGANIZER).bind(event).bind(organizer)).await? > 0)
}

/// Saves an event's questions in the caller's transaction. The question at
/// each position keeps its id, and so its answers, when rewritten (a typo
/// fixed after fifty sign-ups loses nothing); questions beyond the new list
/// are deleted with their answers.
async fn save_questions(conn: &mut impl Sql, event: Uuid, questions: &[NewQuestion]) -> StoreResult<()> {
    let existing = conn.fetch_all(Statement::new(QUESTION_IDS).bind(event), rows::id).await?;
    for (position, question) in questions.iter().enumerate() {
        let choices = question.choices.join("\n");
        let statement = match existing.get(position) {
            Some(id) => Statement::new(UPDATE_QUESTION).bind(*id),
            None => Statement::new(INSERT_QUESTION).bind(Uuid::now_v7()).bind(event).bind(position as i64),
        };
        let statement =
            statement.bind(question.kind.code()).bind(question.label.as_str()).bind(choices).bind(question.required);
        conn.execute(statement).await?;
    }
    for id in existing.iter().skip(questions.len()) {
        conn.execute(Statement::new(DELETE_QUESTION).bind(*id)).await?;
    }
    Ok(())
}
