//! Webhooks: the endpoints organizers register, what is reported to them,
//! and the deliveries owed.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{FieldError, FieldErrorKind};
use crate::token::Salt;

/// What a webhook reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
pub enum WebhookEvent {
    /// Someone signed up (with a seat or on the waiting list), walked in,
    /// or took a colleague's place.
    #[serde(rename = "registration.created")]
    RegistrationCreated,
    /// A registration ended: cancelled by the person, removed by an
    /// organizer, given away, erased, or an offer that ran out.
    #[serde(rename = "registration.cancelled")]
    RegistrationCancelled,
    /// Someone on the waiting list got a seat.
    #[serde(rename = "registration.promoted")]
    RegistrationPromoted,
    /// The event changed (`data.changed` names the fields).
    #[serde(rename = "event.updated")]
    EventUpdated,
    #[serde(rename = "event.cancelled")]
    EventCancelled,
    /// Someone was marked present or absent, or signed, for a slot.
    #[serde(rename = "attendance.recorded")]
    AttendanceRecorded,
}

impl WebhookEvent {
    pub const ALL: [WebhookEvent; 6] = [
        WebhookEvent::RegistrationCreated,
        WebhookEvent::RegistrationCancelled,
        WebhookEvent::RegistrationPromoted,
        WebhookEvent::EventUpdated,
        WebhookEvent::EventCancelled,
        WebhookEvent::AttendanceRecorded,
    ];

    pub fn code(self) -> &'static str {
        match self {
            WebhookEvent::RegistrationCreated => "registration.created",
            WebhookEvent::RegistrationCancelled => "registration.cancelled",
            WebhookEvent::RegistrationPromoted => "registration.promoted",
            WebhookEvent::EventUpdated => "event.updated",
            WebhookEvent::EventCancelled => "event.cancelled",
            WebhookEvent::AttendanceRecorded => "attendance.recorded",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }

    /// `registration.created,event.updated`: how the database keeps a list.
    pub fn join(kinds: &[WebhookEvent]) -> String {
        kinds.iter().map(|kind| kind.code()).collect::<Vec<_>>().join(",")
    }

    /// The list `join` wrote; codes this version does not know are skipped.
    pub fn split(joined: &str) -> Vec<WebhookEvent> {
        joined.split(',').filter_map(Self::from_code).collect()
    }
}

/// A registered endpoint (its secret is derived, never stored).
#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    pub id: Uuid,
    pub organizer_id: Uuid,
    /// `None`: every event the organizer manages.
    pub event_id: Option<Uuid>,
    pub url: String,
    pub events: Vec<WebhookEvent>,
    pub secret_salt: Salt,
    pub created_at: DateTime<Utc>,
}

/// An endpoint to register, checked for its form; whether its host may be
/// reached is the operation's to check (it needs the network).
#[derive(Debug, Clone, PartialEq)]
pub struct NewWebhook {
    pub url: url::Url,
    pub events: Vec<WebhookEvent>,
    pub event_id: Option<Uuid>,
}

impl NewWebhook {
    /// Long enough for any real endpoint, short enough for a list page.
    pub const MAX_URL: usize = 2_000;

    /// Checks the address (absolute, `https://`, or `http://` when
    /// `allow_http`; no user name or password in it, since lists show it)
    /// and the event types (at least one, each known). Every error at once.
    pub fn parse(
        url: &str,
        events: &[String],
        event_id: Option<Uuid>,
        allow_http: bool,
    ) -> Result<Self, Vec<FieldError>> {
        let url = parse_url(url.trim(), allow_http);
        let mut kinds = Vec::new();
        let mut unknown = false;
        for code in events {
            match WebhookEvent::from_code(code.trim()) {
                Some(kind) if !kinds.contains(&kind) => kinds.push(kind),
                Some(_) => {}
                None => unknown = true,
            }
        }
        let events = match (unknown, kinds.is_empty()) {
            (true, _) => Err(FieldError::new("events", FieldErrorKind::UnknownChoice)),
            (false, true) => Err(FieldError::new("events", FieldErrorKind::Required)),
            (false, false) => Ok(kinds),
        };
        match (url, events) {
            (Ok(url), Ok(events)) => Ok(Self { url, events, event_id }),
            (url, events) => Err([url.err(), events.err()].into_iter().flatten().collect()),
        }
    }
}

