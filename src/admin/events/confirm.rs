//! The pages that ask before what cannot be undone: cancelling an event,
//! taking someone off it. Each says what will happen and holds the one form
//! that does it; the event's page only links here.

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use uuid::Uuid;

use crate::admin::{Managed, event_path, page};
use crate::domain::Lang;
use crate::error::AppError;
use crate::operations::queries;
use crate::state::AppState;
use crate::web::csrf::{self, CsrfToken};

pub async fn ask_cancel(
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    Managed(managed, organizer): Managed,
) -> Result<Response, AppError> {
    let a = lang.texts().admin();
    let event = managed.event();
    let told = event.confirmed_count + event.waitlisted_count;
    let content = asking(
        lang,
        &event_path(&managed, ""),
        "cancel",
        a.cancel_event_confirm,
        &csrf,
        html! {
            h1 { (a.cancel_event_title) }
            p { strong { (event.title) } }
            p { ((a.cancel_event_consequence)(told)) }
        },
    );
    let markup = page(lang, uri.path(), a.cancel_event_title, &organizer, &csrf, content);
    Ok((csrf, markup).into_response())
}

pub async fn ask_remove(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    Managed(managed, organizer): Managed,
    Path((_, registration)): Path<(String, Uuid)>,
) -> Result<Response, AppError> {
    let a = lang.texts().admin();
    let line = queries::registration_line(&state, &managed, registration).await?;
    let person = lang.people().name(&line.registration);
    let path = format!("registrations/{registration}/remove");
    let content = asking(
        lang,
        &event_path(&managed, ""),
        &path,
        a.remove_confirm,
        &csrf,
        html! {
            h1 { ((a.remove_title)(person)) }
            p { (a.remove_consequence) }
        },
    );
    let markup = page(lang, uri.path(), a.remove, &organizer, &csrf, content);
    Ok((csrf, markup).into_response())
}

/// `question`, then the form posting to `{base}/{path}`, with the
/// optional words to the people concerned, and the way back.
fn asking(lang: Lang, base: &str, path: &str, label: &str, csrf: &CsrfToken, question: Markup) -> Markup {
    let a = lang.texts().admin();
    html! {
        (question)
        form method="post" action={ (base) "/" (path) } {
            input type="hidden" name=(csrf::FIELD) value=(csrf.value());
            div.field {
                label for="message" { (a.note_label) }
                p.hint #message-hint { (a.note_hint) }
                textarea #message name="message" rows="4" maxlength="2000" aria-describedby="message-hint" {}
            }
            button.danger type="submit" { (label) }
        }
        p { a href=(base) { (a.keep_as_is) } }
    }
}
