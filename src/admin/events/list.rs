//! `/admin`: the events an organizer manages.

use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use super::status_label;
use crate::admin::{Signed, page};
use crate::domain::{Event, Lang};
use crate::error::AppError;
use crate::operations::queries;
use crate::state::AppState;
use crate::web::csrf::CsrfToken;

pub async fn list(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    Signed(organizer): Signed,
) -> Result<Response, AppError> {
    let events = queries::managed_events(&state, &organizer).await?;
    let markup = page(lang, uri.path(), lang.texts().admin().my_events, &organizer, &csrf, render(lang, &events));
    Ok((csrf, markup).into_response())
}

fn render(lang: Lang, events: &[Event]) -> Markup {
    let t = lang.texts();
    let a = t.admin();
    html! {
        h1 { (a.my_events) }
        p { a.button href="/admin/events/new" { (a.new_event) } }
        @if events.is_empty() {
            p.notice { (a.no_events) }
        } @else {
            ul.events {
                @for event in events {
                    li {
                        article.event {
                            p.kind { (t.kind(event.kind)) " · " (status_label(a, event.status)) }
                            h2 { a href={ "/admin/events/" (event.id) } { (event.title) } }
                            p { (t.sessions(&event.sessions)) }
                            p { ((a.counts)(event.confirmed_count, event.capacity, event.waitlisted_count)) }
                        }
                    }
                }
            }
        }
    }
}
