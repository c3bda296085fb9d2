//! Group commit for registration changes.
//!
//! Requests queue their change and wait. One task takes everything queued
//! (up to `MAX_BATCH`), applies it in a single transaction on the one write
//! connection, commits (one fsync for the whole batch) and only then answers
//! each request. Because changes are applied one after another, the seat
//! counts each one reads are exact: capacity cannot be exceeded.

use chrono::{DateTime, Utc};
use sqlx::{SqliteConnection, SqlitePool};
use tokio::sync::{Mutex, mpsc, oneshot};

use super::changes::{
    cancel, cancel_event, confirm_out_of_turn, record_deliveries, register, remove, resend, update_event,
};
use super::sign_ups;
use crate::domain::{
    CancelOutcome, Delivery, Event, MessageKind, NewEvent, NewRegistration, RegisterOutcome, next_whole_second,
    whole_seconds,
};
use crate::store::rows::ClaimedRow;
use crate::store::{EventUpdate, StoreError, StoreResult, sql};
use crate::token::CancelLookup;

/// Large enough to amortise the fsync, small enough that the first request
/// of a batch is not kept waiting long.
const MAX_BATCH: usize = 512;
const QUEUE: usize = 8192;
/// Batches in a row before the write connection goes back to the pool, so
/// that the store's other writes wait a few tens of milliseconds at most
/// during a rush. Taking it again costs ~0.5 ms, once per this many batches.
const BATCHES_PER_TURN: usize = 16;

pub enum Op {
    Register(Box<NewRegistration>),
    Cancel(CancelLookup),
    UpdateEvent(uuid::Uuid, Box<NewEvent>),
    CancelEvent(uuid::Uuid),
    Remove {
        event: uuid::Uuid,
        registration: uuid::Uuid,
    },
    Resend {
        event: uuid::Uuid,
        registration: uuid::Uuid,
    },
    ConfirmOutOfTurn {
        event: uuid::Uuid,
        registration: uuid::Uuid,
    },
    /// The mail worker's writes ride in the same batches as sign-ups, so
    /// that sending mail costs sign-ups no commit of their own.
    ClaimMessages {
        lease_until: DateTime<Utc>,
        limit: i64,
    },
    RecordDeliveries(Vec<(uuid::Uuid, Delivery)>, DateTime<Utc>),
}

pub enum Done {
    Register(RegisterOutcome),
    Cancel(CancelOutcome),
    Update(EventUpdate),
    /// The event after the change; `None` when there is no such event.
    Event(Option<Event>),
    Removal(Option<CancelOutcome>),
    Resent(Option<MessageKind>),
    Flag(bool),
    Claimed(Vec<ClaimedRow>),
}

impl Done {
    pub fn into_register(self) -> StoreResult<RegisterOutcome> {
        match self {
            Done::Register(outcome) => Ok(outcome),
            _ => Err(wrong_answer()),
        }
    }

    pub fn into_cancel(self) -> StoreResult<CancelOutcome> {
        match self {
            Done::Cancel(outcome) => Ok(outcome),
            _ => Err(wrong_answer()),
        }
    }

    pub fn into_removal(self) -> StoreResult<Option<CancelOutcome>> {
        match self {
            Done::Removal(outcome) => Ok(outcome),
            _ => Err(wrong_answer()),
        }
    }

    pub fn into_resent(self) -> StoreResult<Option<MessageKind>> {
        match self {
            Done::Resent(kind) => Ok(kind),
            _ => Err(wrong_answer()),
        }
    }

    pub fn into_flag(self) -> StoreResult<bool> {
        match self {
            Done::Flag(flag) => Ok(flag),
            _ => Err(wrong_answer()),
        }
    }

    pub fn into_claimed(self) -> StoreResult<Vec<ClaimedRow>> {
        match self {
            Done::Claimed(rows) => Ok(rows),
            _ => Err(wrong_answer()),
        }
    }

    pub fn into_event(self) -> StoreResult<Option<Event>> {
        match self {
            Done::Event(event) => Ok(event),
            _ => Err(wrong_answer()),
        }
    }

    pub fn into_update(self) -> StoreResult<EventUpdate> {
        match self {
            Done::Update(outcome) => Ok(outcome),
            _ => Err(wrong_answer()),
        }
    }
}

