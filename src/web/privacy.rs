//! `/privacy`: the privacy notice people consent to at sign-up (its version
//! is recorded with each registration), linked from every public page's
//! footer, the sign-up form and every email. Who and how long come from the
//! settings, so the notice says what the service actually does.

use axum::extract::State;
use axum::http::Uri;
use maud::{Markup, html};

use super::layout::base;
use crate::domain::{Lang, NOTICE_VERSION, PrivacySettings};
use crate::state::AppState;

/// `GET /privacy`.
pub async fn show(State(state): State<AppState>, lang: Lang, uri: Uri) -> Markup {
    base(lang, uri.path(), lang.privacy().title, render(lang, &state.privacy))
}

fn render(lang: Lang, settings: &PrivacySettings) -> Markup {
    let w = lang.privacy();
    let retention = &settings.retention;
    html! {
        h1 { (w.title) }
        p { (w.intro) }
        h2 { (w.who_title) }
        p {
            (w.controller_is) " "
            @match &settings.controller {
                Some(controller) => strong { (controller) },
                None => (w.controller_unset),
            }
            "."
        }
        @match &settings.contact {
            // A contact may be an address on several lines.
            Some(contact) => p { (w.contact_is) @for line in contact.lines() { br; strong { (line) } } },
            None => p { (w.contact_unset) },
        }
        h2 { (w.what_title) }
        p { (w.what_intro) }
        ul { @for item in w.collected { li { (item) } } }
        h2 { (w.why_title) }
        ul { @for purpose in w.purposes { li { (purpose) } } }
        h2 { (w.basis_title) }
        p { (w.basis) }
        h2 { (w.retention_title) }
        ul {
            li { ((w.after_event)(retention.days_after_event)) }
            li { ((w.after_cancellation)(retention.days_after_cancellation)) }
            li { ((w.sent_bodies)(retention.days_for_sent_bodies)) }
        }
        p { (w.afterwards) }
        h2 { (w.rights_title) }
        p { (w.rights_intro) }
        ul { @for right in w.rights { li { (right) } } }
        p { (w.lost_link) " " a href="/mes-inscriptions" { (w.lost_link_action) } "." }
        p { (w.complaint) " " a href="https://www.cnil.fr" { "www.cnil.fr" } "." }
        p.hint { ((w.version)(NOTICE_VERSION)) }
    }
}
