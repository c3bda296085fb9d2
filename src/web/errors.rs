//! Error responses written for the request they answer: JSON under /api,
//! a page in the reader's language elsewhere.
//!
//! Extractors that refuse a request (a path that is not UTF-8, a query or a
//! body of the wrong shape, from axum or axum-extra) answer in plain text
//! of their own. Rather than wrap each extractor, this one place turns any
//! plain-text error answer into an `AppError` of the same status: it holds
//! for every extractor, and for those added later. The app itself never
//! answers an error in plain text.

use std::sync::Arc;

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
    let status = response.status();
    let kept: Vec<_> = [header::WWW_AUTHENTICATE, header::RETRY_AFTER]
        .into_iter()
        .filter_map(|name| response.headers().get(&name).cloned().map(|value| (name, value)))
        .collect();
    let error = match response.extensions().get::<Rendered>() {
        Some(Rendered(error)) => error.clone(),
        None if is_rejection(&response) => Arc::new(rejection(response, is_api).await),
        None => return response,
    };
    if let (AppError::SignInRequired, Some(path), false) = (&*error, asked_for, is_api) {
        return Redirect::to(&sign_in_path(&path)).into_response();
    }
    let mut rendered = if is_api {
        axum::Json(error.to_json(lang)).into_response()
    } else {
        page(lang, status, &error.message(lang.texts())).into_response()
    };
    *rendered.status_mut() = status;
    for (name, value) in kept {
        rendered.headers_mut().insert(name, value);
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

/// An error answered in plain text: an extractor's rejection.
fn is_rejection(response: &Response) -> bool {
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"));
    plain && (response.status().is_client_error() || response.status().is_server_error())
}

/// The error a rejection stands for. Its text (axum's, in English) helps
/// an API client fix the request; on a page it would only puzzle.
async fn rejection(response: Response, is_api: bool) -> AppError {
    let status = response.status();
    let detail = match axum::body::to_bytes(response.into_body(), 4096).await {
        Ok(bytes) if is_api => String::from_utf8_lossy(&bytes).into_owned(),
        _ => String::new(),
    };
    match status {
        StatusCode::NOT_FOUND => AppError::PageNotFound,
        StatusCode::METHOD_NOT_ALLOWED => AppError::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::UnsupportedMediaType,
        StatusCode::UNPROCESSABLE_ENTITY => AppError::InvalidData(detail),
        status if status.is_server_error() => {
            // A route and its extractor that disagree: ours to fix.
            tracing::error!(%status, "an extractor failed");
            AppError::Internal(anyhow::anyhow!("an extractor failed with {status}"))
        }
        _ => AppError::BadRequest(detail),
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
