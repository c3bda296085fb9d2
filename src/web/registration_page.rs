//! `/r/{token}`: a person's own registration, reached from the link they
//! were given, with the button to cancel it.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::csrf::{self, CsrfForm, CsrfToken, NoFields};
use super::layout::{base, event_facts};
use crate::domain::{Event, Lang, Registration, RegistrationStatus};
use crate::error::AppError;
use crate::operations::{queries, registrations};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct Flags {
    /// Set on the redirect right after signing up.
    new: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    Path(token): Path<String>,
    flags: Result<Query<Flags>, QueryRejection>,
    csrf: CsrfToken,
) -> Result<Response, AppError> {
    let (registration, event) = queries::registration_by_token(&state, &token).await?;
    let just_signed_up = flags.is_ok_and(|Query(f)| f.new.is_some());
    let can_cancel = registration.status != RegistrationStatus::Cancelled && state.clock.now() < event.starts_at;
    let shown = Shown { registration: &registration, event: &event, token: &token, just_signed_up, can_cancel };
    let page = base(lang, uri.path(), lang.texts().registration_title, render(lang, &shown, &csrf));
    // A person's own data: not for shared caches or the back button of a
    // shared computer.
    Ok(([(header::CACHE_CONTROL, "no-store")], csrf, page).into_response())
}

/// What the page is about.
struct Shown<'a> {
    registration: &'a Registration,
    event: &'a Event,
    token: &'a str,
    just_signed_up: bool,
    can_cancel: bool,
}

fn render(lang: Lang, shown: &Shown<'_>, csrf: &CsrfToken) -> Markup {
    let t = lang.texts();
    let Shown { registration, event, token, just_signed_up, can_cancel } = *shown;
    html! {
        h1 { (t.registration_title) }
        @if just_signed_up { p.notice.success role="status" { (t.just_signed_up) } }
        @match (registration.status, registration.waitlist_position) {
            (RegistrationStatus::Confirmed, _) => p.status.confirmed { strong { (t.status_confirmed) } },
            (RegistrationStatus::Waitlisted, position) => {
                p.status.waitlisted { strong { ((t.status_waitlisted)(position.unwrap_or(1))) } }
            }
            (RegistrationStatus::Cancelled, _) => p.status.cancelled { strong { (t.status_cancelled) } },
        }
        section.event-summary {
            p.kind { (t.kind(event.kind)) }
            h2 { a href={ "/events/" (event.slug) } { (event.title) } }
            (event_facts(t, event))
            p { (t.registered_as) " " strong { (registration.name) } " (" (registration.email) ")" }
        }
        @if can_cancel {
            p.hint { (t.keep_this_link) }
            form method="post" action={ "/r/" (token) "/cancel" } {
                input type="hidden" name=(csrf::FIELD) value=(csrf.value());
                p { (t.cancel_explanation) }
                button.danger type="submit" { (t.cancel_button) }
            }
        }
        p { a href="/" { (t.back_to_events) } }
    }
}

pub async fn cancel(
    State(state): State<AppState>,
    Path(token): Path<String>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Redirect, AppError> {
    registrations::cancel(&state, &token).await?;
    Ok(Redirect::to(&format!("/r/{token}")))
}
