//! Statements on the SQLite write connection's own handle.
//!
//! sqlx runs a SQLite connection's statements on a thread of its own and
//! hands every result back across threads: in a batch of sign-ups, those
//! hand-offs were about half of the batch's time, and the batch is what
//! every sign-up waits for (BENCHMARKS.md). sqlx lends the connection's
//! handle for direct calls (`lock_handle`); the writer borrows it for the
//! sign-ups in its batch and the transaction's start and end, and runs
//! them through rusqlite on its own thread, with no hand-off. The
//! statements are the store's own (`Statement`), their rows read through
//! the same `Columns` as sqlx's.

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{CachedStatement, Connection, params_from_iter};
use sqlx::SqliteConnection;

use crate::store::statement::{Columns, Decoder, Kind, SqlxBackend, Statement, Value};
use crate::store::{StoreError, StoreResult};

/// Runs `work` on the connection's SQLite handle, on the calling thread.
pub async fn on_handle<R>(
    conn: &mut SqliteConnection,
    work: impl FnOnce(&Connection) -> StoreResult<R>,
) -> StoreResult<R> {
    let mut handle = conn.lock_handle().await?;
    // SAFETY: while `handle` lives, sqlx's worker makes no call on this
    // connection or its statements (the guarantee `lock_handle` gives, as
    // of the sqlx version Cargo.toml pins), and a connection made by
    // `from_handle` never closes the handle. `db` is dropped, finalizing the
    // statements it prepared, before `handle`; `work` only borrows it and
    // cannot keep it. rusqlite's `hooks` feature stays off (checked by
    // scripts/check-unsafe-assumptions.sh): with it, dropping `db` would
    // clear the hooks sqlx sets on the connection.
    #[allow(unsafe_code)]
    let db = unsafe { Connection::from_handle(handle.as_raw_handle().as_ptr()) }?;
    work(&db)
}

/// Takes SQLite's write lock up front, so that another process writing
/// meanwhile (the command line) makes the batch wait, not fail half-way.
pub fn begin(db: &Connection) -> StoreResult<()> {
    // A transaction still open here is one a failed batch left behind: undo
    // it rather than fail every batch that follows. (A connection whose
    // rollback failed does not get here: see `sqlite::still_usable`.)
    if !db.is_autocommit() {
        tracing::warn!("rolling back a transaction a failed batch left open");
        db.execute_batch("ROLLBACK")?;
    }
    Ok(db.execute_batch("BEGIN IMMEDIATE")?)
}

pub fn commit(db: &Connection) -> StoreResult<()> {
    Ok(db.execute_batch("COMMIT")?)
}

/// Undoes whatever the failed batch left, if anything.
pub fn roll_back(db: &Connection) -> StoreResult<()> {
    if !db.is_autocommit() {
        db.execute_batch("ROLLBACK")?;
    }
    Ok(())
}

/// Prepares one of the store's statements, whose parameters are named `$1`,
/// `$2`… for sqlx. rusqlite binds by position, and SQLite numbers named
/// parameters in the order they first appear: a statement whose numbers
/// appear out of order would bind values to the wrong places, so it is
/// refused.
fn prepare<'db>(db: &'db Connection, sql: &str) -> StoreResult<CachedStatement<'db>> {
    let statement = db.prepare_cached(sql)?;
    for index in 1..=statement.parameter_count() {
        let number = statement.parameter_name(index).and_then(|name| name.strip_prefix('$')?.parse::<usize>().ok());
        if number != Some(index) {
            return Err(StoreError::Corrupt(format!("parameter {index} out of order in {sql}")));
        }
    }
    Ok(statement)
}

/// Runs a statement; returns how many rows it changed.
pub fn execute(db: &Connection, statement: &Statement) -> StoreResult<usize> {
    let mut prepared = prepare(db, &statement.sql)?;
    let changed = prepared.execute(params_from_iter(&statement.values))?;
    keep_or_discard(prepared, statement);
    Ok(changed)
}

pub fn fetch_all<T>(db: &Connection, statement: &Statement, read: Decoder<T>) -> StoreResult<Vec<T>> {
    let mut prepared = prepare(db, &statement.sql)?;
    let mut all = Vec::new();
    let mut rows = prepared.query(params_from_iter(&statement.values))?;
    while let Some(row) = rows.next()? {
        all.push(read(row)?);
    }
    drop(rows);
    keep_or_discard(prepared, statement);
    Ok(all)
}

pub fn fetch_optional<T>(db: &Connection, statement: &Statement, read: Decoder<T>) -> StoreResult<Option<T>> {
    let mut prepared = prepare(db, &statement.sql)?;
    let mut rows = prepared.query(params_from_iter(&statement.values))?;
    let found = rows.next()?.map(|row| read(row)).transpose()?;
    drop(rows);
    keep_or_discard(prepared, statement);
    Ok(found)
}

/// Statements made for one use (see `Statement::kept`) leave the cache, as
/// they do on sqlx's SQLite connections.
fn keep_or_discard(prepared: CachedStatement<'_>, statement: &Statement) {
    if !statement.kept(<sqlx::Sqlite as SqlxBackend>::KEPT_ROWS) {
        prepared.discard();
    }
}

