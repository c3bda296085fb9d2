//! What becomes of a freed seat: given to the first person waiting, or,
//! close to the start, offered to them and held until a deadline (an offer
//! they accept, decline, or let expire, and the seat goes on), or kept free
//! in the last hour (`Event::freed_seat`). Written once for both backends
//! over `Sql`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::registrations::{by_token, event_of_cancel_link, leave, move_counts, recipient_of, set_status};
use super::statement::{Sql, Statement};
use super::{StoreResult, events, jobs, outbox, webhooks};
use crate::domain::{
    AcceptOutcome, EventStatus, HandOff, Hook, MessageKind, Registration, RegistrationStatus, WebhookEvent,
};
use crate::token::CancelLookup;

const FIRST_WAITING: &str = "SELECT id, email, language FROM registrations \
     WHERE event_id = $1 AND status = 'waitlisted' ORDER BY waitlist_seq LIMIT 1";
const OFFER: &str = "UPDATE registrations SET status = 'offered', waitlist_seq = NULL, offer_expires_at = $2, \
     updated_at = $3 WHERE id = $1";
const EXPIRE: &str = "UPDATE registrations SET status = 'expired', updated_at = $2 WHERE id = $1";

/// Hands every free seat to the people waiting longest, each told by email:
/// given, or offered near the start (`Event::freed_seat`). Called after
/// anything that may free seats: a cancellation, a larger capacity, an
/// offer declined or expired. Returns who got one.
pub async fn fill_free_seats(conn: &mut impl Sql, event: Uuid, now: DateTime<Utc>) -> StoreResult<Vec<Uuid>> {
    let Some(event) = events::for_change(conn, event).await? else { return Ok(Vec::new()) };
    let hand_off = event.freed_seat(now);
    if hand_off == HandOff::Keep {
        return Ok(Vec::new());
    }
    let free = (event.capacity - event.confirmed_count - event.offered_count).clamp(0, event.waitlisted_count);
    let mut moved = Vec::new();
    while (moved.len() as i64) < free {
        let first = Statement::new(FIRST_WAITING).bind(event.id);
        let Some(person) = conn.fetch_optional(first, outbox::recipient).await? else { break };
        match hand_off {
            HandOff::Offer { until } => {
                conn.execute(Statement::new(OFFER).bind(person.registration).bind(until).bind(now)).await?;
                jobs::schedule_offer_expiry(conn, event.id, person.registration, until).await?;
                outbox::enqueue(conn, &person, MessageKind::Offered, None, now).await?;
            }
            _ => {
                set_status(conn, event.id, person.registration, RegistrationStatus::Confirmed, now).await?;
                outbox::enqueue(conn, &person, MessageKind::Promoted, None, now).await?;
            }
        }
        moved.push(person.registration);
    }
    let n = moved.len() as i64;
    match hand_off {
        _ if n == 0 => {}
        HandOff::Offer { .. } => move_counts(conn, event.id, 0, -n, n, now).await?,
        _ => move_counts(conn, event.id, n, -n, 0, now).await?,
    }
    Ok(moved)
}

/// The person accepts the seat offered to them, before its deadline: it is
/// theirs, and they get the confirmation with the calendar file.
pub async fn accept(conn: &mut impl Sql, token: &CancelLookup, now: DateTime<Utc>) -> StoreResult<AcceptOutcome> {
    let found = conn.fetch_optional(event_of_cancel_link(token), |row| row.get::<Uuid>("event_id")).await?;
    let Some(event) = found else { return Ok(AcceptOutcome::NotFound) };
    // Lock first, then read the registration's state as it now stands.
    let Some(event) = events::for_change(conn, event).await? else { return Ok(AcceptOutcome::NotFound) };
    let Some(registration) = by_token(conn, token).await? else { return Ok(AcceptOutcome::NotFound) };
    let open = event.status == EventStatus::Published && now < event.starts_at;
    match registration.status {
        RegistrationStatus::Confirmed => Ok(AcceptOutcome::AlreadyConfirmed(registration)),
        RegistrationStatus::Offered if open && registration.offer_expires_at.is_some_and(|until| now < until) => {
            set_status(conn, event.id, registration.id, RegistrationStatus::Confirmed, now).await?;
            move_counts(conn, event.id, 1, 0, -1, now).await?;
            outbox::enqueue(conn, &recipient_of(&registration), MessageKind::Confirmed, None, now).await?;
            let accepted = Registration { status: RegistrationStatus::Confirmed, ..registration };
            Ok(AcceptOutcome::Accepted(accepted))
        }
        // Too late: the deadline passed before its job ran (or the event
        // stopped taking people).
        RegistrationStatus::Offered => {
            expire(conn, registration, now).await?;
            Ok(AcceptOutcome::Expired)
        }
        RegistrationStatus::Expired => Ok(AcceptOutcome::Expired),
        _ => Ok(AcceptOutcome::NotOffered),
    }
}

/// An offer ran out: the person leaves the waiting list and is told, and
/// the seat goes on. The caller has locked the event.
pub async fn expire(conn: &mut impl Sql, registration: Registration, now: DateTime<Utc>) -> StoreResult<()> {
    conn.execute(Statement::new(EXPIRE).bind(registration.id).bind(now)).await?;
    let expired = RegistrationStatus::Expired.code();
    let hook =
        Hook::registration(WebhookEvent::RegistrationCancelled, registration.event_id, registration.id, expired, now);
    webhooks::emit(conn, &[hook]).await?;
    leave(conn, &registration, now).await?;
    outbox::enqueue(conn, &recipient_of(&registration), MessageKind::OfferExpired, None, now).await?;
    fill_free_seats(conn, registration.event_id, now).await?;
    Ok(())
}
