//! Events and the rules that say whether one takes sign-ups.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::Level;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    RoundTable,
    Masterclass,
}

impl EventKind {
    pub const ALL: [EventKind; 2] = [EventKind::RoundTable, EventKind::Masterclass];

    pub fn code(self) -> &'static str {
        match self {
            EventKind::RoundTable => "round_table",
            EventKind::Masterclass => "masterclass",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventStatus {
    Draft,
    Published,
    Cancelled,
}

impl EventStatus {
    pub fn code(self) -> &'static str {
        match self {
            EventStatus::Draft => "draft",
            EventStatus::Published => "published",
            EventStatus::Cancelled => "cancelled",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [EventStatus::Draft, EventStatus::Published, EventStatus::Cancelled].into_iter().find(|s| s.code() == code)
    }
}

/// An event as stored, with its live seat counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: Uuid,
    pub slug: String,
    pub kind: EventKind,
    pub title: String,
    pub description: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub location: String,
    pub address: Option<String>,
    pub host: String,
    pub levels: Vec<Level>,
    pub capacity: i64,
    pub language: String,
    pub status: EventStatus,
    pub registration_opens_at: DateTime<Utc>,
    pub registration_closes_at: DateTime<Utc>,
    pub what_to_bring: Option<String>,
    pub confirmed_count: i64,
    pub waitlisted_count: i64,
}

impl Event {
    /// Seats still free; never negative, even after capacity was lowered
    /// below the number already confirmed.
    pub fn seats_left(&self) -> i64 {
        (self.capacity - self.confirmed_count).max(0)
    }

    pub fn admits(&self, level: Level) -> bool {
        self.levels.contains(&level)
    }

    /// Whether the event takes sign-ups at `now`, whatever the level.
    pub fn sign_up_state(&self, now: DateTime<Utc>) -> Result<(), Refusal> {
        match self.status {
            EventStatus::Draft => return Err(Refusal::NotPublished),
            EventStatus::Cancelled => return Err(Refusal::EventCancelled),
            EventStatus::Published => {}
        }
        if now >= self.starts_at {
            Err(Refusal::EventPast)
        } else if now < self.registration_opens_at {
            Err(Refusal::NotYetOpen)
        } else if now >= self.registration_closes_at {
            Err(Refusal::Closed)
        } else {
            Ok(())
        }
    }
}

/// Why an event refuses a sign-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    NotPublished,
    EventCancelled,
    EventPast,
    NotYetOpen,
    Closed,
    LevelNotAdmitted,
}

impl Refusal {
    /// Stable machine-readable code for the API.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::NotPublished => "event_not_published",
            Refusal::EventCancelled => "event_cancelled",
            Refusal::EventPast => "event_past",
            Refusal::NotYetOpen => "registration_not_open",
            Refusal::Closed => "registration_closed",
            Refusal::LevelNotAdmitted => "level_not_admitted",
        }
    }
}

/// The rule a sign-up is checked against, at the moment its transaction runs.
pub fn registration_refusal(event: &Event, level: Level, now: DateTime<Utc>) -> Option<Refusal> {
    event.sign_up_state(now).err().or_else(|| (!event.admits(level)).then_some(Refusal::LevelNotAdmitted))
}

/// What an organizer (or the demo loader) gives to create an event.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub slug: String,
    pub kind: EventKind,
    pub title: String,
    pub description: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub location: String,
    pub address: Option<String>,
    pub host: String,
    pub levels: Vec<Level>,
    pub capacity: i64,
    pub language: String,
    pub status: EventStatus,
    pub registration_opens_at: DateTime<Utc>,
    pub registration_closes_at: DateTime<Utc>,
    pub what_to_bring: Option<String>,
    /// `None` keeps an event's questions when editing it.
    pub questions: Option<Vec<super::NewQuestion>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn event(now: DateTime<Utc>) -> Event {
        Event {
            id: Uuid::nil(),
            slug: "masterclass-naobios".into(),
            kind: EventKind::Masterclass,
            title: "Masterclass".into(),
            description: String::new(),
            starts_at: now + Duration::days(10),
            ends_at: now + Duration::days(10) + Duration::hours(7),
            location: "Naobios".into(),
            address: None,
            host: "Naobios".into(),
            levels: vec![Level::BtsBut, Level::Master],
            capacity: 10,
            language: "fr".into(),
            status: EventStatus::Published,
            registration_opens_at: now - Duration::days(1),
            registration_closes_at: now + Duration::days(9),
            what_to_bring: None,
            confirmed_count: 12,
            waitlisted_count: 0,
        }
    }

    #[test]
    fn seats_left_never_negative() {
        assert_eq!(event(Utc::now()).seats_left(), 0);
    }

    #[test]
    fn refusals_follow_status_window_and_level() {
        let now = Utc::now();
        let e = event(now);
        assert_eq!(registration_refusal(&e, Level::Master, now), None);
        assert_eq!(registration_refusal(&e, Level::Doctorat, now), Some(Refusal::LevelNotAdmitted));
        assert_eq!(registration_refusal(&e, Level::Master, now - Duration::days(2)), Some(Refusal::NotYetOpen));
        assert_eq!(registration_refusal(&e, Level::Master, now + Duration::days(9)), Some(Refusal::Closed));
        assert_eq!(registration_refusal(&e, Level::Master, now + Duration::days(11)), Some(Refusal::EventPast));
        let cancelled = Event { status: EventStatus::Cancelled, ..e.clone() };
        assert_eq!(registration_refusal(&cancelled, Level::Master, now), Some(Refusal::EventCancelled));
        let draft = Event { status: EventStatus::Draft, ..e };
        assert_eq!(registration_refusal(&draft, Level::Master, now), Some(Refusal::NotPublished));
    }
}
