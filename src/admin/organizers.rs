//! Organizer accounts, for admins; and who runs an event, for its organizers.

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;

use super::{Managed, Signed, event_path, history, page};
use crate::domain::{FieldErrorKind, Lang, Role};
use crate::error::AppError;
use crate::operations::accounts::{self, AccountError};
use crate::operations::{Actor, events, queries};
use crate::state::AppState;
use crate::web::csrf::{self, CsrfForm, CsrfToken};

/// Who is looking, and what the page says at the top.
struct View<'a> {
    lang: Lang,
    uri: &'a Uri,
    csrf: CsrfToken,
    /// A message about the last action, and whether it went well.
    notice: Option<(String, bool)>,
}

pub async fn list(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    signed: Signed,
) -> Result<Response, AppError> {
    render(&state, View { lang, uri: &uri, csrf, notice: None }, signed.actor(), StatusCode::OK).await
}

async fn render(state: &AppState, view: View<'_>, actor: Actor, status: StatusCode) -> Result<Response, AppError> {
    let (organizers, recent) = queries::accounts(state, &actor).await?;
    let View { lang, uri, csrf, notice } = view;
    let t = lang.texts();
    let a = t.admin();
    let content = html! {
        h1 { (a.organizers) }
        @if let Some((message, ok)) = &notice {
            p.notice.success[*ok].error[!*ok] role="status" { (message) }
        }
        ul {
            @for o in &organizers {
                li { (o.email) @if !o.name.is_empty() { " — " (o.name) } " (" (a.role(o.role)) ")" }
            }
        }
        h2 { (a.add_organizer) }
        form method="post" action="/admin/organizers" {
            input type="hidden" name=(csrf::FIELD) value=(csrf.value());
            div.field { label for="email" { (t.email_label) } input #email name="email" type="email" required; }
            div.field { label for="name" { (a.name_label) } input #name name="name" type="text"; }
            div.field {
                label for="password" { (a.password_label) }
                p.hint { (a.password_too_short) }
                input #password name="password" type="password" required minlength="12" autocomplete="new-password";
            }
            div.field.checkbox {
                input #admin type="checkbox" name="admin" value="yes";
                label for="admin" { (a.admin_role) }
            }
            button type="submit" { (a.add_organizer) }
        }
        h2 { (a.history) }
        (history(lang, &recent, true))
    };
    let Some(organizer) = actor.organizer() else { return Err(AppError::Forbidden) };
    let markup = page(lang, uri.path(), a.organizers, organizer, &csrf, content);
    Ok((status, csrf, markup).into_response())
}

#[derive(Debug, Deserialize)]
pub struct NewOrganizer {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    admin: Option<String>,
}

pub async fn create(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    signed: Signed,
    CsrfForm(form): CsrfForm<NewOrganizer>,
) -> Result<Response, AppError> {
    let actor = signed.actor();
    // Admins only, before anything is created.
    queries::accounts(&state, &actor).await?;
    let t = lang.texts();
    let a = t.admin();
    let role = if form.admin.is_some() { Role::Admin } else { Role::Organizer };
    let (notice, status) = match accounts::add_organizer(&state, &actor, &form.email, &form.name, &form.password, role)
        .await
    {
        Ok(_) => ((a.organizer_added.to_owned(), true), StatusCode::OK),
        Err(AccountError::AlreadyExists) => ((a.organizer_exists.to_owned(), false), StatusCode::CONFLICT),
        Err(AccountError::WeakPassword) => ((a.password_too_short.to_owned(), false), StatusCode::UNPROCESSABLE_ENTITY),
        Err(AccountError::InvalidEmail) => {
            ((t.field_error(FieldErrorKind::InvalidEmail), false), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(AccountError::Store(error)) => return Err(error.into()),
        Err(other) => return Err(AppError::Internal(other.into())),
    };
    render(&state, View { lang, uri: &uri, csrf, notice: Some(notice) }, actor, status).await
}

#[derive(Debug, Deserialize)]
pub struct CoOrganizer {
    #[serde(default)]
    email: String,
}

/// Lets another existing organizer manage this event.
pub async fn add_to_event(
    State(state): State<AppState>,
    Managed(managed, _): Managed,
    CsrfForm(form): CsrfForm<CoOrganizer>,
) -> Result<Redirect, AppError> {
    events::add_organizer(&state, &managed, &form.email).await?;
    Ok(Redirect::to(&event_path(&managed, "")))
}
