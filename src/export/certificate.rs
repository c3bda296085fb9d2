//! The certificate of attendance (attestation de présence): one A4 page in
//! the person's language with who attended what, the half-days they were
//! present and the time they add up to, the organizers, the issue date,
//! and the verification address with its QR code.

use chrono::{DateTime, Utc};
use printpdf::{Mm, PdfDocument};

use super::pdf_page::{PdfError, Sheet, with_title, wrap};
use crate::domain::{Certificate, Lang};

const WIDTH: f32 = 210.0;
const HEIGHT: f32 = 297.0;
const MARGIN: f32 = 25.0;
const QR_SIDE: f32 = 38.0;

/// What the certificate says besides the record itself.
pub struct Issue<'a> {
    /// The event's organizers, as they sign it.
    pub organizer: &'a str,
    /// The public page that confirms it (`/verify/{id}`).
    pub verify_url: &'a str,
    pub issued_at: DateTime<Utc>,
}

pub fn certificate(certificate: &Certificate, issue: &Issue<'_>, lang: Lang) -> Result<Vec<u8>, PdfError> {
    let words = lang.certificate();
    let t = lang.texts();
    let (event, person) = (&certificate.event, &certificate.registration);
    let title = format!("{} — {}", words.title, person.name);
    let (doc, page, layer) = PdfDocument::new(&title, Mm(WIDTH), Mm(HEIGHT), "certificate");
    let regular =
        doc.add_external_font_with_subsetting(dejavu::sans::regular(), true).map_err(|e| PdfError(e.to_string()))?;
    let bold =
        doc.add_external_font_with_subsetting(dejavu::sans::bold(), true).map_err(|e| PdfError(e.to_string()))?;
    let sheet = Sheet { layer: doc.get_page(page).get_layer(layer), regular: &regular, bold: &bold };
    sheet.layer.set_outline_thickness(1.0);
    let inner = WIDTH - 2.0 * MARGIN;
    // A frame, as on paper certificates.
    let (left, right, bottom, top) = (12.0, WIDTH - 12.0, 12.0, HEIGHT - 12.0);
    for (x1, y1, x2, y2) in [(left, bottom, right, bottom), (right, bottom, right, top), (right, top, left, top)] {
        sheet.line(x1, y1, x2, y2);
    }
    sheet.line(left, top, left, bottom);

    let mut y = HEIGHT - 45.0;
    sheet.text(words.title, 20.0, MARGIN, y, true);
    y -= 18.0;
    let paragraph = |text: &str, size: f32, bold: bool, y: &mut f32| {
        for line in wrap(text, inner, size) {
            sheet.text(&line, size, MARGIN, *y, bold);
            *y -= size * 0.3528 * 1.5;
        }
        *y -= 2.0;
    };
    paragraph(words.certify, 11.0, false, &mut y);
    paragraph(&person.name, 16.0, true, &mut y);
    if let Some(institution) = person.institution.as_deref().filter(|i| !i.is_empty()) {
        paragraph(institution, 11.0, false, &mut y);
    }
    paragraph(&(words.attended)(&event.title), 12.0, true, &mut y);
    y -= 4.0;
    let place = match &event.address {
        Some(address) => format!("{}, {address}", event.location),
        None => event.location.clone(),
    };
    let slots: Vec<String> = certificate
        .attended
        .iter()
        .map(|slot| format!("{} ({}–{})", slot.label(lang), t.time(slot.starts_at), t.time(slot.ends_at)))
        // One slot breaks from the next, never inside itself.
        .map(|slot| slot.replace(' ', "\u{a0}"))
        .collect();
    let organizer = if issue.organizer.is_empty() { t.site_name } else { issue.organizer };
    for (label, value) in [
        (words.kind, t.kind(event.kind).to_owned()),
        (words.host, event.host.clone()),
        (words.place, place),
        (words.dates, t.sessions(&event.sessions)),
        (words.slots, slots.join(", ")),
        (words.total, words.duration(certificate.duration())),
        (words.organizer, organizer.to_owned()),
    ] {
        sheet.text(&format!("{label} :"), 10.0, MARGIN, y, true);
        let lines = wrap(&value, inner - 52.0, 10.0);
        for line in &lines {
            sheet.text(line, 10.0, MARGIN + 52.0, y, false);
            y -= 5.5;
        }
        y -= 2.0;
    }
    y -= 6.0;
    let issued = issue.issued_at.with_timezone(&chrono_tz::Europe::Paris).format("%d/%m/%Y");
    sheet.text(&format!("{} {issued}", words.issued), 10.0, MARGIN, y, false);

    // The verification address and its code, at the foot of the page.
    let qr_y = 24.0;
    sheet.qr(issue.verify_url, WIDTH - MARGIN - QR_SIDE, qr_y, QR_SIDE);
    sheet.text(words.verify_at, 9.0, MARGIN, qr_y + 22.0, true);
    for (i, line) in wrap(issue.verify_url, inner - QR_SIDE - 4.0, 9.0).iter().enumerate() {
        sheet.text(line, 9.0, MARGIN, qr_y + 16.0 - 5.0 * i as f32, false);
    }
    sheet.text(&format!("{} {}", words.number, certificate.id), 8.0, MARGIN, qr_y + 2.0, false);

    let pdf = doc.save_to_bytes().map_err(|e| PdfError(e.to_string()))?;
    with_title(pdf, &title)
}
