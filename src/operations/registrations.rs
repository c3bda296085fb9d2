//! Signing up, cancelling, and what organizers do to registrations.

use std::collections::HashMap;

use uuid::Uuid;

use super::{ManagedEvent, Touched};
use crate::domain::{
    AcceptOutcome, AttendanceOutcome, AuditEntry, CancelOutcome, Email, Event, Institution, Lang, Level, MessageKind,
    NewRegistration, PersonName, Question, RegisterOutcome, Registration, SignUpForm, validate_answers,
};
use crate::error::AppError;
use crate::state::AppState;
use crate::token::{CancelToken, new_salt};

/// A registration just made, with the one copy of its cancel token.
pub struct SignedUp {
    pub registration: Registration,
    pub token: CancelToken,
}

/// Whether `client` may sign up now (SIGNUP_RATE_PER_MINUTE), checked
/// before anything else is read.
pub fn within_sign_up_limit(state: &AppState, client: std::net::IpAddr) -> Result<(), AppError> {
    state.sign_ups.check(client).map_err(|retry_after| {
        tracing::info!(%client, "sign-up refused: over the per-client limit");
        crate::metrics::global().sign_up("refused", "rate_limited");
        AppError::RateLimited { retry_after }
    })
}

/// Signs a person up for `event`, whose questions are `questions`: every
/// problem with the form at once, then a seat or the waiting list, decided
/// by the store on the event as it stands when the sign-up commits.
pub async fn sign_up(
    state: &AppState,
    event: &Event,
    questions: &[Question],
    form: &SignUpForm,
    lang: Lang,
) -> Result<SignedUp, AppError> {
    let no_answers = HashMap::new();
    let (name, email, institution, level, answers) =
        match (form.validate(), validate_answers(questions, form.answers.as_ref().unwrap_or(&no_answers))) {
            (Ok((n, e, i, l)), Ok(answers)) => (n, e, i, l, answers),
            (fields, answers) => {
                let errors = fields.err().into_iter().flatten().chain(answers.err().into_iter().flatten()).collect();
                crate::metrics::global().sign_up("refused", "invalid");
                return Err(AppError::Validation(errors));
            }
        };
    let (new, token) = new_registration(state, event.id, (name, email, institution, level), answers, lang);
    let metrics = crate::metrics::global();
    match state.store.register(new, state.clock.now()).await? {
        RegisterOutcome::Registered(registration) => {
            Touched::SIGN_UP.settle(state);
            tracing::info!(event = %event.id, registration = %registration.id, status = registration.status.code(), "signed up");
            metrics.sign_up(registration.status.code(), "");
            Ok(SignedUp { registration, token })
        }
        RegisterOutcome::AlreadyRegistered => {
            metrics.sign_up("refused", "already_registered");
            Err(AppError::AlreadyRegistered)
        }
        RegisterOutcome::Refused(refusal) => {
            metrics.sign_up("refused", refusal.code());
            Err(AppError::Refused(refusal))
        }
        RegisterOutcome::EventNotFound => {
            metrics.sign_up("refused", "event_not_found");
            Err(AppError::EventNotFound)
        }
    }
}

/// A registration to store, with the one copy of its cancel token.
pub(super) fn new_registration(
    state: &AppState,
    event: Uuid,
    (name, email, institution, level): (PersonName, Email, Institution, Level),
    answers: Vec<(Uuid, String)>,
    lang: Lang,
) -> (NewRegistration, CancelToken) {
    let id = Uuid::now_v7();
    let token_salt = new_salt();
    let token = state.keys.cancel_token(id, &token_salt);
    let new = NewRegistration {
        id,
        event_id: event,
        name,
        email,
        institution,
        level,
        language: lang,
        token_salt,
        cancel_key: token.key(),
        answers,
        consent_version: Some(crate::domain::NOTICE_VERSION.to_owned()),
    };
    (new, token)
}

/// The person cancels from their link; a freed seat goes to the first
/// person waiting. Cancelling twice is not an error: the second time
/// changes nothing. Once the event has started, they cannot.
pub async fn cancel(state: &AppState, raw_token: &str) -> Result<Registration, AppError> {
    let token = CancelToken::parse(raw_token).ok_or(AppError::RegistrationNotFound)?;
    match state.store.cancel(&token, state.clock.now()).await? {
        CancelOutcome::Cancelled { registration, promoted } => {
            Touched::SEATS_AND_MAIL.settle(state);
            tracing::info!(event = %registration.event_id, registration = %registration.id, promoted = ?promoted, "cancelled");
            Ok(registration)
        }
        CancelOutcome::AlreadyCancelled(registration) => Ok(registration),
        CancelOutcome::EventStarted => Err(AppError::EventStarted),
        CancelOutcome::NotFound => Err(AppError::RegistrationNotFound),
    }
}

