//! People's data and its end: anonymising registrations (at the person's
//! request, or when retention runs out), purging the text of sent emails,
//! and everything stored about one person, for them to download. Written
//! once for both backends over `Sql`.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::statement::{Sql, Statement};
use super::{StoreError, StoreResult, events, offers, registrations, rows};
use crate::domain::{
    Announcement, Erased, MessageKind, PersonalData, Purged, RegistrationStatus, RetentionPolicy, SentEmail,
};
use crate::token::{CancelLookup, new_salt};

/// People anonymised in one transaction by retention: the first run on
/// years of data goes in parts, so that sign-ups never wait behind it.
pub(super) const ANONYMISED_AT_ONCE: usize = 500;

/// The name, email, institution, certificate id and link of registration
/// `$1` go; `$2` is a placeholder email unique to the row (the one-per-email
/// index), `$3` and `$4` a fresh salt and a key no link can match (a real
/// key is longer: it leads with the id).
const ANONYMISE: &str = "UPDATE registrations SET name = '', email = $2, institution = NULL, token_salt = $3, \
     cancel_key = $4, older_link = NULL, certificate_id = NULL, anonymised_at = $5, updated_at = $5 \
     WHERE id = $1 AND anonymised_at IS NULL";
const FORGET_ANSWERS: &str = "DELETE FROM registration_answers WHERE registration_id = $1";
/// Messages about the person keep only their delivery record (kind, dates,
/// state); those not sent yet never will be.
const PURGE_MESSAGES: &str = "UPDATE outbox SET recipient = '', body = NULL, details = NULL, \
     last_error = CASE WHEN status = 'pending' THEN 'erased' ELSE last_error END, \
     status = CASE WHEN status = 'pending' THEN 'failed' ELSE status END, locked_until = NULL \
     WHERE registration_id = $1";
/// Events over by `$1` whose people are not anonymised yet (times compare
/// in Rust: text times of different precision do not compare in SQLite).
const EVENTS_OVER: &str = "SELECT id, ends_at, retention_days FROM events \
     WHERE personal_data_erased_at IS NULL AND ends_at <= $1";
const NOT_ANONYMISED_OF_EVENT: &str = "SELECT id FROM registrations WHERE event_id = $1 AND anonymised_at IS NULL";
const EVENT_ERASED: &str = "UPDATE events SET personal_data_erased_at = $2 WHERE id = $1";
const LEFT_NOT_ANONYMISED: &str = "SELECT id, status, cancelled_at, offer_expires_at FROM registrations \
     WHERE anonymised_at IS NULL AND status IN ('cancelled', 'expired')";
const SENT_WITH_TEXT: &str =
    "SELECT id, sent_at FROM outbox WHERE status = 'sent' AND (body IS NOT NULL OR details IS NOT NULL)";
const PURGE_BODY: &str = "UPDATE outbox SET body = NULL, details = NULL WHERE id = $1";
const ANSWERS: &str = "SELECT q.label, a.answer FROM registration_answers a \
     JOIN event_questions q ON q.id = a.question_id WHERE a.registration_id = $1 ORDER BY q.position";
const MESSAGES: &str = "SELECT kind, created_at, sent_at, status, subject, body, details, waitlist_position \
     FROM outbox WHERE registration_id = $1 AND recipient = $2 ORDER BY id";

/// Removes everything personal from these registrations, in the caller's
/// transaction; returns how many were not anonymised before.
pub(super) async fn anonymise(conn: &mut impl Sql, ids: &[Uuid], now: DateTime<Utc>) -> StoreResult<i64> {
    let mut anonymised = 0;
    for &id in ids {
        let (salt, key) = (new_salt(), new_salt());
        let statement =
            Statement::new(ANONYMISE).bind(id).bind(id.to_string()).bind(salt.as_slice()).bind(key.as_slice());
        if conn.execute(statement.bind(now)).await? == 0 {
            continue;
        }
        anonymised += 1;
        conn.execute(Statement::new(FORGET_ANSWERS).bind(id)).await?;
        conn.execute(Statement::new(PURGE_MESSAGES).bind(id)).await?;
    }
    Ok(anonymised)
}

/// The person erases their data, from their link. Before the event their
/// seat is given up first (and goes on as usual); after it, only the
/// anonymous counts stay.
pub async fn erase(conn: &mut impl Sql, token: &CancelLookup, now: DateTime<Utc>) -> StoreResult<Erased> {
    let found = conn.fetch_optional(registrations::event_of_cancel_link(token), |row| row.get::<Uuid>("event_id"));
    let Some(event) = found.await? else { return Ok(Erased::NotFound) };
    let Some(event) = events::for_change(conn, event).await? else { return Ok(Erased::NotFound) };
    let Some(registration) = registrations::by_token(conn, token).await? else { return Ok(Erased::NotFound) };
    let (mut cancelled, mut promoted) = (false, None);
    if registration.status.is_active() && now < event.starts_at {
        registrations::set_status(conn, event.id, registration.id, RegistrationStatus::Cancelled, now).await?;
        registrations::leave(conn, &registration, now).await?;
        promoted = offers::fill_free_seats(conn, event.id, now).await?.first().copied();
        cancelled = true;
    }
    anonymise(conn, &[registration.id], now).await?;
    Ok(Erased::Erased { cancelled, promoted })
}

