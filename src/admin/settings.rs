//! An organizer's own preferences: which emails they want.

use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;

use super::{Signed, page};
use crate::domain::{Lang, Organizer};
use crate::error::AppError;
use crate::operations::accounts;
use crate::state::AppState;
use crate::web::csrf::{self, CsrfForm, CsrfToken};

pub async fn show(lang: Lang, uri: Uri, csrf: CsrfToken, Signed(organizer): Signed) -> Response {
    render(lang, &uri, csrf, &organizer, false)
}

fn render(lang: Lang, uri: &Uri, csrf: CsrfToken, organizer: &Organizer, saved: bool) -> Response {
    let a = lang.texts().admin();
    let content = html! {
        h1 { (a.settings) }
        @if saved { p.notice.success role="status" { (a.settings_saved) } }
        form method="post" action="/admin/settings" {
            input type="hidden" name=(csrf::FIELD) value=(csrf.value());
            div.field.checkbox {
                input #on_cancel type="checkbox" name="on_cancel" value="yes" checked[organizer.notify_on_cancel];
                label for="on_cancel" { (a.notify_on_cancel) }
            }
            div.field.checkbox {
                input #when_full type="checkbox" name="when_full" value="yes" checked[organizer.notify_when_full];
                label for="when_full" { (a.notify_when_full) }
            }
            button type="submit" { (a.save) }
        }
    };
    let markup = page(lang, uri.path(), a.settings, organizer, &csrf, content);
    (csrf, markup).into_response()
}

#[derive(Debug, Deserialize)]
pub struct Preferences {
    on_cancel: Option<String>,
    when_full: Option<String>,
}

pub async fn save(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    Signed(organizer): Signed,
    CsrfForm(form): CsrfForm<Preferences>,
) -> Result<Response, AppError> {
    let organizer =
        accounts::set_notifications(&state, organizer, form.on_cancel.is_some(), form.when_full.is_some()).await?;
    Ok(render(lang, &uri, csrf, &organizer, true))
}