fn parse_url(raw: &str, allow_http: bool) -> Result<url::Url, FieldError> {
    let error = |kind| FieldError::new("url", kind);
    if raw.is_empty() {
        return Err(error(FieldErrorKind::Required));
    }
    if raw.chars().count() > NewWebhook::MAX_URL {
        return Err(error(FieldErrorKind::TooLong { max: NewWebhook::MAX_URL }));
    }
    let url = url::Url::parse(raw).map_err(|_| error(FieldErrorKind::InvalidUrl))?;
    let has_host = url.host_str().is_some_and(|host| !host.is_empty());
    let credentials = !url.username().is_empty() || url.password().is_some();
    match url.scheme() {
        _ if !has_host || credentials => Err(error(FieldErrorKind::InvalidUrl)),
        "https" => Ok(url),
        "http" if allow_http => Ok(url),
        "http" => Err(error(FieldErrorKind::InsecureUrl)),
        _ => Err(error(FieldErrorKind::InvalidUrl)),
    }
}

/// Something a webhook reports, as the change that did it knows it.
#[derive(Debug, Clone)]
pub struct Hook {
    pub kind: WebhookEvent,
    pub event: Uuid,
    /// The registration it is about, if any.
    pub registration: Option<Uuid>,
    /// What else the receiver is told (`status`, `slot`, `present`...).
    pub data: serde_json::Value,
    /// When it happened.
    pub at: DateTime<Utc>,
}

impl Hook {
    /// About a registration: its status after the change.
    pub fn registration(kind: WebhookEvent, event: Uuid, registration: Uuid, status: &str, at: DateTime<Utc>) -> Self {
        let data = serde_json::json!({ "status": status });
        Self { kind, event, registration: Some(registration), data, at }
    }

    /// About the event itself.
    pub fn event(kind: WebhookEvent, event: Uuid, data: serde_json::Value, at: DateTime<Utc>) -> Self {
        Self { kind, event, registration: None, data, at }
    }

    /// Deliveries of the same subject reach an endpoint in order.
    pub fn subject(&self) -> Uuid {
        self.registration.unwrap_or(self.event)
    }

    /// The body the endpoint receives. No personal data: ids and statuses,
    /// which the receiver reads further with its API token. A delivery's
    /// body is stored until it is sent, and erasure need not reach it.
    pub fn payload(&self, delivery: Uuid) -> String {
        let mut body = serde_json::json!({
            "id": delivery,
            "type": self.kind.code(),
            "created_at": self.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "event_id": self.event,
            "data": self.data,
        });
        if let Some(registration) = self.registration {
            body["registration_id"] = serde_json::json!(registration);
        }
        body.to_string()
    }
}

/// A delivery's state, for the organizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    Failed,
}

impl DeliveryStatus {
    pub fn code(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [DeliveryStatus::Pending, DeliveryStatus::Delivered, DeliveryStatus::Failed]
            .into_iter()
            .find(|status| status.code() == code)
    }
}

/// One delivery as the organizer sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookDelivery {
    pub id: Uuid,
    pub kind: String,
    pub status: DeliveryStatus,
    pub attempts: i64,
    /// The HTTP status of the last attempt, if the endpoint answered.
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A delivery claimed for sending.
#[derive(Debug, Clone)]
pub struct PendingDelivery {
    pub id: Uuid,
    pub kind: String,
    pub url: String,
    pub webhook: Uuid,
    pub secret_salt: Salt,
    pub payload: String,
    /// Attempts including the one about to be made.
    pub attempts: i64,
    /// The lease the claim holds, named when recording what became of it.
    pub lease: DateTime<Utc>,
}

