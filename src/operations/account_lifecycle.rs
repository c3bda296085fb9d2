//! What happens to accounts after they are made: API tokens listed and
//! revoked, accounts disabled, enabled, given another role or password,
//! reset through a one-time link, and organizers taken off an event.
//! Admins (and the command line) manage every account; an organizer
//! manages their own tokens and password.

use chrono::Duration;
use uuid::Uuid;

use super::accounts::{MIN_PASSWORD, hash_password, verify_password};
use super::{Actor, ManagedEvent};
use crate::domain::{
    AccountUpdate, AccountUpdated, ApiTokenInfo, AuditEntry, Email, FieldError, FieldErrorKind, Organizer, Role,
};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::NewToken;
use crate::token::{Token, TokenHash};

/// How long a password-reset link works.
pub const RESET_LINK_LENGTH: Duration = Duration::hours(1);
/// Characters of a token shown in lists, to tell tokens apart: 48 of its
/// 256 bits, which leaves the rest unguessable.
const TOKEN_PREFIX: usize = 8;
/// Days a token may be made to last, at most.
pub const MAX_TOKEN_DAYS: i64 = 3650;

fn may_manage_accounts(actor: &Actor) -> bool {
    match actor {
        Actor::Organizer { organizer, .. } => organizer.role == Role::Admin,
        Actor::CommandLine => true,
        Actor::Attendee | Actor::Scheduler => false,
    }
}

/// Whether the actor may see and revoke `owner`'s tokens.
fn may_manage_tokens_of(actor: &Actor, owner: Uuid) -> bool {
    may_manage_accounts(actor) || actor.organizer().is_some_and(|organizer| organizer.id == owner)
}

/// The account with this address (for the command line and admins).
pub async fn organizer_by_email(state: &AppState, email: &str) -> Result<Organizer, AppError> {
    let email = Email::parse(email).map_err(|_| AppError::OrganizerNotFound)?;
    let found = state.store.organizer_by_email(&email).await?;
    found.map(|(organizer, _)| organizer).ok_or(AppError::OrganizerNotFound)
}

/// An account, for admins and the command line.
pub async fn organizer_by_id(state: &AppState, actor: &Actor, id: Uuid) -> Result<Organizer, AppError> {
    if !may_manage_accounts(actor) {
        return Err(AppError::Forbidden);
    }
    let found = state.store.organizer_by_id(id).await?;
    found.map(|(organizer, _)| organizer).ok_or(AppError::OrganizerNotFound)
}

/// Every account, for admins and the command line.
pub async fn organizers(state: &AppState, actor: &Actor) -> Result<Vec<Organizer>, AppError> {
    if !may_manage_accounts(actor) {
        return Err(AppError::Forbidden);
    }
    Ok(state.store.organizers().await?)
}

