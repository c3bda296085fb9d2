//! `/admin`: the events an organizer manages.

use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
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
    let content = render(lang, events, state.clock.now());
    let markup = page(lang, uri.path(), lang.texts().admin().my_events, &organizer, &csrf, content);
    Ok((csrf, markup).into_response())
}

/// Those to come first, the soonest at the top (what needs work next),
/// then those past, the latest at the top.
fn render(lang: Lang, events: Vec<Event>, now: DateTime<Utc>) -> Markup {
    let a = lang.texts().admin();
    let (mut coming, mut past): (Vec<Event>, Vec<Event>) = events.into_iter().partition(|e| e.ends_at >= now);
    coming.sort_by(|x, y| (x.starts_at, &x.title).cmp(&(y.starts_at, &y.title)));
    past.sort_by_key(|e| std::cmp::Reverse(e.starts_at));
    html! {
        h1 { (a.my_events) }
        p { a.button href="/admin/events/new" { (a.new_event) } }
        @if coming.is_empty() && past.is_empty() {
            p.notice { (a.no_events) }
        }
        @if !coming.is_empty() {
            h2 { (a.coming_events) }
            (cards(lang, &coming))
        }
        @if !past.is_empty() {
            h2 { (a.past_events) }
            (cards(lang, &past))
        }
    }
}

fn cards(lang: Lang, events: &[Event]) -> Markup {
    let t = lang.texts();
    let a = t.admin();
    html! {
        ul.events {
            @for event in events {
                // A duplicate keeps its original's title: say which is the copy.
                @let copy = events.iter().any(|other| other.title == event.title && other.starts_at < event.starts_at);
                li {
                    article.event {
                        p.kind {
                            (t.kind(event.kind)) " · " (status_label(a, event.status))
                            @if copy { " · " (a.copy_mark) }
                        }
                        h3 { a href={ "/admin/events/" (event.id) } { (event.title) } }
                        p { (t.sessions(&event.sessions)) }
                        p { ((a.counts)(event.confirmed_count, event.capacity, event.waitlisted_count)) }
                    }
                }
            }
        }
    }
}
