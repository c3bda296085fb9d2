//! `AccountStore`: organizer accounts, their tokens, sessions and failed
//! sign-ins.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{NewToken, StoreResult, TokenUse};
use crate::domain::{AccountUpdate, AccountUpdated, ApiTokenInfo, Email, NewAudit, Organizer, Role};
use crate::token::TokenHash;

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// `None` when the address has an account already.
    async fn create_organizer(
        &self,
        email: &Email,
        name: &str,
        password_hash: &str,
        role: Role,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Organizer>>;
    /// An organizer and their password hash.
    async fn organizer_by_email(&self, email: &Email) -> StoreResult<Option<(Organizer, String)>>;
    /// An organizer and their password hash.
    async fn organizer_by_id(&self, id: Uuid) -> StoreResult<Option<(Organizer, String)>>;
    async fn organizers(&self) -> StoreResult<Vec<Organizer>>;
    /// Disables, enables, changes the role or the password; refuses to
    /// leave no active admin.
    async fn update_account(
        &self,
        organizer: Uuid,
        update: AccountUpdate,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<AccountUpdated>;
    async fn create_api_token(&self, token: NewToken, audit: Option<NewAudit>, now: DateTime<Utc>) -> StoreResult<()>;
    /// The organizer a token opens the API for at `now` (not revoked, not
    /// expired, account active).
    async fn api_token_use(&self, token: &TokenHash, now: DateTime<Utc>) -> StoreResult<Option<TokenUse>>;
    async fn api_tokens_of(&self, organizer: Uuid) -> StoreResult<Vec<ApiTokenInfo>>;
    async fn api_token(&self, id: Uuid) -> StoreResult<Option<ApiTokenInfo>>;
    /// Whether the token was active until now.
    async fn revoke_api_token(&self, id: Uuid, audit: Option<NewAudit>, now: DateTime<Utc>) -> StoreResult<bool>;
    async fn touch_api_token(&self, id: Uuid, now: DateTime<Utc>) -> StoreResult<()>;
    async fn set_notifications(
        &self,
        organizer: Uuid,
        on_cancel: bool,
        when_full: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Opens a sign-in session (and forgets expired ones).
    async fn create_session(
        &self,
        token: &TokenHash,
        organizer: Uuid,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The organizer behind a session that has not expired at `now`, of an
    /// active account.
    async fn organizer_by_session(&self, token: &TokenHash, now: DateTime<Utc>) -> StoreResult<Option<Organizer>>;
    async fn delete_session(&self, token: &TokenHash, now: DateTime<Utc>) -> StoreResult<()>;
    async fn record_login_failure(&self, email: &str, client: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// Failed sign-ins since `since`: (for this email from this client,
    /// from this client).
    async fn login_failures(&self, email: &str, client: &str, since: DateTime<Utc>) -> StoreResult<(i64, i64)>;
    /// After a successful sign-in: forgets this client's failures for this
    /// email, and everyone's older than `before`.
    async fn forget_login_failures(
        &self,
        email: &str,
        client: &str,
        before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Keeps a one-time password-reset link (its hash).
    async fn create_password_reset(
        &self,
        token: &TokenHash,
        organizer: Uuid,
        expires_at: DateTime<Utc>,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Sets a password through a reset link: the account, or `None` when
    /// the link is unknown, used or expired.
    async fn use_password_reset(
        &self,
        token: &TokenHash,
        password_hash: &str,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Uuid>>;
    /// Whether a reset link can still be used (to show its form or say it
    /// cannot).
    async fn password_reset_is_valid(&self, token: &TokenHash, now: DateTime<Utc>) -> StoreResult<bool>;
    /// Takes an organizer off an event, unless they are its last one.
    async fn remove_event_organizer(
        &self,
        event: Uuid,
        organizer: Uuid,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
}
