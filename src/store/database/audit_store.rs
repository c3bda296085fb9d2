//! `AuditStore`, over any backend.

use async_trait::async_trait;
use uuid::Uuid;

use super::{Backend, Database};
use crate::domain::AuditLine;
use crate::store::{AuditStore, StoreResult, audit};

#[async_trait]
impl<B: Backend> AuditStore for Database<B> {
    async fn recent_audit(&self) -> StoreResult<Vec<AuditLine>> {
        audit::recent(&mut *self.read().await?).await
    }

    async fn event_audit(&self, event: Uuid) -> StoreResult<Vec<AuditLine>> {
        audit::of_event(&mut *self.read().await?, event).await
    }
}
