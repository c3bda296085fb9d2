//! Messages owed to people, as the outbox holds them.

use uuid::Uuid;

use super::{Event, Registration};
use crate::i18n::Lang;
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
}

impl MessageKind {
    pub const ALL: [MessageKind; 6] = [
        MessageKind::Confirmed,
        MessageKind::Waitlisted,
        MessageKind::Promoted,
        MessageKind::Cancelled,
        MessageKind::EventCancelled,
        MessageKind::Removed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MessageKind::Confirmed => "confirmed",
            MessageKind::Waitlisted => "waitlisted",
            MessageKind::Promoted => "promoted",
            MessageKind::Cancelled => "cancelled",
            MessageKind::EventCancelled => "event_cancelled",
            MessageKind::Removed => "removed",
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
