//! Accounts through the API: the caller's tokens, and for admins every
//! organizer's account (disable, enable, role, a password-reset link); an
//! event's organizers can take a co-organizer off it.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::auth::{ApiManaged, ApiOrganizer, EventRefusals};
use super::{BodyRefusals, Json};
use crate::domain::{AccountUpdate, ApiTokenInfo, FieldError, FieldErrorKind, Organizer, Role};
use crate::error::{AppError, ErrorBody};
use crate::operations::account_lifecycle as lifecycle;
use crate::state::AppState;

/// An API token, without its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenJson {
    pub id: Uuid,
    pub label: String,
    /// The first characters of the secret (empty for tokens made before
    /// prefixes were kept).
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    /// To the minute.
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    #[schema(value_type = String, example = "active")]
    /// `active`, `expired` or `revoked`.
    pub status: &'static str,
}

impl TokenJson {
    fn new(token: ApiTokenInfo, now: DateTime<Utc>) -> Self {
        let status = token.status(now).code();
        Self {
            id: token.id,
            label: token.label,
            prefix: token.prefix,
            created_at: token.created_at,
            last_used_at: token.last_used_at,
            expires_at: token.expires_at,
            revoked_at: token.revoked_at,
            status,
        }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct NewTokenJson {
    #[serde(default)]
    pub label: String,
    /// Days until the token stops working (1 to 3650); absent, it lasts
    /// until revoked.
    pub expires_in_days: Option<i64>,
}

/// A new token: the secret, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenCreated {
    pub token: String,
    pub label: String,
}

/// The caller's API tokens, newest first.
#[utoipa::path(get, path = "/api/v1/tokens", security(("bearer" = [])), responses(
    (status = 200, description = "The caller's tokens", body = [TokenJson]),
    (status = 401, description = "Missing, unknown, revoked or expired API token", body = ErrorBody),
))]
pub async fn list_tokens(
    State(state): State<AppState>,
    caller: ApiOrganizer,
) -> Result<Json<Vec<TokenJson>>, AppError> {
    let owner = caller.0.id;
    let tokens = lifecycle::api_tokens(&state, &caller.actor(), owner).await?;
    let now = state.clock.now();
    Ok(Json(tokens.into_iter().map(|token| TokenJson::new(token, now)).collect()))
}

/// Makes another token for the caller.
#[utoipa::path(post, path = "/api/v1/tokens", request_body = NewTokenJson, security(("bearer" = [])), responses(
    BodyRefusals,
    (status = 201, description = "The token (its secret is never shown again)", body = TokenCreated),
    (status = 401, description = "Missing, unknown, revoked or expired API token", body = ErrorBody),
    (status = 422, description = "Invalid fields", body = ErrorBody),
))]
pub async fn create_token(
    State(state): State<AppState>,
    caller: ApiOrganizer,
    Json(input): Json<NewTokenJson>,
) -> Result<(StatusCode, Json<TokenCreated>), AppError> {
    let owner = caller.0.clone();
    let token =
        lifecycle::create_api_token(&state, &caller.actor(), &owner, &input.label, input.expires_in_days).await?;
    Ok((StatusCode::CREATED, Json(TokenCreated { token: token.as_str().to_owned(), label: input.label.trim().into() })))
}

/// Revokes a token: the next request with it gets 401. Admins can revoke
/// anyone's; others only their own.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", params(("id" = Uuid, Path, description = "Token id")),
    security(("bearer" = [])), responses(
    (status = 200, description = "Revoked (or already was)", body = TokenJson),
    (status = 400, description = "An id that is not a uuid (`bad_request`)", body = ErrorBody),
    (status = 401, description = "Missing, unknown, revoked or expired API token", body = ErrorBody),
    (status = 404, description = "No such token of the caller's (`token_not_found`)", body = ErrorBody),
))]
pub async fn revoke_token(
    State(state): State<AppState>,
    caller: ApiOrganizer,
    Path(id): Path<Uuid>,
) -> Result<Json<TokenJson>, AppError> {
    let token = lifecycle::revoke_api_token(&state, &caller.actor(), id).await?;
    Ok(Json(TokenJson::new(token, state.clock.now())))
}

/// An organizer account, for admins.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizerJson {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    /// `admin` or `organizer`.
    #[schema(value_type = String, example = "organizer")]
    pub role: &'static str,
    pub disabled_at: Option<DateTime<Utc>>,
}

impl From<Organizer> for OrganizerJson {
    fn from(o: Organizer) -> Self {
        Self { id: o.id, email: o.email, name: o.name, role: o.role.code(), disabled_at: o.disabled_at }
    }
}