/// What became of one attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub delivery: Uuid,
    pub outcome: super::Delivery,
    /// The endpoint's HTTP status, when it answered.
    pub status: Option<u16>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(errors: Vec<FieldError>) -> Vec<(String, FieldErrorKind)> {
        errors.into_iter().map(|e| (e.field.into_owned(), e.kind)).collect()
    }

    #[test]
    fn addresses_must_be_absolute_https_without_credentials() {
        let events = vec!["registration.created".to_owned()];
        let check = |url: &str, http| NewWebhook::parse(url, &events, None, http).map_err(codes);
        assert!(check("https://example.org/hook", false).is_ok());
        assert!(check("http://example.org/hook", true).is_ok());
        let refused = |url: &str, http| check(url, http).err().map(|e| e[0].1);
        assert_eq!(refused("http://example.org/hook", false), Some(FieldErrorKind::InsecureUrl));
        assert_eq!(refused("ftp://example.org/", true), Some(FieldErrorKind::InvalidUrl));
        assert_eq!(refused("/hook", true), Some(FieldErrorKind::InvalidUrl));
        assert_eq!(refused("https://user:pw@example.org/", true), Some(FieldErrorKind::InvalidUrl));
        assert_eq!(refused("  ", true), Some(FieldErrorKind::Required));
        let long = format!("https://example.org/{}", "a".repeat(2_000));
        assert_eq!(refused(&long, true), Some(FieldErrorKind::TooLong { max: 2_000 }));
    }

    #[test]
    fn every_error_at_once_and_known_event_types_only() {
        let errors = NewWebhook::parse("nope", &["registration.deleted".into()], None, false).map_err(codes);
        assert_eq!(
            errors.err(),
            Some(vec![("url".into(), FieldErrorKind::InvalidUrl), ("events".into(), FieldErrorKind::UnknownChoice)])
        );
        let none = NewWebhook::parse("https://example.org", &[], None, false).map_err(codes);
        assert_eq!(none.err(), Some(vec![("events".into(), FieldErrorKind::Required)]));
        let twice = ["event.updated".to_owned(), "event.updated".to_owned()];
        let parsed = NewWebhook::parse("https://example.org", &twice, None, false).ok();
        assert_eq!(parsed.map(|w| w.events), Some(vec![WebhookEvent::EventUpdated]));
    }

    #[test]
    fn event_lists_survive_the_database() {
        let all = WebhookEvent::ALL.to_vec();
        assert_eq!(WebhookEvent::split(&WebhookEvent::join(&all)), all);
    }

    #[test]
    fn json_names_are_the_codes() {
        for kind in WebhookEvent::ALL {
            assert_eq!(serde_json::to_value(kind).ok(), Some(serde_json::json!(kind.code())));
        }
        for status in [DeliveryStatus::Pending, DeliveryStatus::Delivered, DeliveryStatus::Failed] {
            assert_eq!(serde_json::to_value(status).ok(), Some(serde_json::json!(status.code())));
        }
    }

    #[test]
    fn payloads_carry_ids_and_statuses_only() {
        let (event, registration, delivery) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let at = DateTime::parse_from_rfc3339("2027-03-02T09:00:00Z").map(|t| t.to_utc()).unwrap_or_default();
        let hook = Hook::registration(WebhookEvent::RegistrationPromoted, event, registration, "confirmed", at);
        let body: serde_json::Value = serde_json::from_str(&hook.payload(delivery)).unwrap_or_default();
        assert_eq!(body["id"], delivery.to_string());
        assert_eq!(body["type"], "registration.promoted");
        assert_eq!(body["created_at"], "2027-03-02T09:00:00Z");
        assert_eq!(body["event_id"], event.to_string());
        assert_eq!(body["registration_id"], registration.to_string());
        assert_eq!(body["data"]["status"], "confirmed");
        assert_eq!(hook.subject(), registration);
    }
}
