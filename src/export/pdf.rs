//! The attendance sheet (feuille d'émargement): an A4 PDF with the event's
//! header, one row per confirmed attendee sorted by name, an empty signature
//! column per half-day the event spans, a box for the trainer's name and
//! signature, and page numbers. Laid out with printpdf, DejaVu Sans embedded
//! (subset) so that every accent prints.

use printpdf::{IndirectFontRef, Line, Mm, PdfDocument, PdfLayerReference, Point};

use crate::domain::Lang;
use crate::domain::{AttendeeLine, Event, RegistrationStatus, Slot};

const MARGIN: f32 = 15.0;
const ROW: f32 = 10.0;
const FIRST_TABLE_TOP: f32 = 225.0;
const NEXT_TABLE_TOP: f32 = 270.0;
const BOTTOM: f32 = 22.0;
const TRAINER_BOX: f32 = 32.0;
const NUMBER_WIDTH: f32 = 10.0;
const NAME_WIDTH: f32 = 52.0;
const INSTITUTION_WIDTH: f32 = 48.0;
const MAX_SLOTS: usize = 28;

#[derive(Debug, thiserror::Error)]
#[error("cannot write the attendance sheet: {0}")]
pub struct PdfError(String);

struct Labels {
    title: &'static str,
    host: &'static str,
    place: &'static str,
    date: &'static str,
    organizer: &'static str,
    number: &'static str,
    name: &'static str,
    institution: &'static str,
    trainer: &'static str,
    /// Before a check-in time at the door.
    checked_in: &'static str,
    /// Before a signature time (the room's code).
    signed: &'static str,
    signature: &'static str,
    page: &'static str,
    attendees: &'static str,
}

fn labels(lang: Lang) -> Labels {
    match lang {
        Lang::Fr => Labels {
            title: "FEUILLE D'ÉMARGEMENT",
            host: "Accueil",
            place: "Lieu",
            date: "Date",
            organizer: "Organisateur",
            number: "N°",
            name: "Nom",
            institution: "Établissement",
            trainer: "Formateur / intervenant — nom :",
            checked_in: "pointé",
            signed: "signé",
            signature: "Signature",
            page: "Page",
            attendees: "participants confirmés",
        },
        Lang::En => Labels {
            title: "ATTENDANCE SHEET",
            host: "Host",
            place: "Place",
            date: "Date",
            organizer: "Organizer",
            number: "No.",
            name: "Name",
            institution: "Institution",
            trainer: "Trainer / speaker — name:",
            checked_in: "checked in",
            signed: "signed",
            signature: "Signature",
            page: "Page",
            attendees: "confirmed attendees",
        },
    }
}

struct Sheet<'a> {
    layer: PdfLayerReference,
    regular: &'a IndirectFontRef,
    bold: &'a IndirectFontRef,
}

impl Sheet<'_> {
    fn text(&self, text: &str, size: f32, x: f32, y: f32, bold: bool) {
        let font = if bold { self.bold } else { self.regular };
        self.layer.use_text(text, size, Mm(x), Mm(y), font);
    }

    fn line(&self, x1: f32, y1: f32, x2: f32, y2: f32) {
        self.layer.add_line(Line {
            points: vec![(Point::new(Mm(x1), Mm(y1)), false), (Point::new(Mm(x2), Mm(y2)), false)],
            is_closed: false,
        });
    }
}

