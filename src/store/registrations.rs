//! Registrations: sign-ups, cancellations and what organizers do to them,
//! and the lists they read. Written once for both backends over `Sql`.
//!
//! Every change to an event's seats starts by reading the event with
//! `events::for_change`, which on PostgreSQL locks its row until the
//! transaction ends; SQLite's one writer runs changes one after another.
//! Either way, the counts each change reads are exact.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use uuid::Uuid;

pub(super) use super::outbox::recipient_of;
use super::outbox::{self, INSERT_MESSAGES};
use super::rows::{self, event_columns, registration_columns};
use super::seats::{self, EventSeats};
use super::statement::{Dialect, Sql, Statement, Value};
use super::{StoreResult, events, offers, webhooks};
use crate::domain::{
    AttendanceOutcome, AttendeeLine, CancelOutcome, EventStatus, Hook, MessageKind, NewRegistration, RegisterOutcome,
    Registration, RegistrationStatus, Slot, WebhookEvent,
};
use crate::token::CancelLookup;

macro_rules! registration_insert {
    () => {
        "INSERT INTO registrations (id, event_id, name, email, institution, level, status, waitlist_seq, \
         token_salt, cancel_key, language, consent_at, created_at, updated_at, consent_version) VALUES "
    };
}
/// Followed by `(…), …`, a row per registration (`seats::decide`'s rows).
pub(super) const INSERT_REGISTRATIONS: &str = registration_insert!();
/// One of `seats::decide`'s rows.
pub(super) const INSERT_REGISTRATION: &str =
    concat!(registration_insert!(), "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)");
/// A question removed since the form was read is skipped, not an error.
pub(super) const INSERT_ANSWER: &str = "INSERT INTO registration_answers (registration_id, question_id, answer) \
     SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM event_questions WHERE id = $2 AND event_id = $4)";
/// Whether `$2` holds a registration (confirmed, offered or waiting) for
/// event `$1`. The status list is the partial unique index's own, so that
/// the lookup uses it: with `status <> 'cancelled'` it read every
/// registration of the event, and each sign-up to a 10,000-person event
/// cost a scan of 10,000 rows (`query_plans` pins the plan).
pub(super) const ACTIVE_REGISTRATION: &str = "SELECT 1 FROM registrations WHERE event_id = $1 AND email = $2 \
     AND status IN ('confirmed', 'waitlisted', 'offered')";
/// Followed by `(event_id, email), …` and `)`: which of these people hold
/// a registration, confirmed, offered or waiting, for that event (the same
/// index as `ACTIVE_REGISTRATION`).
pub(super) const ACTIVE_AMONG: &str = "SELECT event_id, email FROM registrations \
     WHERE status IN ('confirmed', 'waitlisted', 'offered') AND (event_id, email) IN (VALUES ";
/// Event `$1` with its last waiting-list ticket.
pub(super) const EVENT_WITH_TICKET: &str =
    concat!("SELECT ", event_columns!(), ", waitlist_seq FROM events WHERE id = $1");
/// Followed by ids, `)`, and the backend's row lock; `hooked`: whether a
/// webhook may want the event's sign-ups (see `webhooks::emit`).
const EVENTS_WITH_TICKETS: &str = concat!(
    "SELECT ",
    event_columns!(),
    ", waitlist_seq, EXISTS (SELECT 1 FROM webhooks w \
     WHERE w.event_id = events.id OR w.event_id IS NULL) AS hooked FROM events WHERE id IN ("
);
/// Sets an event's live counts: `$1` confirmed, `$2` waiting, `$3` the last
/// ticket, changed at `$4`, for event `$5` (`EventSeats::counts_row`).
pub(super) const SET_EVENT_COUNTS: &str = "UPDATE events SET confirmed_count = $1, waitlisted_count = $2, \
     waitlist_seq = $3, updated_at = $4 WHERE id = $5";
