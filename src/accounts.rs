//! Organizer accounts: password hashing (argon2id) and API tokens.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::Utc;
use rand::RngCore;

use crate::domain::{Email, Organizer, Role};
use crate::store::{Store, StoreError};
use crate::token::Token;

pub const MIN_PASSWORD: usize = 12;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("invalid email address")]
    InvalidEmail,
    #[error("the password must be at least {MIN_PASSWORD} characters long")]
    WeakPassword,
    #[error("an organizer with this email already exists")]
    AlreadyExists,
    #[error("no organizer with this email")]
    UnknownOrganizer,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("password hashing failed: {0}")]
    Hashing(String),
}

/// An argon2id hash in PHC format, with a random salt.
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| AccountError::Hashing(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AccountError::Hashing(e.to_string()))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

pub async fn add_organizer(
    store: &dyn Store,
    email: &str,
    name: &str,
    password: &str,
    role: Role,
) -> Result<Organizer, AccountError> {
    let email = Email::parse(email).map_err(|_| AccountError::InvalidEmail)?;
    if password.chars().count() < MIN_PASSWORD {
        return Err(AccountError::WeakPassword);
    }
    let hash = hash_password(password)?;
    match store.create_organizer(&email, name.trim(), &hash, role, Utc::now()).await {
        Err(StoreError::Taken(_)) => Err(AccountError::AlreadyExists),
        other => Ok(other?),
    }
}

/// Creates an API token for an organizer; the token is returned once and
/// only its hash is kept.
pub async fn create_api_token(store: &dyn Store, email: &str, label: &str) -> Result<Token, AccountError> {
    let email = Email::parse(email).map_err(|_| AccountError::InvalidEmail)?;
    let (organizer, _) = store.organizer_by_email(&email).await?.ok_or(AccountError::UnknownOrganizer)?;
    let token = Token::random();
    store.create_api_token(organizer.id, &token.hash(), label, Utc::now()).await?;
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_against_their_hash_only() {
        let hash = hash_password("correct horse battery").expect("hashes");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("correct horse battery", "not a hash"));
    }
}
