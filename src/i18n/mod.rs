//! The one message catalogue: every string a person reads, in French (the
//! default, `fr`) and English (`en`). A `Texts` value holds one language; a
//! missing translation is a compile error, not a blank on a page.

mod accounts;
mod admin;
mod certificates;
mod en;
mod fr;
mod people;
mod privacy;
mod webhooks;

use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Europe::Paris;

pub use crate::domain::Lang;
use crate::domain::{EventKind, FieldErrorKind, Level, Refusal, RegistrationStatus, Session};
pub use admin::AdminTexts;
pub use certificates::CertificateTexts;
pub use privacy::PrivacyTexts;

impl Lang {
    /// The words of this language.
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Fr => &fr::TEXTS,
            Lang::En => &en::TEXTS,
        }
    }
}

/// The words of one language for people's pages, emails and errors.
pub struct Texts {
    /// The language these are the words of.
    pub lang: Lang,
    pub site_name: &'static str,
    pub tagline: &'static str,
    pub skip_to_content: &'static str,
    pub switch_language: &'static str,
    pub footer: &'static str,

    pub catalogue_title: &'static str,
    pub filter_kind: &'static str,
    pub filter_level: &'static str,
    pub filter_all: &'static str,
    pub filter_submit: &'static str,
    /// The link to `/calendar.ics` under the filters.
    pub subscribe_calendar: &'static str,
    /// The feed's name in a subscriber's calendar list.
    pub calendar_name: &'static str,
    pub no_events: &'static str,
    pub filter_from: &'static str,
    pub filter_to: &'static str,
    /// Link to the events after those on the page.
    pub later_events: &'static str,
    pub first_events: &'static str,
    pub when: &'static str,
    pub place: &'static str,
    pub host: &'static str,
    pub audience: &'static str,
    pub full_waitlist_open: &'static str,
    pub seats_left: fn(i64) -> String,
    pub waitlist_length: fn(i64) -> String,

    pub what_to_bring: &'static str,
    pub sign_up_title: &'static str,
    pub full_notice: &'static str,
    pub name_label: &'static str,
    pub email_label: &'static str,
    pub email_hint: &'static str,
    pub institution_label: &'static str,
    pub level_label: &'static str,
    pub level_choose: &'static str,
    pub consent_label: &'static str,
    /// The consent box, as the error summary names it.
    pub consent_short: &'static str,
    /// An error in the summary, naming its field: "Nom : …".
    pub labelled: fn(&str, &str) -> String,
    pub submit_sign_up: &'static str,
    pub submit_join_waitlist: &'static str,
    pub form_has_errors: &'static str,
    pub already_registered: &'static str,
    pub optional: &'static str,
    pub back_to_events: &'static str,

    pub registration_title: &'static str,
    /// After signing up: thanks, and where the email went.
    pub just_signed_up: fn(&str) -> String,
    /// The code to show at the door.
    pub check_in_code: fn(&str) -> String,
    pub add_to_calendar: &'static str,
    /// To the page that emails a person the links to their registrations.
    pub send_link_again: &'static str,
    pub see_on_map: &'static str,
    pub status_confirmed: &'static str,
    pub status_waitlisted: fn(i64) -> String,
    pub status_cancelled: &'static str,
    pub keep_this_link: &'static str,
    pub cancel_button: &'static str,
    pub cancel_title: &'static str,
    /// The button that cancels, on the page that asks first.
    pub cancel_confirm: &'static str,
    /// The way back from that page, keeping the registration.
    pub cancel_keep: &'static str,
    pub cancel_gives_seat_to_waitlist: &'static str,
    pub cancel_frees_seat: &'static str,
    /// Leaving the waiting list from place `n`.
    pub cancel_leaves_waitlist: fn(i64) -> String,
    pub registered_as: &'static str,
    /// "Une place vous est proposée jusqu'au {deadline}…"
    pub status_offered: fn(&str) -> String,
    pub status_expired: &'static str,
    /// On a cancelled event's pages.
    pub event_cancelled_banner: &'static str,
    pub registration_event_cancelled: &'static str,
    pub accept_title: &'static str,
    pub accept_explanation: fn(&str) -> String,
    pub accept_button: &'static str,
    pub decline_hint: &'static str,
    pub just_accepted: &'static str,
    pub attendance_title: &'static str,
    pub attendance_explanation: &'static str,
    pub attendance_button: &'static str,
    pub attendance_recorded: &'static str,
    pub just_signed: &'static str,
    /// Heading of the signature form, with the slot's label.
    pub sign_title: fn(&str) -> String,
    pub sign_code_label: &'static str,
    pub sign_button: &'static str,
    /// A slot signed for, and at what time.
    pub signed_at: fn(&str, &str) -> String,
    pub release_title: &'static str,
    pub release_explanation: &'static str,
    pub release_button: &'static str,
    /// The catalogue's mark on a cancelled event.
    pub cancelled_mark: &'static str,

