//! `atelier backup` on SQLite: `VACUUM INTO` a new file while the service
//! keeps writing.
//!
//! VACUUM INTO reads the database in one read transaction (the commits
//! made before it started, the WAL's included) and writes that snapshot,
//! compacted, into a new file: the copy is consistent and nobody waits for
//! it (readers never block the writer in WAL mode). Copying `atelier.db`
//! by hand while it is written is not safe: the file alone misses what the
//! WAL holds, and a copy made during a checkpoint can be torn.

use std::path::Path;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, SqlitePool};

use crate::store::{Backup, StoreError, StoreResult};

pub async fn backup(read: &SqlitePool, to: &Path) -> StoreResult<Backup> {
    if to.exists() {
        return Err(StoreError::Backup(format!("{} exists already: name a new file", to.display())));
    }
    // SQLite takes file names as UTF-8 text.
    let target = to.to_str().ok_or_else(|| StoreError::Backup(format!("{} is not a UTF-8 file name", to.display())))?;
    sqlx::query("VACUUM INTO $1").bind(target).execute(read).await?;
    check(to).await
}

/// Opens the copy on its own, as a restore would, and reads it back.
async fn check(path: &Path) -> StoreResult<Backup> {
    let mut conn = SqliteConnectOptions::new().filename(path).read_only(true).connect().await?;
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&mut conn).await?;
    if verdict != "ok" {
        return Err(StoreError::Backup(format!("the copy fails SQLite's integrity check: {verdict}")));
    }
    let (events, registrations): (i64, i64) =
        sqlx::query_as("SELECT (SELECT COUNT(*) FROM events), (SELECT COUNT(*) FROM registrations)")
            .fetch_one(&mut conn)
            .await?;
    conn.close().await?;
    let bytes = std::fs::metadata(path).map_err(sqlx::Error::Io)?.len();
    Ok(Backup { events, registrations, bytes })
}
