//! Who is calling the organizer API: `Authorization: Bearer <token>`.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

use crate::app::AppState;
use crate::domain::Organizer;
use crate::error::AppError;
use crate::token::Token;

/// The organizer behind a valid API token; 401 otherwise.
pub struct ApiOrganizer(pub Organizer);

impl FromRequestParts<AppState> for ApiOrganizer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .and_then(|raw| Token::parse(raw.trim()))
            .ok_or(AppError::Unauthorized)?;
        let organizer = state.store.organizer_by_api_token(&token.hash()).await?.ok_or(AppError::Unauthorized)?;
        Ok(Self(organizer))
    }
}
