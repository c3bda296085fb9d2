//! The fields that say who a person is (name, email, institution, level),
//! as the forms that change them show them: a person correcting their
//! details or giving their seat, an organizer editing a registration. Each
//! field carries its error, linked for screen readers.

use maud::{Markup, html};
use serde::Deserialize;

use crate::domain::{CorrectionForm, FieldError, Lang, Level, SignUpForm};
use crate::error::AppError;

/// The fields as typed (or as stored, for a form opened to edit).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct PersonFields {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub institution: String,
    #[serde(default)]
    pub level: String,
}

impl PersonFields {
    pub fn of(registration: &crate::domain::Registration) -> Self {
        Self {
            name: registration.name.clone(),
            email: registration.email.clone(),
            institution: registration.institution.clone().unwrap_or_default(),
            level: registration.level.code().to_owned(),
        }
    }

    /// A correction or an edit: only the fields the form shows.
    pub fn correction(&self, shown: Shown) -> CorrectionForm {
        CorrectionForm {
            name: Some(self.name.clone()),
            email: shown.email.then(|| self.email.clone()),
            institution: Some(self.institution.clone()),
            level: shown.level.then(|| self.level.clone()),
        }
    }

    /// A new person (a colleague given the seat).
    pub fn sign_up(&self) -> SignUpForm {
        SignUpForm {
            name: Some(self.name.clone()),
            email: Some(self.email.clone()),
            institution: Some(self.institution.clone()),
            level: Some(self.level.clone()),
            ..SignUpForm::default()
        }
    }
}

/// Which fields a form shows besides name and institution.
#[derive(Debug, Clone, Copy)]
pub struct Shown {
    pub email: bool,
    pub level: bool,
}

/// The fields, with `errors` (as the store or validation gave them) next
/// to the field each is about. `levels` are those offered.
pub fn fields(lang: Lang, values: &PersonFields, errors: &[FieldError], shown: Shown, levels: &[Level]) -> Markup {
    let t = lang.texts();
    let error = |name: &str| errors.iter().find(|e| e.field == name).map(|e| t.field_error(e.kind));
    let text = |name: &'static str, label: &str, kind: &str, value: &str, required: bool| {
        let message = error(name);
        html! {
            div.field.invalid[message.is_some()] {
                label for=(name) { (label) }
                @if let Some(message) = &message { p.field-error #{ (name) "-error" } { (message) } }
                input #(name) name=(name) type=(kind) value=(value) required[required]
                    aria-invalid=[message.as_ref().map(|_| "true")]
                    aria-describedby=[message.as_ref().map(|_| format!("{name}-error"))];
            }
        }
    };
    let level_error = error("level");
    html! {
        (text("name", t.name_label, "text", &values.name, true))
        @if shown.email { (text("email", t.email_label, "email", &values.email, true)) }
        (text("institution", t.institution_label, "text", &values.institution, false))
        @if shown.level {
            div.field.invalid[level_error.is_some()] {
                label for="level" { (t.level_label) }
                @if let Some(message) = &level_error { p.field-error #level-error { (message) } }
                select #level name="level" required aria-invalid=[level_error.as_ref().map(|_| "true")]
                    aria-describedby=[level_error.as_ref().map(|_| "level-error")] {
                    @for level in levels {
                        option value=(level.code()) selected[values.level == level.code()] { (t.level(*level)) }
                    }
                }
            }
        }
    }
}

/// A refused change as its form shows it again: errors next to fields,
/// or a sentence about the whole change (already registered, a level not
/// admitted, too late). Other errors are passed on.
pub fn problems(lang: Lang, error: AppError) -> Result<(Vec<FieldError>, Option<String>), AppError> {
    match error {
        AppError::Validation(errors) => Ok((errors, None)),
        AppError::AlreadyRegistered | AppError::Refused(_) | AppError::EventStarted | AppError::NotActive => {
            Ok((Vec::new(), Some(error.message(lang.texts()))))
        }
        other => Err(other),
    }
}
