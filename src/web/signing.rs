//! Signing the attendance sheet from one's own page (émargement
//! numérique): during a slot, the person types the six digits shown in the
//! room, which proves they are there.

use axum::extract::{Path, State};
use axum::response::Redirect;
use chrono::{DateTime, Utc};
use maud::{Markup, html};
use serde::Deserialize;

use super::csrf::{self, CsrfForm, CsrfToken};
use crate::domain::{Event, Lang, Registration, RegistrationStatus, Slot};
use crate::error::AppError;
use crate::operations::{attendance, queries};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct Code {
    code: Option<String>,
}

/// Signs, then back to the person's page, which says how it went.
pub async fn sign(
    State(state): State<AppState>,
    Path(token): Path<String>,
    CsrfForm(form): CsrfForm<Code>,
) -> Result<Redirect, AppError> {
    let done = match attendance::sign(&state, &token, form.code.as_deref().unwrap_or_default()).await {
        Ok(_) => "signed",
        Err(AppError::Validation(_)) => "wrong-code",
        Err(other) => return Err(other),
    };
    Ok(Redirect::to(&format!("/r/{token}?done={done}")))
}

/// What the person's page shows about signing: the slot open now, if any,
/// and the slots they signed for.
pub struct Signing {
    open: Option<Slot>,
    signed: Vec<(String, DateTime<Utc>)>,
}

impl Signing {
    pub async fn of(state: &AppState, registration: &Registration, event: &Event) -> Result<Self, AppError> {
        if registration.status != RegistrationStatus::Confirmed {
            return Ok(Self { open: None, signed: Vec::new() });
        }
        let signatures = queries::signatures(state, registration.id).await?;
        let lang = Lang::from_code(&event.language).unwrap_or_default();
        let slots = event.slots();
        let signed =
            slots.iter().filter_map(|slot| signatures.get(&slot.id()).map(|at| (slot.label(lang), *at))).collect();
        let open =
            attendance::signing_slot(event, state.clock.now()).filter(|slot| !signatures.contains_key(&slot.id()));
        Ok(Self { open, signed })
    }

    pub fn render(&self, lang: Lang, token: &str, csrf: &CsrfToken) -> Markup {
        let t = lang.texts();
        html! {
            @if let Some(slot) = &self.open {
                section.signing {
                    h2 { ((t.sign_title)(&slot.label(lang))) }
                    form method="post" action={ "/r/" (token) "/signatures" } {
                        input type="hidden" name=(csrf::FIELD) value=(csrf.value());
                        div.field {
                            label for="signature-code" { (t.sign_code_label) }
                            input.code #signature-code name="code" type="text" inputmode="numeric" autocomplete="off" maxlength="7" required;
                        }
                        button type="submit" { (t.sign_button) }
                    }
                }
            }
            @if !self.signed.is_empty() {
                ul.signed {
                    @for (label, at) in &self.signed { li { ((t.signed_at)(label, &t.time(*at))) } }
                }
            }
        }
    }
}
