//! Error responses written for the request they answer: JSON under /api,
//! a page in the reader's language elsewhere.

use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};

use super::layout::base;
use crate::domain::Lang;
use crate::error::{AppError, Rendered};
use crate::negotiate::negotiate;

/// Writes the body of error responses (`AppError`) for the request.
pub async fn render(request: Request, next: Next) -> Response {
    let lang = negotiate(request.uri(), request.headers());
    let is_api = request.uri().path().starts_with("/api");
    // Where an anonymous visitor was going, to come back after signing in.
    let asked_for = (request.method() == Method::GET).then(|| request.uri().to_string());
    let response = next.run(request).await;
    let Some(Rendered(error)) = response.extensions().get::<Rendered>().cloned() else {
        return response;
    };
    if let (AppError::SignInRequired, Some(path), false) = (&*error, asked_for, is_api) {
        return Redirect::to(&sign_in_path(&path)).into_response();
    }
    let status = response.status();
    let mut rendered = if is_api {
        axum::Json(error.to_json(lang)).into_response()
    } else {
        page(lang, status, &error.message(lang.texts())).into_response()
    };
    *rendered.status_mut() = status;
    for name in [header::WWW_AUTHENTICATE, header::RETRY_AFTER] {
        if let Some(value) = response.headers().get(&name) {
            rendered.headers_mut().insert(name, value.clone());
        }
    }
    rendered
}

/// The sign-in page, to come back to `path` after.
pub fn sign_in_path(path: &str) -> String {
    match serde_html_form::to_string([("next", path)]) {
        Ok(query) => format!("/admin/login?{query}"),
        Err(_) => "/admin/login".to_owned(),
    }
}

fn page(lang: Lang, status: StatusCode, message: &str) -> Markup {
    let t = lang.texts();
    let title = if status == StatusCode::NOT_FOUND { t.not_found_title } else { t.error_title };
    base(
        lang,
        "/",
        title,
        html! {
            h1 { (title) }
            p.notice.error role="alert" { (message) }
            @if status == StatusCode::UNAUTHORIZED {
                p { a.button href="/admin/login" { (t.admin().sign_in_button) } }
            }
            p { a href="/" { (t.back_to_events) } }
        },
    )
}
