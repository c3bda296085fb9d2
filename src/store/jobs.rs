//! Timed work: a row per job with its due time, claimed under a lease like
//! the outbox (`FOR UPDATE SKIP LOCKED` on PostgreSQL), run in one
//! transaction that does the work and marks the job done, so that it
//! happens once across instances: an instance that dies mid-job leaves it
//! undone, and another takes it when the lease has passed. Written once for
//! both backends over `Sql`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::certificates::{self, Recipients};
use super::statement::{Columns, Dialect, Sql, Statement, Value};
use super::{StoreError, StoreResult, events, offers, outbox, personal_data, registrations};
use crate::domain::{
    DueJob, Event, EventStatus, JobKind, JobRun, MessageKind, RegistrationStatus, RetentionPolicy, next_whole_second,
    whole_seconds,
};

/// People reminded in one transaction, and the pause between two parts: a
/// reminder to thousands goes out in parts, so that sign-ups are never kept
/// waiting behind it. Measured (BENCHMARKS.md, scenario 5, sign-ups at c=64
/// against the mean of quiet rows before and after): parts of 250 back to
/// back cut sign-ups to 57–85%; 250 a second to 81–92%, p99 +6–11 ms; 100 a
/// second to 93–114%, p99 within noise. 100 a second queues 10,000
/// reminders in 100 s, which a reminder hours or days ahead can spare.
const REMINDERS_AT_ONCE: i64 = 100;
const PAUSE_BETWEEN_PARTS: chrono::Duration = chrono::Duration::seconds(1);

const INSERT: &str = "INSERT INTO scheduled_jobs (id, kind, event_id, registration_id, offset_minutes, due_at) \
     VALUES ($1, $2, $3, $4, $5, $6)";
const FORGET_PENDING_REMINDERS: &str =
    "DELETE FROM scheduled_jobs WHERE event_id = $1 AND kind = 'reminder' AND done_at IS NULL";
const FORGET_PENDING_CERTIFICATES: &str =
    "DELETE FROM scheduled_jobs WHERE event_id = $1 AND kind = 'certificates' AND done_at IS NULL";
/// Offers of event `$1` may not run past its start `$2` (moved earlier).
const CAP_OFFERS: &str = "UPDATE registrations SET offer_expires_at = $2 \
     WHERE event_id = $1 AND status = 'offered' AND offer_expires_at > $2";
const CAP_OFFER_JOBS: &str = "UPDATE scheduled_jobs SET due_at = $2 \
     WHERE event_id = $1 AND kind = 'offer_expiry' AND done_at IS NULL AND due_at > $2";
const RETENTION_DUE: &str = "UPDATE scheduled_jobs SET due_at = $1 WHERE kind = 'retention' AND due_at > $1";
const RETENTION_MISSING: &str = "INSERT INTO scheduled_jobs (id, kind, due_at) \
     SELECT $1, 'retention', $2 WHERE NOT EXISTS (SELECT 1 FROM scheduled_jobs WHERE kind = 'retention')";
/// Leases up to `$3` jobs due at `$1` until `$2`, the oldest first.
macro_rules! claim_jobs {
    ($lock:literal) => {
        concat!(
            "UPDATE scheduled_jobs SET locked_until = $2, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM scheduled_jobs WHERE done_at IS NULL AND due_at <= $1 \
                  AND (locked_until IS NULL OR locked_until <= $1) ORDER BY due_at LIMIT $3 ",
            $lock,
            ") RETURNING id, kind, event_id, registration_id, offset_minutes, locked_until, attempts, resume_from"
        )
    };
}
const CLAIM_SQLITE: &str = claim_jobs!("");
const CLAIM_POSTGRES: &str = claim_jobs!("FOR UPDATE SKIP LOCKED");
/// When the next job can be claimed: its due time, or the end of the lease
/// another instance holds it under.
const NEXT: &str = "SELECT MIN(CASE WHEN locked_until IS NOT NULL AND locked_until > due_at \
     THEN locked_until ELSE due_at END) AS next FROM scheduled_jobs WHERE done_at IS NULL";
/// The job, if this lease still holds it (and, on PostgreSQL, locked).
const HELD_SQLITE: &str = "SELECT id FROM scheduled_jobs WHERE id = $1 AND locked_until = $2 AND done_at IS NULL";
const HELD_POSTGRES: &str =
    "SELECT id FROM scheduled_jobs WHERE id = $1 AND locked_until = $2 AND done_at IS NULL FOR UPDATE";
