//! Sign-ups on the SQLite writer's own thread.
//!
//! sqlx runs a SQLite connection's statements on a thread of its own and
//! hands every result back across threads: in a batch of sign-ups, those
//! hand-offs were about half of the batch's time, and the batch is what
//! every sign-up waits for (BENCHMARKS.md). sqlx lends the connection's
//! handle for direct calls (`lock_handle`); the writer borrows it for the
//! sign-ups in its batch, together with the transaction's start and end, and
//! runs them through rusqlite on its own thread, with no hand-off.
//!
//! Seat decisions are the ones the sqlx path makes (`store::seats`); the SQL
//! is the same text (`store::sql`), one row per statement, since a statement
//! run again here costs microseconds rather than a hand-off.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use rusqlite::{CachedStatement, Connection, Statement, params};
use sqlx::SqliteConnection;
use uuid::Uuid;

use crate::domain::{Event, MessageKind, NewRegistration, RegisterOutcome, registration_refusal, whole_seconds};
use crate::store::rows::EventRow;
use crate::store::seats::EventSeats;
use crate::store::{StoreError, StoreResult, sql};

/// Runs `work` on the connection's SQLite handle, on the calling thread.
pub async fn on_handle<R>(
    conn: &mut SqliteConnection,
    work: impl FnOnce(&Connection) -> StoreResult<R>,
) -> StoreResult<R> {
    let mut handle = conn.lock_handle().await?;
    // SAFETY: while `handle` lives, sqlx's worker makes no call on this
    // connection or its statements (the guarantee `lock_handle` gives), and a
    // connection made by `from_handle` never closes the handle. `db` is
    // dropped, finalizing the statements it prepared, before `handle`; `work`
    // only borrows it and cannot keep it.
    #[allow(unsafe_code)]
    let db = unsafe { Connection::from_handle(handle.as_raw_handle().as_ptr()) }?;
    work(&db)
}

/// Takes SQLite's write lock up front, so that another process writing
/// meanwhile (the command line) makes the batch wait, not fail half-way.
pub fn begin(db: &Connection) -> StoreResult<()> {
    // A transaction still open here is what a failed rollback left behind
    // (sqlx's own transactions end before the connection is handed over):
    // undo it rather than fail every batch that follows.
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

/// Signs people up in the order given, each at its own time, inside the
/// open transaction: checks the event's rules, refuses a second
/// registration, takes a seat or a waiting-list ticket, queues the email,
/// and tells the organizers who asked when an event fills up.
pub fn register(db: &Connection, batch: &[(&NewRegistration, DateTime<Utc>)]) -> StoreResult<Vec<RegisterOutcome>> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let mut read_event = prepare(db, sql::EVENT_WITH_TICKET)?;
    let mut registered = prepare(db, sql::ACTIVE_REGISTRATION)?;
    let mut insert = prepare(db, sql::INSERT_REGISTRATION)?;
    let mut message = prepare(db, sql::INSERT_MESSAGE)?;

    let mut events: HashMap<Uuid, Option<EventSeats>> = HashMap::new();
    let mut outcomes = Vec::with_capacity(batch.len());
    for &(new, now) in batch {
        let seats = match events.entry(new.event_id) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(unknown) => unknown.insert(event_seats(&mut read_event, new.event_id)?),
        };
        let Some(seats) = seats else {
            outcomes.push(RegisterOutcome::EventNotFound);
            continue;
        };
        if let Some(refusal) = registration_refusal(&seats.event, new.level, now) {
            outcomes.push(RegisterOutcome::Refused(refusal));
            continue;
        }
        if registered.exists(params![new.event_id, new.email.as_str()])? {
            outcomes.push(RegisterOutcome::AlreadyRegistered);
            continue;
        }
        let seat = seats.take(now);
        let at = time_text(now);
        insert.execute(params![
            new.id,
            new.event_id,
            new.name.as_str(),
            new.email.as_str(),
            new.institution.as_deref(),
            new.level.code(),
            seat.status.code(),
            seat.ticket,
            &new.token_salt[..],
            &new.cancel_key.0[..],
            new.language.code(),
            at,
        ])?;
        for (question, answer) in &new.answers {
            // A question removed since the form was read is skipped, not an error.
            prepare(db, sql::INSERT_ANSWER)?.execute(params![new.id, question, answer, new.event_id])?;
        }
        let queued = time_text(whole_seconds(now));
        let kind = seat.message();
        message.execute(params![
            Uuid::now_v7(),
            new.id,
            kind.code(),
            new.email.as_str(),
            new.language.code(),
            seat.position,
            queued
        ])?;
        if seat.fills {
            notify_organizers(db, &mut message, new.event_id, new.id, &queued)?;
        }
        outcomes.push(RegisterOutcome::Registered(seat.registration(new, now)));
    }

    let mut counts = prepare(db, sql::SET_EVENT_COUNTS)?;
    for seats in events.values().flatten() {
        if let Some(changed) = seats.changed {
            counts.execute(params![
                seats.event.confirmed_count,
                seats.event.waitlisted_count,
                seats.waitlist_seq,
                time_text(changed),
                seats.event.id
            ])?;
        }
    }
    Ok(outcomes)
}

