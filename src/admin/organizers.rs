//! Organizer accounts, for admins; and who runs an event, for its organizers.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use uuid::Uuid;

use super::{Managed, Signed, event_path, history, page};
use crate::domain::{AccountUpdate, FieldErrorKind, Lang, Organizer, Role};
use crate::error::AppError;
use crate::operations::accounts::{self, AccountError};
use crate::operations::{Actor, account_lifecycle, events, queries};
use crate::state::AppState;
use crate::web::csrf::{self, CsrfForm, CsrfToken, NoFields};

/// Who is looking, and what the page says at the top.
struct View<'a> {
    lang: Lang,
    uri: &'a Uri,
    csrf: CsrfToken,
    /// A message about the last action, and whether it went well.
    notice: Option<(String, bool)>,
    /// A password-reset link just made, to hand over.
    reset_link: Option<String>,
}

/// What an admin can do to an account: (the action's path, its button).
fn account_actions(lang: Lang, organizer: &Organizer) -> Vec<(&'static str, &'static str)> {
    let k = lang.accounts();
    if organizer.disabled_at.is_some() {
        return vec![("enable", k.enable)];
    }
    let role = match organizer.role {
        Role::Admin => ("make-organizer", k.make_organizer),
        Role::Organizer => ("make-admin", k.make_admin),
    };
    vec![("disable", k.disable), role, ("reset-link", k.send_reset_link)]
}

pub async fn list(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    signed: Signed,
) -> Result<Response, AppError> {
    render(&state, View { lang, uri: &uri, csrf, notice: None, reset_link: None }, signed.actor(), StatusCode::OK).await
}

async fn render(state: &AppState, view: View<'_>, actor: Actor, status: StatusCode) -> Result<Response, AppError> {
    let (organizers, recent) = queries::accounts(state, &actor).await?;
    let View { lang, uri, csrf, notice, reset_link } = view;
    let t = lang.texts();
    let a = t.admin();
    let k = lang.accounts();
    let content = html! {
        h1 { (a.organizers) }
        @if let Some((message, ok)) = &notice {
            p.notice.success[*ok].error[!*ok] role="status" { (message) }
        }
        @if let Some(link) = &reset_link {
            div.notice.success role="status" { p { (k.reset_link_created) } p { code #reset-link { (link) } } }
        }
        ul.accounts {
            @for o in &organizers {
                li {
                    (o.email) @if !o.name.is_empty() { " — " (o.name) } " (" (a.role(o.role)) ", "
                    (if o.disabled_at.is_some() { k.account_disabled } else { k.account_active }) ")"
                    @let base = format!("/admin/organizers/{}", o.id);
                    @let actions = account_actions(lang, o);
                    @for (action, label) in actions {
                        form.inline method="post" action={ (base) "/" (action) } {
                            input type="hidden" name=(csrf::FIELD) value=(csrf.value());
                            button.secondary type="submit" aria-label={ (label) " — " (o.email) } { (label) }
                        }
                    }
                }
            }
        }
        h2 { (a.add_organizer) }
        form method="post" action="/admin/organizers" {
            input type="hidden" name=(csrf::FIELD) value=(csrf.value());
            div.field { label for="email" { (t.email_label) } input #email name="email" type="email" required; }
            div.field { label for="name" { (a.name_label) } input #name name="name" type="text"; }
            div.field {
                label for="password" { (a.password_label) }
                p.hint #password-hint { (a.password_too_short) }
                input #password name="password" type="password" required minlength="12" autocomplete="new-password"
                    aria-describedby="password-hint";
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
        Err(AccountError::InvalidName(error)) => ((t.field_error(error.kind), false), StatusCode::UNPROCESSABLE_ENTITY),
        Err(AccountError::InvalidEmail) => {
            ((t.field_error(FieldErrorKind::InvalidEmail), false), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(AccountError::Store(error)) => return Err(error.into()),
        Err(other) => return Err(AppError::Internal(other.into())),
    };
    render(&state, View { lang, uri: &uri, csrf, notice: Some(notice), reset_link: None }, actor, status).await
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
    // Back to the event's team either way, saying what happened: an
    // address with no account is not a dead end but a next step.
    let done = match events::add_organizer(&state, &managed, &form.email).await {
        Ok(()) => "co_organizer_added",
        Err(AppError::Validation(_)) => "co_organizer_unknown",
        Err(error) => return Err(error),
    };
    Ok(Redirect::to(&event_path(&managed, &format!("?done={done}#team"))))
}

/// An admin's action on an account, named by the last part of its path.
pub async fn update(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    signed: Signed,
    Path((id, action)): Path<(Uuid, String)>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let actor = signed.actor();
    let update = match action.as_str() {
        "disable" => AccountUpdate::Disabled(true),
        "enable" => AccountUpdate::Disabled(false),
        "make-admin" => AccountUpdate::Role(Role::Admin),
        "make-organizer" => AccountUpdate::Role(Role::Organizer),
        "reset-link" => {
            let link = account_lifecycle::create_reset_link(&state, &actor, id).await?;
            let view = View { lang, uri: &uri, csrf, notice: None, reset_link: Some(link) };
            return render(&state, view, actor, StatusCode::OK).await;
        }
        _ => return Err(AppError::PageNotFound),
    };
    let (notice, status) = match account_lifecycle::update_account(&state, &actor, id, update).await {
        Ok(_) => ((lang.accounts().account_updated.to_owned(), true), StatusCode::OK),
        Err(error @ AppError::LastAdmin) => ((error.message(lang.texts()), false), StatusCode::CONFLICT),
        Err(other) => return Err(other),
    };
    render(&state, View { lang, uri: &uri, csrf, notice: Some(notice), reset_link: None }, actor, status).await
}

/// Takes a co-organizer off this event.
pub async fn remove_from_event(
    State(state): State<AppState>,
    Managed(managed, _): Managed,
    Path((_, organizer)): Path<(String, Uuid)>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Redirect, AppError> {
    account_lifecycle::remove_co_organizer(&state, &managed, organizer).await?;
    Ok(Redirect::to(&event_path(&managed, "")))
}
