//! The organizers' back-office: sign-in, their events, attendee lists,
//! exports. Every page needs a signed-in organizer (401 otherwise) who
//! manages the event (403 otherwise).

mod certificates;
mod check_in;
mod event_form;
mod events;
mod login;
mod organizers;
mod password_reset;
mod registration_edit;
mod seat_settings;
mod settings;
mod signature_code;
mod webhooks;

use axum::Router;
use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use chrono_tz::Europe::Paris;
use maud::{Markup, html};

use crate::domain::{AuditLine, Lang, Organizer, Role, Via};
use crate::error::AppError;
use crate::operations::{Actor, ManagedEvent, queries};
use crate::state::AppState;
use crate::token::Token;
use crate::web::csrf::{self, CsrfToken};
use crate::web::layout::base;

pub const SESSION_COOKIE: &str = "atelier_session";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/login", get(login::show).post(login::sign_in))
        .route("/admin/logout", post(login::sign_out))
        .route("/admin", get(events::list))
        .route("/admin/settings", get(settings::show).post(settings::save))
        .route("/admin/tokens", post(settings::create_token))
        .route("/admin/tokens/{id}/revoke", post(settings::revoke_token))
        .route("/admin/password", post(settings::change_password))
        .route("/admin/webhooks", get(webhooks::show).post(webhooks::create))
        .route("/admin/webhooks/{id}/delete", post(webhooks::delete))
        .route("/admin/password-reset/{token}", get(password_reset::show).post(password_reset::save))
        .route("/admin/organizers", get(organizers::list).post(organizers::create))
        .route("/admin/organizers/{id}/{action}", post(organizers::update))
        .route("/admin/events/{id}/organizers", post(organizers::add_to_event))
        .route("/admin/events/{id}/organizers/{organizer}/remove", post(organizers::remove_from_event))
        .route("/admin/events/new", get(events::new).post(events::create))
        .route("/admin/events/{id}", get(events::show))
        .route("/admin/events/{id}/edit", get(events::edit).post(events::update))
        .route("/admin/events/{id}/status", post(events::set_status))
        .route("/admin/events/{id}/duplicate", post(events::duplicate))
        .route("/admin/events/{id}/cancel", get(events::ask_cancel).post(events::cancel))
        .route("/admin/events/{id}/registrations/{registration}/remove", get(events::ask_remove).post(events::remove))
        .route(
            "/admin/events/{id}/registrations/{registration}/edit",
            get(registration_edit::show).post(registration_edit::save),
        )
        .route("/admin/events/{id}/registrations/{registration}/resend", post(events::resend))
        .route("/admin/events/{id}/registrations/{registration}/confirm", post(events::confirm))
        .route("/admin/events/{id}/check-in", get(check_in::show).post(check_in::mark))
        .route("/admin/events/{id}/walk-ins", post(check_in::walk_in))
        .route("/admin/events/{id}/slots/{slot}/code", get(signature_code::show))
        .route("/admin/events/{id}/slots/{slot}/trainer-signature", post(certificates::sign_as_trainer))
        .route("/admin/events/{id}/certificates", post(certificates::send_all))
        .route("/admin/events/{id}/registrations/{registration}/certificate", post(certificates::send_one))
        .route("/admin/events/{id}/message", post(events::message))
        .route("/admin/events/{id}/attendees.csv", get(events::export_csv))
        .route("/admin/events/{id}/attendees.xlsx", get(events::export_xlsx))
        .route("/admin/events/{id}/attendance-sheet.pdf", get(events::export_sheet))
}

/// The organizer signed in through the session cookie.
pub struct Signed(pub Organizer);

impl Signed {
    pub fn actor(self) -> Actor {
        Actor::Organizer { organizer: self.0, via: Via::BackOffice }
    }
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let token = session_hash(&CookieJar::from_headers(&parts.headers)).ok_or(AppError::SignInRequired)?;
        let organizer = queries::organizer_by_session(state, &token).await?.ok_or(AppError::SignInRequired)?;
        Ok(Self(organizer))
    }
}

