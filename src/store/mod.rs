//! Storage: what the application asks of a database, per aggregate
//! (`EventStore`, `RegistrationStore`, `PeopleStore`, `OutboxStore`,
//! `AccountStore`, `AuditStore`…; `Store` is their sum), written once over a small trait of
//! statement-sized calls (`statement::Sql`) with one SQL text wherever the
//! dialects agree. A backend (`sqlite`, `postgres`, chosen from the
//! DATABASE_URL scheme) only provides connections for reads and a way to
//! apply a `Change` in a transaction.

mod account_change;
mod account_lifecycle;
mod account_store;
mod accounts;
mod attendance;
mod audit;
mod certificates;
mod change;
mod corrections;
mod database;
mod error;
mod events;
mod gauges;
mod jobs;
mod offers;
mod outbox;
mod personal_data;
pub mod postgres;
#[cfg(test)]
mod query_plans;
mod registrations;
mod rows;
mod seats;
pub mod sqlite;
pub mod statement;
mod tokens;
mod trainers;
mod webhook_store;
mod webhooks;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

pub use account_change::AccountChange;
pub use account_store::AccountStore;
pub use attendance::{Presence, Signature};
pub use certificates::Recipients;
pub use change::{Change, Done};
pub use database::{Backend, Database};
pub use error::StoreError;
use error::is_unique_violation;
pub use events::Cancellation;
pub use gauges::{Gauges, PoolUse};
pub use tokens::{NewToken, TokenUse, USE_PRECISION as TOKEN_USE_PRECISION};
pub use webhook_store::WebhookStore;

use crate::domain::{
    AcceptOutcome, Announcement, AttendanceOutcome, AttendeeLine, AuditLine, CancelOutcome, Certificate, Corrected,
    Correction, Delivery, DueJob, Email, Erased, Event, EventInput, EventKind, EventUpdate, JobRun, Level, MessageKind,
    NewAudit, NewEvent, NewRegistration, Organizer, PendingMessage, PersonalData, Question, RegisterOutcome,
    Registration, RegistrationEdit, RetentionPolicy, SlotCheckIn, TrainerSignature, TrainerSigned, Transferred,
};
use crate::token::CancelLookup;

pub type StoreResult<T> = Result<T, StoreError>;

/// Which published, upcoming events to list.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub kind: Option<EventKind>,
    pub level: Option<Level>,
    /// Cancelled ones too (the catalogue marks them).
    pub with_cancelled: bool,
}

impl EventFilter {
    /// What the list depends on, as a cache key.
    pub fn key(&self) -> String {
        format!(
            "{} {} {}",
            self.kind.map_or("", EventKind::code),
            self.level.map_or("", Level::code),
            self.with_cancelled
        )
    }
}

/// Whether the store can take writes now, and if not why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Health {
    Ready,
    /// A reason fit for an operator (no personal data).
    Unavailable(String),
}

/// What a backup holds, read back from the copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    pub events: i64,
    pub registrations: i64,
    pub bytes: u64,
}

