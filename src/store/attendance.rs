//! Who came, slot by slot: a row per person and half-day they were checked
//! in at the door. `registrations.checked_in_at` keeps the first check-in,
//! whichever the slot, for what reads one time per person (the list, the
//! exports' "checked in" column).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::statement::{Sql, Statement};
use super::{StoreResult, certificates, outbox, registrations, webhooks};
use crate::domain::{Hook, SlotCheckIn, WebhookEvent};

/// A confirmed attendee of event `$1`: their first check-in, and how many
/// slots they were checked in at.
const CONFIRMED: &str = "SELECT r.checked_in_at, \
     (SELECT COUNT(*) FROM attendance a WHERE a.registration_id = r.id AND a.checked_in_at IS NOT NULL) AS slots \
     FROM registrations r WHERE r.id = $2 AND r.event_id = $1 AND r.status = 'confirmed'";
const AT_SLOT: &str = "SELECT checked_in_at, signed_at FROM attendance WHERE registration_id = $1 AND slot = $2";
const CHECK_IN: &str = "INSERT INTO attendance (registration_id, event_id, slot, checked_in_at) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (registration_id, slot) DO UPDATE \
     SET checked_in_at = COALESCE(attendance.checked_in_at, excluded.checked_in_at)";
const SIGN: &str = "INSERT INTO attendance (registration_id, event_id, slot, signed_at) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (registration_id, slot) DO UPDATE SET signed_at = COALESCE(attendance.signed_at, excluded.signed_at)";
const UNDO: &str = "UPDATE attendance SET checked_in_at = NULL WHERE registration_id = $1 AND slot = $2";
const FORGET_EMPTY: &str = "DELETE FROM attendance WHERE registration_id = $1 AND slot = $2 \
     AND checked_in_at IS NULL AND signed_at IS NULL";
const FIRST_ARRIVAL: &str = "UPDATE registrations SET checked_in_at = \
     (SELECT MIN(a.checked_in_at) FROM attendance a WHERE a.registration_id = $1), updated_at = $2 WHERE id = $1";
const OF_EVENT: &str = "SELECT registration_id, slot, checked_in_at, signed_at FROM attendance WHERE event_id = $1";
const OF_REGISTRATION: &str =
    "SELECT slot, signed_at FROM attendance WHERE registration_id = $1 AND signed_at IS NOT NULL";

/// Times by slot id, for each registration.
pub type BySlot = HashMap<Uuid, HashMap<String, DateTime<Utc>>>;

/// A slot's row for a person: (checked in at the door, signed).
type Row = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

async fn at_slot(conn: &mut impl Sql, registration: Uuid, slot: &str) -> StoreResult<Row> {
    let at_slot = Statement::new(AT_SLOT).bind(registration).bind(slot);
    let row = conn.fetch_optional(at_slot, |row| Ok((row.get("checked_in_at")?, row.get("signed_at")?))).await?;
    Ok(row.unwrap_or((None, None)))
}

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
    // Locked first, as in `sign`.
    super::events::for_change(conn, event).await?;
    let current = Statement::new(CONFIRMED).bind(event).bind(id);
    let read = |row: &dyn super::statement::Columns| {
        Ok((row.get::<Option<DateTime<Utc>>>("checked_in_at")?, row.get::<i64>("slots")?))
    };
    let Some((first, slots)) = conn.fetch_optional(current, read).await? else { return Ok(Presence::NotFound) };
    if let (Some(earlier), Some(at), 0) = (&mark.earlier, first, slots) {
        conn.execute(Statement::new(CHECK_IN).bind(id).bind(event).bind(earlier.as_str()).bind(at)).await?;
    }
    let (since, _) = at_slot(conn, id, &mark.slot).await?;
    match (since, mark.at) {
        (Some(_), Some(_)) | (None, None) => return Ok(Presence::Unchanged { since }),
        (None, Some(at)) => {
            conn.execute(Statement::new(CHECK_IN).bind(id).bind(event).bind(mark.slot.as_str()).bind(at)).await?;
            certificates::give_id(conn, id).await?;
        }
        (Some(_), None) => {
            conn.execute(Statement::new(UNDO).bind(id).bind(mark.slot.as_str())).await?;
            conn.execute(Statement::new(FORGET_EMPTY).bind(id).bind(mark.slot.as_str())).await?;
        }
    }
    conn.execute(Statement::new(FIRST_ARRIVAL).bind(id).bind(now)).await?;
    let data = serde_json::json!({ "slot": mark.slot, "present": mark.at.is_some(), "by": "organizer" });
    webhooks::emit(conn, &[attendance_hook(event, id, data, now)]).await?;
    Ok(Presence::Marked)
}