/// One run of retention: the people of events over for longer than their
/// retention, people who left long enough ago, the text of old sent
/// emails and old webhook deliveries. At most `ANONYMISED_AT_ONCE` people; `more` when some are left.
pub async fn retention(
    conn: &mut impl Sql,
    policy: &RetentionPolicy,
    now: DateTime<Utc>,
) -> StoreResult<(Purged, bool)> {
    let mut due: Vec<Uuid> = Vec::new();
    let over = Statement::new(EVENTS_OVER).bind(now);
    let events: Vec<(Uuid, DateTime<Utc>, Option<i64>)> =
        conn.fetch_all(over, |row| Ok((row.get("id")?, row.get("ends_at")?, row.get("retention_days")?))).await?;
    let expired = events.into_iter().map(|(event, ends_at, days)| (event, policy.event_expires_at(ends_at, days)));
    for (event, expires_at) in expired.filter(|(_, at)| *at <= now) {
        let people = Statement::new(NOT_ANONYMISED_OF_EVENT).bind(event);
        let people: Vec<Uuid> = conn.fetch_all(people, |row| row.get("id")).await?;
        let room = ANONYMISED_AT_ONCE.saturating_sub(due.len());
        if people.len() > room {
            due.extend(people.into_iter().take(room));
            break;
        }
        tracing::debug!(%event, %expires_at, "retention: the event's people are anonymised");
        due.extend(people);
        conn.execute(Statement::new(EVENT_ERASED).bind(event).bind(now)).await?;
    }
    let left_before = now - Duration::days(policy.days_after_cancellation);
    let left = conn
        .fetch_all(Statement::new(LEFT_NOT_ANONYMISED), |row| {
            let status: String = row.get("status")?;
            let at: Option<DateTime<Utc>> =
                if status == "cancelled" { row.get("cancelled_at")? } else { row.get("offer_expires_at")? };
            Ok((row.get::<Uuid>("id")?, at))
        })
        .await?;
    let room = ANONYMISED_AT_ONCE.saturating_sub(due.len());
    let mut left: Vec<Uuid> =
        left.into_iter().filter(|(_, at)| at.is_some_and(|at| at <= left_before)).map(|(id, _)| id).collect();
    let more = left.len() > room || due.len() >= ANONYMISED_AT_ONCE;
    left.truncate(room);
    due.extend(left);
    let anonymised = anonymise(conn, &due, now).await?;
    let sent_before = now - Duration::days(policy.days_for_sent_bodies);
    let sent = conn
        .fetch_all(Statement::new(SENT_WITH_TEXT), |row| {
            Ok((row.get::<Uuid>("id")?, row.get::<Option<DateTime<Utc>>>("sent_at")?))
        })
        .await?;
    let mut bodies = 0;
    for (id, _) in sent.into_iter().filter(|(_, at)| at.is_some_and(|at| at <= sent_before)) {
        bodies += conn.execute(Statement::new(PURGE_BODY).bind(id)).await? as i64;
    }
    // Webhook deliveries done with are shown to organizers as long as sent
    // emails keep their text, then forgotten, so that the table does not
    // grow with every change for ever.
    super::webhooks::forget_done(conn, sent_before).await?;
    Ok((Purged { anonymised, bodies }, more))
}

/// Everything stored about the registration behind this link.
pub async fn of_person(conn: &mut impl Sql, token: &CancelLookup) -> StoreResult<Option<PersonalData>> {
    let Some(registration) = registrations::by_token(conn, token).await? else { return Ok(None) };
    let event = events::by_id(conn, registration.event_id)
        .await?
        .ok_or_else(|| StoreError::Corrupt("registration without its event".into()))?;
    let answers = Statement::new(ANSWERS).bind(registration.id);
    let answers = conn.fetch_all(answers, |row| Ok((row.get("label")?, row.get("answer")?))).await?;
    let messages = Statement::new(MESSAGES).bind(registration.id).bind(registration.email.as_str());
    let emails = conn.fetch_all(messages, sent_email).await?;
    Ok(Some(PersonalData {
        consented_at: registration.consented_at,
        consent_version: registration.consent_version.clone(),
        registration,
        event,
        answers,
        emails,
    }))
}

fn sent_email(row: &dyn super::statement::Columns) -> StoreResult<SentEmail> {
    let kind: String = row.get("kind")?;
    let announcement = match (row.get::<Option<String>>("subject")?, row.get::<Option<String>>("body")?) {
        (Some(subject), body) => Some(Announcement { subject, body: body.unwrap_or_default() }),
        (None, _) => None,
    };
    Ok(SentEmail {
        kind: MessageKind::from_code(&kind).ok_or_else(|| rows::corrupt("message kind", &kind))?,
        queued_at: row.get("created_at")?,
        sent_at: row.get("sent_at")?,
        status: row.get("status")?,
        announcement,
        details: row.get("details")?,
        waitlist_position: row.get("waitlist_position")?,
        subject: String::new(),
    })
}