#[async_trait]
pub trait EventStore: Send + Sync {
    /// Published events starting after `now`, soonest first.
    async fn upcoming_events(&self, filter: &EventFilter, now: DateTime<Utc>) -> StoreResult<Vec<Event>>;
    /// An event by id or slug, whatever its status.
    async fn event_by_id(&self, id: Uuid) -> StoreResult<Option<Event>>;
    async fn event_by_slug(&self, slug: &str) -> StoreResult<Option<Event>>;
    async fn count_events(&self) -> StoreResult<i64>;
    /// The questions an event asks at sign-up, in order.
    async fn event_questions(&self, event: Uuid) -> StoreResult<Vec<Question>>;
    /// Events an organizer manages (all of them for an admin), latest first.
    async fn events_managed_by(&self, organizer: &Organizer) -> StoreResult<Vec<Event>>;
    /// Whether an organizer (not an admin: admins manage everything) owns
    /// or was added to an event.
    async fn is_event_organizer(&self, event: Uuid, organizer: Uuid) -> StoreResult<bool>;
    async fn event_organizers(&self, event: Uuid) -> StoreResult<Vec<Organizer>>;
    /// Creates an event with the id given, managed by `organizers` (the
    /// first its owner); `None` when its slug is taken.
    async fn create_event(
        &self,
        id: Uuid,
        event: NewEvent,
        organizers: Vec<Uuid>,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Event>>;
    /// Applies `patch` to the event as it stands (see `events::update`).
    async fn update_event(
        &self,
        id: Uuid,
        patch: EventInput,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<EventUpdate>;
    /// Cancels an event and queues a message to everyone registered, with
    /// the organizer's `note` if any; `None` when there is no such event.
    async fn cancel_event(
        &self,
        id: Uuid,
        note: Option<String>,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Cancellation>>;
    /// Lets another organizer manage an event; false if they already did.
    async fn add_event_organizer(
        &self,
        event: Uuid,
        organizer: Uuid,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
}

#[async_trait]
pub trait RegistrationStore: Send + Sync {
    /// Signs a person up in one transaction: checks the event's rules at
    /// commit time, takes a seat or a waiting-list place, and answers only
    /// once that is durable.
    async fn register(&self, registration: NewRegistration, now: DateTime<Utc>) -> StoreResult<RegisterOutcome>;
    /// A registration and its event, from its cancel link.
    async fn registration_by_token(&self, token: &CancelLookup) -> StoreResult<Option<(Registration, Event)>>;
    /// Cancels in one transaction, handing a freed seat to the first person
    /// waiting.
    async fn cancel(&self, token: &CancelLookup, now: DateTime<Utc>) -> StoreResult<CancelOutcome>;
    /// The person accepts the seat offered to them, before its deadline.
    async fn accept_offer(&self, token: &CancelLookup, now: DateTime<Utc>) -> StoreResult<AcceptOutcome>;
    /// The person says they will come (a confirmed seat only; once).
    async fn confirm_attendance(&self, token: &CancelLookup, now: DateTime<Utc>) -> StoreResult<AttendanceOutcome>;
    /// The person signs for `slot` (a confirmed seat only; once a slot).
    async fn sign(&self, token: &CancelLookup, slot: String, now: DateTime<Utc>) -> StoreResult<Signature>;
    /// The slots a person signed for, and when.
    async fn signatures(&self, registration: Uuid) -> StoreResult<std::collections::HashMap<String, DateTime<Utc>>>;
    /// An organizer removes a registration: the person is told, and a freed
    /// seat goes to the first person waiting. `None` if the registration is
    /// not one of this event's.
    async fn remove_registration(
        &self,
        event: Uuid,
        registration: Uuid,
        note: Option<String>,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<CancelOutcome>>;
    /// Queues again the message that matches the registration's state;
    /// `None` if there is nothing to resend.
    async fn resend(
        &self,
        event: Uuid,
        registration: Uuid,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<MessageKind>>;
    /// Confirms a waiting person out of turn, adding a seat for them; false
    /// if the registration is not waiting for this event.
    async fn confirm_out_of_turn(
        &self,
        event: Uuid,
        registration: Uuid,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Marks a confirmed attendee present at a slot, or not.
    async fn set_checked_in(
        &self,
        event: Uuid,
        registration: Uuid,
        mark: SlotCheckIn,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<Presence>;
    /// Adds a person at the door: confirmed (a seat added if full), checked
    /// in at `slot`, flagged a walk-in.
    async fn walk_in(
        &self,
        registration: NewRegistration,
        slot: String,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<RegisterOutcome>;
    /// Every registration of an event, oldest first, with waiting-list
    /// positions, email delivery state and answers.
    async fn event_registrations(&self, event: &Event) -> StoreResult<Vec<AttendeeLine>>;
}

/// People's own data: what they read, correct, hand on or erase.
#[async_trait]
pub trait PeopleStore: Send + Sync {
    /// Everything stored about the registration behind this link.
    async fn personal_data(&self, token: &CancelLookup) -> StoreResult<Option<PersonalData>>;
    async fn erase(&self, token: &CancelLookup, now: DateTime<Utc>) -> StoreResult<Erased>;
    async fn correct(&self, token: &CancelLookup, correction: Correction, now: DateTime<Utc>)
    -> StoreResult<Corrected>;
    async fn transfer(
        &self,
        token: &CancelLookup,
        colleague: NewRegistration,
        now: DateTime<Utc>,
    ) -> StoreResult<Transferred>;
    /// Queues the link to each registration of `email` still to come.
    async fn send_links(&self, email: Email, now: DateTime<Utc>) -> StoreResult<usize>;
    /// An organizer edits a registration of `event`.
    async fn edit_registration(
        &self,
        event: Uuid,
        registration: Uuid,
        edit: RegistrationEdit,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<Corrected>;
}

#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Queues an organizer's message to every confirmed attendee; returns
    /// how many.
    async fn announce(
        &self,
        event: Uuid,
        announcement: Announcement,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<usize>;
    /// Claims up to `limit` messages that are due at `now`, leasing them
    /// until `lease_until` so that no other worker takes them meanwhile.
    async fn claim_messages(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<PendingMessage>>;
    /// Records what became of claimed messages, in one transaction. `lease`
    /// is the claim's, as `PendingMessage::lease` gives it: a message since
    /// claimed by another worker is left alone.
    async fn record_deliveries(
        &self,
        deliveries: Vec<(Uuid, Delivery)>,
        lease: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
}

/// Timed work (`jobs`): reminders, the ends of offers.
#[async_trait]
pub trait ScheduleStore: Send + Sync {
    /// Leases up to `limit` jobs due at `now` until `lease_until`.
    async fn claim_jobs(&self, now: DateTime<Utc>, lease_until: DateTime<Utc>, limit: i64) -> StoreResult<Vec<DueJob>>;
    /// When the next job can be claimed, if any waits.
    async fn next_job_due(&self) -> StoreResult<Option<DateTime<Utc>>>;
    /// Does a claimed job, with its history entry, in one transaction.
    async fn run_job(
        &self,
        job: &DueJob,
        retention: RetentionPolicy,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<JobRun>;
    /// Makes retention due now (at start-up).
    async fn retention_now(&self, now: DateTime<Utc>) -> StoreResult<()>;
    /// The job failed; it is tried again from `retry_at`.
    async fn job_failed(
        &self,
        job: &DueJob,
        error: &str,
        retry_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
}

/// Attendance after the door: trainers' signatures and certificates.
#[async_trait]
pub trait AttendanceStore: Send + Sync {
    /// The trainer signs `slot` as `name`, from `organizer`'s account.
    async fn sign_as_trainer(
        &self,
        event: Uuid,
        slot: String,
        name: String,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<TrainerSigned>;
    async fn trainer_signatures(&self, event: Uuid) -> StoreResult<Vec<TrainerSignature>>;
    /// A registration's certificate, if they attended a slot.
    async fn certificate(&self, registration: Uuid) -> StoreResult<Option<Certificate>>;
    /// A certificate by its public id.
    async fn certificate_by_id(&self, id: &str) -> StoreResult<Option<Certificate>>;
    /// Queues certificates of `event` (to one attendee or all); how many.
    async fn send_certificates(
        &self,
        event: Uuid,
        to: Recipients,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<usize>;
}

#[async_trait]
pub trait AuditStore: Send + Sync {
    /// The latest actions on any event or account, newest first.
    async fn recent_audit(&self) -> StoreResult<Vec<AuditLine>>;
    /// The latest actions on an event, newest first.
    async fn event_audit(&self, event: Uuid) -> StoreResult<Vec<AuditLine>>;
}

/// Everything the application asks of a database.
#[async_trait]
pub trait Store:
    EventStore
    + RegistrationStore
    + PeopleStore
    + AttendanceStore
    + OutboxStore
    + AccountStore
    + ScheduleStore
    + AuditStore
    + WebhookStore
    + 'static
{
    /// Whether a write succeeds now (health check).
    async fn health(&self, now: DateTime<Utc>) -> Health;
    /// A consistent copy of the database in the new file `to`, taken while
    /// the service runs, and checked by opening it.
    async fn backup(&self, to: &std::path::Path) -> StoreResult<Backup>;
    /// The outbox's and the scheduler's figures now, and the pools' use.
    async fn gauges(&self, now: DateTime<Utc>) -> StoreResult<Gauges>;
    /// Finishes queued writes and stops taking new ones.
    async fn close(&self);
}

/// Opens the store that DATABASE_URL names, creating and migrating it.
pub async fn connect(database_url: &str) -> StoreResult<std::sync::Arc<dyn Store>> {
    if database_url.starts_with("sqlite:") {
        Ok(std::sync::Arc::new(Database::new(sqlite::Sqlite::connect(database_url).await?)))
    } else if database_url.starts_with("postgres://") || database_url.starts_with("postgresql://") {
        Ok(std::sync::Arc::new(Database::new(postgres::Postgres::connect(database_url).await?)))
    } else {
        Err(StoreError::UnsupportedUrl(format!(
            "{} (expected sqlite://path/to/file.db or postgres://user:password@host/database)",
            database_url.split(':').next().unwrap_or_default()
        )))
    }
}
