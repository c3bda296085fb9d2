//! `/admin/events/{id}`: one event, its registrations (searchable), and
//! everything an organizer does to it.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use chrono_tz::Europe::Paris;
use maud::{Markup, html};
use uuid::Uuid;

use super::status_label;
use crate::admin::event_form::described_by;
use crate::admin::{Managed, event_path, history, page};
use crate::domain::{
    AttendeeLine, AuditLine, Cursor, Event, EventStatus, FieldError, Lang, Organizer, Page, PageRequest, Question,
    RegistrationStatus, page_address,
};
use crate::error::AppError;
use crate::operations::{ManagedEvent, account_lifecycle, queries};
use crate::state::AppState;
use crate::web::csrf::{self, CsrfToken};
use crate::web::layout::{event_facts, paragraphs};

/// Rows of registrations a page shows, at most.
const PAGE_ROWS: usize = 100;

/// The page's query string: the registrations' filters and page, and what
/// was just done. Unknown values (an old link, a typo) show everything
/// rather than an error.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Filters {
    #[serde(default)]
    q: String,
    status: Option<String>,
    cursor: Option<String>,
    /// After a message to the attendees (POST/redirect/GET, so that
    /// reloading the page does not send it again): to how many it went.
    sent: Option<u32>,
    /// What was just done, to say so: `cancelled`, `removed`,
    /// `co_organizer_added`, `co_organizer_unknown`, `published`, `draft`,
    /// `resent`, `confirmed`.
    done: Option<String>,
}

impl Filters {
    /// The filters as a query string, for the pages' links.
    fn query(&self) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        if !self.q.is_empty() {
            query.append_pair("q", &self.q);
        }
        if let Some(status) = self.status() {
            query.append_pair("status", status.code());
        }
        query.finish()
    }

    fn status(&self) -> Option<RegistrationStatus> {
        self.status.as_deref().and_then(RegistrationStatus::from_code)
    }

    fn page(&self) -> PageRequest {
        PageRequest { limit: PAGE_ROWS, after: self.cursor.as_deref().and_then(Cursor::decode) }
    }
}

/// What the event's page shows besides the event.
struct Detail {
    page: Page<AttendeeLine>,
    questions: Vec<Question>,
    team: Vec<Organizer>,
    history: Vec<AuditLine>,
    filters: Filters,
    /// Confirmations are only resent, and seats only given, while the event
    /// is on and ahead.
    gathering: bool,
}

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    Managed(managed, organizer): Managed,
    filters: Result<Query<Filters>, QueryRejection>,
) -> Result<Response, AppError> {
    let event = &managed.event();
    let filters = filters.map(|Query(f)| f).unwrap_or_default();
    let detail = Detail {
        page: queries::registrations_page(&state, &managed, filters.status(), &filters.q, &filters.page()).await?,
        questions: queries::questions(&state, event).await?,
        team: queries::event_organizers(&state, &managed).await?,
        history: queries::event_history(&state, &managed).await?,
        gathering: event.status == EventStatus::Published && state.clock.now() < event.starts_at,
        filters,
    };
    let content = render(lang, &managed, &detail, &csrf);
    let markup = page(lang, uri.path(), &event.title, &organizer, &csrf, content);
    Ok((csrf, markup).into_response())
}

