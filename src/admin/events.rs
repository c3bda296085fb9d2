//! The organizer's events: list, detail with registrations, create, edit,
//! publish, duplicate, cancel, remove a registration, exports.

use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use chrono::{Duration, Utc};
use chrono_tz::Europe::Paris;
use maud::html;
use serde::Deserialize;
use uuid::Uuid;

use super::event_form::{self, EventFields};
use super::{Signed, page};
use crate::api::export_for;
use crate::app::AppState;
use crate::domain::{
    Announcement, Event, EventStatus, FieldError, FieldErrorKind, NewQuestion, Organizer, RegistrationStatus,
};
use crate::error::AppError;
use crate::export::{Delimiter, Download, Format};
use crate::i18n::{AdminTexts, Lang};
use crate::organizing::{create_event, managed_event, record};
use crate::store::EventUpdate;
use crate::web::csrf::{self, CsrfToken};
use crate::web::layout::{event_facts, paragraphs};

// The event form repeats `levels`: axum-extra's Form reads repeated keys.
use axum_extra::extract::{Form as HtmlForm, FormRejection as HtmlFormRejection};

fn status_label(a: &AdminTexts, status: EventStatus) -> &'static str {
    match status {
        EventStatus::Draft => a.draft,
        EventStatus::Published => a.published,
        EventStatus::Cancelled => a.cancelled,
    }
}

