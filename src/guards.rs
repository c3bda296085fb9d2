//! Rules every request and answer follow, whatever the route: the size of
//! a body, and which answers no cache may keep.

use axum::extract::Request;
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

/// Requests carry a few short fields; anything larger is refused early.
pub const MAX_BODY: usize = 64 * 1024;

/// Refuses at once a body declared larger than `MAX_BODY`. The body
/// extractors enforce the limit too, but only as the body arrives: a client
/// that declares ten gigabytes and sends nothing would hold the request
/// until the time limit.
pub async fn declared_size(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match declared {
        Some(length) if length > MAX_BODY as u64 => AppError::PayloadTooLarge.into_response(),
        _ => next.run(request).await,
    }
}

/// Marks answers that carry personal data or an organizer's view as
/// `Cache-Control: no-store`, so that no browser, proxy or shared computer
/// keeps them: the back office and its exports, a person's pages behind
/// their link (`/r/…`, certificates' verification), the organizer API (any
/// request with credentials), a person's data in the API, and the answer to
/// any change (a sign-up's carries the person's link). An answer that says
/// otherwise (the stylesheet) keeps its own header.
pub async fn no_store(request: Request, next: Next) -> Response {
    let private = is_private(&request);
    let mut response = next.run(request).await;
    if private {
        response.headers_mut().entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    }
    response
}

fn is_private(request: &Request) -> bool {
    const PRIVATE: [&str; 5] = ["/admin", "/r/", "/verify/", "/api/v1/registrations/", "/api/v1/registration-links"];
    let path = request.uri().path();
    PRIVATE.iter().any(|prefix| path.starts_with(prefix))
        || request.headers().contains_key(header::AUTHORIZATION)
        || !matches!(*request.method(), Method::GET | Method::HEAD)
}
