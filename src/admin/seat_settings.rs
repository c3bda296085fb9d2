//! The reminder and offer settings of the event form: typed in hours,
//! kept in minutes.

use maud::{Markup, html};

use super::event_form::EventFields;
use crate::domain::{FieldError, Lang};

/// Minutes as hours in the form: "48", "1.5".
pub(super) fn hours(minutes: i64) -> String {
    if minutes % 60 == 0 { (minutes / 60).to_string() } else { format!("{:.2}", minutes as f64 / 60.0) }
}

/// Hours typed ("48", "1,5", "0.25") as minutes; `None` when empty.
pub(super) fn minutes(hours: &str) -> Result<Option<i64>, ()> {
    let hours = hours.trim().replace(',', ".");
    if hours.is_empty() {
        return Ok(None);
    }
    match hours.parse::<f64>() {
        Ok(h) if h.is_finite() && h.abs() < 1e6 => Ok(Some((h * 60.0).round() as i64)),
        _ => Err(()),
    }
}

/// A list of hours ("48, 2", "48 2", "48; 0.5") as minutes; an empty one
/// is no reminder. Decimals take a dot here: the comma separates.
pub(super) fn minutes_list(hours: &str) -> Result<Vec<i64>, ()> {
    hours
        .split([',', ';', ' ', '\t'])
        .filter(|item| !item.trim().is_empty())
        .map(|item| minutes(item).and_then(|m| m.ok_or(())))
        .collect()
}

pub(super) fn hours_list(minutes: &[i64]) -> String {
    minutes.iter().map(|m| hours(*m)).collect::<Vec<_>>().join(", ")
}

/// The reminder and offer settings, in hours.
pub(super) fn settings(lang: Lang, values: &EventFields, errors: &[FieldError]) -> Markup {
    let t = lang.texts();
    let a = t.admin();
    let field = |name: &'static str, key: &str, label: &str, value: &str, hint: Option<&str>| {
        let message = errors.iter().find(|e| e.field == key).map(|e| t.field_error(e.kind));
        let described = message.as_ref().map(|_| format!("{name}-error")).or(hint.map(|_| format!("{name}-hint")));
        html! {
            div.field.invalid[message.is_some()] {
                label for=(name) { (label) }
                @if let Some(hint) = hint { p.hint #{ (name) "-hint" } { (hint) } }
                @if let Some(message) = &message { p.field-error #{ (name) "-error" } { (message) } }
                input #(name) name=(name) type="text" inputmode="decimal" value=(value)
                    aria-invalid=[message.as_ref().map(|_| "true")] aria-describedby=[described];
            }
        }
    };
    html! {
        fieldset.field {
            legend { (a.form_seats_section) }
            (field("reminders_hours", "reminders_before_minutes", a.form_reminders,
                values.reminders_hours.as_deref().unwrap_or_default(), Some(a.form_reminders_hint)))
            (field("offer_window_hours", "offer_window_minutes", a.form_offer_window, &values.offer_window_hours,
                Some(a.form_offer_window_hint)))
            (field("offer_response_hours", "offer_response_minutes", a.form_offer_response,
                &values.offer_response_hours, None))
            (field("cutoff_hours", "promotion_cutoff_minutes", a.form_cutoff, &values.cutoff_hours,
                Some(a.form_cutoff_hint)))
            (field("retention_days", "retention_days", a.form_retention, &values.retention_days,
                Some(a.form_retention_hint)))
        }
    }
}
