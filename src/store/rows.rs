//! Database rows as sqlx reads them, and their conversion to domain types.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::StoreError;
use crate::domain::{
    AttendeeLine, Event, EventKind, EventStatus, Level, Organizer, Registration, RegistrationStatus, Role,
};
use crate::domain::{Question, QuestionKind};
use crate::i18n::Lang;

/// Fields are open to the store: the SQLite writer also reads this row
/// through rusqlite (`sqlite::sign_ups`).
#[derive(sqlx::FromRow)]
pub struct EventRow {
    pub(in crate::store) id: Uuid,
    pub(in crate::store) slug: String,
    pub(in crate::store) kind: String,
    pub(in crate::store) title: String,
    pub(in crate::store) description: String,
    pub(in crate::store) starts_at: DateTime<Utc>,
    pub(in crate::store) ends_at: DateTime<Utc>,
    pub(in crate::store) location: String,
    pub(in crate::store) address: Option<String>,
    pub(in crate::store) host: String,
    pub(in crate::store) levels: String,
    pub(in crate::store) capacity: i64,
    pub(in crate::store) language: String,
    pub(in crate::store) status: String,
    pub(in crate::store) registration_opens_at: DateTime<Utc>,
    pub(in crate::store) registration_closes_at: DateTime<Utc>,
    pub(in crate::store) what_to_bring: Option<String>,
    pub(in crate::store) confirmed_count: i64,
    pub(in crate::store) waitlisted_count: i64,
}

impl TryFrom<EventRow> for Event {
    type Error = StoreError;

    fn try_from(row: EventRow) -> Result<Self, StoreError> {
        Ok(Event {
            kind: EventKind::from_code(&row.kind).ok_or_else(|| corrupt("event kind", &row.kind))?,
            status: EventStatus::from_code(&row.status).ok_or_else(|| corrupt("event status", &row.status))?,
            levels: Level::split(&row.levels),
            id: row.id,
            slug: row.slug,
            title: row.title,
            description: row.description,
            starts_at: row.starts_at,
            ends_at: row.ends_at,
            location: row.location,
            address: row.address,
            host: row.host,
            capacity: row.capacity,
            language: row.language,
            registration_opens_at: row.registration_opens_at,
            registration_closes_at: row.registration_closes_at,
            what_to_bring: row.what_to_bring,
            confirmed_count: row.confirmed_count,
            waitlisted_count: row.waitlisted_count,
        })
    }
}

#[derive(sqlx::FromRow, Clone)]
pub struct RegistrationRow {
    id: Uuid,
    event_id: Uuid,
    name: String,
    email: String,
    institution: Option<String>,
    level: String,
    status: String,
    language: String,
    created_at: DateTime<Utc>,
    cancelled_at: Option<DateTime<Utc>>,
    waitlist_position: Option<i64>,
}

impl TryFrom<RegistrationRow> for Registration {
    type Error = StoreError;

    fn try_from(row: RegistrationRow) -> Result<Self, StoreError> {
        Ok(Registration {
            level: Level::from_code(&row.level).ok_or_else(|| corrupt("level", &row.level))?,
            status: RegistrationStatus::from_code(&row.status)
                .ok_or_else(|| corrupt("registration status", &row.status))?,
            language: Lang::from_code(&row.language).unwrap_or_default(),
            id: row.id,
            event_id: row.event_id,
            name: row.name,
            email: row.email,
            institution: row.institution,
            waitlist_position: row.waitlist_position,
            created_at: row.created_at,
            cancelled_at: row.cancelled_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct AttendeeRow {
    id: Uuid,
    event_id: Uuid,
    name: String,
    email: String,
    institution: Option<String>,
    level: String,
    status: String,
    language: String,
    created_at: DateTime<Utc>,
    cancelled_at: Option<DateTime<Utc>>,
    checked_in_at: Option<DateTime<Utc>>,
    pub waitlist_seq: Option<i64>,
    email_status: Option<String>,
}

impl AttendeeRow {
    /// The line, with the waiting-list position the caller computed.
    pub fn into_line(self, waitlist_position: Option<i64>) -> Result<AttendeeLine, StoreError> {
        let registration = RegistrationRow {
            id: self.id,
            event_id: self.event_id,
            name: self.name,
            email: self.email,
            institution: self.institution,
            level: self.level,
            status: self.status,
            language: self.language,
            created_at: self.created_at,
            cancelled_at: self.cancelled_at,
            waitlist_position,
        };
        Ok(AttendeeLine {
            registration: registration.try_into()?,
            checked_in_at: self.checked_in_at,
            email_status: self.email_status,
            answers: Default::default(),
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct OrganizerRow {
    id: Uuid,
    email: String,
    name: String,
    role: String,
    password_hash: String,
    notify_on_cancel: bool,
    notify_when_full: bool,
}

impl OrganizerRow {
    /// The organizer, and their password hash.
    pub fn into_parts(self) -> Result<(Organizer, String), StoreError> {
        let role = Role::from_code(&self.role).ok_or_else(|| corrupt("role", &self.role))?;
        let organizer = Organizer {
            id: self.id,
            email: self.email,
            name: self.name,
            role,
            notify_on_cancel: self.notify_on_cancel,
            notify_when_full: self.notify_when_full,
        };
        Ok((organizer, self.password_hash))
    }
}

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("unknown {what} {value:?}"))
}

#[derive(sqlx::FromRow)]
pub struct QuestionRow {
    id: Uuid,
    kind: String,
    label: String,
    choices: String,
    required: bool,
}

impl TryFrom<QuestionRow> for Question {
    type Error = StoreError;

    fn try_from(row: QuestionRow) -> Result<Self, StoreError> {
        Ok(Question {
            id: row.id,
            kind: QuestionKind::from_code(&row.kind).ok_or_else(|| corrupt("question kind", &row.kind))?,
            label: row.label,
            choices: row.choices.lines().map(str::to_owned).filter(|c| !c.is_empty()).collect(),
            required: row.required,
        })
    }
}

/// A message just leased from the outbox.
#[derive(sqlx::FromRow)]
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
    pub locked_until: DateTime<Utc>,
}

/// A registration and the salt its cancel link is derived from, for a
/// message about it.
#[derive(sqlx::FromRow)]
pub struct RegistrationWithSalt {
    #[sqlx(flatten)]
    pub registration: RegistrationRow,
    pub token_salt: Vec<u8>,
}

impl RegistrationRow {
    pub fn id(&self) -> Uuid {
        self.id
    }
}