/// The hash of the request's session cookie, if it has one.
fn session_hash(jar: &CookieJar) -> Option<crate::token::TokenHash> {
    jar.get(SESSION_COOKIE).and_then(|c| Token::parse(c.value())).map(|token| token.hash())
}

/// The event of the path's `{id}`, if the signed-in organizer (the second
/// field) manages it.
pub struct Managed(pub ManagedEvent, pub Organizer);

impl FromRequestParts<AppState> for Managed {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let Signed(organizer) = Signed::from_request_parts(parts, state).await?;
        let key = crate::web::event_key(parts, state).await?;
        let actor = Actor::Organizer { organizer: organizer.clone(), via: Via::BackOffice };
        Ok(Self(queries::managed_event(state, actor, &key).await?, organizer))
    }
}

/// The `?q=` of a list's search box; empty when absent or malformed.
pub struct Search(pub String);

#[derive(serde::Deserialize)]
struct SearchQuery {
    q: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for Search {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let query = Query::<SearchQuery>::from_request_parts(parts, state).await;
        Ok(Self(query.ok().and_then(|Query(search)| search.q).unwrap_or_default()))
    }
}

/// The event's page in the back-office, with `rest` after it.
fn event_path(managed: &ManagedEvent, rest: &str) -> String {
    format!("/admin/events/{}{rest}", managed.event().id)
}

/// The history, newest first, worded in the reader's language; with
/// `with_event`, each entry names its event (the history of every event).
fn history(lang: Lang, lines: &[AuditLine], with_event: bool) -> Markup {
    let a = lang.texts().admin();
    html! {
        ul.history {
            @for line in lines {
                li {
                    (line.at.with_timezone(&Paris).format("%d/%m/%Y %H:%M")) " — " (a.audit_actor(line)) " — "
                    (a.audit_entry(line))
                    @if let (true, Some(event)) = (with_event, &line.event) { " (" (event) ")" }
                }
            }
        }
    }
}

/// A back-office page: the public frame, with the organizer's bar on top.
fn page(lang: Lang, path: &str, title: &str, organizer: &Organizer, csrf: &CsrfToken, content: Markup) -> Markup {
    let t = lang.texts().admin();
    base(
        lang,
        path,
        title,
        html! {
            nav.admin-bar aria-label=(t.back_office) {
                a href="/admin" { (t.my_events) }
                a href="/admin/settings" { (t.settings) }
                a href="/admin/webhooks" { (lang.webhooks().title) }
                @if organizer.role == Role::Admin {
                    a href="/admin/organizers" { (t.organizers) }
                }
                span.who { (organizer.email) }
                form method="post" action="/admin/logout" {
                    input type="hidden" name=(csrf::FIELD) value=(csrf.value());
                    button.link type="submit" { (t.sign_out) }
                }
            }
            (content)
        },
    )
}

/// A password input with its label and, after a refused form, its error
/// (linked by `aria-describedby`); `minlength` lets the browser say "too
/// short" before sending.
fn password_field(
    lang: Lang,
    (name, label, autocomplete): (&'static str, &str, &str),
    errors: &[crate::domain::FieldError],
    minlength: bool,
) -> Markup {
    let message = errors.iter().find(|e| e.field == name).map(|e| lang.texts().field_error(e.kind));
    html! {
        div.field {
            label for=(name) { (label) }
            @if let Some(message) = &message { p.error #(format!("{name}-error")) { (message) } }
            input #(name) name=(name) type="password" required autocomplete=(autocomplete)
                minlength=[minlength.then_some(crate::operations::accounts::MIN_PASSWORD)]
                aria-invalid=[message.as_ref().map(|_| "true")]
                aria-describedby=[message.as_ref().map(|_| format!("{name}-error"))];
        }
    }
}
