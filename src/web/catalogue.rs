//! `/`: upcoming events, soonest first, filtered by kind and level.

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{Uri, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::layout::{base, event_facts, seats};
use crate::domain::Lang;
use crate::domain::{Event, EventKind, EventStatus, Level};
use crate::error::AppError;
use crate::operations::queries;
use crate::state::AppState;
use crate::store::EventFilter;

#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    kind: Option<String>,
    level: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    filters: Result<Query<Filters>, QueryRejection>,
) -> Result<Response, AppError> {
    let filters = filters.map(|Query(f)| f).unwrap_or_default();
    // Unknown filter values (an old link, a typo) show everything rather than an error.
    let filter = EventFilter {
        kind: filters.kind.as_deref().and_then(EventKind::from_code),
        level: filters.level.as_deref().and_then(Level::from_code),
        with_cancelled: true,
    };
    // The page depends on the language, the filters and the path only
    // (the path is always `/` here, kept in the key in case that changes).
    let key = format!(
        "html {} {} {} {}",
        lang.code(),
        filter.kind.map_or("", EventKind::code),
        filter.level.map_or("", Level::code),
        uri.path()
    );
    let page = state
        .caches
        .page(&key, || async {
            let events = queries::upcoming(&state, &filter).await?;
            Ok::<_, AppError>(Bytes::from(render(lang, uri.path(), &filter, &events).into_string()))
        })
        .await?;
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response())
}

fn render(lang: Lang, path: &str, filter: &EventFilter, events: &[Event]) -> Markup {
    let t = lang.texts();
    base(
        lang,
        path,
        t.catalogue_title,
        html! {
            h1 { (t.catalogue_title) }
            form.filters method="get" action="/" {
                div.field {
                    label for="kind" { (t.filter_kind) }
                    select #kind name="kind" {
                        option value="" { (t.filter_all) }
                        @for kind in EventKind::ALL {
                            option value=(kind.code()) selected[filter.kind == Some(kind)] { (t.kind(kind)) }
                        }
                    }
                }
                div.field {
                    label for="level" { (t.filter_level) }
                    select #level name="level" {
                        option value="" { (t.filter_all) }
                        @for level in Level::ALL {
                            option value=(level.code()) selected[filter.level == Some(level)] { (t.level(level)) }
                        }
                    }
                }
                button type="submit" { (t.filter_submit) }
            }
            @if events.is_empty() {
                p.notice { (t.no_events) }
            } @else {
                ul.events {
                    @for event in events {
                        li {
                            article.event {
                                p.kind { (t.kind(event.kind)) }
                                h2 { a href={ "/events/" (event.slug) } { (event.title) } }
                                (event_facts(t, event))
                                @if event.status == EventStatus::Cancelled {
                                    p { span.seats.full { (t.cancelled_mark) } }
                                } @else {
                                    p { (seats(t, event)) }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}