fn render(lang: Lang, managed: &ManagedEvent, detail: &Detail, csrf: &CsrfToken) -> Markup {
    let t = lang.texts();
    let a = t.admin();
    let event = &managed.event();
    let base = event_path(managed, "");
    html! {
        @if let Some(sent) = detail.filters.sent {
            p.notice.success role="status" { ((a.message_sent)(i64::from(sent))) }
        }
        @match detail.filters.done.as_deref() {
            Some("cancelled") => p.notice.success role="status" { (a.event_cancelled_notice) },
            Some("co_organizer_added") => p.notice.success role="status" { (a.co_organizer_added) },
            Some("co_organizer_unknown") => p.notice.error role="alert" { (a.co_organizer_unknown) },
            Some("published") => p.notice.success role="status" { (a.published_notice) },
            Some("draft") => p.notice.success role="status" { (a.unpublished_notice) },

            _ => {}
        }
        p.kind { (t.kind(event.kind)) " · " (status_label(a, event.status)) }
        h1 { (event.title) }
        (event_facts(t, event))
        p { strong { ((a.counts)(event.confirmed_count, event.capacity, event.waitlisted_count)) } }
        (paragraphs(&event.description))
        (actions(lang, event, &base, csrf))
        p { a.button href={ (base) "/check-in" } { (a.check_in) } }
        h2 { (a.exports) }
        ul.exports {
            li { a href={ (base) "/attendees.csv" } { (a.export_csv) } }
            li { a href={ (base) "/attendees.csv?delimiter=semicolon" } { (a.export_csv_fr) } }
            li { a href={ (base) "/attendees.xlsx" } { (a.export_xlsx) } }
            li { a href={ (base) "/attendance-sheet.pdf" } { (a.export_sheet) } }
        }
        (registrations(lang, &base, detail, csrf))
        @if event.status == EventStatus::Published && !detail.gathering {
            (crate::admin::certificates::certificates_section(lang, &format!("{base}/certificates"), csrf))
        }
        @if event.status != EventStatus::Cancelled && event.confirmed_count > 0 {
            details.message {
                summary { (a.message_attendees) }
                (message_form(lang, &base, csrf, "", "", &[]))
            }
        }
        @if event.status != EventStatus::Cancelled {
            section.danger-zone {
                p { (a.cancel_event_warning) }
                // Asks first, on a page of its own (`confirm`).
                p { a.button.danger href={ (base) "/cancel" } { (a.cancel_event) } }
            }
        }
        h2 #team { (a.co_organizers) }
        ul.team { @for o in &detail.team {
            li {
                (o.email) @if !o.name.is_empty() { " — " (o.name) }
                @if detail.team.len() > 1 && account_lifecycle::may_remove_from_event(managed.actor(), o.id) {
                    form.inline method="post" action={ (base) "/organizers/" (o.id) "/remove" } {
                        input type="hidden" name=(csrf::FIELD) value=(csrf.value());
                        button.secondary type="submit" aria-label={ (lang.accounts().remove_co_organizer) " " (o.email) } {
                            (lang.accounts().remove_co_organizer)
                        }
                    }
                }
            }
        } }
        form.filters method="post" action={ (base) "/organizers" } {
            input type="hidden" name=(csrf::FIELD) value=(csrf.value());
            div.field {
                label for="co-organizer" { (a.add_co_organizer) }
                input #co-organizer name="email" type="email" required;
            }
            button type="submit" { (a.add_organizer) }
        }
        @if !detail.history.is_empty() {
            h2 { (a.history) }
            (history(lang, &detail.history, false))
        }
    }
}

/// Edit, publish or unpublish, duplicate.
fn actions(lang: Lang, event: &Event, base: &str, csrf: &CsrfToken) -> Markup {
    let a = lang.texts().admin();
    let published = event.status == EventStatus::Published;
    let next_status = if published { "draft" } else { "published" };
    html! {
        div.actions {
            @if event.status != EventStatus::Cancelled {
                a.button href={ (base) "/edit" } { (a.edit) }
                (button(base, "status", if published { a.unpublish } else { a.publish }, "", csrf, Some(next_status)))
            }
            (button(base, "duplicate", a.duplicate, "", csrf, None))
            @if published { a href={ "/events/" (event.slug) } { (a.public_page) } }
        }
    }
}

/// A one-button form posting to `{base}/{path}`.
fn button(base: &str, path: &str, label: &str, class: &str, csrf: &CsrfToken, status: Option<&str>) -> Markup {
    html! {
        form.inline method="post" action={ (base) "/" (path) } {
            input type="hidden" name=(csrf::FIELD) value=(csrf.value());
            @if let Some(status) = status { input type="hidden" name="status" value=(status); }
            button class=(class) type="submit" { (label) }
        }
    }
}

fn registrations(lang: Lang, base: &str, detail: &Detail, csrf: &CsrfToken) -> Markup {
    let a = lang.texts().admin();
    html! {
        h2 #registrations { (a.registrations) }
        // What was done to someone on the list, where the page opens
        // (`#registrations`), not at its top.
        @match detail.filters.done.as_deref() {
            Some("removed") => p.notice.success role="status" { (a.removed_notice) },
            Some("resent") => p.notice.success role="status" { (a.resent_notice) },
            Some("confirmed") => p.notice.success role="status" { (a.confirmed_out_of_turn_notice) },
            _ => {}
        }
        form.filters method="get" action={ (base) "#registrations" } {
            div.field {
                label for="q" { (a.search_label) }
                input #q name="q" type="search" value=(detail.filters.q);
            }
            div.field {
                label for="status" { (a.filter_status) }
                select #status name="status" {
                    option value="" { (a.any_status) }
                    @for (status, name) in a.status_names {
                        option value=(status.code()) selected[detail.filters.status() == Some(status)] { (name) }
                    }
                }
            }
            button type="submit" { (a.search) }
        }
        @if detail.page.items.is_empty() {
            p.notice { (a.no_registrations) }
        } @else {
            div.table-scroll {
                table.registrations {
                    thead { tr {
                        th scope="col" { (a.column_name) } th scope="col" { (a.column_email) }
                        th scope="col" { (a.column_institution) } th scope="col" { (a.column_level) }
                        th scope="col" { (a.column_status) } th scope="col" { (a.column_registered) }
                        th scope="col" { (a.column_delivery) }
                        // One column per question, as in the exports.
                        @for question in &detail.questions { th scope="col" { (question.label) } }
                        th scope="col" { span.visually-hidden { (a.remove) } }
                    } }
                    tbody { @for line in &detail.page.items { (row(lang, base, detail, line, csrf)) } }
                }
            }
            (pager(lang, base, detail))
        }
    }
}

