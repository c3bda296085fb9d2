//! The store, written once over a `Backend`: reads run on the backend's
//! read pool, every write is a `Change` the backend applies.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::statement::Sql;
use super::{
    AccountStore, AuditStore, Cancellation, Change, Done, EventFilter, EventStore, Health, OutboxStore, Presence,
    RegistrationStore, Store, StoreError, StoreResult, accounts, audit, events, outbox, registrations,
};
use crate::domain::{
    Announcement, AttendeeLine, AuditLine, CancelOutcome, Delivery, Email, Event, EventInput, EventUpdate, MessageKind,
    NewAudit, NewEvent, NewRegistration, Organizer, PendingMessage, Question, RegisterOutcome, Registration, Role,
};
use crate::token::{CancelLookup, TokenHash};

/// What a database backend provides; everything else is shared.
pub trait Backend: Send + Sync + 'static {
    type Db: sqlx::Database<Connection: Sql>;

    /// The pool reads run on.
    fn readers(&self) -> &sqlx::Pool<Self::Db>;

    /// Applies `change` (and writes `audit` if it took effect) in one
    /// transaction, committed before this answers. Changes to one event's
    /// seats never run at the same time.
    fn apply(
        &self,
        change: Change,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> impl Future<Output = StoreResult<Done>> + Send;

    /// Why the backend cannot take writes, from the error a write gave.
    fn unavailable(&self, error: &StoreError) -> String;

    /// Finishes queued writes and stops taking new ones.
    fn close(&self) -> impl Future<Output = ()> + Send;
}

pub struct Database<B> {
    backend: B,
}

impl<B: Backend> Database<B> {
    pub fn new(backend: B) -> Self {
        Self { backend }
    }

    async fn read(&self) -> StoreResult<sqlx::pool::PoolConnection<B::Db>> {
        Ok(self.backend.readers().acquire().await?)
    }

    async fn change(&self, change: Change, audit: Option<NewAudit>, now: DateTime<Utc>) -> StoreResult<Done> {
        self.backend.apply(change, audit, now).await
    }
}

#[async_trait]
impl<B: Backend> EventStore for Database<B> {
    async fn upcoming_events(&self, filter: &EventFilter, now: DateTime<Utc>) -> StoreResult<Vec<Event>> {
        events::upcoming(&mut *self.read().await?, filter, now).await
    }

    async fn event_by_id(&self, id: Uuid) -> StoreResult<Option<Event>> {
        events::by_id(&mut *self.read().await?, id).await
    }

    async fn event_by_slug(&self, slug: &str) -> StoreResult<Option<Event>> {
        events::by_slug(&mut *self.read().await?, slug).await
    }

    async fn count_events(&self) -> StoreResult<i64> {
        events::count(&mut *self.read().await?).await
    }

    async fn event_questions(&self, event: Uuid) -> StoreResult<Vec<Question>> {
        events::questions(&mut *self.read().await?, event).await
    }

    async fn events_managed_by(&self, organizer: &Organizer) -> StoreResult<Vec<Event>> {
        events::managed_by(&mut *self.read().await?, organizer).await
    }

    async fn is_event_organizer(&self, event: Uuid, organizer: Uuid) -> StoreResult<bool> {
        events::is_organizer(&mut *self.read().await?, event, organizer).await
    }

    async fn event_organizers(&self, event: Uuid) -> StoreResult<Vec<Organizer>> {
        events::organizers(&mut *self.read().await?, event).await
    }

