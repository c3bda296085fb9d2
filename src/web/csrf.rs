//! CSRF protection for forms: a random token in a cookie and in a hidden
//! field (double submit). Another site can make a browser post a form, but
//! cannot read the cookie to put the same value in the form.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
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
        let existing = CookieJar::from_headers(&parts.headers)
            .get(COOKIE)
            .and_then(|c| Token::parse(c.value()))
            .map(|t| t.as_str().to_owned());
        Ok(match existing {
            Some(value) => Self { value, fresh: false, secure },
            None => Self { value: Token::random().as_str().to_owned(), fresh: true, secure },
        })
    }
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

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
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
        verify(&jar, field.csrf.as_deref())?;
        let fields = serde_html_form::from_bytes(&body).map_err(|e| AppError::BadRequest(e.to_string()))?;
        Ok(Self(fields))
    }
}

/// Checks a submitted form's token against the cookie.
fn verify(jar: &CookieJar, submitted: Option<&str>) -> Result<(), AppError> {
    let expected = jar.get(COOKIE).map(|c| c.value().as_bytes());
    match (expected, submitted) {
        (Some(expected), Some(submitted))
            if !expected.is_empty() && bool::from(expected.ct_eq(submitted.as_bytes())) =>
        {
            Ok(())
        }
        _ => Err(AppError::FormExpired),
    }
}