/// The person accepts the seat offered to them, from their link, before
/// its deadline. Accepting twice is not an error.
pub async fn accept(state: &AppState, raw_token: &str) -> Result<Registration, AppError> {
    let token = CancelToken::parse(raw_token).ok_or(AppError::RegistrationNotFound)?;
    match state.store.accept_offer(&token, state.clock.now()).await? {
        AcceptOutcome::Accepted(registration) => {
            Touched::SEATS_AND_MAIL.settle(state);
            tracing::info!(event = %registration.event_id, registration = %registration.id, "offer accepted");
            Ok(registration)
        }
        AcceptOutcome::AlreadyConfirmed(registration) => Ok(registration),
        AcceptOutcome::Expired => {
            // It may have ended now, in this very change: the seat went on.
            Touched::SEATS_AND_MAIL.settle(state);
            Err(AppError::OfferExpired)
        }
        AcceptOutcome::NotOffered => Err(AppError::NoOffer),
        AcceptOutcome::NotFound => Err(AppError::RegistrationNotFound),
    }
}

/// The person says they will come, from their reminder: organizers see it.
pub async fn confirm_attendance(state: &AppState, raw_token: &str) -> Result<Registration, AppError> {
    let token = CancelToken::parse(raw_token).ok_or(AppError::RegistrationNotFound)?;
    match state.store.confirm_attendance(&token, state.clock.now()).await? {
        AttendanceOutcome::Confirmed(registration) => {
            tracing::info!(event = %registration.event_id, registration = %registration.id, "attendance confirmed");
            Ok(registration)
        }
        AttendanceOutcome::NotConfirmed => Err(AppError::NotConfirmed),
        AttendanceOutcome::NotFound => Err(AppError::RegistrationNotFound),
    }
}

/// An organizer removes a registration: the person is told (with the
/// organizer's `note`, if any), and a freed seat goes to the first person
/// waiting (before the event starts).
pub async fn remove(state: &AppState, managed: &ManagedEvent, registration: Uuid, note: &str) -> Result<(), AppError> {
    let note = super::events::parse_note(note)?;
    let audit = managed.audit(AuditEntry::RegistrationRemoved).map(|a| a.about_registration(registration));
    let event = managed.event.id;
    match state.store.remove_registration(event, registration, note, audit, state.clock.now()).await? {
        Some(CancelOutcome::Cancelled { promoted, .. }) => {
            Touched::SEATS_AND_MAIL.settle(state);
            tracing::info!(%event, %registration, promoted = ?promoted, by = managed.actor.label(), "removed");
            Ok(())
        }
        Some(_) => Ok(()),
        None => Err(AppError::RegistrationNotFound),
    }
}

/// Queues the confirmation (or waiting-list message) again, while the
/// event is on and ahead.
pub async fn resend(state: &AppState, managed: &ManagedEvent, registration: Uuid) -> Result<MessageKind, AppError> {
    let event = managed.event.id;
    let now = state.clock.now();
    // The store picks the message, and names it in the entry.
    let audit = managed.audit(AuditEntry::EmailResent { message: String::new() });
    let audit = audit.map(|a| a.about_registration(registration));
    let kind = state.store.resend(event, registration, audit, now).await?.ok_or(AppError::RegistrationNotFound)?;
    Touched::MAIL.settle(state);
    tracing::info!(%event, %registration, kind = kind.code(), by = managed.actor.label(), "email resent");
    Ok(kind)
}

/// Confirms a waiting person out of turn, adding a seat for them.
pub async fn confirm_out_of_turn(state: &AppState, managed: &ManagedEvent, registration: Uuid) -> Result<(), AppError> {
    let event = managed.event.id;
    let audit = managed.audit(AuditEntry::ConfirmedOutOfTurn).map(|a| a.about_registration(registration));
    if !state.store.confirm_out_of_turn(event, registration, audit, state.clock.now()).await? {
        return Err(AppError::RegistrationNotFound);
    }
    Touched::EVENTS_AND_MAIL.settle(state);
    tracing::info!(%event, %registration, by = managed.actor.label(), "confirmed out of turn");
    Ok(())
}
