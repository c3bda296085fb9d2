//! The page of a one-time password-reset link: choose a new password,
//! without being signed in. The link's secret is in the path, so the page
//! is never cached and sends no referrer (the security headers).

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;

use super::password_field;
use crate::domain::{FieldError, Lang};
use crate::error::AppError;
use crate::operations::account_lifecycle;
use crate::state::AppState;
use crate::web::csrf::{self, CsrfForm, CsrfToken};
use crate::web::layout::base;

#[derive(Debug, Default, Deserialize)]
pub struct NewPassword {
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password_again: String,
}

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    account_lifecycle::check_reset_link(&state, &token).await?;
    let page = reset_form(lang, &uri, &csrf, &[]);
    Ok((csrf, page).into_response())
}

fn reset_form(lang: Lang, uri: &Uri, csrf: &CsrfToken, errors: &[FieldError]) -> maud::Markup {
    let k = lang.accounts();
    let fields = [
        ("new_password", k.new_password, "new-password"),
        ("new_password_again", k.new_password_again, "new-password"),
    ];
    base(
        lang,
        uri.path(),
        k.reset_title,
        html! {
            h1 { (k.reset_title) }
            p { (k.reset_intro) }
            form method="post" action=(uri.path()) {
                input type="hidden" name=(csrf::FIELD) value=(csrf.value());
                @for field in fields { (password_field(lang, field, errors, true)) }
                button type="submit" { (k.reset_button) }
            }
        },
    )
}

pub async fn save(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    Path(token): Path<String>,
    CsrfForm(form): CsrfForm<NewPassword>,
) -> Result<Response, AppError> {
    let k = lang.accounts();
    match account_lifecycle::reset_password(&state, &token, &form.new_password, &form.new_password_again).await {
        Ok(()) => {
            let page = html! { h1 { (k.reset_title) } p.notice.success role="status" { (k.reset_done) }
            p { a.button href="/admin/login" { (lang.texts().admin().sign_in_button) } } };
            Ok((csrf, base(lang, uri.path(), k.reset_title, page)).into_response())
        }
        Err(AppError::Validation(errors)) => {
            let page = reset_form(lang, &uri, &csrf, &errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, csrf, page).into_response())
        }
        Err(other) => Err(other),
    }
}
