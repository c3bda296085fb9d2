//! An event as an organizer sends it, and its validation.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::sessions::bound;
use super::slug::{slug_from_title, valid_slug};
use super::text::{optional_text, required_text};
use super::{
    Event, EventKind, EventStatus, FieldError, FieldErrorKind, Lang, Level, NewEvent, QuestionInput, Session,
    SessionInput, validate_questions, validate_sessions,
};

/// The statuses a create or an edit can give (`status` in the OpenAPI
/// document): an event is cancelled with a call of its own.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum EventStatusInput {
    Draft,
    Published,
}

/// Fields of an event, as JSON. Everything is optional here so that each
/// missing or wrong field is reported by name.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct EventInput {
    #[schema(value_type = Option<EventKind>)]
    pub kind: Option<String>,
    pub title: Option<String>,
    /// Address in URLs; made from the title when absent.
    pub slug: Option<String>,
    pub description: Option<String>,
    /// RFC 3339, e.g. `2027-03-02T09:00:00+01:00`. With `sessions`, it may
    /// be left out: it is the first session's start.
    pub starts_at: Option<String>,
    /// With `sessions`, it may be left out: it is the last session's end.
    pub ends_at: Option<String>,
    /// The sittings of an event held over several days or half-days, in any
    /// order, none overlapping another; when absent, one session from
    /// `starts_at` to `ends_at`.
    pub sessions: Option<Vec<SessionInput>>,
    pub location: Option<String>,
    pub address: Option<String>,
    pub host: Option<String>,
    /// Levels admitted; all levels when absent.
    #[schema(value_type = Option<Vec<Level>>)]
    pub levels: Option<Vec<String>>,
    pub capacity: Option<i64>,
    /// Defaults to now.
    pub registration_opens_at: Option<String>,
    /// Defaults to the start of the event.
    pub registration_closes_at: Option<String>,
    /// `fr` when absent.
    #[schema(value_type = Option<Lang>)]
    pub language: Option<String>,
    /// `draft` when absent; an event is cancelled with its own call.
    #[schema(value_type = Option<EventStatusInput>)]
    pub status: Option<String>,
    pub what_to_bring: Option<String>,
    /// Questions asked at sign-up; when present, they replace the event's
    /// questions position by position (answers stay with their position;
    /// those to questions removed are dropped).
    pub questions: Option<Vec<QuestionInput>>,
    /// Reminders, in minutes before the start; `[2880]` (two days) when
    /// absent, `[]` for none.
    pub reminders_before_minutes: Option<Vec<i64>>,
    /// A seat freed less than this many minutes before the start is offered
    /// to the first person waiting rather than given (2880 when absent; 0:
    /// always given).
    pub offer_window_minutes: Option<i64>,
    /// Minutes a person has to accept an offer, never past the start (720
    /// when absent).
    pub offer_response_minutes: Option<i64>,
    /// From this many minutes before the start, a freed seat stays free
    /// and nobody is promoted or offered (60 when absent).
    pub promotion_cutoff_minutes: Option<i64>,
    /// Days the people's data is kept after the last session, then
    /// anonymised (1 to 3650; the service's RETENTION_DAYS when absent).
    pub retention_days: Option<i64>,
    /// When changing an event: the `version` it was read at. If the event
    /// has changed since, the change is refused (409 `edit_conflict`)
    /// rather than allowed to undo the other change. Without it, the
    /// fields given are applied to the event as it then stands.
    pub version: Option<i64>,
}

