//! `PeopleStore`, over any backend.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Backend, Database};
use crate::domain::{
    Corrected, Correction, Email, Erased, NewAudit, NewRegistration, PersonalData, RegistrationEdit, Transferred,
};
use crate::store::{Change, PeopleStore, StoreResult, personal_data};
use crate::token::CancelLookup;

#[async_trait]
impl<B: Backend> PeopleStore for Database<B> {
    async fn personal_data(&self, token: &CancelLookup) -> StoreResult<Option<PersonalData>> {
        personal_data::of_person(&mut *self.read().await?, token).await
    }

    async fn erase(&self, token: &CancelLookup, now: DateTime<Utc>) -> StoreResult<Erased> {
        self.change(Change::Erase(*token), None, now).await?.into_erased()
    }

    async fn correct(
        &self,
        token: &CancelLookup,
        correction: Correction,
        now: DateTime<Utc>,
    ) -> StoreResult<Corrected> {
        self.change(Change::Correct { token: *token, correction }, None, now).await?.into_corrected()
    }

    async fn transfer(
        &self,
        token: &CancelLookup,
        colleague: NewRegistration,
        now: DateTime<Utc>,
    ) -> StoreResult<Transferred> {
        let change = Change::Transfer { token: *token, colleague: Box::new(colleague) };
        self.change(change, None, now).await?.into_transferred()
    }

    async fn send_links(&self, email: Email, now: DateTime<Utc>) -> StoreResult<usize> {
        self.change(Change::SendLinks(email), None, now).await?.into_count()
    }

    async fn edit_registration(
        &self,
        event: Uuid,
        registration: Uuid,
        edit: RegistrationEdit,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<Corrected> {
        self.change(Change::EditRegistration { event, registration, edit }, audit, now).await?.into_corrected()
    }
}
