//! Public HTML pages: the catalogue, an event with its sign-up form, the
//! page behind each person's cancel link, and the privacy notice.

mod catalogue;
mod certificates;
pub mod csrf;
pub mod errors;
mod event_page;
pub mod layout;
mod my_data;
pub mod person_form;
mod privacy;
mod registration_page;
mod signing;

use axum::Router;
use axum::extract::{FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::error::AppError;
use crate::negotiate::{LANG_COOKIE, query_lang};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(catalogue::show))
        .route("/calendar.ics", get(catalogue::feed))
        .route("/events/{slug}/event.ics", get(event_page::calendar_file))
        .route("/events/{slug}", get(event_page::show).post(event_page::sign_up))
        .route("/r/{token}", get(registration_page::show))
        .route("/r/{token}/cancel", get(registration_page::ask_cancel).post(registration_page::cancel))
        .route("/r/{token}/details", get(my_data::ask_correct).post(my_data::correct))
        .route("/r/{token}/transfer", get(my_data::ask_transfer).post(my_data::transfer))
        .route("/r/{token}/erase", get(my_data::ask_erase).post(my_data::erase))
        .route("/mes-inscriptions", get(my_data::ask_links).post(my_data::send_links))
        .route("/r/{token}/signatures", post(signing::sign))
        .route("/r/{token}/certificate.pdf", get(certificates::download))
        .route("/verify/{id}", get(certificates::verify))
        .route("/privacy", get(privacy::show))
        .route("/r/{token}/release", get(registration_page::ask_release))
        .route("/r/{token}/accept", get(registration_page::ask_accept).post(registration_page::accept))
        .route(
            "/r/{token}/attendance",
            get(registration_page::ask_attendance).post(registration_page::confirm_attendance),
        )
        .route("/static/style.css", get(stylesheet))
        .route("/static/favicon.svg", get(favicon))
        // Where browsers look for one by themselves.
        .route("/favicon.ico", get(|| async { Redirect::permanent("/static/favicon.svg") }))
        .layer(middleware::from_fn(remember_language))
}

/// `?lang=xx` switches language for the following pages too.
async fn remember_language(request: Request, next: Next) -> Response {
    let chosen = query_lang(request.uri());
    let mut response = next.run(request).await;
    if let Some(lang) = chosen {
        // A year: the choice outlives the visit.
        let cookie = format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", lang.code());
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// The path's `{id}`: the event that back-office pages and organizer API
/// calls are about.
pub async fn event_key(parts: &mut Parts, state: &AppState) -> Result<String, AppError> {
    let params = RawPathParams::from_request_parts(parts, state).await.map_err(|_| AppError::PageNotFound)?;
    params.iter().find(|(name, _)| *name == "id").map(|(_, value)| value.to_owned()).ok_or(AppError::PageNotFound)
}

async fn favicon() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=86400")],
        include_str!("favicon.svg"),
    )
}

async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("style.css"),
    )
}
