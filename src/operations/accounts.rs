//! Organizer accounts: creating them and their API tokens, signing in and
//! out, their preferences. Passwords are hashed with argon2id.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::Duration;
use rand::RngCore;

use super::Actor;
use crate::domain::{AuditEntry, Email, Organizer, Role};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::StoreError;
use crate::token::{Token, TokenHash};

pub const MIN_PASSWORD: usize = 12;
pub const SESSION_LENGTH: Duration = Duration::hours(12);
const FAILURE_WINDOW: Duration = Duration::minutes(15);
/// Per address tried from one client, and per client (one client trying
/// many addresses). Counting an address's failures per client, not in
/// all, means a stranger guessing at an organizer's address slows down
/// the stranger, never the organizer.
const MAX_FAILURES_PER_EMAIL: i64 = 5;
const MAX_FAILURES_PER_CLIENT: i64 = 20;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("invalid email address")]
    InvalidEmail,
    /// The name has control characters or is too long.
    #[error("invalid name")]
    InvalidName(crate::domain::FieldError),
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

/// Creates an organizer account.
pub async fn add_organizer(
    state: &AppState,
    actor: &Actor,
    email: &str,
    name: &str,
    password: &str,
    role: Role,
) -> Result<Organizer, AccountError> {
    let email = Email::parse(email).map_err(|_| AccountError::InvalidEmail)?;
    // The policy of every name people type (invisible characters removed).
    let name = crate::domain::optional_text("name", Some(name), 200, false).map_err(AccountError::InvalidName)?;
    if password.chars().count() < MIN_PASSWORD {
        return Err(AccountError::WeakPassword);
    }
    let hash = hash_password(password)?;
    let audit = actor.audit(AuditEntry::OrganizerAdded { role: role.code().into() });
    let now = state.clock.now();
    let added =
        state.store.create_organizer(&email, name.as_deref().unwrap_or_default(), &hash, role, audit, now).await?;
    let added = added.ok_or(AccountError::AlreadyExists)?;
    tracing::info!(organizer = %added.id, role = role.code(), by = actor.label(), "organizer added");
    Ok(added)
}

/// What a sign-in attempt led to.
pub enum SignIn {
    /// The session's token, for the cookie.
    Signed(Token),
    BadCredentials,
}

/// Checks an organizer's password and opens a session. Each attempt counts
/// before its password is checked, so that attempts sent all at once
/// cannot slip past the limit while others are being hashed.
pub async fn sign_in(state: &AppState, email: &str, password: &str, client: &str) -> Result<SignIn, AppError> {
    let now = state.clock.now();
    let email = email.trim().to_lowercase();
    state.store.record_login_failure(&email, client, now).await?;
    let (by_email, by_client) = state.store.login_failures(&email, client, now - FAILURE_WINDOW).await?;
    if by_email > MAX_FAILURES_PER_EMAIL || by_client > MAX_FAILURES_PER_CLIENT {
        tracing::warn!(%client, "sign-in refused: too many failures");
        return Err(AppError::TooManyAttempts { retry_after: FAILURE_WINDOW.num_seconds() as u64 });
    }
    let account = match Email::parse(&email) {
        Ok(parsed) => state.store.organizer_by_email(&parsed).await?,
        Err(_) => None,
    };
    // Hashing runs even for unknown addresses, so that timing does not tell
    // which addresses have an account.
    let hash = account.as_ref().map(|(_, hash)| hash.clone()).unwrap_or_else(|| DUMMY_HASH.clone());
    let password = password.to_owned();
    let valid = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let organizer = match account {
        Some((organizer, _)) if valid && organizer.disabled_at.is_none() => organizer,
        _ => return Ok(SignIn::BadCredentials),
    };
    let token = Token::random();
    state.store.create_session(&token.hash(), organizer.id, now + SESSION_LENGTH, now).await?;
    // The attempt succeeded: it and this client's failures for the address
    // are forgotten.
    state.store.forget_login_failures(&email, client, now - FAILURE_WINDOW, now).await?;
    tracing::info!(organizer = %organizer.id, "signed in");
    Ok(SignIn::Signed(token))
}

/// Ends the session behind `token`.
pub async fn sign_out(state: &AppState, token: &TokenHash) -> Result<(), AppError> {
    Ok(state.store.delete_session(token, state.clock.now()).await?)
}

/// Which emails the organizer wants about their events.
pub async fn set_notifications(
    state: &AppState,
    organizer: Organizer,
    on_cancel: bool,
    when_full: bool,
) -> Result<Organizer, AppError> {
    state.store.set_notifications(organizer.id, on_cancel, when_full, state.clock.now()).await?;
    Ok(Organizer { notify_on_cancel: on_cancel, notify_when_full: when_full, ..organizer })
}

/// A hash of a random password nobody knows, made once.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash_password(Token::random().as_str()).unwrap_or_default());

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
