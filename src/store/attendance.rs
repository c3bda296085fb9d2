//! Who came, slot by slot: a row per person and half-day they were checked
//! in at the door. `registrations.checked_in_at` keeps the first check-in,
//! whichever the slot, for what reads one time per person (the list, the
//! exports' "checked in" column).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::StoreResult;
use super::statement::{Sql, Statement};
use crate::domain::SlotCheckIn;

/// A confirmed attendee of event `$1`: their first check-in, and how many
/// slots they were checked in at.
const CONFIRMED: &str = "SELECT r.checked_in_at, \
     (SELECT COUNT(*) FROM attendance a WHERE a.registration_id = r.id) AS slots \
     FROM registrations r WHERE r.id = $2 AND r.event_id = $1 AND r.status = 'confirmed'";
const AT_SLOT: &str = "SELECT checked_in_at FROM attendance WHERE registration_id = $1 AND slot = $2";
const INSERT: &str = "INSERT INTO attendance (registration_id, event_id, slot, checked_in_at) VALUES ($1, $2, $3, $4)";
const DELETE: &str = "DELETE FROM attendance WHERE registration_id = $1 AND slot = $2";
const FIRST_ARRIVAL: &str = "UPDATE registrations SET checked_in_at = \
     (SELECT MIN(a.checked_in_at) FROM attendance a WHERE a.registration_id = $1), updated_at = $2 WHERE id = $1";
const OF_EVENT: &str = "SELECT registration_id, slot, checked_in_at FROM attendance WHERE event_id = $1";

/// What marking someone present (or not) led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Marked,
    /// They were already marked so (checked in twice, undone twice): the
    /// first time stands; `since` is when they were checked in, if they are.
    Unchanged {
        since: Option<DateTime<Utc>>,
    },
    /// Not a confirmed registration of this event.
    NotFound,
}

/// Marks a confirmed attendee of `event` present at a slot, or not.
pub async fn check_in(
    conn: &mut impl Sql,
    event: Uuid,
    id: Uuid,
    mark: &SlotCheckIn,
    now: DateTime<Utc>,
) -> StoreResult<Presence> {
    let current = Statement::new(CONFIRMED).bind(event).bind(id);
    let read = |row: &dyn super::statement::Columns| {
        Ok((row.get::<Option<DateTime<Utc>>>("checked_in_at")?, row.get::<i64>("slots")?))
    };
    let Some((first, slots)) = conn.fetch_optional(current, read).await? else { return Ok(Presence::NotFound) };
    if let (Some(earlier), Some(at), 0) = (&mark.earlier, first, slots) {
        conn.execute(Statement::new(INSERT).bind(id).bind(event).bind(earlier.as_str()).bind(at)).await?;
    }
    let at_slot = Statement::new(AT_SLOT).bind(id).bind(mark.slot.as_str());
    let since = conn.fetch_optional(at_slot, |row| row.get::<DateTime<Utc>>("checked_in_at")).await?;
    match (since, mark.at) {
        (Some(_), Some(_)) | (None, None) => return Ok(Presence::Unchanged { since }),
        (None, Some(at)) => {
            conn.execute(Statement::new(INSERT).bind(id).bind(event).bind(mark.slot.as_str()).bind(at)).await?;
        }
        (Some(_), None) => {
            conn.execute(Statement::new(DELETE).bind(id).bind(mark.slot.as_str())).await?;
        }
    }
    conn.execute(Statement::new(FIRST_ARRIVAL).bind(id).bind(now)).await?;
    Ok(Presence::Marked)
}

/// Every check-in at the door for `event`: by registration, then by slot.
pub async fn of_event(conn: &mut impl Sql, event: Uuid) -> StoreResult<HashMap<Uuid, HashMap<String, DateTime<Utc>>>> {
    let rows = conn
        .fetch_all(Statement::new(OF_EVENT).bind(event), |row| {
            Ok((
                row.get::<Uuid>("registration_id")?,
                row.get::<String>("slot")?,
                row.get::<DateTime<Utc>>("checked_in_at")?,
            ))
        })
        .await?;
    let mut by_registration: HashMap<Uuid, HashMap<String, DateTime<Utc>>> = HashMap::new();
    for (registration, slot, at) in rows {
        by_registration.entry(registration).or_default().insert(slot, at);
    }
    Ok(by_registration)
}
