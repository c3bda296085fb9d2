//! Creating and editing an event through the event form.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use crate::admin::event_form::{self, EventFields};
use crate::admin::{Managed, Signed, event_path, page};
use crate::domain::{FieldError, Lang, Organizer};
use crate::error::AppError;
use crate::operations::{events, queries};
use crate::state::AppState;
use crate::web::csrf::{CsrfForm, CsrfToken};

pub async fn new(lang: Lang, uri: Uri, csrf: CsrfToken, Signed(organizer): Signed) -> Response {
    let title = lang.texts().admin().new_event;
    let values = EventFields::defaults();
    let form = event_form::render(lang, "/admin/events/new", &values, &[], &csrf, true);
    let markup = page(lang, uri.path(), title, &organizer, &csrf, html! { h1 { (title) } (form) });
    (csrf, markup).into_response()
}

/// Who is looking at which form.
struct Viewer<'a> {
    lang: Lang,
    uri: &'a Uri,
    organizer: &'a Organizer,
    csrf: CsrfToken,
}

impl Viewer<'_> {
    /// The event form again with what was typed and what is wrong with it.
    fn invalid(self, title: &str, values: &EventFields, errors: &[FieldError], creating: bool) -> Response {
        let form = event_form::render(self.lang, self.uri.path(), values, errors, &self.csrf, creating);
        self.respond(StatusCode::UNPROCESSABLE_ENTITY, title, html! { h1 { (title) } (form) })
    }

    fn respond(self, status: StatusCode, title: &str, content: Markup) -> Response {
        let Viewer { lang, uri, organizer, csrf } = self;
        let markup = page(lang, uri.path(), title, organizer, &csrf, content);
        (status, csrf, markup).into_response()
    }
}

pub async fn create(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    signed: Signed,
    CsrfForm(values): CsrfForm<EventFields>,
) -> Result<Response, AppError> {
    let organizer = signed.0.clone();
    let viewer = Viewer { lang, uri: &uri, organizer: &organizer, csrf };
    let input = values.to_input(if values.publish.is_some() { "published" } else { "draft" });
    let created = match (input.validate(state.clock.now()), values.unreadable()) {
        (Ok(event), unreadable) if unreadable.is_empty() => {
            events::create(&state, &signed.actor(), event, input.slug.is_some()).await
        }
        (validated, unreadable) => {
            Err(AppError::Validation([unreadable, validated.err().unwrap_or_default()].concat()))
        }
    };
    match created {
        Ok(created) => Ok(Redirect::to(&format!("/admin/events/{}", created.id)).into_response()),
        Err(AppError::Validation(errors)) => Ok(viewer.invalid(lang.texts().admin().new_event, &values, &errors, true)),
        Err(other) => Err(other),
    }
}

/// `?done=duplicated`: the page a copy opens on says what it is.
#[derive(Debug, Default, Deserialize)]
pub struct EditQuery {
    done: Option<String>,
}

pub async fn edit(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    Managed(managed, organizer): Managed,
    query: Result<Query<EditQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let event = &managed.event();
    let values = EventFields::from_event(event, &queries::questions(&state, event).await?);
    let form = event_form::render(lang, uri.path(), &values, &[], &csrf, false);
    let copied = query.is_ok_and(|Query(query)| query.done.as_deref() == Some("duplicated"));
    let notice = html! { @if copied { p.notice.success role="status" { (lang.texts().admin().duplicated_notice) } } };
    let markup =
        page(lang, uri.path(), &event.title, &organizer, &csrf, html! { (notice) h1 { (event.title) } (form) });
    Ok((csrf, markup).into_response())
}

/// Saves the form: its fields over the event as it stands, refused if the
/// event changed since the form was opened (the version it carries). A
/// form without a version (opened before versions existed, or altered) is
/// treated as stale: it carries every field, and would undo any change
/// made meanwhile.
pub async fn update(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    Managed(managed, organizer): Managed,
    CsrfForm(values): CsrfForm<EventFields>,
) -> Result<Response, AppError> {
    let viewer = Viewer { lang, uri: &uri, organizer: &organizer, csrf };
    let title = managed.event().title.clone();
    let input = values.to_input(managed.event().status.code());
    let unreadable = values.unreadable();
    let saved = match input.version {
        _ if !unreadable.is_empty() => Err(AppError::Validation(unreadable)),
        Some(_) => events::update(&state, &managed, input).await,
        None => Err(AppError::EditConflict(Box::new(managed.event().clone()))),
    };
    match saved {
        Ok(_) => Ok(Redirect::to(&event_path(&managed, "")).into_response()),
        Err(AppError::Validation(errors)) => Ok(viewer.invalid(&title, &values, &errors, false)),
        Err(AppError::EditConflict(current)) => {
            let now = EventFields::from_event(&current, &queries::questions(&state, &current).await?);
            let form = event_form::render(lang, uri.path(), &now, &[], &viewer.csrf, false);
            let content = html! { h1 { (title) } (conflict(lang, &values, &now)) (form) };
            Ok(viewer.respond(StatusCode::CONFLICT, &title, content))
        }
        Err(other) => Err(other),
    }
}

/// Why the form shows the event as it now stands, and what the organizer
/// had typed where it differs, so that they can make their change again.
fn conflict(lang: Lang, typed: &EventFields, now: &EventFields) -> Markup {
    let t = lang.texts();
    let a = t.admin();
    let differences = typed.differences(now);
    html! {
        div.notice.error role="alert" {
            p { (t.edit_conflict) }
            @if !differences.is_empty() {
                p { (a.your_changes) }
                ul { @for (field, value) in &differences { li { (a.field_label(field)) " : " (value) } } }
            }
        }
    }
}
