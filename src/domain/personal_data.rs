//! People's data: what they consented to, how long it is kept, and what
//! they (or organizers) can do with it: read it all, correct it, give the
//! seat to someone else, erase it.

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{Email, Event, FieldError, Institution, Level, MessageKind, PersonName, Refusal, Registration};

/// The version of the privacy notice (`/privacy`) people consent to at
/// sign-up, recorded with each registration: change it with the notice.
pub const NOTICE_VERSION: &str = "2026-12";

/// How long personal data is kept, from the service's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionPolicy {
    /// Days after an event's last session (an event may set its own).
    pub days_after_event: i64,
    /// Days after a cancellation (or an offer that ran out).
    pub days_after_cancellation: i64,
    /// Days the text of a sent email is kept; its delivery record stays.
    pub days_for_sent_bodies: i64,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        Self { days_after_event: 365, days_after_cancellation: 30, days_for_sent_bodies: 30 }
    }
}

impl RetentionPolicy {
    /// When the people of an event that ended at `ends_at` are anonymised,
    /// with the event's own retention if it has one.
    pub fn event_expires_at(&self, ends_at: DateTime<Utc>, event_days: Option<i64>) -> DateTime<Utc> {
        ends_at + Duration::days(event_days.unwrap_or(self.days_after_event))
    }
}

/// What the privacy notice says about who processes the data and how long
/// it is kept, from the settings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PrivacySettings {
    /// PRIVACY_CONTROLLER and PRIVACY_CONTACT; `None` when not set.
    pub controller: Option<String>,
    pub contact: Option<String>,
    pub retention: RetentionPolicy,
}

/// What a retention run removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Purged {
    pub anonymised: i64,
    pub bodies: i64,
}

/// Everything stored about one person's registration, for them to download.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonalData {
    pub registration: Registration,
    pub event: Event,
    /// (question, answer).
    pub answers: Vec<(String, String)>,
    pub emails: Vec<SentEmail>,
    pub consented_at: DateTime<Utc>,
    pub consent_version: Option<String>,
}

/// An email queued to the person.
#[derive(Debug, Clone, PartialEq)]
pub struct SentEmail {
    pub kind: MessageKind,
    pub queued_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// `pending`, `sent` or `failed`.
    pub status: String,
    /// As the person read it (worded by the mail templates; empty until then).
    pub subject: String,
    /// What the subject is worded from: an organizer's message, a change
    /// notice's details, the waiting-list position it told.
    pub announcement: Option<super::Announcement>,
    pub details: Option<String>,
    pub waitlist_position: Option<i64>,
}

/// What erasing led to.
#[derive(Debug, Clone, PartialEq)]
pub enum Erased {
    /// Gone; `cancelled` if the seat was given up at the same time (before
    /// the event), and the person promoted to it, if any.
    Erased {
        cancelled: bool,
        promoted: Option<uuid::Uuid>,
    },
    NotFound,
}

/// A person's correction of their name or institution, validated.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Correction {
    pub name: Option<PersonName>,
    pub institution: Option<Institution>,
}

/// An organizer's edit of a registration, validated.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RegistrationEdit {
    pub name: Option<PersonName>,
    pub email: Option<Email>,
    pub institution: Option<Institution>,
    pub level: Option<Level>,
}

/// What a correction (by the person or an organizer) led to.
#[derive(Debug, Clone, PartialEq)]
pub enum Corrected {
    /// The registration as it now is, and the fields that changed (API names).
    Corrected {
        registration: Registration,
        fields: Vec<&'static str>,
    },
    /// The person can no longer change it: the event has started.
    EventStarted,
    /// The new email holds another registration for this event.
    AlreadyRegistered,
    NotFound,
}

/// What giving one's seat to someone else led to.
#[derive(Debug, Clone, PartialEq)]
pub enum Transferred {
    /// The new registration, in the old one's place.
    Transferred(Registration),
    /// Only a registration still in the event can be given.
    NotActive,
    EventStarted,
    AlreadyRegistered,
    Refused(Refusal),
    NotFound,
}

/// The fields of a correction or an edit, as sent, before validation.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct CorrectionForm {
    #[serde(default)]
    pub name: Option<String>,
    /// Organizers only.
    #[serde(default)]
    pub email: Option<String>,
    /// An empty text removes it.
    #[serde(default)]
    pub institution: Option<String>,
    /// Organizers only.
    #[serde(default)]
    #[schema(value_type = Option<Level>)]
    pub level: Option<String>,
}

impl CorrectionForm {
    /// The person's own correction: name and institution, checked as at
    /// sign-up.
    pub fn correction(&self) -> Result<Correction, Vec<FieldError>> {
        let edit = self.edit()?;
        Ok(Correction { name: edit.name, institution: edit.institution })
    }

    /// An organizer's edit: every field present, checked as at sign-up.
    pub fn edit(&self) -> Result<RegistrationEdit, Vec<FieldError>> {
        let mut errors = Vec::new();
        let edit = RegistrationEdit {
            name: keep(&mut errors, self.name.as_deref().map(PersonName::parse)),
            email: keep(&mut errors, self.email.as_deref().map(Email::parse)),
            institution: keep(&mut errors, self.institution.as_deref().map(Institution::parse)),
            level: keep(&mut errors, self.level.as_deref().map(Level::parse)),
        };
        if errors.is_empty() { Ok(edit) } else { Err(errors) }
    }
}

/// A field given and valid, or absent; its error is kept.
fn keep<T>(errors: &mut Vec<FieldError>, field: Option<Result<T, FieldError>>) -> Option<T> {
    field?.map_err(|e| errors.push(e)).ok()
}