    pub not_found_title: &'static str,
    pub not_found: &'static str,
    pub event_not_found: &'static str,
    pub registration_not_found: &'static str,
    pub error_title: &'static str,
    /// Before a page's title when what was sent was refused.
    pub error_prefix: &'static str,
    /// After times shown: whoever reads them from elsewhere knows.
    pub paris_time: &'static str,
    /// When sign-ups open, before they do.
    pub sign_ups_open: fn(&str) -> String,
    /// Until when one can sign up.
    pub sign_ups_close: fn(&str) -> String,
    pub internal_error: &'static str,
    pub bad_request: &'static str,
    pub unsupported_media_type: &'static str,
    pub payload_too_large: &'static str,
    pub invalid_input: &'static str,
    pub form_expired: &'static str,
    pub unauthorized: &'static str,
    pub forbidden: &'static str,
    pub unavailable: &'static str,
    pub edit_conflict: &'static str,
    pub event_started: &'static str,
    pub offer_expired: &'static str,
    pub no_offer: &'static str,
    pub not_confirmed: &'static str,
    pub outside_slot: &'static str,

    pub weekdays: [&'static str; 7],
    pub months: [&'static str; 12],
    /// "14 h 00" / "14:00".
    pub clock: fn(u32, u32) -> String,
    /// Between the items of a list of periods: " ; " / "; ".
    pub list_separator: &'static str,

    pub kinds: fn(EventKind) -> &'static str,
    pub levels: fn(Level) -> &'static str,
    pub field_errors: fn(FieldErrorKind) -> String,
    pub refusals: fn(Refusal) -> &'static str,
    /// A registration's status as a word (exports).
    pub status_word: fn(RegistrationStatus) -> &'static str,
    /// Column titles of the attendee exports, in the order of `export::row`.
    pub export_headers: [&'static str; 13],
    pub admin: &'static AdminTexts,
}

impl Texts {
    pub fn kind(&self, kind: EventKind) -> &'static str {
        (self.kinds)(kind)
    }

    pub fn level(&self, level: Level) -> &'static str {
        (self.levels)(level)
    }

    pub fn field_error(&self, kind: FieldErrorKind) -> String {
        (self.field_errors)(kind)
    }

    pub fn refusal(&self, refusal: Refusal) -> &'static str {
        (self.refusals)(refusal)
    }

    pub fn admin(&self) -> &'static AdminTexts {
        self.admin
    }

    /// "mardi 9 décembre 2026, 14 h 00" / "Tuesday 9 December 2026, 14:00",
    /// in Paris time whatever the server's zone.
    pub fn date_time(&self, at: DateTime<Utc>) -> String {
        let local = at.with_timezone(&Paris);
        let weekday = self.weekdays[local.weekday().num_days_from_monday() as usize];
        let month = self.months[local.month0() as usize];
        let time = self.time(at);
        format!("{weekday} {} {month} {}, {time}", local.day(), local.year())
    }

    pub fn time(&self, at: DateTime<Utc>) -> String {
        let local = at.with_timezone(&Paris);
        (self.clock)(local.hour(), local.minute())
    }

    /// Start and end, with the end's date left out when it is the same day.
    pub fn period(&self, starts: DateTime<Utc>, ends: DateTime<Utc>) -> String {
        let same_day = starts.with_timezone(&Paris).date_naive() == ends.with_timezone(&Paris).date_naive();
        if same_day {
            format!("{} – {}", self.date_time(starts), self.time(ends))
        } else {
            format!("{} – {}", self.date_time(starts), self.date_time(ends))
        }
    }

    /// Each session as a period, in order: "mardi 13 juin 2027, 9 h 30 –
    /// 12 h 30 ; mardi 20 juin …". One session reads as `period`.
    pub fn sessions(&self, sessions: &[Session]) -> String {
        let periods: Vec<String> = sessions.iter().map(|s| self.period(s.starts_at, s.ends_at)).collect();
        periods.join(self.list_separator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn dates_are_shown_in_paris_time() {
        // 13:00 UTC in December is 14:00 in Paris (winter time).
        let at = Utc.with_ymd_and_hms(2026, 12, 8, 13, 0, 0).single().expect("valid");
        assert_eq!(Lang::Fr.texts().date_time(at), "mardi 8 décembre 2026, 14\u{a0}h\u{a0}00");
        assert_eq!(Lang::En.texts().date_time(at), "Tuesday 8 December 2026, 14:00");
        // Summer time: UTC+2.
        let summer = Utc.with_ymd_and_hms(2027, 6, 15, 7, 30, 0).single().expect("valid");
        assert_eq!(Lang::Fr.texts().time(summer), "9\u{a0}h\u{a0}30");
    }
}
