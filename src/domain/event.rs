//! Events and the rules that say whether one takes sign-ups.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Level, SeatSettings, Session, Slot};

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
    /// The first session's start.
    pub starts_at: DateTime<Utc>,
    /// The last session's end.
    pub ends_at: DateTime<Utc>,
    /// At least one, in order.
    pub sessions: Vec<Session>,
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
    /// Seats held for people who were offered one.
    pub offered_count: i64,
    /// Grows with every change to the event itself (not to its seat
    /// counts): an edit made from an older version is refused rather than
    /// allowed to undo what happened since.
    pub version: i64,
    pub settings: SeatSettings,
    /// The calendar files' SEQUENCE: grows with each notice of a change.
    pub calendar_sequence: i64,
}

/// What becomes of a seat freed now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandOff {
    /// Given to the first person waiting.
    Give,
    /// Offered to the first person waiting, held until `until`.
    Offer { until: DateTime<Utc> },
    /// It stays free: the event is about to start, has started, or does not
    /// take people.
    Keep,
}

impl Event {
    /// The half-days attendance is recorded in.
    pub fn slots(&self) -> Vec<Slot> {
        super::slots(&self.sessions)
    }

    /// Whether the title, host, place or address contains `needle`, a
    /// query already folded (`folded`: case, accents and punctuation
    /// aside, as people's names are searched); an empty one matches every
    /// event.
    pub fn matches_folded(&self, needle: &str) -> bool {
        needle.is_empty()
            || [
                Some(self.title.as_str()),
                Some(self.host.as_str()),
                Some(self.location.as_str()),
                self.address.as_deref(),
            ]
            .into_iter()
            .flatten()
            .any(|field| super::folded(field).contains(needle))
    }

    /// Its place in a list of events: by start, then title.
    pub fn list_key(&self) -> super::Cursor {
        super::Cursor::new(self.starts_at, &self.title, self.id)
    }

    /// Seats still free: neither confirmed nor held by an offer; never
    /// negative, even after capacity was lowered below the number taken.
    pub fn seats_left(&self) -> i64 {
        (self.capacity - self.confirmed_count - self.offered_count).max(0)
    }

    /// What becomes of a seat freed at `now`.
    pub fn freed_seat(&self, now: DateTime<Utc>) -> HandOff {
        let minutes = chrono::Duration::minutes;
        let settings = &self.settings;
        if self.status != EventStatus::Published || now >= self.starts_at - minutes(settings.promotion_cutoff_minutes) {
            return HandOff::Keep;
        }
        if settings.offer_window_minutes > 0 && now >= self.starts_at - minutes(settings.offer_window_minutes) {
            let until = (now + minutes(settings.offer_response_minutes)).min(self.starts_at);
            return HandOff::Offer { until };
        }
        HandOff::Give
    }

    /// When the reminder `offset_minutes` before the start is due.
    pub fn reminder_due(&self, offset_minutes: i64) -> DateTime<Utc> {
        self.starts_at - chrono::Duration::minutes(offset_minutes)
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

/// What an event edit led to.
#[derive(Debug, Clone, PartialEq)]
pub enum EventUpdate {
    /// Saved; `changed` names the fields that changed (API names).
    Updated {
        event: Box<Event>,
        changed: Vec<&'static str>,
    },
    NotFound,
    /// The event was cancelled: it can no longer change.
    Cancelled,
    /// The event changed since the version the edit was made from; it is
    /// given as it now stands.
    Conflict(Box<Event>),
    /// The edit, applied to the event as it stands, is invalid (or its
    /// slug is another event's).
    Invalid(Vec<super::FieldError>),
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
    /// At least one, in order, from `starts_at` to `ends_at`.
    pub sessions: Vec<Session>,
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
    pub settings: SeatSettings,
}

impl NewEvent {
    /// The fields (API names) in which this differs from `current`, whose
    /// questions were `questions`.
    pub fn changes_from(&self, current: &Event, questions: &[super::Question]) -> Vec<&'static str> {
        let mut changed = Vec::new();
        let mut check = |field, differs: bool| {
            if differs {
                changed.push(field);
            }
        };
        check("slug", self.slug != current.slug);
        check("kind", self.kind != current.kind);
        check("title", self.title != current.title);
        check("description", self.description != current.description);
        check("starts_at", self.starts_at != current.starts_at);
        check("ends_at", self.ends_at != current.ends_at);
        check("sessions", self.sessions != current.sessions);
        check("location", self.location != current.location);
        check("address", self.address != current.address);
        check("host", self.host != current.host);
        check("levels", self.levels != current.levels);
        check("capacity", self.capacity != current.capacity);
        check("language", self.language != current.language);
        check("status", self.status != current.status);
        check("registration_opens_at", self.registration_opens_at != current.registration_opens_at);
        check("registration_closes_at", self.registration_closes_at != current.registration_closes_at);
        check("what_to_bring", self.what_to_bring != current.what_to_bring);
        let (mine, theirs) = (&self.settings, &current.settings);
        check("reminders_before_minutes", mine.reminders_before_minutes != theirs.reminders_before_minutes);
        check("offer_window_minutes", mine.offer_window_minutes != theirs.offer_window_minutes);
        check("offer_response_minutes", mine.offer_response_minutes != theirs.offer_response_minutes);
        check("promotion_cutoff_minutes", mine.promotion_cutoff_minutes != theirs.promotion_cutoff_minutes);
        check("retention_days", mine.retention_days != theirs.retention_days);
        let current_questions: Vec<super::NewQuestion> = questions.iter().cloned().map(Into::into).collect();
        check("questions", self.questions.as_ref().is_some_and(|new| *new != current_questions));
        changed
    }
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
            sessions: vec![Session {
                starts_at: now + Duration::days(10),
                ends_at: now + Duration::days(10) + Duration::hours(7),
            }],
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
            offered_count: 0,
            version: 1,
            settings: SeatSettings::default(),
            calendar_sequence: 0,
        }
    }

    #[test]
    fn seats_left_never_negative() {
        assert_eq!(event(Utc::now()).seats_left(), 0);
    }

    #[test]
    fn a_freed_seat_is_given_then_offered_then_kept_as_the_start_nears() {
        let now = Utc::now();
        let e = Event { starts_at: now + Duration::days(10), ..event(now) };
        assert_eq!(e.freed_seat(now), HandOff::Give, "weeks ahead");
        let soon = Event { starts_at: now + Duration::hours(30), ..e.clone() };
        assert_eq!(soon.freed_seat(now), HandOff::Offer { until: now + Duration::hours(12) }, "inside two days");
        let sooner = Event { starts_at: now + Duration::hours(3), ..e.clone() };
        assert_eq!(sooner.freed_seat(now), HandOff::Offer { until: now + Duration::hours(3) }, "never past the start");
        let imminent = Event { starts_at: now + Duration::minutes(59), ..e.clone() };
        assert_eq!(imminent.freed_seat(now), HandOff::Keep, "inside the last hour");
        let no_offers = SeatSettings { offer_window_minutes: 0, ..SeatSettings::default() };
        let direct = Event { settings: no_offers, ..soon };
        assert_eq!(direct.freed_seat(now), HandOff::Give, "a window of 0 always gives");
        let cancelled = Event { status: EventStatus::Cancelled, ..e };
        assert_eq!(cancelled.freed_seat(now), HandOff::Keep);
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
