//! Certificates of attendance: the public id a person gets with their first
//! attended slot, what a certificate says (read back from attendance), and
//! the emails that carry them after the event. Written once for both
//! backends over `Sql`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::rows::{self, registration_columns};
use super::statement::{Sql, Statement};
use super::{StoreResult, events, outbox};
use crate::domain::{Certificate, EventStatus, MessageKind};

/// Gives registration `$1` its certificate's public id `$2`, once.
const GIVE_ID: &str = "UPDATE registrations SET certificate_id = $2 WHERE id = $1 AND certificate_id IS NULL";
/// A confirmed registration that has a certificate id, by `$1`.
macro_rules! holder {
    ($by:literal) => {
        concat!(
            "SELECT ",
            registration_columns!(),
            ", r.certificate_id, r.checked_in_at FROM registrations r \
             WHERE r.",
            $by,
            " = $1 AND r.status = 'confirmed' AND r.certificate_id IS NOT NULL"
        )
    };
}
const BY_REGISTRATION: &str = holder!("id");
const BY_CERTIFICATE: &str = holder!("certificate_id");
const PRESENT: &str = "SELECT slot, checked_in_at, signed_at FROM attendance \
     WHERE registration_id = $1 AND (checked_in_at IS NOT NULL OR signed_at IS NOT NULL)";
/// Confirmed people of `r.event_id = $1` present at a slot, at the door or by
/// signature, or checked in before slots existed.
macro_rules! attendees {
    ($more:literal) => {
        concat!(
            "SELECT r.id, r.email, r.language FROM registrations r \
             WHERE r.event_id = $1 AND r.status = 'confirmed' AND r.certificate_id IS NOT NULL \
               AND (r.checked_in_at IS NOT NULL OR EXISTS (SELECT 1 FROM attendance a \
                    WHERE a.registration_id = r.id AND (a.checked_in_at IS NOT NULL OR a.signed_at IS NOT NULL))) ",
            $more,
            " ORDER BY r.created_at"
        )
    };
}
/// Those not sent theirs yet.
const NOT_SENT: &str = attendees!("AND r.certificate_sent_at IS NULL");
/// Everyone's again.
const EVERYONE: &str = attendees!("");
/// One person's again.
const ONE: &str = attendees!("AND r.id = $2");
const SENT: &str = "UPDATE registrations SET certificate_sent_at = $2 WHERE id = $1";

/// After a person's first attended slot: their certificate's id, random
/// (not derived from anything a reader could know).
pub async fn give_id(conn: &mut impl Sql, registration: Uuid) -> StoreResult<()> {
    let id = crate::token::new_certificate_id();
    conn.execute(Statement::new(GIVE_ID).bind(registration).bind(id)).await?;
    Ok(())
}

/// The certificate of a registration, if they attended a slot.
pub async fn of_registration(conn: &mut impl Sql, registration: Uuid) -> StoreResult<Option<Certificate>> {
    certificate(conn, Statement::new(BY_REGISTRATION).bind(registration)).await
}

/// The certificate with this public id, if it still stands.
pub async fn by_public_id(conn: &mut impl Sql, id: &str) -> StoreResult<Option<Certificate>> {
    certificate(conn, Statement::new(BY_CERTIFICATE).bind(id)).await
}

async fn certificate(conn: &mut impl Sql, holder: Statement) -> StoreResult<Option<Certificate>> {
    let read = |row: &dyn super::statement::Columns| {
        Ok((rows::registration(row)?, row.get::<String>("certificate_id")?, row.get("checked_in_at")?))
    };
    let Some((registration, id, legacy)) = conn.fetch_optional(holder, read).await? else { return Ok(None) };
    let Some(event) = events::by_id(conn, registration.event_id).await? else { return Ok(None) };
    // Each slot at its first mark, at the door or by signature.
    let present: Vec<(String, Option<DateTime<Utc>>)> = conn
        .fetch_all(Statement::new(PRESENT).bind(registration.id), |row| {
            let (door, signed): (Option<DateTime<Utc>>, Option<DateTime<Utc>>) =
                (row.get("checked_in_at")?, row.get("signed_at")?);
            Ok((row.get("slot")?, door.into_iter().chain(signed).min()))
        })
        .await?;
    let present: HashMap<String, DateTime<Utc>> =
        present.into_iter().filter_map(|(slot, at)| at.map(|at| (slot, at))).collect();
    Ok(Certificate::new(id, event, registration, &present, legacy))
}

/// Which certificates to email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipients {
    /// Those not sent theirs yet (after the event).
    NotSentYet,
    /// Every attendee's again (an organizer asked).
    Everyone,
    One(Uuid),
}

/// Queues the certificates of `event`'s attendees; returns how many. An
/// event that did not take place (cancelled) has none.
pub async fn send(conn: &mut impl Sql, event: Uuid, to: Recipients, now: DateTime<Utc>) -> StoreResult<usize> {
    let Some(event) = events::by_id(conn, event).await? else { return Ok(0) };
    if event.status == EventStatus::Cancelled {
        return Ok(0);
    }
    let query = match to {
        Recipients::NotSentYet => Statement::new(NOT_SENT).bind(event.id),
        Recipients::Everyone => Statement::new(EVERYONE).bind(event.id),
        Recipients::One(registration) => Statement::new(ONE).bind(event.id).bind(registration),
    };
    let people = conn.fetch_all(query, outbox::recipient).await?;
    if people.is_empty() {
        return Ok(0);
    }
    let messages = people
        .iter()
        .map(|p| outbox::message_row(p.registration, MessageKind::Certificate, &p.email, &p.language, None, now))
        .collect();
    conn.execute(Statement::new(outbox::INSERT_MESSAGES).push_rows(messages, "")).await?;
    for person in &people {
        conn.execute(Statement::new(SENT).bind(person.registration).bind(now)).await?;
    }
    Ok(people.len())
}