impl From<&Event> for EventInput {
    /// The event as it stands, to apply a partial change to.
    fn from(event: &Event) -> Self {
        let time = |t: DateTime<Utc>| Some(t.to_rfc3339());
        Self {
            kind: Some(event.kind.code().into()),
            title: Some(event.title.clone()),
            slug: Some(event.slug.clone()),
            description: Some(event.description.clone()),
            starts_at: time(event.starts_at),
            ends_at: time(event.ends_at),
            // One session is the event's start and end.
            sessions: (event.sessions.len() > 1).then(|| event.sessions.iter().map(SessionInput::from).collect()),
            location: Some(event.location.clone()),
            address: event.address.clone(),
            host: Some(event.host.clone()),
            levels: Some(event.levels.iter().map(|l| l.code().to_owned()).collect()),
            capacity: Some(event.capacity),
            registration_opens_at: time(event.registration_opens_at),
            registration_closes_at: time(event.registration_closes_at),
            language: Some(event.language.clone()),
            status: Some(event.status.code().into()),
            what_to_bring: event.what_to_bring.clone(),
            // Questions are kept unless a change names them.
            questions: None,
            reminders_before_minutes: Some(event.settings.reminders_before_minutes.clone()),
            offer_window_minutes: Some(event.settings.offer_window_minutes),
            offer_response_minutes: Some(event.settings.offer_response_minutes),
            promotion_cutoff_minutes: Some(event.settings.promotion_cutoff_minutes),
            retention_days: event.settings.retention_days,
            version: None,
        }
    }
}

impl EventInput {
    /// These fields, replaced by those present in `patch`.
    pub fn overlay(self, patch: EventInput) -> EventInput {
        EventInput {
            kind: patch.kind.or(self.kind),
            title: patch.title.or(self.title),
            slug: patch.slug.or(self.slug),
            description: patch.description.or(self.description),
            // New sessions bring their own start and end.
            starts_at: if patch.sessions.is_some() { patch.starts_at } else { patch.starts_at.or(self.starts_at) },
            ends_at: if patch.sessions.is_some() { patch.ends_at } else { patch.ends_at.or(self.ends_at) },
            sessions: patch.sessions.or(self.sessions),
            location: patch.location.or(self.location),
            address: patch.address.or(self.address),
            host: patch.host.or(self.host),
            levels: patch.levels.or(self.levels),
            capacity: patch.capacity.or(self.capacity),
            registration_opens_at: patch.registration_opens_at.or(self.registration_opens_at),
            registration_closes_at: patch.registration_closes_at.or(self.registration_closes_at),
            language: patch.language.or(self.language),
            status: patch.status.or(self.status),
            what_to_bring: patch.what_to_bring.or(self.what_to_bring),
            questions: patch.questions.or(self.questions),
            reminders_before_minutes: patch.reminders_before_minutes.or(self.reminders_before_minutes),
            offer_window_minutes: patch.offer_window_minutes.or(self.offer_window_minutes),
            offer_response_minutes: patch.offer_response_minutes.or(self.offer_response_minutes),
            promotion_cutoff_minutes: patch.promotion_cutoff_minutes.or(self.promotion_cutoff_minutes),
            retention_days: patch.retention_days.or(self.retention_days),
            version: patch.version,
        }
    }
}

const MAX_TITLE: usize = 200;
const MAX_TEXT: usize = 10_000;
const MAX_LINE: usize = 300;
pub const MAX_CAPACITY: i64 = 100_000;

