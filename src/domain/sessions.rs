//! When an event takes place: its sessions (a masterclass "les 13 et 20
//! juin" is one event with two), and the half-day slots attendance is
//! recorded in, as training funders count it: the morning and the afternoon
//! of each day in Paris time, 13:00 splitting them.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{FieldError, FieldErrorKind, Lang, whole_seconds};

/// One sitting of an event, from its start to its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Session {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// A session as an organizer sends it (RFC 3339 times).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SessionInput {
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
}

impl From<&Session> for SessionInput {
    fn from(session: &Session) -> Self {
        Self { starts_at: Some(session.starts_at.to_rfc3339()), ends_at: Some(session.ends_at.to_rfc3339()) }
    }
}

/// More sessions than this is a season, not an event.
pub const MAX_SESSIONS: usize = 30;
/// A session longer than this is a typing mistake (a year for a day).
const LONGEST_SESSION: Duration = Duration::days(7);

/// Checks the sessions given, in any order: each ends after it starts, none
/// overlaps another. Returns them in order. Every error is reported, each
/// under `sessions[i].field` (or `sessions` for the list).
pub fn validate_sessions(inputs: &[SessionInput]) -> Result<Vec<Session>, Vec<FieldError>> {
    let mut errors = Vec::new();
    if inputs.is_empty() {
        errors.push(FieldError::new("sessions", FieldErrorKind::Required));
    }
    if inputs.len() > MAX_SESSIONS {
        errors.push(FieldError::new("sessions", FieldErrorKind::TooLarge { max: MAX_SESSIONS as i64 }));
    }
    let mut sessions = Vec::new();
    for (i, input) in inputs.iter().enumerate().take(MAX_SESSIONS) {
        let time = |name: &str, value: &Option<String>| {
            let field = format!("sessions[{i}].{name}");
            match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                None => Err(FieldError::new(field, FieldErrorKind::Required)),
                Some(text) => DateTime::parse_from_rfc3339(text)
                    .map(|t| whole_seconds(t.with_timezone(&Utc)))
                    .map_err(|_| FieldError::new(field, FieldErrorKind::InvalidDateTime)),
            }
        };
        match (time("starts_at", &input.starts_at), time("ends_at", &input.ends_at)) {
            (Ok(starts_at), Ok(ends_at)) if ends_at <= starts_at => {
                errors.push(FieldError::new(format!("sessions[{i}].ends_at"), FieldErrorKind::EndBeforeStart));
            }
            (Ok(starts_at), Ok(ends_at)) if ends_at - starts_at > LONGEST_SESSION => {
                errors.push(FieldError::new(format!("sessions[{i}].ends_at"), FieldErrorKind::SessionTooLong));
            }
            (Ok(starts_at), Ok(ends_at)) => sessions.push((i, Session { starts_at, ends_at })),
            (starts, ends) => errors.extend([starts.err(), ends.err()].into_iter().flatten()),
        }
    }
    sessions.sort_by_key(|(_, s)| s.starts_at);
    for pair in sessions.windows(2) {
        let ((_, earlier), (later_index, later)) = (pair[0], pair[1]);
        if later.starts_at < earlier.ends_at {
            errors.push(FieldError::new(format!("sessions[{later_index}].starts_at"), FieldErrorKind::SessionsOverlap));
        }
    }
    if errors.is_empty() { Ok(sessions.into_iter().map(|(_, s)| s).collect()) } else { Err(errors) }
}

/// The event's start (or end) when it has sessions: the first session's
/// start (the last one's end), which `value`, if given, must be.
pub(super) fn bound(
    field: &'static str,
    value: Option<&str>,
    from_sessions: Option<DateTime<Utc>>,
) -> Result<DateTime<Utc>, FieldError> {
    let from_sessions = from_sessions.ok_or(FieldError::new("sessions", FieldErrorKind::Required))?;
    let Some(text) = value.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(from_sessions) };
    let given =
        DateTime::parse_from_rfc3339(text).map_err(|_| FieldError::new(field, FieldErrorKind::InvalidDateTime))?;
    if whole_seconds(given.with_timezone(&Utc)) == from_sessions {
        Ok(from_sessions)
    } else {
        Err(FieldError::new(field, FieldErrorKind::SessionsDisagree))
    }
}

