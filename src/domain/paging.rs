//! Pages of a list, for the API and the pages: at most `limit` items after
//! an opaque cursor.
//!
//! The cursor holds the sort key of the last item shown (keyset paging),
//! not a position: an event published or a person signing up between two
//! requests neither repeats an item on the next page nor skips one. An
//! item whose own key changes between two requests (an event moved to
//! another day) may, as with any keyset paging.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{FieldError, FieldErrorKind};

/// The most items a page holds, and how many when the request says nothing.
pub const MAX_LIMIT: usize = 200;

/// Where a page ends: the sort key of its last item. Lists are sorted by
/// time, then text (an event's title; empty where the list has none), then
/// id, so that every item has a place of its own.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cursor {
    pub at: DateTime<Utc>,
    pub text: String,
    pub id: Uuid,
}

impl Cursor {
    pub fn new(at: DateTime<Utc>, text: &str, id: Uuid) -> Self {
        Self { at, text: text.to_owned(), id }
    }

    /// Opaque to clients: URL-safe base64 of the time in seconds and
    /// nanoseconds (as precise as SQLite keeps it: with microseconds, the
    /// last item of a page would sort after its own cursor and come
    /// again), the id and the text.
    pub fn encode(&self) -> String {
        let mut bytes = Vec::with_capacity(HEAD + self.text.len());
        bytes.extend_from_slice(&self.at.timestamp().to_be_bytes());
        bytes.extend_from_slice(&self.at.timestamp_subsec_nanos().to_be_bytes());
        bytes.extend_from_slice(self.id.as_bytes());
        bytes.extend_from_slice(self.text.as_bytes());
        URL_SAFE_NO_PAD.encode(bytes)
    }

    pub fn decode(encoded: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(encoded).ok()?;
        if bytes.len() < HEAD {
            return None;
        }
        let (seconds, rest) = bytes.split_at(8);
        let (nanos, rest) = rest.split_at(4);
        let (id, text) = rest.split_at(16);
        Some(Self {
            at: DateTime::from_timestamp(
                i64::from_be_bytes(seconds.try_into().ok()?),
                u32::from_be_bytes(nanos.try_into().ok()?),
            )?,
            id: Uuid::from_slice(id).ok()?,
            text: String::from_utf8(text.to_vec()).ok()?,
        })
    }
}

/// Bytes of a cursor before its text: seconds, nanoseconds, id.
const HEAD: usize = 8 + 4 + 16;

/// Which page: its size and where the one before it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: usize,
    pub after: Option<Cursor>,
}

impl PageRequest {
    /// The first page of `limit` items.
    pub fn first(limit: usize) -> Self {
        Self { limit, after: None }
    }

    /// `limit` (1 to `MAX_LIMIT`, `default` when absent) and `cursor` as
    /// given in a query string; what is wrong goes to `errors`.
    pub fn parse(limit: Option<&str>, cursor: Option<&str>, default: usize, errors: &mut Vec<FieldError>) -> Self {
        let limit = match limit.filter(|l| !l.is_empty()).map(str::parse::<i64>) {
            None => default,
            Some(Err(_)) => {
                errors.push(FieldError::new("limit", FieldErrorKind::NotANumber));
                default
            }
            Some(Ok(n)) if n < 1 => {
                errors.push(FieldError::new("limit", FieldErrorKind::TooSmall { min: 1 }));
                default
            }
            Some(Ok(n)) if n > MAX_LIMIT as i64 => {
                errors.push(FieldError::new("limit", FieldErrorKind::TooLarge { max: MAX_LIMIT as i64 }));
                default
            }
            Some(Ok(n)) => n as usize,
        };
        let after = match cursor.filter(|c| !c.is_empty()) {
            None => None,
            Some(text) => Cursor::decode(text).or_else(|| {
                errors.push(FieldError::new("cursor", FieldErrorKind::InvalidCursor));
                None
            }),
        };
        Self { limit, after }
    }
}

/// One page of a list and, when more follow, where the next one starts.
#[derive(Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<Cursor>,
    /// Items in the whole list, on this page or another.
    pub total: usize,
}

/// The page of `items` that `request` asks for. `key` gives each item's
/// place; the items may come in any order.
pub fn page<T>(items: impl IntoIterator<Item = T>, key: impl Fn(&T) -> Cursor, request: &PageRequest) -> Page<T> {
    let mut keyed: Vec<(Cursor, T)> = items.into_iter().map(|item| (key(&item), item)).collect();
    let total = keyed.len();
    keyed.retain(|(place, _)| request.after.as_ref().is_none_or(|after| place > after));
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    let more = keyed.len() > request.limit;
    keyed.truncate(request.limit);
    let next = if more { keyed.last().map(|(place, _)| place.clone()) } else { None };
    Page { items: keyed.into_iter().map(|(_, item)| item).collect(), next, total }
}

