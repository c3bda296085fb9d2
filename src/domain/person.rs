//! Who signs up: validated name, email, institution and level of study.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use utoipa::ToSchema;

use super::text::{optional_text, required_text};

/// Why one field of a form or JSON body was refused. The message shown to the
/// person comes from the catalogue (`i18n`), keyed by `kind`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// A form field's name; for answers, `answers.<question id>`.
    pub field: Cow<'static, str>,
    pub kind: FieldErrorKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldErrorKind {
    Required,
    TooLong {
        max: usize,
    },
    InvalidEmail,
    UnknownLevel,
    /// A value outside a fixed list (other than levels).
    UnknownChoice,
    ConsentRequired,
    ControlCharacters,
    InvalidDateTime,
    /// Not a `YYYY-MM-DD` date.
    InvalidDate,
    /// Not a cursor this service gave (a list's `Link: rel="next"`).
    InvalidCursor,
    EndBeforeStart,
    CloseBeforeOpen,
    TooSmall {
        min: i64,
    },
    TooLarge {
        max: i64,
    },
    InvalidSlug,
    /// A unique value already used (a slug).
    Taken,
    /// Text where a number is expected (a form field).
    NotANumber,
    /// A session longer than a week.
    SessionTooLong,
    /// A session starting before the one before it ends.
    SessionsOverlap,
    /// `starts_at` or `ends_at` other than the first session's start or the
    /// last one's end.
    SessionsDisagree,
    /// Not the code shown in the room now (mistyped, or a minute too old).
    WrongCode,
    /// A password shorter than `accounts::MIN_PASSWORD`.
    PasswordTooShort,
    /// Not the account's current password.
    WrongPassword,
    /// The new password and its confirmation differ.
    PasswordsDiffer,
    /// Not an absolute `https://` URL with a host (a webhook's address).
    InvalidUrl,
    /// `http://` where only `https://` is allowed (WEBHOOK_ALLOW_HTTP).
    InsecureUrl,
    /// A host that resolves to a loopback or private address, or none
    /// (WEBHOOK_ALLOW_PRIVATE).
    PrivateAddress,
    UnresolvableHost,
}

impl FieldError {
    pub fn new(field: impl Into<Cow<'static, str>>, kind: FieldErrorKind) -> Self {
        Self { field: field.into(), kind }
    }
}

