//! The store, written once over a `Backend`: reads run on the backend's
//! read pool, every write is a `Change` the backend applies. One file per
//! aggregate's trait.

mod account_store;
mod attendance_store;
mod audit_store;
mod event_store;
mod outbox_store;
mod people_store;
mod registration_store;
mod schedule_store;
mod webhook_store;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::statement::Sql;
use super::{Change, Done, Health, Store, StoreError, StoreResult};
use crate::domain::NewAudit;

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

    /// How the backend's connection pools are used now.
    fn pools(&self) -> Vec<super::PoolUse>;

    /// A consistent copy of the database in the new file `to`.
    fn backup(&self, to: &std::path::Path) -> impl Future<Output = StoreResult<super::Backup>> + Send;

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

    pub(super) async fn read(&self) -> StoreResult<sqlx::pool::PoolConnection<B::Db>> {
        Ok(self.backend.readers().acquire().await?)
    }

    pub(super) async fn change(
        &self,
        change: Change,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<Done> {
        self.backend.apply(change, audit, now).await
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

    async fn backup(&self, to: &std::path::Path) -> StoreResult<super::Backup> {
        self.backend.backup(to).await
    }

    async fn gauges(&self, now: DateTime<Utc>) -> StoreResult<super::Gauges> {
        let mut gauges = super::gauges::read(&mut *self.read().await?, now).await?;
        gauges.pools = self.backend.pools();
        Ok(gauges)
    }

    async fn close(&self) {
        self.backend.close().await
    }
}
