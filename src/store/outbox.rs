//! The outbox: messages queued in the transaction of the change they
//! announce, claimed by mail workers under a lease, and what became of
//! each send. Written once for both backends over `Sql`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::rows::{self, ClaimedRow, registration_columns};
use super::statement::{Columns, Dialect, Sql, Statement, Value};
use super::{StoreError, StoreResult};
use crate::domain::{
    Announcement, Delivery, Event, Lang, MessageKind, PendingMessage, Registration, next_whole_second, whole_seconds,
};

/// The columns of a message, in the order `INSERT_MESSAGES` takes them.
macro_rules! message_columns {
    () => {
        "INSERT INTO outbox (id, registration_id, kind, recipient, language, waitlist_position, next_attempt_at, \
         created_at) "
    };
}

/// Followed by `(…), …`, a row per message (see `message_row`).
pub(super) const INSERT_MESSAGES: &str = concat!(message_columns!(), "VALUES ");
/// One message (see `message_row`).
pub(super) const INSERT_MESSAGE: &str = concat!(message_columns!(), "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
const INSERT_NOTICE: &str = "INSERT INTO outbox (id, registration_id, kind, recipient, language, \
     next_attempt_at, created_at, details) VALUES ($1, $2, $3, $4, $5, $6, $6, $7)";
const INSERT_ANNOUNCEMENT: &str = "INSERT INTO outbox (id, registration_id, kind, recipient, language, \
     next_attempt_at, created_at, subject, body) VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8)";
const CONFIRMED: &str = "SELECT id, email, language FROM registrations \
     WHERE event_id = $1 AND status = 'confirmed' ORDER BY created_at";
/// Organizers of an event who want to hear about cancellations ($2 = 'cancel')
/// or about the event filling up ($2 = 'full').
const ORGANIZERS_TO_NOTIFY: &str = "SELECT o.email FROM event_organizers eo \
     JOIN organizers o ON o.id = eo.organizer_id WHERE eo.event_id = $1 \
     AND ((CAST($2 AS TEXT) = 'cancel' AND o.notify_on_cancel) OR (CAST($2 AS TEXT) = 'full' AND o.notify_when_full))";
/// Followed by the time, the lease (` WHERE locked_until = `), ids and `)`.
const SENT: &str = "UPDATE outbox SET status = 'sent', last_error = NULL, locked_until = NULL, sent_at = $1 \
     WHERE locked_until = $2 AND id IN (";
/// Records about a claimed message name the lease they hold: a worker whose
/// lease ran out, and whose message another worker has claimed since,
/// changes nothing.
const RETRY: &str =
    "UPDATE outbox SET next_attempt_at = $2, last_error = $3, locked_until = NULL WHERE id = $1 AND locked_until = $4";
const FAILED: &str =
    "UPDATE outbox SET status = 'failed', last_error = $2, locked_until = NULL WHERE id = $1 AND locked_until = $3";
/// Gives back a claimed message that was not attempted (shutdown).
const RELEASE: &str = "UPDATE outbox SET locked_until = NULL, attempts = attempts - 1 \
     WHERE id = $1 AND status = 'pending' AND locked_until = $2";
/// Followed by ids and `)`: registrations with their token salts.
const WITH_SALTS: &str =
    concat!("SELECT ", registration_columns!(), ", r.token_salt FROM registrations r WHERE r.id IN (");

/// Leases up to `$3` messages due at `$1` until `$2`, oldest first, and
/// returns them. A message waits while an older one to the same person is
/// pending, so that people read "waiting list" before "a seat is yours"
/// even after an outage (outbox ids grow with time). `$lock` is how the
/// backend keeps two workers from taking the same row.
macro_rules! claim_messages {
    ($lock:literal) => {
        concat!(
            "UPDATE outbox SET locked_until = $2, attempts = attempts + 1 \
             WHERE id IN (SELECT o.id FROM outbox o WHERE o.status = 'pending' AND o.next_attempt_at <= $1 \
                  AND (o.locked_until IS NULL OR o.locked_until <= $1) \
                  AND NOT EXISTS (SELECT 1 FROM outbox older WHERE older.registration_id = o.registration_id \
                                  AND older.recipient = o.recipient \
                                  AND older.status = 'pending' AND older.id < o.id) \
                  ORDER BY o.next_attempt_at LIMIT $3 ",
            $lock,
            ") RETURNING id, registration_id, kind, recipient, language, waitlist_position, attempts, subject, body, \
             details, locked_until"
        )
    };
}

/// SQLite: claims run on the one write connection, one at a time.
const CLAIM_SQLITE: &str = claim_messages!("");
/// PostgreSQL: instances claim concurrently; each skips the rows another is
/// claiming at that moment, and the lease keeps them off afterwards.
const CLAIM_POSTGRES: &str = claim_messages!("FOR UPDATE SKIP LOCKED");

/// Who a message about a registration goes to.
pub struct Recipient {
    pub registration: Uuid,
    pub email: String,
    pub language: String,
}

/// Who a message about `registration` goes to: the person.
pub fn recipient_of(registration: &Registration) -> Recipient {
    Recipient {
        registration: registration.id,
        email: registration.email.clone(),
        language: registration.language.code().to_owned(),
    }
}

/// `SELECT id, email, language FROM registrations …`
pub fn recipient(row: &dyn Columns) -> StoreResult<Recipient> {
    Ok(Recipient { registration: row.get("id")?, email: row.get("email")?, language: row.get("language")? })
}

/// A row of `INSERT_MESSAGES`: a new message about `registration`.
pub fn message_row(
    registration: Uuid,
    kind: MessageKind,
    to: &str,
    language: &str,
    waitlist_position: Option<i64>,
    now: DateTime<Utc>,
) -> Vec<Value> {
    let due = whole_seconds(now);
    vec![
        Uuid::now_v7().into(),
        registration.into(),
        kind.code().into(),
        to.into(),
        language.into(),
        waitlist_position.into(),
        due.into(),
        due.into(),
    ]
}

/// Queues the message that tells a person about a change, in the
/// transaction that makes the change.
pub async fn enqueue(
    conn: &mut impl Sql,
    to: &Recipient,
    kind: MessageKind,
    waitlist_position: Option<i64>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let row = message_row(to.registration, kind, &to.email, &to.language, waitlist_position, now);
    conn.execute(Statement::new(INSERT_MESSAGES).push_rows(vec![row], "")).await?;
    Ok(())
}

/// Queues `kind` with the organizer's `note` to the person, if any, kept
/// as an announcement without a subject (its body is purged with the text
/// of other sent emails).
pub async fn enqueue_with_note(
    conn: &mut impl Sql,
    to: &Recipient,
    kind: MessageKind,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let Some(note) = note else { return enqueue(conn, to, kind, None, now).await };
    let message = Statement::new(INSERT_ANNOUNCEMENT)
        .bind(Uuid::now_v7())
        .bind(to.registration)
        .bind(kind.code())
        .bind(to.email.as_str())
        .bind(to.language.as_str())
        .bind(whole_seconds(now))
        .bind("")
        .bind(note);
    conn.execute(message).await?;
    Ok(())
}

/// Queues a notice of a change to an event (`details`: `EventChanges`).
pub async fn enqueue_notice(conn: &mut impl Sql, to: &Recipient, details: &str, now: DateTime<Utc>) -> StoreResult<()> {
    let notice = Statement::new(INSERT_NOTICE)
        .bind(Uuid::now_v7())
        .bind(to.registration)
        .bind(MessageKind::EventChanged.code())
        .bind(to.email.as_str())
        .bind(to.language.as_str())
        .bind(whole_seconds(now))
        .bind(details);
    conn.execute(notice).await?;
    Ok(())
}

/// The emails of the event's organizers who asked to hear about `kind`
/// (`organizer_email` reads them).
pub fn organizers_to_notify(event: Uuid, kind: MessageKind) -> Statement {
    let wanted = if kind == MessageKind::OrganizerFull { "full" } else { "cancel" };
    Statement::new(ORGANIZERS_TO_NOTIFY).bind(event).bind(wanted)
}

pub fn organizer_email(row: &dyn Columns) -> StoreResult<String> {
    row.get("email")
}

/// A message to an organizer about `registration`, in French: organizers
/// are the network's staff.
pub fn notification(registration: Uuid, kind: MessageKind, to: &str, now: DateTime<Utc>) -> Vec<Value> {
    message_row(registration, kind, to, "fr", None, now)
}

/// Tells the event's organizers who asked for it about `registration`.
pub async fn notify_organizers(
    conn: &mut impl Sql,
    event: Uuid,
    registration: Uuid,
    kind: MessageKind,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let emails = conn.fetch_all(organizers_to_notify(event, kind), organizer_email).await?;
    if emails.is_empty() {
        return Ok(());
    }
    let rows = emails.iter().map(|email| notification(registration, kind, email, now)).collect();
    conn.execute(Statement::new(INSERT_MESSAGES).push_rows(rows, "")).await?;
    Ok(())
}

/// Queues an organizer's message to every confirmed attendee; returns how many.
pub async fn announce(
    conn: &mut impl Sql,
    event: Uuid,
    announcement: &Announcement,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    let people = conn.fetch_all(Statement::new(CONFIRMED).bind(event), recipient).await?;
    for person in &people {
        let message = Statement::new(INSERT_ANNOUNCEMENT)
            .bind(Uuid::now_v7())
            .bind(person.registration)
            .bind(MessageKind::Announcement.code())
            .bind(person.email.as_str())
            .bind(person.language.as_str())
            .bind(whole_seconds(now))
            .bind(announcement.subject.as_str())
            .bind(announcement.body.as_str());
        conn.execute(message).await?;
    }
    Ok(people.len())
}

/// Leases the messages due at `now` until `lease_until`.
pub async fn claim(
    conn: &mut impl Sql,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> StoreResult<Vec<ClaimedRow>> {
    // SQLite compares times as text: whole seconds on both sides.
    let statement = match conn.dialect() {
        Dialect::Sqlite => Statement::new(CLAIM_SQLITE).bind(whole_seconds(now)).bind(next_whole_second(lease_until)),
        Dialect::Postgres => {
            // A rush fills the outbox faster than autovacuum analyzes it:
            // with 32,000 pending rows that the statistics still called 26,
            // PostgreSQL scanned every pending row (a bitmap scan), tested
            // the older-message rule on each and sorted them: 19 ms a claim
            // on average, 88 ms at worst (pg_stat_statements), against
            // under 1 ms for the scan of `outbox_due` in order that stops
            // at the limit. Inside the claim's transaction only.
            conn.execute(Statement::new("SET LOCAL enable_bitmapscan = off")).await?;
            Statement::new(CLAIM_POSTGRES).bind(now).bind(lease_until)
        }
    };
    conn.fetch_all(statement.bind(limit), rows::claimed).await
}

/// Records what became of claimed messages. Sent ones, nearly all, are
/// marked in one statement.
pub async fn record_deliveries(
    conn: &mut impl Sql,
    deliveries: &[(Uuid, Delivery)],
    lease: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let sent: Vec<Value> =
        deliveries.iter().filter(|(_, d)| *d == Delivery::Sent).map(|(id, _)| Value::from(*id)).collect();
    if !sent.is_empty() {
        conn.execute(Statement::new(SENT).bind(now).bind(lease).push_list(sent, ")")).await?;
    }
    for (id, delivery) in deliveries {
        let statement = match delivery {
            Delivery::Sent => continue,
            Delivery::Retry { at, error } => {
                Statement::new(RETRY).bind(*id).bind(next_whole_second(*at)).bind(error.as_str()).bind(lease)
            }
            Delivery::Failed { error } => Statement::new(FAILED).bind(*id).bind(error.as_str()).bind(lease),
            Delivery::NotAttempted => Statement::new(RELEASE).bind(*id).bind(lease),
        };
        conn.execute(statement).await?;
    }
    Ok(())
}

/// The registrations (with their token salts) that claimed messages are
/// about, read in one query.
pub async fn recipients(
    conn: &mut impl Sql,
    claimed: &[ClaimedRow],
) -> StoreResult<HashMap<Uuid, (Registration, Vec<u8>)>> {
    let mut ids: Vec<Uuid> = claimed.iter().map(|row| row.registration_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let statement = Statement::new(WITH_SALTS).push_list(ids.into_iter().map(Value::from).collect(), ")");
    let rows = conn.fetch_all(statement, rows::registration_with_salt).await?;
    Ok(rows.into_iter().map(|(registration, salt)| (registration.id, (registration, salt))).collect())
}

/// A claimed message with what it takes to write it.
pub fn pending(
    row: ClaimedRow,
    registration: &(Registration, Vec<u8>),
    event: Event,
    reply_to: Option<String>,
) -> StoreResult<PendingMessage> {
    let (registration, salt) = registration;
    Ok(PendingMessage {
        id: row.id,
        lease: row.locked_until,
        kind: MessageKind::from_code(&row.kind)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown message kind {:?}", row.kind)))?,
        recipient: row.recipient,
        language: Lang::from_code(&row.language).unwrap_or_default(),
        waitlist_position: row.waitlist_position,
        attempts: row.attempts,
        registration: registration.clone(),
        token_salt: salt.clone().try_into().map_err(|_| StoreError::Corrupt("token salt of the wrong size".into()))?,
        event,
        announcement: match (row.subject, row.body) {
            (Some(subject), Some(body)) => Some(Announcement { subject, body }),
            _ => None,
        },
        details: row.details,
        reply_to,
    })
}
