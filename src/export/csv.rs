//! CSV: UTF-8 with a byte-order mark (so that Excel reads accents), comma or
//! semicolon separated (French Excel expects semicolons), formulas defused.

use chrono_tz::Europe::Paris;

use super::{Cell, headers, row};
use crate::domain::Lang;
use crate::domain::{AttendeeLine, Question, Slot};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Delimiter {
    #[default]
    Comma,
    Semicolon,
}

pub fn to_csv(
    lines: &[AttendeeLine],
    slots: &[Slot],
    questions: &[Question],
    lang: Lang,
    delimiter: Delimiter,
) -> Result<Vec<u8>, csv::Error> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(match delimiter {
                Delimiter::Comma => b',',
                Delimiter::Semicolon => b';',
            })
            .from_writer(&mut out);
        writer.write_record(headers(lang, slots, questions).iter().map(|h| defuse(h)))?;
        for line in lines {
            writer.write_record(row(line, lang, slots, questions).iter().map(cell_text))?;
        }
        writer.flush()?;
    }
    Ok(out)
}

fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Text(text) => defuse(text),
        Cell::Number(n) => n.to_string(),
        Cell::Time(at) => at.with_timezone(&Paris).format("%Y-%m-%d %H:%M").to_string(),
        Cell::Empty => String::new(),
    }
}

/// A spreadsheet runs a cell starting with = + - @ (or a tab or carriage
/// return before one) as a formula; a leading quote makes it plain text.
fn defuse(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused() {
        for dangerous in ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"] {
            assert!(defuse(dangerous).starts_with('\''), "{dangerous:?}");
        }
        assert_eq!(defuse("Léa Dupont"), "Léa Dupont");
    }
}
