//! Changes to who a registration is: the person corrects their name or
//! institution, an organizer edits any of their details, the person gives
//! their seat to a colleague, or asks for their links again. Written once
//! for both backends over `Sql`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::statement::{Sql, Statement};
use super::{StoreResult, events, outbox, registrations, webhooks};
use crate::domain::{
    Corrected, Correction, EventStatus, Hook, MessageKind, NewRegistration, Refusal, Registration, RegistrationEdit,
    RegistrationStatus, Transferred, WebhookEvent,
};
use crate::token::CancelLookup;

const SET_DETAILS: &str =
    "UPDATE registrations SET name = $2, email = $3, institution = $4, level = $5, updated_at = $6 WHERE id = $1";
/// The ticket and offer a registration holds, to hand on.
const PLACE: &str = "SELECT waitlist_seq, offer_expires_at FROM registrations WHERE id = $1";
/// The colleague takes the place as it is: the same status, the same
/// waiting-list ticket, the same offer deadline.
const INSERT_IN_PLACE: &str = "INSERT INTO registrations (id, event_id, name, email, institution, level, status, \
     waitlist_seq, token_salt, cancel_key, language, consent_at, created_at, updated_at, consent_version, \
     offer_expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $12, $13, $14)";
/// The offer's deadline now ends the colleague's offer.
const MOVE_OFFER_JOB: &str = "UPDATE scheduled_jobs SET registration_id = $2 \
     WHERE registration_id = $1 AND kind = 'offer_expiry' AND done_at IS NULL";
/// Active registrations of `$1` (events compared in Rust: their end).
const ACTIVE_OF_ADDRESS: &str = "SELECT r.id, r.email, r.language, e.ends_at FROM registrations r JOIN events e ON e.id = r.event_id \
     WHERE r.email = $1 AND r.status IN ('confirmed', 'waitlisted', 'offered') AND e.status = 'published'";

/// The person corrects their name or institution, from their link, until
/// the event starts.
pub async fn correct(
    conn: &mut impl Sql,
    token: &CancelLookup,
    correction: &Correction,
    now: DateTime<Utc>,
) -> StoreResult<Corrected> {
    let Some(registration) = registrations::by_token(conn, token).await? else { return Ok(Corrected::NotFound) };
    let Some(event) = events::by_id(conn, registration.event_id).await? else { return Ok(Corrected::NotFound) };
    if now >= event.starts_at {
        return Ok(Corrected::EventStarted);
    }
    let edit = RegistrationEdit {
        name: correction.name.clone(),
        institution: correction.institution.clone(),
        ..Default::default()
    };
    save(conn, registration, &edit, now).await
}

/// An organizer edits a registration of their event (at any time: a name
/// on a certificate may need fixing after the event). A new address of a
/// person still in an event ahead gets their confirmation again.
pub async fn edit(
    conn: &mut impl Sql,
    event: Uuid,
    id: Uuid,
    edit: &RegistrationEdit,
    now: DateTime<Utc>,
) -> StoreResult<Corrected> {
    let Some(event) = events::for_change(conn, event).await? else { return Ok(Corrected::NotFound) };
    let Some(registration) = registrations::of_this_event(conn, event.id, id).await? else {
        return Ok(Corrected::NotFound);
    };
    if let Some(email) = &edit.email
        && email.as_str() != registration.email
        && registration.status.is_active()
    {
        let taken = Statement::new(registrations::ACTIVE_REGISTRATION).bind(event.id).bind(email.as_str());
        if conn.fetch_optional(taken, |_| Ok(())).await?.is_some() {
            return Ok(Corrected::AlreadyRegistered);
        }
    }
    let corrected = save(conn, registration, edit, now).await?;
    if let Corrected::Corrected { registration, fields } = &corrected
        && fields.contains(&"email")
        && event.status == EventStatus::Published
        && now < event.starts_at
        && let Some(kind) = status_message(registration.status)
    {
        let to = registrations::recipient_of(registration);
        outbox::enqueue(conn, &to, kind, registration.waitlist_position, now).await?;
    }
    Ok(corrected)
}

/// Writes the fields `edit` changes; an anonymised registration has none
/// left to change.
async fn save(
    conn: &mut impl Sql,
    registration: Registration,
    edit: &RegistrationEdit,
    now: DateTime<Utc>,
) -> StoreResult<Corrected> {
    if registration.anonymised_at.is_some() {
        return Ok(Corrected::NotFound);
    }
    let mut fields = Vec::new();
    let mut changed = registration.clone();
    if let Some(name) = &edit.name
        && name.as_str() != registration.name
    {
        changed.name = name.as_str().to_owned();
        fields.push("name");
    }
    if let Some(email) = &edit.email
        && email.as_str() != registration.email
    {
        changed.email = email.as_str().to_owned();
        fields.push("email");
    }
    if let Some(institution) = &edit.institution
        && institution.as_deref() != registration.institution.as_deref()
    {
        changed.institution = institution.as_deref().map(str::to_owned);
        fields.push("institution");
    }
    if let Some(level) = edit.level
        && level != registration.level
    {
        changed.level = level;
        fields.push("level");
    }
    if !fields.is_empty() {
        let statement = Statement::new(SET_DETAILS)
            .bind(changed.id)
            .bind(changed.name.as_str())
            .bind(changed.email.as_str())
            .bind(changed.institution.as_deref())
            .bind(changed.level.code());
        conn.execute(statement.bind(now)).await?;
    }
    Ok(Corrected::Corrected { registration: changed, fields })
}

