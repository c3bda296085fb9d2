//! Short-lived caches for the public read paths that a registration rush
//! hits hardest: the rendered catalogue (`/` and `GET /api/v1/events`) and
//! the event a sign-up is for.
//!
//! Freshness: an entry is used for at most [`FRESH_FOR`] after it started to
//! be built, and never after a change made through this process's store
//! (every such write goes through [`Invalidating`], which bumps a
//! generation counter). Several instances sharing one PostgreSQL database
//! therefore see each other's changes within a second; their own at once.
//!
//! Two generations: `changes` moves with any change to events or
//! registrations (seat counts shown by the catalogue), `definitions` only
//! with changes to events themselves. The sign-up path caches events by
//! `definitions`, so a rush of sign-ups does not empty its own cache: it
//! reads nothing there that a sign-up changes (seats are counted by the
//! store, in the sign-up's own transaction, never from this copy).

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use axum::body::Bytes;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::{
    Announcement, AttendeeLine, CancelOutcome, Delivery, Email, Event, MessageKind, NewEvent, NewRegistration,
    Organizer, PendingMessage, Question, RegisterOutcome, Registration, Role,
};
use crate::store::{EventFilter, EventUpdate, Store, StoreResult};
use crate::token::{CancelLookup, TokenHash};

/// How long a cached answer may be served, at most.
pub const FRESH_FOR: Duration = Duration::from_secs(1);

struct Entry<T> {
    generation: u64,
    since: Instant,
    value: T,
}

/// Entries of one kind, keyed by what the answer depends on.
struct Shelf<T> {
    entries: Mutex<HashMap<String, Entry<T>>>,
    /// One build at a time: when an entry expires under load, one request
    /// rebuilds it and the others wait for that, instead of all rebuilding.
    building: tokio::sync::Mutex<()>,
}

impl<T> Default for Shelf<T> {
    fn default() -> Self {
        Self { entries: Mutex::new(HashMap::new()), building: tokio::sync::Mutex::new(()) }
    }
}

impl<T: Clone> Shelf<T> {
    fn lookup(&self, key: &str, generation: u64) -> Option<T> {
        let entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        entries
            .get(key)
            .filter(|e| e.generation == generation && e.since.elapsed() < FRESH_FOR)
            .map(|e| e.value.clone())
    }

    async fn get_or_build<E, Fut>(&self, key: &str, generation: &AtomicU64, build: impl FnOnce() -> Fut) -> Result<T, E>
    where
        Fut: Future<Output = Result<T, E>>,
    {
        if let Some(value) = self.lookup(key, generation.load(Ordering::Acquire)) {
            return Ok(value);
        }
        let _building = self.building.lock().await;
        // Read before building: a change committed meanwhile makes this
        // entry stale at once.
        let (current, since) = (generation.load(Ordering::Acquire), Instant::now());
        if let Some(value) = self.lookup(key, current) {
            return Ok(value);
        }
        let value = build().await?;
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // Few keys (language × filters), and only the fresh ones are kept.
        entries.retain(|_, e| e.generation == current && e.since.elapsed() < FRESH_FOR);
        entries.insert(key.to_owned(), Entry { generation: current, since, value: value.clone() });
        Ok(value)
    }
}

#[derive(Default)]
pub struct Caches {
    changes: AtomicU64,
    definitions: AtomicU64,
    pages: Shelf<Bytes>,
    events: Shelf<Arc<(Event, Vec<Question>)>>,
}

impl Caches {
    /// Seat counts moved (sign-up, cancellation, removal).
    pub fn seats_changed(&self) {
        self.changes.fetch_add(1, Ordering::AcqRel);
    }

    /// An event itself changed (created, edited, cancelled, a seat added).
    pub fn events_changed(&self) {
        self.definitions.fetch_add(1, Ordering::AcqRel);
        self.changes.fetch_add(1, Ordering::AcqRel);
    }

