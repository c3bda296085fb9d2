//! The event form of the back-office: fields as typed, conversion to the
//! validated input the API also uses, and the form itself.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use maud::{Markup, html};
use serde::Deserialize;

use super::seat_settings::{hours, hours_list, minutes, minutes_list, settings};
use crate::domain::Lang;
use crate::domain::{
    Event, EventInput, EventKind, FieldError, FieldErrorKind, Level, MAX_QUESTIONS, Question, QuestionInput,
    QuestionKind, SeatSettings,
};
use crate::web::csrf::{self, CsrfToken};

/// The form as posted. Times are `datetime-local` values, Paris time.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EventFields {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub starts_at: String,
    #[serde(default)]
    pub ends_at: String,
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub host: String,
    #[serde(default)]
    pub levels: Vec<String>,
    #[serde(default)]
    pub capacity: String,
    #[serde(default)]
    pub registration_opens_at: String,
    #[serde(default)]
    pub registration_closes_at: String,
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub what_to_bring: String,
    pub publish: Option<String>,
    /// The event's version when the form was opened (editing only).
    #[serde(default)]
    pub version: String,
    /// The reminder and offer settings, in hours (the API's are minutes).
    /// `None` when the form has no such field: the default reminders.
    pub reminders_hours: Option<String>,
    #[serde(default)]
    pub offer_window_hours: String,
    #[serde(default)]
    pub offer_response_hours: String,
    #[serde(default)]
    pub cutoff_hours: String,
    /// Days the people's data is kept; empty: the service's default.
    #[serde(default)]
    pub retention_days: String,
    /// Question slots, one entry per slot in each list (a slot with an
    /// empty label asks nothing).
    #[serde(default)]
    pub q_label: Vec<String>,
    #[serde(default)]
    pub q_kind: Vec<String>,
    #[serde(default)]
    pub q_choices: Vec<String>,
    #[serde(default)]
    pub q_required: Vec<String>,
}

const LOCAL: &str = "%Y-%m-%dT%H:%M";

/// `2027-03-02T09:00` in Paris → RFC 3339; anything else is passed on as
/// typed, for validation to report.
fn from_local(value: &str) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let parsed = NaiveDateTime::parse_from_str(value, LOCAL)
        .ok()
        .and_then(|naive| Paris.from_local_datetime(&naive).earliest())
        .map(|t| t.to_rfc3339());
    Some(parsed.unwrap_or_else(|| value.to_owned()))
}

fn to_local(at: DateTime<Utc>) -> String {
    at.with_timezone(&Paris).format(LOCAL).to_string()
}

impl EventFields {
    /// A new event's form: every level, the default reminders and offers.
    pub fn defaults() -> Self {
        let settings = SeatSettings::default();
        Self {
            levels: Level::ALL.iter().map(|l| l.code().into()).collect(),
            reminders_hours: Some(hours_list(&settings.reminders_before_minutes)),
            offer_window_hours: hours(settings.offer_window_minutes),
            offer_response_hours: hours(settings.offer_response_minutes),
            cutoff_hours: hours(settings.promotion_cutoff_minutes),
            ..Self::default()
        }
    }
}

