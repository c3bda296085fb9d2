//! The attendance sheet (feuille d'émargement): an A4 PDF with the event's
//! header (and its total duration), one row per confirmed attendee sorted by
//! name, with long names and institutions wrapped, blank rows for people
//! added on paper, a column per slot (a half-day) saying "signé 09:07" or
//! "pointé 09:12" or left empty for a pen, the trainer's signature of each
//! slot, the organizer's attestation, and page numbers. "ANNULÉ" on every
//! page of a cancelled event.

use printpdf::{Mm, PdfDocument};

use super::pdf_page::{PdfError, Sheet, fit, with_title, wrap};
use crate::domain::{AttendeeLine, Event, EventStatus, Lang, RegistrationStatus, Slot, TrainerSignature, folded};

const MARGIN: f32 = 15.0;
/// A row's least height, and each line of text's.
const ROW: f32 = 10.0;
const LINE: f32 = 3.6;
const FIRST_TABLE_TOP: f32 = 218.0;
const NEXT_TABLE_TOP: f32 = 270.0;
const BOTTOM: f32 = 22.0;
/// The trainer's row and the organizer's attestation, under the table.
const CLOSING_BOX: f32 = 56.0;
const NUMBER_WIDTH: f32 = 10.0;
const NAME_WIDTH: f32 = 52.0;
const INSTITUTION_WIDTH: f32 = 48.0;
const MAX_SLOTS: usize = 28;
/// Rows left blank for people added at the door on paper.
const BLANK_ROWS: usize = 5;
const NAME_SIZE: f32 = 8.5;
const INSTITUTION_SIZE: f32 = 7.5;

struct Labels {
    title: &'static str,
    cancelled: &'static str,
    host: &'static str,
    place: &'static str,
    date: &'static str,
    duration: &'static str,
    organizer: &'static str,
    number: &'static str,
    name: &'static str,
    institution: &'static str,
    trainer: &'static str,
    /// Before a check-in time at the door.
    checked_in: &'static str,
    /// Before a signature time (the room's code).
    signed: &'static str,
    page: &'static str,
    attendees: &'static str,
    attestation: fn(&str) -> String,
    date_and_signature: &'static str,
}

fn labels(lang: Lang) -> Labels {
    match lang {
        Lang::Fr => Labels {
            title: "FEUILLE D'ÉMARGEMENT",
            cancelled: "ANNULÉ",
            host: "Accueil",
            place: "Lieu",
            date: "Date",
            duration: "Durée totale",
            organizer: "Organisateur",
            number: "N°",
            name: "Nom",
            institution: "Établissement",
            trainer: "Formateur / intervenant — nom et signature par demi-journée :",
            checked_in: "pointé",
            signed: "signé",
            page: "Page",
            attendees: "participants confirmés",
            attestation: |who| {
                format!(
                    "Je soussigné·e, {who}, pour l'organisation, atteste l'exactitude des présences portées sur cette feuille."
                )
            },
            date_and_signature: "Date et signature :",
        },
        Lang::En => Labels {
            title: "ATTENDANCE SHEET",
            cancelled: "CANCELLED",
            host: "Host",
            place: "Place",
            date: "Date",
            duration: "Total duration",
            organizer: "Organizer",
            number: "No.",
            name: "Name",
            institution: "Institution",
            trainer: "Trainer / speaker — name and signature for each half-day:",
            checked_in: "checked in",
            signed: "signed",
            page: "Page",
            attendees: "confirmed attendees",
            attestation: |who| {
                format!("I, {who}, for the organizers, certify that the attendance on this sheet is accurate.")
            },
            date_and_signature: "Date and signature:",
        },
    }
}

/// A row of the table: an attendee, or a blank for a pen; its text
/// wrapped, and so its height.
struct Row<'a> {
    line: Option<&'a AttendeeLine>,
    name: Vec<String>,
    institution: Vec<String>,
}

impl Row<'_> {
    fn height(&self) -> f32 {
        (self.name.len().max(self.institution.len()) as f32 * LINE + 3.0).max(ROW)
    }
}