impl EventInput {
    /// Checks every field and reports all errors at once.
    pub fn validate(&self, now: DateTime<Utc>) -> Result<NewEvent, Vec<FieldError>> {
        let mut errors = Vec::new();

        let kind = keep(&mut errors, choice("kind", self.kind.as_deref(), EventKind::from_code));
        let title = keep(&mut errors, required_text("title", self.title.as_deref(), MAX_TITLE));
        let description = keep(&mut errors, optional_text("description", self.description.as_deref(), MAX_TEXT, true));
        let sessions = match &self.sessions {
            None => None,
            Some(inputs) => validate_sessions(inputs).map_err(|e| errors.extend(e)).ok(),
        };
        let (starts_at, ends_at) = match &sessions {
            Some(sessions) => (
                keep(&mut errors, bound("starts_at", self.starts_at.as_deref(), sessions.first().map(|s| s.starts_at))),
                keep(&mut errors, bound("ends_at", self.ends_at.as_deref(), sessions.last().map(|s| s.ends_at))),
            ),
            None if self.sessions.is_some() => (None, None),
            None => (
                keep(&mut errors, date_time("starts_at", self.starts_at.as_deref())),
                keep(&mut errors, date_time("ends_at", self.ends_at.as_deref())),
            ),
        };
        let location = keep(&mut errors, required_text("location", self.location.as_deref(), MAX_LINE));
        let address = keep(&mut errors, optional_text("address", self.address.as_deref(), MAX_LINE, false));
        let host = keep(&mut errors, required_text("host", self.host.as_deref(), MAX_LINE));
        let what_to_bring =
            keep(&mut errors, optional_text("what_to_bring", self.what_to_bring.as_deref(), MAX_TEXT, true));
        let levels = keep(&mut errors, levels(self.levels.as_deref()));
        let capacity = keep(&mut errors, capacity(self.capacity));
        let settings = keep(&mut errors, self.settings());
        let questions = match &self.questions {
            None => None,
            Some(inputs) => keep(&mut errors, validate_questions(inputs)),
        };
        let language = keep(
            &mut errors,
            match self.language.as_deref() {
                None => Ok("fr".to_owned()),
                Some(code @ ("fr" | "en")) => Ok(code.to_owned()),
                Some(_) => Err(FieldError::new("language", FieldErrorKind::UnknownChoice)),
            },
        );
        let status = keep(
            &mut errors,
            match self.status.as_deref() {
                None | Some("draft") => Ok(EventStatus::Draft),
                Some("published") => Ok(EventStatus::Published),
                Some(_) => Err(FieldError::new("status", FieldErrorKind::UnknownChoice)),
            },
        );
        let slug = keep(
            &mut errors,
            match self.slug.as_deref() {
                Some(slug) => valid_slug(slug),
                None => Ok(slug_from_title(self.title.as_deref().unwrap_or_default())),
            },
        );
        let opens = match self.registration_opens_at.as_deref() {
            None => Some(now),
            Some(text) => keep(&mut errors, date_time("registration_opens_at", Some(text))),
        };
        let closes = match self.registration_closes_at.as_deref() {
            None => starts_at,
            Some(text) => keep(&mut errors, date_time("registration_closes_at", Some(text))),
        };
        if let (Some(start), Some(end)) = (starts_at, ends_at)
            && end <= start
        {
            errors.push(FieldError::new("ends_at", FieldErrorKind::EndBeforeStart));
        }
        if let (Some(open), Some(close)) = (opens, closes)
            && close <= open
        {
            errors.push(FieldError::new("registration_closes_at", FieldErrorKind::CloseBeforeOpen));
        }
        match (kind, title, description, starts_at, ends_at, location, address, host) {
            (
                Some(kind),
                Some(title),
                Some(description),
                Some(starts_at),
                Some(ends_at),
                Some(location),
                Some(address),
                Some(host),
            ) if errors.is_empty() => Ok(NewEvent {
                slug: slug.unwrap_or_default(),
                kind,
                title,
                description: description.unwrap_or_default(),
                starts_at,
                ends_at,
                sessions: sessions.unwrap_or_else(|| vec![Session { starts_at, ends_at }]),
                location,
                address,
                host,
                levels: levels.unwrap_or_default(),
                capacity: capacity.unwrap_or_default(),
                language: language.unwrap_or_default(),
                status: status.unwrap_or(EventStatus::Draft),
                registration_opens_at: opens.unwrap_or(now),
                registration_closes_at: closes.unwrap_or(starts_at),
                what_to_bring: what_to_bring.flatten(),
                questions,
                settings: settings.unwrap_or_default(),
            }),
            _ => Err(errors),
        }
    }
}

/// The value if valid; otherwise records the error.
fn keep<T>(errors: &mut Vec<FieldError>, result: Result<T, FieldError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

fn choice<T>(field: &'static str, value: Option<&str>, parse: fn(&str) -> Option<T>) -> Result<T, FieldError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Err(FieldError::new(field, FieldErrorKind::Required)),
        Some(code) => parse(code).ok_or(FieldError::new(field, FieldErrorKind::UnknownChoice)),
    }
}

fn date_time(field: &'static str, value: Option<&str>) -> Result<DateTime<Utc>, FieldError> {
    let text =
        value.map(str::trim).filter(|v| !v.is_empty()).ok_or(FieldError::new(field, FieldErrorKind::Required))?;
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| FieldError::new(field, FieldErrorKind::InvalidDateTime))
}

