//! Group commit of sign-ups on PostgreSQL.
//!
//! Each sign-up alone cost a transaction: seven round trips and an fsync
//! while its event's row stayed locked, so a rush on one event went at one
//! commit at a time (1,235 sign-ups/s at c=64, the 2,000-for-30 rush in
//! 3.9 s). Here sign-ups queue, and a few workers each take everything
//! queued for them (up to `MAX_BATCH`), sign it up with the shared code
//! (`registrations::register_many`: the events' rows locked once, in id
//! order, the seats decided in order, a few multi-row statements), commit
//! once and only then answer each. Other changes keep their own
//! transactions and take the same row locks, so counts stay exact across
//! instances.
//!
//! Each event belongs to one worker (its id decides which). When every
//! worker took from one queue, a batch over 50 events locked most of them,
//! so the batches of the other workers waited on those row locks and one
//! batch ran at a time: sampled `pg_stat_activity` at c=64 showed 32 of 40
//! active sessions waiting on `Lock:transactionid`, at 2,500 sign-ups/s.
//! Partitioned, the workers' batches lock disjoint events and commit side
//! by side; a rush on one event still goes one batch at a time, which its
//! row lock would impose anyway.
//!
//! While the server cannot be reached, sign-ups are answered 503 at once
//! (see `Outage`).

use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use tokio::sync::{Mutex, mpsc, oneshot};
use tokio::task::JoinHandle;
use uuid::Uuid;

use super::with_retries;
use crate::domain::{NewRegistration, RegisterOutcome};
use crate::store::{StoreError, StoreResult, registrations};

/// Bounded by PostgreSQL's 65,535 bind parameters per statement: a
/// registration row takes 15.
const MAX_BATCH: usize = 256;
/// Sign-ups waiting for each worker.
const QUEUE: usize = 2048;
/// Batches in flight per instance, each for its own events.
const WORKERS: usize = 4;
/// Between two failed tries to reach the server during an outage.
const RETRY_PAUSE: Duration = Duration::from_millis(100);

enum Job {
    SignUp(Pending),
    Stop,
}

struct Pending {
    registration: Box<NewRegistration>,
    now: DateTime<Utc>,
    reply: oneshot::Sender<StoreResult<RegisterOutcome>>,
}

pub struct SignUpQueue {
    /// A queue per worker.
    jobs: Vec<mpsc::Sender<Job>>,
    workers: Mutex<Vec<JoinHandle<()>>>,
}

/// Whether the server could not be reached lately, and no connection has
/// been made since.
///
/// Each worker waits up to `ACQUIRE_TIMEOUT` (3 s) for a connection. With
/// PostgreSQL stopped under load, the four workers wait together, and the
/// sign-ups queued meanwhile waited those 3 s and then 3 s more for their
/// own batch's connection: answered 503 after 5.96-5.99 s (16 clients
/// signing up every 20 ms against two instances; tests/postgres_failures.rs),
/// over the 5 s a request may take. So once a batch could not get a
/// connection, what the workers take is answered 503 at once, without
/// waiting, and one task tries to connect until it can; then sign-ups go
/// to the database again.
#[derive(Default)]
struct Outage {
    down: AtomicBool,
}

impl Outage {
    fn is_down(&self) -> bool {
        self.down.load(Ordering::Acquire)
    }

    /// Notes that no connection could be had, and starts the task that
    /// waits for one, unless it runs already.
    fn begin(self: &Arc<Self>, pool: &PgPool) {
        if self.down.swap(true, Ordering::AcqRel) {
            return;
        }
        tracing::warn!("the database server cannot be reached: sign-ups answer 503 until it can");
        let (outage, pool) = (self.clone(), pool.clone());
        tokio::spawn(async move {
            // Each try waits up to ACQUIRE_TIMEOUT, connecting again and
            // again meanwhile (sqlx backs off up to a fifth of it); the
            // pause keeps a refusal that comes at once (a password no
            // longer accepted) from spinning.
            loop {
                match pool.acquire().await {
                    Ok(_) => {
                        tracing::info!("the database server can be reached again: sign-ups resume");
                        break;
                    }
                    Err(sqlx::Error::PoolClosed) => break,
                    Err(_) => tokio::time::sleep(RETRY_PAUSE).await,
                }
            }
            outage.down.store(false, Ordering::Release);
        });
    }
}

impl SignUpQueue {
    /// Starts the workers on the current runtime.
    pub fn start(pool: PgPool) -> Self {
        let outage = Arc::new(Outage::default());
        let (jobs, workers) = (0..WORKERS)
            .map(|_| {
                let (jobs, queue) = mpsc::channel(QUEUE);
                (jobs, tokio::spawn(work(pool.clone(), queue, outage.clone())))
            })
            .unzip();
        Self { jobs, workers: Mutex::new(workers) }
    }