/// Cuts text to what fits `width` millimetres at `size` points (DejaVu Sans
/// averages about half an em per character).
fn fit(text: &str, width: f32, size: f32) -> String {
    let max = ((width - 2.0) / (size * 0.3528 * 0.5)).floor().max(1.0) as usize;
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

pub fn attendance_sheet(
    event: &Event,
    lines: &[AttendeeLine],
    organizer: &str,
    lang: Lang,
) -> Result<Vec<u8>, PdfError> {
    let l = labels(lang);
    let t = lang.texts();
    let mut attendees: Vec<&AttendeeLine> =
        lines.iter().filter(|line| line.registration.status == RegistrationStatus::Confirmed).collect();
    attendees.sort_by_cached_key(|line| (slug::slugify(&line.registration.name), line.registration.name.clone()));

    // At most four weeks of half-days: a sheet is for a course, not a
    // season; beyond, the columns would be too narrow to sign in.
    let halves: Vec<Slot> = event.slots().into_iter().take(MAX_SLOTS).collect();
    let landscape = halves.len() > 3;
    let (width, height) = if landscape { (297.0, 210.0) } else { (210.0, 297.0) };
    let shift = height - 297.0; // keeps the layout constants valid in landscape
    let first_top = FIRST_TABLE_TOP + shift;
    let next_top = NEXT_TABLE_TOP + shift;
    let per_page = |top: f32| (((top - ROW) - BOTTOM) / ROW).floor().max(1.0) as usize;

    // Pages: rows on the first, then on the following ones; the trainer box
    // goes under the last row, on a page of its own if it does not fit.
    let mut pages: Vec<std::ops::Range<usize>> = Vec::new();
    let mut start = 0;
    loop {
        let capacity = per_page(if pages.is_empty() { first_top } else { next_top });
        let end = (start + capacity).min(attendees.len());
        pages.push(start..end);
        start = end;
        if start >= attendees.len() {
            break;
        }
    }
    let last_rows = pages.last().map_or(0, |r| r.len()) as f32;
    let last_top = if pages.len() == 1 { first_top } else { next_top };
    let box_on_new_page = last_top - ROW - last_rows * ROW - TRAINER_BOX - 6.0 < BOTTOM;
    let total_pages = pages.len() + usize::from(box_on_new_page);

    let title = format!("{} — {}", l.title, event.title);
    let (doc, first_page, first_layer) = PdfDocument::new(&title, Mm(width), Mm(height), "sheet");
    let regular =
        doc.add_external_font_with_subsetting(dejavu::sans::regular(), true).map_err(|e| PdfError(e.to_string()))?;
    let bold =
        doc.add_external_font_with_subsetting(dejavu::sans::bold(), true).map_err(|e| PdfError(e.to_string()))?;

    let table_width = width - 2.0 * MARGIN;
    let signature_width = (table_width - NUMBER_WIDTH - NAME_WIDTH - INSTITUTION_WIDTH) / halves.len().max(1) as f32;
    let half_label = |slot: &Slot| slot.label(lang);

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

        let mut top = next_top;
        if page_index == 0 {
            let mut y = height - MARGIN - 5.0;
            sheet.text(l.title, 15.0, MARGIN, y, true);
            y -= 9.0;
            sheet.text(&fit(&event.title, table_width, 12.0), 12.0, MARGIN, y, true);
            y -= 8.0;
            let place = match &event.address {
                Some(address) => format!("{}, {address}", event.location),
                None => event.location.clone(),
            };
            for (label, value) in [
                (l.host, event.host.clone()),
                (l.place, place),
                (l.date, t.sessions(&event.sessions)),
                (l.organizer, organizer.to_owned()),
            ] {
                sheet.text(&format!("{label} :"), 10.0, MARGIN, y, true);
                sheet.text(&fit(&value, table_width - 30.0, 10.0), 10.0, MARGIN + 30.0, y, false);
                y -= 6.0;
            }
            sheet.text(&format!("{} {}", attendees.len(), l.attendees), 9.0, MARGIN, y - 1.0, false);
            top = first_top;
        } else {
            sheet.text(
                &fit(&format!("{} — {}", l.title, event.title), table_width, 10.0),
                10.0,
                MARGIN,
                height - MARGIN - 3.0,
                true,
            );
        }

        let rows = pages.get(page_index).cloned().unwrap_or(0..0);
        let drew_table = page_index < pages.len();
        if drew_table {
            // Header row.
            let columns: Vec<(f32, String)> = [
                (NUMBER_WIDTH, l.number.to_owned()),
                (NAME_WIDTH, l.name.to_owned()),
                (INSTITUTION_WIDTH, l.institution.to_owned()),
            ]
            .into_iter()
            .chain(halves.iter().map(|h| (signature_width, half_label(h))))
            .collect();
            let bottom = top - ROW * (rows.len() as f32 + 1.0);
            for y in (0..=rows.len() + 1).map(|i| top - ROW * i as f32) {
                sheet.line(MARGIN, y, MARGIN + table_width, y);
            }
            let mut x = MARGIN;
            sheet.line(x, top, x, bottom);
            for (column_width, label) in &columns {
                sheet.text(&fit(label, *column_width, 8.0), 8.0, x + 1.0, top - 6.5, true);
                x += column_width;
                sheet.line(x, top, x, bottom);
            }
            for (i, line) in attendees[rows].iter().enumerate() {
                let attendee = &line.registration;
                number += 1;
                let y = top - ROW * (i as f32 + 2.0) + 3.5;
                sheet.text(&number.to_string(), 9.0, MARGIN + 1.0, y, false);
                sheet.text(&fit(&attendee.name, NAME_WIDTH, 9.0), 9.0, MARGIN + NUMBER_WIDTH + 1.0, y, false);
                let institution = attendee.institution.as_deref().unwrap_or_default();
                sheet.text(
                    &fit(institution, INSTITUTION_WIDTH, 8.0),
                    8.0,
                    MARGIN + NUMBER_WIDTH + NAME_WIDTH + 1.0,
                    y,
                    false,
                );
                // Signed with the room's code, or checked in at the door:
                // said in the cell, which stays free to sign in with a pen.
                let first_cell = MARGIN + NUMBER_WIDTH + NAME_WIDTH + INSTITUTION_WIDTH;
                for (n, slot) in halves.iter().enumerate() {
                    let id = slot.id();
                    let marks = [(l.signed, line.signatures.get(&id)), (l.checked_in, line.attendance.get(&id))];
                    if let Some((word, at)) = marks.into_iter().find_map(|(word, at)| at.map(|at| (word, at))) {
                        let time = at.with_timezone(&chrono_tz::Europe::Paris).format("%H:%M");
                        let note = format!("{word} {time}");
                        let x = first_cell + signature_width * n as f32 + 1.0;
                        sheet.text(&fit(&note, signature_width, 7.0), 7.0, x, y - 2.5, false);
                    }
                }
            }
            top = bottom - 6.0;
        }

        if page_index == total_pages - 1 {
            // Trainer's box: name, then a signature cell per half-day.
            let box_top = if drew_table { top } else { next_top };
            let box_bottom = box_top - TRAINER_BOX;
            for y in [box_top, box_top - 10.0, box_bottom] {
                sheet.line(MARGIN, y, MARGIN + table_width, y);
            }
            sheet.line(MARGIN, box_top, MARGIN, box_bottom);
            sheet.line(MARGIN + table_width, box_top, MARGIN + table_width, box_bottom);
            sheet.text(l.trainer, 9.0, MARGIN + 1.0, box_top - 6.5, true);
            let cell = table_width / halves.len().max(1) as f32;
            for (i, half) in halves.iter().enumerate() {
                let x = MARGIN + cell * i as f32;
                if i > 0 {
                    sheet.line(x, box_top - 10.0, x, box_bottom);
                }
                sheet.text(
                    &fit(&format!("{} — {}", l.signature, half_label(half)), cell, 8.0),
                    8.0,
                    x + 1.0,
                    box_top - 15.0,
                    false,
                );
            }
        }

        let footer = format!("{} {} / {total_pages}", l.page, page_index + 1);
        sheet.text(&footer, 8.0, width - MARGIN - 18.0, 10.0, false);
        sheet.text(&fit(&event.title, table_width - 30.0, 7.0), 7.0, MARGIN, 10.0, false);
    }
    let pdf = doc.save_to_bytes().map_err(|e| PdfError(e.to_string()))?;
    with_title(pdf, &title)
}