pub async fn list(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    Signed(organizer): Signed,
) -> Result<Response, AppError> {
    let events = state.store.events_managed_by(&organizer).await?;
    let t = lang.texts();
    let a = t.admin();
    let content = html! {
        h1 { (a.my_events) }
        p { a.button href="/admin/events/new" { (a.new_event) } }
        @if events.is_empty() {
            p.notice { (a.no_events) }
        } @else {
            ul.events {
                @for event in &events {
                    li {
                        article.event {
                            p.kind { (t.kind(event.kind)) " · " (status_label(a, event.status)) }
                            h2 { a href={ "/admin/events/" (event.id) } { (event.title) } }
                            p { (t.period(event.starts_at, event.ends_at)) }
                            p { ((a.counts)(event.confirmed_count, event.capacity, event.waitlisted_count)) }
                        }
                    }
                }
            }
        }
    };
    let markup = page(lang, uri.path(), a.my_events, &organizer, &csrf, content);
    Ok((csrf, markup).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct Search {
    q: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    Signed(organizer): Signed,
    Path(id): Path<String>,
    search: Result<Query<Search>, QueryRejection>,
) -> Result<Response, AppError> {
    let event = managed_event(&state, &organizer, &id).await?;
    let query = search.map(|Query(s)| s.q.unwrap_or_default()).unwrap_or_default();
    let needle = query.trim().to_lowercase();
    let lines: Vec<_> = state
        .store
        .event_registrations(event.id)
        .await?
        .into_iter()
        .filter(|line| {
            let r = &line.registration;
            needle.is_empty()
                || r.name.to_lowercase().contains(&needle)
                || r.email.contains(&needle)
                || r.institution.as_deref().unwrap_or_default().to_lowercase().contains(&needle)
        })
        .collect();
    let history = state.store.event_audit(event.id).await?;
    let team = state.store.event_organizers(event.id).await?;
    let questions = state.store.event_questions(event.id).await?;
    // Confirmations are only resent, and seats only given, while the event
    // is on and ahead.
    let gathering = event.status == EventStatus::Published && Utc::now() < event.starts_at;
    let t = lang.texts();
    let a = t.admin();
    let base = format!("/admin/events/{}", event.id);
    let action = |path: &str, label: &str, class: &str| {
        html! {
            form.inline method="post" action={ (base) "/" (path) } {
                input type="hidden" name=(csrf::FIELD) value=(csrf.value());
                @if path == "status" {
                    input type="hidden" name="status"
                        value=(if event.status == EventStatus::Published { "draft" } else { "published" });
                }
                button class=(class) type="submit" { (label) }
            }
        }
    };
    let row_action = |base: &str, registration: Uuid, path: &str, label: &str, name: &str, class: &str| {
        html! {
            form.inline method="post" action={ (base) "/registrations/" (registration) "/" (path) } {
                input type="hidden" name=(csrf::FIELD) value=(csrf.value());
                button.small class=(class) type="submit" aria-label={ (label) " : " (name) } { (label) }
            }
        }
    };
    let content = html! {
        p.kind { (t.kind(event.kind)) " · " (status_label(a, event.status)) }
        h1 { (event.title) }
        (event_facts(t, &event))
        p { strong { ((a.counts)(event.confirmed_count, event.capacity, event.waitlisted_count)) } }
        (paragraphs(&event.description))
        @if event.status != EventStatus::Cancelled {
            div.actions {
                a.button href={ (base) "/edit" } { (a.edit) }
                (action("status", if event.status == EventStatus::Published { a.unpublish } else { a.publish }, ""))
                (action("duplicate", a.duplicate, ""))
                @if event.status == EventStatus::Published {
                    a href={ "/events/" (event.slug) } { (a.public_page) }
                }
            }
        } @else {
            div.actions { (action("duplicate", a.duplicate, "")) }
        }
        p { a.button href={ (base) "/check-in" } { (a.check_in) } }
        h2 { (a.exports) }
        ul.exports {
            li { a href={ (base) "/attendees.csv" } { (a.export_csv) } }
            li { a href={ (base) "/attendees.csv?delimiter=semicolon" } { (a.export_csv_fr) } }
            li { a href={ (base) "/attendees.xlsx" } { (a.export_xlsx) } }
            li { a href={ (base) "/attendance-sheet.pdf" } { (a.export_sheet) } }
        }
        h2 #registrations { (a.registrations) }
        form.filters method="get" action=(base) {
            div.field {
                label for="q" { (a.search_label) }
                input #q name="q" type="search" value=(query);
            }
            button type="submit" { (a.search) }
        }
        @if lines.is_empty() {
            p.notice { (a.no_registrations) }
        } @else {
            div.table-scroll {
                table {
                    thead { tr {
                        th scope="col" { (a.column_name) } th scope="col" { (a.column_email) }
                        th scope="col" { (a.column_institution) } th scope="col" { (a.column_level) }
                        th scope="col" { (a.column_status) } th scope="col" { (a.column_registered) }
                        th scope="col" { (a.column_delivery) }
                        @if !questions.is_empty() { th scope="col" { (a.form_questions_short) } } th scope="col" { span.visually-hidden { (a.remove) } }
                    } }
                    tbody {
                        @for line in &lines {
                            @let r = &line.registration;
                            tr {
                                td { (r.name) } td { (r.email) }
                                td { (r.institution.as_deref().unwrap_or_default()) }
                                td { (t.level(r.level)) }
                                td { @match r.status {
                                    RegistrationStatus::Confirmed => (a.status_confirmed),
                                    RegistrationStatus::Waitlisted => ((a.status_waitlisted)(r.waitlist_position.unwrap_or(0))),
                                    RegistrationStatus::Cancelled => (a.status_cancelled),
                                } }
                                td { (r.created_at.with_timezone(&Paris).format("%d/%m/%Y %H:%M")) }
                                td { (line.email_status.as_deref().unwrap_or("—")) }
                                @if !questions.is_empty() {
                                    td {
                                        @for question in &questions {
                                            @if let Some(answer) = line.answers.get(&question.id) {
                                                span.answer { (question.label) " : " (answer) } br;
                                            }
                                        }
                                    }
                                }
                                td.row-actions {
                                    @if r.status != RegistrationStatus::Cancelled {
                                        @if gathering {
                                            (row_action(&base, r.id, "resend", a.resend, &r.name, ""))
                                        }
                                        @if gathering && r.status == RegistrationStatus::Waitlisted {
                                            (row_action(&base, r.id, "confirm", a.confirm_out_of_turn, &r.name, ""))
                                        }
                                        (row_action(&base, r.id, "remove", a.remove, &r.name, "danger"))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if event.status != EventStatus::Cancelled && event.confirmed_count > 0 {
            details.message {
                summary { (a.message_attendees) }
                (message_form(lang, &base, &csrf, "", "", &[]))
            }
        }
        @if event.status != EventStatus::Cancelled {
            section.danger-zone {
                p { (a.cancel_event_warning) }
                (action("cancel", a.cancel_event, "danger"))
            }
        }
        h2 { (a.co_organizers) }
        ul { @for o in &team { li { (o.email) @if !o.name.is_empty() { " — " (o.name) } } } }
        form.filters method="post" action={ (base) "/organizers" } {
            input type="hidden" name=(csrf::FIELD) value=(csrf.value());
            div.field {
                label for="co-organizer" { (a.add_co_organizer) }
                input #co-organizer name="email" type="email" required;
            }
            button type="submit" { (a.add_organizer) }
        }
        @if !history.is_empty() {
            h2 { (a.history) }
            ul.history {
                @for (at, who, what, detail) in &history {
                    li { (at.with_timezone(&Paris).format("%d/%m/%Y %H:%M")) " — " (who) " — " (what) @if !detail.is_empty() { " (" (detail) ")" } }
                }
            }
        }
    };
    let markup = page(lang, uri.path(), &event.title, &organizer, &csrf, content);
    Ok((csrf, markup).into_response())
}

pub async fn new(lang: Lang, uri: Uri, csrf: CsrfToken, Signed(organizer): Signed) -> Response {
    let a = lang.texts().admin();
    let values = EventFields {
        levels: crate::domain::Level::ALL.iter().map(|l| l.code().into()).collect(),
        ..Default::default()
    };
    let form = event_form::render(lang, "/admin/events/new", &values, &[], &csrf, true);
    let markup = page(lang, uri.path(), a.new_event, &organizer, &csrf, html! { h1 { (a.new_event) } (form) });
    (csrf, markup).into_response()
}

/// Who is looking at which page.
struct Viewer<'a> {
    lang: Lang,
    uri: &'a Uri,
    organizer: &'a Organizer,
}

/// The event form again, with what was typed and what is wrong with it.
fn invalid_form(
    viewer: Viewer<'_>,
    csrf: CsrfToken,
    title: &str,
    values: &EventFields,
    errors: &[FieldError],
    creating: bool,
) -> Response {
    let Viewer { lang, uri, organizer } = viewer;
    let form = event_form::render(lang, uri.path(), values, errors, &csrf, creating);
    let markup = page(lang, uri.path(), title, organizer, &csrf, html! { h1 { (title) } (form) });
    (StatusCode::UNPROCESSABLE_ENTITY, csrf, markup).into_response()
}

pub async fn create(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    jar: CookieJar,
    csrf: CsrfToken,
    Signed(organizer): Signed,
    form: Result<HtmlForm<EventFields>, HtmlFormRejection>,
) -> Result<Response, AppError> {
    let HtmlForm(values) = form.map_err(|e| AppError::BadRequest(e.to_string()))?;
    csrf::verify(&jar, values.csrf.as_deref())?;
    let title = lang.texts().admin().new_event;
    let status = if values.publish.is_some() { "published" } else { "draft" };
    let input = values.to_input(status);
    let event = match input.validate(Utc::now()) {
        Ok(event) => event,
        Err(errors) => {
            return Ok(invalid_form(
                Viewer { lang, uri: &uri, organizer: &organizer },
                csrf,
                title,
                &values,
                &errors,
                true,
            ));
        }
    };
    match create_event(&state, event, &organizer, input.slug.is_some()).await? {
        Ok(created) => {
            record(&state, &organizer, created.id, "event created", &created.title).await;
            Ok(Redirect::to(&format!("/admin/events/{}", created.id)).into_response())
        }
        Err(errors) => {
            Ok(invalid_form(Viewer { lang, uri: &uri, organizer: &organizer }, csrf, title, &values, &errors, true))
        }
    }
}

pub async fn edit(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    Signed(organizer): Signed,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let event = managed_event(&state, &organizer, &id).await?;
    let questions = state.store.event_questions(event.id).await?;
    let values = EventFields::from_event(&event, &questions);
    let form = event_form::render(lang, uri.path(), &values, &[], &csrf, false);
    let markup = page(lang, uri.path(), &event.title, &organizer, &csrf, html! { h1 { (event.title) } (form) });
    Ok((csrf, markup).into_response())
}

pub async fn update(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    jar: CookieJar,
    csrf: CsrfToken,
    Signed(organizer): Signed,
    Path(id): Path<String>,
    form: Result<HtmlForm<EventFields>, HtmlFormRejection>,
) -> Result<Response, AppError> {
    let event = managed_event(&state, &organizer, &id).await?;
    let HtmlForm(values) = form.map_err(|e| AppError::BadRequest(e.to_string()))?;
    csrf::verify(&jar, values.csrf.as_deref())?;
    let mut changes = match values.to_input(event.status.code()).validate(Utc::now()) {
        Ok(changes) => changes,
        Err(errors) => {
            return Ok(invalid_form(
                Viewer { lang, uri: &uri, organizer: &organizer },
                csrf,
                &event.title,
                &values,
                &errors,
                false,
            ));
        }
    };
    // Questions are replaced (and their answers erased) only when changed.
    let current: Vec<NewQuestion> =
        state.store.event_questions(event.id).await?.into_iter().map(NewQuestion::from).collect();
    if changes.questions.as_ref() == Some(&current) {
        changes.questions = None;
    }
    apply(&state, &organizer, &event, changes, "event edited").await.map(|result| match result {
        Ok(()) => Redirect::to(&format!("/admin/events/{}", event.id)).into_response(),
        Err(errors) => {
            invalid_form(Viewer { lang, uri: &uri, organizer: &organizer }, csrf, &event.title, &values, &errors, false)
        }
    })
}

/// Saves changes (capacity changes hand seats on) and records them.
async fn apply(
    state: &AppState,
    organizer: &Organizer,
    event: &Event,
    changes: crate::domain::NewEvent,
    action: &str,
) -> Result<Result<(), Vec<FieldError>>, AppError> {
    match state.store.update_event(event.id, changes, Utc::now()).await? {
        EventUpdate::Updated(updated) => {
            state.mail_wakeup.notify_one();
            let detail = format!("capacity {}, {}", updated.capacity, updated.status.code());
            record(state, organizer, event.id, action, &detail).await;
            Ok(Ok(()))
        }
        EventUpdate::SlugTaken => Ok(Err(vec![FieldError::new("slug", FieldErrorKind::Taken)])),
        EventUpdate::NotFound => Err(AppError::EventNotFound),
        EventUpdate::Cancelled => Err(AppError::Refused(crate::domain::Refusal::EventCancelled)),
    }
}

#[derive(Debug, Deserialize)]
pub struct StatusForm {
    status: Option<String>,
    csrf: Option<String>,
}

pub async fn set_status(
    State(state): State<AppState>,
    jar: CookieJar,
    Signed(organizer): Signed,
    Path(id): Path<String>,
    form: Result<Form<StatusForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    csrf::verify(&jar, form.csrf.as_deref())?;
    let event = managed_event(&state, &organizer, &id).await?;
    let status = match form.status.as_deref() {
        Some(status @ ("draft" | "published")) => status,
        _ => return Err(AppError::BadRequest("status must be draft or published".into())),
    };
    let patch = crate::domain::EventInput { status: Some(status.into()), ..Default::default() };
    let changes =
        crate::domain::EventInput::from(&event).overlay(patch).validate(Utc::now()).map_err(AppError::Validation)?;
    match apply(&state, &organizer, &event, changes, if status == "published" { "published" } else { "unpublished" })
        .await?
    {
        Ok(()) => Ok(Redirect::to(&format!("/admin/events/{}", event.id)).into_response()),
        Err(errors) => Err(AppError::Validation(errors)),
    }
}

#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    csrf: Option<String>,
}

/// A copy four weeks later, as a draft: masterclasses run again monthly.
pub async fn duplicate(
    State(state): State<AppState>,
    jar: CookieJar,
    Signed(organizer): Signed,
    Path(id): Path<String>,
    form: Result<Form<CsrfOnly>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    csrf::verify(&jar, form.csrf.as_deref())?;
    let event = managed_event(&state, &organizer, &id).await?;
    let later = Duration::weeks(4);
    let now = Utc::now();
    let questions = state.store.event_questions(event.id).await?;
    let copy = crate::domain::NewEvent {
        questions: Some(questions.into_iter().map(NewQuestion::from).collect()),
        slug: slug::slugify(&event.title).chars().take(80).collect(),
        kind: event.kind,
        title: event.title.clone(),
        description: event.description.clone(),
        starts_at: event.starts_at + later,
        ends_at: event.ends_at + later,
        location: event.location.clone(),
        address: event.address.clone(),
        host: event.host.clone(),
        levels: event.levels.clone(),
        capacity: event.capacity,
        language: event.language.clone(),
        status: EventStatus::Draft,
        registration_opens_at: now.max(event.registration_opens_at + later),
        // Past the copy's opening if the original closed early: the window
        // then runs until the start.
        registration_closes_at: if event.registration_closes_at + later > now.max(event.registration_opens_at + later) {
            event.registration_closes_at + later
        } else {
            event.starts_at + later
        },
        what_to_bring: event.what_to_bring.clone(),
    };
    match create_event(&state, copy, &organizer, false).await? {
        Ok(created) => {
            record(&state, &organizer, created.id, "event created as a copy", &event.slug).await;
            Ok(Redirect::to(&format!("/admin/events/{}/edit", created.id)).into_response())
        }
        Err(errors) => Err(AppError::Validation(errors)),
    }
}

pub async fn cancel(
    State(state): State<AppState>,
    jar: CookieJar,
    Signed(organizer): Signed,
    Path(id): Path<String>,
    form: Result<Form<CsrfOnly>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    csrf::verify(&jar, form.csrf.as_deref())?;
    let event = managed_event(&state, &organizer, &id).await?;
    state.store.cancel_event(event.id, Utc::now()).await?.ok_or(AppError::EventNotFound)?;
    state.mail_wakeup.notify_one();
    record(&state, &organizer, event.id, "event cancelled", "").await;
    Ok(Redirect::to(&format!("/admin/events/{}", event.id)).into_response())
}

pub async fn remove(
    State(state): State<AppState>,
    jar: CookieJar,
    Signed(organizer): Signed,
    Path((id, registration)): Path<(String, Uuid)>,
    form: Result<Form<CsrfOnly>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    csrf::verify(&jar, form.csrf.as_deref())?;
    let event = managed_event(&state, &organizer, &id).await?;
    state.store.remove_registration(event.id, registration, Utc::now()).await?.ok_or(AppError::RegistrationNotFound)?;
    state.mail_wakeup.notify_one();
    record(&state, &organizer, event.id, "registration removed", &registration.to_string()).await;
    Ok(Redirect::to(&format!("/admin/events/{}#registrations", event.id)).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct ExportOptions {
    delimiter: Option<String>,
}

pub async fn export_csv(
    State(state): State<AppState>,
    lang: Lang,
    Signed(organizer): Signed,
    Path(id): Path<String>,
    options: Result<Query<ExportOptions>, QueryRejection>,
) -> Result<Download, AppError> {
    let semicolon = options.is_ok_and(|Query(o)| o.delimiter.as_deref() == Some("semicolon"));
    let delimiter = if semicolon { Delimiter::Semicolon } else { Delimiter::Comma };
    export_for(&state, &organizer, &id, Format::Csv(delimiter), lang).await
}

pub async fn export_xlsx(
    State(state): State<AppState>,
    lang: Lang,
    Signed(organizer): Signed,
    Path(id): Path<String>,
) -> Result<Download, AppError> {
    export_for(&state, &organizer, &id, Format::Xlsx, lang).await
}

pub async fn export_sheet(
    State(state): State<AppState>,
    lang: Lang,
    Signed(organizer): Signed,
    Path(id): Path<String>,
) -> Result<Download, AppError> {
    export_for(&state, &organizer, &id, Format::AttendanceSheet, lang).await
}

/// Queues the confirmation (or waiting-list message) again.
pub async fn resend(
    State(state): State<AppState>,
    jar: CookieJar,
    Signed(organizer): Signed,
    Path((id, registration)): Path<(String, Uuid)>,
    form: Result<Form<CsrfOnly>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    csrf::verify(&jar, form.csrf.as_deref())?;
    let event = managed_event(&state, &organizer, &id).await?;
    let kind = state.store.resend(event.id, registration, Utc::now()).await?.ok_or(AppError::RegistrationNotFound)?;
    state.mail_wakeup.notify_one();
    record(&state, &organizer, event.id, "email resent", kind.code()).await;
    Ok(Redirect::to(&format!("/admin/events/{}#registrations", event.id)).into_response())
}

/// Confirms a waiting person out of turn, adding a seat for them.
pub async fn confirm(
    State(state): State<AppState>,
    jar: CookieJar,
    Signed(organizer): Signed,
    Path((id, registration)): Path<(String, Uuid)>,
    form: Result<Form<CsrfOnly>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    csrf::verify(&jar, form.csrf.as_deref())?;
    let event = managed_event(&state, &organizer, &id).await?;
    if !state.store.confirm_out_of_turn(event.id, registration, Utc::now()).await? {
        return Err(AppError::RegistrationNotFound);
    }
    state.mail_wakeup.notify_one();
    record(&state, &organizer, event.id, "confirmed from the waiting list", &registration.to_string()).await;
    Ok(Redirect::to(&format!("/admin/events/{}#registrations", event.id)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct MessageForm {
    #[serde(default)]
    subject: String,
    #[serde(default)]
    body: String,
    csrf: Option<String>,
}

/// An organizer writes to every confirmed attendee, through the outbox.
pub async fn message(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    jar: CookieJar,
    csrf: CsrfToken,
    Signed(organizer): Signed,
    Path(id): Path<String>,
    form: Result<Form<MessageForm>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    csrf::verify(&jar, form.csrf.as_deref())?;
    let event = managed_event(&state, &organizer, &id).await?;
    let t = lang.texts();
    let a = t.admin();
    let announcement = match Announcement::parse(&form.subject, &form.body) {
        Ok(announcement) => announcement,
        Err(errors) => {
            let content = html! {
                p { a href={ "/admin/events/" (event.id) } { "← " (event.title) } }
                h1 { (a.message_attendees) }
                (message_form(lang, &format!("/admin/events/{}", event.id), &csrf, &form.subject, &form.body, &errors))
            };
            let markup = page(lang, uri.path(), a.message_attendees, &organizer, &csrf, content);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, csrf, markup).into_response());
        }
    };
    let sent = state.store.announce(event.id, &announcement, Utc::now()).await?;
    state.mail_wakeup.notify_one();
    record(&state, &organizer, event.id, "message sent", &format!("{sent}: {}", announcement.subject)).await;
    let content = html! {
        p.notice.success role="status" { ((a.message_sent)(sent as i64)) }
        p { a href={ "/admin/events/" (event.id) } { "← " (event.title) } }
    };
    let markup = page(lang, uri.path(), a.message_attendees, &organizer, &csrf, content);
    Ok((csrf, markup).into_response())
}

fn message_form(
    lang: Lang,
    base: &str,
    csrf: &CsrfToken,
    subject: &str,
    body: &str,
    errors: &[FieldError],
) -> maud::Markup {
    let t = lang.texts();
    let a = t.admin();
    let error = |field: &str| errors.iter().find(|e| e.field == field).map(|e| t.field_error(e.kind));
    html! {
        form method="post" action={ (base) "/message" } {
            input type="hidden" name=(csrf::FIELD) value=(csrf.value());
            div.field.invalid[error("subject").is_some()] {
                label for="subject" { (a.message_subject) }
                @if let Some(message) = error("subject") { p.field-error { (message) } }
                input #subject name="subject" type="text" value=(subject) required;
            }
            div.field.invalid[error("body").is_some()] {
                label for="body" { (a.message_body) }
                @if let Some(message) = error("body") { p.field-error { (message) } }
                textarea #body name="body" rows="6" required { (body) }
            }
            button type="submit" { (a.message_send) }
        }
    }
}