/// Every organizer account (admins only).
#[utoipa::path(get, path = "/api/v1/organizers", security(("bearer" = [])), responses(
    (status = 200, description = "The accounts", body = [OrganizerJson]),
    (status = 401, description = "Missing, unknown, revoked or expired API token", body = ErrorBody),
    (status = 403, description = "Not an admin", body = ErrorBody),
))]
pub async fn list_organizers(
    State(state): State<AppState>,
    caller: ApiOrganizer,
) -> Result<Json<Vec<OrganizerJson>>, AppError> {
    let organizers = lifecycle::organizers(&state, &caller.actor()).await?;
    Ok(Json(organizers.into_iter().map(OrganizerJson::from).collect()))
}

/// What an admin changes about an account; absent fields stay.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct AccountPatch {
    /// `true` disables the account at once: signed out everywhere, tokens
    /// revoked. `false` enables it again.
    pub disabled: Option<bool>,
    /// `admin` or `organizer`.
    pub role: Option<String>,
}

/// Changes an account (admins only). The last active admin can be neither
/// disabled nor demoted.
#[utoipa::path(patch, path = "/api/v1/organizers/{id}", params(("id" = Uuid, Path, description = "Organizer id")),
    request_body = AccountPatch, security(("bearer" = [])), responses(
    BodyRefusals,
    (status = 200, description = "The account as it now stands", body = OrganizerJson),
    (status = 401, description = "Missing, unknown, revoked or expired API token", body = ErrorBody),
    (status = 403, description = "Not an admin", body = ErrorBody),
    (status = 404, description = "No such account", body = ErrorBody),
    (status = 409, description = "It would leave no active admin (`last_admin`)", body = ErrorBody),
    (status = 422, description = "Unknown role", body = ErrorBody),
))]
pub async fn update_organizer(
    State(state): State<AppState>,
    caller: ApiOrganizer,
    Path(id): Path<Uuid>,
    Json(patch): Json<AccountPatch>,
) -> Result<Json<OrganizerJson>, AppError> {
    let role = match patch.role.as_deref() {
        None => None,
        Some(code) => Some(
            Role::from_code(code)
                .ok_or_else(|| AppError::Validation(vec![FieldError::new("role", FieldErrorKind::UnknownChoice)]))?,
        ),
    };
    let actor = caller.actor();
    let updates = patch.disabled.map(AccountUpdate::Disabled).into_iter().chain(role.map(AccountUpdate::Role));
    for update in updates {
        lifecycle::update_account(&state, &actor, id, update).await?;
    }
    Ok(Json(lifecycle::organizer_by_id(&state, &actor, id).await?.into()))
}

/// A one-time link to choose a new password.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResetLink {
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// Makes a one-time password-reset link for the account (admins only):
/// it works once, for an hour; hand it to the person.
#[utoipa::path(post, path = "/api/v1/organizers/{id}/password-reset",
    params(("id" = Uuid, Path, description = "Organizer id")), security(("bearer" = [])), responses(
    (status = 201, description = "The link", body = ResetLink),
    (status = 400, description = "An id that is not a uuid (`bad_request`)", body = ErrorBody),
    (status = 401, description = "Missing, unknown, revoked or expired API token", body = ErrorBody),
    (status = 403, description = "Not an admin", body = ErrorBody),
    (status = 404, description = "No such active account", body = ErrorBody),
))]
pub async fn reset_link(
    State(state): State<AppState>,
    caller: ApiOrganizer,
    Path(id): Path<Uuid>,
) -> Result<(StatusCode, Json<ResetLink>), AppError> {
    let url = lifecycle::create_reset_link(&state, &caller.actor(), id).await?;
    let expires_at = state.clock.now() + lifecycle::RESET_LINK_LENGTH;
    Ok((StatusCode::CREATED, Json(ResetLink { url, expires_at })))
}

/// Takes a co-organizer off the event; its last organizer stays.
#[utoipa::path(delete, path = "/api/v1/events/{id}/organizers/{organizer_id}", params(
    ("id" = String, Path, description = "Event id (uuid) or slug"),
    ("organizer_id" = Uuid, Path, description = "Organizer id"),
), security(("bearer" = [])), responses(
    (status = 204, description = "Removed"),
    (status = 400, description = "An organizer id that is not a uuid (`bad_request`)", body = ErrorBody),
    EventRefusals,
    (status = 409, description = "Not a co-organizer, or the event's last organizer (`last_organizer`)", body = ErrorBody),
))]
pub async fn remove_organizer(
    State(state): State<AppState>,
    ApiManaged(managed): ApiManaged,
    Path((_, organizer)): Path<(String, Uuid)>,
) -> Result<StatusCode, AppError> {
    lifecycle::remove_co_organizer(&state, &managed, organizer).await?;
    Ok(StatusCode::NO_CONTENT)
}
