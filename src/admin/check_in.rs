//! Check-in on the day: a phone-sized page to find people by name or by the
//! code from their confirmation email, and mark them present.

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use chrono_tz::Europe::Paris;
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

use super::{Managed, Search, event_path, page};
use crate::domain::{AttendeeLine, Lang, RegistrationStatus};
use crate::error::AppError;
use crate::operations::attendance::{self, Arrival};
use crate::operations::{ManagedEvent, queries};
use crate::state::AppState;
use crate::web::csrf::{self, CsrfForm, CsrfToken};

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    Managed(managed, organizer): Managed,
    Search(query): Search,
) -> Result<Response, AppError> {
    let confirmed = confirmed(&state, &managed).await?;
    let content = render(lang, &managed, &confirmed, &query, None, &csrf);
    let markup = page(lang, uri.path(), lang.texts().admin().check_in, &organizer, &csrf, content);
    Ok((csrf, markup).into_response())
}

#[derive(Debug, Deserialize)]
pub struct Mark {
    registration: Option<Uuid>,
    code: Option<String>,
    undo: Option<String>,
    /// The search shown again if the code is unknown.
    q: Option<String>,
}

pub async fn mark(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    Managed(managed, organizer): Managed,
    CsrfForm(form): CsrfForm<Mark>,
) -> Result<Response, AppError> {
    let arrival = match form.registration {
        Some(registration) => Arrival::Registration(registration),
        None => Arrival::Code(form.code.unwrap_or_default()),
    };
    if let Some(marked) = attendance::check_in(&state, &managed, arrival, form.undo.is_some()).await? {
        return Ok(Redirect::to(&event_path(&managed, &format!("/check-in#r-{marked}"))).into_response());
    }
    let a = lang.texts().admin();
    let confirmed = confirmed(&state, &managed).await?;
    let query = form.q.unwrap_or_default();
    let content = render(lang, &managed, &confirmed, &query, Some(a.code_unknown), &csrf);
    let markup = page(lang, uri.path(), a.check_in, &organizer, &csrf, content);
    Ok((StatusCode::NOT_FOUND, csrf, markup).into_response())
}

async fn confirmed(state: &AppState, managed: &ManagedEvent) -> Result<Vec<AttendeeLine>, AppError> {
    let lines = queries::registrations(state, managed).await?;
    Ok(lines.into_iter().filter(|line| line.registration.status == RegistrationStatus::Confirmed).collect())
}

fn render(
    lang: Lang,
    managed: &ManagedEvent,
    confirmed: &[AttendeeLine],
    query: &str,
    problem: Option<&str>,
    csrf: &CsrfToken,
) -> Markup {
    let a = lang.texts().admin();
    let present = confirmed.iter().filter(|line| line.checked_in_at.is_some()).count() as i64;
    let needle = query.trim().to_lowercase();
    let mut shown: Vec<_> = confirmed
        .iter()
        .filter(|line| needle.is_empty() || line.registration.name.to_lowercase().contains(&needle))
        .collect();
    shown.sort_by_cached_key(|line| slug::slugify(&line.registration.name));
    let action = event_path(managed, "/check-in");
    html! {
        p { a href=(event_path(managed, "")) { "← " (managed.event().title) } }
        h1 { (a.check_in) }
        p { strong { ((a.present_count)(present, confirmed.len() as i64)) } }
        @if let Some(problem) = problem { p.notice.error role="alert" { (problem) } }
        form.filters method="post" action=(action) {
            input type="hidden" name=(csrf::FIELD) value=(csrf.value());
            div.field {
                label for="code" { (a.check_in_code_label) }
                input #code name="code" type="text" autocomplete="off" autocapitalize="characters" inputmode="text";
            }
            button type="submit" { (a.check_in_button) }
        }
        form.filters method="get" action=(action) {
            div.field {
                label for="q" { (a.search_label) }
                input #q name="q" type="search" value=(query);
            }
            button type="submit" { (a.search) }
        }
        ul.check-in { @for line in shown { (person(lang, &action, line, csrf)) } }
    }
}

fn person(lang: Lang, action: &str, line: &AttendeeLine, csrf: &CsrfToken) -> Markup {
    let a = lang.texts().admin();
    let r = &line.registration;
    html! {
        li #{ "r-" (r.id) } {
            span.name { (r.name) }
            @if let Some(institution) = &r.institution { " " span.hint { (institution) } }
            form.inline method="post" action=(action) {
                input type="hidden" name=(csrf::FIELD) value=(csrf.value());
                input type="hidden" name="registration" value=(r.id);
                @match line.checked_in_at {
                    Some(at) => {
                        span.seats.open { ((a.checked_in)(&at.with_timezone(&Paris).format("%H:%M").to_string())) }
                        " "
                        input type="hidden" name="undo" value="yes";
                        button.link type="submit" { (a.undo_check_in) }
                    }
                    None => { button type="submit" aria-label={ (a.check_in_button) " : " (r.name) } { (a.check_in_button) } }
                }
            }
        }
    }
}
