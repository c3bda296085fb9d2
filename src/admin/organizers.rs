//! Organizer accounts, for admins; and who runs an event, for its organizers.

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use chrono::Utc;
use maud::html;
use serde::Deserialize;

use super::{Signed, page};
use crate::accounts::{AccountError, add_organizer};
use crate::app::AppState;
use crate::domain::{Email, Organizer, Role};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::organizing::managed_event;
use crate::web::csrf::{self, CsrfToken};

fn admin_only(organizer: &Organizer) -> Result<(), AppError> {
    if organizer.role == Role::Admin { Ok(()) } else { Err(AppError::Forbidden) }
}

pub async fn list(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    Signed(organizer): Signed,
) -> Result<Response, AppError> {
    admin_only(&organizer)?;
    render(&state, lang, &uri, csrf, &organizer, None, StatusCode::OK).await
}

async fn render(
    state: &AppState,
    lang: Lang,
    uri: &Uri,
    csrf: CsrfToken,
    organizer: &Organizer,
    notice: Option<(String, bool)>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let organizers = state.store.organizers().await?;
    let history = state.store.recent_audit().await?;
    let t = lang.texts();
    let a = t.admin();
    let content = html! {
        h1 { (a.organizers) }
        @if let Some((message, ok)) = &notice {
            p.notice.success[*ok].error[!*ok] role="status" { (message) }
        }
        ul {
            @for o in &organizers {
                li { (o.email) @if !o.name.is_empty() { " — " (o.name) } " (" (o.role.code()) ")" }
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
        ul.history {
            @for (at, who, what, detail) in &history {
                li {
                    (at.with_timezone(&chrono_tz::Europe::Paris).format("%d/%m/%Y %H:%M")) " — " (who) " — " (what)
                    @if !detail.is_empty() { " (" (detail) ")" }
                }
            }
        }
    };
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
    csrf: Option<String>,
}

pub async fn create(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    jar: CookieJar,
    csrf: CsrfToken,
    Signed(organizer): Signed,
    form: Result<Form<NewOrganizer>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    csrf::verify(&jar, form.csrf.as_deref())?;
    admin_only(&organizer)?;
    let t = lang.texts();
    let a = t.admin();
    let role = if form.admin.is_some() { Role::Admin } else { Role::Organizer };
    let (notice, status) = match add_organizer(&*state.store, &form.email, &form.name, &form.password, role).await {
        Ok(added) => {
            let detail = format!("{} ({})", added.email, role.code());
            if let Err(error) = state.store.audit(organizer.id, None, "organizer added", &detail, Utc::now()).await {
                tracing::error!(%error, "could not write the audit log");
            }
            ((a.organizer_added.to_owned(), true), StatusCode::OK)
        }
        Err(AccountError::AlreadyExists) => ((a.organizer_exists.to_owned(), false), StatusCode::CONFLICT),
        Err(AccountError::WeakPassword) => ((a.password_too_short.to_owned(), false), StatusCode::UNPROCESSABLE_ENTITY),
        Err(AccountError::InvalidEmail) => {
            ((t.field_error(crate::domain::FieldErrorKind::InvalidEmail), false), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(other) => return Err(AppError::Internal(other.into())),
    };
    render(&state, lang, &uri, csrf, &organizer, Some(notice), status).await
}

#[derive(Debug, Deserialize)]
pub struct CoOrganizer {
    #[serde(default)]
    email: String,
    csrf: Option<String>,
}

/// Lets another existing organizer manage this event.
pub async fn add_to_event(
    State(state): State<AppState>,
    jar: CookieJar,
    Signed(organizer): Signed,
    Path(id): Path<String>,
    form: Result<Form<CoOrganizer>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    csrf::verify(&jar, form.csrf.as_deref())?;
    let event = managed_event(&state, &organizer, &id).await?;
    let other = match Email::parse(&form.email) {
        Ok(email) => state.store.organizer_by_email(&email).await?.map(|(o, _)| o),
        Err(_) => None,
    };
    let Some(other) = other else {
        return Err(AppError::Validation(vec![crate::domain::FieldError::new(
            "email",
            crate::domain::FieldErrorKind::UnknownChoice,
        )]));
    };
    state.store.add_event_organizer(event.id, other.id).await?;
    if let Err(error) =
        state.store.audit(organizer.id, Some(event.id), "co-organizer added", &other.email, Utc::now()).await
    {
        tracing::error!(%error, "could not write the audit log");
    }
    Ok(Redirect::to(&format!("/admin/events/{}", event.id)).into_response())
}
