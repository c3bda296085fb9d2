//! Messages owed to people, as the outbox holds them.

use uuid::Uuid;

use super::Lang;
use super::text::optional_text;
use super::{Event, FieldError, FieldErrorKind, Registration};
use crate::token::Salt;

/// Which message: one per registration change a person must hear about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    /// A seat is theirs.
    Confirmed,
    /// On the waiting list, with their position.
    Waitlisted,
    /// A seat freed up and is now theirs.
    Promoted,
    /// They cancelled.
    Cancelled,
    /// The organizer cancelled the event.
    EventCancelled,
    /// An organizer removed their registration.
    Removed,
    /// An organizer's message to confirmed attendees.
    Announcement,
    /// To organizers who asked: someone cancelled.
    OrganizerCancellation,
    /// To organizers who asked: the last seat was taken.
    OrganizerFull,
    /// Before the event: date, place, code, and links to say "I will come"
    /// or to free the seat.
    Reminder,
    /// A seat is held for them until a deadline: accept it or not.
    Offered,
    /// Their offer ran out; they left the waiting list.
    OfferExpired,
    /// The start, end or place changed: what changed, with the calendar
    /// entry updated.
    EventChanged,
    /// After the event: their certificate of attendance, attached.
    Certificate,
    /// They gave their seat to someone else (who gets their own message).
    Transferred,
    /// They asked for the link to their registration page again.
    Link,
}

/// What a message's calendar file does to the entry in people's calendars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarMethod {
    /// Adds or updates it.
    Request,
    /// Removes it.
    Cancel,
}