fn wrong_answer() -> StoreError {
    StoreError::Corrupt("batch writer answered the wrong operation".into())
}

enum Job {
    Apply { op: Op, now: DateTime<Utc>, reply: oneshot::Sender<StoreResult<Done>> },
    Stop,
}

pub struct BatchWriter {
    jobs: mpsc::Sender<Job>,
    /// Answered when the writer's thread has finished.
    finished: Mutex<Option<oneshot::Receiver<()>>>,
}

impl BatchWriter {
    /// Starts the writer on a thread of its own: on the server's runtime it
    /// would wait its turn behind the connections' tasks each time SQLite
    /// answers a statement, and a batch would hold the write connection for
    /// that much longer.
    pub fn start(pool: SqlitePool) -> std::io::Result<Self> {
        let (jobs, queue) = mpsc::channel(QUEUE);
        let (finish, finished) = oneshot::channel();
        std::thread::Builder::new().name("sqlite-writer".into()).spawn(move || {
            match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(runtime) => runtime.block_on(run(pool, queue)),
                // The queue closes with this thread: changes are refused
                // (503), not lost.
                Err(error) => tracing::error!(%error, "cannot start the SQLite writer"),
            }
            let _ = finish.send(());
        })?;
        Ok(Self { jobs, finished: Mutex::new(Some(finished)) })
    }

    /// Queues one change and waits until it is committed (or refused).
    pub async fn submit(&self, op: Op, now: DateTime<Utc>) -> StoreResult<Done> {
        let (reply, answer) = oneshot::channel();
        self.jobs.send(Job::Apply { op, now, reply }).await.map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    /// Commits everything queued so far, then stops.
    pub async fn stop(&self) {
        let _ = self.jobs.send(Job::Stop).await;
        if let Some(finished) = self.finished.lock().await.take() {
            let _ = finished.await;
        }
    }
}

async fn run(pool: SqlitePool, mut queue: mpsc::Receiver<Job>) {
    let mut received = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut received, MAX_BATCH).await > 0 {
        // The write connection is kept while changes keep coming, for up to
        // `BATCHES_PER_TURN` batches: the store's other writes (sessions,
        // check-in, new events) share it and get their turn in between.
        let mut conn = match pool.acquire().await {
            Ok(conn) => conn,
            Err(error) => {
                tracing::error!(%error, "the write connection is unavailable");
                let closed = matches!(error, sqlx::Error::PoolClosed);
                let (batch, stop) = take_batch(&mut received);
                for (_, _, reply) in batch {
                    let error =
                        if closed { StoreError::Closed } else { StoreError::Database(sqlx::Error::PoolTimedOut) };
                    let _ = reply.send(Err(error));
                }
                if stop {
                    return;
                }
                continue;
            }
        };
        for turn in 1.. {
            let (batch, stop) = take_batch(&mut received);
            commit(&mut conn, batch).await;
            if stop {
                queue.close();
                // Answer what raced in after the stop, rather than dropping it.
                while let Some(job) = queue.recv().await {
                    if let Job::Apply { op, now, reply } = job {
                        commit(&mut conn, vec![(op, now, reply)]).await;
                    }
                }
                return;
            }
            if queue.is_empty() || turn == BATCHES_PER_TURN {
                break;
            }
            queue.recv_many(&mut received, MAX_BATCH).await;
        }
    }
}

type Pending = (Op, DateTime<Utc>, oneshot::Sender<StoreResult<Done>>);

/// The changes among the jobs received, and whether a stop was among them.
fn take_batch(received: &mut Vec<Job>) -> (Vec<Pending>, bool) {
    let mut batch = Vec::with_capacity(received.len());
    let mut stop = false;
    for job in received.drain(..) {
        match job {
            // The request behind it gave up (timed out, client gone):
            // committing it now would surprise whoever retries.
            Job::Apply { reply, .. } if reply.is_closed() => {}
            Job::Apply { op, now, reply } => batch.push((op, now, reply)),
            Job::Stop => stop = true,
        }
    }
    (batch, stop)
}

