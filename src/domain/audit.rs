//! The history of who did what: each entry is a kind with its parameters,
//! worded in the reader's language when shown (`i18n`). People and
//! organizers an entry is about are referred to by id and shown by their
//! current name, so that an anonymised registration leaves no name behind.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What was done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AuditEntry {
    EventCreated,
    /// Created as a copy of the event titled `from`.
    EventCopied {
        from: String,
    },
    /// The fields that changed, by their API name.
    EventEdited {
        fields: Vec<String>,
    },
    EventPublished,
    EventUnpublished,
    EventCancelled,
    RegistrationRemoved,
    /// The message sent again (a `MessageKind` code).
    EmailResent {
        message: String,
    },
    ConfirmedOutOfTurn,
    CheckedIn,
    CheckInUndone,
    /// Added at the door by an organizer, confirmed and checked in.
    WalkInAdded,
    /// The trainer signed a slot (its id), from this organizer's account.
    TrainerSigned {
        slot: String,
    },
    /// Certificates of attendance queued for that many people (after the
    /// event, or again when an organizer asked).
    CertificatesSent {
        recipients: i64,
    },
    MessageSent {
        subject: String,
        recipients: i64,
    },
    CoOrganizerAdded,
    OrganizerAdded {
        role: String,
    },
    ApiTokenCreated {
        label: String,
    },
    ApiTokenRevoked {
        label: String,
    },
    /// Disabled: signed out everywhere, tokens revoked.
    OrganizerDisabled,
    OrganizerEnabled,
    RoleChanged {
        role: String,
    },
    /// A new password, set by its organizer, an admin or the command line.
    PasswordChanged,
    /// An admin made a one-time reset link for the account.
    PasswordResetLinkCreated,
    /// The account's password was set through a reset link.
    PasswordReset,
    CoOrganizerRemoved,
    /// Timed work: the reminder `offset_minutes` before the start, queued
    /// for that many people (in one go or several).
    RemindersSent {
        offset_minutes: i64,
        recipients: i64,
    },
    /// Timed work: an offer ran out; the seat went on.
    OfferExpired,
    /// An organizer changed a person's details (the fields, by API name).
    RegistrationEdited {
        fields: Vec<String>,
    },
    /// Timed work: retention anonymised that many people and purged the
    /// text of that many sent emails.
    DataRetention {
        anonymised: i64,
        emails_purged: i64,
    },
    /// An entry written before entries had kinds, shown as it was recorded.
    #[serde(skip)]
    Recorded {
        action: String,
        detail: String,
    },
}

impl AuditEntry {
    /// The kind's code, as stored.
    pub fn code(&self) -> &'static str {
        match self {
            AuditEntry::EventCreated => "event_created",
            AuditEntry::EventCopied { .. } => "event_copied",
            AuditEntry::EventEdited { .. } => "event_edited",
            AuditEntry::EventPublished => "event_published",
            AuditEntry::EventUnpublished => "event_unpublished",
            AuditEntry::EventCancelled => "event_cancelled",
            AuditEntry::RegistrationRemoved => "registration_removed",
            AuditEntry::EmailResent { .. } => "email_resent",
            AuditEntry::ConfirmedOutOfTurn => "confirmed_out_of_turn",
            AuditEntry::CheckedIn => "checked_in",
            AuditEntry::CheckInUndone => "check_in_undone",
            AuditEntry::WalkInAdded => "walk_in_added",
            AuditEntry::TrainerSigned { .. } => "trainer_signed",
            AuditEntry::CertificatesSent { .. } => "certificates_sent",
            AuditEntry::MessageSent { .. } => "message_sent",
            AuditEntry::CoOrganizerAdded => "co_organizer_added",
            AuditEntry::OrganizerAdded { .. } => "organizer_added",
            AuditEntry::ApiTokenCreated { .. } => "api_token_created",
            AuditEntry::ApiTokenRevoked { .. } => "api_token_revoked",
            AuditEntry::OrganizerDisabled => "organizer_disabled",
            AuditEntry::OrganizerEnabled => "organizer_enabled",
            AuditEntry::RoleChanged { .. } => "role_changed",
            AuditEntry::PasswordChanged => "password_changed",
            AuditEntry::PasswordResetLinkCreated => "password_reset_link_created",
            AuditEntry::PasswordReset => "password_reset",
            AuditEntry::CoOrganizerRemoved => "co_organizer_removed",
            AuditEntry::RemindersSent { .. } => "reminders_sent",
            AuditEntry::OfferExpired => "offer_expired",
            AuditEntry::RegistrationEdited { .. } => "registration_edited",
            AuditEntry::DataRetention { .. } => "data_retention",
            AuditEntry::Recorded { .. } => "recorded",
        }
    }
}

/// Through what an action came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    BackOffice,
    Api,
    CommandLine,
    Scheduler,
}

impl Via {
    pub const ALL: [Via; 4] = [Via::BackOffice, Via::Api, Via::CommandLine, Via::Scheduler];

    pub fn code(self) -> &'static str {
        match self {
            Via::BackOffice => "back_office",
            Via::Api => "api",
            Via::CommandLine => "command_line",
            Via::Scheduler => "scheduler",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.code() == code)
    }
}

/// An entry to record, in the transaction of the change it describes.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAudit {
    /// The organizer who acted; `None` for the command line and timed work.
    pub actor: Option<Uuid>,
    pub via: Via,
    pub event: Option<Uuid>,
    /// The registration the action is about.
    pub registration: Option<Uuid>,
    /// The organizer the action is about (added to an event, created).
    pub organizer: Option<Uuid>,
    pub entry: AuditEntry,
}

impl NewAudit {
    pub fn about_event(mut self, event: Uuid) -> Self {
        self.event = Some(event);
        self
    }

    pub fn about_registration(mut self, registration: Uuid) -> Self {
        self.registration = Some(registration);
        self
    }

    pub fn about_organizer(mut self, organizer: Uuid) -> Self {
        self.organizer = Some(organizer);
        self
    }
}

/// An entry as the history shows it, with names resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditLine {
    pub at: DateTime<Utc>,
    /// Email of the organizer who acted, if one did.
    pub actor: Option<String>,
    pub via: Option<Via>,
    pub entry: AuditEntry,
    /// Title of the event, for the history of every event.
    pub event: Option<String>,
    /// Name of the person the entry is about.
    pub person: Option<String>,
    /// Email of the organizer the entry is about.
    pub organizer: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_keep_their_parameters_through_storage() {
        let entry = AuditEntry::MessageSent { subject: "Accès au site".into(), recipients: 9 };
        let stored = serde_json::to_string(&entry).expect("serialises");
        assert!(stored.contains(r#""kind":"message_sent""#), "{stored}");
        assert_eq!(serde_json::from_str::<AuditEntry>(&stored).expect("reads back"), entry);
    }
}
