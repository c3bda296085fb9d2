//! `EventStore`, over any backend.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Backend, Database};
use crate::domain::{Event, EventInput, EventUpdate, NewAudit, NewEvent, Organizer, Question};
use crate::store::{Cancellation, Change, EventFilter, EventStore, StoreResult, events};

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
        organizers: Vec<Uuid>,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Event>> {
        self.change(Change::CreateEvent { id, event: Box::new(event), organizers }, audit, now).await?.into_event()
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
        note: Option<String>,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Cancellation>> {
        self.change(Change::CancelEvent { id, note }, audit, now).await?.into_event_cancelled()
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
