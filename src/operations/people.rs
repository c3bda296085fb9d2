//! People's rights over their data, from their link: download it, correct
//! it, give the seat to a colleague, erase it; a lost link sent again; and
//! an organizer's edit of a registration.

use std::net::IpAddr;

use uuid::Uuid;

use super::registrations::{SignedUp, new_registration};
use super::{ManagedEvent, Touched};
use crate::domain::{
    AuditEntry, Corrected, CorrectionForm, Email, Erased, Lang, PersonalData, Registration, SignUpForm, Transferred,
};
use crate::error::AppError;
use crate::state::AppState;
use crate::token::{CancelLookup, CancelToken};

fn token(raw: &str) -> Result<CancelLookup, AppError> {
    CancelToken::parse(raw).ok_or(AppError::RegistrationNotFound)
}

/// Everything stored about the person, with each email's subject as they
/// read it.
pub async fn personal_data(state: &AppState, raw_token: &str) -> Result<PersonalData, AppError> {
    let mut data = state.store.personal_data(&token(raw_token)?).await?.ok_or(AppError::RegistrationNotFound)?;
    let subjects: Vec<String> = data
        .emails
        .iter()
        .map(|email| crate::mail::subject_of(&state.templates, &state.public_url, &data, email))
        .collect();
    for (email, subject) in data.emails.iter_mut().zip(subjects) {
        email.subject = subject;
    }
    Ok(data)
}

/// The person erases their data: before the event their seat goes on as
/// usual; afterwards the link is dead and only anonymous counts remain.
pub async fn erase(state: &AppState, raw_token: &str) -> Result<(), AppError> {
    match state.store.erase(&token(raw_token)?, state.clock.now()).await? {
        Erased::Erased { cancelled, promoted } => {
            Touched::SEATS_AND_MAIL.settle(state);
            tracing::info!(cancelled, promoted = ?promoted, "a person erased their data");
            Ok(())
        }
        Erased::NotFound => Err(AppError::RegistrationNotFound),
    }
}

/// The person corrects their name or institution, until the event starts.
pub async fn correct(state: &AppState, raw_token: &str, form: &CorrectionForm) -> Result<Registration, AppError> {
    let token = token(raw_token)?;
    let correction = form.correction().map_err(AppError::Validation)?;
    let outcome = state.store.correct(&token, correction, state.clock.now()).await?;
    let registration = corrected(outcome)?;
    // Names are on the attendee lists organizers read (not cached): no
    // cache to drop, no mail, no timed work.
    tracing::info!(registration = %registration.id, "a person corrected their details");
    Ok(registration)
}

/// The person gives their place to a colleague, who takes it as it is
/// (confirmed, waiting or offered) under the event's rules.
pub async fn transfer(state: &AppState, raw_token: &str, form: &SignUpForm, lang: Lang) -> Result<SignedUp, AppError> {
    let token = token(raw_token)?;
    // The colleague has not seen the notice: the giver vouches for the
    // transfer, and the colleague's own page links to it.
    let form = SignUpForm { consent: Some(true), ..form.clone() };
    let person = form.validate().map_err(AppError::Validation)?;
    let event = state.store.registration_by_token(&token).await?.ok_or(AppError::RegistrationNotFound)?.1.id;
    let (colleague, colleague_token) = new_registration(state, event, person, Vec::new(), lang);
    match state.store.transfer(&token, colleague, state.clock.now()).await? {
        Transferred::Transferred(registration) => {
            Touched::SEATS_AND_MAIL.settle(state);
            tracing::info!(%event, registration = %registration.id, "seat given to a colleague");
            Ok(SignedUp { registration, token: colleague_token })
        }
        Transferred::NotActive => Err(AppError::NotActive),
        Transferred::EventStarted => Err(AppError::EventStarted),
        Transferred::AlreadyRegistered => Err(AppError::AlreadyRegistered),
        Transferred::Refused(refusal) => Err(AppError::Refused(refusal)),
        Transferred::NotFound => Err(AppError::RegistrationNotFound),
    }
}

/// Someone lost their link: the links to the address's registrations are
/// emailed, if it has any and the limits allow. The answer is the same
/// whatever happens, so that nobody learns who is registered.
pub async fn send_links(state: &AppState, client: IpAddr, raw_email: &str) -> Result<(), AppError> {
    let email = Email::parse(raw_email).map_err(|e| AppError::Validation(vec![e]))?;
    let allowed = state.link_requests.allow(client, email.as_str()).map_err(|retry_after| {
        tracing::info!(%client, "lost-link request refused: over the per-client limit");
        AppError::RateLimited { retry_after }
    })?;
    if !allowed {
        tracing::info!("lost-link request over the address's limit; nothing sent");
        return Ok(());
    }
    let sent = state.store.send_links(email, state.clock.now()).await?;
    if sent > 0 {
        Touched::MAIL.settle(state);
    }
    Ok(())
}

/// An organizer edits a person's details; a new address gets the
/// confirmation again (for an event ahead).
pub async fn edit(
    state: &AppState,
    managed: &ManagedEvent,
    registration: Uuid,
    form: &CorrectionForm,
) -> Result<Registration, AppError> {
    let edit = form.edit().map_err(AppError::Validation)?;
    let audit = managed.audit(AuditEntry::RegistrationEdited { fields: Vec::new() });
    let audit = audit.map(|a| a.about_registration(registration));
    let event = managed.event.id;
    let outcome = state.store.edit_registration(event, registration, edit, audit, state.clock.now()).await?;
    let edited = corrected(outcome)?;
    Touched::SEATS_AND_MAIL.settle(state);
    tracing::info!(%event, %registration, by = managed.actor.label(), "registration edited");
    Ok(edited)
}

fn corrected(outcome: Corrected) -> Result<Registration, AppError> {
    match outcome {
        Corrected::Corrected { registration, .. } => Ok(registration),
        Corrected::EventStarted => Err(AppError::EventStarted),
        Corrected::AlreadyRegistered => Err(AppError::AlreadyRegistered),
        Corrected::NotFound => Err(AppError::RegistrationNotFound),
    }
}
