//! One error type for every handler. It becomes JSON under /api and an HTML
//! page elsewhere, in the language the request asked for: handlers return
//! `AppError`, and a middleware that knows the request
//! (`web::errors::render`) writes the body.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::rejection::{FormRejection, JsonRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::Lang;
use crate::domain::{FieldError, FieldErrorKind, Refusal};
use crate::i18n::Texts;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("page not found")]
    PageNotFound,
    #[error("event not found")]
    EventNotFound,
    #[error("registration not found")]
    RegistrationNotFound,
    /// No attended slot, so no certificate of attendance.
    #[error("no certificate of attendance")]
    CertificateNotFound,
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("already registered")]
    AlreadyRegistered,
    /// An edit made from an older version of the event; the event as it
    /// now stands.
    #[error("the event changed since it was read")]
    EditConflict(Box<crate::domain::Event>),
    /// Too late for the person to cancel: the event has started.
    #[error("the event has started")]
    EventStarted,
    /// The offer's deadline has passed.
    #[error("the offer has expired")]
    OfferExpired,
    /// There is no offer to accept.
    #[error("no seat is offered")]
    NoOffer,
    /// Only a confirmed seat can be confirmed.
    #[error("the seat is not confirmed")]
    NotConfirmed,
    /// The registration was cancelled: it has no seat to give.
    #[error("the registration is no longer active")]
    NotActive,
    /// Signing is open during a slot only.
    #[error("no slot is under way")]
    OutsideSlot,
    #[error("registration refused: {0:?}")]
    Refused(Refusal),
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Well-formed JSON of the wrong shape (a number where text is expected...).
    #[error("invalid data: {0}")]
    InvalidData(String),
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("body too large")]
    PayloadTooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// No credentials, or credentials we do not know.
    #[error("unauthorized")]
    Unauthorized,
    /// A back-office page without a signed-in organizer.
    #[error("sign-in required")]
    SignInRequired,
    /// Too many failed sign-ins, or requests: try again in `retry_after`
    /// seconds.
    #[error("too many attempts")]
    TooManyAttempts { retry_after: u64 },
    /// No such organizer account.
    #[error("organizer not found")]
    OrganizerNotFound,
    /// No such API token (of the caller's).
    #[error("token not found")]
    TokenNotFound,
    /// No webhook of the caller's by this id.
    #[error("webhook not found")]
    WebhookNotFound,
    /// The change would leave no active admin.
    #[error("the last active admin cannot be disabled or demoted")]
    LastAdmin,
    /// The event's last organizer cannot be taken off it.
    #[error("an event keeps at least one organizer")]
    LastOrganizer,
    /// A reset link that is unknown, used or expired.
    #[error("the reset link is no longer valid")]
    ResetLinkInvalid,
    /// Too many requests of one kind from this client (sign-ups): try
    /// again in `retry_after` seconds.
    #[error("too many requests")]
    RateLimited { retry_after: u64 },
    /// Known caller, but not allowed here (another organizer's event).
    #[error("forbidden")]
    Forbidden,
    #[error("form expired (CSRF check failed)")]
    FormExpired,
    /// A form posted from another site.
    #[error("form sent from another origin")]
    CrossOrigin,
    #[error("service unavailable")]
    Unavailable,
    #[error("internal error: {0}")]
    Internal(#[source] anyhow::Error),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::PageNotFound
            | AppError::EventNotFound
            | AppError::RegistrationNotFound
            | AppError::CertificateNotFound
            | AppError::OrganizerNotFound
            | AppError::TokenNotFound
            | AppError::WebhookNotFound => StatusCode::NOT_FOUND,
            AppError::LastAdmin | AppError::LastOrganizer => StatusCode::CONFLICT,
            AppError::ResetLinkInvalid => StatusCode::GONE,
            AppError::Refused(Refusal::NotPublished) => StatusCode::NOT_FOUND,
            AppError::Validation(_) | AppError::InvalidData(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::AlreadyRegistered | AppError::Refused(_) => StatusCode::CONFLICT,
            AppError::EditConflict(_) | AppError::EventStarted => StatusCode::CONFLICT,
            AppError::OfferExpired
            | AppError::NoOffer
            | AppError::NotConfirmed
            | AppError::OutsideSlot
            | AppError::NotActive => StatusCode::CONFLICT,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::FormExpired | AppError::CrossOrigin => StatusCode::FORBIDDEN,
            AppError::Unauthorized | AppError::SignInRequired => StatusCode::UNAUTHORIZED,
            AppError::TooManyAttempts { .. } | AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::PageNotFound => "not_found",
            AppError::EventNotFound | AppError::Refused(Refusal::NotPublished) => "event_not_found",
            AppError::RegistrationNotFound => "registration_not_found",
            AppError::CertificateNotFound => "certificate_not_found",
            AppError::OrganizerNotFound => "organizer_not_found",
            AppError::TokenNotFound => "token_not_found",
            AppError::WebhookNotFound => "webhook_not_found",
            AppError::LastAdmin => "last_admin",
            AppError::LastOrganizer => "last_organizer",
            AppError::ResetLinkInvalid => "reset_link_invalid",
            AppError::Validation(_) | AppError::InvalidData(_) => "invalid_input",
            AppError::AlreadyRegistered => "already_registered",
            AppError::EditConflict(_) => "edit_conflict",
            AppError::EventStarted => "event_started",
            AppError::OfferExpired => "offer_expired",
            AppError::NoOffer => "no_offer",
            AppError::NotConfirmed => "not_confirmed",
            AppError::OutsideSlot => "outside_slot",
            AppError::NotActive => "registration_cancelled",
            AppError::Refused(refusal) => refusal.code(),
            AppError::BadRequest(_) => "bad_request",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::UnsupportedMediaType => "unsupported_media_type",
            AppError::FormExpired => "form_expired",
            AppError::CrossOrigin => "cross_origin",
            AppError::Unauthorized | AppError::SignInRequired => "unauthorized",
            AppError::TooManyAttempts { .. } => "too_many_attempts",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::Forbidden => "forbidden",
            AppError::Unavailable => "unavailable",
            AppError::Internal(_) => "internal_error",
        }
    }

    /// The sentence a person reads.
    pub fn message(&self, t: &Texts) -> String {
        match self {
            AppError::PageNotFound => t.not_found.into(),
            AppError::EventNotFound | AppError::Refused(Refusal::NotPublished) => t.event_not_found.into(),
            AppError::RegistrationNotFound => t.registration_not_found.into(),
            AppError::CertificateNotFound => t.lang.certificate().no_certificate.into(),
            AppError::OrganizerNotFound => t.lang.accounts().organizer_not_found.into(),
            AppError::TokenNotFound => t.lang.accounts().token_not_found.into(),
            AppError::WebhookNotFound => t.lang.webhooks().not_found.into(),
            AppError::LastAdmin => t.lang.accounts().last_admin.into(),
            AppError::LastOrganizer => t.lang.accounts().last_organizer.into(),
            AppError::ResetLinkInvalid => t.lang.accounts().reset_link_invalid.into(),
            AppError::Validation(_) => t.invalid_input.into(),
            AppError::AlreadyRegistered => t.already_registered.into(),
            AppError::EditConflict(_) => t.edit_conflict.into(),
            AppError::EventStarted => t.event_started.into(),
            AppError::OfferExpired => t.offer_expired.into(),
            AppError::NoOffer => t.no_offer.into(),
            AppError::NotConfirmed => t.not_confirmed.into(),
            AppError::OutsideSlot => t.outside_slot.into(),
            AppError::NotActive => t.lang.people().not_active.into(),
            AppError::Refused(refusal) => t.refusal(*refusal).into(),
            AppError::BadRequest(detail) => format!("{} {detail}", t.bad_request).trim_end().to_owned(),
            AppError::InvalidData(detail) => format!("{} {detail}", t.invalid_input).trim_end().to_owned(),
            AppError::PayloadTooLarge => t.payload_too_large.into(),
            AppError::MethodNotAllowed => t.bad_request.into(),
            AppError::UnsupportedMediaType => t.unsupported_media_type.into(),
            AppError::FormExpired => t.form_expired.into(),
            AppError::CrossOrigin => t.lang.accounts().cross_origin.into(),
            AppError::Unauthorized => t.unauthorized.into(),
            AppError::SignInRequired => t.admin().sign_in_required.into(),
            AppError::TooManyAttempts { .. } => t.admin().too_many_attempts.into(),
            AppError::RateLimited { .. } => t.lang.accounts().rate_limited.into(),
            AppError::Forbidden => t.forbidden.into(),
            AppError::Unavailable => t.unavailable.into(),
            AppError::Internal(_) => t.internal_error.into(),
        }
    }

    /// The JSON body: `{"error": {"code", "message", "fields"?}}`.
    pub fn to_json(&self, lang: Lang) -> ErrorBody {
        let t = lang.texts();
        let fields = match self {
            AppError::Validation(errors) => Some(
                errors
                    .iter()
                    .map(|e| {
                        (e.field.to_string(), FieldMessage { code: field_code(e.kind), message: t.field_error(e.kind) })
                    })
                    .collect(),
            ),
            _ => None,
        };
        ErrorBody { error: ErrorDetail { code: self.code().into(), message: self.message(t), fields } }
    }
}