/// The message that tells a person where their registration stands.
pub(super) fn status_message(status: RegistrationStatus) -> Option<MessageKind> {
    match status {
        RegistrationStatus::Confirmed => Some(MessageKind::Confirmed),
        RegistrationStatus::Waitlisted => Some(MessageKind::Waitlisted),
        RegistrationStatus::Offered => Some(MessageKind::Offered),
        RegistrationStatus::Cancelled | RegistrationStatus::Expired => None,
    }
}

/// The person gives their place to `new`: the colleague takes it as it is
/// (a seat, a place on the waiting list, an offer with its deadline), so
/// nobody waiting is passed or moved; the counts do not change. The event's
/// rules and the one-per-email rule apply to the colleague.
pub async fn transfer(
    conn: &mut impl Sql,
    token: &CancelLookup,
    new: &NewRegistration,
    now: DateTime<Utc>,
) -> StoreResult<Transferred> {
    let found = conn.fetch_optional(registrations::event_of_cancel_link(token), |row| row.get::<Uuid>("event_id"));
    let Some(event) = found.await? else { return Ok(Transferred::NotFound) };
    let Some(event) = events::for_change(conn, event).await? else { return Ok(Transferred::NotFound) };
    let Some(old) = registrations::by_token(conn, token).await? else { return Ok(Transferred::NotFound) };
    if !old.status.is_active() {
        return Ok(Transferred::NotActive);
    }
    if now >= event.starts_at {
        return Ok(Transferred::EventStarted);
    }
    if event.status == EventStatus::Cancelled {
        return Ok(Transferred::Refused(Refusal::EventCancelled));
    }
    if !event.admits(new.level) {
        return Ok(Transferred::Refused(Refusal::LevelNotAdmitted));
    }
    let taken = Statement::new(registrations::ACTIVE_REGISTRATION).bind(event.id).bind(new.email.as_str());
    if conn.fetch_optional(taken, |_| Ok(())).await?.is_some() {
        return Ok(Transferred::AlreadyRegistered);
    }
    let place = Statement::new(PLACE).bind(old.id);
    let (ticket, offer): (Option<i64>, Option<DateTime<Utc>>) =
        conn.fetch_one(place, |row| Ok((row.get("waitlist_seq")?, row.get("offer_expires_at")?))).await?;
    // The old one leaves first: its ticket is the colleague's.
    registrations::set_status(conn, event.id, old.id, RegistrationStatus::Cancelled, now).await?;
    let insert = Statement::new(INSERT_IN_PLACE)
        .bind(new.id)
        .bind(event.id)
        .bind(new.name.as_str())
        .bind(new.email.as_str())
        .bind(new.institution.as_deref())
        .bind(new.level.code())
        .bind(old.status.code())
        .bind(ticket)
        .bind(new.token_salt.as_slice())
        .bind(new.cancel_key.0.as_slice())
        .bind(new.language.code());
    conn.execute(insert.bind(now).bind(new.consent_version.as_deref()).bind(offer)).await?;
    for (question, answer) in &new.answers {
        let answer = Statement::new(registrations::INSERT_ANSWER).bind(new.id).bind(*question).bind(answer.as_str());
        conn.execute(answer.bind(event.id)).await?;
    }
    conn.execute(Statement::new(MOVE_OFFER_JOB).bind(old.id).bind(new.id)).await?;
    let taken_over = Registration { offer_expires_at: offer, ..new.stored(old.status, old.waitlist_position, now) };
    let created = WebhookEvent::RegistrationCreated;
    webhooks::emit(conn, &[Hook::registration(created, event.id, new.id, old.status.code(), now)]).await?;
    outbox::enqueue(conn, &registrations::recipient_of(&old), MessageKind::Transferred, None, now).await?;
    if let Some(kind) = status_message(taken_over.status) {
        let to = registrations::recipient_of(&taken_over);
        outbox::enqueue(conn, &to, kind, taken_over.waitlist_position, now).await?;
    }
    Ok(Transferred::Transferred(taken_over))
}

/// Queues the link to each of `email`'s registrations still to come;
/// returns how many.
pub async fn send_links(conn: &mut impl Sql, email: &str, now: DateTime<Utc>) -> StoreResult<usize> {
    let statement = Statement::new(ACTIVE_OF_ADDRESS).bind(email);
    let found = conn.fetch_all(statement, |row| Ok((outbox::recipient(row)?, row.get("ends_at")?))).await?;
    let mut sent = 0;
    for (to, _) in found.into_iter().filter(|(_, ends_at): &(_, DateTime<Utc>)| *ends_at > now) {
        outbox::enqueue(conn, &to, MessageKind::Link, None, now).await?;
        sent += 1;
    }
    Ok(sent)
}
