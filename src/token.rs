//! Secret tokens sent to people (cancel links) and kept by browsers and
//! API clients (sessions, CSRF, API tokens).
//!
//! A cancel link's secret is HMAC-SHA256(server secret, 128 random bits ||
//! registration id): 256 unguessable bits. The link carries the registration
//! id in front of it. The database keeps the random salt and a lookup key,
//! the id followed by the SHA-256 of the secret, never the secret: someone
//! who reads the database cannot forge a link. The server, holding the
//! secret, can write the link again whenever it sends an email (a promotion
//! from the waiting list, a resent confirmation) without having kept it.
//!
//! Why the id leads the key: keys of new registrations then go at the end of
//! the key's unique index instead of at random places in it. With keys that
//! were bare hashes, every sign-up rewrote one page of that index, a quarter
//! of the write volume of a rush. Links issued before (the bare secret, with
//! no id) are still accepted, through an index of their own that only the
//! registrations made before this change are in.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The secret as it appears in a link.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

/// What the database keeps of a token: enough to find it, useless to forge it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenHash(pub [u8; 32]);

/// A cancel link's token: the registration id and the secret, as they
/// appear in the link.
#[derive(Clone, PartialEq, Eq)]
pub struct CancelToken {
    text: String,
    key: CancelKey,
}

/// What the database keeps of a cancel link: the registration id, then the
/// SHA-256 of the secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CancelKey(pub [u8; 48]);

/// How to find the registration a cancel link points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelLookup {
    Key(CancelKey),
    /// A link issued before links carried the registration id: the SHA-256
    /// of its secret, which is the end of the key.
    Legacy(TokenHash),
}

impl CancelLookup {
    /// The value the lookup compares with the stored key, or with its end.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            CancelLookup::Key(key) => &key.0,
            CancelLookup::Legacy(hash) => &hash.0,
        }
    }
}

/// Random bits mixed into each registration's token.
pub type Salt = [u8; 16];

pub fn new_salt() -> Salt {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    salt
}

