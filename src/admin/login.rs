//! Signing in and out. Sessions live in the database (any instance can
//! serve any request); failed attempts are counted there too.

use std::net::SocketAddr;
use std::sync::LazyLock;

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use chrono::{Duration, Utc};
use maud::{Markup, html};
use serde::Deserialize;

use super::{SESSION_COOKIE, Signed};
use crate::accounts::verify_password;
use crate::app::AppState;
use crate::domain::Email;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::token::Token;
use crate::web::csrf::{self, CsrfToken};
use crate::web::layout::base;

const SESSION_LENGTH: Duration = Duration::hours(12);
const FAILURE_WINDOW: Duration = Duration::minutes(15);
/// Per address tried, and per client (one client trying many addresses).
const MAX_FAILURES_PER_EMAIL: i64 = 5;
const MAX_FAILURES_PER_CLIENT: i64 = 20;

#[derive(Debug, Default, Deserialize)]
pub struct Credentials {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    csrf: Option<String>,
}

pub async fn show(lang: Lang, uri: Uri, csrf: CsrfToken, signed: Result<Signed, AppError>) -> Response {
    if signed.is_ok() {
        return Redirect::to("/admin").into_response();
    }
    let page = form(lang, uri.path(), &csrf, "", None);
    (csrf, page).into_response()
}

fn form(lang: Lang, path: &str, csrf: &CsrfToken, email: &str, error: Option<&str>) -> Markup {
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
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    jar: CookieJar,
    csrf: CsrfToken,
    credentials: Result<Form<Credentials>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(credentials) = credentials?;
    csrf::verify(&jar, credentials.csrf.as_deref())?;
    let now = Utc::now();
    let email = credentials.email.trim().to_lowercase();
    let client = client.ip().to_string();
    // Each attempt counts before its password is checked: attempts sent all
    // at once cannot slip past the limit while others are being hashed.
    state.store.record_login_failure(&email, &client, now).await?;
    let (by_email, by_client) = state.store.login_failures(&email, &client, now - FAILURE_WINDOW).await?;
    if by_email > MAX_FAILURES_PER_EMAIL || by_client > MAX_FAILURES_PER_CLIENT {
        tracing::warn!(%client, "sign-in refused: too many failures");
        return Err(AppError::TooManyAttempts);
    }

    let account = match Email::parse(&email) {
        Ok(parsed) => state.store.organizer_by_email(&parsed).await?,
        Err(_) => None,
    };
    // Hashing runs even for unknown addresses, so that timing does not tell
    // which addresses have an account.
    let hash = account.as_ref().map(|(_, hash)| hash.clone()).unwrap_or_else(|| DUMMY_HASH.clone());
    let password = credentials.password.clone();
    let valid = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let organizer = match account {
        Some((organizer, _)) if valid => organizer,
        _ => {
            let page = form(lang, uri.path(), &csrf, &email, Some(lang.texts().admin().bad_credentials));
            return Ok((StatusCode::UNAUTHORIZED, csrf, page).into_response());
        }
    };

    let token = Token::random();
    state.store.create_session(&token.hash(), organizer.id, now + SESSION_LENGTH, now).await?;
    // The attempt succeeded: it and this address's failures are forgotten.
    state.store.forget_login_failures(&email, now - FAILURE_WINDOW).await?;
    tracing::info!(organizer = %organizer.id, "signed in");
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let cookie = format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        token.as_str(),
        SESSION_LENGTH.num_seconds()
    );
    let mut response = Redirect::to("/admin").into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, HeaderValue::from_str(&cookie).map_err(|e| AppError::Internal(e.into()))?);
    Ok(response)
}

#[derive(Debug, Deserialize)]
pub struct SignOut {
    csrf: Option<String>,
}

pub async fn sign_out(
    State(state): State<AppState>,
    jar: CookieJar,
    form: Result<Form<SignOut>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    csrf::verify(&jar, form.csrf.as_deref())?;
    if let Some(token) = jar.get(SESSION_COOKIE).and_then(|c| Token::parse(c.value())) {
        state.store.delete_session(&token.hash()).await?;
    }
    let mut response = Redirect::to("/admin/login").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_static("atelier_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    Ok(response)
}

/// A hash of a random password nobody knows, made once.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| crate::accounts::hash_password(Token::random().as_str()).unwrap_or_default());
