//! The one message catalogue: every string a person reads, in French (the
//! default, `fr`) and English (`en`). A `Texts` value holds one language; a
//! missing translation is a compile error, not a blank on a page.

mod en;
mod fr;

use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Europe::Paris;

pub use crate::domain::Lang;
use crate::domain::{
    AuditLine, EventKind, FieldErrorKind, Level, QuestionKind, Refusal, RegistrationStatus, Role, Via,
};

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
    pub no_events: &'static str,
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
    pub submit_sign_up: &'static str,
    pub submit_join_waitlist: &'static str,
    pub form_has_errors: &'static str,
    pub already_registered: &'static str,
    pub optional: &'static str,
    pub back_to_events: &'static str,

    pub registration_title: &'static str,
    pub just_signed_up: &'static str,
    pub status_confirmed: &'static str,
    pub status_waitlisted: fn(i64) -> String,
    pub status_cancelled: &'static str,
    pub keep_this_link: &'static str,
    pub cancel_explanation: &'static str,
    pub cancel_button: &'static str,
    pub registered_as: &'static str,

    pub not_found_title: &'static str,
    pub not_found: &'static str,
    pub event_not_found: &'static str,
    pub registration_not_found: &'static str,
    pub error_title: &'static str,
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

    pub weekdays: [&'static str; 7],
    pub months: [&'static str; 12],
    /// "14 h 00" / "14:00".
    pub clock: fn(u32, u32) -> String,

    pub kinds: fn(EventKind) -> &'static str,
    pub levels: fn(Level) -> &'static str,
    pub field_errors: fn(FieldErrorKind) -> String,
    pub refusals: fn(Refusal) -> &'static str,
    /// A registration's status as a word (exports).
    pub status_word: fn(RegistrationStatus) -> &'static str,
    /// Column titles of the attendee exports, in the order of `export::row`.
    pub export_headers: [&'static str; 11],
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
}

/// The back-office's words, in the same language.
pub struct AdminTexts {
    pub back_office: &'static str,
    pub sign_in_title: &'static str,
    pub password_label: &'static str,
    pub sign_in_button: &'static str,
    pub sign_out: &'static str,
    pub bad_credentials: &'static str,
    pub too_many_attempts: &'static str,
    pub sign_in_required: &'static str,
    pub my_events: &'static str,
    pub new_event: &'static str,
    pub no_events: &'static str,
    pub draft: &'static str,
    pub published: &'static str,
    pub cancelled: &'static str,
    pub counts: fn(i64, i64, i64) -> String,
    pub edit: &'static str,
    pub publish: &'static str,
    pub unpublish: &'static str,
    pub duplicate: &'static str,
    pub cancel_event: &'static str,
    pub cancel_event_warning: &'static str,
    pub registrations: &'static str,
    pub search_label: &'static str,
    pub search: &'static str,
    pub no_registrations: &'static str,
    pub remove: &'static str,
    pub column_name: &'static str,
    pub column_email: &'static str,
    pub column_institution: &'static str,
    pub column_level: &'static str,
    pub column_status: &'static str,
    pub column_registered: &'static str,
    pub column_delivery: &'static str,
    pub status_confirmed: &'static str,
    pub status_waitlisted: fn(i64) -> String,
    pub status_cancelled: &'static str,
    pub exports: &'static str,
    pub export_csv: &'static str,
    pub export_csv_fr: &'static str,
    pub export_xlsx: &'static str,
    pub export_sheet: &'static str,
    pub history: &'static str,
    pub form_kind: &'static str,
    pub form_title: &'static str,
    pub form_slug: &'static str,
    pub form_slug_hint: &'static str,
    pub form_description: &'static str,
    pub form_starts: &'static str,
    pub form_ends: &'static str,
    pub form_time_hint: &'static str,
    pub form_location: &'static str,
    pub form_address: &'static str,
    pub form_host: &'static str,
    pub form_levels: &'static str,
    pub form_capacity: &'static str,
    pub form_opens: &'static str,
    pub form_closes: &'static str,
    pub form_closes_hint: &'static str,
    pub form_language: &'static str,
    pub form_bring: &'static str,
    pub form_publish_now: &'static str,
    pub save: &'static str,
    pub create: &'static str,
    pub public_page: &'static str,
    pub check_in: &'static str,
    pub check_in_code_label: &'static str,
    pub check_in_button: &'static str,
    pub checked_in: fn(&str) -> String,
    pub undo_check_in: &'static str,
    pub code_unknown: &'static str,
    pub present_count: fn(i64, i64) -> String,
    pub resend: &'static str,
    pub confirm_out_of_turn: &'static str,
    pub message_attendees: &'static str,
    pub message_subject: &'static str,
    pub message_body: &'static str,
    pub message_send: &'static str,
    pub message_sent: fn(i64) -> String,
    pub settings: &'static str,
    pub notify_on_cancel: &'static str,
    pub notify_when_full: &'static str,
    pub settings_saved: &'static str,
    pub organizers: &'static str,
    pub add_organizer: &'static str,
    pub name_label: &'static str,
    pub admin_role: &'static str,
    pub organizer_added: &'static str,
    pub organizer_exists: &'static str,
    pub password_too_short: &'static str,
    pub co_organizers: &'static str,
    pub add_co_organizer: &'static str,
    pub unknown_organizer: &'static str,
    pub form_questions: &'static str,
    pub form_questions_hint: &'static str,
    pub form_questions_short: &'static str,
    pub form_question_label: &'static str,
    pub form_question_kind: &'static str,
    pub form_question_choices: &'static str,
    pub form_question_required: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub kind_text: &'static str,
    pub kind_choice: &'static str,
    pub kind_yes_no: &'static str,
    pub email_pending: &'static str,
    pub email_sent: &'static str,
    pub email_failed: &'static str,
    pub role_admin: &'static str,
    pub role_organizer: &'static str,
    pub your_changes: &'static str,
    pub by_command_line: &'static str,
    pub by_scheduler: &'static str,
    /// A history entry as a sentence (without who and when).
    pub audit: fn(&AuditLine) -> String,
}

impl AdminTexts {
    pub fn question_kind(&self, kind: QuestionKind) -> &'static str {
        match kind {
            QuestionKind::Text => self.kind_text,
            QuestionKind::Choice => self.kind_choice,
            QuestionKind::YesNo => self.kind_yes_no,
        }
    }

    /// An answer as the reader says it: yes and no in their language.
    pub fn answer<'a>(&self, kind: QuestionKind, answer: &'a str) -> &'a str {
        match (kind, answer) {
            (QuestionKind::YesNo, "yes") => self.yes,
            (QuestionKind::YesNo, "no") => self.no,
            _ => answer,
        }
    }

    /// "Confirmé", "Liste d'attente (3)", "Annulé".
    pub fn registration_status(&self, status: RegistrationStatus, position: Option<i64>) -> String {
        match status {
            RegistrationStatus::Confirmed => self.status_confirmed.into(),
            RegistrationStatus::Waitlisted => (self.status_waitlisted)(position.unwrap_or(0)),
            RegistrationStatus::Cancelled => self.status_cancelled.into(),
        }
    }

    /// The state of the latest email to a person, as stored (`pending`,
    /// `sent`, `failed`), in words; a dash when there is none.
    pub fn email_status(&self, status: Option<&str>) -> &'static str {
        match status {
            Some("pending") => self.email_pending,
            Some("sent") => self.email_sent,
            Some("failed") => self.email_failed,
            _ => "—",
        }
    }

    pub fn role(&self, role: Role) -> &'static str {
        match role {
            Role::Admin => self.role_admin,
            Role::Organizer => self.role_organizer,
        }
    }

    /// The label of an event field, by its API name, as the form shows it.
    pub fn field_label(&self, field: &str) -> &'static str {
        match field {
            "kind" => self.form_kind,
            "title" => self.form_title,
            "slug" => self.form_slug,
            "description" => self.form_description,
            "starts_at" => self.form_starts,
            "ends_at" => self.form_ends,
            "location" => self.form_location,
            "address" => self.form_address,
            "host" => self.form_host,
            "levels" => self.form_levels,
            "capacity" => self.form_capacity,
            "registration_opens_at" => self.form_opens,
            "registration_closes_at" => self.form_closes,
            "language" => self.form_language,
            "what_to_bring" => self.form_bring,
            "questions" => self.form_questions_short,
            "status" => self.column_status,
            _ => "?",
        }
    }

    /// Who acted: the organizer's email, or the command line or timed work.
    pub fn audit_actor(&self, line: &AuditLine) -> String {
        match (&line.actor, line.via) {
            (Some(email), _) => email.clone(),
            (None, Some(Via::Scheduler)) => self.by_scheduler.into(),
            _ => self.by_command_line.into(),
        }
    }

    /// What was done, in words.
    pub fn audit_entry(&self, line: &AuditLine) -> String {
        (self.audit)(line)
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
        assert_eq!(Lang::Fr.texts().date_time(at), "mardi 8 décembre 2026, 14 h 00");
        assert_eq!(Lang::En.texts().date_time(at), "Tuesday 8 December 2026, 14:00");
        // Summer time: UTC+2.
        let summer = Utc.with_ymd_and_hms(2027, 6, 15, 7, 30, 0).single().expect("valid");
        assert_eq!(Lang::Fr.texts().time(summer), "9 h 30");
    }
}
