//! The address of an event in URLs (`/events/{slug}`, `/api/v1/events/{id}`).
//!
//! A slug is never empty (the catalogue would link to `/events/`), never
//! starts or ends with a dash, and never reads as a UUID (the API takes an
//! event's id or its slug in the same place, and tries the id first).

use uuid::Uuid;

use super::{FieldError, FieldErrorKind};

/// Longest slug, in ASCII characters.
pub const MAX_SLUG: usize = 80;
/// What a title with no letter or digit (`!!!`) becomes.
const FALLBACK: &str = "evenement";

/// Lower-case letters, digits and dashes, as in `masterclass-naobios-2027`.
pub fn valid_slug(slug: &str) -> Result<String, FieldError> {
    let ok = !slug.is_empty()
        && slug.len() <= MAX_SLUG
        && slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && Uuid::parse_str(slug).is_err();
    if ok { Ok(slug.to_owned()) } else { Err(FieldError::new("slug", FieldErrorKind::InvalidSlug)) }
}

/// The slug made from a title: its words in ASCII, dash-separated, cut to
/// `MAX_SLUG`; `evenement` when nothing is left, and prefixed with it when
/// the title looks like a UUID.
pub fn slug_from_title(title: &str) -> String {
    let slugified = slug::slugify(title);
    let words = cut(&slugified, MAX_SLUG);
    if words.is_empty() {
        FALLBACK.to_owned()
    } else if Uuid::parse_str(words).is_ok() {
        cut(&format!("{FALLBACK}-{words}"), MAX_SLUG).to_owned()
    } else {
        words.to_owned()
    }
}

/// `base` with a random four-digit suffix, for a slug already taken; still
/// a valid slug, however long `base` is.
pub fn with_suffix(base: &str) -> String {
    let suffix = format!("{:04x}", rand::random::<u16>());
    let base = cut(base, MAX_SLUG - suffix.len() - 1);
    if base.is_empty() { format!("{FALLBACK}-{suffix}") } else { format!("{base}-{suffix}") }
}

/// At most `max` characters of an ASCII slug, with no dash left at its end.
fn cut(slug: &str, max: usize) -> &str {
    slug.get(..max).unwrap_or(slug).trim_matches('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_without_words_get_the_fallback() {
        for title in ["!!!", "", "   ", "---", "«»"] {
            assert_eq!(slug_from_title(title), "evenement", "{title:?}");
        }
        assert_eq!(slug_from_title("Table ronde : la bioproduction !"), "table-ronde-la-bioproduction");
    }

    #[test]
    fn made_slugs_are_always_valid() {
        let long = "mot ".repeat(40);
        let uuid = "67e55044-10b1-426f-9247-bb680e5fe0c8";
        for title in ["!!!", long.as_str(), uuid, "67e5504410b1426f9247bb680e5fe0c8", "a-"] {
            let slug = slug_from_title(title);
            assert_eq!(valid_slug(&slug), Ok(slug.clone()), "{title:?}");
            let suffixed = with_suffix(&slug);
            assert_eq!(valid_slug(&suffixed), Ok(suffixed.clone()), "{title:?}");
        }
        assert_eq!(with_suffix("").len(), "evenement-".len() + 4);
    }

    #[test]
    fn chosen_slugs_that_read_as_ids_are_refused() {
        for slug in ["", "-a", "a-", "Pas-un-slug", "67e55044-10b1-426f-9247-bb680e5fe0c8"] {
            assert_eq!(valid_slug(slug).unwrap_err().kind, FieldErrorKind::InvalidSlug, "{slug:?}");
        }
    }
}
