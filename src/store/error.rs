//! What can go wrong in the store, and which failures mean "not now"
//! (answered 503) rather than a fault.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// From the SQLite writer's direct calls (`sqlite::handle`).
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A value in the database that this version does not understand.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// The store is shutting down and takes no more writes.
    #[error("the store is shutting down")]
    Closed,
    /// A write failed and the connection could not be brought back to a
    /// clean state; it was given up, and the next write gets a new one.
    #[error("the write connection was given up after: {0}")]
    Unusable(String),
    /// No connection could be had a moment ago and none has been made
    /// since: the write was not tried (PostgreSQL's sign-up queue, while
    /// the server is down).
    #[error("not tried: the database server could not be reached just before")]
    Unreachable,
    #[error("unsupported DATABASE_URL: {0}")]
    UnsupportedUrl(String),
    /// A backup that cannot be taken here, and what to do instead.
    #[error("backup: {0}")]
    Backup(String),
}

impl StoreError {
    /// Whether the database cannot take the request now but may later:
    /// shutting down, the disk full, the file read-only or unreachable, the
    /// server gone. Such failures are answered 503, not 500.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Closed | StoreError::Unusable(_) | StoreError::Unreachable => true,
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(failure, _)) => sqlite_unavailable(failure.extended_code),
            StoreError::Database(sqlx::Error::Database(e)) => {
                let code = e.code().unwrap_or_default();
                if e.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                    code.parse().is_ok_and(sqlite_unavailable)
                } else {
                    // SQLSTATE: read-only transaction, insufficient
                    // resources, operator intervention (the server shutting
                    // down or starting up, the session ended by an admin:
                    // 57P01-57P03; not 57014, a statement cancelled),
                    // connection exceptions.
                    code == "25006"
                        || code.starts_with("53")
                        || matches!(&*code, "57P01" | "57P02" | "57P03")
                        || code.starts_with("08")
                }
            }
            StoreError::Database(
                sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed,
            ) => true,
            _ => false,
        }
    }
}

/// SQLite result codes (primary, the low byte) for a database that cannot
/// be written now: busy, read-only, I/O error, full, cannot open.
fn sqlite_unavailable(code: i32) -> bool {
    matches!(code & 0xff, 5 | 8 | 10 | 13 | 14)
}

/// A unique value (an event slug, an organizer's email) is already taken.
pub(super) fn is_unique_violation(error: &StoreError) -> bool {
    matches!(error, StoreError::Database(sqlx::Error::Database(e)) if e.is_unique_violation())
}

#[cfg(test)]
mod tests {
    use sqlx::Connection;

    use super::*;

    /// The error PostgreSQL sends with `code`, raised by the server itself.
    async fn raised(code: &str) -> StoreError {
        let url = std::env::var("TEST_DATABASE_URL").expect("TEST_DATABASE_URL");
        let mut conn = sqlx::PgConnection::connect(&url).await.expect("connects");
        let raise = format!("DO $$ BEGIN RAISE EXCEPTION 'test' USING ERRCODE = '{code}'; END $$");
        StoreError::Database(sqlx::query(&raise).execute(&mut conn).await.expect_err("raised"))
    }

    /// A server shutting down or starting up, or a session ended by an
    /// administrator, is "not now" (503) like a server out of reach; a
    /// refused statement or a cancelled one is not.
    #[tokio::test]
    #[cfg_attr(not(postgres_tests), ignore = "runs when TEST_DATABASE_URL names a PostgreSQL server")]
    async fn postgres_shutting_down_or_starting_up_is_unavailable() {
        for code in ["57P01", "57P02", "57P03", "08006", "53300", "25006"] {
            assert!(raised(code).await.is_unavailable(), "{code}");
        }
        for code in ["23505", "57014", "40001", "XX000"] {
            assert!(!raised(code).await.is_unavailable(), "{code}");
        }
    }
}
