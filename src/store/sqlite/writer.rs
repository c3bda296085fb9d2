//! Group commit: every write of the SQLite store goes through here.
//!
//! Requests queue their change and wait. One thread takes everything
//! queued (up to `MAX_BATCH`), applies it in a single transaction on the
//! one write connection, commits (one fsync for the whole batch) and only
//! then answers each request. Because changes are applied one after
//! another, the seat counts each one reads are exact: capacity cannot be
//! exceeded, and SQLite never reports "database is locked".

use chrono::{DateTime, Utc};
use sqlx::pool::PoolConnection;
use sqlx::{SqliteConnection, SqlitePool};
use tokio::sync::{Mutex, mpsc, oneshot};

use super::{handle, sign_ups};
use crate::domain::{NewAudit, NewRegistration};
use crate::store::{Change, Done, StoreError, StoreResult, change};

/// Large enough to amortise the fsync, small enough that the first request
/// of a batch is not kept waiting long.
const MAX_BATCH: usize = 512;
const QUEUE: usize = 8192;

enum Job {
    Apply(Box<Pending>),
    Stop,
}

struct Pending {
    change: Change,
    audit: Option<NewAudit>,
    now: DateTime<Utc>,
    reply: oneshot::Sender<StoreResult<Done>>,
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
    pub async fn submit(&self, change: Change, audit: Option<NewAudit>, now: DateTime<Utc>) -> StoreResult<Done> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job::Apply(Box::new(Pending { change, audit, now, reply })))
            .await
            .map_err(|_| StoreError::Closed)?;
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
    // The write connection is the writer's alone: it keeps it between
    // batches, and gives it back to the pool only when it cannot be used
    // any more (the pool then closes it) or at the end. Taking it for each
    // batch cost ~0.3 ms of hand-offs (the pool's checks) that a lone
    // sign-up waited for.
    let mut held: Option<PoolConnection<sqlx::Sqlite>> = None;
    while queue.recv_many(&mut received, MAX_BATCH).await > 0 {
        let (batch, stop) = take_batch(&mut received);
        let conn = match held.as_mut() {
            Some(conn) => conn,
            None => match pool.acquire().await {
                Ok(conn) => held.insert(conn),
                Err(error) => {
                    tracing::error!(%error, "the write connection is unavailable");
                    let closed = matches!(error, sqlx::Error::PoolClosed);
                    for pending in batch {
                        let error =
                            if closed { StoreError::Closed } else { StoreError::Database(sqlx::Error::PoolTimedOut) };
                        let _ = pending.reply.send(Err(error));
                    }
                    if stop {
                        return;
                    }
                    continue;
                }
            },
        };
        if !commit(conn, batch).await {
            // Back to the pool, which closes it: a failed rollback left it
            // inside a transaction. The next batch gets a new one.
            held = None;
        }
        if stop {
            queue.close();
            // Answer what raced in after the stop, rather than dropping it.
            while let Some(job) = queue.recv().await {
                if let (Job::Apply(pending), Some(conn)) = (job, held.as_mut()) {
                    commit(conn, vec![*pending]).await;
                }
            }
            return;
        }
    }
}

/// The changes among the jobs received, and whether a stop was among them.
fn take_batch(received: &mut Vec<Job>) -> (Vec<Pending>, bool) {
    let mut batch = Vec::with_capacity(received.len());
    let mut stop = false;
    for job in received.drain(..) {
        match job {
            // The request behind it gave up (timed out, client gone):
            // committing it now would surprise whoever retries.
            Job::Apply(pending) if pending.reply.is_closed() => {}
            Job::Apply(pending) => batch.push(*pending),
            Job::Stop => stop = true,
        }
    }
    (batch, stop)
}

/// Commits the batch and answers each change. Returns false when the
/// connection can no longer be used: its rollback failed.
async fn commit(conn: &mut SqliteConnection, batch: Vec<Pending>) -> bool {
    if batch.is_empty() {
        return true;
    }
    let started = std::time::Instant::now();
    let error = match apply(conn, &batch).await {
        Ok(results) => {
            crate::metrics::global().batch(batch.len(), started.elapsed());
            for (pending, done) in batch.into_iter().zip(results) {
                let _ = pending.reply.send(Ok(done));
            }
            return true;
        }
        Err(error) => error,
    };
    // Leave nothing of the failed batch behind.
    if let Err(rollback) = handle::on_handle(conn, handle::roll_back).await {
        tracing::error!(%rollback, %error, "cannot roll back a failed batch; the connection is given up");
        for pending in batch {
            let _ = pending.reply.send(Err(StoreError::Unusable(error.to_string())));
        }
        return false;
    }
    if batch.len() == 1 {
        tracing::error!(%error, "change failed");
        if let Some(pending) = batch.into_iter().next() {
            let _ = pending.reply.send(Err(error));
        }
        return true;
    }
    // One change may have hit an unexpected database error; retry each on
    // its own so that the others still go through.
    tracing::warn!(%error, size = batch.len(), "batch failed, retrying its changes one by one");
    for pending in batch {
        if !Box::pin(commit(conn, vec![pending])).await {
            return false;
        }
    }
    true
}

/// Applies the batch in one transaction and commits it. The transaction's
/// start and end and the sign-ups run directly on the connection's handle
/// (`handle`), so that a batch of nothing but sign-ups, the usual one,
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
            .map_while(|pending| match (&pending.change, &pending.audit) {
                (Change::Register(registration), None) => Some((&**registration, pending.now)),
                _ => None,
            })
            .collect();
        rest = &rest[sign_ups.len()..];
        let ends = rest.is_empty();
        if !begun || !sign_ups.is_empty() || ends {
            let outcomes = handle::on_handle(conn, |db| {
                if !begun {
                    handle::begin(db)?;
                }
                let outcomes = sign_ups::register(db, &sign_ups)?;
                if ends {
                    handle::commit(db)?;
                }
                Ok(outcomes)
            })
            .await?;
            begun = true;
            results.extend(outcomes.into_iter().map(Done::Registered));
        }
        let Some((pending, tail)) = rest.split_first() else { return Ok(results) };
        results.push(change::apply(conn, &pending.change, pending.audit.as_ref(), pending.now).await?);
        rest = tail;
    }
}
