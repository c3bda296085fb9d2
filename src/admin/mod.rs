//! The organizers' back-office: sign-in, their events, attendee lists,
//! exports. Every page needs a signed-in organizer (401 otherwise) who
//! manages the event (403 otherwise).

mod check_in;
mod event_form;
mod events;
mod login;
mod organizers;
mod settings;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use chrono::Utc;
use maud::{Markup, html};

use crate::app::AppState;
use crate::domain::Organizer;
use crate::error::AppError;
use crate::i18n::Lang;
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
        .route("/admin/organizers", get(organizers::list).post(organizers::create))
        .route("/admin/events/{id}/organizers", post(organizers::add_to_event))
        .route("/admin/events/new", get(events::new).post(events::create))
        .route("/admin/events/{id}", get(events::show))
        .route("/admin/events/{id}/edit", get(events::edit).post(events::update))
        .route("/admin/events/{id}/status", post(events::set_status))
        .route("/admin/events/{id}/duplicate", post(events::duplicate))
        .route("/admin/events/{id}/cancel", post(events::cancel))
        .route("/admin/events/{id}/registrations/{registration}/remove", post(events::remove))
        .route("/admin/events/{id}/registrations/{registration}/resend", post(events::resend))
        .route("/admin/events/{id}/registrations/{registration}/confirm", post(events::confirm))
        .route("/admin/events/{id}/check-in", get(check_in::show).post(check_in::mark))
        .route("/admin/events/{id}/message", post(events::message))
        .route("/admin/events/{id}/attendees.csv", get(events::export_csv))
        .route("/admin/events/{id}/attendees.xlsx", get(events::export_xlsx))
        .route("/admin/events/{id}/attendance-sheet.pdf", get(events::export_sheet))
}

/// The organizer signed in through the session cookie.
pub struct Signed(pub Organizer);

impl FromRequestParts<AppState> for Signed {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let token = CookieJar::from_headers(&parts.headers)
            .get(SESSION_COOKIE)
            .and_then(|c| Token::parse(c.value()))
            .ok_or(AppError::SignInRequired)?;
        let organizer =
            state.store.organizer_by_session(&token.hash(), Utc::now()).await?.ok_or(AppError::SignInRequired)?;
        Ok(Self(organizer))
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
                @if organizer.role == crate::domain::Role::Admin {
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
