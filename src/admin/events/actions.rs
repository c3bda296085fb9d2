//! What an organizer does to an event and its registrations from its page:
//! each a form posting here, each one operation.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use uuid::Uuid;

use super::detail::message_form;
use crate::admin::{Managed, event_path, page};
use crate::domain::{Announcement, Lang};
use crate::error::AppError;
use crate::operations::{events, mail, registrations};
use crate::state::AppState;
use crate::web::csrf::{CsrfForm, CsrfToken, NoFields};

#[derive(Debug, Deserialize)]
pub struct StatusForm {
    status: Option<String>,
}

/// Publishes the event, or takes it back to draft.
pub async fn set_status(
    State(state): State<AppState>,
    Managed(managed, _): Managed,
    CsrfForm(form): CsrfForm<StatusForm>,
) -> Result<Redirect, AppError> {
    let publish = match form.status.as_deref() {
        Some("published") => true,
        Some("draft") => false,
        _ => return Err(AppError::BadRequest("status must be draft or published".into())),
    };
    events::set_status(&state, &managed, publish).await?;
    Ok(Redirect::to(&event_path(&managed, if publish { "?done=published" } else { "?done=draft" })))
}

/// A copy four weeks later, as a draft, opened for editing.
pub async fn duplicate(
    State(state): State<AppState>,
    Managed(managed, _): Managed,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Redirect, AppError> {
    let copy = events::duplicate(&state, &managed).await?;
    Ok(Redirect::to(&format!("/admin/events/{}/edit?done=duplicated", copy.id)))
}

/// The confirmation pages' form: the organizer's optional words to the
/// people concerned, added to their email.
#[derive(Debug, Default, Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    message: String,
}

pub async fn cancel(
    State(state): State<AppState>,
    Managed(managed, _): Managed,
    CsrfForm(form): CsrfForm<NoteForm>,
) -> Result<Redirect, AppError> {
    events::cancel(&state, &managed, &form.message).await?;
    Ok(Redirect::to(&event_path(&managed, "?done=cancelled")))
}

pub async fn remove(
    State(state): State<AppState>,
    Managed(managed, _): Managed,
    Path((_, registration)): Path<(String, Uuid)>,
    CsrfForm(form): CsrfForm<NoteForm>,
) -> Result<Redirect, AppError> {
    registrations::remove(&state, &managed, registration, &form.message).await?;
    Ok(Redirect::to(&event_path(&managed, "?done=removed#registrations")))
}

/// Queues the confirmation (or waiting-list message) again.
pub async fn resend(
    State(state): State<AppState>,
    Managed(managed, _): Managed,
    Path((_, registration)): Path<(String, Uuid)>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Redirect, AppError> {
    registrations::resend(&state, &managed, registration).await?;
    Ok(Redirect::to(&event_path(&managed, "?done=resent#registrations")))
}

/// Confirms a waiting person out of turn, adding a seat for them.
pub async fn confirm(
    State(state): State<AppState>,
    Managed(managed, _): Managed,
    Path((_, registration)): Path<(String, Uuid)>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Redirect, AppError> {
    registrations::confirm_out_of_turn(&state, &managed, registration).await?;
    Ok(Redirect::to(&event_path(&managed, "?done=confirmed#registrations")))
}

#[derive(Debug, Deserialize)]
pub struct MessageForm {
    #[serde(default)]
    subject: String,
    #[serde(default)]
    body: String,
}

/// An organizer writes to every confirmed attendee, through the outbox.
pub async fn message(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    Managed(managed, organizer): Managed,
    CsrfForm(form): CsrfForm<MessageForm>,
) -> Result<Response, AppError> {
    let a = lang.texts().admin();
    let base = event_path(&managed, "");
    match Announcement::parse(&form.subject, &form.body) {
        Ok(announcement) => {
            // Back to the event's page, which says it was sent: reloading
            // that page does not send it again, as reloading this answer did.
            let sent = mail::announce(&state, &managed, announcement).await?;
            Ok(Redirect::to(&format!("{base}?sent={sent}")).into_response())
        }
        Err(errors) => {
            let form = message_form(lang, &base, &csrf, &form.subject, &form.body, &errors);
            let back = html! { p { a href=(base) { "← " (managed.event().title) } } };
            let content = html! { (back) h1 { (a.message_attendees) } (form) };
            let markup = page(lang, uri.path(), a.message_attendees, &organizer, &csrf, content);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, csrf, markup).into_response())
        }
    }
}