/// A new API token for `owner`, optionally expiring after `days`; the
/// token is returned once and only its hash is kept.
pub async fn create_api_token(
    state: &AppState,
    actor: &Actor,
    owner: &Organizer,
    label: &str,
    days: Option<i64>,
) -> Result<Token, AppError> {
    if !may_manage_tokens_of(actor, owner.id) {
        return Err(AppError::Forbidden);
    }
    // A disabled account gets none (enabling it revokes them anyway).
    if owner.disabled_at.is_some() {
        return Err(AppError::OrganizerNotFound);
    }
    let mut errors = Vec::new();
    if label.chars().count() > 100 {
        errors.push(FieldError::new("label", FieldErrorKind::TooLong { max: 100 }));
    }
    match days {
        Some(days) if days < 1 => errors.push(FieldError::new("expires_in_days", FieldErrorKind::TooSmall { min: 1 })),
        Some(days) if days > MAX_TOKEN_DAYS => {
            errors.push(FieldError::new("expires_in_days", FieldErrorKind::TooLarge { max: MAX_TOKEN_DAYS }))
        }
        _ => {}
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = state.clock.now();
    let token = Token::random();
    let label = label.trim().to_owned();
    let new = NewToken {
        id: Uuid::now_v7(),
        organizer: owner.id,
        hash: token.hash(),
        label: label.clone(),
        prefix: token.as_str().chars().take(TOKEN_PREFIX).collect(),
        expires_at: days.map(|days| now + Duration::days(days)),
    };
    let audit = actor.audit(AuditEntry::ApiTokenCreated { label });
    state.store.create_api_token(new, audit, now).await?;
    tracing::info!(organizer = %owner.id, by = actor.label(), "API token created");
    Ok(token)
}

/// The organizer an API token opens the API for now, writing down its use
/// once a minute at most.
pub async fn api_caller(state: &AppState, token: &TokenHash) -> Result<Option<Organizer>, AppError> {
    let now = state.clock.now();
    let Some((organizer, id, last_used)) = state.store.api_token_use(token, now).await? else { return Ok(None) };
    // Writing down the use is worth a log line when it fails, never the
    // request.
    if last_used.is_none_or(|at| now - at >= crate::store::TOKEN_USE_PRECISION)
        && let Err(error) = state.store.touch_api_token(id, now).await
    {
        tracing::warn!(%error, token = %id, "could not write down a token's use");
    }
    Ok(Some(organizer))
}

/// `owner`'s tokens, newest first (never their secrets).
pub async fn api_tokens(state: &AppState, actor: &Actor, owner: Uuid) -> Result<Vec<ApiTokenInfo>, AppError> {
    if !may_manage_tokens_of(actor, owner) {
        return Err(AppError::Forbidden);
    }
    Ok(state.store.api_tokens_of(owner).await?)
}

/// Revokes a token: the next request with it gets 401. Another
/// organizer's token is answered as unknown.
pub async fn revoke_api_token(state: &AppState, actor: &Actor, id: Uuid) -> Result<ApiTokenInfo, AppError> {
    let token = state.store.api_token(id).await?.filter(|token| may_manage_tokens_of(actor, token.organizer));
    let token = token.ok_or(AppError::TokenNotFound)?;
    let audit = actor.audit(AuditEntry::ApiTokenRevoked { label: token.label.clone() });
    let audit = audit.map(|audit| audit.about_organizer(token.organizer));
    let now = state.clock.now();
    if state.store.revoke_api_token(id, audit, now).await? {
        tracing::info!(organizer = %token.organizer, by = actor.label(), "API token revoked");
    }
    Ok(ApiTokenInfo { revoked_at: token.revoked_at.or(Some(now)), ..token })
}

/// An admin's change to an account: disable (which ends its sessions and
/// revokes its tokens at once), enable, another role.
pub async fn update_account(
    state: &AppState,
    actor: &Actor,
    organizer: Uuid,
    update: AccountUpdate,
) -> Result<AccountUpdated, AppError> {
    if !may_manage_accounts(actor) {
        return Err(AppError::Forbidden);
    }
    let entry = match &update {
        AccountUpdate::Disabled(true) => AuditEntry::OrganizerDisabled,
        AccountUpdate::Disabled(false) => AuditEntry::OrganizerEnabled,
        AccountUpdate::Role(role) => AuditEntry::RoleChanged { role: role.code().into() },
        AccountUpdate::Password { .. } => AuditEntry::PasswordChanged,
    };
    let updated = state.store.update_account(organizer, update, actor.audit(entry), state.clock.now()).await?;
    match updated {
        AccountUpdated::NotFound => Err(AppError::OrganizerNotFound),
        AccountUpdated::LastAdmin => Err(AppError::LastAdmin),
        done => {
            tracing::info!(%organizer, by = actor.label(), ?done, "account updated");
            Ok(done)
        }
    }
}

/// A password long enough, its argon2id hash; field errors under `field`.
async fn new_password_hash(password: &str, again: Option<&str>, field: &'static str) -> Result<String, AppError> {
    let mut errors = Vec::new();
    if password.chars().count() < MIN_PASSWORD {
        errors.push(FieldError::new(field, FieldErrorKind::PasswordTooShort));
    }
    if again.is_some_and(|again| again != password) {
        errors.push(FieldError::new(format!("{field}_again"), FieldErrorKind::PasswordsDiffer));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let password = password.to_owned();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password)).await;
    hash.map_err(|e| AppError::Internal(e.into()))?.map_err(|e| AppError::Internal(e.into()))
}

/// Sets an account's password (the command line, an admin), ending its
/// sessions.
pub async fn set_password(state: &AppState, actor: &Actor, organizer: Uuid, password: &str) -> Result<(), AppError> {
    let hash = new_password_hash(password, None, "password").await?;
    update_account(state, actor, organizer, AccountUpdate::Password { hash, keep: None }).await.map(drop)
}

/// What an organizer types to change their own password.
#[derive(Debug, Default, serde::Deserialize)]
pub struct PasswordChange {
    #[serde(default)]
    pub current_password: String,
    #[serde(default)]
    pub new_password: String,
    #[serde(default)]
    pub new_password_again: String,
}

