//! Every change of state, one function each, grouped by aggregate; and the
//! reads handlers need (`queries`).
//!
//! Data flows one way: HTTP → handler → operation → store → outbox → mail
//! worker → SMTP. An operation takes the state it needs and who acts (an
//! `Actor`), validates, runs one store change (one transaction, with its
//! history entry), wakes the mail worker when it queued mail, invalidates
//! what it touched in the caches, and logs. The JSON API, the back-office,
//! the public pages, the command line and the demo loader all call these;
//! none of them uses the store.

pub mod account_lifecycle;
pub mod accounts;
pub mod attendance;
pub mod certificates;
pub mod events;
pub mod mail;
pub mod people;
pub mod queries;
pub mod registrations;
pub mod timed;
pub mod webhooks;

use crate::domain::{AuditEntry, Event, NewAudit, Organizer, Role, Via};
use crate::state::AppState;

/// Who makes a change.
#[derive(Debug, Clone)]
pub enum Actor {
    /// An organizer, in the back-office or through the API.
    Organizer { organizer: Organizer, via: Via },
    /// The person a registration belongs to, by the token of their link.
    Attendee,
    /// Timed work (reminders, expiries, purges).
    Scheduler,
    /// The `atelier` command line, and demo content.
    CommandLine,
}

impl Actor {
    pub fn organizer(&self) -> Option<&Organizer> {
        match self {
            Actor::Organizer { organizer, .. } => Some(organizer),
            _ => None,
        }
    }

    /// Whether the actor manages every event: admins, the command line and
    /// timed work.
    fn manages_everything(&self) -> bool {
        match self {
            Actor::Organizer { organizer, .. } => organizer.role == Role::Admin,
            Actor::CommandLine | Actor::Scheduler => true,
            Actor::Attendee => false,
        }
    }

    /// The history entry for what the actor does; people acting on their
    /// own registration leave none (their registration records it).
    fn audit(&self, entry: AuditEntry) -> Option<NewAudit> {
        let (actor, via) = match self {
            Actor::Organizer { organizer, via } => (Some(organizer.id), *via),
            Actor::CommandLine => (None, Via::CommandLine),
            Actor::Scheduler => (None, Via::Scheduler),
            Actor::Attendee => return None,
        };
        Some(NewAudit { actor, via, event: None, registration: None, organizer: None, entry })
    }

    /// For logs: who acted, without personal data.
    fn label(&self) -> String {
        match self {
            Actor::Organizer { organizer, via } => format!("organizer {} ({})", organizer.id, via.code()),
            Actor::Attendee => "attendee".into(),
            Actor::Scheduler => "scheduler".into(),
            Actor::CommandLine => "command line".into(),
        }
    }
}

/// An event, and someone allowed to manage it: only
/// `queries::managed_event` makes one, after checking.
#[derive(Debug, Clone)]
// Private fields: only this module and its children (`queries`) make one,
// and nobody changes it after the check.
pub struct ManagedEvent {
    event: Event,
    actor: Actor,
}

impl ManagedEvent {
    /// The event, as read when the right to manage it was checked.
    pub fn event(&self) -> &Event {
        &self.event
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// The history entry for an action on this event.
    fn audit(&self, entry: AuditEntry) -> Option<NewAudit> {
        self.actor.audit(entry).map(|audit| audit.about_event(self.event.id))
    }
}

/// What a change may have made stale, for the bookkeeping every operation
/// ends with.
#[derive(Debug, Clone, Copy, Default)]
struct Touched {
    /// Messages were queued: the mail worker should look now.
    mail: bool,
    /// Seat counts moved: the catalogue shows them.
    seats: bool,
    /// An event itself changed: everything cached about events.
    events: bool,
    /// Timed work may have changed (a seat offered, whose end is timed;
    /// reminders rescheduled): the scheduler should look now.
    jobs: bool,
}

impl Touched {
    const SEATS_AND_MAIL: Touched = Touched { mail: true, seats: true, events: false, jobs: true };
    const EVENTS_AND_MAIL: Touched = Touched { mail: true, seats: true, events: true, jobs: true };
    const MAIL: Touched = Touched { mail: true, seats: false, events: false, jobs: false };
    const EVENTS: Touched = Touched { mail: false, seats: false, events: true, jobs: true };
    /// A sign-up confirms or waitlists someone; it never offers a seat nor
    /// moves a reminder. Waking the scheduler for each one cost two
    /// queries a sign-up on PostgreSQL (7,275 job claims in a 20 s run,
    /// pg_stat_statements), for nothing.
    const SIGN_UP: Touched = Touched { mail: true, seats: true, events: false, jobs: false };

    fn settle(self, state: &AppState) {
        if self.mail {
            state.mail_wakeup.notify_one();
        }
        if self.jobs {
            state.jobs_wakeup.notify_one();
        }
        if self.events {
            state.caches.events_changed();
        } else if self.seats {
            state.caches.seats_changed();
        }
    }
}
