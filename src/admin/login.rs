//! Signing in and out. Sessions live in the database (any instance can
//! serve any request); failed attempts are counted there too.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use maud::{Markup, html};
use serde::Deserialize;

use super::{SESSION_COOKIE, Signed};
use crate::client::ClientAddr;
use crate::domain::Lang;
use crate::error::AppError;
use crate::operations::accounts::{self, SESSION_LENGTH, SignIn};
use crate::state::AppState;
use crate::token::Token;
use crate::web::csrf::{self, CsrfForm, CsrfToken, NoFields};
use crate::web::layout::base;

#[derive(Debug, Default, Deserialize)]
pub struct Credentials {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    /// The page asked for before signing in.
    #[serde(default)]
    next: String,
}

/// Where the sign-in page was asked to lead (`?next=`).
#[derive(Debug, Default, Deserialize)]
pub struct Next {
    #[serde(default)]
    next: String,
}

/// Where to go after signing in: `next` if it is a path on this site,
/// the back-office otherwise. `//host` and `/\host` are other sites to
/// a browser, and so is anything with a scheme.
fn destination(next: &str) -> &str {
    let on_this_site = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control() || c == '\\');
    if on_this_site { next } else { "/admin" }
}

pub async fn show(
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    next: Result<Query<Next>, QueryRejection>,
    signed: Result<Signed, AppError>,
) -> Response {
    let next = next.map(|Query(next)| next.next).unwrap_or_default();
    if signed.is_ok() {
        return Redirect::to(destination(&next)).into_response();
    }
    let page = form(lang, uri.path(), &csrf, "", &next, None);
    (csrf, page).into_response()
}

fn form(lang: Lang, path: &str, csrf: &CsrfToken, email: &str, next: &str, error: Option<&str>) -> Markup {
    let t = lang.texts();
    let a = t.admin();
    base(
        lang,
        path,
        a.sign_in_title,
        html! {
            h1 { (a.sign_in_title) }
            @if let Some(error) = error { p.notice.error role="alert" { (error) } }
            form method="post" action="/admin/login" {
                input type="hidden" name=(csrf::FIELD) value=(csrf.value());
                @if destination(next) != "/admin" { input type="hidden" name="next" value=(next); }
                div.field {
                    label for="email" { (t.email_label) }
                    input #email name="email" type="email" value=(email) required autocomplete="username";
                }
                div.field {
                    label for="password" { (a.password_label) }
                    input #password name="password" type="password" required autocomplete="current-password";
                }
                button type="submit" { (a.sign_in_button) }
            }
        },
    )
}

pub async fn sign_in(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    client: ClientAddr,
    csrf: CsrfToken,
    CsrfForm(credentials): CsrfForm<Credentials>,
) -> Result<Response, AppError> {
    let client = client.bucket().to_string();
    let token = match accounts::sign_in(&state, &credentials.email, &credentials.password, &client).await? {
        SignIn::Signed(token) => token,
        SignIn::BadCredentials => {
            let message = Some(lang.texts().admin().bad_credentials);
            let page = form(lang, uri.path(), &csrf, credentials.email.trim(), &credentials.next, message);
            return Ok((StatusCode::UNAUTHORIZED, csrf, page).into_response());
        }
    };
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let cookie = format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        token.as_str(),
        SESSION_LENGTH.num_seconds()
    );
    let mut response = Redirect::to(destination(&credentials.next)).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, HeaderValue::from_str(&cookie).map_err(|e| AppError::Internal(e.into()))?);
    Ok(response)
}

pub async fn sign_out(
    State(state): State<AppState>,
    jar: CookieJar,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    if let Some(token) = jar.get(SESSION_COOKIE).and_then(|c| Token::parse(c.value())) {
        accounts::sign_out(&state, &token.hash()).await?;
    }
    let mut response = Redirect::to("/admin/login").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_static("atelier_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    Ok(response)
}
