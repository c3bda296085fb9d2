//! CSRF protection for forms: a random token in a cookie and in a hidden
//! field (double submit). Another site can make a browser post a form, but
//! cannot read the cookie to put the same value in the form. Once an
//! organizer is signed in, the token is derived from their session
//! instead (HMAC with the server key), so that it is good for that session
//! only: a token seen in one session cannot be replayed in another, and
//! signing out voids it. Forms posted from another origin (`Origin`, or
//! `Referer` when a browser sends no `Origin`) are refused first.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponseParts, ResponseParts};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;

use crate::error::AppError;
use crate::state::AppState;
use crate::token::Token;

const COOKIE: &str = "csrf";
pub const FIELD: &str = "csrf";

/// The token to put in forms; sets the cookie on the response if it is new.
pub struct CsrfToken {
    value: String,
    fresh: bool,
    /// PUBLIC_URL is https: the cookie is sent over TLS only.
    secure: bool,
}

impl CsrfToken {
    pub fn value(&self) -> &str {
        &self.value
    }
}

impl FromRequestParts<AppState> for CsrfToken {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let secure = state.secure_cookies;
        let jar = CookieJar::from_headers(&parts.headers);
        if let Some(bound) = session_bound(&jar, state) {
            return Ok(Self { value: bound, fresh: false, secure });
        }
        let existing = jar.get(COOKIE).and_then(|c| Token::parse(c.value())).map(|t| t.as_str().to_owned());
        Ok(match existing {
            Some(value) => Self { value, fresh: false, secure },
            None => Self { value: Token::random().as_str().to_owned(), fresh: true, secure },
        })
    }
}

/// The token of forms in a signed-in organizer's session, if there is one.
/// It goes by the session cookie being there, not by the session being
/// valid (no database read): a form from an expired session is refused
/// by the page it posts to, which needs a valid session anyway.
fn session_bound(jar: &CookieJar, state: &AppState) -> Option<String> {
    let session = jar.get(crate::admin::SESSION_COOKIE).and_then(|c| Token::parse(c.value()))?;
    Some(state.keys.session_csrf(&session))
}

impl IntoResponseParts for CsrfToken {
    type Error = std::convert::Infallible;

    fn into_response_parts(self, res: ResponseParts) -> Result<ResponseParts, Self::Error> {
        if !self.fresh {
            return Ok(res);
        }
        let cookie = Cookie::build((COOKIE, self.value))
            .path("/")
            .http_only(true)
            .secure(self.secure)
            .same_site(SameSite::Lax)
            .build();
        CookieJar::new().add(cookie).into_response_parts(res)
    }
}

/// A posted form whose CSRF field matches the cookie: the fields as `T`.
/// Repeated keys (`levels=…&levels=…`) fill a `Vec`. A form without the
/// right token is refused (403, "the form has expired") before anything
/// else is read from it.
pub struct CsrfForm<T>(pub T);

/// The one field every form carries.
#[derive(Deserialize)]
struct CsrfField {
    csrf: Option<String>,
}

/// For forms with nothing but their CSRF field (a button).
#[derive(Debug, Default, Deserialize)]
pub struct NoFields {}

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, AppError> {
        if !same_origin(request.headers(), &state.public_url) {
            return Err(AppError::CrossOrigin);
        }
        let is_form = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(AppError::UnsupportedMediaType);
        }
        let jar = CookieJar::from_headers(request.headers());
        let body = Bytes::from_request(request, state).await.map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge
            } else {
                AppError::BadRequest(rejection.body_text())
            }
        })?;
        let field: CsrfField = serde_html_form::from_bytes(&body).map_err(|e| AppError::BadRequest(e.to_string()))?;
        verify(&jar, state, field.csrf.as_deref())?;
        let fields = serde_html_form::from_bytes(&body).map_err(|e| AppError::BadRequest(e.to_string()))?;
        Ok(Self(fields))
    }
}

/// Whether a form comes from our own pages: its `Origin` (or, without
/// one, its `Referer`) is PUBLIC_URL's origin or the host the request was
/// sent to. Clients that send neither (not browsers) pass: the token
/// still protects them.
fn same_origin(headers: &HeaderMap, public_url: &str) -> bool {
    let origin = headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER));
    let Some(origin) = origin else { return true };
    let Some(origin) = origin.to_str().ok().and_then(|text| url::Url::parse(text).ok()) else { return false };
    if url::Url::parse(public_url).is_ok_and(|ours| ours.origin() == origin.origin()) {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|host| host.to_str().ok());
    let origin_host = origin.host_str().map(|name| match origin.port() {
        Some(port) => format!("{name}:{port}"),
        None => name.to_owned(),
    });
    matches!((host, origin_host), (Some(host), Some(origin_host)) if host.eq_ignore_ascii_case(&origin_host))
}

/// Checks a submitted form's token against the session's, or the cookie.
fn verify(jar: &CookieJar, state: &AppState, submitted: Option<&str>) -> Result<(), AppError> {
    let bound = session_bound(jar, state);
    let expected = match &bound {
        Some(bound) => Some(bound.as_bytes()),
        None => jar.get(COOKIE).map(|c| c.value().as_bytes()),
    };
    match (expected, submitted) {
        (Some(expected), Some(submitted))
            if !expected.is_empty() && bool::from(expected.ct_eq(submitted.as_bytes())) =>
        {
            Ok(())
        }
        _ => Err(AppError::FormExpired),
    }
}
