//! PostgreSQL, for several instances of the service on one database.
//!
//! Each registration change is one transaction that first locks its event's
//! row (`SELECT … FOR NO KEY UPDATE`): changes to one event's seats queue on that
//! lock, whichever instance makes them, while other events go on in
//! parallel. Instances share the outbox, claiming messages with
//! `FOR UPDATE SKIP LOCKED` and a lease.

/// The registration changes; `event_for_change` takes the event's row lock.
mod changes {
    crate::store::changes::registration_changes!(
        sqlx::PgConnection,
        sqlx::Postgres,
        event_for_change = crate::store::sql::EVENT_FOR_CHANGE_POSTGRES,
        row_lock = " FOR NO KEY UPDATE"
    );
}

use std::collections::HashMap;
use std::sync::{Arc, Weak};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use super::rows::ClaimedRow;
use super::{StoreError, StoreResult, sql};

/// Connections per instance. Seat changes to one event run one at a time
/// anyway; more connections serve other events and reads.
const POOL_SIZE: u32 = 16;

/// Times a change is tried when PostgreSQL aborts it for a deadlock or a
/// serialization failure. The row lock makes both unexpected; retrying
/// keeps a rare one from reaching the person as an error.
const ATTEMPTS: u32 = 5;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

pub struct PostgresStore {
    read: PgPool,
    write: PgPool,
    /// Per event with sign-ups in progress here: they take turns before
    /// taking a connection (see `register`).
    turns: std::sync::Mutex<HashMap<uuid::Uuid, Weak<tokio::sync::Mutex<()>>>>,
}

impl PostgresStore {
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(POOL_SIZE)
            .acquire_timeout(Duration::from_secs(30))
            .connect(url)
            .await?;
        // sqlx's migrator holds a PostgreSQL advisory lock while it checks
        // and applies migrations, so instances starting together wait for
        // each other instead of racing to create the same tables.
        MIGRATOR.run(&pool).await?;
        Ok(Self { read: pool.clone(), write: pool, turns: std::sync::Mutex::default() })
    }

    /// The turn that sign-ups for `event` take in this instance.
    fn turn_for(&self, event: uuid::Uuid) -> Arc<tokio::sync::Mutex<()>> {
        let mut turns = self.turns.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        turns.retain(|_, turn| turn.strong_count() > 0);
        if let Some(turn) = turns.get(&event).and_then(Weak::upgrade) {
            return turn;
        }
        let turn = Arc::new(tokio::sync::Mutex::new(()));
        turns.insert(event, Arc::downgrade(&turn));
        turn
    }

    async fn begin_write(&self) -> StoreResult<sqlx::Transaction<'_, sqlx::Postgres>> {
        Ok(self.write.begin().await?)
    }

    async fn claim_rows(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<ClaimedRow>> {
        Ok(sqlx::query_as(sql::CLAIM_MESSAGES_POSTGRES)
            .bind(now)
            .bind(lease_until)
            .bind(limit)
            .fetch_all(&self.write)
            .await?)
    }
}

/// Whether PostgreSQL gave up on a transaction in a way that trying again
/// resolves: serialization failure (40001) or deadlock (40P01).
fn worth_retrying(error: &StoreError) -> bool {
    match error {
        StoreError::Database(sqlx::Error::Database(e)) => matches!(e.code().as_deref(), Some("40001" | "40P01")),
        _ => false,
    }
}

/// Runs `$change` (an expression using the connection `$tx`) in its own
/// transaction, committing it, and tries again on a deadlock or a
/// serialization failure.
macro_rules! in_transaction {
    ($store:expr, |$tx:ident| $change:expr) => {{
        let mut attempt = 1;
        loop {
            let result: StoreResult<_> = async {
                let mut $tx = $store.write.begin().await?;
                let outcome = $change.await?;
                $tx.commit().await?;
                Ok(outcome)
            }
            .await;
            match result {
                Err(error) if attempt < ATTEMPTS && worth_retrying(&error) => {
                    tracing::warn!(%error, attempt, "transaction aborted by PostgreSQL; trying again");
                    tokio::time::sleep(Duration::from_millis(5 * u64::from(attempt))).await;
                    attempt += 1;
                }
                other => break other,
            }
        }
    }};
}

super::common::store_with_shared_methods!(PostgresStore, sqlx::Postgres, {
    async fn update_event(&self, id: Uuid, edit: NewEvent, now: DateTime<Utc>) -> StoreResult<EventUpdate> {
        in_transaction!(self, |tx| changes::update_event(&mut tx, id, &edit, now))
    }

    async fn cancel_event(&self, id: Uuid, now: DateTime<Utc>) -> StoreResult<Option<Event>> {
        in_transaction!(self, |tx| changes::cancel_event(&mut tx, id, now))
    }

    async fn register(&self, registration: NewRegistration, now: DateTime<Utc>) -> StoreResult<RegisterOutcome> {
        // Sign-ups for one event run one at a time anyway (the row lock).
        // Waiting for the turn here rather than on the lock keeps a rush on
        // one event to one pooled connection per instance, so other events,
        // pages and mail keep theirs.
        let turn = self.turn_for(registration.event_id);
        let _turn = turn.lock().await;
        in_transaction!(self, |tx| changes::register(&mut tx, &registration, now))
    }

    async fn cancel(&self, token: &CancelLookup, now: DateTime<Utc>) -> StoreResult<CancelOutcome> {
        in_transaction!(self, |tx| changes::cancel(&mut tx, token, now))
    }

    async fn remove_registration(
        &self,
        event: Uuid,
        registration: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<CancelOutcome>> {
        in_transaction!(self, |tx| changes::remove(&mut tx, event, registration, now))
    }

    async fn resend(&self, event: Uuid, registration: Uuid, now: DateTime<Utc>) -> StoreResult<Option<MessageKind>> {
        in_transaction!(self, |tx| changes::resend(&mut tx, event, registration, now))
    }

    async fn confirm_out_of_turn(&self, event: Uuid, registration: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
        in_transaction!(self, |tx| changes::confirm_out_of_turn(&mut tx, event, registration, now))
    }

    async fn record_deliveries(
        &self,
        deliveries: &[(Uuid, Delivery)],
        lease: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        in_transaction!(self, |tx| changes::record_deliveries(&mut tx, deliveries, lease, now))
    }

    async fn close(&self) {
        self.write.close().await;
    }
});