fn field_code(kind: FieldErrorKind) -> String {
    match kind {
        FieldErrorKind::Required => "required",
        FieldErrorKind::TooLong { .. } => "too_long",
        FieldErrorKind::InvalidEmail => "invalid_email",
        FieldErrorKind::UnknownLevel => "unknown_level",
        FieldErrorKind::UnknownChoice => "unknown_choice",
        FieldErrorKind::ConsentRequired => "consent_required",
        FieldErrorKind::ControlCharacters => "invalid_characters",
        FieldErrorKind::InvalidDateTime => "invalid_date_time",
        FieldErrorKind::InvalidDate => "invalid_date",
        FieldErrorKind::InvalidCursor => "invalid_cursor",
        FieldErrorKind::EndBeforeStart => "end_before_start",
        FieldErrorKind::CloseBeforeOpen => "close_before_open",
        FieldErrorKind::TooSmall { .. } => "too_small",
        FieldErrorKind::TooLarge { .. } => "too_large",
        FieldErrorKind::InvalidSlug => "invalid_slug",
        FieldErrorKind::Taken => "taken",
        FieldErrorKind::NotANumber => "not_a_number",
        FieldErrorKind::SessionTooLong => "session_too_long",
        FieldErrorKind::SessionsOverlap => "sessions_overlap",
        FieldErrorKind::SessionsDisagree => "sessions_disagree",
        FieldErrorKind::WrongCode => "wrong_code",
        FieldErrorKind::PasswordTooShort => "password_too_short",
        FieldErrorKind::WrongPassword => "wrong_password",
        FieldErrorKind::PasswordsDiffer => "passwords_differ",
        FieldErrorKind::InvalidUrl => "invalid_url",
        FieldErrorKind::InsecureUrl => "insecure_url",
        FieldErrorKind::PrivateAddress => "private_address",
        FieldErrorKind::UnresolvableHost => "unresolvable_host",
    }
    .into()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `already_registered`.
    pub code: String,
    /// A sentence for people, in the request's language.
    pub message: String,
    /// For `invalid_input`: what is wrong with each field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<BTreeMap<String, FieldMessage>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldMessage {
    pub code: String,
    pub message: String,
}

