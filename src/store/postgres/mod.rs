//! PostgreSQL, for several instances of the service on one database.
//!
//! Sign-ups are committed in groups (`sign_ups`); every other change is
//! one transaction. A change to an event's seats first locks the event's
//! row (`SELECT … FOR NO KEY UPDATE`, several in id order for a group):
//! changes to one event's seats queue on that lock, whichever instance
//! makes them, while other events go on in parallel. Instances share the
//! outbox, claiming messages with `FOR UPDATE SKIP LOCKED` and a lease.

mod sign_ups;

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use super::{Backend, Change, Done, StoreError, StoreResult, change};
use crate::domain::NewAudit;

/// Connections per instance: the sign-up workers' (`sign_ups::WORKERS`),
/// other changes, reads and the background work's.
const POOL_SIZE: u32 = 16;

/// Times a transaction is tried (see `with_retries`).
const ATTEMPTS: u32 = 5;

/// How long a request waits for a connection. While PostgreSQL is down
/// the pool keeps trying to connect until then: 3 s lets the request
/// answer 503 within 5 s instead of hanging, and is far above the wait
/// for a free connection under load.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// Statements each connection keeps prepared: the fixed ones (fewer than
/// 170) and the multi-row ones at each size up to `KEPT_ROWS`, five of
/// which a sign-up group runs. sqlx's default of 100 would evict the group
/// commit's statements in turn.
const STATEMENT_CACHE: usize = 512;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

pub struct Postgres {
    pool: PgPool,
    sign_ups: sign_ups::SignUpQueue,
}

impl Postgres {
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let options = url.parse::<PgConnectOptions>()?.statement_cache_capacity(STATEMENT_CACHE);
        let pool = PgPoolOptions::new()
            .max_connections(POOL_SIZE)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await?;
        // sqlx's migrator holds a PostgreSQL advisory lock while it checks
        // and applies migrations, so instances starting together wait for
        // each other instead of racing to create the same tables.
        MIGRATOR.run(&pool).await?;
        let sign_ups = sign_ups::SignUpQueue::start(pool.clone());
        Ok(Self { pool, sign_ups })
    }

    /// The change in a transaction of its own, committed.
    async fn in_transaction(&self, change: &Change, audit: Option<&NewAudit>, now: DateTime<Utc>) -> StoreResult<Done> {
        let mut tx = self.pool.begin().await?;
        let done = change::apply(&mut *tx, change, audit, now).await?;
        tx.commit().await?;
        Ok(done)
    }
}

/// Whether PostgreSQL gave up on a transaction in a way that trying again
/// resolves: serialization failure (40001) or deadlock (40P01).
fn worth_retrying(error: &StoreError) -> bool {
    match error {
        StoreError::Database(sqlx::Error::Database(e)) => matches!(e.code().as_deref(), Some("40001" | "40P01")),
        _ => false,
    }
}

/// Runs `transaction` until it is not aborted by PostgreSQL for a deadlock
/// or a serialization failure, `ATTEMPTS` times at most: the row locks make
/// both unexpected, and trying again keeps a rare one from reaching the
/// person as an error.
async fn with_retries<T, F: Future<Output = StoreResult<T>>>(mut transaction: impl FnMut() -> F) -> StoreResult<T> {
    let mut attempt = 1;
    loop {
        match transaction().await {
            Err(error) if attempt < ATTEMPTS && worth_retrying(&error) => {
                tracing::warn!(%error, attempt, "transaction aborted by PostgreSQL; trying again");
                tokio::time::sleep(Duration::from_millis(5 * u64::from(attempt))).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

impl Backend for Postgres {
    type Db = sqlx::Postgres;

    fn readers(&self) -> &PgPool {
        &self.pool
    }

    async fn apply(&self, change: Change, audit: Option<NewAudit>, now: DateTime<Utc>) -> StoreResult<Done> {
        // A sign-up with a history entry (none today) keeps a transaction
        // of its own, like every other change.
        let (change, audit) = match (change, audit) {
            (Change::Register(registration), None) => {
                return self.sign_ups.register(registration, now).await.map(Done::Registered);
            }
            other => other,
        };
        with_retries(|| self.in_transaction(&change, audit.as_ref(), now)).await
    }

    fn unavailable(&self, error: &StoreError) -> String {
        let code = match error {
            StoreError::Database(sqlx::Error::Database(e)) => e.code().map(|code| code.into_owned()),
            _ => None,
        };
        match (error, code.as_deref()) {
            (_, Some("25006")) => "the database is read-only".into(),
            (_, Some("53100")) => "the database server's disk is full".into(),
            (_, Some(code)) if code.starts_with("08") => "the database server cannot be reached".into(),
            (_, Some("57P01" | "57P02" | "57P03")) => "the database server is shutting down or starting up".into(),
            (StoreError::Unreachable, _) => "the database server cannot be reached".into(),
            (StoreError::Database(sqlx::Error::PoolTimedOut), _) => "no database connection is free".into(),
            (StoreError::Database(sqlx::Error::Io(_)), _) => "the database server cannot be reached".into(),
            _ => format!("writes fail: {error}"),
        }
    }

    fn pools(&self) -> Vec<super::PoolUse> {
        vec![super::PoolUse::of("postgres", &self.pool)]
    }

    /// pg_dump takes a consistent copy without stopping anything, in a
    /// format pg_restore reads; writing one here would only imitate it.
    async fn backup(&self, _to: &std::path::Path) -> StoreResult<super::Backup> {
        Err(StoreError::Backup(
            "on PostgreSQL, use pg_dump: pg_dump --format=custom --file=atelier.dump \"$DATABASE_URL\" \
             (restore with pg_restore --clean --if-exists --dbname \"$DATABASE_URL\" atelier.dump; see the README, Backups)"
                .into(),
        ))
    }

    async fn close(&self) {
        self.sign_ups.stop().await;
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use sqlx::Connection;

    use super::*;

    /// sqlx rolls a dropped transaction back when its connection goes back
    /// to the pool, and closes the connection if that fails (its ping on
    /// release): a transaction whose rollback failed never reaches the next
    /// user. This pins that, with the connection's server session ended
    /// under an open transaction.
    #[tokio::test]
    #[cfg_attr(not(postgres_tests), ignore = "runs when TEST_DATABASE_URL names a PostgreSQL server")]
    async fn a_transaction_whose_rollback_fails_never_reaches_the_next_user() {
        let url = std::env::var("TEST_DATABASE_URL").expect("TEST_DATABASE_URL");
        let pool = PgPoolOptions::new().max_connections(1).connect(&url).await.expect("pool");
        let mut admin = sqlx::PgConnection::connect(&url).await.expect("admin connection");
        let mut tx = pool.begin().await.expect("begin");
        let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()").fetch_one(&mut *tx).await.expect("pid");
        sqlx::query("SELECT pg_terminate_backend($1)").bind(pid).execute(&mut admin).await.expect("terminated");
        drop(tx);
        let mut conn = pool.acquire().await.expect("a connection again");
        let other: i32 = sqlx::query_scalar("SELECT pg_backend_pid()").fetch_one(&mut *conn).await.expect("pid");
        assert_ne!(other, pid, "a new session");
        // SAVEPOINT is refused outside a transaction block.
        let savepoint = sqlx::query("SAVEPOINT probe").execute(&mut *conn).await;
        assert!(savepoint.is_err(), "the next user starts outside any transaction");
    }
}
