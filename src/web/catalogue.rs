//! `/`: upcoming events, soonest first, filtered by kind and level; and
//! `/calendar.ics`, the same list as a calendar people subscribe to.

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{Uri, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use maud::{Markup, html};
use serde::Deserialize;

use super::layout::{availability, base, event_facts};
use crate::calendar;
use crate::domain::{Cursor, DateRange, Event, EventKind, EventStatus, Lang, Level, Page, PageRequest, page_address};
use crate::error::AppError;
use crate::operations::queries;
use crate::state::AppState;
use crate::store::EventFilter;

/// Events a page of the catalogue shows, at most.
const PAGE_EVENTS: usize = 24;

#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    kind: Option<String>,
    level: Option<String>,
    from: Option<String>,
    to: Option<String>,
    cursor: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    filters: Result<Query<Filters>, QueryRejection>,
) -> Result<Response, AppError> {
    let filters = filters.map(|Query(f)| f).unwrap_or_default();
    let (filter, dates, request) = (event_filter(&filters), date_range(&filters), page_request(&filters));
    let build = || async {
        let page = queries::upcoming_page(&state, &filter, dates, "", &request).await?;
        Ok::<_, AppError>(Bytes::from(
            render(lang, &uri, &filter, dates, &page, request.after.is_some(), state.clock.now()).into_string(),
        ))
    };
    // The first page without dates is what nearly everyone asks for: kept
    // as sent, by language, filters and path (always `/` here, kept in the
    // key in case that changes).
    let page = if dates == DateRange::default() && request.after.is_none() {
        state.caches.page(&format!("html {} {} {}", lang.code(), filter.key(), uri.path()), build).await?
    } else {
        build().await?
    };
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response())
}

/// `/calendar.ics`: the catalogue's events (cancelled ones marked so) as
/// an iCalendar feed, with the same filters.
pub async fn feed(
    State(state): State<AppState>,
    lang: Lang,
    filters: Result<Query<Filters>, QueryRejection>,
) -> Result<Response, AppError> {
    let filter = event_filter(&filters.map(|Query(f)| f).unwrap_or_default());
    let key = format!("ics {} {}", lang.code(), filter.key());
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
/// everything rather than an error; so do dates that are not dates.
fn event_filter(filters: &Filters) -> EventFilter {
    EventFilter {
        kind: filters.kind.as_deref().and_then(EventKind::from_code),
        level: filters.level.as_deref().and_then(Level::from_code),
        with_cancelled: true,
    }
}

fn date_range(filters: &Filters) -> DateRange {
    let mut ignored = Vec::new();
    let range = DateRange::parse(filters.from.as_deref(), filters.to.as_deref(), &mut ignored);
    // "Until" before "from" finds nothing: the later bound is dropped.
    if range.from.zip(range.to).is_some_and(|(from, to)| to < from) { DateRange { to: None, ..range } } else { range }
}

fn page_request(filters: &Filters) -> PageRequest {
    PageRequest { limit: PAGE_EVENTS, after: filters.cursor.as_deref().and_then(Cursor::decode) }
}

/// The query string of the filters as the page understood them: what its
/// links keep, whatever else the address it was first built for had.
fn filters_query(filter: &EventFilter, dates: DateRange) -> String {
    let mut query = Vec::new();
    if let Some(kind) = filter.kind {
        query.push(format!("kind={}", kind.code()));
    }
    if let Some(level) = filter.level {
        query.push(format!("level={}", level.code()));
    }
    query.extend(dates.from.map(|from| format!("from={from}")));
    query.extend(dates.to.map(|to| format!("to={to}")));
    query.join("&")
}

/// `/calendar.ics` with the kind and level of the page.
fn feed_link(filter: &EventFilter) -> String {
    page_address("/calendar.ics", Some(&filters_query(filter, DateRange::default())), None)
}

/// The catalogue page; `later`: a page after the first.
fn render(
    lang: Lang,
    uri: &Uri,
    filter: &EventFilter,
    dates: DateRange,
    page: &Page<Event>,
    later: bool,
    now: DateTime<Utc>,
) -> Markup {
    let t = lang.texts();
    let events = &page.items;
    let query = filters_query(filter, dates);
    base(
        lang,
        uri.path(),
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
                div.field {
                    label for="from" { (t.filter_from) }
                    input #from name="from" type="date" value=[dates.from.map(|d| d.to_string())];
                }
                div.field {
                    label for="to" { (t.filter_to) }
                    input #to name="to" type="date" value=[dates.to.map(|d| d.to_string())];
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
                                h2 lang=(event.language) { a href={ "/events/" (event.slug) } { (event.title) } }
                                (event_facts(t, event))
                                @if event.status == EventStatus::Cancelled {
                                    p { span.seats.full { (t.cancelled_mark) } }
                                } @else {
                                    (availability(t, event, now, &format!("/events/{}#sign-up", event.slug)))
                                }
                            }
                        }
                    }
                }
                @if later || page.next.is_some() {
                    nav.pager aria-label=(t.catalogue_title) {
                        @if later { a href=(page_address(uri.path(), Some(&query), None)) { (t.first_events) } }
                        @if let Some(next) = &page.next {
                            a rel="next" href=(page_address(uri.path(), Some(&query), Some(next))) { (t.later_events) }
                        }
                    }
                }
            }
        },
    )
}