/// The document's title in its metadata (what a PDF reader shows in its
/// title bar), as UTF-16 with a byte-order mark: printpdf 0.7 writes the
/// title's UTF-8 bytes, which readers take for PDFDocEncoding ("FEUILLE
/// D'Ã‰MARGEMENT"). Rewritten with printpdf's own lopdf.
fn with_title(pdf: Vec<u8>, title: &str) -> Result<Vec<u8>, PdfError> {
    use printpdf::lopdf::{Document, Object, StringFormat};
    let mut document = Document::load_mem(&pdf).map_err(|e| PdfError(format!("reading back: {e}")))?;
    let info = document.trailer.get(b"Info").and_then(Object::as_reference).map_err(|e| PdfError(e.to_string()))?;
    let text: Vec<u8> = [0xFE, 0xFF].into_iter().chain(title.encode_utf16().flat_map(u16::to_be_bytes)).collect();
    document
        .get_object_mut(info)
        .and_then(Object::as_dict_mut)
        .map_err(|e| PdfError(e.to_string()))?
        .set("Title", Object::String(text, StringFormat::Hexadecimal));
    let mut out = Vec::with_capacity(pdf.len());
    document.save_to(&mut out).map_err(|e| PdfError(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_in_the_metadata_reads_back_with_its_accents() {
        let (doc, _, _) = PdfDocument::new("garbled", Mm(210.0), Mm(297.0), "sheet");
        let pdf = with_title(doc.save_to_bytes().expect("pdf"), "FEUILLE D'ÉMARGEMENT — Masterclass").expect("title");
        let document = printpdf::lopdf::Document::load_mem(&pdf).expect("reads back");
        let info = document.trailer.get(b"Info").and_then(printpdf::lopdf::Object::as_reference).expect("info");
        let title = document.get_dictionary(info).and_then(|d| d.get(b"Title")).expect("title");
        let bytes = title.as_str().expect("a string");
        let units: Vec<u16> = bytes[2..].chunks(2).map(|pair| u16::from_be_bytes([pair[0], pair[1]])).collect();
        assert_eq!(&bytes[..2], [0xFE, 0xFF], "a byte-order mark");
        assert_eq!(String::from_utf16(&units).expect("UTF-16"), "FEUILLE D'ÉMARGEMENT — Masterclass");
    }
}