    async fn create_event(
        &self,
        id: Uuid,
        event: NewEvent,
        owner: Option<Uuid>,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Event>> {
        self.change(Change::CreateEvent { id, event: Box::new(event), owner }, audit, now).await?.into_event()
    }

    async fn update_event(
        &self,
        id: Uuid,
        patch: EventInput,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<EventUpdate> {
        self.change(Change::UpdateEvent { id, patch: Box::new(patch) }, audit, now).await?.into_updated()
    }

    async fn cancel_event(
        &self,
        id: Uuid,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Cancellation>> {
        self.change(Change::CancelEvent(id), audit, now).await?.into_event_cancelled()
    }

    async fn add_event_organizer(
        &self,
        event: Uuid,
        organizer: Uuid,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        self.change(Change::AddEventOrganizer { event, organizer }, audit, now).await?.into_flag()
    }
}

#[async_trait]
impl<B: Backend> RegistrationStore for Database<B> {
    async fn register(&self, registration: NewRegistration, now: DateTime<Utc>) -> StoreResult<RegisterOutcome> {
        self.change(Change::Register(Box::new(registration)), None, now).await?.into_registered()
    }

    async fn registration_by_token(&self, token: &CancelLookup) -> StoreResult<Option<(Registration, Event)>> {
        let mut conn = self.read().await?;
        let Some(registration) = registrations::by_token(&mut *conn, token).await? else { return Ok(None) };
        let event = events::by_id(&mut *conn, registration.event_id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("registration without its event".into()))?;
        Ok(Some((registration, event)))
    }

    async fn cancel(&self, token: &CancelLookup, now: DateTime<Utc>) -> StoreResult<CancelOutcome> {
        self.change(Change::Cancel(*token), None, now).await?.into_cancelled()
    }

    async fn remove_registration(
        &self,
        event: Uuid,
        registration: Uuid,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<CancelOutcome>> {
        self.change(Change::Remove { event, registration }, audit, now).await?.into_removed()
    }

    async fn resend(
        &self,
        event: Uuid,
        registration: Uuid,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<MessageKind>> {
        self.change(Change::Resend { event, registration }, audit, now).await?.into_resent()
    }

    async fn confirm_out_of_turn(
        &self,
        event: Uuid,
        registration: Uuid,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        self.change(Change::ConfirmOutOfTurn { event, registration }, audit, now).await?.into_flag()
    }

    async fn set_checked_in(
        &self,
        event: Uuid,
        registration: Uuid,
        at: Option<DateTime<Utc>>,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<Presence> {
        self.change(Change::CheckIn { event, registration, at }, audit, now).await?.into_checked_in()
    }

    async fn event_registrations(&self, event: Uuid) -> StoreResult<Vec<AttendeeLine>> {
        registrations::of_event(&mut *self.read().await?, event).await
    }
}

#[async_trait]
impl<B: Backend> OutboxStore for Database<B> {
    async fn announce(
        &self,
        event: Uuid,
        announcement: Announcement,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<usize> {
        self.change(Change::Announce { event, announcement }, audit, now).await?.into_count()
    }

    async fn claim_messages(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<PendingMessage>> {
        let claimed = self.change(Change::ClaimMessages { lease_until, limit }, None, now).await?.into_claimed()?;
        if claimed.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = self.read().await?;
        let recipients = outbox::recipients(&mut *conn, &claimed).await?;
        let mut events: HashMap<Uuid, Event> = HashMap::new();
        let mut messages = Vec::with_capacity(claimed.len());
        let mut unreadable = Vec::new();
        let lease = claimed.first().map_or(lease_until, |row| row.locked_until);
        for row in claimed {
            let id = row.id;
            let Some(recipient) = recipients.get(&row.registration_id) else {
                unreadable.push((id, "message without its registration".to_owned()));
                continue;
            };
            let event = match events.get(&recipient.0.event_id) {
                Some(event) => Some(event.clone()),
                None => events::by_id(&mut *conn, recipient.0.event_id).await?,
            };
            let Some(event) = event else {
                unreadable.push((id, "registration without its event".to_owned()));
                continue;
            };
            events.insert(event.id, event.clone());
            match outbox::pending(row, recipient, event) {
                Ok(message) => messages.push(message),
                Err(error) => unreadable.push((id, error.to_string())),
            }
        }
        if !unreadable.is_empty() {
            // One unreadable row must not hold up the others.
            for (id, error) in &unreadable {
                tracing::error!(message = %id, %error, "cannot load message; marked failed");
            }
            let deliveries = unreadable.into_iter().map(|(id, error)| (id, Delivery::Failed { error })).collect();
            self.record_deliveries(deliveries, lease, now).await?;
        }
        Ok(messages)
    }

    async fn record_deliveries(
        &self,
        deliveries: Vec<(Uuid, Delivery)>,
        lease: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.change(Change::RecordDeliveries { deliveries, lease }, None, now).await?.into_flag().map(drop)
    }
}

#[async_trait]
impl<B: Backend> AccountStore for Database<B> {
    async fn create_organizer(
        &self,
        email: &Email,
        name: &str,
        password_hash: &str,
        role: Role,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Organizer>> {
        let id = Uuid::now_v7();
        let (email, name, password_hash) = (email.clone(), name.to_owned(), password_hash.to_owned());
        let audit = audit.map(|audit| audit.about_organizer(id));
        let change = Change::CreateOrganizer { id, email, name, password_hash, role };
        self.change(change, audit, now).await?.into_organizer()
    }

    async fn organizer_by_email(&self, email: &Email) -> StoreResult<Option<(Organizer, String)>> {
        accounts::by_email(&mut *self.read().await?, email).await
    }

    async fn organizers(&self) -> StoreResult<Vec<Organizer>> {
        accounts::all(&mut *self.read().await?).await
    }

    async fn create_api_token(
        &self,
        organizer: Uuid,
        token: &TokenHash,
        label: &str,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let change = Change::CreateApiToken { organizer, token: *token, label: label.to_owned() };
        self.change(change, audit, now).await?.into_flag().map(drop)
    }

    async fn organizer_by_api_token(&self, token: &TokenHash) -> StoreResult<Option<Organizer>> {
        accounts::by_api_token(&mut *self.read().await?, token).await
    }

    async fn set_notifications(
        &self,
        organizer: Uuid,
        on_cancel: bool,
        when_full: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let change = Change::SetNotifications { organizer, on_cancel, when_full };
        self.change(change, None, now).await?.into_flag().map(drop)
    }

    async fn create_session(
        &self,
        token: &TokenHash,
        organizer: Uuid,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let change = Change::CreateSession { token: *token, organizer, expires_at };
        self.change(change, None, now).await?.into_flag().map(drop)
    }

    async fn organizer_by_session(&self, token: &TokenHash, now: DateTime<Utc>) -> StoreResult<Option<Organizer>> {
        accounts::by_session(&mut *self.read().await?, token, now).await
    }

    async fn delete_session(&self, token: &TokenHash, now: DateTime<Utc>) -> StoreResult<()> {
        self.change(Change::DeleteSession(*token), None, now).await?.into_flag().map(drop)
    }

    async fn record_login_failure(&self, email: &str, client: &str, now: DateTime<Utc>) -> StoreResult<()> {
        let change = Change::RecordLoginFailure { email: email.to_owned(), client: client.to_owned() };
        self.change(change, None, now).await?.into_flag().map(drop)
    }

    async fn login_failures(&self, email: &str, client: &str, since: DateTime<Utc>) -> StoreResult<(i64, i64)> {
        accounts::login_failures(&mut *self.read().await?, email, client, since).await
    }

    async fn forget_login_failures(&self, email: &str, before: DateTime<Utc>, now: DateTime<Utc>) -> StoreResult<()> {
        let change = Change::ForgetLoginFailures { email: email.to_owned(), before };
        self.change(change, None, now).await?.into_flag().map(drop)
    }
}

#[async_trait]
impl<B: Backend> AuditStore for Database<B> {
    async fn recent_audit(&self) -> StoreResult<Vec<AuditLine>> {
        audit::recent(&mut *self.read().await?).await
    }

    async fn event_audit(&self, event: Uuid) -> StoreResult<Vec<AuditLine>> {
        audit::of_event(&mut *self.read().await?, event).await
    }
}

#[async_trait]
impl<B: Backend> Store for Database<B> {
    async fn health(&self, now: DateTime<Utc>) -> Health {
        match self.change(Change::Probe, None, now).await {
            Ok(_) => Health::Ready,
            Err(error) => {
                tracing::error!(%error, "health check: a write failed");
                Health::Unavailable(self.backend.unavailable(&error))
            }
        }
    }

    async fn close(&self) {
        self.backend.close().await
    }
}
