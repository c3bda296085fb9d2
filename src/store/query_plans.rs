//! Which index the hot queries use, pinned: a predicate that differs from a
//! partial index's own makes the database walk the table instead, and
//! nothing else would notice until an event had thousands of people.

use chrono::Utc;
use sqlx::Connection;
use uuid::Uuid;

use crate::store::jobs::TO_REMIND;
use crate::store::registrations::{ACTIVE_AMONG, ACTIVE_REGISTRATION};

/// A migrated SQLite database, and a connection to it.
async fn sqlite() -> (tempfile::TempDir, sqlx::SqliteConnection) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    crate::store::sqlite::Sqlite::connect(&url).await.expect("migrated");
    let conn = sqlx::SqliteConnection::connect(&url).await.expect("connection");
    (dir, conn)
}

/// SQLite's plan for `query`, its steps joined.
async fn sqlite_plan<'q>(
    conn: &mut sqlx::SqliteConnection,
    query: sqlx::query::QueryAs<'q, sqlx::Sqlite, (i64, i64, i64, String), sqlx::sqlite::SqliteArguments<'q>>,
) -> String {
    let plan = query.fetch_all(conn).await.expect("plan");
    plan.iter().map(|row| row.3.as_str()).collect::<Vec<_>>().join("; ")
}

/// The sign-up's lookups name the statuses of the partial unique index,
/// so SQLite searches it rather than every registration of the event.
#[tokio::test]
async fn the_already_registered_lookup_uses_the_unique_index_on_sqlite() {
    let (_dir, mut conn) = sqlite().await;
    let sql = format!("EXPLAIN QUERY PLAN {ACTIVE_REGISTRATION}");
    let query = sqlx::query_as(&sql).bind(Uuid::nil()).bind("etudiant@example.org");
    let detail = sqlite_plan(&mut conn, query).await;
    assert!(detail.contains("USING INDEX registrations_one_active_per_email (event_id=? AND email=?)"), "{detail}");
}

/// Each part of a reminder starts where the previous one ended, in the
/// index's order: no sort, no walk past the people already reminded.
#[tokio::test]
async fn a_reminder_part_reads_the_event_from_where_the_last_one_ended() {
    let (_dir, mut conn) = sqlite().await;
    let sql = format!("EXPLAIN QUERY PLAN {TO_REMIND}");
    let now = Utc::now();
    let query = sqlx::query_as(&sql).bind(Uuid::nil()).bind(now).bind(2880_i64).bind(now).bind(250_i64);
    let detail = sqlite_plan(&mut conn, query).await;
    assert!(
        detail.contains("USING INDEX registrations_by_event (event_id=? AND created_at>? AND created_at<?)"),
        "{detail}"
    );
    assert!(!detail.contains("TEMP B-TREE"), "no sort: {detail}");
}

/// The same on PostgreSQL, for both lookups (the batch one is the
/// PostgreSQL path). Sequential scans are switched off: on an empty
/// table the planner would rightly prefer one; the question is whether
/// the index can serve the query at all.
#[tokio::test]
#[cfg_attr(not(postgres_tests), ignore = "runs when TEST_DATABASE_URL names a PostgreSQL server")]
async fn the_already_registered_lookups_use_the_unique_index_on_postgres() {
    let server = std::env::var("TEST_DATABASE_URL").expect("TEST_DATABASE_URL");
    let mut admin = sqlx::PgConnection::connect(&server).await.expect("server");
    let name = format!("atelier_plan_{}", Uuid::new_v4().simple());
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("database");
    let (base, query) = server.split_once('?').map_or((server.as_str(), ""), |(b, q)| (b, q));
    let url = format!(
        "{}/{name}{}{query}",
        base.rsplit_once('/').map_or(base, |(root, _)| root),
        if query.is_empty() { "" } else { "?" }
    );
    crate::store::postgres::Postgres::connect(&url).await.expect("migrated");
    let mut conn = sqlx::PgConnection::connect(&url).await.expect("connection");
    sqlx::query("SET enable_seqscan = off").execute(&mut conn).await.expect("set");
    let among = format!("{ACTIVE_AMONG}($1, $2))");
    for sql in [ACTIVE_REGISTRATION, among.as_str()] {
        let plan: Vec<String> = sqlx::query_scalar(&format!("EXPLAIN {sql}"))
            .bind(Uuid::nil())
            .bind("etudiant@example.org")
            .fetch_all(&mut conn)
            .await
            .expect("plan");
        let plan = plan.join("\n");
        assert!(plan.contains("registrations_one_active_per_email"), "{sql}:\n{plan}");
    }
}
