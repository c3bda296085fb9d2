//! The back-office's words: organizers read these, in the language they
//! chose.

use super::Texts;
use crate::domain::{AuditLine, QuestionKind, Registration, RegistrationStatus, Role, Via};

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
    pub cancel_event_title: &'static str,
    /// What cancelling does, with how many people are told.
    pub cancel_event_consequence: fn(i64) -> String,
    pub cancel_event_confirm: &'static str,
    pub event_cancelled_notice: &'static str,
    pub remove_title: fn(&str) -> String,
    pub remove_consequence: &'static str,
    pub remove_confirm: &'static str,
    pub removed_notice: &'static str,
    pub co_organizer_added: &'static str,
    /// The optional words to the people a cancellation or removal concerns.
    pub note_label: &'static str,
    pub note_hint: &'static str,
    /// After the other actions on an event's page: what was done.
    pub published_notice: &'static str,
    pub unpublished_notice: &'static str,
    pub resent_notice: &'static str,
    pub confirmed_out_of_turn_notice: &'static str,
    pub duplicated_notice: &'static str,
    /// No account has that address, and what to do.
    pub co_organizer_unknown: &'static str,
    /// The way back from a page that asks first.
    pub keep_as_is: &'static str,
    pub coming_events: &'static str,
    pub past_events: &'static str,
    /// On a duplicate, beside its status.
    pub copy_mark: &'static str,
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
    pub filter_status: &'static str,
    pub any_status: &'static str,
    /// A registration state on its own, as a filter.
    pub status_names: [(RegistrationStatus, &'static str); 5],
    /// `shown` of `total` matching registrations are on the page.
    pub rows_shown: fn(usize, usize) -> String,
    pub next_page: &'static str,
    pub first_page: &'static str,
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
    pub form_sessions: &'static str,
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
    /// A second check-in of a person at a slot: name and first time.
    pub already_checked_in: fn(&str, &str) -> String,
    pub slot_choice: &'static str,
    pub walk_in_title: &'static str,
    pub signature_code_title: &'static str,
    pub signature_code_link: &'static str,
    pub signature_code_hint: &'static str,
    pub signature_code_until: fn(&str) -> String,
    pub walk_in_hint: &'static str,
    pub walk_in_consent: &'static str,
    pub walk_in_button: &'static str,
    /// An export's column of check-in times for a slot.
    pub attendance_at: fn(&str) -> String,
    pub show_label: &'static str,
    pub show_everyone: &'static str,
    pub show_present: &'static str,
    pub show_absent: &'static str,
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
    /// "Place proposée jusqu'au {deadline}".
    pub status_offered: fn(&str) -> String,
    pub status_expired: &'static str,
    pub column_attendance: &'static str,
    pub form_reminders: &'static str,
    pub form_reminders_hint: &'static str,
    pub form_offer_window: &'static str,
    pub form_offer_window_hint: &'static str,
    pub form_offer_response: &'static str,
    pub form_cutoff: &'static str,
    pub form_cutoff_hint: &'static str,
    pub form_retention: &'static str,
    pub form_retention_hint: &'static str,
    pub form_seats_section: &'static str,
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

    /// "Confirmé", "Liste d'attente (3)", "Place proposée jusqu'au …",
    /// "Annulé", "Offre expirée"; `texts` words the deadline.
    pub fn registration_status(&self, texts: &Texts, registration: &Registration) -> String {
        match registration.status {
            RegistrationStatus::Confirmed => self.status_confirmed.into(),
            RegistrationStatus::Waitlisted => (self.status_waitlisted)(registration.waitlist_position.unwrap_or(0)),
            RegistrationStatus::Offered => {
                let deadline = registration.offer_expires_at.map(|at| texts.date_time(at)).unwrap_or_default();
                (self.status_offered)(&deadline)
            }
            RegistrationStatus::Cancelled => self.status_cancelled.into(),
            RegistrationStatus::Expired => self.status_expired.into(),
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
            "sessions" => self.form_sessions,
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
            "reminders_before_minutes" => self.form_reminders,
            "offer_window_minutes" => self.form_offer_window,
            "offer_response_minutes" => self.form_offer_response,
            "promotion_cutoff_minutes" => self.form_cutoff,
            "status" => self.column_status,
            "retention_days" => self.form_retention,
            "name" => self.column_name,
            "email" => self.column_email,
            "institution" => self.column_institution,
            "level" => self.column_level,
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
