//! `/`: upcoming events, soonest first, filtered by kind and level; and
//! `/calendar.ics`, the same list as a calendar people subscribe to.

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{Uri, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::layout::{base, event_facts, seats};
use crate::calendar;
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
    let filter = event_filter(filters);
    // The page depends on the language, the filters and the path only
    // (the path is always `/` here, kept in the key in case that changes).
    let key = format!("html {} {} {}", lang.code(), filter_key(&filter), uri.path());
    let page = state
        .caches
        .page(&key, || async {
            let events = queries::upcoming(&state, &filter).await?;
            Ok::<_, AppError>(Bytes::from(render(lang, uri.path(), &filter, &events).into_string()))
        })
        .await?;
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response())
}

/// `/calendar.ics`: the catalogue's events (cancelled ones marked so) as
/// an iCalendar feed, with the same filters.
pub async fn feed(
    State(state): State<AppState>,
    lang: Lang,
    filters: Result<Query<Filters>, QueryRejection>,
) -> Result<Response, AppError> {
    let filter = event_filter(filters);
    let key = format!("ics {} {}", lang.code(), filter_key(&filter));
    let feed = state
        .caches
        .page(&key, || async {
            let events = queries::upcoming(&state, &filter).await?;
            let name = lang.texts().calendar_name;
            Ok::<_, AppError>(Bytes::from(calendar::feed(&events, &state.public_url, name, state.clock.now())))
        })
        .await?;
    let headers = [
        (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
        (header::CONTENT_DISPOSITION, "inline; filename=\"atelier.ics\""),
    ];
    Ok((headers, feed).into_response())
}

/// The filters of the query. Unknown values (an old link, a typo) show
/// everything rather than an error.
fn event_filter(filters: Result<Query<Filters>, QueryRejection>) -> EventFilter {
    let filters = filters.map(|Query(f)| f).unwrap_or_default();
    EventFilter {
        kind: filters.kind.as_deref().and_then(EventKind::from_code),
        level: filters.level.as_deref().and_then(Level::from_code),
        with_cancelled: true,
    }
}

fn filter_key(filter: &EventFilter) -> String {
    format!("{} {}", filter.kind.map_or("", EventKind::code), filter.level.map_or("", Level::code))
}

/// `/calendar.ics` with the filters of the page.
fn feed_link(filter: &EventFilter) -> String {
    let mut query = Vec::new();
    if let Some(kind) = filter.kind {
        query.push(format!("kind={}", kind.code()));
    }
    if let Some(level) = filter.level {
        query.push(format!("level={}", level.code()));
    }
    if query.is_empty() { "/calendar.ics".into() } else { format!("/calendar.ics?{}", query.join("&")) }
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
            p.subscribe { a href=(feed_link(filter)) type="text/calendar" { (t.subscribe_calendar) } }
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
