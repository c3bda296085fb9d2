//! A person's attendance, on their side: the check-in QR code on their page
//! before the event, their certificate of attendance after it, and the
//! public page that verifies a certificate (`/verify/{id}`).

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use maud::{Markup, PreEscaped, html};

use super::layout::base;
use crate::domain::{Certificate, Event, EventStatus, Lang, Registration, RegistrationStatus};
use crate::error::AppError;
use crate::operations::certificates;
use crate::state::AppState;

/// `GET /r/{token}/certificate.pdf`.
pub async fn download(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response, AppError> {
    Ok(certificates::of_person(&state, &token).await?.into_response())
}

/// `GET /verify/{id}`: what the certificate says, or that no certificate
/// has this id (404).
pub async fn verify(State(state): State<AppState>, lang: Lang, uri: Uri, Path(id): Path<String>) -> Response {
    let words = lang.certificate();
    match certificates::verify(&state, &id).await {
        Ok(Some(certificate)) => {
            base(lang, uri.path(), words.verified_title, verified(lang, &certificate)).into_response()
        }
        Ok(None) => {
            let content = html! { h1 { (words.unknown_title) } p { (words.unknown_text) } };
            (StatusCode::NOT_FOUND, base(lang, uri.path(), words.unknown_title, content)).into_response()
        }
        Err(error) => error.into_response(),
    }
}

fn verified(lang: Lang, certificate: &Certificate) -> Markup {
    let (words, t) = (lang.certificate(), lang.texts());
    let event = &certificate.event;
    let slots: Vec<String> = certificate.attended.iter().map(|slot| slot.label(lang)).collect();
    html! {
        h1 { (words.verified_title) }
        p.notice.success role="status" { (words.verified_intro) }
        dl.facts {
            dt { (words.name) } dd { (certificate.registration.name) }
            dt { (words.event) } dd { (event.title) " (" (t.kind(event.kind)) ")" }
            dt { (words.host) } dd { (event.host) }
            dt { (words.dates) } dd { (t.sessions(&event.sessions)) }
            dt { (words.slots) } dd { (slots.join(", ")) }
            dt { (words.total) } dd { (words.duration(certificate.duration())) }
            dt { (words.number) } dd { code { (certificate.id) } }
        }
    }
}

/// What the person's page shows of their attendance.
pub struct Attendance {
    /// Before the end: the check-in link as a QR code, and the code.
    door: Option<(String, String)>,
    /// After a first attended slot.
    has_certificate: bool,
}

impl Attendance {
    pub async fn of(state: &AppState, registration: &Registration, event: &Event) -> Result<Self, AppError> {
        let seated = registration.status == RegistrationStatus::Confirmed;
        let now = state.clock.now();
        let door = (seated && event.status == EventStatus::Published && now < event.ends_at).then(|| {
            let code = state.keys.check_in_code(registration.id);
            let svg = crate::qr::svg(&crate::mail::check_in_url(&state.public_url, event.id, &code), 180);
            // The crate's SVG opens with an XML declaration, out of place
            // inside HTML.
            let svg = svg.and_then(|svg| svg.find("<svg").map(|at| svg[at..].to_owned())).unwrap_or_default();
            (svg, code)
        });
        let has_certificate = seated && certificates::exists(state, registration.id).await?;
        Ok(Self { door, has_certificate })
    }

    pub fn render(&self, lang: Lang, token: &str) -> Markup {
        let words = lang.certificate();
        html! {
            @if let Some((svg, code)) = &self.door {
                section.door aria-labelledby="door" {
                    h2 #door { (words.door_title) }
                    p { (words.door_hint) }
                    div.qr role="img" aria-label=(words.qr_label) { (PreEscaped(svg)) }
                    p { (words.door_code) " : " strong.code { (code) } }
                }
            }
            @if self.has_certificate {
                section.certificate {
                    p { a.button href={ "/r/" (token) "/certificate.pdf" } { (words.download) } }
                    p.hint { (words.download_hint) }
                }
            }
        }
    }
}
