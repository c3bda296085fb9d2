//! Plain types and rules with no I/O: validated values, event and
//! registration states, and the decisions a sign-up depends on.

mod audit;
mod certificates;
mod event;
mod event_input;
mod lang;
mod organizer;
mod outbox;
mod paging;
mod person;
mod personal_data;
mod question;
mod registration;
mod schedule;
mod seat_settings;
mod sessions;
mod slug;
mod text;
mod webhook;
pub use text::{optional_text, required_text};

pub use audit::{AuditEntry, AuditLine, NewAudit, Via};
pub use certificates::{Certificate, TrainerSignature, TrainerSigned};
pub use event::{Event, EventKind, EventStatus, EventUpdate, HandOff, NewEvent, Refusal, registration_refusal};
pub use event_input::{EventInput, MAX_CAPACITY};
pub use lang::Lang;
pub use organizer::{AccountUpdate, AccountUpdated, ApiTokenInfo, Organizer, Role, TokenStatus};
pub use outbox::{
    Announcement, CalendarMethod, Delivery, EventChanges, FieldChange, MessageKind, PendingMessage, backoff,
};
pub use paging::{
    Cursor, DateRange, MAX_LIMIT, MAX_SEARCH, Page, PageRequest, code_filter, page, page_address, search_text,
};
pub use person::{Email, FieldError, FieldErrorKind, Institution, Level, PersonName};
pub use personal_data::{
    Corrected, Correction, CorrectionForm, Erased, NOTICE_VERSION, PersonalData, PrivacySettings, Purged,
    RegistrationEdit, RetentionPolicy, SentEmail, Transferred,
};
pub use question::{
    MAX_QUESTIONS, NewQuestion, Question, QuestionInput, QuestionKind, validate_answers, validate_questions,
};
pub use registration::{
    AcceptOutcome, AttendanceOutcome, AttendeeLine, CancelOutcome, NewRegistration, RegisterOutcome, Registration,
    RegistrationStatus, SignUpForm, SlotCheckIn, folded, seat_for,
};
pub use schedule::{DueJob, JobKind, JobRun};
pub use seat_settings::{MAX_MINUTES, MAX_RETENTION_DAYS, SeatSettings};
pub use sessions::{
    MAX_SESSIONS, Session, SessionInput, Slot, parse_sessions, sessions_text, slots, validate_sessions,
};
pub use slug::{slug_from_title, with_suffix as slug_with_suffix};
pub use webhook::{Attempt, DeliveryStatus, Hook, NewWebhook, PendingDelivery, Webhook, WebhookDelivery, WebhookEvent};

/// Rounds a "not before" time up to the next whole second, for the same
/// reason as `whole_seconds`, without ever making it earlier.
pub fn next_whole_second(t: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    let down = whole_seconds(t);
    if down == t { t } else { down + chrono::Duration::seconds(1) }
}

/// Truncates a timestamp to whole seconds.
///
/// SQLite stores timestamps as RFC 3339 text whose fractional part varies in
/// length, so text comparison is only chronological between values of the
/// same precision; every timestamp that SQL compares goes through here.
pub fn whole_seconds(t: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    use chrono::{SubsecRound, Timelike};
    if t.nanosecond() == 0 { t } else { t.trunc_subsecs(0) }
}
