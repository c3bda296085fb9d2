//! Messages owed to people, as the outbox holds them.

use uuid::Uuid;

use super::Lang;
use super::event_input::optional_text;
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
}

impl MessageKind {
    pub const ALL: [MessageKind; 9] = [
        MessageKind::Confirmed,
        MessageKind::Waitlisted,
        MessageKind::Promoted,
        MessageKind::Cancelled,
        MessageKind::EventCancelled,
        MessageKind::Removed,
        MessageKind::Announcement,
        MessageKind::OrganizerCancellation,
        MessageKind::OrganizerFull,
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
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Messages that give the person a seat carry the calendar file.
    pub fn gives_a_seat(self) -> bool {
        matches!(self, MessageKind::Confirmed | MessageKind::Promoted)
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
    /// Until when this worker holds the message, as stored. Recording what
    /// became of it names this lease, so a worker whose lease ran out
    /// cannot overwrite what the next one does.
    pub lease: chrono::DateTime<chrono::Utc>,
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
