//! Secret tokens sent to people (cancel links): 256 random bits shown once,
//! only their SHA-256 kept in the database.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// The secret as it appears in a link.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

/// What the database keeps of a token: enough to find it, useless to forge it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenHash(pub [u8; 32]);

impl Token {
    const BYTES: usize = 32;

    pub fn generate() -> Self {
        let mut bytes = [0u8; Self::BYTES];
        rand::rng().fill_bytes(&mut bytes);
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Accepts only text shaped like a token we issued, so that arbitrary
    /// input never reaches a query.
    pub fn parse(raw: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(raw).ok()?;
        (bytes.len() == Self::BYTES).then(|| Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> TokenHash {
        TokenHash(Sha256::digest(self.0.as_bytes()).into())
    }
}

// Tokens never appear in logs.
impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_parse_back() {
        let a = Token::generate();
        let b = Token::generate();
        assert_ne!(a, b);
        assert_eq!(Token::parse(a.as_str()), Some(a.clone()));
        assert_eq!(a.hash(), Token::parse(a.as_str()).expect("parses").hash());
        assert_ne!(a.hash(), b.hash());
    }

    #[test]
    fn malformed_tokens_are_refused() {
        for raw in ["", "abc", "../../etc/passwd", &"A".repeat(44)] {
            assert!(Token::parse(raw).is_none(), "{raw:?}");
        }
    }
}
