//! `AccountStore`, over any backend.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Backend, Database};
use crate::domain::{AccountUpdate, AccountUpdated, ApiTokenInfo, Email, NewAudit, Organizer, Role};
use crate::store::{
    AccountChange as A, AccountStore, Change, NewToken, StoreResult, TokenUse, account_lifecycle, accounts, tokens,
};
use crate::token::TokenHash;

impl<B: Backend> Database<B> {
    /// Applies an account change that only says whether it found its target.
    async fn account(&self, change: A, audit: Option<NewAudit>, now: DateTime<Utc>) -> StoreResult<bool> {
        self.change(Change::Account(change), audit, now).await?.into_flag()
    }
}

#[async_trait]
impl<B: Backend> AccountStore for Database<B> {
    async fn create_organizer(
        &self,
        email: &Email,
        name: &str,
        password_hash: &str,
        role: Role,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Organizer>> {
        let id = Uuid::now_v7();
        let (email, name, password_hash) = (email.clone(), name.to_owned(), password_hash.to_owned());
        let audit = audit.map(|audit| audit.about_organizer(id));
        let change = A::CreateOrganizer { id, email, name, password_hash, role };
        self.change(Change::Account(change), audit, now).await?.into_organizer()
    }

    async fn organizer_by_email(&self, email: &Email) -> StoreResult<Option<(Organizer, String)>> {
        accounts::by_email(&mut *self.read().await?, email).await
    }

    async fn organizer_by_id(&self, id: Uuid) -> StoreResult<Option<(Organizer, String)>> {
        accounts::by_id(&mut *self.read().await?, id).await
    }

    async fn organizers(&self) -> StoreResult<Vec<Organizer>> {
        accounts::all(&mut *self.read().await?).await
    }

    async fn update_account(
        &self,
        organizer: Uuid,
        update: AccountUpdate,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<AccountUpdated> {
        let audit = audit.map(|audit| audit.about_organizer(organizer));
        self.change(Change::Account(A::Update { organizer, update }), audit, now).await?.into_account()
    }

    async fn create_api_token(&self, token: NewToken, audit: Option<NewAudit>, now: DateTime<Utc>) -> StoreResult<()> {
        let audit = audit.map(|audit| audit.about_organizer(token.organizer));
        self.account(A::CreateApiToken(token), audit, now).await.map(drop)
    }

    async fn api_token_use(&self, token: &TokenHash, now: DateTime<Utc>) -> StoreResult<Option<TokenUse>> {
        tokens::by_hash(&mut *self.read().await?, token, now).await
    }

    async fn api_tokens_of(&self, organizer: Uuid) -> StoreResult<Vec<ApiTokenInfo>> {
        tokens::of_organizer(&mut *self.read().await?, organizer).await
    }

    async fn api_token(&self, id: Uuid) -> StoreResult<Option<ApiTokenInfo>> {
        tokens::by_id(&mut *self.read().await?, id).await
    }

    async fn revoke_api_token(&self, id: Uuid, audit: Option<NewAudit>, now: DateTime<Utc>) -> StoreResult<bool> {
        self.account(A::RevokeApiToken(id), audit, now).await
    }

    async fn touch_api_token(&self, id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
        self.account(A::TouchApiToken(id), None, now).await.map(drop)
    }

    async fn set_notifications(
        &self,
        organizer: Uuid,
        on_cancel: bool,
        when_full: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.account(A::SetNotifications { organizer, on_cancel, when_full }, None, now).await.map(drop)
    }

    async fn create_session(
        &self,
        token: &TokenHash,
        organizer: Uuid,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.account(A::CreateSession { token: *token, organizer, expires_at }, None, now).await.map(drop)
    }

    async fn organizer_by_session(&self, token: &TokenHash, now: DateTime<Utc>) -> StoreResult<Option<Organizer>> {
        accounts::by_session(&mut *self.read().await?, token, now).await
    }

    async fn delete_session(&self, token: &TokenHash, now: DateTime<Utc>) -> StoreResult<()> {
        self.account(A::DeleteSession(*token), None, now).await.map(drop)
    }

    async fn record_login_failure(&self, email: &str, client: &str, now: DateTime<Utc>) -> StoreResult<()> {
        let change = A::RecordLoginFailure { email: email.to_owned(), client: client.to_owned() };
        self.account(change, None, now).await.map(drop)
    }

    async fn login_failures(&self, email: &str, client: &str, since: DateTime<Utc>) -> StoreResult<(i64, i64)> {
        accounts::login_failures(&mut *self.read().await?, email, client, since).await
    }

    async fn forget_login_failures(
        &self,
        email: &str,
        client: &str,
        before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let change = A::ForgetLoginFailures { email: email.to_owned(), client: client.to_owned(), before };
        self.account(change, None, now).await.map(drop)
    }

    async fn create_password_reset(
        &self,
        token: &TokenHash,
        organizer: Uuid,
        expires_at: DateTime<Utc>,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let audit = audit.map(|audit| audit.about_organizer(organizer));
        self.account(A::CreatePasswordReset { token: *token, organizer, expires_at }, audit, now).await.map(drop)
    }

    async fn use_password_reset(
        &self,
        token: &TokenHash,
        password_hash: &str,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Uuid>> {
        let change = A::UsePasswordReset { token: *token, password_hash: password_hash.to_owned() };
        self.change(Change::Account(change), audit, now).await?.into_reset()
    }

    async fn password_reset_is_valid(&self, token: &TokenHash, now: DateTime<Utc>) -> StoreResult<bool> {
        account_lifecycle::reset_is_valid(&mut *self.read().await?, token, now).await
    }

    async fn remove_event_organizer(
        &self,
        event: Uuid,
        organizer: Uuid,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let audit = audit.map(|audit| audit.about_event(event).about_organizer(organizer));
        self.account(A::RemoveEventOrganizer { event, organizer }, audit, now).await
    }
}
