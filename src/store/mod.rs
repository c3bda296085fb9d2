//! Storage: one interface, one implementation per backend, chosen from the
//! DATABASE_URL scheme. SQL text that both dialects accept lives in `sql`.

mod changes;
mod common;
pub mod postgres;
mod rows;
mod seats;
mod sql;
pub mod sqlite;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::{
    Announcement, AttendeeLine, CancelOutcome, Delivery, Email, Event, EventKind, Level, MessageKind, NewEvent,
    NewRegistration, Organizer, PendingMessage, Question, RegisterOutcome, Registration, Role,
};
use crate::token::{CancelLookup, TokenHash};

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// From the SQLite writer's direct calls (`sqlite::sign_ups`).
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A value in the database that this version does not understand.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// A unique value (such as an event slug) is already taken.
    #[error("{0} is already taken")]
    Taken(&'static str),
    /// The store is shutting down and takes no more writes.
    #[error("the store is shutting down")]
    Closed,
    #[error("unsupported DATABASE_URL: {0}")]
    UnsupportedUrl(String),
}

/// What an event edit led to.
#[derive(Debug, Clone, PartialEq)]
pub enum EventUpdate {
    Updated(Box<Event>),
    NotFound,
    /// Another event has the slug asked for.
    SlugTaken,
    /// The event was cancelled: it can no longer change.
    Cancelled,
}

/// Which published, upcoming events to list.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub kind: Option<EventKind>,
    pub level: Option<Level>,
}

