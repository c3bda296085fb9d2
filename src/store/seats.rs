//! The sign-up decision: for a run of sign-ups, in order, who gets a seat,
//! who a waiting-list ticket, who is refused, and the rows that records.
//! Made in memory from each event's counts as the run goes, it is the same
//! whichever way the rows are then written: the SQLite writer's, one row a
//! statement on its borrowed handle (`sqlite::sign_ups`), or the sqlx
//! path's, a few multi-row statements (`registrations::register_many`,
//! PostgreSQL).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::outbox::message_row;
use super::statement::Value;
use crate::domain::{
    Event, Hook, MessageKind, NewRegistration, RegisterOutcome, Registration, RegistrationStatus, WebhookEvent,
    registration_refusal, seat_for,
};

/// An event's seats as sign-ups change them.
pub struct EventSeats {
    pub event: Event,
    /// The last waiting-list ticket handed out.
    pub waitlist_seq: i64,
    /// When a sign-up last changed its counts, if one did.
    pub changed: Option<DateTime<Utc>>,
}

/// Where one sign-up landed.
#[derive(Debug, Clone, Copy)]
pub struct Seat {
    pub status: RegistrationStatus,
    /// The waiting-list ticket (its order) and position (its rank among the
    /// people waiting), for a sign-up on the waiting list.
    pub ticket: Option<i64>,
    pub position: Option<i64>,
    /// This sign-up took the last seat: the organizers may want to know.
    pub fills: bool,
}

impl EventSeats {
    pub fn new(event: Event, waitlist_seq: i64) -> Self {
        Self { event, waitlist_seq, changed: None }
    }

    /// Gives the next sign-up a seat, or a ticket once the seats are gone.
    /// The caller has checked that the sign-up is allowed.
    pub fn take(&mut self, now: DateTime<Utc>) -> Seat {
        let taken = self.event.confirmed_count + self.event.offered_count;
        let status = seat_for(self.event.capacity, taken, self.event.waitlisted_count);
        self.changed = Some(now);
        if status == RegistrationStatus::Waitlisted {
            self.waitlist_seq += 1;
            self.event.waitlisted_count += 1;
            Seat { status, ticket: Some(self.waitlist_seq), position: Some(self.event.waitlisted_count), fills: false }
        } else {
            self.event.confirmed_count += 1;
            let fills = self.event.confirmed_count + self.event.offered_count == self.event.capacity;
            Seat { status, ticket: None, position: None, fills }
        }
    }

    /// The row of `SET_EVENT_COUNTS` for this event, if sign-ups changed it.
    pub fn counts_row(&self) -> Option<Vec<Value>> {
        let changed = self.changed?;
        Some(vec![
            self.event.confirmed_count.into(),
            self.event.waitlisted_count.into(),
            self.waitlist_seq.into(),
            changed.into(),
            self.event.id.into(),
        ])
    }
}

impl Seat {
    /// The email this sign-up gets.
    pub fn message(&self) -> MessageKind {
        if self.position.is_some() { MessageKind::Waitlisted } else { MessageKind::Confirmed }
    }

    /// The registration as the person sees it once it is stored.
    pub fn registration(&self, new: &NewRegistration, now: DateTime<Utc>) -> Registration {
        new.stored(self.status, self.position, now)
    }
}

/// What a run of sign-ups decided, and the rows to write for it.
#[derive(Default)]
pub struct SignUps {
    /// One per sign-up, in order.
    pub outcomes: Vec<RegisterOutcome>,
    /// Rows of `INSERT_REGISTRATIONS`.
    pub registrations: Vec<Vec<Value>>,
    /// Rows of `INSERT_ANSWER`.
    pub answers: Vec<Vec<Value>>,
    /// Rows of `outbox::INSERT_MESSAGES`.
    pub messages: Vec<Vec<Value>>,
    /// (event, registration, when) for each sign-up that took an event's
    /// last seat: the organizers who asked are told.
    pub filled: Vec<(Uuid, Uuid, DateTime<Utc>)>,
    /// What webhooks hear: a registration.created a sign-up.
    pub hooks: Vec<Hook>,
}

/// Decides each sign-up of `batch` in order, each at its own time: checks
/// the event's rules, refuses a second registration (`taken` holds the
/// (event, email) pairs already registered), and takes a seat or a
/// waiting-list ticket from `events`, which the caller read for the run.
pub fn decide(
    batch: &[(&NewRegistration, DateTime<Utc>)],
    events: &mut HashMap<Uuid, EventSeats>,
    taken: &mut HashSet<(Uuid, String)>,
) -> SignUps {
    let mut run = SignUps { outcomes: Vec::with_capacity(batch.len()), ..SignUps::default() };
    for &(new, now) in batch {
        let Some(seats) = events.get_mut(&new.event_id) else {
            run.outcomes.push(RegisterOutcome::EventNotFound);
            continue;
        };
        if let Some(refusal) = registration_refusal(&seats.event, new.level, now) {
            run.outcomes.push(RegisterOutcome::Refused(refusal));
            continue;
        }
        if !taken.insert((new.event_id, new.email.as_str().to_owned())) {
            run.outcomes.push(RegisterOutcome::AlreadyRegistered);
            continue;
        }
        let seat = seats.take(now);
        if seat.fills {
            run.filled.push((new.event_id, new.id, now));
        }
        run.registrations.push(registration_row(new, &seat, now));
        for (question, answer) in &new.answers {
            run.answers.push(vec![new.id.into(), (*question).into(), answer.as_str().into(), new.event_id.into()]);
        }
        let language = new.language.code();
        run.messages.push(message_row(new.id, seat.message(), new.email.as_str(), language, seat.position, now));
        let created = WebhookEvent::RegistrationCreated;
        run.hooks.push(Hook::registration(created, new.event_id, new.id, seat.status.code(), now));
        run.outcomes.push(RegisterOutcome::Registered(seat.registration(new, now)));
    }
    run
}

/// A row of `INSERT_REGISTRATIONS`: consented to, created and updated now.
fn registration_row(new: &NewRegistration, seat: &Seat, now: DateTime<Utc>) -> Vec<Value> {
    vec![
        new.id.into(),
        new.event_id.into(),
        new.name.as_str().into(),
        new.email.as_str().into(),
        new.institution.as_deref().into(),
        new.level.code().into(),
        seat.status.code().into(),
        seat.ticket.into(),
        new.token_salt.as_slice().into(),
        new.cancel_key.0.as_slice().into(),
        new.language.code().into(),
        now.into(),
        now.into(),
        now.into(),
        new.consent_version.as_deref().into(),
    ]
}