/// The same for several events in one statement, followed by their rows
/// (`EventSeats::counts_row`) and `SET_EVENTS_COUNTS_END`. A batch over 50
/// events touches a dozen: one round trip instead of a dozen on
/// PostgreSQL. Both dialects name a CTE's columns and take `UPDATE … FROM`.
const SET_EVENTS_COUNTS: &str = "WITH counts (confirmed, waiting, seq, at, id) AS (VALUES ";
const SET_EVENTS_COUNTS_END: &str = ") UPDATE events SET confirmed_count = counts.confirmed, \
     waitlisted_count = counts.waiting, waitlist_seq = counts.seq, updated_at = counts.at \
     FROM counts WHERE events.id = counts.id";
/// Moves the live counts of event `$1` by `$2` confirmed, `$3` waiting and
/// `$4` offered.
const MOVE_COUNTS: &str = "UPDATE events SET confirmed_count = confirmed_count + $2, \
     waitlisted_count = waitlisted_count + $3, offered_count = offered_count + $4, updated_at = $5 WHERE id = $1";
pub(super) const SET_STATUS: &str = "UPDATE registrations SET status = $2, waitlist_seq = NULL, updated_at = $3, \
     cancelled_at = CASE WHEN $2 = 'cancelled' THEN $3 ELSE cancelled_at END WHERE id = $1";
/// Records that the person said they will come, the first time only.
const CONFIRM_ATTENDANCE: &str = "UPDATE registrations SET attendance_confirmed_at = $2, updated_at = $2 \
     WHERE id = $1 AND attendance_confirmed_at IS NULL";
const BY_ID: &str = concat!("SELECT ", registration_columns!(), " FROM registrations r WHERE r.id = $1");
/// Every registration of an event, oldest first, with the state of the
/// latest message to each person (outbox ids grow with time).
const OF_EVENT: &str = "SELECT r.id, r.event_id, r.name, r.email, r.institution, r.level, r.status, \
     r.language, r.created_at, r.cancelled_at, r.offer_expires_at, r.attendance_confirmed_at, r.checked_in_at, r.walk_in, \
     r.consent_at, r.consent_version, r.anonymised_at, \
     r.waitlist_seq, \
     (SELECT o.status FROM outbox o WHERE o.registration_id = r.id AND o.recipient = r.email \
      ORDER BY o.id DESC LIMIT 1) AS email_status \
     FROM registrations r WHERE r.event_id = $1 ORDER BY r.created_at, r.id";
const ANSWERS: &str = "SELECT a.registration_id, a.question_id, a.answer FROM registration_answers a \
     JOIN registrations r ON r.id = a.registration_id WHERE r.event_id = $1";

/// The statement that finds a registration by its cancel link, bound with
/// `CancelLookup::as_bytes`. Links without the registration id match the
/// end of the key, among the registrations made before links carried the
/// id (a partial index of its own).
fn by_cancel_link(token: &CancelLookup) -> Statement {
    let sql = match token {
        CancelLookup::Key(_) => {
            concat!("SELECT ", registration_columns!(), " FROM registrations r WHERE r.cancel_key = $1")
        }
        CancelLookup::Legacy(_) => concat!(
            "SELECT ",
            registration_columns!(),
            " FROM registrations r WHERE r.older_link AND substr(r.cancel_key, 17) = $1"
        ),
    };
    Statement::new(sql).bind(token.as_bytes())
}

/// As `by_cancel_link`, only the event's id.
pub(super) fn event_of_cancel_link(token: &CancelLookup) -> Statement {
    let sql = match token {
        CancelLookup::Key(_) => "SELECT event_id FROM registrations WHERE cancel_key = $1",
        CancelLookup::Legacy(_) => {
            "SELECT event_id FROM registrations WHERE older_link AND substr(cancel_key, 17) = $1"
        }
    };
    Statement::new(sql).bind(token.as_bytes())
}

/// A registration from its cancel link.
pub async fn by_token(conn: &mut impl Sql, token: &CancelLookup) -> StoreResult<Option<Registration>> {
    conn.fetch_optional(by_cancel_link(token), rows::registration).await
}

