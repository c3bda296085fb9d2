//! Attendee lists in the formats organizers use: CSV and XLSX spreadsheets,
//! and the PDF attendance sheet (feuille d'émargement) that training funders
//! ask for.

mod certificate;
mod csv;
mod pdf;
mod pdf_page;
mod xlsx;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

use crate::domain::{AttendeeLine, Event, Lang, Question, Slot, TrainerSignature};

pub use self::certificate::{Issue, certificate};
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

/// Column titles, in the order of `row`: the fixed ones, then one per slot
/// (check-in time at the door), then one per question of the event.
pub fn headers(lang: Lang, slots: &[Slot], questions: &[Question]) -> Vec<String> {
    let t = lang.texts();
    let people = lang.people();
    let consent = [people.consented_header, people.notice_header, people.anonymised_header];
    let fixed = t.export_headers.iter().chain(&consent).map(|header| (*header).to_owned());
    let slots = slots.iter().map(|slot| (t.admin().attendance_at)(&slot.label(lang)));
    fixed.chain(slots).chain(questions.iter().map(|q| q.label.clone())).collect()
}

pub fn row(line: &AttendeeLine, lang: Lang, slots: &[Slot], questions: &[Question]) -> Vec<Cell> {
    let t = lang.texts();
    let r = &line.registration;
    let answer = |q: &Question| line.answers.get(&q.id).map(|answer| t.admin().answer(q.kind, answer));
    let answers = questions.iter().map(|q| optional_text(answer(q)));
    let mut cells = vec![
        text(lang.people().name(r)),
        text(&r.email),
        optional_text(r.institution.as_deref()),
        text(t.level(r.level)),
        text((t.status_word)(r.status)),
        r.waitlist_position.map_or(Cell::Empty, Cell::Number),
        Cell::Time(r.created_at),
        optional_time(r.cancelled_at),
        optional_time(line.checked_in_at),
        // A code: scripts read this column.
        text(r.language.code()),
        optional_text(line.email_status.as_deref().map(|status| t.admin().email_status(Some(status)))),
        optional_time(r.offer_expires_at),
        optional_time(r.attendance_confirmed_at),
        Cell::Time(r.consented_at),
        optional_text(r.consent_version.as_deref()),
        optional_time(r.anonymised_at),
    ];
    // Present at a slot: the first of the door's check-in and the signature.
    let present = |slot: &Slot| {
        let id = slot.id();
        [line.attendance.get(&id), line.signatures.get(&id)].into_iter().flatten().min().copied()
    };
    cells.extend(slots.iter().map(|slot| optional_time(present(slot))));
    cells.extend(answers);
    cells
}

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv(Delimiter),
    Xlsx,
    AttendanceSheet,
}

/// A file ready to download.
pub struct Download {
    pub content_type: &'static str,
    pub file_name: String,
    pub body: Vec<u8>,
}

impl IntoResponse for Download {
    fn into_response(self) -> Response {
        let disposition = format!("attachment; filename=\"{}\"", self.file_name);
        ([(header::CONTENT_TYPE, self.content_type.to_owned()), (header::CONTENT_DISPOSITION, disposition)], self.body)
            .into_response()
    }
}

/// Writes an export of `lines` (the event's registrations) off the async
/// threads: spreadsheets and PDFs of thousands of rows take a while.
pub async fn render(
    format: Format,
    event: Event,
    questions: Vec<Question>,
    lines: Vec<AttendeeLine>,
    trainers: Vec<TrainerSignature>,
    organizer: String,
    lang: Lang,
) -> anyhow::Result<Download> {
    tokio::task::spawn_blocking(move || {
        // File names use the slug: ASCII letters, digits and dashes only.
        let name = |what: &str, extension: &str| format!("{}-{what}.{extension}", event.slug);
        Ok(match format {
            Format::Csv(delimiter) => Download {
                content_type: "text/csv; charset=utf-8",
                file_name: name("inscrits", "csv"),
                body: to_csv(&lines, &event.slots(), &questions, lang, delimiter)?,
            },
            Format::Xlsx => Download {
                content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                file_name: name("inscrits", "xlsx"),
                body: to_xlsx(&event, &questions, &lines, lang)?,
            },
            Format::AttendanceSheet => Download {
                content_type: "application/pdf",
                file_name: name("emargement", "pdf"),
                body: attendance_sheet(&event, &lines, &trainers, &organizer, lang)?,
            },
        })
    })
    .await?
}