/// The longest search text (`q`), in characters: longer than any title.
pub const MAX_SEARCH: usize = 200;

/// `q` as given (empty when absent); one over `MAX_SEARCH` goes to `errors`.
pub fn search_text(q: Option<String>, errors: &mut Vec<FieldError>) -> String {
    let text = q.unwrap_or_default();
    if text.chars().count() > MAX_SEARCH {
        errors.push(FieldError::new("q", FieldErrorKind::TooLong { max: MAX_SEARCH }));
    }
    text
}

/// A filter by code (`kind`, `status`): none when absent or empty; a code
/// `parse` does not know goes to `errors`.
pub fn code_filter<T>(
    field: &'static str,
    code: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    let code = code.filter(|c| !c.is_empty())?;
    parse(code).or_else(|| {
        errors.push(FieldError::new(field, FieldErrorKind::UnknownChoice));
        None
    })
}

/// The address of the page after `cursor` (the first page: `None`): `path`
/// with the same `query`, its cursor replaced.
pub fn page_address(path: &str, query: Option<&str>, cursor: Option<&Cursor>) -> String {
    let mut kept = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        if name != "cursor" {
            kept.append_pair(&name, &value);
        }
    }
    if let Some(cursor) = cursor {
        kept.append_pair("cursor", &cursor.encode());
    }
    match kept.finish() {
        query if query.is_empty() => path.to_owned(),
        query => format!("{path}?{query}"),
    }
}

