//! `OutboxStore`, over any backend.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Backend, Database};
use crate::domain::{Announcement, Delivery, Event, NewAudit, PendingMessage};
use crate::store::{Change, OutboxStore, StoreResult, events, outbox};

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
        let mut contacts: HashMap<Uuid, Option<String>> = HashMap::new();
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
            let reply_to = match contacts.get(&event.id) {
                Some(contact) => contact.clone(),
                None => {
                    // The first active organizer, by address: the same one
                    // for every message of the event.
                    let team = events::organizers(&mut *conn, event.id).await?;
                    let contact = team.into_iter().find(|o| o.disabled_at.is_none()).map(|o| o.email);
                    contacts.insert(event.id, contact.clone());
                    contact
                }
            };
            match outbox::pending(row, recipient, event, reply_to) {
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
