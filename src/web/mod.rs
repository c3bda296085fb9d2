//! Public HTML pages: the catalogue, an event with its sign-up form, and the
//! page behind each person's cancel link.

mod catalogue;
pub mod csrf;
mod event_page;
pub mod layout;
mod registration_page;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::app::AppState;
use crate::negotiate::{LANG_COOKIE, query_lang};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(catalogue::show))
        .route("/events/{slug}", get(event_page::show).post(event_page::sign_up))
        .route("/r/{token}", get(registration_page::show))
        .route("/r/{token}/cancel", post(registration_page::cancel))
        .route("/static/style.css", get(stylesheet))
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

async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("style.css"),
    )
}
