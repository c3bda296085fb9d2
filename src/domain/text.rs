//! Free text as people type it (names, titles, answers, messages): one
//! policy for every field.
//!
//! Format characters (Unicode category Cf: right-to-left overrides,
//! zero-width spaces and joiners, byte-order marks) are invisible, so a
//! person cannot see or fix them; they only serve to spoof a name on an
//! attendance sheet or to make two equal-looking names differ. They are
//! removed. Control characters (and line or paragraph separators) are
//! refused, except newlines and tabs in multi-line fields. What remains is
//! put in Unicode NFC, so that "é" typed as one character or as "e" and an
//! accent is stored the same.

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

use super::{FieldError, FieldErrorKind};

/// Without format characters, trimmed, in NFC; `None` when empty. Refuses
/// text longer than `max` characters and control characters (newlines and
/// tabs are fine when `multiline`).
pub fn optional_text(
    field: &'static str,
    value: Option<&str>,
    max: usize,
    multiline: bool,
) -> Result<Option<String>, FieldError> {
    let visible: String = value.unwrap_or_default().chars().filter(|&c| !is_format(c)).nfc().collect();
    let text = visible.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > max {
        return Err(FieldError::new(field, FieldErrorKind::TooLong { max }));
    }
    let allowed = |c: char| {
        let control = c.is_control() || matches!(c, '\u{2028}' | '\u{2029}');
        !control || (multiline && matches!(c, '\n' | '\r' | '\t'))
    };
    if !text.chars().all(allowed) {
        return Err(FieldError::new(field, FieldErrorKind::ControlCharacters));
    }
    Ok(Some(text.to_owned()))
}

/// As `optional_text` on one line, and empty is refused.
pub fn required_text(field: &'static str, value: Option<&str>, max: usize) -> Result<String, FieldError> {
    optional_text(field, value, max, false)?.ok_or(FieldError::new(field, FieldErrorKind::Required))
}

fn is_format(c: char) -> bool {
    c.general_category() == GeneralCategory::Format
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_characters_are_removed() {
        for raw in ["Léa\u{202E}Dupont", "\u{FEFF}Léa\u{200B}Dupont", "Lé\u{200D}aDupont\u{2066}"] {
            assert_eq!(required_text("name", Some(raw), 100).expect("valid"), "LéaDupont", "{raw:?}");
        }
        assert_eq!(required_text("name", Some(" \u{200B} "), 100).unwrap_err().kind, FieldErrorKind::Required);
    }

    #[test]
    fn control_characters_are_refused_and_newlines_kept_where_they_belong() {
        for raw in ["Léa\u{0}", "Léa\nDupont", "Léa\u{1B}[31m", "Léa\u{2028}Dupont", "a\u{85}b"] {
            assert_eq!(required_text("name", Some(raw), 100).unwrap_err().kind, FieldErrorKind::ControlCharacters);
        }
        let text = optional_text("answer", Some("Sans gluten\r\n\tet sans lait"), 100, true).expect("valid");
        assert_eq!(text.as_deref(), Some("Sans gluten\r\n\tet sans lait"));
    }

    #[test]
    fn text_is_stored_composed() {
        assert_eq!(required_text("name", Some("Le\u{301}a"), 100).expect("valid"), "L\u{e9}a");
    }
}