pub fn attendance_sheet(
    event: &Event,
    lines: &[AttendeeLine],
    trainers: &[TrainerSignature],
    organizer: &str,
    lang: Lang,
) -> Result<Vec<u8>, PdfError> {
    let l = labels(lang);
    let t = lang.texts();
    let mut attendees: Vec<&AttendeeLine> =
        lines.iter().filter(|line| line.registration.status == RegistrationStatus::Confirmed).collect();
    attendees.sort_by_cached_key(|line| (folded(&line.registration.name), line.registration.name.clone()));
    let rows: Vec<Row> = attendees
        .iter()
        .map(|line| Row {
            line: Some(line),
            name: wrap(lang.people().name(&line.registration), NAME_WIDTH, NAME_SIZE),
            institution: wrap(
                line.registration.institution.as_deref().unwrap_or_default(),
                INSTITUTION_WIDTH,
                INSTITUTION_SIZE,
            ),
        })
        .chain((0..BLANK_ROWS).map(|_| Row { line: None, name: Vec::new(), institution: Vec::new() }))
        .collect();

    // At most four weeks of half-days: a sheet is for a course, not a
    // season; beyond, the columns would be too narrow to sign in.
    let halves: Vec<Slot> = event.slots().into_iter().take(MAX_SLOTS).collect();
    let landscape = halves.len() > 3;
    let (width, height) = if landscape { (297.0, 210.0) } else { (210.0, 297.0) };
    let shift = height - 297.0; // keeps the layout constants valid in landscape
    let first_top = FIRST_TABLE_TOP + shift;
    let next_top = NEXT_TABLE_TOP + shift;

    // Pages: as many rows as fit under the header row; the closing box goes
    // under the last row, on a page of its own if it does not fit.
    let mut pages: Vec<std::ops::Range<usize>> = Vec::new();
    let (mut start, mut room) = (0, first_top - ROW - BOTTOM);
    for (i, row) in rows.iter().enumerate() {
        if row.height() > room && i > start {
            pages.push(start..i);
            (start, room) = (i, next_top - ROW - BOTTOM);
        }
        room -= row.height();
    }
    pages.push(start..rows.len());
    let box_on_new_page = room - 6.0 < CLOSING_BOX;
    let total_pages = pages.len() + usize::from(box_on_new_page);

    let cancelled = event.status == EventStatus::Cancelled;
    let title = match cancelled {
        true => format!("{} — {} ({})", l.title, event.title, l.cancelled),
        false => format!("{} — {}", l.title, event.title),
    };
    let (doc, first_page, first_layer) = PdfDocument::new(&title, Mm(width), Mm(height), "sheet");
    let regular =
        doc.add_external_font_with_subsetting(dejavu::sans::regular(), true).map_err(|e| PdfError(e.to_string()))?;
    let bold =
        doc.add_external_font_with_subsetting(dejavu::sans::bold(), true).map_err(|e| PdfError(e.to_string()))?;

    let table_width = width - 2.0 * MARGIN;
    let signature_width = (table_width - NUMBER_WIDTH - NAME_WIDTH - INSTITUTION_WIDTH) / halves.len().max(1) as f32;
    let total = halves.iter().map(Slot::duration).fold(chrono::Duration::zero(), |sum, d| sum + d);
    let layout = Layout { l: &l, event, halves: &halves, table_width, signature_width };

    let mut number = 0;
    for page_index in 0..total_pages {
        let layer = if page_index == 0 {
            doc.get_page(first_page).get_layer(first_layer)
        } else {
            let (page, layer) = doc.add_page(Mm(width), Mm(height), "sheet");
            doc.get_page(page).get_layer(layer)
        };
        let sheet = Sheet { layer, regular: &regular, bold: &bold };
        sheet.layer.set_outline_thickness(0.6);
        if cancelled {
            sheet.text(l.cancelled, 20.0, width - MARGIN - 45.0, height - MARGIN - 5.0, true);
        }

        let mut top = next_top;
        if page_index == 0 {
            let mut y = height - MARGIN - 5.0;
            sheet.text(l.title, 15.0, MARGIN, y, true);
            y -= 9.0;
            for line in wrap(&event.title, table_width, 12.0).iter().take(2) {
                sheet.text(line, 12.0, MARGIN, y, true);
                y -= 6.0;
            }
            y -= 2.0;
            let place = match &event.address {
                Some(address) => format!("{}, {address}", event.location),
                None => event.location.clone(),
            };
            for (label, value) in [
                (l.host, event.host.clone()),
                (l.place, place),
                (l.date, t.sessions(&event.sessions)),
                (l.duration, lang.certificate().duration(total)),
                (l.organizer, organizer.to_owned()),
            ] {
                sheet.text(&format!("{label} :"), 10.0, MARGIN, y, true);
                sheet.text(&fit(&value, table_width - 30.0, 10.0), 10.0, MARGIN + 30.0, y, false);
                y -= 6.0;
            }
            sheet.text(&format!("{} {}", attendees.len(), l.attendees), 9.0, MARGIN, y - 1.0, false);
            top = first_top;
        } else {
            sheet.text(&fit(&title, table_width - 50.0, 10.0), 10.0, MARGIN, height - MARGIN - 3.0, true);
        }

        if let Some(range) = pages.get(page_index) {
            top = layout.table(&sheet, &rows[range.clone()], top, &mut number);
        }
        if page_index == total_pages - 1 {
            let box_top = if page_index < pages.len() { top } else { next_top };
            layout.closing(&sheet, box_top, trainers, organizer, lang);
        }

        let footer = format!("{} {} / {total_pages}", l.page, page_index + 1);
        sheet.text(&footer, 8.0, width - MARGIN - 18.0, 10.0, false);
        sheet.text(&fit(&event.title, table_width - 30.0, 7.0), 7.0, MARGIN, 10.0, false);
    }
    let pdf = doc.save_to_bytes().map_err(|e| PdfError(e.to_string()))?;
    with_title(pdf, &title)
}

/// What every page's parts are drawn with.
struct Layout<'a> {
    l: &'a Labels,
    event: &'a Event,
    halves: &'a [Slot],
    table_width: f32,
    signature_width: f32,
}