/// Queues "the event is full" for the organizers who asked for it.
fn notify_organizers(
    db: &Connection,
    message: &mut Statement<'_>,
    event: Uuid,
    registration: Uuid,
    queued: &str,
) -> StoreResult<()> {
    let mut organizers = prepare(db, sql::ORGANIZERS_TO_NOTIFY)?;
    let emails =
        organizers.query_map(params![event, "full"], |row| row.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
    for email in emails {
        let kind = MessageKind::OrganizerFull;
        message.execute(params![Uuid::now_v7(), registration, kind.code(), email, "fr", None::<i64>, queued])?;
    }
    Ok(())
}

/// Prepares one of `store::sql`'s statements, whose parameters are named `$1`,
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

fn event_seats(read_event: &mut Statement<'_>, id: Uuid) -> StoreResult<Option<EventSeats>> {
    let mut rows = read_event.query(params![id])?;
    let Some(row) = rows.next()? else { return Ok(None) };
    let event = Event::try_from(EventRow {
        id: row.get(0)?,
        slug: row.get(1)?,
        kind: row.get(2)?,
        title: row.get(3)?,
        description: row.get(4)?,
        starts_at: time_at(row, 5)?,
        ends_at: time_at(row, 6)?,
        location: row.get(7)?,
        address: row.get(8)?,
        host: row.get(9)?,
        levels: row.get(10)?,
        capacity: row.get(11)?,
        language: row.get(12)?,
        status: row.get(13)?,
        registration_opens_at: time_at(row, 14)?,
        registration_closes_at: time_at(row, 15)?,
        what_to_bring: row.get(16)?,
        confirmed_count: row.get(17)?,
        waitlisted_count: row.get(18)?,
    })?;
    Ok(Some(EventSeats::new(event, row.get(19)?)))
}

/// A time as sqlx writes it to SQLite, so that the text compares and sorts
/// with the times sqlx wrote.
fn time_text(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

/// A time as sqlx wrote it (RFC 3339), or as SQLite's own `datetime()`
/// writes it (UTC), should someone have edited an event by hand.
fn time_at(row: &rusqlite::Row<'_>, column: usize) -> StoreResult<DateTime<Utc>> {
    let text: String = row.get(column)?;
    DateTime::parse_from_rfc3339(&text)
        .map(|time| time.with_timezone(&Utc))
        .or_else(|_| NaiveDateTime::parse_from_str(&text, "%F %T%.f").map(|time| time.and_utc()))
        .map_err(|_| StoreError::Corrupt(format!("time {text:?} in column {column} of an event")))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use sqlx::Connection as _;

    use super::*;

    /// A transaction left open by a failed rollback must not block every
    /// batch after it.
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

    /// Times written here must be the very text sqlx writes: SQL compares
    /// them as text with the ones sqlx wrote.
    #[tokio::test]
    async fn times_are_written_and_read_as_sqlx_does() {
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
            let read =
                on_handle(&mut conn, |db| db.query_row("SELECT $1", params![by_sqlx], |row| Ok(time_at(row, 0)))?);
            assert_eq!(read.await.expect("time"), time);
        }
        let edited = on_handle(&mut conn, |db| {
            db.query_row("SELECT datetime(1795000000, 'unixepoch')", [], |row| Ok(time_at(row, 0)))?
        });
        assert_eq!(edited.await.expect("time"), Utc.timestamp_opt(1_795_000_000, 0).single().expect("a time"));
    }
}