/// Days in Paris time, both ends included, as a list filter (`from`, `to`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct DateRange {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl DateRange {
    /// `from` and `to` as `YYYY-MM-DD`; what is wrong goes to `errors`.
    pub fn parse(from: Option<&str>, to: Option<&str>, errors: &mut Vec<FieldError>) -> Self {
        let mut date = |field: &'static str, text: Option<&str>| match text.filter(|t| !t.is_empty()) {
            None => None,
            Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| {
                    errors.push(FieldError::new(field, FieldErrorKind::InvalidDate));
                })
                .ok(),
        };
        let range = Self { from: date("from", from), to: date("to", to) };
        if range.from.zip(range.to).is_some_and(|(from, to)| to < from) {
            errors.push(FieldError::new("to", FieldErrorKind::EndBeforeStart));
        }
        range
    }

    /// Whether `at` falls on one of the days, in Paris.
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        let day = at.with_timezone(&chrono_tz::Europe::Paris).date_naive();
        self.from.is_none_or(|from| from <= day) && self.to.is_none_or(|to| day <= to)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn item(n: i64, text: &str) -> (DateTime<Utc>, String, Uuid) {
        (Utc.timestamp_opt(1_800_000_000 + n * 60, 0).unwrap(), text.to_owned(), Uuid::from_u128(n as u128))
    }

    fn key(item: &(DateTime<Utc>, String, Uuid)) -> Cursor {
        Cursor::new(item.0, &item.1, item.2)
    }

    #[test]
    fn a_cursor_survives_its_encoding() {
        let cursor = Cursor::new(
            Utc.timestamp_opt(1_800_000_000, 123_456_789).unwrap(),
            "Table ronde « ARN »",
            Uuid::from_u128(7),
        );
        let encoded = cursor.encode();
        assert!(encoded.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'), "{encoded}");
        assert_eq!(Cursor::decode(&encoded), Some(cursor));
        // An event dated far ahead (a typo the form accepts) keeps its place.
        let far = Cursor::new(Utc.with_ymd_and_hms(9999, 12, 31, 9, 0, 0).unwrap(), "", Uuid::from_u128(8));
        assert_eq!(Cursor::decode(&far.encode()), Some(far));
        assert_eq!(Cursor::decode("not a cursor"), None);
        assert_eq!(Cursor::decode("AAAA"), None, "too short");
    }

    #[test]
    fn pages_follow_one_another_without_repeat_or_gap() {
        let items: Vec<_> = (0..5).rev().map(|n| item(n, "")).collect();
        let first = page(items.clone(), key, &PageRequest::first(2));
        assert_eq!(first.items.iter().map(|i| i.2.as_u128()).collect::<Vec<_>>(), [0, 1]);
        let second = page(items.clone(), key, &PageRequest { limit: 2, after: first.next });
        assert_eq!(second.items.iter().map(|i| i.2.as_u128()).collect::<Vec<_>>(), [2, 3]);
        let last = page(items, key, &PageRequest { limit: 2, after: second.next });
        assert_eq!(last.items.iter().map(|i| i.2.as_u128()).collect::<Vec<_>>(), [4]);
        assert!(last.next.is_none(), "no page after the last");
        assert_eq!((first.total, last.total), (5, 5), "the whole list's length on every page");
    }

    #[test]
    fn an_item_added_before_the_cursor_does_not_shift_the_next_page() {
        let mut items: Vec<_> = (0..4).map(|n| item(n * 2, "")).collect();
        let first = page(items.clone(), key, &PageRequest::first(2));
        items.push(item(1, ""));
        let second = page(items, key, &PageRequest { limit: 2, after: first.next });
        assert_eq!(second.items.iter().map(|i| i.2.as_u128()).collect::<Vec<_>>(), [4, 6]);
    }

    #[test]
    fn same_time_sorts_by_text_then_id() {
        let at = item(0, "").0;
        let items = vec![(at, "b".to_owned(), Uuid::from_u128(1)), (at, "a".to_owned(), Uuid::from_u128(2))];
        let first = page(items.clone(), key, &PageRequest::first(1));
        assert_eq!(first.items[0].1, "a");
        let second = page(items, key, &PageRequest { limit: 1, after: first.next });
        assert_eq!(second.items[0].1, "b");
    }

    #[test]
    fn limits_and_cursors_are_checked() {
        let mut errors = Vec::new();
        assert_eq!(PageRequest::parse(None, None, 50, &mut errors), PageRequest::first(50));
        assert_eq!(PageRequest::parse(Some("200"), Some(""), 50, &mut errors).limit, 200);
        assert!(errors.is_empty());
        PageRequest::parse(Some("0"), Some("zz"), 50, &mut errors);
        PageRequest::parse(Some("201"), None, 50, &mut errors);
        PageRequest::parse(Some("ten"), None, 50, &mut errors);
        let kinds: Vec<_> = errors.iter().map(|e| (e.field.to_string(), e.kind)).collect();
        assert_eq!(
            kinds,
            [
                ("limit".to_owned(), FieldErrorKind::TooSmall { min: 1 }),
                ("cursor".to_owned(), FieldErrorKind::InvalidCursor),
                ("limit".to_owned(), FieldErrorKind::TooLarge { max: 200 }),
                ("limit".to_owned(), FieldErrorKind::NotANumber),
            ]
        );
    }

    #[test]
    fn the_next_page_keeps_the_filters_and_replaces_the_cursor() {
        let cursor = Cursor::new(item(0, "").0, "", Uuid::nil());
        let next = page_address("/api/v1/events", Some("q=table%20ronde&cursor=old&limit=2"), Some(&cursor));
        assert_eq!(next, format!("/api/v1/events?q=table+ronde&limit=2&cursor={}", cursor.encode()));
        assert_eq!(page_address("/", None, Some(&cursor)), format!("/?cursor={}", cursor.encode()));
        assert_eq!(page_address("/", Some("cursor=old&q=x"), None), "/?q=x", "the first page");
        assert_eq!(page_address("/", Some("cursor=old"), None), "/");
    }

    #[test]
    fn date_ranges_are_days_in_paris() {
        let mut errors = Vec::new();
        let range = DateRange::parse(Some("2027-03-02"), Some("2027-03-02"), &mut errors);
        assert!(errors.is_empty());
        // 23:30 UTC on the 1st is 00:30 on the 2nd in Paris (UTC+1 in March).
        assert!(range.contains(Utc.with_ymd_and_hms(2027, 3, 1, 23, 30, 0).unwrap()));
        assert!(!range.contains(Utc.with_ymd_and_hms(2027, 3, 1, 22, 30, 0).unwrap()));
        assert!(!range.contains(Utc.with_ymd_and_hms(2027, 3, 2, 23, 30, 0).unwrap()));
        DateRange::parse(Some("02/03/2027"), Some("2027-03-01"), &mut errors);
        DateRange::parse(Some("2027-03-02"), Some("2027-03-01"), &mut errors);
        let kinds: Vec<_> = errors.iter().map(|e| (e.field.to_string(), e.kind)).collect();
        assert_eq!(
            kinds,
            [("from".to_owned(), FieldErrorKind::InvalidDate), ("to".to_owned(), FieldErrorKind::EndBeforeStart)]
        );
    }
}
