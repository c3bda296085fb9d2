//! Sign-ups on the SQLite writer's borrowed handle (see `handle`): the
//! decision is the shared one (`seats::decide`), the rows are written one
//! a statement, since a statement run again here costs microseconds rather
//! than a hand-off.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::handle;
use crate::domain::{MessageKind, NewRegistration, RegisterOutcome};
use crate::store::StoreResult;
use crate::store::outbox::{self, INSERT_MESSAGE};
use crate::store::registrations::{
    ACTIVE_REGISTRATION, EVENT_WITH_TICKET, INSERT_ANSWER, INSERT_REGISTRATION, SET_EVENT_COUNTS,
};
use crate::store::rows;
use crate::store::seats::{self, EventSeats};
use crate::store::statement::Statement;
use crate::store::webhooks;

/// Signs people up in the order given, each at its own time, inside the
/// open transaction, and queues their emails.
pub fn register(db: &Connection, batch: &[(&NewRegistration, DateTime<Utc>)]) -> StoreResult<Vec<RegisterOutcome>> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let mut events: HashMap<_, EventSeats> = HashMap::new();
    let mut taken = HashSet::new();
    for (new, _) in batch {
        if !events.contains_key(&new.event_id) {
            let read = Statement::new(EVENT_WITH_TICKET).bind(new.event_id);
            if let Some((event, seq)) = handle::fetch_optional(db, &read, rows::event_with_ticket)? {
                events.insert(event.id, EventSeats::new(event, seq));
            }
        }
        let registered = Statement::new(ACTIVE_REGISTRATION).bind(new.event_id).bind(new.email.as_str());
        if handle::fetch_optional(db, &registered, rows::nothing)?.is_some() {
            taken.insert((new.event_id, new.email.as_str().to_owned()));
        }
    }

    let run = seats::decide(batch, &mut events, &mut taken);
    let write = |sql: &'static str, values| handle::execute(db, &Statement { values, ..Statement::new(sql) });
    for registration in run.registrations {
        write(INSERT_REGISTRATION, registration)?;
    }
    for answer in run.answers {
        write(INSERT_ANSWER, answer)?;
    }
    for message in run.messages {
        write(INSERT_MESSAGE, message)?;
    }
    // What webhooks hear, as `webhooks::emit` queues it.
    let mut subscribers = HashMap::new();
    for hook in &run.hooks {
        let endpoints = match subscribers.entry(hook.event) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(new) => {
                new.insert(handle::fetch_all(db, &webhooks::subscribed(hook.event), webhooks::subscriber)?)
            }
        };
        for insert in webhooks::deliveries_of(hook, endpoints) {
            handle::execute(db, &insert)?;
        }
    }
    for counts in events.values().filter_map(EventSeats::counts_row) {
        write(SET_EVENT_COUNTS, counts)?;
    }
    for (event, registration, now) in run.filled {
        let kind = MessageKind::OrganizerFull;
        let organizers = handle::fetch_all(db, &outbox::organizers_to_notify(event, kind), outbox::organizer_email)?;
        for email in organizers {
            write(INSERT_MESSAGE, outbox::notification(registration, kind, &email, now))?;
        }
    }
    Ok(run.outcomes)
}