fn non_empty(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

impl EventFields {
    pub fn from_event(event: &Event, questions: &[Question]) -> Self {
        Self {
            q_label: questions.iter().map(|q| q.label.clone()).collect(),
            q_kind: questions.iter().map(|q| q.kind.code().to_owned()).collect(),
            q_choices: questions.iter().map(|q| q.choices.join("\n")).collect(),
            q_required: questions.iter().map(|q| if q.required { "yes" } else { "no" }.to_owned()).collect(),
            kind: event.kind.code().into(),
            title: event.title.clone(),
            slug: event.slug.clone(),
            description: event.description.clone(),
            starts_at: to_local(event.starts_at),
            ends_at: to_local(event.ends_at),
            location: event.location.clone(),
            address: event.address.clone().unwrap_or_default(),
            host: event.host.clone(),
            levels: event.levels.iter().map(|l| l.code().to_owned()).collect(),
            capacity: event.capacity.to_string(),
            registration_opens_at: to_local(event.registration_opens_at),
            registration_closes_at: to_local(event.registration_closes_at),
            language: event.language.clone(),
            what_to_bring: event.what_to_bring.clone().unwrap_or_default(),
            publish: None,
            version: event.version.to_string(),
            reminders_hours: Some(hours_list(&event.settings.reminders_before_minutes)),
            offer_window_hours: hours(event.settings.offer_window_minutes),
            offer_response_hours: hours(event.settings.offer_response_minutes),
            cutoff_hours: hours(event.settings.promotion_cutoff_minutes),
            retention_days: event.settings.retention_days.map(|d| d.to_string()).unwrap_or_default(),
        }
    }

    /// The filled question slots, as the API takes them.
    fn questions(&self) -> Vec<QuestionInput> {
        let at = |list: &[String], i: usize| list.get(i).cloned().unwrap_or_default();
        (0..self.q_label.len())
            .filter(|&i| !self.q_label[i].trim().is_empty())
            .map(|i| QuestionInput {
                label: Some(at(&self.q_label, i)),
                kind: non_empty(&at(&self.q_kind, i)),
                choices: Some(at(&self.q_choices, i).lines().map(str::to_owned).collect()),
                required: Some(at(&self.q_required, i) == "yes"),
            })
            .collect()
    }

    /// The same fields as the API takes; `status` decided by the caller.
    pub fn to_input(&self, status: &str) -> EventInput {
        EventInput {
            kind: non_empty(&self.kind),
            title: non_empty(&self.title),
            slug: non_empty(&self.slug),
            description: Some(self.description.clone()),
            starts_at: from_local(&self.starts_at),
            ends_at: from_local(&self.ends_at),
            // The form does not edit sessions: an event's stay as they are.
            sessions: None,
            location: non_empty(&self.location),
            address: Some(self.address.clone()),
            host: non_empty(&self.host),
            levels: Some(self.levels.clone()),
            // A number that does not parse is reported as missing.
            capacity: self.capacity.trim().parse().ok(),
            registration_opens_at: from_local(&self.registration_opens_at),
            registration_closes_at: from_local(&self.registration_closes_at),
            language: non_empty(&self.language),
            status: Some(status.to_owned()),
            what_to_bring: Some(self.what_to_bring.clone()),
            questions: Some(self.questions()),
            version: self.version.trim().parse().ok(),
            // Empty (a new event's form): the defaults.
            reminders_before_minutes: self.reminders_hours.as_deref().and_then(|h| minutes_list(h).ok()),
            offer_window_minutes: minutes(&self.offer_window_hours).ok().flatten(),
            offer_response_minutes: minutes(&self.offer_response_hours).ok().flatten(),
            promotion_cutoff_minutes: minutes(&self.cutoff_hours).ok().flatten(),
            retention_days: self.retention_days.trim().parse().ok(),
        }
    }

    /// The hour fields that are not numbers, reported by their API names.
    pub fn unreadable(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let mut check = |field: &'static str, readable: bool| {
            if !readable {
                errors.push(FieldError::new(field, FieldErrorKind::NotANumber));
            }
        };
        check("reminders_before_minutes", self.reminders_hours.as_deref().is_none_or(|h| minutes_list(h).is_ok()));
        check("offer_window_minutes", minutes(&self.offer_window_hours).is_ok());
        check("offer_response_minutes", minutes(&self.offer_response_hours).is_ok());
        check("promotion_cutoff_minutes", minutes(&self.cutoff_hours).is_ok());
        let days = self.retention_days.trim();
        check("retention_days", days.is_empty() || days.parse::<i64>().is_ok());
        errors
    }

    /// The fields (by name) where these values differ from `other`'s, with
    /// these values, as the organizer typed them.
    pub fn differences(&self, other: &EventFields) -> Vec<(&'static str, String)> {
        let texts = [
            ("kind", &self.kind, &other.kind),
            ("title", &self.title, &other.title),
            ("slug", &self.slug, &other.slug),
            ("description", &self.description, &other.description),
            ("starts_at", &self.starts_at, &other.starts_at),
            ("ends_at", &self.ends_at, &other.ends_at),
            ("location", &self.location, &other.location),
            ("address", &self.address, &other.address),
            ("host", &self.host, &other.host),
            ("capacity", &self.capacity, &other.capacity),
            ("registration_opens_at", &self.registration_opens_at, &other.registration_opens_at),
            ("registration_closes_at", &self.registration_closes_at, &other.registration_closes_at),
            ("language", &self.language, &other.language),
            ("what_to_bring", &self.what_to_bring, &other.what_to_bring),
            ("retention_days", &self.retention_days, &other.retention_days),
        ];
        let mut differences: Vec<_> = texts
            .into_iter()
            .filter(|(_, mine, theirs)| mine.trim() != theirs.trim())
            .map(|(field, mine, _)| (field, mine.clone()))
            .collect();
        if self.levels != other.levels {
            differences.push(("levels", self.levels.join(", ")));
        }
        if self
            .q_label
            .iter()
            .filter(|l| !l.trim().is_empty())
            .ne(other.q_label.iter().filter(|l| !l.trim().is_empty()))
        {
            differences.push((
                "questions",
                self.q_label.iter().filter(|l| !l.trim().is_empty()).cloned().collect::<Vec<_>>().join(" / "),
            ));
        }
        differences
    }
}

