//! The calendar file attached to messages about a seat: one VEVENT per
//! session, whose UID stays the same for a registration, so that each later
//! message (a change of time or place, a cancellation) updates the same
//! entries in the person's calendar; SEQUENCE grows with each notice of a
//! change.

use chrono::{DateTime, Duration, Utc};
use icalendar::{Alarm, Calendar, Component, EventLike, Property, Related, Trigger};

use crate::domain::{CalendarMethod, Event, Registration};

/// The calendar file for `registration`'s seat at `event`, as a `method`
/// message from `organizer` (an email address).
pub fn invitation(
    event: &Event,
    registration: &Registration,
    event_url: &str,
    organizer: &str,
    method: CalendarMethod,
    now: DateTime<Utc>,
) -> String {
    let location = match &event.address {
        Some(address) => format!("{}, {address}", event.location),
        None => event.location.clone(),
    };
    let mut calendar = Calendar::new();
    let method_name = match method {
        CalendarMethod::Request => "REQUEST",
        CalendarMethod::Cancel => "CANCEL",
    };
    calendar.append_property(Property::new("METHOD", method_name));
    // One VEVENT per session, so that a masterclass on two days is not one
    // block running through the nights between. The first keeps the UID
    // files had before events had sessions.
    for (n, session) in event.sessions.iter().enumerate() {
        let uid = match n {
            0 => format!("{}@atelier", registration.id),
            n => format!("{}-{}@atelier", registration.id, n + 1),
        };
        let mut entry = icalendar::Event::new();
        entry
            .uid(&uid)
            .sequence(u32::try_from(event.calendar_sequence).unwrap_or(u32::MAX))
            .timestamp(now)
            .summary(&event.title)
            .description(&format!("{}\n\n{event_url}", event.description))
            .location(&location)
            .starts(session.starts_at)
            .ends(session.ends_at)
            .url(event_url)
            // iTIP (RFC 5546) wants who sends and who is invited.
            .append_property(Property::new("ORGANIZER", format!("mailto:{organizer}")))
            .append_property(Property::new("ATTENDEE", format!("mailto:{}", registration.email)));
        // An alarm the day before in every file, the cancellation's too: a
        // calendar that imports it rather than applying it keeps an entry
        // marked cancelled, whose alarm says so in its title.
        let before = Trigger::from((-Duration::days(1), Related::Start));
        entry.alarm(Alarm::display(&event.title, before));
        if method == CalendarMethod::Cancel {
            entry.status(icalendar::EventStatus::Cancelled);
        }
        calendar.push(entry.done());
    }
    calendar.done().to_string()
}
