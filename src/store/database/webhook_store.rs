//! `WebhookStore`, over any backend.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Backend, Database};
use crate::domain::{Attempt, PendingDelivery, Webhook, WebhookDelivery};
use crate::store::{Change, StoreResult, WebhookStore, webhooks};

#[async_trait]
impl<B: Backend> WebhookStore for Database<B> {
    async fn create_webhook(&self, webhook: Webhook, now: DateTime<Utc>) -> StoreResult<()> {
        self.change(Change::CreateWebhook(Box::new(webhook)), None, now).await?.into_flag()?;
        Ok(())
    }

    async fn delete_webhook(&self, id: Uuid, organizer: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
        self.change(Change::DeleteWebhook { id, organizer }, None, now).await?.into_flag()
    }

    async fn webhooks_of(&self, organizer: Uuid) -> StoreResult<Vec<Webhook>> {
        webhooks::of_organizer(&mut *self.read().await?, organizer).await
    }

    async fn webhook(&self, id: Uuid) -> StoreResult<Option<Webhook>> {
        webhooks::by_id(&mut *self.read().await?, id).await
    }

    async fn webhook_deliveries(&self, webhook: Uuid, limit: i64) -> StoreResult<Vec<WebhookDelivery>> {
        webhooks::deliveries(&mut *self.read().await?, webhook, limit).await
    }

    async fn claim_webhook_deliveries(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<PendingDelivery>> {
        self.change(Change::ClaimWebhookDeliveries { lease_until, limit }, None, now).await?.into_deliveries()
    }

    async fn record_webhook_attempts(
        &self,
        attempts: Vec<Attempt>,
        lease: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.change(Change::RecordWebhookAttempts { attempts, lease }, None, now).await?.into_flag()?;
        Ok(())
    }
}
