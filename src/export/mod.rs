//! Attendee lists in the formats organizers use: CSV and XLSX spreadsheets,
//! and the PDF attendance sheet (feuille d'émargement) that training funders
//! ask for.

mod csv;
mod pdf;
mod xlsx;

use chrono::{DateTime, Utc};

use crate::domain::{AttendeeLine, Event, RegistrationStatus};
use crate::i18n::Lang;

pub use self::csv::{Delimiter, to_csv};
pub use self::pdf::attendance_sheet;
pub use self::xlsx::to_xlsx;

/// One cell of an attendee row, typed so that each format writes it best
/// (real dates in XLSX, Paris time text in CSV).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(i64),
    Time(DateTime<Utc>),
    Empty,
}

fn text(value: impl Into<String>) -> Cell {
    Cell::Text(value.into())
}

fn optional_text(value: Option<&str>) -> Cell {
    value.map_or(Cell::Empty, text)
}

fn optional_time(value: Option<DateTime<Utc>>) -> Cell {
    value.map_or(Cell::Empty, Cell::Time)
}

/// Column titles, in the order of `row`.
pub fn headers(lang: Lang) -> Vec<&'static str> {
    match lang {
        Lang::Fr => vec![
            "Nom",
            "E-mail",
            "Établissement",
            "Niveau",
            "Statut",
            "Position en liste d'attente",
            "Inscrit le",
            "Annulé le",
            "Présent (pointé le)",
            "Langue",
            "Dernier e-mail",
        ],
        Lang::En => vec![
            "Name",
            "Email",
            "Institution",
            "Level",
            "Status",
            "Waiting-list position",
            "Registered at",
            "Cancelled at",
            "Checked in at",
            "Language",
            "Latest email",
        ],
    }
}

pub fn row(line: &AttendeeLine, lang: Lang) -> Vec<Cell> {
    let t = lang.texts();
    let r = &line.registration;
    vec![
        text(&r.name),
        text(&r.email),
        optional_text(r.institution.as_deref()),
        text(t.level(r.level)),
        text(status_label(r.status, lang)),
        r.waitlist_position.map_or(Cell::Empty, Cell::Number),
        Cell::Time(r.created_at),
        optional_time(r.cancelled_at),
        optional_time(line.checked_in_at),
        text(r.language.code()),
        optional_text(line.email_status.as_deref()),
    ]
}

fn status_label(status: RegistrationStatus, lang: Lang) -> &'static str {
    match (lang, status) {
        (Lang::Fr, RegistrationStatus::Confirmed) => "confirmé",
        (Lang::Fr, RegistrationStatus::Waitlisted) => "liste d'attente",
        (Lang::Fr, RegistrationStatus::Cancelled) => "annulé",
        (Lang::En, RegistrationStatus::Confirmed) => "confirmed",
        (Lang::En, RegistrationStatus::Waitlisted) => "waiting list",
        (Lang::En, RegistrationStatus::Cancelled) => "cancelled",
    }
}

/// A file name from the event's slug, e.g. `masterclass-naobios-inscrits.csv`.
pub fn file_name(event: &Event, what: &str, extension: &str) -> String {
    format!("{}-{what}.{extension}", event.slug)
}