    /// A rendered catalogue answer (HTML page or JSON list) for `key`.
    pub async fn page<E, Fut>(&self, key: &str, build: impl FnOnce() -> Fut) -> Result<Bytes, E>
    where
        Fut: Future<Output = Result<Bytes, E>>,
    {
        self.pages.get_or_build(key, &self.changes, build).await
    }

    /// An event and its questions, for checking a sign-up before it goes to
    /// the store. Its seat counts may be up to [`FRESH_FOR`] old: the store
    /// decides seats.
    pub async fn event<E, Fut>(&self, key: &str, build: impl FnOnce() -> Fut) -> Result<Arc<(Event, Vec<Question>)>, E>
    where
        Fut: Future<Output = Result<Arc<(Event, Vec<Question>)>, E>>,
    {
        self.events.get_or_build(key, &self.definitions, build).await
    }
}

/// The store, telling the caches about every change made through it.
pub struct Invalidating {
    inner: Arc<dyn Store>,
    caches: Arc<Caches>,
}

impl Invalidating {
    pub fn new(inner: Arc<dyn Store>, caches: Arc<Caches>) -> Self {
        Self { inner, caches }
    }
}

#[async_trait]
impl Store for Invalidating {
    async fn ping(&self) -> StoreResult<()> {
        self.inner.ping().await
    }

    async fn upcoming_events(&self, filter: &EventFilter, now: DateTime<Utc>) -> StoreResult<Vec<Event>> {
        self.inner.upcoming_events(filter, now).await
    }

    async fn event_by_id(&self, id: Uuid) -> StoreResult<Option<Event>> {
        self.inner.event_by_id(id).await
    }

    async fn event_by_slug(&self, slug: &str) -> StoreResult<Option<Event>> {
        self.inner.event_by_slug(slug).await
    }

    async fn count_events(&self) -> StoreResult<i64> {
        self.inner.count_events().await
    }

    async fn event_questions(&self, event: Uuid) -> StoreResult<Vec<Question>> {
        self.inner.event_questions(event).await
    }

    async fn create_event(&self, event: NewEvent, owner: Option<Uuid>, now: DateTime<Utc>) -> StoreResult<Event> {
        let result = self.inner.create_event(event, owner, now).await;
        self.caches.events_changed();
        result
    }

    async fn update_event(&self, id: Uuid, changes: NewEvent, now: DateTime<Utc>) -> StoreResult<EventUpdate> {
        let result = self.inner.update_event(id, changes, now).await;
        self.caches.events_changed();
        result
    }

    async fn cancel_event(&self, id: Uuid, now: DateTime<Utc>) -> StoreResult<Option<Event>> {
        let result = self.inner.cancel_event(id, now).await;
        self.caches.events_changed();
        result
    }

    async fn event_registrations(&self, event: Uuid) -> StoreResult<Vec<AttendeeLine>> {
        self.inner.event_registrations(event).await
    }

    async fn is_event_organizer(&self, event: Uuid, organizer: Uuid) -> StoreResult<bool> {
        self.inner.is_event_organizer(event, organizer).await
    }

    async fn create_organizer(
        &self,
        email: &Email,
        name: &str,
        password_hash: &str,
        role: Role,
        now: DateTime<Utc>,
    ) -> StoreResult<Organizer> {
        self.inner.create_organizer(email, name, password_hash, role, now).await
    }

    async fn organizer_by_email(&self, email: &Email) -> StoreResult<Option<(Organizer, String)>> {
        self.inner.organizer_by_email(email).await
    }

    async fn create_api_token(
        &self,
        organizer: Uuid,
        token: &TokenHash,
        label: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.inner.create_api_token(organizer, token, label, now).await
    }

    async fn organizer_by_api_token(&self, token: &TokenHash) -> StoreResult<Option<Organizer>> {
        self.inner.organizer_by_api_token(token).await
    }

    async fn events_managed_by(&self, organizer: &Organizer) -> StoreResult<Vec<Event>> {
        self.inner.events_managed_by(organizer).await
    }