    /// The queue of the worker that signs people up for `event`.
    fn queue_of(&self, event: Uuid) -> &mpsc::Sender<Job> {
        // A fixed hasher: the same event goes to the same worker for as
        // long as the process runs (which is all that matters).
        let hash = BuildHasherDefault::<DefaultHasher>::default().hash_one(event);
        &self.jobs[(hash % self.jobs.len() as u64) as usize]
    }

    /// Queues a sign-up and waits until it is committed (or refused).
    pub async fn register(
        &self,
        registration: Box<NewRegistration>,
        now: DateTime<Utc>,
    ) -> StoreResult<RegisterOutcome> {
        let (reply, answer) = oneshot::channel();
        let queue = self.queue_of(registration.event_id);
        queue.send(Job::SignUp(Pending { registration, now, reply })).await.map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    /// Commits what is queued, then stops the workers.
    pub async fn stop(&self) {
        for jobs in &self.jobs {
            let _ = jobs.send(Job::Stop).await;
        }
        for worker in self.workers.lock().await.drain(..) {
            let _ = worker.await;
        }
    }
}

async fn work(pool: PgPool, mut queue: mpsc::Receiver<Job>, outage: Arc<Outage>) {
    let mut received = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut received, MAX_BATCH).await > 0 {
        if received.iter().any(|job| matches!(job, Job::Stop)) {
            // What is already queued is still taken; then the wait ends.
            queue.close();
        }
        let batch = received
            .drain(..)
            .filter_map(|job| match job {
                // The request behind it gave up (timed out, client gone):
                // committing it now would surprise whoever retries.
                Job::SignUp(pending) if !pending.reply.is_closed() => Some(pending),
                _ => None,
            })
            .collect::<Vec<_>>();
        if outage.is_down() {
            for pending in batch {
                let _ = pending.reply.send(Err(StoreError::Unreachable));
            }
            continue;
        }
        if commit(&pool, batch).await {
            outage.begin(&pool);
        }
    }
}

/// Signs the batch up in one transaction and answers each sign-up. When
/// the database refuses a statement, each sign-up is tried again on its
/// own, so that only the one it refuses fails; when the connection or the
/// commit fails, every sign-up of the batch is answered with the error
/// (503): whether the commit landed is unknown, and trying again could
/// answer someone signed up "already registered". Returns whether no
/// connection could be had.
async fn commit(pool: &PgPool, batch: Vec<Pending>) -> bool {
    if batch.is_empty() {
        return false;
    }
    let sign_ups: Vec<(&NewRegistration, DateTime<Utc>)> = batch.iter().map(|p| (&*p.registration, p.now)).collect();
    let started = std::time::Instant::now();
    let error = match in_transaction(pool, &sign_ups).await {
        Ok(outcomes) if outcomes.len() == batch.len() => {
            crate::metrics::global().batch(batch.len(), started.elapsed());
            for (pending, outcome) in batch.into_iter().zip(outcomes) {
                let _ = pending.reply.send(Ok(outcome));
            }
            return false;
        }
        Ok(outcomes) => StoreError::Corrupt(format!("{} outcomes for {} sign-ups", outcomes.len(), batch.len())),
        Err(error) => error,
    };
    if batch.len() > 1 && refused_by_database(&error) {
        tracing::warn!(%error, size = batch.len(), "sign-ups refused together; trying each on its own");
        for pending in batch {
            let alone = [(&*pending.registration, pending.now)];
            let result = in_transaction(pool, &alone).await.and_then(|outcomes| {
                outcomes.into_iter().next().ok_or_else(|| StoreError::Corrupt("no outcome for a sign-up".into()))
            });
            let _ = pending.reply.send(result);
        }
        return false;
    }
    tracing::error!(%error, size = batch.len(), "sign-ups failed");
    let unreachable = matches!(error, StoreError::Database(sqlx::Error::PoolTimedOut));
    let message = error.to_string();
    let mut errors = std::iter::once(error).chain(std::iter::repeat_with(|| StoreError::Unusable(message.clone())));
    for pending in batch {
        let _ = pending.reply.send(Err(errors.next().unwrap_or(StoreError::Closed)));
    }
    unreachable
}

/// The batch in a transaction of its own, committed (tried again when
/// PostgreSQL aborts it for a deadlock or a serialization failure).
async fn in_transaction(
    pool: &PgPool,
    sign_ups: &[(&NewRegistration, DateTime<Utc>)],
) -> StoreResult<Vec<RegisterOutcome>> {
    with_retries(|| async {
        let mut tx = pool.begin().await?;
        let outcomes = registrations::register_many(&mut *tx, sign_ups).await?;
        tx.commit().await?;
        Ok(outcomes)
    })
    .await
}

/// The server refused a statement (a constraint, a value it cannot take),
/// as opposed to the connection failing or the server being unable to
/// take writes now.
fn refused_by_database(error: &StoreError) -> bool {
    matches!(error, StoreError::Database(sqlx::Error::Database(_))) && !error.is_unavailable()
}
