//! After the door: the trainer's signature of each slot, certificates of
//! attendance (the PDF, the public page that verifies one), and sending
//! them again when an organizer asks.

use chrono::{DateTime, Utc};

use super::attendance::slot_of;
use super::{ManagedEvent, Touched, queries};
use crate::domain::{AuditEntry, Certificate, PersonName, TrainerSignature, TrainerSigned, whole_seconds};
use crate::error::AppError;
use crate::export::{self, Download, Issue};
use crate::state::AppState;
use crate::store::{Recipients, Store};

/// The public page that confirms a certificate.
pub fn verify_url(public_url: &str, id: &str) -> String {
    format!("{public_url}/verify/{id}")
}

/// The certificate's PDF, issued at `now`, signed by the event's
/// organizers (by name). Written off the async threads, as exports are.
pub async fn pdf(
    store: &dyn Store,
    public_url: &str,
    certificate: &Certificate,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<u8>> {
    let organizers = store.event_organizers(certificate.event.id).await?;
    let names: Vec<String> = organizers.into_iter().map(|o| o.name).filter(|name| !name.trim().is_empty()).collect();
    let url = verify_url(public_url, &certificate.id);
    let certificate = certificate.clone();
    let lang = certificate.registration.language;
    tokio::task::spawn_blocking(move || {
        let issue = Issue { organizer: &names.join(", "), verify_url: &url, issued_at: now };
        Ok(export::certificate(&certificate, &issue, lang)?)
    })
    .await?
}

/// A person's certificate, from their link: 404 without an attended slot.
pub async fn of_person(state: &AppState, raw_token: &str) -> Result<Download, AppError> {
    let (registration, event) = queries::registration_by_token(state, raw_token).await?;
    let certificate = state.store.certificate(registration.id).await?.ok_or(AppError::CertificateNotFound)?;
    let body = pdf(state.store.as_ref(), &state.public_url, &certificate, state.clock.now())
        .await
        .map_err(AppError::Internal)?;
    Ok(Download { content_type: "application/pdf", file_name: format!("{}-attestation.pdf", event.slug), body })
}

/// Whether the registration has a certificate (an attended slot).
pub async fn exists(state: &AppState, registration: uuid::Uuid) -> Result<bool, AppError> {
    Ok(state.store.certificate(registration).await?.is_some())
}

/// The certificate with this public id, if there is one.
pub async fn verify(state: &AppState, id: &str) -> Result<Option<Certificate>, AppError> {
    if !crate::token::is_certificate_id(id) {
        return Ok(None);
    }
    Ok(state.store.certificate_by_id(id).await?)
}

/// Queues the certificates again, to every attendee or to one; how many.
pub async fn send(state: &AppState, managed: &ManagedEvent, to: Recipients) -> Result<usize, AppError> {
    let event = managed.event.id;
    // One person's: theirs must be of this event, or the history would
    // speak of someone who is not (another event's, or nobody: refused by
    // the foreign key, a 500 the schema fuzzer found).
    if let Recipients::One(id) = to {
        super::queries::registration_line(state, managed, id).await?;
    }
    let audit = managed.audit(AuditEntry::CertificatesSent { recipients: 0 });
    let audit = match to {
        Recipients::One(registration) => audit.map(|audit| audit.about_registration(registration)),
        _ => audit,
    };
    let sent = state.store.send_certificates(event, to, audit, state.clock.now()).await?;
    Touched::MAIL.settle(state);
    tracing::info!(%event, recipients = sent, by = managed.actor.label(), "certificates queued");
    Ok(sent)
}

/// The trainer signs a slot, from an organizer's account: the name as
/// typed (checked as a person's name), the time, the account. The first
/// signature of a slot stands.
pub async fn sign_as_trainer(
    state: &AppState,
    managed: &ManagedEvent,
    slot: &str,
    name: &str,
) -> Result<TrainerSigned, AppError> {
    let slot = slot_of(managed, Some(slot), state.clock.now())?;
    let name = PersonName::parse(name).map_err(|error| AppError::Validation(vec![error]))?;
    let now = whole_seconds(state.clock.now());
    let audit = managed.audit(AuditEntry::TrainerSigned { slot: slot.id() });
    let signed = state.store.sign_as_trainer(managed.event.id, slot.id(), name.as_str().to_owned(), audit, now).await?;
    tracing::info!(event = %managed.event.id, slot = %slot.id(), by = managed.actor.label(), "trainer signed");
    Ok(signed)
}

/// The trainers' signatures of the event, by slot.
pub async fn trainer_signatures(state: &AppState, managed: &ManagedEvent) -> Result<Vec<TrainerSignature>, AppError> {
    Ok(state.store.trainer_signatures(managed.event.id).await?)
}
