//! The calendar file attached to messages that give a seat.

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, EventLike, Property};

use crate::domain::{Event, Registration};

/// One VEVENT, times in UTC, with a UID that stays the same for a
/// registration so that a second message updates the calendar entry.
pub fn invitation(event: &Event, registration: &Registration, event_url: &str, now: DateTime<Utc>) -> String {
    let location = match &event.address {
        Some(address) => format!("{}, {address}", event.location),
        None => event.location.clone(),
    };
    let mut calendar = Calendar::new();
    calendar.append_property(Property::new("METHOD", "PUBLISH"));
    calendar.push(
        icalendar::Event::new()
            .uid(&format!("{}@atelier", registration.id))
            .timestamp(now)
            .summary(&event.title)
            .description(&format!("{}\n\n{event_url}", event.description))
            .location(&location)
            .starts(event.starts_at)
            .ends(event.ends_at)
            .url(event_url)
            .done(),
    );
    calendar.done().to_string()
}
