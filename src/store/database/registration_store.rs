//! `RegistrationStore`, over any backend.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Backend, Database};
use crate::domain::{
    AcceptOutcome, AttendanceOutcome, AttendeeLine, CancelOutcome, Event, MessageKind, NewAudit, NewRegistration,
    RegisterOutcome, Registration, SlotCheckIn,
};
use crate::store::{
    Change, Presence, RegistrationStore, Signature, StoreError, StoreResult, attendance, events, registrations,
};
use crate::token::CancelLookup;

#[async_trait]
impl<B: Backend> RegistrationStore for Database<B> {
    async fn register(&self, registration: NewRegistration, now: DateTime<Utc>) -> StoreResult<RegisterOutcome> {
        self.change(Change::Register(Box::new(registration)), None, now).await?.into_registered()
    }

    async fn registration_by_token(&self, token: &CancelLookup) -> StoreResult<Option<(Registration, Event)>> {
        let mut conn = self.read().await?;
        let Some(registration) = registrations::by_token(&mut *conn, token).await? else { return Ok(None) };
        let event = events::by_id(&mut *conn, registration.event_id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("registration without its event".into()))?;
        Ok(Some((registration, event)))
    }

    async fn cancel(&self, token: &CancelLookup, now: DateTime<Utc>) -> StoreResult<CancelOutcome> {
        self.change(Change::Cancel(*token), None, now).await?.into_cancelled()
    }

    async fn accept_offer(&self, token: &CancelLookup, now: DateTime<Utc>) -> StoreResult<AcceptOutcome> {
        self.change(Change::Accept(*token), None, now).await?.into_accepted()
    }

    async fn confirm_attendance(&self, token: &CancelLookup, now: DateTime<Utc>) -> StoreResult<AttendanceOutcome> {
        self.change(Change::ConfirmAttendance(*token), None, now).await?.into_attendance()
    }

    async fn sign(&self, token: &CancelLookup, slot: String, now: DateTime<Utc>) -> StoreResult<Signature> {
        self.change(Change::Sign { token: *token, slot }, None, now).await?.into_signed()
    }

    async fn signatures(&self, registration: Uuid) -> StoreResult<std::collections::HashMap<String, DateTime<Utc>>> {
        attendance::signatures(&mut *self.read().await?, registration).await
    }

    async fn remove_registration(
        &self,
        event: Uuid,
        registration: Uuid,
        note: Option<String>,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<CancelOutcome>> {
        self.change(Change::Remove { event, registration, note }, audit, now).await?.into_removed()
    }

    async fn resend(
        &self,
        event: Uuid,
        registration: Uuid,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<MessageKind>> {
        self.change(Change::Resend { event, registration }, audit, now).await?.into_resent()
    }

    async fn confirm_out_of_turn(
        &self,
        event: Uuid,
        registration: Uuid,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        self.change(Change::ConfirmOutOfTurn { event, registration }, audit, now).await?.into_flag()
    }

    async fn set_checked_in(
        &self,
        event: Uuid,
        registration: Uuid,
        mark: SlotCheckIn,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<Presence> {
        self.change(Change::CheckIn { event, registration, mark }, audit, now).await?.into_checked_in()
    }

    async fn walk_in(
        &self,
        registration: NewRegistration,
        slot: String,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<RegisterOutcome> {
        let change = Change::WalkIn { registration: Box::new(registration), slot };
        self.change(change, audit, now).await?.into_registered()
    }

    async fn event_registrations(&self, event: &Event) -> StoreResult<Vec<AttendeeLine>> {
        registrations::of_event(&mut *self.read().await?, event.id, &event.slots()).await
    }
}
