//! Who came, slot by slot: a row per person and half-day they were checked
//! in at the door. `registrations.checked_in_at` keeps the first check-in,
//! whichever the slot, for what reads one time per person (the list, the
//! exports' "checked in" column).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::statement::{Sql, Statement};
use super::{StoreResult, outbox, registrations};
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

/// Marks a registration just made as a walk-in.
const WALK_IN: &str = "UPDATE registrations SET walk_in = TRUE WHERE id = $1";

/// An organizer adds a person at the door: confirmed even when the event is
/// full (a seat is added, as for a confirmation out of turn), checked in at
/// `slot`, and sent the usual confirmation.
pub async fn walk_in(
    conn: &mut impl Sql,
    new: &crate::domain::NewRegistration,
    slot: &str,
    now: DateTime<Utc>,
) -> StoreResult<crate::domain::RegisterOutcome> {
    use crate::domain::{EventStatus, MessageKind, Refusal, RegisterOutcome, Registration, RegistrationStatus};
    let Some(event) = super::events::for_change(conn, new.event_id).await? else {
        return Ok(RegisterOutcome::EventNotFound);
    };
    if event.status == EventStatus::Cancelled {
        return Ok(RegisterOutcome::Refused(Refusal::EventCancelled));
    }
    // Not through the sign-up rules: registration closed at the start, and
    // the organizer chose to let this person in.
    let taken = Statement::new(registrations::ACTIVE_REGISTRATION).bind(event.id).bind(new.email.as_str());
    if conn.fetch_optional(taken, |_| Ok(())).await?.is_some() {
        return Ok(RegisterOutcome::AlreadyRegistered);
    }
    if event.seats_left() == 0 {
        conn.execute(Statement::new(super::events::ADD_SEAT).bind(event.id).bind(now)).await?;
    }
    let registration = Registration {
        id: new.id,
        event_id: event.id,
        name: new.name.as_str().to_owned(),
        email: new.email.as_str().to_owned(),
        institution: new.institution.as_deref().map(str::to_owned),
        level: new.level,
        status: RegistrationStatus::Confirmed,
        waitlist_position: None,
        language: new.language,
        created_at: now,
        cancelled_at: None,
        offer_expires_at: None,
        attendance_confirmed_at: None,
    };
    let row = Statement::new(registrations::INSERT_REGISTRATION)
        .bind(new.id)
        .bind(event.id)
        .bind(new.name.as_str())
        .bind(new.email.as_str())
        .bind(new.institution.as_deref())
        .bind(new.level.code())
        .bind(RegistrationStatus::Confirmed.code())
        .bind(None::<i64>)
        .bind(new.token_salt.as_slice())
        .bind(new.cancel_key.0.as_slice())
        .bind(new.language.code());
    conn.execute(row.bind(now).bind(now).bind(now)).await?;
    registrations::move_counts(conn, event.id, 1, 0, 0, now).await?;
    outbox::enqueue(conn, &registrations::recipient_of(&registration), MessageKind::Confirmed, None, now).await?;
    conn.execute(Statement::new(WALK_IN).bind(registration.id)).await?;
    let mark = SlotCheckIn { slot: slot.to_owned(), at: Some(now), earlier: None };
    check_in(conn, event.id, registration.id, &mark, now).await?;
    Ok(RegisterOutcome::Registered(registration))
}
