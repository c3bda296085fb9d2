//! The trainer's signature for each slot of an event, as the sheet shows
//! it: the name typed, when, and the organizer account signed in.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::StoreResult;
use super::statement::{Columns, Sql, Statement};
use crate::domain::{TrainerSignature, TrainerSigned};

const SIGN: &str = "INSERT INTO trainer_signatures (event_id, slot, name, signed_at, organizer_id) \
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id, slot) DO NOTHING";
/// Followed by a condition on `t`.
macro_rules! signatures {
    ($filter:literal) => {
        concat!(
            "SELECT t.slot, t.name, t.signed_at, COALESCE(NULLIF(o.name, ''), o.email) AS signed_by \
             FROM trainer_signatures t LEFT JOIN organizers o ON o.id = t.organizer_id WHERE t.event_id = $1",
            $filter,
            " ORDER BY t.slot"
        )
    };
}
const OF_EVENT: &str = signatures!("");
const OF_SLOT: &str = signatures!(" AND t.slot = $2");

fn signature(row: &dyn Columns) -> StoreResult<TrainerSignature> {
    Ok(TrainerSignature {
        slot: row.get("slot")?,
        name: row.get("name")?,
        signed_at: row.get("signed_at")?,
        by: row.get("signed_by")?,
    })
}

/// The trainer signs `slot` of `event` as `name`; the first signature of a
/// slot stands.
pub async fn sign(
    conn: &mut impl Sql,
    event: Uuid,
    slot: &str,
    name: &str,
    organizer: Option<Uuid>,
    now: DateTime<Utc>,
) -> StoreResult<TrainerSigned> {
    let insert = Statement::new(SIGN).bind(event).bind(slot).bind(name).bind(now).bind(organizer);
    let signed = conn.execute(insert).await? == 1;
    let row = conn.fetch_one(Statement::new(OF_SLOT).bind(event).bind(slot), signature).await?;
    Ok(if signed { TrainerSigned::Signed(row) } else { TrainerSigned::Already(row) })
}

/// Every slot's trainer signature for `event`, by slot id.
pub async fn of_event(conn: &mut impl Sql, event: Uuid) -> StoreResult<Vec<TrainerSignature>> {
    conn.fetch_all(Statement::new(OF_EVENT).bind(event), signature).await
}
