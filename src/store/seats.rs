//! Seat decisions for a run of sign-ups, made in memory from an event's
//! counts as the run goes. Both ways of running sign-ups share them: the
//! sqlx one (`changes::register_many`, PostgreSQL and the SQLite writer's
//! fallback) and the SQLite writer's own (`sqlite::sign_ups`).

use chrono::{DateTime, Utc};

use crate::domain::{Event, MessageKind, NewRegistration, Registration, RegistrationStatus, seat_for};

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
        let status = seat_for(self.event.capacity, self.event.confirmed_count);
        self.changed = Some(now);
        if status == RegistrationStatus::Waitlisted {
            self.waitlist_seq += 1;
            self.event.waitlisted_count += 1;
            Seat { status, ticket: Some(self.waitlist_seq), position: Some(self.event.waitlisted_count), fills: false }
        } else {
            self.event.confirmed_count += 1;
            Seat { status, ticket: None, position: None, fills: self.event.confirmed_count == self.event.capacity }
        }
    }
}

impl Seat {
    /// The email this sign-up gets.
    pub fn message(&self) -> MessageKind {
        if self.position.is_some() { MessageKind::Waitlisted } else { MessageKind::Confirmed }
    }

    /// The registration as the person sees it once it is stored.
    pub fn registration(&self, new: &NewRegistration, now: DateTime<Utc>) -> Registration {
        Registration {
            id: new.id,
            event_id: new.event_id,
            name: new.name.as_str().to_owned(),
            email: new.email.as_str().to_owned(),
            institution: new.institution.as_deref().map(str::to_owned),
            level: new.level,
            status: self.status,
            waitlist_position: self.position,
            language: new.language,
            created_at: now,
            cancelled_at: None,
        }
    }
}
