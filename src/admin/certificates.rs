//! The back-office after the door: the trainer signs each slot (on the
//! check-in page), and organizers send certificates of attendance again,
//! to everyone who attended or to one person.

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use chrono_tz::Europe::Paris;
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

use super::{Managed, event_path, page};
use crate::domain::{Lang, TrainerSignature};
use crate::error::AppError;
use crate::operations::certificates;
use crate::state::AppState;
use crate::store::Recipients;
use crate::web::csrf::{self, CsrfForm, CsrfToken, NoFields};

#[derive(Debug, Deserialize)]
pub struct TrainerForm {
    name: Option<String>,
}

/// The trainer signs the slot; back to its check-in page, which shows the
/// signature (or why there is none).
pub async fn sign_as_trainer(
    State(state): State<AppState>,
    Managed(managed, _): Managed,
    Path((_, slot)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<TrainerForm>,
) -> Result<Redirect, AppError> {
    let name = form.name.unwrap_or_default();
    let flag = match certificates::sign_as_trainer(&state, &managed, &slot, &name).await {
        Ok(_) => "",
        Err(AppError::Validation(errors)) if errors.iter().all(|e| e.field == "name") => "&trainer=invalid",
        Err(other) => return Err(other),
    };
    Ok(Redirect::to(&event_path(&managed, &format!("/check-in?slot={slot}{flag}#trainer"))))
}

/// The trainer's part of a slot's check-in page.
pub fn trainer_section(
    lang: Lang,
    action: &str,
    signature: Option<&TrainerSignature>,
    invalid: bool,
    csrf: &CsrfToken,
) -> Markup {
    let a = lang.certificate_admin();
    html! {
        section.trainer #trainer {
            h2 { (a.trainer_title) }
            @if let Some(signed) = signature {
                @let time = signed.signed_at.with_timezone(&Paris).format("%H:%M").to_string();
                p.notice.success role="status" {
                    ((a.trainer_signed)(&signed.name, &time, signed.by.as_deref().unwrap_or("—")))
                }
            } @else {
                p.hint { (a.trainer_hint) }
                @if invalid { p.notice.error role="alert" #trainer-error { (a.trainer_invalid) } }
                form method="post" action=(action) {
                    input type="hidden" name=(csrf::FIELD) value=(csrf.value());
                    div.field {
                        label for="trainer-name" { (a.trainer_name) }
                        input #trainer-name name="name" type="text" required maxlength="120" autocomplete="name"
                            aria-invalid=[invalid.then_some("true")] aria-describedby=[invalid.then_some("trainer-error")];
                    }
                    button type="submit" { (a.trainer_button) }
                }
            }
        }
    }
}

/// Sends every attendee's certificate again, then says how many.
pub async fn send_all(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    Managed(managed, organizer): Managed,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let sent = certificates::send(&state, &managed, Recipients::Everyone).await?;
    let a = lang.certificate_admin();
    let content = html! {
        p { a href=(event_path(&managed, "")) { "← " (managed.event().title) } }
        h1 { (a.title) }
        p.notice.success role="status" { ((a.sent)(sent)) }
    };
    let markup = page(lang, uri.path(), a.title, &organizer, &csrf, content);
    Ok((csrf, markup).into_response())
}

/// Sends one person's certificate again.
pub async fn send_one(
    State(state): State<AppState>,
    Managed(managed, _): Managed,
    Path((_, registration)): Path<(String, Uuid)>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Redirect, AppError> {
    certificates::send(&state, &managed, Recipients::One(registration)).await?;
    Ok(Redirect::to(&event_path(&managed, "#registrations")))
}

/// The event page's part about certificates.
pub fn certificates_section(lang: Lang, action: &str, csrf: &CsrfToken) -> Markup {
    let a = lang.certificate_admin();
    html! {
        section #certificates {
            h2 { (a.title) }
            p.hint { (a.hint) }
            form method="post" action=(action) {
                input type="hidden" name=(csrf::FIELD) value=(csrf.value());
                button type="submit" { (a.send_all) }
            }
        }
    }
}