impl MessageKind {
    pub const ALL: [MessageKind; 16] = [
        MessageKind::Confirmed,
        MessageKind::Waitlisted,
        MessageKind::Promoted,
        MessageKind::Cancelled,
        MessageKind::EventCancelled,
        MessageKind::Removed,
        MessageKind::Announcement,
        MessageKind::OrganizerCancellation,
        MessageKind::OrganizerFull,
        MessageKind::Reminder,
        MessageKind::Offered,
        MessageKind::OfferExpired,
        MessageKind::EventChanged,
        MessageKind::Certificate,
        MessageKind::Transferred,
        MessageKind::Link,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MessageKind::Confirmed => "confirmed",
            MessageKind::Waitlisted => "waitlisted",
            MessageKind::Promoted => "promoted",
            MessageKind::Cancelled => "cancelled",
            MessageKind::EventCancelled => "event_cancelled",
            MessageKind::Removed => "removed",
            MessageKind::Announcement => "announcement",
            MessageKind::OrganizerCancellation => "organizer_cancellation",
            MessageKind::OrganizerFull => "organizer_full",
            MessageKind::Reminder => "reminder",
            MessageKind::Offered => "offered",
            MessageKind::OfferExpired => "offer_expired",
            MessageKind::EventChanged => "event_changed",
            MessageKind::Certificate => "certificate",
            MessageKind::Transferred => "transferred",
            MessageKind::Link => "link",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The calendar file this message carries, for a person with a seat
    /// (`seated`): the entry for the seat they got or have, or its removal
    /// when the event is cancelled. Others get none.
    pub fn calendar(self, seated: bool) -> Option<CalendarMethod> {
        match self {
            MessageKind::Confirmed | MessageKind::Promoted => Some(CalendarMethod::Request),
            MessageKind::Reminder | MessageKind::EventChanged if seated => Some(CalendarMethod::Request),
            MessageKind::EventCancelled if seated => Some(CalendarMethod::Cancel),
            _ => None,
        }
    }
}

/// A message claimed for sending, with what it takes to write it.
#[derive(Debug, Clone)]
pub struct PendingMessage {
    pub id: Uuid,
    pub kind: MessageKind,
    pub recipient: String,
    pub language: Lang,
    pub waitlist_position: Option<i64>,
    /// Attempts including the one about to be made.
    pub attempts: i64,
    pub registration: Registration,
    pub token_salt: Salt,
    pub event: Event,
    /// Subject and text, for an organizer's message.
    pub announcement: Option<Announcement>,
    /// What a change notice is about (`EventChanges`, as JSON).
    pub details: Option<String>,
    /// Where replies go: one of the event's organizers, when it has one
    /// whose account is active. The emails say "répondez à ce message",
    /// and they come from a no-reply address.
    pub reply_to: Option<String>,
    /// Until when this worker holds the message, as stored. Recording what
    /// became of it names this lease, so a worker whose lease ran out
    /// cannot overwrite what the next one does.
    pub lease: chrono::DateTime<chrono::Utc>,
}

/// What changed in an event, for the notice people get: each field's
/// value before and after, as stored (times in RFC 3339).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EventChanges {
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldChange {
    /// `starts_at`, `ends_at`, `sessions` (a JSON list), `location` or
    /// `address`.
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl EventChanges {
    /// What people must hear about: the start, end or place of `current`
    /// changed in `new`.
    pub fn between(current: &Event, new: &super::NewEvent) -> Self {
        let time = |t: chrono::DateTime<chrono::Utc>| Some(t.to_rfc3339());
        let candidates = [
            ("starts_at", time(current.starts_at), time(new.starts_at)),
            ("ends_at", time(current.ends_at), time(new.ends_at)),
            ("location", Some(current.location.clone()), Some(new.location.clone())),
            ("address", current.address.clone(), new.address.clone()),
        ];
        let mut changes: Vec<FieldChange> = candidates
            .into_iter()
            .filter(|(_, before, after)| before != after)
            .map(|(field, before, after)| FieldChange { field: field.into(), before, after })
            .collect();
        // With several sessions on either side, the start and end alone do
        // not say when people must come: the sessions are listed too.
        if (current.sessions.len() > 1 || new.sessions.len() > 1) && current.sessions != new.sessions {
            let list = |sessions: &[super::Session]| serde_json::to_string(sessions).ok();
            changes.push(FieldChange {
                field: "sessions".into(),
                before: list(&current.sessions),
                after: list(&new.sessions),
            });
        }
        Self { changes }
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// What an organizer writes to attendees.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Announcement {
    pub subject: String,
    pub body: String,
}

impl Announcement {
    pub fn parse(subject: &str, body: &str) -> Result<Self, Vec<FieldError>> {
        let subject = optional_text("subject", Some(subject), 150, false)
            .and_then(|s| s.ok_or(FieldError::new("subject", FieldErrorKind::Required)));
        let body = optional_text("body", Some(body), 5_000, true)
            .and_then(|b| b.ok_or(FieldError::new("body", FieldErrorKind::Required)));
        match (subject, body) {
            (Ok(subject), Ok(body)) => Ok(Self { subject, body }),
            (subject, body) => Err([subject.err(), body.err()].into_iter().flatten().collect()),
        }
    }
}

/// How long a failed send waits: `base` doubled at each attempt after the
/// first, up to `max`, with jitter, so that sends that failed together do
/// not all come back at the same instant. Mail and webhooks share it.
pub fn backoff(base: std::time::Duration, max: std::time::Duration, attempts: i64) -> chrono::Duration {
    use rand::Rng;
    let exponent = u32::try_from(attempts.saturating_sub(1)).unwrap_or(u32::MAX).min(20);
    let delay = base.saturating_mul(2u32.saturating_pow(exponent)).min(max);
    let jittered = delay.mul_f64(rand::rng().random_range(0.75..1.25));
    chrono::Duration::from_std(jittered).unwrap_or(chrono::Duration::hours(1))
}

/// What became of one send.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    Sent,
    /// Failed for now; due again at `at`.
    Retry {
        at: chrono::DateTime<chrono::Utc>,
        error: String,
    },
    /// Will not be tried again.
    Failed {
        error: String,
    },
    /// Claimed but not tried (shutting down): due again at once.
    NotAttempted,
}
