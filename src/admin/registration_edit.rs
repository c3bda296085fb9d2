//! An organizer edits a person's details (name, email, institution,
//! level): a typo on the attendance sheet or a certificate, a wrong
//! address. Through `operations::people::edit`, in the event's history.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use uuid::Uuid;

use crate::admin::{Managed, event_path, page};
use crate::domain::{FieldError, Lang, Level, Organizer};
use crate::error::AppError;
use crate::operations::{ManagedEvent, people, queries};
use crate::state::AppState;
use crate::web::csrf::{self, CsrfForm, CsrfToken};
use crate::web::person_form::{self, PersonFields, Shown};

const EVERY_FIELD: Shown = Shown { email: true, level: true };

/// What the page shows: the values, and what went wrong with them.
struct Edit<'a> {
    registration: Uuid,
    values: &'a PersonFields,
    errors: &'a [FieldError],
    notice: Option<&'a str>,
}

fn render(
    lang: Lang,
    uri: &Uri,
    managed: &ManagedEvent,
    edit: &Edit<'_>,
    organizer: &Organizer,
    csrf: &CsrfToken,
) -> Markup {
    let p = lang.people();
    let back = event_path(managed, "#registrations");
    let content = html! {
        h1 { (p.edit_title) }
        p { a href=(back) { (managed.event().title) } }
        p.hint { (p.edit_hint) }
        @if let Some(notice) = edit.notice { p.notice.error role="alert" { (notice) } }
        form method="post" action=(event_path(managed, &format!("/registrations/{}/edit", edit.registration))) {
            input type="hidden" name=(csrf::FIELD) value=(csrf.value());
            // Every level: organizers may place someone outside the event's.
            (person_form::fields(lang, edit.values, edit.errors, EVERY_FIELD, &Level::ALL))
            button type="submit" { (p.edit_button) }
        }
    };
    page(lang, uri.path(), p.edit_title, organizer, csrf, content)
}

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    Managed(managed, organizer): Managed,
    Path((_, registration)): Path<(String, Uuid)>,
) -> Result<Response, AppError> {
    let line = queries::registration_line(&state, &managed, registration).await?;
    if line.registration.anonymised_at.is_some() {
        return Err(AppError::RegistrationNotFound);
    }
    let values = PersonFields::of(&line.registration);
    let edit = Edit { registration, values: &values, errors: &[], notice: None };
    let markup = render(lang, &uri, &managed, &edit, &organizer, &csrf);
    Ok((csrf, markup).into_response())
}

pub async fn save(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    Managed(managed, organizer): Managed,
    Path((_, registration)): Path<(String, Uuid)>,
    CsrfForm(values): CsrfForm<PersonFields>,
) -> Result<Response, AppError> {
    let error = match people::edit(&state, &managed, registration, &values.correction(EVERY_FIELD)).await {
        Ok(_) => return Ok(Redirect::to(&event_path(&managed, "#registrations")).into_response()),
        Err(error) => error,
    };
    let (errors, notice) = person_form::problems(lang, error)?;
    let edit = Edit { registration, values: &values, errors: &errors, notice: notice.as_deref() };
    let markup = render(lang, &uri, &managed, &edit, &organizer, &csrf);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, csrf, markup).into_response())
}