/// How many rows of how many, and links to the next page and back to the
/// first, with the same filters.
fn pager(lang: Lang, base: &str, detail: &Detail) -> Markup {
    let a = lang.texts().admin();
    let page = &detail.page;
    let query = detail.filters.query();
    html! {
        nav.pager aria-label=(a.registrations) {
            p { ((a.rows_shown)(page.items.len(), page.total)) }
            @if detail.filters.cursor.is_some() {
                a href={ (page_address(base, Some(&query), None)) "#registrations" } { (a.first_page) }
            }
            @if let Some(next) = &page.next {
                a rel="next" href={ (page_address(base, Some(&query), Some(next))) "#registrations" } { (a.next_page) }
            }
        }
    }
}

fn row(lang: Lang, base: &str, detail: &Detail, line: &AttendeeLine, csrf: &CsrfToken) -> Markup {
    let t = lang.texts();
    let a = t.admin();
    let r = &line.registration;
    let action = |path: &str, label: &str, class: &str| row_action(base, r.id, path, label, &r.name, class, csrf);
    // Each cell names its column: on a phone, rows are cards (style.css).
    html! {
        tr {
            td data-label=(a.column_name) {
                strong { (lang.people().name(r)) }
                @if r.anonymised_at.is_none() {
                    " " a.small href={ (base) "/registrations/" (r.id) "/edit" } aria-label={ (lang.people().edit) " : " (r.name) } { (lang.people().edit) }
                }
            }
            td data-label=(a.column_email) { (r.email) }
            td data-label=(a.column_institution) { (r.institution.as_deref().unwrap_or_default()) }
            td data-label=(a.column_level) { (t.level(r.level)) }
            td data-label=(a.column_status) {
                (a.registration_status(t, r))
                @if let Some(at) = r.attendance_confirmed_at { br; span.hint { (a.column_attendance) " " (local(at)) } }
            }
            td data-label=(a.column_registered) {
                (local(r.created_at))
                br; span.hint { (lang.people().consented_header) " " (local(r.consented_at))
                    @if let Some(version) = &r.consent_version { " (" (version) ")" } }
            }
            td data-label=(a.column_delivery) { (a.email_status(line.email_status.as_deref())) }
            @for question in &detail.questions {
                td data-label=(question.label) {
                    @if let Some(answer) = line.answers.get(&question.id) { (a.answer(question.kind, answer)) }
                }
            }
            td.row-actions {
                @if r.status.is_active() {
                    @if detail.gathering { (action("resend", a.resend, "")) }
                    @if detail.gathering && r.status == RegistrationStatus::Waitlisted {
                        (action("confirm", a.confirm_out_of_turn, ""))
                    }
                    @if !detail.gathering && line.attended() {
                        (action("certificate", lang.certificate_admin().send_one, ""))
                    }
                    a.button.small.danger href={ (base) "/registrations/" (r.id) "/remove" }
                        aria-label={ (a.remove) " : " (r.name) } { (a.remove) }
                }
            }
        }
    }
}

fn row_action(
    base: &str,
    registration: Uuid,
    path: &str,
    label: &str,
    name: &str,
    class: &str,
    csrf: &CsrfToken,
) -> Markup {
    html! {
        form.inline method="post" action={ (base) "/registrations/" (registration) "/" (path) } {
            input type="hidden" name=(csrf::FIELD) value=(csrf.value());
            button.small class=(class) type="submit" aria-label={ (label) " : " (name) } { (label) }
        }
    }
}

fn local(at: DateTime<Utc>) -> String {
    at.with_timezone(&Paris).format("%d/%m/%Y %H:%M").to_string()
}

/// The message to confirmed attendees, with what was typed and what is
/// wrong with it.
pub fn message_form(
    lang: Lang,
    base: &str,
    csrf: &CsrfToken,
    subject: &str,
    body: &str,
    errors: &[FieldError],
) -> Markup {
    let t = lang.texts();
    let a = t.admin();
    let error = |field: &str| errors.iter().find(|e| e.field == field).map(|e| t.field_error(e.kind));
    html! {
        form method="post" action={ (base) "/message" } {
            input type="hidden" name=(csrf::FIELD) value=(csrf.value());
            div.field.invalid[error("subject").is_some()] {
                label for="subject" { (a.message_subject) }
                @if let Some(message) = error("subject") { p.field-error #subject-error { (message) } }
                input #subject name="subject" type="text" value=(subject) required
                    aria-invalid=[error("subject").map(|_| "true")]
                    aria-describedby=[described_by("subject", false, error("subject").is_some())];
            }
            div.field.invalid[error("body").is_some()] {
                label for="body" { (a.message_body) }
                @if let Some(message) = error("body") { p.field-error #body-error { (message) } }
                textarea #body name="body" rows="6" required aria-invalid=[error("body").map(|_| "true")]
                    aria-describedby=[described_by("body", false, error("body").is_some())] { (body) }
            }
            button type="submit" { (a.message_send) }
        }
    }
}