/// An organizer changes their own password (the current one required);
/// their other sessions end, the one they changed it from stays.
pub async fn change_own_password(
    state: &AppState,
    organizer: &Organizer,
    session: Option<TokenHash>,
    change: &PasswordChange,
) -> Result<(), AppError> {
    let (_, current_hash) = state.store.organizer_by_id(organizer.id).await?.ok_or(AppError::OrganizerNotFound)?;
    let current = change.current_password.clone();
    let valid = tokio::task::spawn_blocking(move || verify_password(&current, &current_hash))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    if !valid {
        return Err(AppError::Validation(vec![FieldError::new("current_password", FieldErrorKind::WrongPassword)]));
    }
    let hash = new_password_hash(&change.new_password, Some(&change.new_password_again), "new_password").await?;
    let actor = Actor::Organizer { organizer: organizer.clone(), via: crate::domain::Via::BackOffice };
    let audit = actor.audit(AuditEntry::PasswordChanged);
    let update = AccountUpdate::Password { hash, keep: session };
    state.store.update_account(organizer.id, update, audit, state.clock.now()).await?;
    tracing::info!(organizer = %organizer.id, "password changed");
    Ok(())
}

/// A one-time link to set the account's password, for an hour: the
/// address to give its organizer.
pub async fn create_reset_link(state: &AppState, actor: &Actor, organizer: Uuid) -> Result<String, AppError> {
    if !may_manage_accounts(actor) {
        return Err(AppError::Forbidden);
    }
    let (account, _) = state.store.organizer_by_id(organizer).await?.ok_or(AppError::OrganizerNotFound)?;
    if account.disabled_at.is_some() {
        return Err(AppError::OrganizerNotFound);
    }
    let token = Token::random();
    let now = state.clock.now();
    let audit = actor.audit(AuditEntry::PasswordResetLinkCreated);
    state.store.create_password_reset(&token.hash(), organizer, now + RESET_LINK_LENGTH, audit, now).await?;
    tracing::info!(%organizer, by = actor.label(), "password reset link created");
    Ok(format!("{}/admin/password-reset/{}", state.public_url, token.as_str()))
}

/// Refuses a reset link that can no longer be used, before its form is
/// shown.
pub async fn check_reset_link(state: &AppState, raw_token: &str) -> Result<(), AppError> {
    let token = Token::parse(raw_token).ok_or(AppError::ResetLinkInvalid)?;
    match state.store.password_reset_is_valid(&token.hash(), state.clock.now()).await? {
        true => Ok(()),
        false => Err(AppError::ResetLinkInvalid),
    }
}

/// Sets a new password through a reset link, once; every session of the
/// account ends.
pub async fn reset_password(state: &AppState, raw_token: &str, password: &str, again: &str) -> Result<(), AppError> {
    // Checked before the password is hashed: argon2 costs 19 MiB and tens
    // of milliseconds, which no one should get to spend with made-up links.
    check_reset_link(state, raw_token).await?;
    let token = Token::parse(raw_token).ok_or(AppError::ResetLinkInvalid)?;
    let hash = new_password_hash(password, Some(again), "new_password").await?;
    let audit = Some(crate::domain::NewAudit {
        actor: None,
        via: crate::domain::Via::BackOffice,
        event: None,
        registration: None,
        organizer: None,
        entry: AuditEntry::PasswordReset,
    });
    let organizer = state.store.use_password_reset(&token.hash(), &hash, audit, state.clock.now()).await?;
    let organizer = organizer.ok_or(AppError::ResetLinkInvalid)?;
    tracing::info!(%organizer, "password reset through a link");
    Ok(())
}

/// Whether the actor may take `organizer` off an event they manage: admins
/// anyone, an organizer only themselves (so that a co-organizer cannot
/// take an event over from the people who added them).
pub fn may_remove_from_event(actor: &Actor, organizer: Uuid) -> bool {
    may_manage_accounts(actor) || actor.organizer().is_some_and(|me| me.id == organizer)
}

/// Takes an organizer off the event (admins, or the organizer leaving);
/// its last organizer stays.
pub async fn remove_co_organizer(state: &AppState, managed: &ManagedEvent, organizer: Uuid) -> Result<(), AppError> {
    if !may_remove_from_event(&managed.actor, organizer) {
        return Err(AppError::Forbidden);
    }
    let audit = managed.audit(AuditEntry::CoOrganizerRemoved);
    let event = managed.event().id;
    if !state.store.remove_event_organizer(event, organizer, audit, state.clock.now()).await? {
        return Err(AppError::LastOrganizer);
    }
    tracing::info!(%event, %organizer, by = managed.actor.label(), "co-organizer removed");
    Ok(())
}
