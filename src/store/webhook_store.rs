//! `WebhookStore`: organizers' webhooks and the deliveries owed to them.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::StoreResult;
use crate::domain::{Attempt, PendingDelivery, Webhook, WebhookDelivery};

/// Webhooks: organizers' endpoints, and the deliveries owed to them.
#[async_trait]
pub trait WebhookStore: Send + Sync {
    async fn create_webhook(&self, webhook: Webhook, now: DateTime<Utc>) -> StoreResult<()>;
    /// Deletes one of `organizer`'s webhooks; whether there was one.
    async fn delete_webhook(&self, id: Uuid, organizer: Uuid, now: DateTime<Utc>) -> StoreResult<bool>;
    /// An organizer's webhooks, newest first.
    async fn webhooks_of(&self, organizer: Uuid) -> StoreResult<Vec<Webhook>>;
    async fn webhook(&self, id: Uuid) -> StoreResult<Option<Webhook>>;
    /// A webhook's latest `limit` deliveries, newest first.
    async fn webhook_deliveries(&self, webhook: Uuid, limit: i64) -> StoreResult<Vec<WebhookDelivery>>;
    /// Leases up to `limit` deliveries due at `now` until `lease_until`.
    async fn claim_webhook_deliveries(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<PendingDelivery>>;
    /// Records attempts made under `lease`.
    async fn record_webhook_attempts(
        &self,
        attempts: Vec<Attempt>,
        lease: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
}