    async fn remove_registration(
        &self,
        event: Uuid,
        registration: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<CancelOutcome>> {
        let result = self.inner.remove_registration(event, registration, now).await;
        self.caches.seats_changed();
        result
    }

    async fn set_checked_in(&self, event: Uuid, registration: Uuid, at: Option<DateTime<Utc>>) -> StoreResult<bool> {
        self.inner.set_checked_in(event, registration, at).await
    }

    async fn resend(&self, event: Uuid, registration: Uuid, now: DateTime<Utc>) -> StoreResult<Option<MessageKind>> {
        self.inner.resend(event, registration, now).await
    }

    async fn confirm_out_of_turn(&self, event: Uuid, registration: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
        let result = self.inner.confirm_out_of_turn(event, registration, now).await;
        self.caches.events_changed();
        result
    }

    async fn announce(&self, event: Uuid, announcement: &Announcement, now: DateTime<Utc>) -> StoreResult<usize> {
        self.inner.announce(event, announcement, now).await
    }

    async fn organizers(&self) -> StoreResult<Vec<Organizer>> {
        self.inner.organizers().await
    }

    async fn event_organizers(&self, event: Uuid) -> StoreResult<Vec<Organizer>> {
        self.inner.event_organizers(event).await
    }

    async fn add_event_organizer(&self, event: Uuid, organizer: Uuid) -> StoreResult<()> {
        self.inner.add_event_organizer(event, organizer).await
    }

    async fn set_notifications(&self, organizer: Uuid, on_cancel: bool, when_full: bool) -> StoreResult<()> {
        self.inner.set_notifications(organizer, on_cancel, when_full).await
    }

    async fn audit(
        &self,
        organizer: Uuid,
        event: Option<Uuid>,
        action: &str,
        detail: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.inner.audit(organizer, event, action, detail, now).await
    }

    async fn recent_audit(&self) -> StoreResult<Vec<(DateTime<Utc>, String, String, String)>> {
        self.inner.recent_audit().await
    }

    async fn event_audit(&self, event: Uuid) -> StoreResult<Vec<(DateTime<Utc>, String, String, String)>> {
        self.inner.event_audit(event).await
    }

    async fn create_session(
        &self,
        token: &TokenHash,
        organizer: Uuid,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.inner.create_session(token, organizer, expires_at, now).await
    }

    async fn organizer_by_session(&self, token: &TokenHash, now: DateTime<Utc>) -> StoreResult<Option<Organizer>> {
        self.inner.organizer_by_session(token, now).await
    }

    async fn delete_session(&self, token: &TokenHash) -> StoreResult<()> {
        self.inner.delete_session(token).await
    }

    async fn record_login_failure(&self, email: &str, client: &str, now: DateTime<Utc>) -> StoreResult<()> {
        self.inner.record_login_failure(email, client, now).await
    }

    async fn login_failures(&self, email: &str, client: &str, since: DateTime<Utc>) -> StoreResult<(i64, i64)> {
        self.inner.login_failures(email, client, since).await
    }

    async fn forget_login_failures(&self, email: &str, before: DateTime<Utc>) -> StoreResult<()> {
        self.inner.forget_login_failures(email, before).await
    }

    async fn register(&self, registration: NewRegistration, now: DateTime<Utc>) -> StoreResult<RegisterOutcome> {
        let result = self.inner.register(registration, now).await;
        self.caches.seats_changed();
        result
    }

    async fn registration_by_token(&self, token: &CancelLookup) -> StoreResult<Option<(Registration, Event)>> {
        self.inner.registration_by_token(token).await
    }

    async fn cancel(&self, token: &CancelLookup, now: DateTime<Utc>) -> StoreResult<CancelOutcome> {
        let result = self.inner.cancel(token, now).await;
        self.caches.seats_changed();
        result
    }

    async fn claim_messages(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<PendingMessage>> {
        self.inner.claim_messages(now, lease_until, limit).await
    }

    async fn record_deliveries(
        &self,
        deliveries: &[(Uuid, Delivery)],
        lease: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.inner.record_deliveries(deliveries, lease, now).await
    }

    async fn close(&self) {
        self.inner.close().await
    }
}
