//! When an event reminds people and what becomes of a seat freed near
//! its start: the settings and their validation.

use super::{EventInput, FieldError, FieldErrorKind};

/// Sixty days, in minutes: the longest any of an event's delays may be.
pub const MAX_MINUTES: i64 = 60 * 24 * 60;
const MAX_REMINDERS: usize = 5;
/// Ten years: longer is keeping data for ever.
pub const MAX_RETENTION_DAYS: i64 = 3650;

/// When people are reminded, and what becomes of a freed seat near the
/// start; all in minutes before the start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatSettings {
    /// A reminder at each of these offsets before the start.
    pub reminders_before_minutes: Vec<i64>,
    /// A seat freed less than this before the start is offered to the first
    /// person waiting rather than given; 0: always given.
    pub offer_window_minutes: i64,
    /// How long a person has to accept an offer (never past the start).
    pub offer_response_minutes: i64,
    /// From this long before the start, a freed seat stays free.
    pub promotion_cutoff_minutes: i64,
    /// Days its people's data is kept after the last session; `None`: the
    /// service's RETENTION_DAYS.
    pub retention_days: Option<i64>,
}

impl Default for SeatSettings {
    fn default() -> Self {
        Self {
            reminders_before_minutes: vec![2880],
            offer_window_minutes: 2880,
            offer_response_minutes: 720,
            promotion_cutoff_minutes: 60,
            retention_days: None,
        }
    }
}

impl SeatSettings {
    /// The offsets as stored: minutes joined by commas.
    pub fn reminders_text(&self) -> String {
        self.reminders_before_minutes.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
    }

    /// Reads the stored offsets back; what does not parse is skipped.
    pub fn parse_reminders(stored: &str) -> Vec<i64> {
        stored.split(',').filter_map(|minutes| minutes.trim().parse().ok()).collect()
    }
}

impl EventInput {
    /// The reminder and offer settings, the defaults for those absent.
    pub(super) fn settings(&self) -> Result<SeatSettings, FieldError> {
        let defaults = SeatSettings::default();
        let minutes = |field: &'static str, value: Option<i64>, default: i64, min: i64| match value.unwrap_or(default) {
            n if n < min => Err(FieldError::new(field, FieldErrorKind::TooSmall { min })),
            n if n > MAX_MINUTES => Err(FieldError::new(field, FieldErrorKind::TooLarge { max: MAX_MINUTES })),
            n => Ok(n),
        };
        let mut reminders = match &self.reminders_before_minutes {
            None => defaults.reminders_before_minutes,
            Some(list) if list.len() > MAX_REMINDERS => {
                return Err(FieldError::new(
                    "reminders_before_minutes",
                    FieldErrorKind::TooLong { max: MAX_REMINDERS },
                ));
            }
            Some(list) => list
                .iter()
                .map(|&offset| minutes("reminders_before_minutes", Some(offset), 0, 1))
                .collect::<Result<Vec<_>, _>>()?,
        };
        // The earliest reminder first, each offset once.
        reminders.sort_unstable_by(|a, b| b.cmp(a));
        reminders.dedup();
        Ok(SeatSettings {
            reminders_before_minutes: reminders,
            offer_window_minutes: minutes(
                "offer_window_minutes",
                self.offer_window_minutes,
                defaults.offer_window_minutes,
                0,
            )?,
            offer_response_minutes: minutes(
                "offer_response_minutes",
                self.offer_response_minutes,
                defaults.offer_response_minutes,
                1,
            )?,
            promotion_cutoff_minutes: minutes(
                "promotion_cutoff_minutes",
                self.promotion_cutoff_minutes,
                defaults.promotion_cutoff_minutes,
                0,
            )?,
            retention_days: match self.retention_days {
                None => None,
                Some(days) if days < 1 => {
                    return Err(FieldError::new("retention_days", FieldErrorKind::TooSmall { min: 1 }));
                }
                Some(days) if days > MAX_RETENTION_DAYS => {
                    return Err(FieldError::new(
                        "retention_days",
                        FieldErrorKind::TooLarge { max: MAX_RETENTION_DAYS },
                    ));
                }
                Some(days) => Some(days),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::domain::event_input::tests::input;

    #[test]
    fn reminder_and_offer_settings_are_checked() {
        let settings =
            EventInput { reminders_before_minutes: Some(vec![60, 2880, 60]), offer_window_minutes: Some(0), ..input() };
        let event = settings.validate(Utc::now()).expect("valid");
        assert_eq!(event.settings.reminders_before_minutes, [2880, 60], "earliest first, once each");
        assert_eq!(event.settings.offer_window_minutes, 0);
        let none = EventInput { reminders_before_minutes: Some(vec![]), ..input() };
        assert!(none.validate(Utc::now()).expect("valid").settings.reminders_before_minutes.is_empty());
        let bad = EventInput { offer_response_minutes: Some(0), ..input() };
        let errors = bad.validate(Utc::now()).expect_err("invalid");
        assert_eq!(errors[0].field, "offer_response_minutes");
        let far = EventInput { reminders_before_minutes: Some(vec![MAX_MINUTES + 1]), ..input() };
        assert_eq!(
            far.validate(Utc::now()).expect_err("invalid")[0].kind,
            FieldErrorKind::TooLarge { max: MAX_MINUTES }
        );
    }
}