fn levels(codes: Option<&[String]>) -> Result<Vec<Level>, FieldError> {
    let Some(codes) = codes else { return Ok(Level::ALL.to_vec()) };
    if codes.is_empty() {
        return Err(FieldError::new("levels", FieldErrorKind::Required));
    }
    let mut levels = Vec::new();
    for code in codes {
        let level = Level::from_code(code.trim()).ok_or(FieldError::new("levels", FieldErrorKind::UnknownLevel))?;
        if !levels.contains(&level) {
            levels.push(level);
        }
    }
    Ok(levels)
}

fn capacity(value: Option<i64>) -> Result<i64, FieldError> {
    match value {
        None => Err(FieldError::new("capacity", FieldErrorKind::Required)),
        Some(n) if n < 1 => Err(FieldError::new("capacity", FieldErrorKind::TooSmall { min: 1 })),
        Some(n) if n > MAX_CAPACITY => Err(FieldError::new("capacity", FieldErrorKind::TooLarge { max: MAX_CAPACITY })),
        Some(n) => Ok(n),
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::domain::SeatSettings;

    /// A valid masterclass, for tests to vary one field at a time.
    pub(in crate::domain) fn input() -> EventInput {
        EventInput {
            kind: Some("masterclass".into()),
            title: Some("Masterclass Naobios : produire un vaccin".into()),
            starts_at: Some("2099-03-02T09:00:00+01:00".into()),
            ends_at: Some("2099-03-02T17:00:00+01:00".into()),
            location: Some("Naobios".into()),
            host: Some("Naobios".into()),
            capacity: Some(10),
            ..EventInput::default()
        }
    }

    #[test]
    fn a_minimal_event_gets_sensible_defaults() {
        let now = Utc::now();
        let event = input().validate(now).expect("valid");
        assert_eq!(event.slug, "masterclass-naobios-produire-un-vaccin");
        assert_eq!(event.status, EventStatus::Draft);
        assert_eq!(event.levels, Level::ALL.to_vec());
        assert_eq!(event.registration_opens_at, now);
        assert_eq!(event.registration_closes_at, event.starts_at);
        assert_eq!(event.starts_at.to_rfc3339(), "2099-03-02T08:00:00+00:00");
        assert_eq!(event.settings, SeatSettings::default(), "a reminder two days before, offers within two days");
    }

    #[test]
    fn inconsistent_events_are_refused_field_by_field() {
        let bad = EventInput {
            kind: Some("concert".into()),
            ends_at: Some("2099-03-02T08:00:00+01:00".into()),
            capacity: Some(0),
            registration_opens_at: Some("2099-03-01T00:00:00Z".into()),
            registration_closes_at: Some("2099-02-01T00:00:00Z".into()),
            levels: Some(vec!["postdoc".into()]),
            slug: Some("Pas Un Slug".into()),
            ..input()
        };
        let errors = bad.validate(Utc::now()).expect_err("invalid");
        let kinds: Vec<_> = errors.iter().map(|e| (e.field.as_ref(), e.kind)).collect();
        assert!(kinds.contains(&("kind", FieldErrorKind::UnknownChoice)));
        assert!(kinds.contains(&("capacity", FieldErrorKind::TooSmall { min: 1 })));
        assert!(kinds.contains(&("ends_at", FieldErrorKind::EndBeforeStart)));
        assert!(kinds.contains(&("registration_closes_at", FieldErrorKind::CloseBeforeOpen)));
        assert!(kinds.contains(&("levels", FieldErrorKind::UnknownLevel)));
        assert!(kinds.contains(&("slug", FieldErrorKind::InvalidSlug)));
        let missing = EventInput::default().validate(Utc::now()).expect_err("invalid");
        let fields: Vec<_> = missing.iter().map(|e| e.field.as_ref()).collect();
        for field in ["kind", "title", "starts_at", "ends_at", "location", "host", "capacity"] {
            assert!(fields.contains(&field), "{field} required");
        }
    }
}