/// Values as sqlx binds them to SQLite, so that rows written here and
/// there read and compare the same: uuids as 16-byte blobs, times as
/// RFC 3339 text, booleans as integers.
impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Uuid(Some(id)) => ToSqlOutput::Borrowed(ValueRef::Blob(id.as_bytes())),
            Value::Text(Some(text)) => ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())),
            Value::Int(Some(n)) => ToSqlOutput::Owned(rusqlite::types::Value::Integer(*n)),
            Value::Bool(Some(flag)) => ToSqlOutput::Owned(rusqlite::types::Value::Integer(i64::from(*flag))),
            Value::Time(Some(time)) => ToSqlOutput::Owned(rusqlite::types::Value::Text(time_text(*time))),
            Value::Bytes(Some(bytes)) => ToSqlOutput::Borrowed(ValueRef::Blob(bytes)),
            _ => ToSqlOutput::Owned(rusqlite::types::Value::Null),
        })
    }
}

impl Columns for rusqlite::Row<'_> {
    fn value(&self, column: &str, kind: Kind) -> StoreResult<Value> {
        Ok(match kind {
            Kind::Uuid => Value::Uuid(self.get(column)?),
            Kind::Text => Value::Text(self.get(column)?),
            Kind::Int => Value::Int(self.get(column)?),
            Kind::Bool => Value::Bool(self.get(column)?),
            Kind::Bytes => Value::Bytes(self.get(column)?),
            Kind::Time => {
                let text: Option<String> = self.get(column)?;
                Value::Time(text.map(|text| time_at(&text, column)).transpose()?)
            }
        })
    }
}

/// A time as sqlx writes it to SQLite, so that the text compares and sorts
/// with the times sqlx wrote.
fn time_text(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

/// A time as sqlx wrote it (RFC 3339), or as SQLite's own `datetime()`
/// writes it (UTC), should someone have edited an event by hand.
fn time_at(text: &str, column: &str) -> StoreResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|time| time.with_timezone(&Utc))
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%F %T%.f").map(|time| time.and_utc()))
        .map_err(|_| StoreError::Corrupt(format!("time {text:?} in column {column}")))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use sqlx::Connection as _;

    use super::*;

    /// A transaction left open by a failed batch must not block every batch
    /// after it.
    #[tokio::test]
    async fn a_batch_begins_even_after_a_transaction_was_left_open() {
        let mut conn = SqliteConnection::connect("sqlite::memory:").await.expect("in-memory SQLite");
        sqlx::query("CREATE TABLE t (x INTEGER)").execute(&mut conn).await.expect("table");
        let left_open = on_handle(&mut conn, |db| {
            db.execute_batch("BEGIN; INSERT INTO t VALUES (1)")?;
            begin(db)?;
            db.execute_batch("INSERT INTO t VALUES (2)")?;
            commit(db)
        })
        .await;
        assert!(left_open.is_ok(), "{left_open:?}");
        let rows: Vec<i64> = sqlx::query_scalar("SELECT x FROM t").fetch_all(&mut conn).await.expect("rows");
        assert_eq!(rows, [2], "the leftover was undone, the batch committed");
    }

    /// rusqlite binds by position: a statement whose `$n` appear out of
    /// order would put values in the wrong columns, so it is refused.
    #[tokio::test]
    async fn statements_with_parameters_out_of_order_are_refused() {
        let mut conn = SqliteConnection::connect("sqlite::memory:").await.expect("in-memory SQLite");
        let in_order = on_handle(&mut conn, |db| prepare(db, "SELECT $1, $2, $1").map(drop)).await;
        assert!(in_order.is_ok(), "{in_order:?}");
        let out_of_order = on_handle(&mut conn, |db| prepare(db, "SELECT $2, $1").map(drop)).await;
        assert!(matches!(out_of_order, Err(StoreError::Corrupt(_))), "{out_of_order:?}");
    }

    /// Values written here must be the very ones sqlx writes: SQL compares
    /// times as text with the ones sqlx wrote, and reads uuids as blobs.
    #[tokio::test]
    async fn values_are_written_and_read_as_sqlx_does() {
        let mut conn = SqliteConnection::connect("sqlite::memory:").await.expect("in-memory SQLite");
        let times = [
            Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).single().expect("a time"),
            Utc.timestamp_opt(1_795_000_000, 123_456_789).single().expect("a time"),
            Utc.timestamp_opt(1_795_000_000, 120_000_000).single().expect("a time"),
        ];
        for time in times {
            let by_sqlx: String =
                sqlx::query_scalar("SELECT CAST($1 AS TEXT)").bind(time).fetch_one(&mut conn).await.expect("select");
            assert_eq!(time_text(time), by_sqlx);
            let read = on_handle(&mut conn, |db| {
                fetch_optional(db, &Statement::new("SELECT $1 AS t").bind(by_sqlx.as_str()), |row| row.get("t"))
            });
            assert_eq!(read.await.expect("time"), Some(time));
        }
        let id = uuid::Uuid::now_v7();
        let by_sqlx: Vec<u8> = sqlx::query_scalar("SELECT $1").bind(id).fetch_one(&mut conn).await.expect("select");
        let here = on_handle(&mut conn, |db| {
            fetch_optional(db, &Statement::new("SELECT $1 AS id").bind(id), |row| row.get::<Vec<u8>>("id"))
        });
        assert_eq!(here.await.expect("blob"), Some(by_sqlx));
        let edited = on_handle(&mut conn, |db| {
            fetch_optional(db, &Statement::new("SELECT datetime(1795000000, 'unixepoch') AS t"), |row| row.get("t"))
        });
        let expected = Utc.timestamp_opt(1_795_000_000, 0).single().expect("a time");
        assert_eq!(edited.await.expect("time"), Some(expected));
    }
}