const DONE: &str = "UPDATE scheduled_jobs SET done_at = $2, locked_until = NULL, last_error = NULL WHERE id = $1";
/// More to do (or not due yet): claimable again from `$2`.
const AGAIN_AT: &str =
    "UPDATE scheduled_jobs SET locked_until = NULL, attempts = 0, due_at = $2, resume_from = $3 WHERE id = $1";
const FAILED: &str = "UPDATE scheduled_jobs SET locked_until = NULL, last_error = $3, due_at = $4 \
     WHERE id = $1 AND locked_until = $2";
/// Confirmed people of event `$1` who signed up by `$2` and have not had
/// the reminder `$3` yet, from sign-up time `$4` on (where the previous part
/// ended: the index on (event_id, created_at) starts there, rather than
/// walking past everyone reminded already), `$5` at most.
pub(super) const TO_REMIND: &str = "SELECT r.id, r.email, r.language, r.created_at FROM registrations r \
     WHERE r.event_id = $1 AND r.status = 'confirmed' AND r.created_at <= $2 \
       AND NOT EXISTS (SELECT 1 FROM reminders_sent s WHERE s.registration_id = r.id AND s.offset_minutes = $3) \
       AND r.created_at >= $4 \
     ORDER BY r.created_at LIMIT $5";
const REMINDED: &str = "INSERT INTO reminders_sent (registration_id, offset_minutes, queued_at) VALUES ";
const COUNT_REMINDED: &str = "SELECT COUNT(*) AS n FROM reminders_sent s JOIN registrations r \
     ON r.id = s.registration_id WHERE r.event_id = $1 AND s.offset_minutes = $2";

/// The event's reminders, one job per offset, replacing those not yet
/// done: called when an event is created, and when its start or its
/// reminders change. People reminded at an offset are not reminded at it
/// again (`reminders_sent`).
pub async fn schedule_reminders(conn: &mut impl Sql, event: &Event, now: DateTime<Utc>) -> StoreResult<()> {
    conn.execute(Statement::new(FORGET_PENDING_REMINDERS).bind(event.id)).await?;
    if now >= event.starts_at {
        return Ok(());
    }
    for &offset in &event.settings.reminders_before_minutes {
        let due = whole_seconds(event.reminder_due(offset));
        let insert = Statement::new(INSERT).bind(Uuid::now_v7()).bind("reminder").bind(event.id);
        conn.execute(insert.bind(None::<Uuid>).bind(offset).bind(due)).await?;
    }
    Ok(())
}

/// The event's certificates of attendance, emailed once its last session
/// has ended: called when an event is created and when its end changes.
/// People sent theirs are not sent it again (`certificate_sent_at`).
pub async fn schedule_certificates(conn: &mut impl Sql, event: &Event) -> StoreResult<()> {
    conn.execute(Statement::new(FORGET_PENDING_CERTIFICATES).bind(event.id)).await?;
    let insert = Statement::new(INSERT).bind(Uuid::now_v7()).bind("certificates").bind(event.id);
    conn.execute(insert.bind(None::<Uuid>).bind(None::<i64>).bind(next_whole_second(event.ends_at))).await?;
    Ok(())
}

/// The end of an offer, at its deadline.
pub async fn schedule_offer_expiry(
    conn: &mut impl Sql,
    event: Uuid,
    registration: Uuid,
    until: DateTime<Utc>,
) -> StoreResult<()> {
    let insert = Statement::new(INSERT).bind(Uuid::now_v7()).bind("offer_expiry").bind(event).bind(registration);
    conn.execute(insert.bind(None::<i64>).bind(next_whole_second(until))).await?;
    Ok(())
}

/// The event now starts at `starts_at`: offers end by then.
pub async fn cap_offers(conn: &mut impl Sql, event: Uuid, starts_at: DateTime<Utc>) -> StoreResult<()> {
    conn.execute(Statement::new(CAP_OFFERS).bind(event).bind(starts_at)).await?;
    conn.execute(Statement::new(CAP_OFFER_JOBS).bind(event).bind(whole_seconds(starts_at))).await?;
    Ok(())
}

