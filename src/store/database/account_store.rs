//! `AccountStore`, over any backend.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Backend, Database};
use crate::domain::{Email, NewAudit, Organizer, Role};
use crate::store::{AccountStore, Change, StoreResult, accounts};
use crate::token::TokenHash;

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
        let change = Change::CreateOrganizer { id, email, name, password_hash, role };
        self.change(change, audit, now).await?.into_organizer()
    }

    async fn organizer_by_email(&self, email: &Email) -> StoreResult<Option<(Organizer, String)>> {
        accounts::by_email(&mut *self.read().await?, email).await
    }

    async fn organizers(&self) -> StoreResult<Vec<Organizer>> {
        accounts::all(&mut *self.read().await?).await
    }

    async fn create_api_token(
        &self,
        organizer: Uuid,
        token: &TokenHash,
        label: &str,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let change = Change::CreateApiToken { organizer, token: *token, label: label.to_owned() };
        self.change(change, audit, now).await?.into_flag().map(drop)
    }

    async fn organizer_by_api_token(&self, token: &TokenHash) -> StoreResult<Option<Organizer>> {
        accounts::by_api_token(&mut *self.read().await?, token).await
    }

    async fn set_notifications(
        &self,
        organizer: Uuid,
        on_cancel: bool,
        when_full: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let change = Change::SetNotifications { organizer, on_cancel, when_full };
        self.change(change, None, now).await?.into_flag().map(drop)
    }

    async fn create_session(
        &self,
        token: &TokenHash,
        organizer: Uuid,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let change = Change::CreateSession { token: *token, organizer, expires_at };
        self.change(change, None, now).await?.into_flag().map(drop)
    }

    async fn organizer_by_session(&self, token: &TokenHash, now: DateTime<Utc>) -> StoreResult<Option<Organizer>> {
        accounts::by_session(&mut *self.read().await?, token, now).await
    }

    async fn delete_session(&self, token: &TokenHash, now: DateTime<Utc>) -> StoreResult<()> {
        self.change(Change::DeleteSession(*token), None, now).await?.into_flag().map(drop)
    }

    async fn record_login_failure(&self, email: &str, client: &str, now: DateTime<Utc>) -> StoreResult<()> {
        let change = Change::RecordLoginFailure { email: email.to_owned(), client: client.to_owned() };
        self.change(change, None, now).await?.into_flag().map(drop)
    }

    async fn login_failures(&self, email: &str, client: &str, since: DateTime<Utc>) -> StoreResult<(i64, i64)> {
        accounts::login_failures(&mut *self.read().await?, email, client, since).await
    }

    async fn forget_login_failures(&self, email: &str, before: DateTime<Utc>, now: DateTime<Utc>) -> StoreResult<()> {
        let change = Change::ForgetLoginFailures { email: email.to_owned(), before };
        self.change(change, None, now).await?.into_flag().map(drop)
    }
}
