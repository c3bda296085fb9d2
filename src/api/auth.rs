//! Who is calling the organizer API: `Authorization: Bearer <token>`.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

use crate::domain::{Organizer, Via};
use crate::error::{AppError, ErrorBody};
use crate::operations::{Actor, ManagedEvent, account_lifecycle, queries};
use crate::state::AppState;
use crate::token::Token;

/// The organizer behind a valid API token; 401 otherwise.
pub struct ApiOrganizer(pub Organizer);

impl ApiOrganizer {
    pub fn actor(self) -> Actor {
        Actor::Organizer { organizer: self.0, via: Via::Api }
    }
}

impl FromRequestParts<AppState> for ApiOrganizer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(bearer)
            .and_then(Token::parse)
            .ok_or(AppError::Unauthorized)?;
        let organizer = account_lifecycle::api_caller(state, &token.hash()).await?.ok_or(AppError::Unauthorized)?;
        Ok(Self(organizer))
    }
}

/// The credentials of `Authorization: Bearer <token>`; the scheme's name
/// is case-insensitive (RFC 9110, 11.1), so `bearer` and `BEARER` do too.
pub fn bearer(header: &str) -> Option<&str> {
    let (scheme, credentials) = header.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| credentials.trim())
}

/// The event of the path's `{id}` (uuid or slug), if the caller manages it:
/// 401 without a valid token, 404 without such an event, 403 for another
/// organizer's.
pub struct ApiManaged(pub ManagedEvent);

impl FromRequestParts<AppState> for ApiManaged {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let caller = ApiOrganizer::from_request_parts(parts, state).await?;
        let key = crate::web::event_key(parts, state).await?;
        Ok(Self(queries::managed_event(state, caller.actor(), &key).await?))
    }
}

/// How every endpoint on an organizer's event can refuse, for the OpenAPI
/// document.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum EventRefusals {
    /// Missing or unknown API token
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// Another organizer's event
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// No such event
    #[response(status = 404)]
    NotFound(ErrorBody),
}
