//! The figures `/metrics` reads from the database at each scrape: how much
//! mail waits and how long, how much timed work is due. Written once for
//! both backends.

use chrono::{DateTime, Utc};

use super::StoreResult;
use super::statement::{Columns, Sql, Statement};
use crate::domain::whole_seconds;

/// Timed work due this long ago and not done counts as late.
const LATE_AFTER: chrono::Duration = chrono::Duration::minutes(1);

/// `$1` now, `$2` the moment before which due work is late. The outbox's
/// pending rows are read through its partial index; failed ones are few
/// and scanned.
const GAUGES: &str = "SELECT \
     (SELECT COUNT(*) FROM outbox WHERE status = 'pending') AS pending, \
     (SELECT COUNT(*) FROM outbox WHERE status = 'failed') AS failed, \
     (SELECT MIN(created_at) FROM outbox WHERE status = 'pending') AS oldest, \
     (SELECT COUNT(*) FROM scheduled_jobs WHERE done_at IS NULL AND due_at <= $1) AS due, \
     (SELECT COUNT(*) FROM scheduled_jobs WHERE done_at IS NULL AND due_at <= $2) AS late";

/// What the database says now, and how its connections are used.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gauges {
    pub outbox_pending: i64,
    pub outbox_failed: i64,
    /// Age of the oldest message waiting to be sent; 0 when none waits.
    pub oldest_pending_secs: f64,
    pub jobs_due: i64,
    pub jobs_late: i64,
    pub pools: Vec<PoolUse>,
}

/// Connections of one pool.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolUse {
    pub name: &'static str,
    pub in_use: i64,
    pub size: i64,
}

impl PoolUse {
    pub fn of<DB: sqlx::Database>(name: &'static str, pool: &sqlx::Pool<DB>) -> Self {
        let size = i64::from(pool.size());
        let idle = i64::try_from(pool.num_idle()).unwrap_or(i64::MAX);
        Self { name, in_use: (size - idle).max(0), size }
    }
}

pub async fn read(conn: &mut impl Sql, now: DateTime<Utc>) -> StoreResult<Gauges> {
    let statement = Statement::new(GAUGES).bind(whole_seconds(now)).bind(whole_seconds(now - LATE_AFTER));
    let (mut gauges, oldest) = conn.fetch_one(statement, counts).await?;
    if let Some(at) = oldest {
        gauges.oldest_pending_secs = (now - at).num_milliseconds().max(0) as f64 / 1000.0;
    }
    Ok(gauges)
}

/// The counts of `GAUGES`, and when the oldest pending message was queued.
fn counts(row: &dyn Columns) -> StoreResult<(Gauges, Option<DateTime<Utc>>)> {
    let gauges = Gauges {
        outbox_pending: row.get("pending")?,
        outbox_failed: row.get("failed")?,
        jobs_due: row.get("due")?,
        jobs_late: row.get("late")?,
        ..Gauges::default()
    };
    Ok((gauges, row.get("oldest")?))
}