/// Everything the application asks of a database.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Answers when the database does (health check).
    async fn ping(&self) -> StoreResult<()>;

    /// Published events starting after `now`, soonest first.
    async fn upcoming_events(&self, filter: &EventFilter, now: DateTime<Utc>) -> StoreResult<Vec<Event>>;

    /// An event by id or slug, whatever its status.
    async fn event_by_id(&self, id: Uuid) -> StoreResult<Option<Event>>;
    async fn event_by_slug(&self, slug: &str) -> StoreResult<Option<Event>>;

    async fn count_events(&self) -> StoreResult<i64>;

    /// The questions an event asks at sign-up, in order.
    async fn event_questions(&self, event: Uuid) -> StoreResult<Vec<Question>>;
    /// Creates an event, owned by `owner` when given.
    async fn create_event(&self, event: NewEvent, owner: Option<Uuid>, now: DateTime<Utc>) -> StoreResult<Event>;

    /// Replaces an event's fields. Seats added by a larger capacity go to the
    /// waiting list at once.
    async fn update_event(&self, id: Uuid, changes: NewEvent, now: DateTime<Utc>) -> StoreResult<EventUpdate>;

    /// Cancels an event and queues a message to everyone registered.
    async fn cancel_event(&self, id: Uuid, now: DateTime<Utc>) -> StoreResult<Option<Event>>;

    /// Every registration of an event, oldest first, with waiting-list
    /// positions and email delivery state.
    async fn event_registrations(&self, event: Uuid) -> StoreResult<Vec<AttendeeLine>>;

    /// Whether an organizer (not an admin: admins manage everything) owns
    /// or was added to an event.
    async fn is_event_organizer(&self, event: Uuid, organizer: Uuid) -> StoreResult<bool>;

    /// Fails with `Taken("email")` when the address has an account.
    async fn create_organizer(
        &self,
        email: &Email,
        name: &str,
        password_hash: &str,
        role: Role,
        now: DateTime<Utc>,
    ) -> StoreResult<Organizer>;

    /// An organizer and their password hash.
    async fn organizer_by_email(&self, email: &Email) -> StoreResult<Option<(Organizer, String)>>;

    async fn create_api_token(
        &self,
        organizer: Uuid,
        token: &TokenHash,
        label: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    async fn organizer_by_api_token(&self, token: &TokenHash) -> StoreResult<Option<Organizer>>;

    /// Events an organizer manages (all of them for an admin), latest first.
    async fn events_managed_by(&self, organizer: &Organizer) -> StoreResult<Vec<Event>>;

    /// An organizer removes a registration: the person is told, and a freed
    /// seat goes to the first person waiting. `None` if the registration is
    /// not one of this event's.
    async fn remove_registration(
        &self,
        event: Uuid,
        registration: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<CancelOutcome>>;

    /// Marks a confirmed attendee present (`at`), or not (`None`). False if
    /// the registration is not a confirmed one of this event.
    async fn set_checked_in(&self, event: Uuid, registration: Uuid, at: Option<DateTime<Utc>>) -> StoreResult<bool>;

    /// Queues again the message that matches the registration's state
    /// (confirmation or waiting list); `None` if there is nothing to resend.
    async fn resend(&self, event: Uuid, registration: Uuid, now: DateTime<Utc>) -> StoreResult<Option<MessageKind>>;

    /// An organizer confirms a waiting person out of turn: the event gains a
    /// seat for them, so capacity still bounds the confirmed count. False if
    /// the registration is not waiting for this event.
    async fn confirm_out_of_turn(&self, event: Uuid, registration: Uuid, now: DateTime<Utc>) -> StoreResult<bool>;

    /// Queues an organizer's message to every confirmed attendee; returns
    /// how many.
    async fn announce(&self, event: Uuid, announcement: &Announcement, now: DateTime<Utc>) -> StoreResult<usize>;

    async fn organizers(&self) -> StoreResult<Vec<Organizer>>;

    async fn event_organizers(&self, event: Uuid) -> StoreResult<Vec<Organizer>>;

    /// Lets another organizer manage an event (no-op if they already do).
    async fn add_event_organizer(&self, event: Uuid, organizer: Uuid) -> StoreResult<()>;

    async fn set_notifications(&self, organizer: Uuid, on_cancel: bool, when_full: bool) -> StoreResult<()>;

    /// Records an organizer action.
    async fn audit(
        &self,
        organizer: Uuid,
        event: Option<Uuid>,
        action: &str,
        detail: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// The latest actions on any event: (when, who, action, event and detail).
    async fn recent_audit(&self) -> StoreResult<Vec<(DateTime<Utc>, String, String, String)>>;

    /// The latest actions on an event: (when, who, action, detail).
    async fn event_audit(&self, event: Uuid) -> StoreResult<Vec<(DateTime<Utc>, String, String, String)>>;

    /// Opens a sign-in session (and forgets expired ones).
    async fn create_session(
        &self,
        token: &TokenHash,
        organizer: Uuid,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// The organizer behind a session that has not expired at `now`.
    async fn organizer_by_session(&self, token: &TokenHash, now: DateTime<Utc>) -> StoreResult<Option<Organizer>>;

    async fn delete_session(&self, token: &TokenHash) -> StoreResult<()>;

    async fn record_login_failure(&self, email: &str, client: &str, now: DateTime<Utc>) -> StoreResult<()>;

    /// Failed sign-ins since `since`: (for this email, from this client).
    async fn login_failures(&self, email: &str, client: &str, since: DateTime<Utc>) -> StoreResult<(i64, i64)>;

    /// After a successful sign-in: forgets this email's failures, and
    /// everyone's older than `before`.
    async fn forget_login_failures(&self, email: &str, before: DateTime<Utc>) -> StoreResult<()>;

    /// Signs a person up in one transaction: checks the event's rules at
    /// commit time, takes a seat or a waiting-list place, and answers only
    /// once that is durable.
    async fn register(&self, registration: NewRegistration, now: DateTime<Utc>) -> StoreResult<RegisterOutcome>;

    /// A registration and its event, from its cancel link.
    async fn registration_by_token(&self, token: &CancelLookup) -> StoreResult<Option<(Registration, Event)>>;

    /// Cancels in one transaction, handing a freed seat to the first person
    /// waiting.
    async fn cancel(&self, token: &CancelLookup, now: DateTime<Utc>) -> StoreResult<CancelOutcome>;

    /// Claims up to `limit` messages that are due at `now`, leasing them
    /// until `lease_until` so that no other worker takes them meanwhile.
    async fn claim_messages(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<PendingMessage>>;

    /// Records what became of claimed messages, in one transaction.
    /// `lease` is the claim's, as `PendingMessage::lease` gives it: a
    /// message since claimed by another worker is left alone.
    async fn record_deliveries(
        &self,
        deliveries: &[(Uuid, Delivery)],
        lease: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// Finishes queued writes and stops taking new ones.
    async fn close(&self);
}

/// Opens the store that DATABASE_URL names, creating and migrating it.
pub async fn connect(database_url: &str) -> StoreResult<std::sync::Arc<dyn Store>> {
    if database_url.starts_with("sqlite:") {
        Ok(std::sync::Arc::new(sqlite::SqliteStore::connect(database_url).await?))
    } else if database_url.starts_with("postgres://") || database_url.starts_with("postgresql://") {
        Ok(std::sync::Arc::new(postgres::PostgresStore::connect(database_url).await?))
    } else {
        Err(StoreError::UnsupportedUrl(format!(
            "{} (expected sqlite://path/to/file.db or postgres://user:password@host/database)",
            database_url.split(':').next().unwrap_or_default()
        )))
    }
}
