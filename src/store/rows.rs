//! Rows read back as domain types, by column name, whichever connection
//! read them (sqlx on either backend, or the SQLite writer's rusqlite
//! handle).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::statement::Columns;
use super::{StoreError, StoreResult};
use crate::domain::{
    AttendeeLine, AuditEntry, AuditLine, Event, EventKind, EventStatus, Lang, Level, Organizer, Question, QuestionKind,
    Registration, RegistrationStatus, Role, SeatSettings, Via, parse_sessions,
};

/// The columns `event` reads, for queries assembled with `concat!`.
macro_rules! event_columns {
    () => {
        "id, slug, kind, title, description, starts_at, ends_at, location, address, host, levels, \
         capacity, language, status, registration_opens_at, registration_closes_at, what_to_bring, \
         confirmed_count, waitlisted_count, offered_count, version, reminders_before_minutes, \
         offer_window_minutes, offer_response_minutes, promotion_cutoff_minutes, calendar_sequence, sessions, \
         retention_days"
    };
}
pub(crate) use event_columns;

pub fn event(row: &dyn Columns) -> StoreResult<Event> {
    let kind: String = row.get("kind")?;
    let status: String = row.get("status")?;
    let levels: String = row.get("levels")?;
    let (starts_at, ends_at) = (row.get("starts_at")?, row.get("ends_at")?);
    let sessions: String = row.get("sessions")?;
    let sessions = parse_sessions(&sessions, starts_at, ends_at).ok_or_else(|| corrupt("event sessions", &sessions))?;
    Ok(Event {
        kind: EventKind::from_code(&kind).ok_or_else(|| corrupt("event kind", &kind))?,
        status: EventStatus::from_code(&status).ok_or_else(|| corrupt("event status", &status))?,
        levels: Level::split(&levels),
        id: row.get("id")?,
        slug: row.get("slug")?,
        title: row.get("title")?,
        description: row.get("description")?,
        starts_at,
        ends_at,
        sessions,
        location: row.get("location")?,
        address: row.get("address")?,
        host: row.get("host")?,
        capacity: row.get("capacity")?,
        language: row.get("language")?,
        registration_opens_at: row.get("registration_opens_at")?,
        registration_closes_at: row.get("registration_closes_at")?,
        what_to_bring: row.get("what_to_bring")?,
        confirmed_count: row.get("confirmed_count")?,
        waitlisted_count: row.get("waitlisted_count")?,
        offered_count: row.get("offered_count")?,
        version: row.get("version")?,
        settings: SeatSettings {
            reminders_before_minutes: SeatSettings::parse_reminders(&row.get::<String>("reminders_before_minutes")?),
            offer_window_minutes: row.get("offer_window_minutes")?,
            offer_response_minutes: row.get("offer_response_minutes")?,
            promotion_cutoff_minutes: row.get("promotion_cutoff_minutes")?,
            retention_days: row.get("retention_days")?,
        },
        calendar_sequence: row.get("calendar_sequence")?,
    })
}

/// An event with the last waiting-list ticket it handed out.
pub fn event_with_ticket(row: &dyn Columns) -> StoreResult<(Event, i64)> {
    Ok((event(row)?, row.get("waitlist_seq")?))
}

/// The columns `registration` reads, for a registration `r`.
macro_rules! registration_columns {
    () => {
        "r.id, r.event_id, r.name, r.email, r.institution, r.level, r.status, r.language, r.created_at, \
         r.cancelled_at, r.offer_expires_at, r.attendance_confirmed_at, r.consent_at, r.consent_version, r.anonymised_at, \
         CASE WHEN r.status = 'waitlisted' THEN \
           (SELECT COUNT(*) FROM registrations w \
            WHERE w.event_id = r.event_id AND w.status = 'waitlisted' AND w.waitlist_seq <= r.waitlist_seq) \
         END AS waitlist_position"
    };
}
pub(crate) use registration_columns;

pub fn registration(row: &dyn Columns) -> StoreResult<Registration> {
    registration_at(row, row.get("waitlist_position")?)
}

/// A registration whose waiting-list position the caller computed.
fn registration_at(row: &dyn Columns, waitlist_position: Option<i64>) -> StoreResult<Registration> {
    let level: String = row.get("level")?;
    let status: String = row.get("status")?;
    let language: String = row.get("language")?;
    let anonymised_at: Option<DateTime<Utc>> = row.get("anonymised_at")?;
    Ok(Registration {
        level: Level::from_code(&level).ok_or_else(|| corrupt("level", &level))?,
        status: RegistrationStatus::from_code(&status).ok_or_else(|| corrupt("registration status", &status))?,
        language: Lang::from_code(&language).unwrap_or_default(),
        id: row.get("id")?,
        event_id: row.get("event_id")?,
        name: row.get("name")?,
        // An anonymised row keeps a placeholder, unique per registration
        // for the one-per-email index: nobody sees it.
        email: if anonymised_at.is_some() { String::new() } else { row.get("email")? },
        institution: row.get("institution")?,
        waitlist_position,
        created_at: row.get("created_at")?,
        cancelled_at: row.get("cancelled_at")?,
        offer_expires_at: row.get("offer_expires_at")?,
        attendance_confirmed_at: row.get("attendance_confirmed_at")?,
        consented_at: row.get("consent_at")?,
        consent_version: row.get("consent_version")?,
        anonymised_at,
    })
}

