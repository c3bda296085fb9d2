//! SQLite, the embedded default: WAL, fsync on commit, foreign keys on.
//!
//! Readers share a pool; every write goes through one connection and one
//! writer (`writer`), which commits many changes in one transaction (group
//! commit), running sign-ups on the connection's own handle (`handle`,
//! `sign_ups`). A connection of its own checkpoints the WAL beside it
//! (`checkpoint`).

mod backup;
mod checkpoint;
mod handle;
mod sign_ups;
mod writer;

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use super::{Backend, Change, Done, StoreError, StoreResult};
use crate::domain::NewAudit;
use checkpoint::Checkpointer;
use writer::BatchWriter;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

pub struct Sqlite {
    read: SqlitePool,
    write: SqlitePool,
    writer: BatchWriter,
    checkpoints: Checkpointer,
}

impl Sqlite {
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
        migrate(&options).await?;

        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            // A SQLite connection does not go stale: no ping before use.
            .test_before_acquire(false)
            .after_release(|conn, _| Box::pin(async move { still_usable(conn).await }))
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.clone().pragma("wal_autocheckpoint", checkpoint::BACKSTOP_PAGES))
            .await?;

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
        let writer = BatchWriter::start(write.clone()).map_err(sqlx::Error::Io)?;
        let checkpoints = Checkpointer::start(&options).await?;
        Ok(Self { read, write, writer, checkpoints })
    }
}

/// Brings the schema up to date on a connection of its own, with foreign
/// keys off: SQLite changes a table's constraints by rebuilding it, and
/// with foreign keys on, dropping the old table would delete every row
/// that refers to it (0010 rebuilds the registrations). Foreign keys are
/// checked once the migrations are done.
async fn migrate(options: &SqliteConnectOptions) -> StoreResult<()> {
    use sqlx::{ConnectOptions, Connection};
    let mut conn = options.clone().foreign_keys(false).connect().await?;
    MIGRATOR.run(&mut conn).await?;
    let broken: Vec<String> =
        sqlx::query_scalar("SELECT \"table\" FROM pragma_foreign_key_check").fetch_all(&mut conn).await?;
    conn.close().await?;
    if broken.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Corrupt(format!("rows refer to rows that do not exist, in {}", broken.join(", "))))
    }
}

/// Whether a connection given back to the pool may serve again: not if it
/// is still inside a transaction, which a failed rollback leaves behind.
/// sqlx would hand it on, and its next transaction would be a savepoint
/// inside the stale one, never committed. The pool closes it instead and
/// opens a new one.
async fn still_usable(conn: &mut sqlx::SqliteConnection) -> sqlx::Result<bool> {
    let clean = handle::on_handle(conn, |db| Ok(db.is_autocommit())).await;
    match clean {
        Ok(true) => Ok(true),
        Ok(false) => {
            tracing::error!("a write connection was left inside a transaction; it is closed");
            Ok(false)
        }
        Err(error) => Err(sqlx::Error::Protocol(error.to_string())),
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

impl Backend for Sqlite {
    type Db = sqlx::Sqlite;

    fn readers(&self) -> &SqlitePool {
        &self.read
    }

    async fn apply(&self, change: Change, audit: Option<NewAudit>, now: DateTime<Utc>) -> StoreResult<Done> {
        self.writer.submit(change, audit, now).await
    }

    fn unavailable(&self, error: &StoreError) -> String {
        // SQLite's primary result codes (the low byte of extended ones).
        let code = match error {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(failure, _)) => Some(failure.extended_code),
            StoreError::Database(sqlx::Error::Database(e)) => e.code().and_then(|code| code.parse().ok()),
            _ => None,
        };
        match (error, code.map(|code| code & 0xff)) {
            (StoreError::Closed, _) => "the database writer has stopped".into(),
            (_, Some(13)) => "the disk is full".into(),
            (_, Some(8)) => "the database is read-only".into(),
            (_, Some(10 | 14)) => "the database file cannot be written".into(),
            _ => format!("writes fail: {error}"),
        }
    }

    fn pools(&self) -> Vec<super::PoolUse> {
        vec![super::PoolUse::of("sqlite_read", &self.read), super::PoolUse::of("sqlite_write", &self.write)]
    }

    async fn backup(&self, to: &std::path::Path) -> StoreResult<super::Backup> {
        backup::backup(&self.read, to).await
    }

    async fn close(&self) {
        self.writer.stop().await;
        self.checkpoints.stop().await;
        self.read.close().await;
        self.write.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// sqlx hands a connection left inside a transaction back out, and its
    /// next `begin` is then a savepoint that never commits: the pool must
    /// close such a connection instead.
    #[tokio::test]
    async fn a_connection_left_in_a_transaction_is_not_reused() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let store = Sqlite::connect(&url).await.expect("store");
        let mut conn = store.write.acquire().await.expect("connection");
        sqlx::query("BEGIN").execute(&mut *conn).await.expect("begin");
        drop(conn);
        let mut conn = store.write.acquire().await.expect("a connection again");
        let clean = handle::on_handle(&mut conn, |db| Ok(db.is_autocommit())).await.expect("handle");
        assert!(clean, "the pool gave a connection with no transaction open");
        drop(conn);
        store.close().await;
    }
}