/// Leases the jobs due at `now` until `lease_until`.
pub async fn claim(
    conn: &mut impl Sql,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> StoreResult<Vec<DueJob>> {
    let sql = match conn.dialect() {
        Dialect::Sqlite => CLAIM_SQLITE,
        Dialect::Postgres => CLAIM_POSTGRES,
    };
    let statement = Statement::new(sql).bind(whole_seconds(now)).bind(next_whole_second(lease_until)).bind(limit);
    conn.fetch_all(statement, due_job).await
}

fn due_job(row: &dyn Columns) -> StoreResult<DueJob> {
    let event = || row.get("event_id");
    let kind = match row.get::<String>("kind")?.as_str() {
        "reminder" => JobKind::Reminder { event: event()?, offset_minutes: row.get("offset_minutes")? },
        "offer_expiry" => JobKind::OfferExpiry { event: event()?, registration: row.get("registration_id")? },
        "certificates" => JobKind::Certificates { event: event()? },
        "retention" => JobKind::Retention,
        other => return Err(StoreError::Corrupt(format!("unknown job kind {other:?}"))),
    };
    Ok(DueJob {
        id: row.get("id")?,
        kind,
        lease: row.get("locked_until")?,
        attempts: row.get("attempts")?,
        resume_from: row.get("resume_from")?,
    })
}

/// When the next job can be claimed, if any is waiting.
pub async fn next_due(conn: &mut impl Sql) -> StoreResult<Option<DateTime<Utc>>> {
    conn.fetch_one(Statement::new(NEXT), |row| row.get("next")).await
}

/// Does the job, if its lease still holds it, and marks it done (or due
/// again when it has more to do), in the caller's transaction.
pub async fn run(
    conn: &mut impl Sql,
    job: &DueJob,
    retention: &RetentionPolicy,
    now: DateTime<Utc>,
) -> StoreResult<JobRun> {
    // An offer's event first: every change to seats locks the event before
    // anything else, and so does this.
    if let JobKind::OfferExpiry { event, .. } = job.kind {
        events::for_change(conn, event).await?;
    }
    let held = match conn.dialect() {
        Dialect::Sqlite => HELD_SQLITE,
        Dialect::Postgres => HELD_POSTGRES,
    };
    let still_ours = Statement::new(held).bind(job.id).bind(job.lease);
    if conn.fetch_optional(still_ours, super::rows::nothing).await?.is_none() {
        // Another instance took it after our lease ran out.
        return Ok(JobRun::default());
    }
    let (run, again) = match job.kind {
        JobKind::Reminder { event, offset_minutes } => {
            remind(conn, event, offset_minutes, job.resume_from, now).await?
        }
        JobKind::OfferExpiry { event, registration } => end_offer(conn, event, registration, now).await?,
        JobKind::Certificates { event } => send_certificates(conn, event, now).await?,
        JobKind::Retention => retain(conn, retention, now).await?,
    };
    let mark = match again {
        None => Statement::new(DONE).bind(job.id).bind(now),
        Some(again) => Statement::new(AGAIN_AT)
            .bind(job.id)
            // Rounded up: a job put back before its time would be claimed
            // again at once, and spin until that second passes.
            .bind(next_whole_second(again.at))
            .bind(again.resume_from.or(job.resume_from)),
    };
    conn.execute(mark).await?;
    Ok(run)
}

/// The job failed (a database error): it is tried again from `retry_at`.
pub async fn failed(conn: &mut impl Sql, job: &DueJob, error: &str, retry_at: DateTime<Utc>) -> StoreResult<()> {
    let statement = Statement::new(FAILED).bind(job.id).bind(job.lease).bind(error).bind(next_whole_second(retry_at));
    conn.execute(statement).await?;
    Ok(())
}

/// A job not finished: when it can be claimed again, and where a reminder
/// in parts goes on from.
struct Again {
    at: DateTime<Utc>,
    resume_from: Option<DateTime<Utc>>,
}

impl Again {
    fn at(at: DateTime<Utc>) -> Option<Self> {
        Some(Self { at, resume_from: None })
    }
}

/// One part of a reminder: up to `REMINDERS_AT_ONCE` people, from those who
/// signed up at `resume_from`. Returns what it did, and when to go on if
/// there is more.
async fn remind(
    conn: &mut impl Sql,
    event: Uuid,
    offset: i64,
    resume_from: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> StoreResult<(JobRun, Option<Again>)> {
    let Some(event) = events::by_id(conn, event).await? else { return Ok((JobRun::default(), None)) };
    // A cancelled or draft event, or one under way: no reminder.
    if event.status != EventStatus::Published || now >= event.starts_at {
        return Ok((JobRun { done: true, ..JobRun::default() }, None));
    }
    let due = event.reminder_due(offset);
    if now < due {
        return Ok((JobRun::default(), Again::at(due)));
    }
    let from = resume_from.unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    let people = Statement::new(TO_REMIND).bind(event.id).bind(whole_seconds(due)).bind(offset).bind(from);
    let people = conn
        .fetch_all(people.bind(REMINDERS_AT_ONCE), |row| Ok((outbox::recipient(row)?, row.get("created_at")?)))
        .await?;
    if !people.is_empty() {
        let sent: Vec<Vec<Value>> =
            people.iter().map(|(p, _)| vec![p.registration.into(), offset.into(), now.into()]).collect();
        conn.execute(Statement::new(REMINDED).push_rows(sent, "")).await?;
        let messages = people
            .iter()
            .map(|(p, _)| outbox::message_row(p.registration, MessageKind::Reminder, &p.email, &p.language, None, now))
            .collect();
        conn.execute(Statement::new(outbox::INSERT_MESSAGES).push_rows(messages, "")).await?;
    }
    let mail = !people.is_empty();
    if people.len() as i64 == REMINDERS_AT_ONCE {
        let reached: Option<DateTime<Utc>> = people.iter().map(|(_, signed_up)| *signed_up).max();
        // The next tick of the clock (due times are whole seconds): one part
        // a second, however long this one took.
        let again = Again { at: whole_seconds(now) + PAUSE_BETWEEN_PARTS, resume_from: reached };
        return Ok((JobRun { mail, ..JobRun::default() }, Some(again)));
    }
    let count = Statement::new(COUNT_REMINDED).bind(event.id).bind(offset);
    let reminded = conn.fetch_one(count, super::rows::count).await?;
    Ok((JobRun { done: true, mail, recipients: reminded, ..JobRun::default() }, None))
}

/// An offer's deadline: if it still stands unanswered, it ends.
async fn end_offer(
    conn: &mut impl Sql,
    event: Uuid,
    registration: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<(JobRun, Option<Again>)> {
    let Some(offered) = registrations::of_this_event(conn, event, registration).await? else {
        return Ok((JobRun { done: true, ..JobRun::default() }, None));
    };
    match (offered.status, offered.offer_expires_at) {
        (RegistrationStatus::Offered, Some(until)) if now < until => Ok((JobRun::default(), Again::at(until))),
        (RegistrationStatus::Offered, _) => {
            offers::expire(conn, offered, now).await?;
            Ok((JobRun { done: true, mail: true, seats: true, ..JobRun::default() }, None))
        }
        // Accepted or declined in time.
        _ => Ok((JobRun { done: true, ..JobRun::default() }, None)),
    }
}

/// The event has ended: each attendee not sent their certificate yet is
/// sent it. An event moved later waits for its new end; a cancelled one
/// sends none.
async fn send_certificates(
    conn: &mut impl Sql,
    event: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<(JobRun, Option<Again>)> {
    let Some(event) = events::by_id(conn, event).await? else { return Ok((JobRun::default(), None)) };
    if event.status != EventStatus::Published {
        return Ok((JobRun { done: true, ..JobRun::default() }, None));
    }
    if now < event.ends_at {
        return Ok((JobRun::default(), Again::at(event.ends_at)));
    }
    let sent = certificates::send(conn, event.id, Recipients::NotSentYet, now).await?;
    Ok((JobRun { done: true, mail: sent > 0, recipients: sent as i64, ..JobRun::default() }, None))
}

/// How often retention runs: people are anonymised within a day of their
/// retention running out.
const RETENTION_EVERY: chrono::Duration = chrono::Duration::days(1);

/// One run of retention, then the next: tomorrow, or in a second when this
/// part left people to anonymise.
async fn retain(
    conn: &mut impl Sql,
    policy: &RetentionPolicy,
    now: DateTime<Utc>,
) -> StoreResult<(JobRun, Option<Again>)> {
    let (purged, more) = personal_data::retention(conn, policy, now).await?;
    let next = if more { whole_seconds(now) + PAUSE_BETWEEN_PARTS } else { now + RETENTION_EVERY };
    Ok((JobRun { purged: Some(purged), ..JobRun::default() }, Again::at(next)))
}

/// Retention runs now (at start-up): its job is due now, or made if it is
/// missing.
pub async fn retention_now(conn: &mut impl Sql, now: DateTime<Utc>) -> StoreResult<()> {
    conn.execute(Statement::new(RETENTION_DUE).bind(whole_seconds(now))).await?;
    conn.execute(Statement::new(RETENTION_MISSING).bind(Uuid::now_v7()).bind(whole_seconds(now))).await?;
    Ok(())
}
