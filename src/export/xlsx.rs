//! XLSX: a header row, sized columns, dates as real dates (Paris time).

use chrono_tz::Europe::Paris;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::{Cell, headers, row};
use crate::domain::Lang;
use crate::domain::{AttendeeLine, Event, Question};

pub fn to_xlsx(
    event: &Event,
    questions: &[Question],
    lines: &[AttendeeLine],
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    // Sheet names are at most 31 characters and exclude a few symbols.
    let name: String =
        event.title.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect::<String>().trim().to_owned();
    if !name.is_empty() {
        // Excel refuses some names (reserved words, quotes at either end):
        // the default name is fine then.
        let _ = sheet.set_name(&name);
    }
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    let slots = event.slots();
    let titles = headers(lang, &slots, questions);
    let mut widths: Vec<usize> = titles.iter().map(|t| t.chars().count()).collect();
    for (col, title) in titles.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, title, &bold)?;
    }
    for (i, line) in lines.iter().enumerate() {
        let r = i as u32 + 1;
        for (col, cell) in row(line, lang, &slots, questions).into_iter().enumerate() {
            let c = col as u16;
            let width = match cell {
                Cell::Text(text) => {
                    sheet.write_string(r, c, &text)?;
                    text.chars().count()
                }
                Cell::Number(n) => {
                    sheet.write_number(r, c, n as f64)?;
                    6
                }
                Cell::Time(at) => {
                    sheet.write_datetime_with_format(r, c, at.with_timezone(&Paris).naive_local(), &date)?;
                    16
                }
                Cell::Empty => 0,
            };
            widths[col] = widths[col].max(width);
        }
    }
    for (col, width) in widths.into_iter().enumerate() {
        sheet.set_column_width(col as u16, (width.min(60) + 2) as f64)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    workbook.save_to_buffer()
}