/// The ids of a field's hint and error, for `aria-describedby`, so that a
/// screen reader reads them with the field (`{name}-hint`, `{name}-error`).
pub fn described_by(name: &str, hint: bool, error: bool) -> Option<String> {
    match (hint, error) {
        (true, true) => Some(format!("{name}-hint {name}-error")),
        (true, false) => Some(format!("{name}-hint")),
        (false, true) => Some(format!("{name}-error")),
        (false, false) => None,
    }
}

/// The form, with errors next to their fields and typed values kept.
pub fn render(
    lang: Lang,
    action: &str,
    values: &EventFields,
    errors: &[FieldError],
    csrf: &CsrfToken,
    creating: bool,
) -> Markup {
    let t = lang.texts();
    let a = t.admin();
    let error = |field: &str| errors.iter().find(|e| e.field == field).map(|e| t.field_error(e.kind));
    let field = |name: &'static str, label: &str, kind: &str, value: &str, hint: Option<&str>| {
        let message = error(name);
        html! {
            div.field.invalid[message.is_some()] {
                label for=(name) { (label) }
                @if let Some(hint) = hint { p.hint #{ (name) "-hint" } { (hint) } }
                @if let Some(message) = &message { p.field-error #{ (name) "-error" } { (message) } }
                input #(name) name=(name) type=(kind) value=(value) aria-invalid=[message.as_ref().map(|_| "true")]
                    aria-describedby=[described_by(name, hint.is_some(), message.is_some())];
            }
        }
    };
    let area = |name: &'static str, label: &str, value: &str| {
        let message = error(name);
        html! {
            div.field.invalid[message.is_some()] {
                label for=(name) { (label) }
                @if let Some(message) = &message { p.field-error #{ (name) "-error" } { (message) } }
                textarea #(name) name=(name) rows="5" aria-invalid=[message.as_ref().map(|_| "true")]
                    aria-describedby=[described_by(name, false, message.is_some())] { (value) }
            }
        }
    };
    let levels_error = error("levels");
    let kind_error = error("kind");
    html! {
        @if !errors.is_empty() { p.notice.error role="alert" { (t.form_has_errors) } }
        form.event-form method="post" action=(action) {
            input type="hidden" name=(csrf::FIELD) value=(csrf.value());
            @if !creating { input type="hidden" name="version" value=(values.version); }
            div.field.invalid[kind_error.is_some()] {
                label for="kind" { (a.form_kind) }
                @if let Some(message) = &kind_error { p.field-error #kind-error { (message) } }
                select #kind name="kind" aria-invalid=[kind_error.as_ref().map(|_| "true")]
                    aria-describedby=[described_by("kind", false, kind_error.is_some())] {
                    @for kind in EventKind::ALL {
                        option value=(kind.code()) selected[values.kind == kind.code()] { (t.kind(kind)) }
                    }
                }
            }
            (field("title", a.form_title, "text", &values.title, None))
            (field("slug", a.form_slug, "text", &values.slug, Some(a.form_slug_hint)))
            (area("description", a.form_description, &values.description))
            (field("starts_at", a.form_starts, "datetime-local", &values.starts_at, Some(a.form_time_hint)))
            (field("ends_at", a.form_ends, "datetime-local", &values.ends_at, Some(a.form_time_hint)))
            (field("location", a.form_location, "text", &values.location, None))
            (field("address", a.form_address, "text", &values.address, None))
            (field("host", a.form_host, "text", &values.host, None))
            fieldset.field.invalid[levels_error.is_some()]
                aria-describedby=[described_by("levels", false, levels_error.is_some())] {
                legend { (a.form_levels) }
                @if let Some(message) = &levels_error { p.field-error #levels-error { (message) } }
                @for level in Level::ALL {
                    label.choice {
                        input type="checkbox" name="levels" value=(level.code())
                            checked[values.levels.iter().any(|l| l == level.code())];
                        " " (t.level(level))
                    }
                }
            }
            (field("capacity", a.form_capacity, "number", &values.capacity, None))
            (field("registration_opens_at", a.form_opens, "datetime-local", &values.registration_opens_at, Some(a.form_time_hint)))
            (field("registration_closes_at", a.form_closes, "datetime-local", &values.registration_closes_at, Some(a.form_closes_hint)))
            div.field {
                label for="language" { (a.form_language) }
                select #language name="language" {
                    option value="fr" selected[values.language != "en"] { "Français" }
                    option value="en" selected[values.language == "en"] { "English" }
                }
            }
            (area("what_to_bring", a.form_bring, &values.what_to_bring))
            (settings(lang, values, errors))
            fieldset.field.invalid[error("questions").is_some()]
                aria-describedby=[described_by("questions", true, error("questions").is_some())] {
                legend { (a.form_questions) }
                p.hint #questions-hint { (a.form_questions_hint) }
                @if let Some(message) = error("questions") { p.field-error #questions-error { (message) } }
                // The questions there are, and two empty slots for new ones.
                @for i in 0..(values.q_label.len() + 2).min(MAX_QUESTIONS) {
                    @let get = |list: &[String]| list.get(i).cloned().unwrap_or_default();
                    div.question {
                        label for={ "q_label_" (i) } { (a.form_question_label) " " (i + 1) }
                        input id={ "q_label_" (i) } name="q_label" type="text" value=(get(&values.q_label));
                        label for={ "q_kind_" (i) } { (a.form_question_kind) }
                        select id={ "q_kind_" (i) } name="q_kind" {
                            @for kind in [QuestionKind::Text, QuestionKind::Choice, QuestionKind::YesNo] {
                                option value=(kind.code()) selected[get(&values.q_kind) == kind.code()] { (a.question_kind(kind)) }
                            }
                        }
                        label for={ "q_choices_" (i) } { (a.form_question_choices) }
                        textarea id={ "q_choices_" (i) } name="q_choices" rows="2" { (get(&values.q_choices)) }
                        label for={ "q_required_" (i) } { (a.form_question_required) }
                        select id={ "q_required_" (i) } name="q_required" {
                            option value="no" selected[get(&values.q_required) != "yes"] { (a.no) }
                            option value="yes" selected[get(&values.q_required) == "yes"] { (a.yes) }
                        }
                    }
                }
            }
            @if creating {
                div.field.checkbox {
                    input #publish type="checkbox" name="publish" value="yes" checked[values.publish.is_some()];
                    label for="publish" { (a.form_publish_now) }
                }
            }
            button type="submit" { @if creating { (a.create) } @else { (a.save) } }
        }
    }
}
