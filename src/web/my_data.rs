//! A person's rights over their data, on pages reached from their own
//! registration page: correct their details, give their seat to a
//! colleague, erase their data (after a confirmation); and `/mes-inscriptions`
//! for whoever lost their link. The download is the API's JSON file.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::csrf::{self, CsrfForm, CsrfToken, NoFields};
use super::layout::base;
use super::person_form::{self, PersonFields, Shown};
use crate::client::ClientAddr;
use crate::domain::{Event, EventStatus, FieldError, Lang, Registration};
use crate::error::AppError;
use crate::operations::{people, queries};
use crate::state::AppState;

const CORRECTION: Shown = Shown { email: false, level: false };
const COLLEAGUE: Shown = Shown { email: true, level: true };

/// The "your data" part of the person's page.
pub fn section(
    lang: Lang,
    token: &str,
    registration: &Registration,
    event: &Event,
    now: chrono::DateTime<chrono::Utc>,
) -> Markup {
    let p = lang.people();
    let ahead = now < event.starts_at;
    let can_give = ahead && registration.status.is_active() && event.status != EventStatus::Cancelled;
    html! {
        section.my-data aria-labelledby="my-data-title" {
            h2 #my-data-title { (p.section_title) }
            ul {
                li { a href={ "/api/v1/registrations/" (token) "/data" } download="atelier-mes-donnees.json" { (p.download) } " " span.hint { (p.download_hint) } }
                @if ahead { li { a href={ "/r/" (token) "/details" } { (p.correct_link) } } }
                @if can_give { li { a href={ "/r/" (token) "/transfer" } { (p.transfer_link) } } }
                li { a href={ "/r/" (token) "/erase" } { (p.erase_link) } }
            }
        }
    }
}

/// A form page about the person's registration, with what went wrong.
struct FormPage<'a> {
    token: &'a str,
    values: &'a PersonFields,
    errors: &'a [FieldError],
    notice: Option<&'a str>,
}

fn form_page(lang: Lang, uri: &Uri, page: &FormPage<'_>, transfer: bool, event: &Event, csrf: &CsrfToken) -> Markup {
    let p = lang.people();
    let (title, hint, action, button, shown) = if transfer {
        (p.transfer_title, p.transfer_hint, "transfer", p.transfer_button, COLLEAGUE)
    } else {
        (p.correct_title, p.correct_hint, "details", p.correct_button, CORRECTION)
    };
    let content = html! {
        h1 { (title) }
        p { a href={ "/events/" (event.slug) } { (event.title) } }
        p.hint { (hint) }
        @if let Some(notice) = page.notice { p.notice.error role="alert" { (notice) } }
        @if !page.errors.is_empty() { p.notice.error role="alert" { (lang.texts().form_has_errors) } }
        form method="post" action={ "/r/" (page.token) "/" (action) } {
            input type="hidden" name=(csrf::FIELD) value=(csrf.value());
            (person_form::fields(lang, page.values, page.errors, shown, &event.levels))
            button type="submit" { (button) }
        }
        p { a href={ "/r/" (page.token) } { (p.back) } }
    };
    base(lang, uri.path(), title, content)
}

pub async fn ask_correct(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    Path(token): Path<String>,
    csrf: CsrfToken,
) -> Result<Response, AppError> {
    let (registration, event) = queries::registration_by_token(&state, &token).await?;
    let values = PersonFields::of(&registration);
    let page = FormPage { token: &token, values: &values, errors: &[], notice: None };
    let markup = form_page(lang, &uri, &page, false, &event, &csrf);
    Ok((csrf, markup).into_response())
}

pub async fn correct(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    Path(token): Path<String>,
    csrf: CsrfToken,
    CsrfForm(values): CsrfForm<PersonFields>,
) -> Result<Response, AppError> {
    let error = match people::correct(&state, &token, &values.correction(CORRECTION)).await {
        Ok(_) => return Ok(Redirect::to(&format!("/r/{token}?done=corrected")).into_response()),
        Err(error) => error,
    };
    let (_, event) = queries::registration_by_token(&state, &token).await?;
    refused(lang, &uri, &event, &token, &values, false, error, csrf)
}

/// The form again (422), with what was wrong with it.
fn refused(
    lang: Lang,
    uri: &Uri,
    event: &Event,
    token: &str,
    values: &PersonFields,
    transfer: bool,
    error: AppError,
    csrf: CsrfToken,
) -> Result<Response, AppError> {
    let (errors, notice) = person_form::problems(lang, error)?;
    let page = FormPage { token, values, errors: &errors, notice: notice.as_deref() };
    let markup = form_page(lang, uri, &page, transfer, event, &csrf);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, csrf, markup).into_response())
}

