//! Registrations: what a sign-up carries, and what it can lead to.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::Lang;
use super::{Email, FieldError, FieldErrorKind, Institution, Level, PersonName, Refusal};
use crate::token::{CancelKey, Salt};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationStatus {
    Confirmed,
    Waitlisted,
    /// A seat is held for them until `offer_expires_at`.
    Offered,
    Cancelled,
    /// An offer ran out before they accepted: they left the waiting list.
    Expired,
}

impl RegistrationStatus {
    pub const ALL: [RegistrationStatus; 5] = [
        RegistrationStatus::Confirmed,
        RegistrationStatus::Waitlisted,
        RegistrationStatus::Offered,
        RegistrationStatus::Cancelled,
        RegistrationStatus::Expired,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RegistrationStatus::Confirmed => "confirmed",
            RegistrationStatus::Waitlisted => "waitlisted",
            RegistrationStatus::Offered => "offered",
            RegistrationStatus::Cancelled => "cancelled",
            RegistrationStatus::Expired => "expired",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Still in the event: confirmed, waiting, or holding an offer.
    pub fn is_active(self) -> bool {
        matches!(self, RegistrationStatus::Confirmed | RegistrationStatus::Waitlisted | RegistrationStatus::Offered)
    }
}

/// The seat a new sign-up gets: confirmed while seats are free (neither
/// confirmed nor held by an offer) and nobody waits for them, otherwise the
/// waiting list. People wait while a seat is free only close to the start,
/// when freed seats stay free (`promotion_cutoff_minutes`): a newcomer does
/// not pass them.
pub fn seat_for(capacity: i64, taken: i64, waiting: i64) -> RegistrationStatus {
    if taken < capacity && waiting == 0 { RegistrationStatus::Confirmed } else { RegistrationStatus::Waitlisted }
}

/// A sign-up as typed in the form or sent to the API, before validation.
/// Every field is optional so that a missing one is reported next to its
/// name rather than as a parse failure of the whole body.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct SignUpForm {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub institution: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<Level>)]
    pub level: Option<String>,
    /// Must be true: the person agrees to the processing of their data for this event.
    #[serde(default)]
    pub consent: Option<bool>,
    /// Language of the person's emails, `fr` or `en`. Defaults to the
    /// request's Accept-Language, then to the event's language.
    #[serde(default)]
    #[schema(value_type = Option<Lang>)]
    pub language: Option<String>,
    /// Answers to the event's questions, by question id (`yes`/`no` for
    /// yes-no questions, one of the choices for choice questions).
    #[serde(default)]
    pub answers: Option<std::collections::HashMap<String, String>>,
}

/// A validated sign-up, ready for the store.
#[derive(Debug, Clone)]
pub struct NewRegistration {
    pub id: Uuid,
    pub event_id: Uuid,
    pub name: PersonName,
    pub email: Email,
    pub institution: Institution,
    pub level: Level,
    pub language: Lang,
    pub token_salt: Salt,
    pub cancel_key: CancelKey,
    /// Answers to the event's questions, validated: (question, answer).
    pub answers: Vec<(Uuid, String)>,
    /// The privacy notice consented to (`NOTICE_VERSION`); `None` for a
    /// person an organizer added at the door.
    pub consent_version: Option<String>,
}

impl NewRegistration {
    /// The registration as the person sees it once it is stored with
    /// `status` at `now`.
    pub fn stored(
        &self,
        status: RegistrationStatus,
        waitlist_position: Option<i64>,
        now: DateTime<Utc>,
    ) -> Registration {
        Registration {
            id: self.id,
            event_id: self.event_id,
            name: self.name.as_str().to_owned(),
            email: self.email.as_str().to_owned(),
            institution: self.institution.as_deref().map(str::to_owned),
            level: self.level,
            status,
            waitlist_position,
            language: self.language,
            created_at: now,
            cancelled_at: None,
            offer_expires_at: None,
            attendance_confirmed_at: None,
            consented_at: now,
            consent_version: self.consent_version.clone(),
            anonymised_at: None,
        }
    }
}

impl SignUpForm {
    /// The language asked for, or `fallback` when none is.
    pub fn language_or(&self, fallback: Lang) -> Result<Lang, FieldError> {
        match self.language.as_deref() {
            Some(code) => Lang::from_code(code).ok_or(FieldError::new("language", FieldErrorKind::UnknownChoice)),
            None => Ok(fallback),
        }
    }

    /// Checks every field and reports all errors at once.
    pub fn validate(&self) -> Result<(PersonName, Email, Institution, Level), Vec<FieldError>> {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let name = PersonName::parse(&text(&self.name));
        let email = Email::parse(&text(&self.email));
        let institution = Institution::parse(&text(&self.institution));
        let level = Level::parse(&text(&self.level));
        let consent = if self.consent == Some(true) {
            Ok(())
        } else {
            Err(FieldError::new("consent", FieldErrorKind::ConsentRequired))
        };
        match (name, email, institution, level, consent) {
            (Ok(n), Ok(e), Ok(i), Ok(l), Ok(())) => Ok((n, e, i, l)),
            (n, e, i, l, c) => Err([n.err(), e.err(), i.err(), l.err(), c.err()].into_iter().flatten().collect()),
        }
    }
}

