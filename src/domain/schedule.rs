//! Timed work: jobs due at a time, held in the database until done.

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// What a job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    /// Remind the event's confirmed people, `offset_minutes` before its start.
    Reminder { event: Uuid, offset_minutes: i64 },
    /// End an offer whose deadline has passed, and hand the seat on.
    OfferExpiry { event: Uuid, registration: Uuid },
    /// Once the event's last session has ended, email each attendee their
    /// certificate of attendance.
    Certificates { event: Uuid },
    /// Anonymise the people whose retention has run out, and purge the
    /// text of old emails: one job for the whole service, put back after
    /// each run.
    Retention,
}

impl JobKind {
    pub fn code(&self) -> &'static str {
        match self {
            JobKind::Reminder { .. } => "reminder",
            JobKind::OfferExpiry { .. } => "offer_expiry",
            JobKind::Certificates { .. } => "certificates",
            JobKind::Retention => "retention",
        }
    }
}

/// A job claimed by this instance until `lease`.
#[derive(Debug, Clone, PartialEq)]
pub struct DueJob {
    pub id: Uuid,
    pub kind: JobKind,
    /// Until when this instance holds it, as stored: what it does names
    /// this lease, so an instance whose lease ran out changes nothing.
    pub lease: DateTime<Utc>,
    /// Attempts including this one.
    pub attempts: i64,
    /// A reminder going out in parts: the sign-up time the previous part
    /// reached (everyone before it has been reminded).
    pub resume_from: Option<DateTime<Utc>>,
}

/// What running a job did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct JobRun {
    /// Finished: it will not run again. Otherwise it has more to do (a
    /// large reminder goes out in parts) or is not due yet.
    pub done: bool,
    /// Messages were queued.
    pub mail: bool,
    /// Seat counts moved (an offer ended, the seat went on).
    pub seats: bool,
    /// For finished reminders or certificates: how many people they were
    /// queued for.
    pub recipients: i64,
    /// For retention: what this run removed.
    pub purged: Option<super::Purged>,
}