/// What webhooks hear of a presence: the slot, present or not, and who
/// recorded it (`organizer` or the person's own `signature`).
fn attendance_hook(event: Uuid, registration: Uuid, data: serde_json::Value, now: DateTime<Utc>) -> Hook {
    Hook { kind: WebhookEvent::AttendanceRecorded, event, registration: Some(registration), data, at: now }
}

/// What a person's signature led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signature {
    Signed(DateTime<Utc>),
    /// Signed for this slot before: the first time stands.
    Already(DateTime<Utc>),
    /// No such registration, or not a confirmed seat.
    NotConfirmed,
}

/// The person (by their link) signs for `slot` of their event, at `now`.
pub async fn sign(
    conn: &mut impl Sql,
    token: &crate::token::CancelLookup,
    slot: &str,
    now: DateTime<Utc>,
) -> StoreResult<Signature> {
    // The event is locked first, as by every change to its registrations,
    // so that deliveries about one person are queued in the order they
    // commit (webhooks keep that order).
    let found = conn.fetch_optional(registrations::event_of_cancel_link(token), |row| row.get::<Uuid>("event_id"));
    let Some(event) = found.await? else { return Ok(Signature::NotConfirmed) };
    super::events::for_change(conn, event).await?;
    let Some(registration) = registrations::by_token(conn, token).await? else { return Ok(Signature::NotConfirmed) };
    if registration.status != crate::domain::RegistrationStatus::Confirmed {
        return Ok(Signature::NotConfirmed);
    }
    if let (_, Some(signed)) = at_slot(conn, registration.id, slot).await? {
        return Ok(Signature::Already(signed));
    }
    let sign = Statement::new(SIGN).bind(registration.id).bind(registration.event_id).bind(slot).bind(now);
    conn.execute(sign).await?;
    certificates::give_id(conn, registration.id).await?;
    let data = serde_json::json!({ "slot": slot, "present": true, "by": "signature" });
    webhooks::emit(conn, &[attendance_hook(registration.event_id, registration.id, data, now)]).await?;
    Ok(Signature::Signed(now))
}

/// The slots a person signed for, and when.
pub async fn signatures(conn: &mut impl Sql, registration: Uuid) -> StoreResult<HashMap<String, DateTime<Utc>>> {
    let rows = conn
        .fetch_all(Statement::new(OF_REGISTRATION).bind(registration), |row| {
            Ok((row.get("slot")?, row.get("signed_at")?))
        })
        .await?;
    Ok(rows.into_iter().collect())
}

/// Every check-in at the door and every signature for `event`: by
/// registration, then by slot.
pub async fn of_event(conn: &mut impl Sql, event: Uuid) -> StoreResult<(BySlot, BySlot)> {
    let rows = conn
        .fetch_all(Statement::new(OF_EVENT).bind(event), |row| {
            let times: Row = (row.get("checked_in_at")?, row.get("signed_at")?);
            Ok((row.get::<Uuid>("registration_id")?, row.get::<String>("slot")?, times))
        })
        .await?;
    let (mut door, mut signed) = (BySlot::new(), BySlot::new());
    for (registration, slot, (checked_in, signature)) in rows {
        if let Some(at) = checked_in {
            door.entry(registration).or_default().insert(slot.clone(), at);
        }
        if let Some(at) = signature {
            signed.entry(registration).or_default().insert(slot, at);
        }
    }
    Ok((door, signed))
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
    use crate::domain::{EventStatus, MessageKind, Refusal, RegisterOutcome, RegistrationStatus};
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
        super::events::add_seat(conn, event.id, now).await?;
    }
    let registration = new.stored(RegistrationStatus::Confirmed, None, now);
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
    conn.execute(row.bind(now).bind(now).bind(now).bind(new.consent_version.as_deref())).await?;
    registrations::move_counts(conn, event.id, 1, 0, 0, now).await?;
    outbox::enqueue(conn, &registrations::recipient_of(&registration), MessageKind::Confirmed, None, now).await?;
    let created = Hook::registration(WebhookEvent::RegistrationCreated, event.id, new.id, "confirmed", now);
    webhooks::emit(conn, &[created]).await?;
    conn.execute(Statement::new(WALK_IN).bind(registration.id)).await?;
    let mark = SlotCheckIn { slot: slot.to_owned(), at: Some(now), earlier: None };
    check_in(conn, event.id, registration.id, &mark, now).await?;
    Ok(RegisterOutcome::Registered(registration))
}