/// A registration and the salt its cancel link is derived from.
pub fn registration_with_salt(row: &dyn Columns) -> StoreResult<(Registration, Vec<u8>)> {
    Ok((registration(row)?, row.get("token_salt")?))
}

/// A line of an attendee list, before its position and answers are known:
/// the line and the waiting-list ticket its position is ranked from.
pub fn attendee(row: &dyn Columns) -> StoreResult<(AttendeeLine, Option<i64>)> {
    let line = AttendeeLine {
        registration: registration_at(row, None)?,
        checked_in_at: row.get("checked_in_at")?,
        attendance: HashMap::new(),
        signatures: HashMap::new(),
        walk_in: row.get("walk_in")?,
        email_status: row.get("email_status")?,
        answers: HashMap::new(),
    };
    Ok((line, row.get("waitlist_seq")?))
}

/// The columns `organizer` reads, for an organizer `o`.
macro_rules! organizer_columns {
    () => {
        "o.id, o.email, o.name, o.role, o.password_hash, o.notify_on_cancel, o.notify_when_full, o.disabled_at"
    };
}
pub(crate) use organizer_columns;

pub fn organizer(row: &dyn Columns) -> StoreResult<Organizer> {
    let role: String = row.get("role")?;
    Ok(Organizer {
        role: Role::from_code(&role).ok_or_else(|| corrupt("role", &role))?,
        id: row.get("id")?,
        email: row.get("email")?,
        name: row.get("name")?,
        notify_on_cancel: row.get("notify_on_cancel")?,
        notify_when_full: row.get("notify_when_full")?,
        disabled_at: row.get("disabled_at")?,
    })
}

/// An organizer and their password hash.
pub fn organizer_with_hash(row: &dyn Columns) -> StoreResult<(Organizer, String)> {
    Ok((organizer(row)?, row.get("password_hash")?))
}

pub fn question(row: &dyn Columns) -> StoreResult<Question> {
    let kind: String = row.get("kind")?;
    let choices: String = row.get("choices")?;
    Ok(Question {
        id: row.get("id")?,
        kind: QuestionKind::from_code(&kind).ok_or_else(|| corrupt("question kind", &kind))?,
        label: row.get("label")?,
        choices: choices.lines().map(str::to_owned).filter(|c| !c.is_empty()).collect(),
        required: row.get("required")?,
    })
}

/// A message just leased from the outbox.
#[derive(Debug)]
pub struct ClaimedRow {
    pub id: Uuid,
    pub registration_id: Uuid,
    pub kind: String,
    pub recipient: String,
    pub language: String,
    pub waitlist_position: Option<i64>,
    pub attempts: i64,
    pub subject: Option<String>,
    pub body: Option<String>,
    pub details: Option<String>,
    pub locked_until: DateTime<Utc>,
}

pub fn claimed(row: &dyn Columns) -> StoreResult<ClaimedRow> {
    Ok(ClaimedRow {
        id: row.get("id")?,
        registration_id: row.get("registration_id")?,
        kind: row.get("kind")?,
        recipient: row.get("recipient")?,
        language: row.get("language")?,
        waitlist_position: row.get("waitlist_position")?,
        attempts: row.get("attempts")?,
        subject: row.get("subject")?,
        body: row.get("body")?,
        details: row.get("details")?,
        locked_until: row.get("locked_until")?,
    })
}

/// A history entry with the names it refers to. Entries written before
/// entries had kinds have no parameters, and a kind this version does not
/// know (written by a newer instance during an upgrade) cannot be read:
/// both are shown as recorded, rather than failing the whole history.
pub fn audit_line(row: &dyn Columns) -> StoreResult<AuditLine> {
    let params: Option<String> = row.get("params")?;
    let entry = match params.as_deref().map(serde_json::from_str::<AuditEntry>) {
        Some(Ok(entry)) => entry,
        _ => AuditEntry::Recorded { action: row.get("action")?, detail: row.get("detail")? },
    };
    let via: Option<String> = row.get("via")?;
    Ok(AuditLine {
        at: row.get("at")?,
        actor: row.get("actor_email")?,
        via: via.as_deref().and_then(Via::from_code),
        entry,
        event: row.get("event_title")?,
        // An anonymised person has no name left: the entry says so.
        person: row.get::<Option<String>>("person")?.filter(|name| !name.is_empty()),
        organizer: row.get("subject_email")?,
    })
}

/// A single count, `SELECT COUNT(*) AS n`.
pub fn count(row: &dyn Columns) -> StoreResult<i64> {
    row.get("n")
}

/// A single id, `SELECT id`.
pub fn id(row: &dyn Columns) -> StoreResult<Uuid> {
    row.get("id")
}

/// For queries that only tell whether a row exists.
pub fn nothing(_: &dyn Columns) -> StoreResult<()> {
    Ok(())
}

pub fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("unknown {what} {value:?}"))
}
