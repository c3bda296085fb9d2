//! The organizer's events, by job: the list, one event's page, the event
//! form, the actions on an event and its registrations, the exports.

mod actions;
mod confirm;
mod detail;
mod exports;
mod form;
mod list;

pub use actions::{cancel, confirm, duplicate, message, remove, resend, set_status};
pub use confirm::{ask_cancel, ask_remove};
pub use detail::show;
pub use exports::{export_csv, export_sheet, export_xlsx};
pub use form::{create, edit, new, update};
pub use list::list;

use crate::domain::EventStatus;
use crate::i18n::AdminTexts;

fn status_label(a: &AdminTexts, status: EventStatus) -> &'static str {
    match status {
        EventStatus::Draft => a.draft,
        EventStatus::Published => a.published,
        EventStatus::Cancelled => a.cancelled,
    }
}