pub async fn ask_transfer(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    Path(token): Path<String>,
    csrf: CsrfToken,
) -> Result<Response, AppError> {
    let (_, event) = queries::registration_by_token(&state, &token).await?;
    let values = PersonFields::default();
    let page = FormPage { token: &token, values: &values, errors: &[], notice: None };
    let markup = form_page(lang, &uri, &page, true, &event, &csrf);
    Ok((csrf, markup).into_response())
}

pub async fn transfer(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    Path(token): Path<String>,
    csrf: CsrfToken,
    CsrfForm(values): CsrfForm<PersonFields>,
) -> Result<Response, AppError> {
    let (_, event) = queries::registration_by_token(&state, &token).await?;
    // The colleague's emails in the event's language.
    let theirs = Lang::from_code(&event.language).unwrap_or(lang);
    let error = match people::transfer(&state, &token, &values.sign_up(), theirs).await {
        Ok(_) => return Ok(Redirect::to(&format!("/r/{token}?done=transferred")).into_response()),
        Err(error) => error,
    };
    refused(lang, &uri, &event, &token, &values, true, error, csrf)
}

/// Erasure asks first: it cannot be undone.
pub async fn ask_erase(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    Path(token): Path<String>,
    csrf: CsrfToken,
) -> Result<Response, AppError> {
    let (registration, event) = queries::registration_by_token(&state, &token).await?;
    let p = lang.people();
    let before = registration.status.is_active() && state.clock.now() < event.starts_at;
    let content = html! {
        h1 { (p.erase_title) }
        p { a href={ "/events/" (event.slug) } { (event.title) } }
        p { (if before { p.erase_before } else { p.erase_after }) }
        form method="post" action={ "/r/" (token) "/erase" } {
            input type="hidden" name=(csrf::FIELD) value=(csrf.value());
            button.danger type="submit" { (p.erase_button) }
        }
        p { a href={ "/r/" (token) } { (p.back) } }
    };
    Ok((csrf, base(lang, uri.path(), p.erase_title, content)).into_response())
}

pub async fn erase(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    Path(token): Path<String>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    people::erase(&state, &token).await?;
    let p = lang.people();
    let content = html! {
        h1 { (p.erased_title) }
        p.notice.success role="status" { (p.erased_text) }
        p { a href="/" { (lang.texts().back_to_events) } }
    };
    Ok(base(lang, uri.path(), p.erased_title, content).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct LostLink {
    #[serde(default)]
    email: String,
}

/// `/mes-inscriptions`: the form, or (after it) the answer, which is the
/// same for every address.
fn lost_page(lang: Lang, uri: &Uri, sent: bool, error: Option<&FieldError>, csrf: &CsrfToken) -> Markup {
    let (t, p) = (lang.texts(), lang.people());
    let message = error.map(|e| t.field_error(e.kind));
    let content = html! {
        h1 { (p.lost_title) }
        @if sent { p.notice.success role="status" { (p.lost_sent) } }
        p { (p.lost_intro) }
        form method="post" action="/mes-inscriptions" {
            input type="hidden" name=(csrf::FIELD) value=(csrf.value());
            div.field.invalid[message.is_some()] {
                label for="email" { (t.email_label) }
                @if let Some(message) = &message { p.field-error #email-error { (message) } }
                input #email name="email" type="email" required autocomplete="email"
                    aria-invalid=[message.as_ref().map(|_| "true")] aria-describedby=[message.as_ref().map(|_| "email-error")];
            }
            button type="submit" { (p.lost_button) }
        }
    };
    base(lang, uri.path(), p.lost_title, content)
}

pub async fn ask_links(lang: Lang, uri: Uri, csrf: CsrfToken) -> Response {
    let markup = lost_page(lang, &uri, false, None, &csrf);
    (csrf, markup).into_response()
}

pub async fn send_links(
    State(state): State<AppState>,
    client: ClientAddr,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    CsrfForm(form): CsrfForm<LostLink>,
) -> Result<Response, AppError> {
    match people::send_links(&state, client.bucket(), &form.email).await {
        Ok(()) => {
            let markup = lost_page(lang, &uri, true, None, &csrf);
            Ok((csrf, markup).into_response())
        }
        Err(AppError::Validation(errors)) => {
            let markup = lost_page(lang, &uri, false, errors.first(), &csrf);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, csrf, markup).into_response())
        }
        Err(other) => Err(other),
    }
}
