//! Sign-up and cancellation, the two operations pages and API share.

use std::sync::Arc;

use chrono::Utc;

use crate::app::AppState;
use crate::domain::{
    CancelOutcome, Event, NewRegistration, Question, RegisterOutcome, Registration, SignUpForm, validate_answers,
};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::store::Store;
use crate::token::{CancelToken, new_salt};

/// A registration just made, with the one copy of its cancel token.
pub struct SignedUp {
    pub registration: Registration,
    pub token: CancelToken,
}

/// The event a sign-up is for (by uuid or slug, never a draft) and its
/// questions, cached for at most a second (see `cache`): a rush reads it
/// thousands of times. The store checks the event's rules again, on its
/// current row, when it commits the sign-up.
pub async fn sign_up_event(state: &AppState, key: &str) -> Result<Arc<(Event, Vec<Question>)>, AppError> {
    state
        .caches
        .event(key, || async {
            let event = public_event(&*state.store, key).await?;
            let questions = state.store.event_questions(event.id).await?;
            Ok(Arc::new((event, questions)))
        })
        .await
}

pub async fn sign_up(
    state: &AppState,
    event: &Event,
    questions: &[Question],
    form: &SignUpForm,
    lang: Lang,
) -> Result<SignedUp, AppError> {
    let no_answers = std::collections::HashMap::new();
    // Every problem at once: the person's fields, then the answers.
    let (name, email, institution, level, answers) =
        match (form.validate(), validate_answers(questions, form.answers.as_ref().unwrap_or(&no_answers))) {
            (Ok((n, e, i, l)), Ok(answers)) => (n, e, i, l, answers),
            (fields, answers) => {
                let errors = fields.err().into_iter().flatten().chain(answers.err().into_iter().flatten()).collect();
                return Err(AppError::Validation(errors));
            }
        };
    let id = uuid::Uuid::now_v7();
    let token_salt = new_salt();
    let token = state.keys.cancel_token(id, &token_salt);
    let new = NewRegistration {
        id,
        event_id: event.id,
        name,
        email,
        institution,
        level,
        language: lang,
        token_salt,
        cancel_key: token.key(),
        answers,
    };
    match state.store.register(new, Utc::now()).await? {
        RegisterOutcome::Registered(registration) => {
            state.mail_wakeup.notify_one();
            tracing::info!(event = %event.id, registration = %registration.id, status = registration.status.code(), "signed up");
            Ok(SignedUp { registration, token })
        }
        RegisterOutcome::AlreadyRegistered => Err(AppError::AlreadyRegistered),
        RegisterOutcome::Refused(refusal) => Err(AppError::Refused(refusal)),
        RegisterOutcome::EventNotFound => Err(AppError::EventNotFound),
    }
}

/// Cancels the registration behind `raw_token`; cancelling twice is not an
/// error, the second time changes nothing.
pub async fn cancel(state: &AppState, raw_token: &str) -> Result<Registration, AppError> {
    let token = CancelToken::parse(raw_token).ok_or(AppError::RegistrationNotFound)?;
    match state.store.cancel(&token, Utc::now()).await? {
        CancelOutcome::Cancelled { registration, promoted } => {
            state.mail_wakeup.notify_one();
            tracing::info!(
                event = %registration.event_id,
                registration = %registration.id,
                promoted = ?promoted,
                "cancelled"
            );
            Ok(registration)
        }
        CancelOutcome::AlreadyCancelled(registration) => Ok(registration),
        CancelOutcome::NotFound => Err(AppError::RegistrationNotFound),
    }
}

/// The registration and event behind a cancel link.
pub async fn by_token(store: &dyn Store, raw_token: &str) -> Result<(Registration, Event), AppError> {
    let token = CancelToken::parse(raw_token).ok_or(AppError::RegistrationNotFound)?;
    store.registration_by_token(&token).await?.ok_or(AppError::RegistrationNotFound)
}

/// An event as the public may see it: by uuid or slug, never a draft.
pub async fn public_event(store: &dyn Store, key: &str) -> Result<Event, AppError> {
    let event = match uuid::Uuid::parse_str(key) {
        Ok(id) => store.event_by_id(id).await?,
        Err(_) => store.event_by_slug(key).await?,
    };
    event.filter(|e| e.status != crate::domain::EventStatus::Draft).ok_or(AppError::EventNotFound)
}
