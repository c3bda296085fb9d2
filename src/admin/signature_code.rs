//! The code attendees sign with during a slot, large enough for a
//! projector. It changes every minute; the page reloads itself (a
//! `Refresh` header: no script needed).

use axum::extract::{Path, State};
use axum::http::{Uri, header};
use axum::response::{IntoResponse, Response};
use chrono_tz::Europe::Paris;
use maud::html;

use super::{Managed, event_path, page};
use crate::domain::Lang;
use crate::error::AppError;
use crate::operations::attendance;
use crate::state::AppState;
use crate::web::csrf::CsrfToken;

/// Seconds between reloads: a new code is on screen within this of its
/// minute starting, and the one before is still taken meanwhile.
const RELOAD_SECONDS: &str = "15";

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    Managed(managed, organizer): Managed,
    Path((_, slot)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let slot = attendance::slot_of(&managed, Some(&slot), now)?;
    let (code, until) = attendance::signature_code(&state, managed.event(), &slot, now);
    let a = lang.texts().admin();
    let content = html! {
        p { a href=(event_path(&managed, &format!("/check-in?slot={}", slot.id()))) { "← " (a.check_in) } }
        h1 { (managed.event().title) " — " (slot.label(lang)) }
        p.hint { (a.signature_code_hint) }
        p.signature-code aria-live="polite" { (code) }
        p.hint { ((a.signature_code_until)(&until.with_timezone(&Paris).format("%H:%M").to_string())) }
    };
    let markup = page(lang, uri.path(), a.signature_code_title, &organizer, &csrf, content);
    Ok(([(header::REFRESH, RELOAD_SECONDS)], csrf, markup).into_response())
}