/// A person's name as they want it printed on the attendance sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub const MAX: usize = 120;

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        required_text("name", Some(raw), Self::MAX).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An email address the mailer can send to, in one form per mailbox so
/// that one person is one registration per event however they type it:
/// compatibility forms folded (NFKC: full-width `ｌｅａ` is `lea`),
/// lower-cased, the domain in its ASCII form (IDNA: `exämple.org` is
/// `xn--exmple-cua.org`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// RFC 5321 limit for a forward path.
    pub const MAX: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let typed = required_text("email", Some(raw), Self::MAX)?;
        let folded = typed.nfkc().collect::<String>().to_lowercase().nfc().collect::<String>();
        let text = deliverable(&folded).ok_or(FieldError::new("email", FieldErrorKind::InvalidEmail))?;
        if text.chars().count() > Self::MAX {
            return Err(FieldError::new("email", FieldErrorKind::TooLong { max: Self::MAX }));
        }
        Ok(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The address with its domain in ASCII, if mail can go to it. Quoted local
/// parts (`"a b"@…`) and IP literals (`a@[127.0.0.1]`) are valid syntax
/// but no address of a person; a domain needs a dot (`a@b` is a typo) and
/// a name, not a number, at its end.
fn deliverable(text: &str) -> Option<String> {
    let (local, domain) = text.rsplit_once('@')?;
    if local.contains('"') || domain.starts_with('[') {
        return None;
    }
    let domain = idna::domain_to_ascii(domain).ok()?;
    let top = domain.rsplit_once('.').map(|(_, top)| top)?;
    if top.is_empty() || top.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let address = format!("{local}@{domain}");
    let options = email_address::Options::default().without_display_text();
    email_address::EmailAddress::parse_with_options(&address, options).ok()?;
    // What the mail worker does with it (src/mail), so that no seat is
    // given to an address its confirmation cannot be sent to.
    address.parse::<lettre::Address>().ok()?;
    Some(address)
}

/// School, university, company or employment agency; optional because people
/// retraining may have none.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Institution(Option<String>);

impl Institution {
    pub const MAX: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        optional_text("institution", Some(raw), Self::MAX, false).map(Self)
    }

    pub fn as_deref(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

/// Level of study, as the training network counts its audience.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    BtsBut,
    Licence,
    Master,
    Doctorat,
    Ingenieur,
    Reconversion,
    Autre,
}

impl Level {
    pub const ALL: [Level; 7] = [
        Level::BtsBut,
        Level::Licence,
        Level::Master,
        Level::Doctorat,
        Level::Ingenieur,
        Level::Reconversion,
        Level::Autre,
    ];

    /// The code used in the API, in forms and in the database.
    pub fn code(self) -> &'static str {
        match self {
            Level::BtsBut => "bts_but",
            Level::Licence => "licence",
            Level::Master => "master",
            Level::Doctorat => "doctorat",
            Level::Ingenieur => "ingenieur",
            Level::Reconversion => "reconversion",
            Level::Autre => "autre",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let code = raw.trim();
        if code.is_empty() {
            return Err(FieldError::new("level", FieldErrorKind::Required));
        }
        Self::from_code(code).ok_or(FieldError::new("level", FieldErrorKind::UnknownLevel))
    }

    /// Levels as stored in one column: codes joined by commas.
    pub fn join(levels: &[Level]) -> String {
        levels.iter().map(|l| l.code()).collect::<Vec<_>>().join(",")
    }

    /// Reads the stored column back; unknown codes (from a newer version)
    /// are skipped rather than failing the whole event.
    pub fn split(stored: &str) -> Vec<Level> {
        stored.split(',').filter_map(Level::from_code).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_trimmed_and_lower_cased() {
        let email = Email::parse("  Alice.Martin@Univ-Nantes.FR ").expect("valid");
        assert_eq!(email.as_str(), "alice.martin@univ-nantes.fr");
    }

    #[test]
    fn bad_emails_are_refused() {
        for raw in [
            "",
            "   ",
            "alice",
            "alice@",
            "@x.fr",
            "a b@x.fr",
            "alice@localhost",
            "a@x.fr\r\nBcc: y@z.fr",
            "\"a b\"@example.org",
            "\"alice\"@example.org",
            "a@[127.0.0.1]",
            "a@[IPv6:::1]",
            "a@127.0.0.1",
            "a@exa mple.org",
        ] {
            assert!(Email::parse(raw).is_err(), "{raw:?} should be refused");
        }
    }

    #[test]
    fn one_mailbox_has_one_form() {
        for raw in [
            "lea@exämple.org",
            "LEA@EXÄMPLE.ORG",
            "lea@xn--exmple-cua.org",
            "ｌｅａ@ｅｘäｍｐｌｅ.ｏｒｇ",
            "lea\u{200B}@exämple.org",
        ] {
            assert_eq!(Email::parse(raw).expect("valid").as_str(), "lea@xn--exmple-cua.org", "{raw:?}");
        }
        assert_eq!(Email::parse("ｌｅａ@example.org").expect("valid").as_str(), "lea@example.org");
        // Decomposed and composed accents in the local part are one address.
        assert_eq!(Email::parse("le\u{301}a@example.org"), Email::parse("l\u{e9}a@example.org"));
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(PersonName::parse("  Léa Dupont ").expect("valid").as_str(), "Léa Dupont");
        assert_eq!(PersonName::parse(" ").unwrap_err().kind, FieldErrorKind::Required);
        let long = "é".repeat(PersonName::MAX + 1);
        assert_eq!(PersonName::parse(&long).unwrap_err().kind, FieldErrorKind::TooLong { max: PersonName::MAX });
        assert_eq!(PersonName::parse("Léa\u{0}").unwrap_err().kind, FieldErrorKind::ControlCharacters);
        assert_eq!(PersonName::parse("\u{202E}Léa\u{200B} Dupont").expect("valid").as_str(), "Léa Dupont");
    }

    #[test]
    fn institution_is_optional() {
        assert_eq!(Institution::parse("  ").expect("empty is fine").as_deref(), None);
        assert_eq!(Institution::parse(" Oniris ").expect("valid").as_deref(), Some("Oniris"));
    }

    #[test]
    fn levels_round_trip_through_their_codes() {
        for level in Level::ALL {
            assert_eq!(Level::parse(level.code()), Ok(level));
        }
        assert_eq!(Level::parse("postdoc").unwrap_err().kind, FieldErrorKind::UnknownLevel);
        assert_eq!(Level::split(&Level::join(&Level::ALL)), Level::ALL.to_vec());
    }
}
