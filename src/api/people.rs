//! A person's rights over their data, by the token of their link: download,
//! erase, correct, give the seat to a colleague; lost links; and an
//! organizer's edit of a registration.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::auth::{ApiManaged, EventRefusals};
use super::registrations::RegistrationCreated;
use super::{BodyRefusals, Json};
use crate::client::ClientAddr;
use crate::domain::{CorrectionForm, Lang, Level, PersonalData, Registration, RegistrationStatus, SignUpForm};
use crate::error::{AppError, ErrorBody};
use crate::operations::people;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonalDataJson {
    pub registration: PersonJson,
    pub event: EventRef,
    /// When the privacy notice was agreed to, and its version (null: added
    /// at the door by an organizer, or before notices had versions).
    pub consented_at: DateTime<Utc>,
    pub consent_version: Option<String>,
    pub answers: Vec<AnswerJson>,
    /// Every email queued to the person, oldest first.
    pub emails: Vec<EmailJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonJson {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub institution: Option<String>,
    pub level: Level,
    pub status: RegistrationStatus,
    pub waitlist_position: Option<i64>,
    #[schema(value_type = Lang)]
    pub language: String,
    pub registered_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub attendance_confirmed_at: Option<DateTime<Utc>>,
}

impl From<Registration> for PersonJson {
    fn from(r: Registration) -> Self {
        Self {
            id: r.id,
            name: r.name,
            email: r.email,
            institution: r.institution,
            level: r.level,
            status: r.status,
            waitlist_position: r.waitlist_position,
            language: r.language.code().into(),
            registered_at: r.created_at,
            cancelled_at: r.cancelled_at,
            attendance_confirmed_at: r.attendance_confirmed_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventRef {
    pub id: Uuid,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerJson {
    pub question: String,
    pub answer: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EmailJson {
    /// The message kind, e.g. `confirmed`, `reminder`, `announcement`.
    pub kind: String,
    pub subject: String,
    pub queued_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// `pending`, `sent` or `failed`.
    pub status: String,
}

impl From<PersonalData> for PersonalDataJson {
    fn from(data: PersonalData) -> Self {
        let event = EventRef {
            id: data.event.id,
            title: data.event.title,
            starts_at: data.event.starts_at,
            ends_at: data.event.ends_at,
        };
        let emails = data.emails.into_iter().map(|e| EmailJson {
            kind: e.kind.code().into(),
            subject: e.subject,
            queued_at: e.queued_at,
            sent_at: e.sent_at,
            status: e.status,
        });
        Self {
            registration: data.registration.into(),
            event,
            consented_at: data.consented_at,
            consent_version: data.consent_version,
            answers: data.answers.into_iter().map(|(question, answer)| AnswerJson { question, answer }).collect(),
            emails: emails.collect(),
        }
    }
}

/// Everything stored about the person, as a JSON file to keep.
#[utoipa::path(
    get,
    path = "/api/v1/registrations/{token}/data",
    params(("token" = String, Path, description = "The secret from cancel_url")),
    responses(
        (status = 200, description = "The person's data", body = PersonalDataJson),
        (status = 404, description = "Unknown (or erased) token", body = ErrorBody),
    )
)]
pub async fn data(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response, AppError> {
    let data = people::personal_data(&state, &token).await?;
    let disposition = [(header::CONTENT_DISPOSITION, "attachment; filename=\"atelier-mes-donnees.json\"")];
    Ok((disposition, Json(PersonalDataJson::from(data))).into_response())
}

/// Erases the person's data. Before the event this also cancels (the seat
/// goes on as usual); after it, only anonymous counts stay. The token then
/// answers 404.
#[utoipa::path(
    delete,
    path = "/api/v1/registrations/{token}",
    params(("token" = String, Path, description = "The secret from cancel_url")),
    responses(
        (status = 204, description = "Erased"),
        (status = 404, description = "Unknown (or erased) token", body = ErrorBody),
    )
)]
pub async fn erase(State(state): State<AppState>, Path(token): Path<String>) -> Result<StatusCode, AppError> {
    people::erase(&state, &token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The person's name and institution, as the person corrects them.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct CorrectionInput {
    #[serde(default)]
    pub name: Option<String>,
    /// An empty text removes it.
    #[serde(default)]
    pub institution: Option<String>,
}

/// Corrects the person's name or institution (checked as at sign-up),
/// until the event starts.
#[utoipa::path(
    patch,
    path = "/api/v1/registrations/{token}",
    params(("token" = String, Path, description = "The secret from cancel_url")),
    request_body = CorrectionInput,
    responses(
        BodyRefusals,
        (status = 200, description = "Corrected", body = PersonJson),
        (status = 404, description = "Unknown token", body = ErrorBody),
        (status = 409, description = "The event has started (`event_started`)", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    )
)]
pub async fn correct(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Json(input): Json<CorrectionInput>,
) -> Result<Json<PersonJson>, AppError> {
    let form = CorrectionForm { name: input.name, institution: input.institution, ..CorrectionForm::default() };
    Ok(Json(people::correct(&state, &token, &form).await?.into()))
}

/// Gives the person's place to a colleague, who takes it as it is (a
/// confirmed seat stays confirmed; a place on the waiting list keeps its
/// rank). The event's levels and the one-per-email rule apply to the
/// colleague; the old registration is cancelled; both are emailed.
#[utoipa::path(
    post,
    path = "/api/v1/registrations/{token}/transfer",
    params(("token" = String, Path, description = "The secret from cancel_url")),
    request_body = SignUpForm,
    responses(
        BodyRefusals,
        (status = 201, description = "The colleague's registration", body = RegistrationCreated),
        (status = 404, description = "Unknown token", body = ErrorBody),
        (status = 409, description = "Already registered, level not admitted, event started or cancelled, or this registration is cancelled (`registration_cancelled`)", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    )
)]
pub async fn transfer(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    Json(form): Json<SignUpForm>,
) -> Result<(StatusCode, Json<RegistrationCreated>), AppError> {
    let browser =
        headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Lang::from_accept_language);
    let lang = form.language_or(browser.unwrap_or_default()).map_err(|e| AppError::Validation(vec![e]))?;
    let done = people::transfer(&state, &token, &form, lang).await?;
    Ok((StatusCode::CREATED, Json(RegistrationCreated::new(&state, &done))))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct LinksRequest {
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LinksAnswer {
    /// The same whether the address is registered or not.
    pub message: String,
}

/// Emails the links to the address's upcoming registrations. The answer is
/// the same whether it has any or not; requests are limited per address
/// and per client.
#[utoipa::path(
    post,
    path = "/api/v1/registration-links",
    request_body = LinksRequest,
    responses(
        BodyRefusals,
        (status = 202, description = "If the address is registered, an email is on its way", body = LinksAnswer),
        (status = 422, description = "Not an email address", body = ErrorBody),
        (status = 429, description = "Too many requests from this client (`rate_limited`); see Retry-After", body = ErrorBody),
    )
)]
pub async fn links(
    State(state): State<AppState>,
    client: ClientAddr,
    lang: Lang,
    Json(request): Json<LinksRequest>,
) -> Result<(StatusCode, Json<LinksAnswer>), AppError> {
    people::send_links(&state, client.bucket(), request.email.as_deref().unwrap_or_default()).await?;
    Ok((StatusCode::ACCEPTED, Json(LinksAnswer { message: lang.people().lost_sent.into() })))
}

/// Edits a registration: name, email, institution, level (each optional,
/// checked as at sign-up). A new email gets the confirmation again, for an
/// event still ahead. In the event's history.
#[utoipa::path(
    patch,
    path = "/api/v1/events/{id}/registrations/{registration_id}",
    params(
        ("id" = String, Path, description = "Event id (uuid) or slug"),
        ("registration_id" = Uuid, Path, description = "Registration id"),
    ),
    request_body = CorrectionForm,
    security(("bearer" = [])),
    responses(
        BodyRefusals,
        (status = 200, description = "Edited", body = PersonJson),
        EventRefusals,
        (status = 409, description = "The new email holds another registration (`already_registered`)", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    )
)]
pub async fn edit(
    State(state): State<AppState>,
    ApiManaged(managed): ApiManaged,
    Path((_, registration)): Path<(String, String)>,
    Json(form): Json<CorrectionForm>,
) -> Result<Json<PersonJson>, AppError> {
    let registration = registration.parse().map_err(|_| AppError::RegistrationNotFound)?;
    Ok(Json(people::edit(&state, &managed, registration, &form).await?.into()))
}