impl Layout<'_> {
    /// A table of `rows` from `top` down, with its header row; returns where
    /// it ends.
    fn table(&self, sheet: &Sheet, rows: &[Row], top: f32, number: &mut usize) -> f32 {
        let (l, lang) = (self.l, Lang::from_code(&self.event.language).unwrap_or_default());
        let columns: Vec<(f32, String)> = [
            (NUMBER_WIDTH, l.number.to_owned()),
            (NAME_WIDTH, l.name.to_owned()),
            (INSTITUTION_WIDTH, l.institution.to_owned()),
        ]
        .into_iter()
        .chain(self.halves.iter().map(|h| (self.signature_width, h.label(lang))))
        .collect();
        let bottom = top - ROW - rows.iter().map(Row::height).sum::<f32>();
        sheet.line(MARGIN, top, MARGIN + self.table_width, top);
        let mut x = MARGIN;
        sheet.line(x, top, x, bottom);
        for (column_width, label) in &columns {
            sheet.text(&fit(label, *column_width, 8.0), 8.0, x + 1.0, top - 6.5, true);
            x += column_width;
            sheet.line(x, top, x, bottom);
        }
        let mut y_top = top - ROW;
        sheet.line(MARGIN, y_top, MARGIN + self.table_width, y_top);
        let first_cell = MARGIN + NUMBER_WIDTH + NAME_WIDTH + INSTITUTION_WIDTH;
        for row in rows {
            *number += 1;
            let y = y_top - 4.5;
            sheet.text(&number.to_string(), 9.0, MARGIN + 1.0, y, false);
            for (i, text) in row.name.iter().enumerate() {
                sheet.text(text, NAME_SIZE, MARGIN + NUMBER_WIDTH + 1.0, y - LINE * i as f32, false);
            }
            for (i, text) in row.institution.iter().enumerate() {
                let x = MARGIN + NUMBER_WIDTH + NAME_WIDTH + 1.0;
                sheet.text(text, INSTITUTION_SIZE, x, y - LINE * i as f32, false);
            }
            // Signed with the room's code, or checked in at the door: said
            // in the cell, which stays free to sign in with a pen.
            if let Some(line) = row.line {
                for (n, slot) in self.halves.iter().enumerate() {
                    let id = slot.id();
                    let marks = [(l.signed, line.signatures.get(&id)), (l.checked_in, line.attendance.get(&id))];
                    if let Some((word, at)) = marks.into_iter().find_map(|(word, at)| at.map(|at| (word, at))) {
                        let time = at.with_timezone(&chrono_tz::Europe::Paris).format("%H:%M");
                        let x = first_cell + self.signature_width * n as f32 + 1.0;
                        sheet.text(&fit(&format!("{word} {time}"), self.signature_width, 7.0), 7.0, x, y, false);
                    }
                }
            }
            y_top -= row.height();
            sheet.line(MARGIN, y_top, MARGIN + self.table_width, y_top);
        }
        bottom - 6.0
    }

    /// The trainer's row (a cell per slot: its hours, and the signature
    /// given in the back-office) and the organizer's attestation.
    fn closing(&self, sheet: &Sheet, top: f32, trainers: &[TrainerSignature], organizer: &str, lang: Lang) {
        let (l, t) = (self.l, lang.texts());
        let trainer_bottom = top - 32.0;
        for y in [top, top - 8.0, trainer_bottom] {
            sheet.line(MARGIN, y, MARGIN + self.table_width, y);
        }
        sheet.line(MARGIN, top, MARGIN, trainer_bottom);
        sheet.line(MARGIN + self.table_width, top, MARGIN + self.table_width, trainer_bottom);
        sheet.text(l.trainer, 9.0, MARGIN + 1.0, top - 5.5, true);
        let cell = self.table_width / self.halves.len().max(1) as f32;
        for (i, half) in self.halves.iter().enumerate() {
            let x = MARGIN + cell * i as f32;
            if i > 0 {
                sheet.line(x, top - 8.0, x, trainer_bottom);
            }
            let hours = format!("{} {}–{}", half.label(lang), t.time(half.starts_at), t.time(half.ends_at));
            sheet.text(&fit(&hours, cell, 7.0), 7.0, x + 1.0, top - 12.0, false);
            if let Some(signed) = trainers.iter().find(|s| s.slot == half.id()) {
                let time = signed.signed_at.with_timezone(&chrono_tz::Europe::Paris).format("%H:%M");
                sheet.text(&fit(&signed.name, cell, 8.0), 8.0, x + 1.0, top - 18.0, true);
                sheet.text(&fit(&format!("{} {time}", l.signed), cell, 7.0), 7.0, x + 1.0, top - 22.0, false);
            }
        }
        let mut y = trainer_bottom - 7.0;
        let who = if organizer.is_empty() { "………………………" } else { organizer };
        for line in wrap(&(l.attestation)(who), self.table_width, 9.0) {
            sheet.text(&line, 9.0, MARGIN, y, false);
            y -= 4.5;
        }
        sheet.text(l.date_and_signature, 9.0, MARGIN, y - 2.0, true);
    }
}
