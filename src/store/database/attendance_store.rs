//! `AttendanceStore`, over any backend.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Backend, Database};
use crate::domain::{Certificate, NewAudit, TrainerSignature, TrainerSigned};
use crate::store::{AttendanceStore, Change, Recipients, StoreResult, certificates, trainers};

#[async_trait]
impl<B: Backend> AttendanceStore for Database<B> {
    async fn sign_as_trainer(
        &self,
        event: Uuid,
        slot: String,
        name: String,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<TrainerSigned> {
        let organizer = audit.as_ref().and_then(|audit| audit.actor);
        self.change(Change::TrainerSign { event, slot, name, organizer }, audit, now).await?.into_trainer_signed()
    }

    async fn trainer_signatures(&self, event: Uuid) -> StoreResult<Vec<TrainerSignature>> {
        trainers::of_event(&mut *self.read().await?, event).await
    }

    async fn certificate(&self, registration: Uuid) -> StoreResult<Option<Certificate>> {
        certificates::of_registration(&mut *self.read().await?, registration).await
    }

    async fn certificate_by_id(&self, id: &str) -> StoreResult<Option<Certificate>> {
        certificates::by_public_id(&mut *self.read().await?, id).await
    }

    async fn send_certificates(
        &self,
        event: Uuid,
        to: Recipients,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<usize> {
        self.change(Change::SendCertificates { event, to }, audit, now).await?.into_count()
    }
}
