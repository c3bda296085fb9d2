//! Drawing on PDF pages with printpdf, for the attendance sheet and the
//! certificates: text in DejaVu Sans (embedded, subset, so that every
//! accent prints), lines, QR codes, text fitted or wrapped to a width, and
//! a title in the metadata that readers show as written.

use printpdf::{IndirectFontRef, Line, Mm, PdfLayerReference, Point};

#[derive(Debug, thiserror::Error)]
#[error("cannot write the PDF: {0}")]
pub struct PdfError(pub String);

/// A page to write on, with the two weights of DejaVu Sans.
pub struct Sheet<'a> {
    pub layer: PdfLayerReference,
    pub regular: &'a IndirectFontRef,
    pub bold: &'a IndirectFontRef,
}

impl Sheet<'_> {
    pub fn text(&self, text: &str, size: f32, x: f32, y: f32, bold: bool) {
        let font = if bold { self.bold } else { self.regular };
        self.layer.use_text(text, size, Mm(x), Mm(y), font);
    }

    pub fn line(&self, x1: f32, y1: f32, x2: f32, y2: f32) {
        self.layer.add_line(Line {
            points: vec![(Point::new(Mm(x1), Mm(y1)), false), (Point::new(Mm(x2), Mm(y2)), false)],
            is_closed: false,
        });
    }

    /// A filled black square (a QR code's module).
    pub fn square(&self, x: f32, y: f32, side: f32) {
        let square =
            printpdf::Rect::new(Mm(x), Mm(y), Mm(x + side), Mm(y + side)).with_mode(printpdf::path::PaintMode::Fill);
        self.layer.add_rect(square);
    }

    /// A QR code of `text`, `side` millimetres square, its lower left corner
    /// at (`x`, `y`), quiet zone included.
    pub fn qr(&self, text: &str, x: f32, y: f32, side: f32) {
        let Some((width, dark)) = crate::qr::modules(text) else { return };
        let module = side / (width + 2 * crate::qr::QUIET) as f32;
        let origin = crate::qr::QUIET as f32 * module;
        for (i, _) in dark.iter().enumerate().filter(|(_, dark)| **dark) {
            let (column, row) = ((i % width) as f32, (i / width) as f32);
            self.square(x + origin + column * module, y + side - origin - (row + 1.0) * module, module);
        }
    }
}

/// Characters that fit `width` millimetres at `size` points (DejaVu Sans
/// averages about half an em per character).
fn fitting(width: f32, size: f32) -> usize {
    ((width - 2.0) / (size * 0.3528 * 0.5)).floor().max(1.0) as usize
}

/// Breaks text into lines that fit `width` millimetres at `size` points,
/// between words where it can (never at a non-breaking space); a word
/// longer than a line is cut.
pub fn wrap(text: &str, width: f32, size: f32) -> Vec<String> {
    let max = fitting(width, size);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    // Between words only: a non-breaking space ("9 h 30") holds.
    for word in text.split([' ', '\n', '\t']).filter(|word| !word.is_empty()) {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > max {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(word.drain(..max).collect());
        }
        let word: String = word.into_iter().collect();
        let needed = line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
        if needed > max && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Cuts text to what fits `width` millimetres at `size` points.
pub fn fit(text: &str, width: f32, size: f32) -> String {
    let max = fitting(width, size);
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// The document's title in its metadata (what a PDF reader shows in its
/// title bar), as UTF-16 with a byte-order mark: printpdf 0.7 writes the
/// title's UTF-8 bytes, which readers take for PDFDocEncoding ("FEUILLE
/// D'Ã‰MARGEMENT"). Rewritten with printpdf's own lopdf.
pub fn with_title(pdf: Vec<u8>, title: &str) -> Result<Vec<u8>, PdfError> {
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
    use printpdf::PdfDocument;

    #[test]
    fn long_text_wraps_between_words_and_cuts_only_what_cannot_fit() {
        // 40 mm at 9 pt: 23 characters a line.
        let lines = wrap("Institut national de recherche pour l'agriculture, l'alimentation", 40.0, 9.0);
        assert_eq!(lines, ["Institut national de", "recherche pour", "l'agriculture,", "l'alimentation"]);
        assert!(lines.iter().all(|line| line.chars().count() <= 23));
        let long = wrap("Pneumonoultramicroscopicsilicovolcanoconiosis", 40.0, 9.0);
        assert_eq!(long.concat(), "Pneumonoultramicroscopicsilicovolcanoconiosis");
        assert_eq!(wrap("", 40.0, 9.0), [""]);
    }

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