async fn commit(conn: &mut SqliteConnection, batch: Vec<Pending>) {
    if batch.is_empty() {
        return;
    }
    match apply_in_one_transaction(conn, &batch).await {
        Ok(results) => {
            for ((_, _, reply), done) in batch.into_iter().zip(results) {
                let _ = reply.send(Ok(done));
            }
        }
        Err(error) if batch.len() > 1 => {
            // One change may have hit an unexpected database error; retry
            // each on its own so that the others still go through.
            tracing::warn!(%error, size = batch.len(), "batch failed, retrying its changes one by one");
            for pending in batch {
                Box::pin(commit(conn, vec![pending])).await;
            }
        }
        Err(error) => {
            tracing::error!(%error, "registration change failed");
            if let Some((_, _, reply)) = batch.into_iter().next() {
                let _ = reply.send(Err(error));
            }
        }
    }
}

async fn apply_in_one_transaction(conn: &mut SqliteConnection, batch: &[Pending]) -> StoreResult<Vec<Done>> {
    let applied = apply(conn, batch).await;
    if applied.is_err() {
        // Leave nothing of the failed batch behind: its changes are retried
        // one by one or refused.
        if let Err(error) = sign_ups::on_handle(conn, sign_ups::roll_back).await {
            tracing::error!(%error, "cannot roll back a failed batch");
        }
    }
    applied
}

/// Applies the batch in one transaction and commits it. The transaction's
/// start and end and the sign-ups run directly on the connection's handle
/// (`sign_ups`), so that a batch of nothing but sign-ups, the usual one,
/// costs a single hand-off to sqlx's worker; other changes go through sqlx
/// in the same transaction.
async fn apply(conn: &mut SqliteConnection, batch: &[Pending]) -> StoreResult<Vec<Done>> {
    let mut results = Vec::with_capacity(batch.len());
    let mut begun = false;
    let mut rest = batch;
    loop {
        // Sign-ups in a row are applied together, in their order.
        let sign_ups: Vec<(&NewRegistration, DateTime<Utc>)> = rest
            .iter()
            .map_while(|(op, now, _)| match op {
                Op::Register(registration) => Some((&**registration, *now)),
                _ => None,
            })
            .collect();
        rest = &rest[sign_ups.len()..];
        let ends = rest.is_empty();
        if !begun || !sign_ups.is_empty() || ends {
            let outcomes = sign_ups::on_handle(conn, |db| {
                if !begun {
                    sign_ups::begin(db)?;
                }
                let outcomes = sign_ups::register(db, &sign_ups)?;
                if ends {
                    sign_ups::commit(db)?;
                }
                Ok(outcomes)
            })
            .await?;
            begun = true;
            results.extend(outcomes.into_iter().map(Done::Register));
        }
        let Some(((op, now, _), tail)) = rest.split_first() else { return Ok(results) };
        results.push(apply_one(conn, op, *now).await?);
        rest = tail;
    }
}

/// One change other than a sign-up, through sqlx, in the open transaction.
async fn apply_one(conn: &mut SqliteConnection, op: &Op, now: DateTime<Utc>) -> StoreResult<Done> {
    Ok(match op {
        Op::Register(registration) => Done::Register(register(conn, registration, now).await?),
        Op::Cancel(token) => Done::Cancel(cancel(conn, token, now).await?),
        Op::UpdateEvent(id, changes) => Done::Update(update_event(conn, *id, changes, now).await?),
        Op::CancelEvent(id) => Done::Event(cancel_event(conn, *id, now).await?),
        Op::Remove { event, registration } => Done::Removal(remove(conn, *event, *registration, now).await?),
        Op::Resend { event, registration } => Done::Resent(resend(conn, *event, *registration, now).await?),
        Op::ConfirmOutOfTurn { event, registration } => {
            Done::Flag(confirm_out_of_turn(conn, *event, *registration, now).await?)
        }
        Op::ClaimMessages { lease_until, limit } => Done::Claimed(
            sqlx::query_as(sql::CLAIM_MESSAGES_SQLITE)
                .bind(whole_seconds(now))
                .bind(next_whole_second(*lease_until))
                .bind(limit)
                .fetch_all(&mut *conn)
                .await?,
        ),
        Op::RecordDeliveries(deliveries, lease) => {
            record_deliveries(conn, deliveries, *lease, now).await?;
            Done::Flag(true)
        }
    })
}
