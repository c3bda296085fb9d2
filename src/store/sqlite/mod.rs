//! SQLite, the embedded default: WAL, fsync on commit, foreign keys on.
//!
//! Readers share a pool; every write goes through one connection, so writers
//! never contend for SQLite's lock and never see "database is locked".
//! Registration changes are further funnelled into the batch writer, which
//! commits many of them in one transaction (group commit).

mod checkpoint;
mod sign_ups;
mod writer;

/// The registration changes, on SQLite's one write connection: no row lock
/// is needed, the batch writer applies changes one after another.
mod changes {
    crate::store::changes::registration_changes!(
        sqlx::SqliteConnection,
        sqlx::Sqlite,
        event_for_change = crate::store::sql::EVENT_BY_ID,
        row_lock = ""
    );
}

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use super::rows::ClaimedRow;
use super::{StoreError, StoreResult};
use checkpoint::Checkpointer;
use writer::{BatchWriter, Op};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

pub struct SqliteStore {
    read: SqlitePool,
    write: SqlitePool,
    batches: BatchWriter,
    checkpoints: Checkpointer,
}

impl SqliteStore {
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a commit is on disk before the request that caused it is
            // answered. Group commit pays this fsync once per batch.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .pragma("temp_store", "memory")
            .busy_timeout(Duration::from_secs(10));
        create_parent_dir(&options)?;

        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            // A SQLite connection does not go stale: no ping before use.
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.clone().pragma("wal_autocheckpoint", checkpoint::BACKSTOP_PAGES))
            .await?;
        MIGRATOR.run(&write).await?;

        let readers = std::thread::available_parallelism().map_or(4, |n| n.get() * 2).max(4) as u32;
        let read = SqlitePoolOptions::new()
            .max_connections(readers)
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(30))
            // A small page cache per reader (SQLite's default is 2 MiB): the
            // pages read most (events) are cached above the store, and the
            // operating system caches the file anyway.
            .connect_with(options.clone().read_only(true).pragma("cache_size", "-256"))
            .await?;

        // The writer first: should the checkpointer fail to start, dropping
        // the writer ends its thread.
        let batches = BatchWriter::start(write.clone()).map_err(sqlx::Error::Io)?;
        let checkpoints = Checkpointer::start(&options).await?;
        Ok(Self { read, write, batches, checkpoints })
    }
}

fn create_parent_dir(options: &SqliteConnectOptions) -> StoreResult<()> {
    let path = options.get_filename();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::Database(sqlx::Error::Configuration(
                format!("cannot create the database folder {}: {e}", dir.display()).into(),
            ))
        })?;
    }
    Ok(())
}

impl SqliteStore {
    /// A transaction that will write: IMMEDIATE takes SQLite's write lock up
    /// front, so another process writing meanwhile (the command line) makes
    /// it wait rather than fail half-way.
    async fn begin_write(&self) -> StoreResult<sqlx::Transaction<'_, sqlx::Sqlite>> {
        Ok(self.write.begin_with("BEGIN IMMEDIATE").await?)
    }

    async fn claim_rows(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<ClaimedRow>> {
        self.batches.submit(Op::ClaimMessages { lease_until, limit }, now).await?.into_claimed()
    }
}

super::common::store_with_shared_methods!(SqliteStore, sqlx::Sqlite, {
    async fn update_event(&self, id: Uuid, changes: NewEvent, now: DateTime<Utc>) -> StoreResult<EventUpdate> {
        self.batches.submit(Op::UpdateEvent(id, Box::new(changes)), now).await?.into_update()
    }

    async fn cancel_event(&self, id: Uuid, now: DateTime<Utc>) -> StoreResult<Option<Event>> {
        self.batches.submit(Op::CancelEvent(id), now).await?.into_event()
    }

    async fn register(&self, registration: NewRegistration, now: DateTime<Utc>) -> StoreResult<RegisterOutcome> {
        self.batches.submit(Op::Register(Box::new(registration)), now).await?.into_register()
    }

    async fn cancel(&self, token: &CancelLookup, now: DateTime<Utc>) -> StoreResult<CancelOutcome> {
        self.batches.submit(Op::Cancel(*token), now).await?.into_cancel()
    }

    async fn remove_registration(
        &self,
        event: Uuid,
        registration: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<CancelOutcome>> {
        self.batches.submit(Op::Remove { event, registration }, now).await?.into_removal()
    }

    async fn resend(&self, event: Uuid, registration: Uuid, now: DateTime<Utc>) -> StoreResult<Option<MessageKind>> {
        self.batches.submit(Op::Resend { event, registration }, now).await?.into_resent()
    }

    async fn confirm_out_of_turn(&self, event: Uuid, registration: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
        self.batches.submit(Op::ConfirmOutOfTurn { event, registration }, now).await?.into_flag()
    }

    async fn record_deliveries(
        &self,
        deliveries: &[(Uuid, Delivery)],
        lease: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.batches.submit(Op::RecordDeliveries(deliveries.to_vec(), lease), now).await?.into_flag().map(drop)
    }

    async fn close(&self) {
        self.batches.stop().await;
        self.checkpoints.stop().await;
        self.read.close().await;
        self.write.close().await;
    }
});