/// Every registration of an event, oldest first, with waiting-list
/// positions, email delivery state, answers and attendance by slot (of
/// `slots`, the event's as the caller read it).
pub async fn of_event(conn: &mut impl Sql, event: Uuid, slots: &[Slot]) -> StoreResult<Vec<AttendeeLine>> {
    let lines = conn.fetch_all(Statement::new(OF_EVENT).bind(event), rows::attendee).await?;
    // Positions are ranks of the waiting-list tickets: computed here in
    // one pass rather than by a subquery per row.
    let mut tickets: Vec<i64> = lines.iter().filter_map(|(_, ticket)| *ticket).collect();
    tickets.sort_unstable();
    let answers = conn
        .fetch_all(Statement::new(ANSWERS).bind(event), |row| {
            Ok((row.get::<Uuid>("registration_id")?, row.get::<Uuid>("question_id")?, row.get::<String>("answer")?))
        })
        .await?;
    let mut by_registration: HashMap<Uuid, HashMap<Uuid, String>> = HashMap::new();
    for (registration, question, answer) in answers {
        by_registration.entry(registration).or_default().insert(question, answer);
    }
    let (mut attended, mut signed) = super::attendance::of_event(conn, event).await?;
    Ok(lines
        .into_iter()
        .map(|(mut line, ticket)| {
            line.registration.waitlist_position =
                ticket.and_then(|seq| tickets.binary_search(&seq).ok()).map(|i| i as i64 + 1);
            line.answers = by_registration.remove(&line.registration.id).unwrap_or_default();
            line.attendance = attended.remove(&line.registration.id).unwrap_or_default();
            // Checked in before attendance was kept by slot: at the slot of
            // that time.
            if let (Some(at), true) = (line.checked_in_at, line.attendance.is_empty()) {
                line.attendance.extend(Slot::at(slots, at).map(|slot| (slot.id(), at)));
            }
            line.signatures = signed.remove(&line.registration.id).unwrap_or_default();
            line
        })
        .collect())
}

