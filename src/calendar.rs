//! Calendar files (RFC 5545): the one attached to messages about a seat,
//! and the public feed people subscribe to (`/calendar.ics`).
//!
//! Both have one VEVENT per session, and SEQUENCE is the event's
//! `calendar_sequence`, which grows with each notice of a change. In the
//! file of a message the UID stays the same for a registration, so that
//! each later message (a change of time or place, a cancellation) updates
//! the same entries in the person's calendar; in the feed it stays the
//! same for the event's session, so that each fetch updates the entries
//! the subscriber's calendar already has.

use chrono::{DateTime, Duration, Utc};
use icalendar::{Alarm, Calendar, Component, EventLike, Property, Related, Trigger};

use crate::domain::{CalendarMethod, Event, EventStatus, Registration, Session};

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
        let mut entry = session_entry(event, session, &uid, event_url, now);
        // iTIP (RFC 5546) wants who sends and who is invited.
        entry
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

/// The public feed: every event given (upcoming, published or cancelled),
/// a VEVENT per session, each linking to its event's page. `name` is the
/// calendar's name in the subscriber's list.
pub fn feed(events: &[Event], public_url: &str, name: &str, now: DateTime<Utc>) -> String {
    let mut calendar = Calendar::new();
    calendar.name(name).append_property(Property::new("METHOD", "PUBLISH"));
    // Calendars fetch a feed again on their own schedule; this one changes
    // when organizers publish, so asking every hour is enough.
    calendar.append_property(Property::new("REFRESH-INTERVAL", "PT1H").add_parameter("VALUE", "DURATION").done());
    calendar.append_property(Property::new("X-PUBLISHED-TTL", "PT1H"));
    for event in events {
        let event_url = format!("{public_url}/events/{}", event.slug);
        for (n, session) in event.sessions.iter().enumerate() {
            let uid = format!("{}-{}@atelier", event.id, n + 1);
            let mut entry = session_entry(event, session, &uid, &event_url, now);
            if event.status == EventStatus::Cancelled {
                entry.status(icalendar::EventStatus::Cancelled);
            }
            calendar.push(entry.done());
        }
    }
    calendar.done().to_string()
}

/// A session of `event` as a VEVENT, with what every calendar file says of it.
fn session_entry(event: &Event, session: &Session, uid: &str, event_url: &str, now: DateTime<Utc>) -> icalendar::Event {
    let location = match &event.address {
        Some(address) => format!("{}, {address}", event.location),
        None => event.location.clone(),
    };
    let mut entry = icalendar::Event::new();
    entry
        .uid(uid)
        .sequence(u32::try_from(event.calendar_sequence).unwrap_or(u32::MAX))
        .timestamp(now)
        .summary(&event.title)
        .description(&format!("{}\n\n{event_url}", event.description))
        .location(&location)
        .starts(session.starts_at)
        .ends(session.ends_at)
        .url(event_url);
    entry
}
