//! An organizer's own settings: which emails they want, their API tokens
//! (made, listed, revoked) and their password.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

use super::{Signed, page, password_field, session_hash};
use crate::domain::{ApiTokenInfo, FieldError, Lang, Organizer};
use crate::error::AppError;
use crate::operations::account_lifecycle::{self as lifecycle, PasswordChange};
use crate::operations::accounts;
use crate::state::AppState;
use crate::web::csrf::{self, CsrfForm, CsrfToken};

/// What the page says at the top, after an action.
enum Notice {
    Saved,
    TokenCreated(String),
    TokenRevoked,
    PasswordChanged,
    /// The password form's errors.
    Password(Vec<FieldError>),
}

struct View<'a> {
    lang: Lang,
    uri: &'a Uri,
    csrf: CsrfToken,
    notice: Option<Notice>,
}

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    Signed(organizer): Signed,
) -> Result<Response, AppError> {
    render(&state, View { lang, uri: &uri, csrf, notice: None }, &organizer, StatusCode::OK).await
}

async fn render(
    state: &AppState,
    view: View<'_>,
    organizer: &Organizer,
    status: StatusCode,
) -> Result<Response, AppError> {
    let actor = super::Signed(organizer.clone()).actor();
    let tokens = lifecycle::api_tokens(state, &actor, organizer.id).await?;
    let View { lang, uri, csrf, notice } = view;
    let a = lang.texts().admin();
    let k = lang.accounts();
    let password_errors = match &notice {
        Some(Notice::Password(errors)) => errors.as_slice(),
        _ => &[],
    };
    let content = html! {
        h1 { (a.settings) }
        @match &notice {
            Some(Notice::Saved) => p.notice.success role="status" { (a.settings_saved) },
            Some(Notice::TokenCreated(secret)) => div.notice.success role="status" {
                p { (k.token_created) }
                p { code #new-token { (secret) } }
            },
            Some(Notice::TokenRevoked) => p.notice.success role="status" { (k.revoked) },
            Some(Notice::PasswordChanged) => p.notice.success role="status" { (k.password_changed) },
            _ => {},
        }
        form method="post" action="/admin/settings" {
            input type="hidden" name=(csrf::FIELD) value=(csrf.value());
            div.field.checkbox {
                input #on_cancel type="checkbox" name="on_cancel" value="yes" checked[organizer.notify_on_cancel];
                label for="on_cancel" { (a.notify_on_cancel) }
            }
            div.field.checkbox {
                input #when_full type="checkbox" name="when_full" value="yes" checked[organizer.notify_when_full];
                label for="when_full" { (a.notify_when_full) }
            }
            button type="submit" { (a.save) }
        }
        (tokens_section(lang, &csrf, &tokens, state.clock.now()))
        (password_section(lang, &csrf, password_errors))
    };
    let markup = page(lang, uri.path(), a.settings, organizer, &csrf, content);
    Ok((status, csrf, markup).into_response())
}

fn tokens_section(lang: Lang, csrf: &CsrfToken, tokens: &[ApiTokenInfo], now: chrono::DateTime<chrono::Utc>) -> Markup {
    let t = lang.texts();
    let k = lang.accounts();
    let when = |at: Option<chrono::DateTime<chrono::Utc>>| at.map(|at| t.date_time(at)).unwrap_or(k.never.into());
    html! {
        h2 #tokens { (k.tokens_title) }
        p.hint { (k.tokens_hint) }
        @if tokens.is_empty() { p { (k.no_tokens) } } @else {
            div.table-scroll { table.tokens {
                thead { tr {
                    th { (k.token_label) } th { (k.token_prefix) } th { (k.token_created_at) }
                    th { (k.token_last_used) } th { (k.token_expires) } th { (k.token_status) } th {}
                } }
                tbody { @for token in tokens {
                    @let status = token.status(now);
                    tr {
                        td { (token.label) } td { code { (token.prefix) "…" } } td { (t.date_time(token.created_at)) }
                        td { (when(token.last_used_at)) } td { (when(token.expires_at)) } td { (k.status(status)) }
                        td { @if status == crate::domain::TokenStatus::Active {
                            form method="post" action=(format!("/admin/tokens/{}/revoke", token.id)) {
                                input type="hidden" name=(csrf::FIELD) value=(csrf.value());
                                button.secondary type="submit" { (k.revoke) }
                            }
                        } }
                    }
                } }
            } }
        }
        h3 { (k.new_token) }
        form method="post" action="/admin/tokens" {
            input type="hidden" name=(csrf::FIELD) value=(csrf.value());
            div.field { label for="label" { (k.token_label) } input #label name="label" type="text" maxlength="100"; }
            div.field {
                label for="expires_in_days" { (k.expires_in_days) }
                p.hint #expires-hint { (k.expires_hint) }
                input #expires_in_days name="expires_in_days" type="number" min="1" max=(lifecycle::MAX_TOKEN_DAYS)
                    aria-describedby="expires-hint";
            }
            button type="submit" { (k.create_token) }
        }
    }
}

fn password_section(lang: Lang, csrf: &CsrfToken, errors: &[FieldError]) -> Markup {
    let k = lang.accounts();
    let fields = [
        ("current_password", k.current_password, "current-password"),
        ("new_password", k.new_password, "new-password"),
        ("new_password_again", k.new_password_again, "new-password"),
    ];
    html! {
        h2 #password { (k.password_title) }
        form method="post" action="/admin/password" {
            input type="hidden" name=(csrf::FIELD) value=(csrf.value());
            @for field in fields { (password_field(lang, field, errors, false)) }
            button type="submit" { (k.change_password) }
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct Preferences {
    on_cancel: Option<String>,
    when_full: Option<String>,
}

pub async fn save(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    Signed(organizer): Signed,
    CsrfForm(form): CsrfForm<Preferences>,
) -> Result<Response, AppError> {
    let organizer =
        accounts::set_notifications(&state, organizer, form.on_cancel.is_some(), form.when_full.is_some()).await?;
    render(&state, View { lang, uri: &uri, csrf, notice: Some(Notice::Saved) }, &organizer, StatusCode::OK).await
}

#[derive(Debug, Deserialize)]
pub struct NewToken {
    #[serde(default)]
    label: String,
    /// Empty: no expiry.
    #[serde(default)]
    expires_in_days: String,
}

/// Makes a token for the signed-in organizer and shows it, once.
pub async fn create_token(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    signed: Signed,
    CsrfForm(form): CsrfForm<NewToken>,
) -> Result<Response, AppError> {
    let days = match form.expires_in_days.trim() {
        "" => None,
        days => Some(days.parse::<i64>().map_err(|_| {
            AppError::Validation(vec![FieldError::new("expires_in_days", crate::domain::FieldErrorKind::NotANumber)])
        })?),
    };
    let organizer = signed.0.clone();
    let token = lifecycle::create_api_token(&state, &signed.actor(), &organizer, &form.label, days).await?;
    let notice = Some(Notice::TokenCreated(token.as_str().to_owned()));
    render(&state, View { lang, uri: &uri, csrf, notice }, &organizer, StatusCode::CREATED).await
}

pub async fn revoke_token(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    signed: Signed,
    Path(id): Path<Uuid>,
    CsrfForm(crate::web::csrf::NoFields {}): CsrfForm<crate::web::csrf::NoFields>,
) -> Result<Response, AppError> {
    let organizer = signed.0.clone();
    lifecycle::revoke_api_token(&state, &signed.actor(), id).await?;
    render(&state, View { lang, uri: &uri, csrf, notice: Some(Notice::TokenRevoked) }, &organizer, StatusCode::OK).await
}

/// The organizer changes their own password; the session they use stays.
pub async fn change_password(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    jar: CookieJar,
    Signed(organizer): Signed,
    CsrfForm(form): CsrfForm<PasswordChange>,
) -> Result<Response, AppError> {
    let (notice, status) = match lifecycle::change_own_password(&state, &organizer, session_hash(&jar), &form).await {
        Ok(()) => (Notice::PasswordChanged, StatusCode::OK),
        Err(AppError::Validation(errors)) => (Notice::Password(errors), StatusCode::UNPROCESSABLE_ENTITY),
        Err(other) => return Err(other),
    };
    render(&state, View { lang, uri: &uri, csrf, notice: Some(notice) }, &organizer, status).await
}