/// Signs people up in the order given, each at its own time (`seats::decide`),
/// with a handful of statements whatever their number: the group commit of
/// PostgreSQL (`postgres::sign_ups`). The events' rows are locked in id
/// order, so two groups sharing events never deadlock.
pub async fn register_many(
    conn: &mut impl Sql,
    batch: &[(&NewRegistration, DateTime<Utc>)],
) -> StoreResult<Vec<RegisterOutcome>> {
    let mut ids: Vec<Uuid> = batch.iter().map(|(new, _)| new.event_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let lock = match conn.dialect() {
        Dialect::Sqlite => ") ORDER BY id",
        Dialect::Postgres => ") ORDER BY id FOR NO KEY UPDATE",
    };
    let read = Statement::new(EVENTS_WITH_TICKETS).push_list(ids.into_iter().map(Value::from).collect(), lock);
    let read = conn.fetch_all(read, |row| Ok((rows::event_with_ticket(row)?, row.get::<bool>("hooked")?))).await?;
    let hooked: HashSet<Uuid> = read.iter().filter(|(_, hooked)| *hooked).map(|((event, _), _)| event.id).collect();
    let mut events: HashMap<Uuid, EventSeats> =
        read.into_iter().map(|((event, seq), _)| (event.id, EventSeats::new(event, seq))).collect();
    let pairs = batch.iter().map(|(new, _)| vec![new.event_id.into(), new.email.as_str().into()]).collect();
    let among = Statement::new(ACTIVE_AMONG).push_rows(pairs, ")");
    let mut taken: HashSet<(Uuid, String)> = conn
        .fetch_all(among, |row| Ok((row.get::<Uuid>("event_id")?, row.get::<String>("email")?)))
        .await?
        .into_iter()
        .collect();

    let run = seats::decide(batch, &mut events, &mut taken);
    if run.registrations.is_empty() {
        return Ok(run.outcomes);
    }
    conn.execute(Statement::new(INSERT_REGISTRATIONS).push_rows(run.registrations, "")).await?;
    for answer in run.answers {
        conn.execute(Statement { values: answer, ..Statement::new(INSERT_ANSWER) }).await?;
    }
    conn.execute(Statement::new(INSERT_MESSAGES).push_rows(run.messages, "")).await?;
    let hooks: Vec<Hook> = run.hooks.into_iter().filter(|hook| hooked.contains(&hook.event)).collect();
    webhooks::emit(conn, &hooks).await?;
    let counts: Vec<_> = events.values().filter_map(EventSeats::counts_row).collect();
    if !counts.is_empty() {
        conn.execute(Statement::new(SET_EVENTS_COUNTS).push_rows(counts, SET_EVENTS_COUNTS_END)).await?;
    }
    for (event, registration, now) in run.filled {
        outbox::notify_organizers(conn, event, registration, MessageKind::OrganizerFull, now).await?;
    }
    Ok(run.outcomes)
}

/// The person cancels, from their link. After the event has started they
/// can no longer: an organizer can still remove them.
pub async fn cancel(conn: &mut impl Sql, token: &CancelLookup, now: DateTime<Utc>) -> StoreResult<CancelOutcome> {
    let found = conn.fetch_optional(event_of_cancel_link(token), |row| row.get::<Uuid>("event_id")).await?;
    let Some(event) = found else { return Ok(CancelOutcome::NotFound) };
    // Lock first, then read the registration's state as it now stands.
    let Some(event) = events::for_change(conn, event).await? else { return Ok(CancelOutcome::NotFound) };
    let Some(registration) = by_token(conn, token).await? else { return Ok(CancelOutcome::NotFound) };
    if !registration.status.is_active() {
        return Ok(CancelOutcome::AlreadyCancelled(registration));
    }
    if now >= event.starts_at {
        return Ok(CancelOutcome::EventStarted);
    }
    withdraw(conn, registration, MessageKind::Cancelled, None, now).await
}

/// An organizer removes a registration; `None` if it is not one of this
/// event's.
pub async fn remove(
    conn: &mut impl Sql,
    event: Uuid,
    id: Uuid,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<Option<CancelOutcome>> {
    if events::for_change(conn, event).await?.is_none() {
        return Ok(None);
    }
    match of_this_event(conn, event, id).await? {
        Some(registration) if !registration.status.is_active() => {
            Ok(Some(CancelOutcome::AlreadyCancelled(registration)))
        }
        Some(registration) => Ok(Some(withdraw(conn, registration, MessageKind::Removed, note, now).await?)),
        None => Ok(None),
    }
}

/// Takes a registration out (the person cancelled, or an organizer removed
/// it), tells the person with `message` (and the organizer's `note`), and
/// hands the seat on.
async fn withdraw(
    conn: &mut impl Sql,
    registration: Registration,
    message: MessageKind,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<CancelOutcome> {
    set_status(conn, registration.event_id, registration.id, RegistrationStatus::Cancelled, now).await?;
    leave(conn, &registration, now).await?;
    outbox::enqueue_with_note(conn, &recipient_of(&registration), message, note, now).await?;
    if message == MessageKind::Cancelled {
        let kind = MessageKind::OrganizerCancellation;
        outbox::notify_organizers(conn, registration.event_id, registration.id, kind, now).await?;
    }
    let promoted = offers::fill_free_seats(conn, registration.event_id, now).await?;
    Ok(CancelOutcome::Cancelled {
        registration: Registration {
            status: RegistrationStatus::Cancelled,
            waitlist_position: None,
            cancelled_at: Some(now),
            ..registration
        },
        promoted: promoted.first().copied(),
    })
}

/// Queues again the message that matches the registration's state
/// (confirmation or waiting list); `None` if there is nothing to resend.
pub async fn resend(
    conn: &mut impl Sql,
    event: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<Option<MessageKind>> {
    if !takes_part(conn, event, now).await? {
        return Ok(None);
    }
    let Some(registration) = of_this_event(conn, event, id).await? else { return Ok(None) };
    let kind = match registration.status {
        RegistrationStatus::Confirmed => MessageKind::Confirmed,
        RegistrationStatus::Waitlisted => MessageKind::Waitlisted,
        RegistrationStatus::Offered => MessageKind::Offered,
        RegistrationStatus::Cancelled | RegistrationStatus::Expired => return Ok(None),
    };
    outbox::enqueue(conn, &recipient_of(&registration), kind, registration.waitlist_position, now).await?;
    Ok(Some(kind))
}

/// An organizer confirms a waiting person out of turn: the event gains a
/// seat for them, so capacity still bounds the confirmed count. False if
/// the registration is not waiting for this event.
pub async fn confirm_out_of_turn(conn: &mut impl Sql, event: Uuid, id: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
    if !takes_part(conn, event, now).await? {
        return Ok(false);
    }
    let Some(registration) = of_this_event(conn, event, id).await? else { return Ok(false) };
    if registration.status != RegistrationStatus::Waitlisted {
        return Ok(false);
    }
    events::add_seat(conn, event, now).await?;
    set_status(conn, event, id, RegistrationStatus::Confirmed, now).await?;
    move_counts(conn, event, 1, -1, 0, now).await?;
    outbox::enqueue(conn, &recipient_of(&registration), MessageKind::Promoted, None, now).await?;
    Ok(true)
}

/// The person says they will come (from their reminder): recorded once,
/// for a confirmed seat only.
pub async fn confirm_attendance(
    conn: &mut impl Sql,
    token: &CancelLookup,
    now: DateTime<Utc>,
) -> StoreResult<AttendanceOutcome> {
    let Some(registration) = by_token(conn, token).await? else { return Ok(AttendanceOutcome::NotFound) };
    if registration.status != RegistrationStatus::Confirmed {
        return Ok(AttendanceOutcome::NotConfirmed);
    }
    conn.execute(Statement::new(CONFIRM_ATTENDANCE).bind(registration.id).bind(now)).await?;
    let at = registration.attendance_confirmed_at.or(Some(now));
    Ok(AttendanceOutcome::Confirmed(Registration { attendance_confirmed_at: at, ..registration }))
}

/// Whether an event still gathers people: published and not started. A
/// cancelled or past event sends no confirmation and hands out no seat.
pub(super) async fn takes_part(conn: &mut impl Sql, event: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
    Ok(events::for_change(conn, event).await?.is_some_and(|e| e.status == EventStatus::Published && now < e.starts_at))
}

pub(super) async fn by_id(conn: &mut impl Sql, id: Uuid) -> StoreResult<Option<Registration>> {
    conn.fetch_optional(Statement::new(BY_ID).bind(id), rows::registration).await
}

/// A registration of this event, if it is one.
pub(super) async fn of_this_event(conn: &mut impl Sql, event: Uuid, id: Uuid) -> StoreResult<Option<Registration>> {
    Ok(by_id(conn, id).await?.filter(|r| r.event_id == event))
}

/// Every change of an existing registration to cancelled or confirmed goes
/// through here (a cancellation, a removal, a promotion, an accepted
/// offer...), so that webhooks hear of each in its transaction.
pub(super) async fn set_status(
    conn: &mut impl Sql,
    event: Uuid,
    id: Uuid,
    status: RegistrationStatus,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    conn.execute(Statement::new(SET_STATUS).bind(id).bind(status.code()).bind(now)).await?;
    let reported = match status {
        RegistrationStatus::Cancelled => WebhookEvent::RegistrationCancelled,
        RegistrationStatus::Confirmed => WebhookEvent::RegistrationPromoted,
        _ => return Ok(()),
    };
    webhooks::emit(conn, &[Hook::registration(reported, event, id, status.code(), now)]).await
}

pub(super) async fn move_counts(
    conn: &mut impl Sql,
    event: Uuid,
    confirmed: i64,
    waitlisted: i64,
    offered: i64,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let statement = Statement::new(MOVE_COUNTS).bind(event).bind(confirmed).bind(waitlisted).bind(offered);
    conn.execute(statement.bind(now)).await?;
    Ok(())
}

/// Takes `registration`'s place out of its event's counts: it leaves.
pub(super) async fn leave(conn: &mut impl Sql, registration: &Registration, now: DateTime<Utc>) -> StoreResult<()> {
    let (confirmed, waitlisted, offered) = match registration.status {
        RegistrationStatus::Confirmed => (-1, 0, 0),
        RegistrationStatus::Waitlisted => (0, -1, 0),
        RegistrationStatus::Offered => (0, 0, -1),
        RegistrationStatus::Cancelled | RegistrationStatus::Expired => return Ok(()),
    };
    move_counts(conn, registration.event_id, confirmed, waitlisted, offered, now).await
}
