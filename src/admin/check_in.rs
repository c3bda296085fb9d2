//! Check-in on the day: a phone-sized page to find people by name or by the
//! code from their confirmation email, and mark them present.

use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use chrono::Utc;
use chrono_tz::Europe::Paris;
use maud::html;
use serde::Deserialize;
use uuid::Uuid;

use super::{Signed, page};
use crate::app::AppState;
use crate::domain::{Organizer, RegistrationStatus};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::organizing::{managed_event, record};
use crate::web::csrf::{self, CsrfToken};

#[derive(Debug, Default, Deserialize)]
pub struct Search {
    q: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    Signed(organizer): Signed,
    Path(id): Path<String>,
    search: Result<Query<Search>, QueryRejection>,
) -> Result<Response, AppError> {
    let query = search.map(|Query(s)| s.q.unwrap_or_default()).unwrap_or_default();
    render(&state, lang, &uri, csrf, &organizer, &id, &query, None).await
}

async fn render(
    state: &AppState,
    lang: Lang,
    uri: &Uri,
    csrf: CsrfToken,
    organizer: &Organizer,
    id: &str,
    query: &str,
    problem: Option<&str>,
) -> Result<Response, AppError> {
    let event = managed_event(state, organizer, id).await?;
    let confirmed: Vec<_> = state
        .store
        .event_registrations(event.id)
        .await?
        .into_iter()
        .filter(|line| line.registration.status == RegistrationStatus::Confirmed)
        .collect();
    let present = confirmed.iter().filter(|line| line.checked_in_at.is_some()).count() as i64;
    let needle = query.trim().to_lowercase();
    let mut shown: Vec<_> = confirmed
        .iter()
        .filter(|line| needle.is_empty() || line.registration.name.to_lowercase().contains(&needle))
        .collect();
    shown.sort_by_cached_key(|line| slug::slugify(&line.registration.name));
    let a = lang.texts().admin();
    let action = format!("/admin/events/{}/check-in", event.id);
    let content = html! {
        p { a href={ "/admin/events/" (event.id) } { "← " (event.title) } }
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
        ul.check-in {
            @for line in shown {
                @let r = &line.registration;
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
    };
    let markup = page(lang, uri.path(), a.check_in, organizer, &csrf, content);
    let status = if problem.is_some() { StatusCode::NOT_FOUND } else { StatusCode::OK };
    Ok((status, csrf, markup).into_response())
}

#[derive(Debug, Deserialize)]
pub struct Mark {
    registration: Option<Uuid>,
    code: Option<String>,
    undo: Option<String>,
    /// The search shown again if the code is unknown.
    q: Option<String>,
    csrf: Option<String>,
}

pub async fn mark(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    jar: CookieJar,
    csrf: CsrfToken,
    Signed(organizer): Signed,
    Path(id): Path<String>,
    form: Result<Form<Mark>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    csrf::verify(&jar, form.csrf.as_deref())?;
    let event = managed_event(&state, &organizer, &id).await?;
    let query = form.q.clone().unwrap_or_default();
    // By code: the one confirmed registration whose derived code matches.
    let target = match (form.registration, form.code.as_deref().map(normalise_code)) {
        (Some(registration), _) => Some(registration),
        (None, Some(code)) if !code.is_empty() => state
            .store
            .event_registrations(event.id)
            .await?
            .into_iter()
            .map(|line| line.registration)
            .filter(|r| r.status == RegistrationStatus::Confirmed)
            .find(|r| normalise_code(&state.keys.check_in_code(r.id)) == code)
            .map(|r| r.id),
        _ => None,
    };
    let at = if form.undo.is_some() { None } else { Some(Utc::now()) };
    let marked = match target {
        Some(registration) => state.store.set_checked_in(event.id, registration, at).await?,
        None => false,
    };
    if !marked {
        let problem = lang.texts().admin().code_unknown;
        return render(&state, lang, &uri, csrf, &organizer, &id, &query, Some(problem)).await;
    }
    let action = if at.is_some() { "checked in" } else { "check-in undone" };
    record(&state, &organizer, event.id, action, &target.map(|r| r.to_string()).unwrap_or_default()).await;
    let anchor = target.map(|r| format!("#r-{r}")).unwrap_or_default();
    Ok(Redirect::to(&format!("/admin/events/{}/check-in{anchor}", event.id)).into_response())
}

/// Codes are typed on phones: case, spaces and dashes do not matter.
fn normalise_code(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}