/// Marks a response as an error whose body the rendering middleware writes
/// in the request's language.
#[derive(Clone)]
pub struct Rendered(pub Arc<AppError>);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(error) = &self {
            // Full detail for the operator, none for the client.
            tracing::error!(error = format!("{error:#}"), "request failed");
        }
        // A JSON body in English stands in case no middleware renders it.
        let mut response = (self.status(), axum::Json(self.to_json(Lang::En))).into_response();
        if matches!(self, AppError::Unauthorized) {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let AppError::TooManyAttempts { retry_after } | AppError::RateLimited { retry_after } = &self {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
        }
        response.extensions_mut().insert(Rendered(Arc::new(self)));
        response
    }
}

impl From<StoreError> for AppError {
    /// A database that cannot take writes now (full disk, read-only,
    /// shutting down) is a 503: the request may work later. Anything else
    /// is a fault of ours.
    fn from(error: StoreError) -> Self {
        if error.is_unavailable() {
            tracing::error!(%error, "the store cannot take writes");
            AppError::Unavailable
        } else {
            AppError::Internal(error.into())
        }
    }
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => AppError::UnsupportedMediaType,
            JsonRejection::JsonSyntaxError(e) => AppError::BadRequest(format!("Malformed JSON: {}", e.body_text())),
            JsonRejection::JsonDataError(e) => AppError::InvalidData(e.body_text()),
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
            other => AppError::BadRequest(other.body_text()),
        }
    }
}

impl From<FormRejection> for AppError {
    fn from(rejection: FormRejection) -> Self {
        match rejection {
            FormRejection::InvalidFormContentType(_) => AppError::UnsupportedMediaType,
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
            other => AppError::BadRequest(other.body_text()),
        }
    }
}