/// A certificate's public id: 96 random bits as 24 lowercase hex digits
/// (the shape the migration gave certificates issued before), in its
/// verification address.
pub fn new_certificate_id() -> String {
    let mut bytes = [0u8; 12];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether text is shaped like a certificate id, so that anything else
/// never reaches a query.
pub fn is_certificate_id(raw: &str) -> bool {
    raw.len() == 24 && raw.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The server secret tokens are derived from.
#[derive(Clone)]
pub struct TokenKey(Vec<u8>);

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the secret key must be at least {} characters long", TokenKey::MIN_LEN)]
    TooShort,
    #[error("cannot read or create the secret key file {path}: {source}")]
    File { path: String, source: std::io::Error },
}

impl TokenKey {
    pub const MIN_LEN: usize = 32;

    pub fn from_secret(secret: &str) -> Result<Self, KeyError> {
        let secret = secret.trim();
        if secret.len() < Self::MIN_LEN {
            return Err(KeyError::TooShort);
        }
        Ok(Self(secret.as_bytes().to_vec()))
    }

    pub fn random() -> Self {
        Self(Self::random_secret().into_bytes())
    }

    /// 256 random bits as text, suitable for ATELIER_SECRET_KEY.
    pub fn random_secret() -> String {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        URL_SAFE_NO_PAD.encode(key)
    }

    /// Reads the key file if there is one.
    pub fn load(path: &Path) -> Result<Option<Self>, KeyError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_secret(&text).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(KeyError::File { path: path.display().to_string(), source }),
        }
    }

    /// Reads the key file, or creates it (readable by its owner only) with
    /// a random key on first start.
    pub fn load_or_create(path: &Path) -> Result<Self, KeyError> {
        let file_error = |source| KeyError::File { path: path.display().to_string(), source };
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_secret(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = Self::random();
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(file_error)?;
                }
                write_private(path, &key.0).map_err(file_error)?;
                tracing::info!(path = %path.display(), "created a new secret key");
                Ok(key)
            }
            Err(e) => Err(file_error(e)),
        }
    }

    pub fn cancel_token(&self, registration_id: Uuid, salt: &Salt) -> CancelToken {
        let secret = self.mac(b"atelier-cancel-v1", &[salt, registration_id.as_bytes()]);
        let mut link = [0u8; CancelToken::BYTES];
        link[..16].copy_from_slice(registration_id.as_bytes());
        link[16..].copy_from_slice(&secret);
        CancelToken { text: URL_SAFE_NO_PAD.encode(link), key: cancel_key(registration_id, &secret) }
    }

    /// The short code shown in confirmation emails and typed at the door,
    /// e.g. `K7QM-R2XD`: 40 bits, enough to tell a few hundred attendees
    /// apart, short enough to read aloud. Derived, so never stored.
    pub fn check_in_code(&self, registration_id: Uuid) -> String {
        const ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        let mac = self.mac(b"atelier-check-in-v1", &[registration_id.as_bytes()]);
        let bits = mac[..5].iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let code: String = (0..8).rev().map(|i| ALPHABET[((bits >> (i * 5)) & 31) as usize] as char).collect();
        format!("{}-{}", &code[..4], &code[4..])
    }

    /// The six digits shown in the room during a slot, for people to sign
    /// with: one per event, slot and minute (`minute` counts minutes since
    /// the epoch), which only the server and the room know.
    pub fn signature_code(&self, event: Uuid, slot: &str, minute: i64) -> String {
        let mac = self.mac(b"atelier-signature-v1", &[event.as_bytes(), slot.as_bytes(), &minute.to_be_bytes()]);
        let number = u32::from_be_bytes([mac[0], mac[1], mac[2], mac[3]]) % 1_000_000;
        format!("{number:06}")
    }

    /// A webhook's signing secret, `whsec_` and 43 characters: derived from
    /// the server secret and the webhook's salt, so that the database never
    /// holds it and the worker writes it again for each delivery. Shown
    /// once, at creation.
    pub fn webhook_secret(&self, webhook: Uuid, salt: &Salt) -> String {
        format!("whsec_{}", URL_SAFE_NO_PAD.encode(self.mac(b"atelier-webhook-v1", &[salt, webhook.as_bytes()])))
    }

    /// The CSRF token of a signed-in organizer's forms: bound to their
    /// session, useless in any other.
    pub fn session_csrf(&self, session: &Token) -> String {
        URL_SAFE_NO_PAD.encode(self.mac(b"atelier-csrf-session-v1", &[session.as_str().as_bytes()]))
    }

    fn mac(&self, purpose: &[u8], parts: &[&[u8]]) -> [u8; 32] {
        // HMAC accepts keys of any length; this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(purpose);
        for part in parts {
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

impl Token {
    const BYTES: usize = 32;

    /// Accepts only text shaped like a token we issued, so that arbitrary
    /// input never reaches a query.
    pub fn parse(raw: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(raw).ok()?;
        (bytes.len() == Self::BYTES).then(|| Self(raw.to_owned()))
    }

    /// A random token, for secrets that need not be derived again (CSRF).
    pub fn random() -> Self {
        let mut bytes = [0u8; Self::BYTES];
        rand::rng().fill_bytes(&mut bytes);
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> TokenHash {
        TokenHash(Sha256::digest(self.0.as_bytes()).into())
    }
}

impl CancelToken {
    /// The registration id (16 bytes), then the secret (32).
    const BYTES: usize = 48;

    /// Accepts only text shaped like a link we issued (either form), so that
    /// arbitrary input never reaches a query.
    pub fn parse(raw: &str) -> Option<CancelLookup> {
        let bytes = URL_SAFE_NO_PAD.decode(raw).ok()?;
        match bytes.len() {
            Self::BYTES => {
                let id = Uuid::from_slice(&bytes[..16]).ok()?;
                Some(CancelLookup::Key(cancel_key(id, &bytes[16..])))
            }
            Token::BYTES => Some(CancelLookup::Legacy(Token(raw.to_owned()).hash())),
            _ => None,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The key the database keeps for this link.
    pub fn key(&self) -> CancelKey {
        self.key
    }
}

/// The id, then the SHA-256 of the secret as text: the hash that links
/// without the id were stored under, so that keys made from older rows
/// (see the migrations) and from today's links agree.
fn cancel_key(id: Uuid, secret: &[u8]) -> CancelKey {
    let mut key = [0u8; 48];
    key[..16].copy_from_slice(id.as_bytes());
    key[16..].copy_from_slice(&Sha256::digest(URL_SAFE_NO_PAD.encode(secret).as_bytes()));
    CancelKey(key)
}

// Tokens never appear in logs.
impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(…)")
    }
}

impl std::fmt::Debug for CancelToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CancelToken(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_differ_per_registration_salt_and_key() {
        let key = TokenKey::random();
        let id = Uuid::new_v4();
        let salt = new_salt();
        let token = key.cancel_token(id, &salt);
        assert_eq!(token, key.cancel_token(id, &salt), "the server can write the link again");
        assert_ne!(token, key.cancel_token(Uuid::new_v4(), &salt));
        assert_ne!(token, key.cancel_token(id, &new_salt()));
        assert_ne!(token, TokenKey::random().cancel_token(id, &salt));
        assert_eq!(CancelToken::parse(token.as_str()), Some(CancelLookup::Key(token.key())));
    }

    #[test]
    fn cancel_keys_start_with_the_registration_id_and_match_older_hashes() {
        let key = TokenKey::random();
        let (id, salt) = (Uuid::now_v7(), new_salt());
        let token = key.cancel_token(id, &salt);
        assert_eq!(&token.key().0[..16], id.as_bytes(), "keys of new registrations sort by id");
        // A link from before ids were in links: the bare secret. Its stored
        // hash, moved behind the id by the migration, is this key's end.
        let secret = &URL_SAFE_NO_PAD.decode(token.as_str()).expect("base64")[16..];
        let older_link = URL_SAFE_NO_PAD.encode(secret);
        let Some(CancelLookup::Legacy(hash)) = CancelToken::parse(&older_link) else { panic!("older links parse") };
        assert_eq!(hash.0[..], token.key().0[16..]);
    }

    #[test]
    fn check_in_codes_are_short_stable_and_distinct() {
        let key = TokenKey::random();
        let id = Uuid::new_v4();
        let code = key.check_in_code(id);
        assert_eq!(code.len(), 9);
        assert_eq!(code.as_bytes()[4], b'-');
        assert_eq!(code, key.check_in_code(id));
        assert_ne!(code, key.check_in_code(Uuid::new_v4()));
    }

    #[test]
    fn signature_codes_are_six_digits_per_event_slot_and_minute() {
        let key = TokenKey::random();
        let event = Uuid::new_v4();
        let code = key.signature_code(event, "2099-06-13-am", 1_000);
        assert!(code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()), "{code}");
        assert_eq!(code, key.signature_code(event, "2099-06-13-am", 1_000));
        let others = [
            key.signature_code(event, "2099-06-13-am", 1_001),
            key.signature_code(event, "2099-06-13-pm", 1_000),
            key.signature_code(Uuid::new_v4(), "2099-06-13-am", 1_000),
            TokenKey::random().signature_code(event, "2099-06-13-am", 1_000),
        ];
        assert!(others.iter().all(|other| *other != code), "{code} {others:?}");
    }

    #[test]
    fn malformed_tokens_are_refused() {
        for raw in ["", "abc", "../../etc/passwd", &"A".repeat(44), &"A".repeat(65)] {
            assert!(Token::parse(raw).is_none(), "{raw:?}");
            assert!(CancelToken::parse(raw).is_none(), "{raw:?}");
        }
    }

    #[test]
    fn short_secrets_are_refused() {
        assert!(TokenKey::from_secret("too short").is_err());
        assert!(TokenKey::from_secret(&"x".repeat(32)).is_ok());
    }

    #[test]
    fn the_key_file_is_created_once_and_reused() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("keys/secret.key");
        let first = TokenKey::load_or_create(&path).expect("created");
        let second = TokenKey::load_or_create(&path).expect("read back");
        let id = Uuid::new_v4();
        assert_eq!(first.cancel_token(id, &[0; 16]), second.cancel_token(id, &[0; 16]));
    }
}