/// The stored form: empty for the one session from the event's start to
/// its end (most events), else the list as JSON.
pub fn sessions_text(sessions: &[Session]) -> String {
    if sessions.len() <= 1 { String::new() } else { serde_json::to_string(sessions).unwrap_or_default() }
}

/// The sessions of an event stored with `text`, starting and ending at
/// `starts_at` and `ends_at`.
pub fn parse_sessions(text: &str, starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> Option<Vec<Session>> {
    if text.is_empty() {
        return Some(vec![Session { starts_at, ends_at }]);
    }
    serde_json::from_str(text).ok()
}

/// A morning or an afternoon of one day (Paris time) that a session covers
/// at least in part; `starts_at` and `ends_at` are the part covered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub date: NaiveDate,
    pub afternoon: bool,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

impl Slot {
    /// Stable and readable: `2027-06-13-am`, `2027-06-13-pm`.
    pub fn id(&self) -> String {
        format!("{}-{}", self.date.format("%Y-%m-%d"), if self.afternoon { "pm" } else { "am" })
    }

    /// As on a sheet: "13/06 matin", "13/06 morning".
    pub fn label(&self, lang: Lang) -> String {
        let half = match (lang, self.afternoon) {
            (Lang::Fr, false) => "matin",
            (Lang::Fr, true) => "après-midi",
            (Lang::En, false) => "morning",
            (Lang::En, true) => "afternoon",
        };
        format!("{} {half}", self.date.format("%d/%m"))
    }

    pub fn duration(&self) -> Duration {
        self.ends_at - self.starts_at
    }

    /// The slot a check-in at the door at `at` counts for, and the one the
    /// check-in page opens on: the slot under way; else the last one begun
    /// that day (someone late, after its end); else the next one (people
    /// arrive early); else the last.
    pub fn at(slots: &[Slot], at: DateTime<Utc>) -> Option<&Slot> {
        let today = at.with_timezone(&Paris).date_naive();
        slots
            .iter()
            .find(|slot| slot.starts_at <= at && at < slot.ends_at)
            .or_else(|| slots.iter().rev().find(|slot| slot.date == today && slot.starts_at <= at))
            .or_else(|| slots.iter().find(|slot| at < slot.starts_at))
            .or(slots.last())
    }
}

/// The slots the sessions cover, in order. Two sessions in the same
/// half-day make one slot, from the first start to the last end.
pub fn slots(sessions: &[Session]) -> Vec<Slot> {
    let mut slots: Vec<Slot> = Vec::new();
    for session in sessions {
        let first = session.starts_at.with_timezone(&Paris).date_naive();
        let last = session.ends_at.with_timezone(&Paris).date_naive();
        let mut date = first;
        while date <= last {
            for afternoon in [false, true] {
                let (from, to) = half_day(date, afternoon);
                let starts_at = session.starts_at.max(from);
                let ends_at = session.ends_at.min(to);
                if starts_at >= ends_at {
                    continue;
                }
                match slots.last_mut() {
                    Some(slot) if slot.date == date && slot.afternoon == afternoon => slot.ends_at = ends_at,
                    _ => slots.push(Slot { date, afternoon, starts_at, ends_at }),
                }
            }
            date += Duration::days(1);
        }
    }
    slots
}

/// A half-day's bounds in UTC: midnight to 13:00, 13:00 to the next
/// midnight, Paris time, whatever the day's length (23 or 25 hours when the
/// clocks change).
fn half_day(date: NaiveDate, afternoon: bool) -> (DateTime<Utc>, DateTime<Utc>) {
    let split = NaiveTime::from_hms_opt(13, 0, 0).unwrap_or(NaiveTime::MIN);
    let at = |t: NaiveDateTime| {
        // Neither midnight nor 13:00 falls in a change of the clocks in
        // Paris (they change at 02:00 and 03:00); `earliest` is a formality.
        Paris.from_local_datetime(&t).earliest().map(|t| t.with_timezone(&Utc)).unwrap_or_else(|| t.and_utc())
    };
    let midnight = date.and_time(NaiveTime::MIN);
    if afternoon {
        (at(date.and_time(split)), at(midnight + Duration::days(1)))
    } else {
        (at(midnight), at(date.and_time(split)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paris(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).expect("time").with_timezone(&Utc)
    }

    fn session(from: &str, to: &str) -> Session {
        Session { starts_at: paris(from), ends_at: paris(to) }
    }

    fn ids(slots: &[Slot]) -> Vec<String> {
        slots.iter().map(Slot::id).collect()
    }

    #[test]
    fn a_day_gives_a_morning_and_an_afternoon_and_a_morning_alone_one_slot() {
        let day = slots(&[session("2027-06-13T09:00:00+02:00", "2027-06-13T17:00:00+02:00")]);
        assert_eq!(ids(&day), ["2027-06-13-am", "2027-06-13-pm"]);
        assert_eq!(day[0].starts_at, paris("2027-06-13T09:00:00+02:00"));
        assert_eq!(day[0].ends_at, paris("2027-06-13T13:00:00+02:00"));
        assert_eq!(day[1].duration(), Duration::hours(4));
        assert_eq!(day[0].label(Lang::Fr), "13/06 matin");
        assert_eq!(day[1].label(Lang::En), "13/06 afternoon");
        let morning = slots(&[session("2027-06-13T09:00:00+02:00", "2027-06-13T12:30:00+02:00")]);
        assert_eq!(ids(&morning), ["2027-06-13-am"]);
    }

    #[test]
    fn two_sessions_a_week_apart_and_two_in_one_morning() {
        let two = slots(&[
            session("2027-06-13T09:00:00+02:00", "2027-06-13T12:00:00+02:00"),
            session("2027-06-20T14:00:00+02:00", "2027-06-20T17:00:00+02:00"),
        ]);
        assert_eq!(ids(&two), ["2027-06-13-am", "2027-06-20-pm"]);
        let one_morning = slots(&[
            session("2027-06-13T09:00:00+02:00", "2027-06-13T10:00:00+02:00"),
            session("2027-06-13T11:00:00+02:00", "2027-06-13T12:00:00+02:00"),
        ]);
        assert_eq!(ids(&one_morning), ["2027-06-13-am"]);
        assert_eq!(one_morning[0].ends_at, paris("2027-06-13T12:00:00+02:00"));
    }

    #[test]
    fn a_session_across_midnight_has_a_slot_on_each_day() {
        let night = slots(&[session("2027-06-13T20:00:00+02:00", "2027-06-14T02:00:00+02:00")]);
        assert_eq!(ids(&night), ["2027-06-13-pm", "2027-06-14-am"]);
        assert_eq!(night[0].ends_at, paris("2027-06-14T00:00:00+02:00"));
        assert_eq!(night[1].starts_at, paris("2027-06-14T00:00:00+02:00"));
        assert_eq!(night[0].duration() + night[1].duration(), Duration::hours(6));
    }

    #[test]
    fn the_night_the_clocks_change_is_an_hour_shorter_or_longer() {
        // 28 March 2027: 02:00 becomes 03:00 in Paris; 31 October: 03:00 becomes 02:00.
        let spring = slots(&[session("2027-03-27T22:00:00+01:00", "2027-03-28T06:00:00+02:00")]);
        assert_eq!(ids(&spring), ["2027-03-27-pm", "2027-03-28-am"]);
        assert_eq!(spring[1].starts_at, paris("2027-03-28T00:00:00+01:00"));
        assert_eq!(spring[0].duration() + spring[1].duration(), Duration::hours(7));
        let autumn = slots(&[session("2027-10-30T22:00:00+02:00", "2027-10-31T06:00:00+01:00")]);
        assert_eq!(autumn[1].starts_at, paris("2027-10-31T00:00:00+02:00"));
        assert_eq!(autumn[0].duration() + autumn[1].duration(), Duration::hours(9));
        // The afternoon of that Sunday starts at 13:00 winter time.
        let sunday = slots(&[session("2027-10-31T10:00:00+01:00", "2027-10-31T15:00:00+01:00")]);
        assert_eq!(sunday[1].starts_at, paris("2027-10-31T13:00:00+01:00"));
    }

    #[test]
    fn the_slot_at_a_time_is_the_one_under_way_or_the_next() {
        let day = slots(&[session("2027-06-13T09:00:00+02:00", "2027-06-13T17:00:00+02:00")]);
        let at = |t: &str| Slot::at(&day, paris(t)).map(Slot::id);
        assert_eq!(at("2027-06-13T08:40:00+02:00").as_deref(), Some("2027-06-13-am"), "early");
        assert_eq!(at("2027-06-13T13:10:00+02:00").as_deref(), Some("2027-06-13-pm"));
        assert_eq!(at("2027-06-14T09:00:00+02:00").as_deref(), Some("2027-06-13-pm"), "after: the last");
        assert_eq!(Slot::at(&[], paris("2027-06-13T09:00:00+02:00")), None);
        // Two sessions a week apart: just after the first ends, still its day.
        let two = slots(&[
            session("2027-06-13T09:00:00+02:00", "2027-06-13T12:30:00+02:00"),
            session("2027-06-20T13:30:00+02:00", "2027-06-20T17:00:00+02:00"),
        ]);
        let at = |t: &str| Slot::at(&two, paris(t)).map(Slot::id);
        assert_eq!(at("2027-06-13T12:35:00+02:00").as_deref(), Some("2027-06-13-am"), "late, not a week ahead");
        assert_eq!(at("2027-06-14T09:00:00+02:00").as_deref(), Some("2027-06-20-pm"), "another day: the next");
    }

    #[test]
    fn sessions_are_checked_and_sorted() {
        let input = |from: &str, to: &str| SessionInput { starts_at: Some(from.into()), ends_at: Some(to.into()) };
        let sorted = validate_sessions(&[
            input("2027-06-20T09:00:00+02:00", "2027-06-20T12:00:00+02:00"),
            input("2027-06-13T09:00:00+02:00", "2027-06-13T12:00:00+02:00"),
        ])
        .expect("valid");
        assert_eq!(sorted[0].starts_at, paris("2027-06-13T09:00:00+02:00"));
        let errors = validate_sessions(&[
            input("2027-06-13T09:00:00+02:00", "2027-06-13T12:00:00+02:00"),
            input("2027-06-13T11:00:00+02:00", "2027-06-13T10:00:00+02:00"),
            input("2027-06-13T11:00:00+02:00", "2027-06-13T14:00:00+02:00"),
            input("demain", ""),
            input("2027-06-13T09:00:00+02:00", "2028-06-13T12:00:00+02:00"),
        ])
        .expect_err("invalid");
        let found: Vec<(String, FieldErrorKind)> = errors.into_iter().map(|e| (e.field.into(), e.kind)).collect();
        assert_eq!(
            found,
            [
                ("sessions[1].ends_at".to_owned(), FieldErrorKind::EndBeforeStart),
                ("sessions[3].starts_at".to_owned(), FieldErrorKind::InvalidDateTime),
                ("sessions[3].ends_at".to_owned(), FieldErrorKind::Required),
                ("sessions[4].ends_at".to_owned(), FieldErrorKind::SessionTooLong),
                ("sessions[2].starts_at".to_owned(), FieldErrorKind::SessionsOverlap),
            ]
        );
        assert_eq!(validate_sessions(&[]).expect_err("none")[0].kind, FieldErrorKind::Required);
    }

    #[test]
    fn one_session_is_stored_as_nothing_and_several_read_back() {
        let one = [session("2027-06-13T09:00:00+02:00", "2027-06-13T12:00:00+02:00")];
        assert_eq!(sessions_text(&one), "");
        assert_eq!(parse_sessions("", one[0].starts_at, one[0].ends_at), Some(one.to_vec()));
        let two = [one[0], session("2027-06-20T09:00:00+02:00", "2027-06-20T12:00:00+02:00")];
        let text = sessions_text(&two);
        assert_eq!(parse_sessions(&text, two[0].starts_at, two[1].ends_at), Some(two.to_vec()));
    }
}