/// A registration as stored, with its current place on the waiting list.
#[derive(Debug, Clone, PartialEq)]
pub struct Registration {
    pub id: Uuid,
    pub event_id: Uuid,
    pub name: String,
    pub email: String,
    pub institution: Option<String>,
    pub level: Level,
    pub status: RegistrationStatus,
    /// 1-based rank among the people still waiting; `None` unless waitlisted.
    pub waitlist_position: Option<i64>,
    pub language: Lang,
    pub created_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
    /// Until when a seat is held for them (offered), or was (expired).
    pub offer_expires_at: Option<DateTime<Utc>>,
    /// When they said they will come (from their reminder).
    pub attendance_confirmed_at: Option<DateTime<Utc>>,
    /// When they agreed to the privacy notice, and its version (`None`:
    /// added at the door, or before notices had versions).
    pub consented_at: DateTime<Utc>,
    pub consent_version: Option<String>,
    /// When their name, email, institution and answers were removed; the
    /// row stays for the counts.
    pub anonymised_at: Option<DateTime<Utc>>,
}

/// What a sign-up led to, decided inside its transaction.
#[derive(Debug, Clone, PartialEq)]
pub enum RegisterOutcome {
    Registered(Registration),
    AlreadyRegistered,
    Refused(Refusal),
    EventNotFound,
}

/// What a cancellation led to.
#[derive(Debug, Clone, PartialEq)]
pub enum CancelOutcome {
    /// The registration is now cancelled; `promoted` is the person who got
    /// the freed seat, if any.
    Cancelled {
        registration: Registration,
        promoted: Option<Uuid>,
    },
    /// It was cancelled before; nothing changed.
    AlreadyCancelled(Registration),
    /// The event has started: the person can no longer cancel (an organizer
    /// can still remove them).
    EventStarted,
    NotFound,
}

/// What accepting an offer led to.
#[derive(Debug, Clone, PartialEq)]
pub enum AcceptOutcome {
    /// The seat is theirs.
    Accepted(Registration),
    /// They had accepted before; nothing changed.
    AlreadyConfirmed(Registration),
    /// The deadline has passed: the seat went on.
    Expired,
    /// No offer to accept (waiting, cancelled, or the event is over).
    NotOffered,
    NotFound,
}

/// What saying "I will come" led to.
#[derive(Debug, Clone, PartialEq)]
pub enum AttendanceOutcome {
    /// Recorded (or recorded before: the first time stands).
    Confirmed(Registration),
    /// Only a confirmed seat can be confirmed.
    NotConfirmed,
    NotFound,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seats_go_to_the_waiting_list_once_full() {
        assert_eq!(seat_for(2, 0, 0), RegistrationStatus::Confirmed);
        assert_eq!(seat_for(2, 1, 0), RegistrationStatus::Confirmed);
        assert_eq!(seat_for(2, 2, 0), RegistrationStatus::Waitlisted);
        assert_eq!(seat_for(2, 5, 0), RegistrationStatus::Waitlisted);
        assert_eq!(
            seat_for(2, 1, 3),
            RegistrationStatus::Waitlisted,
            "a free seat near the start is not for newcomers"
        );
    }

    #[test]
    fn validation_reports_every_bad_field() {
        let form = SignUpForm {
            name: Some(" ".into()),
            email: Some("nope".into()),
            institution: None,
            level: Some("postdoc".into()),
            consent: None,
            language: None,
            answers: None,
        };
        let errors = form.validate().unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(fields, ["name", "email", "level", "consent"]);
    }
}

/// A line of an event's attendee list, as organizers see it.
#[derive(Debug, Clone, PartialEq)]
pub struct AttendeeLine {
    pub registration: Registration,
    /// The first check-in at the door, whichever the slot.
    pub checked_in_at: Option<DateTime<Utc>>,
    /// Check-ins at the door by slot id.
    pub attendance: std::collections::HashMap<String, DateTime<Utc>>,
    /// Signatures with the code shown in the room, by slot id.
    pub signatures: std::collections::HashMap<String, DateTime<Utc>>,
    /// Added at the door by an organizer.
    pub walk_in: bool,
    /// Status of the latest message to this person: pending, sent or failed.
    pub email_status: Option<String>,
    /// Answers by question id.
    pub answers: std::collections::HashMap<Uuid, String>,
}

impl AttendeeLine {
    /// Whether the name, email or institution contains `query`, whatever
    /// the case, accents and punctuation ("ines" finds Inès); an empty
    /// query matches everyone.
    pub fn matches(&self, query: &str) -> bool {
        let needle = folded(query);
        let r = &self.registration;
        needle.is_empty()
            || [Some(r.name.as_str()), Some(r.email.as_str()), r.institution.as_deref()]
                .into_iter()
                .flatten()
                .any(|field| folded(field).contains(&needle))
    }

    /// Its place in the list of an event's people: by sign-up time.
    pub fn list_key(&self) -> super::Cursor {
        super::Cursor::new(self.registration.created_at, "", self.registration.id)
    }

    /// Present at a slot, at the door or by signature.
    pub fn attended(&self) -> bool {
        self.checked_in_at.is_some() || !self.attendance.is_empty() || !self.signatures.is_empty()
    }
}

/// Text folded for search and sorting: lower case, accents and punctuation
/// gone ("Inès" and "ines" meet).
pub fn folded(text: &str) -> String {
    slug::slugify(text)
}

/// A check-in at the door for one slot, or its undoing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotCheckIn {
    pub slot: String,
    /// `None` undoes it.
    pub at: Option<DateTime<Utc>>,
    /// The slot a check-in made before attendance was kept per slot counts
    /// for (`Slot::at` its time): recorded there first, if the person has
    /// no check-in by slot yet, so that this change does not lose it.
    pub earlier: Option<String>,
}
