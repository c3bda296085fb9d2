//! `/r/{token}`: a person's own registration, reached from the link they
//! were given: its state, and what they can do (cancel, accept an offered
//! seat). The links in emails lead to pages with one button, never to a
//! change: mail scanners open links.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::certificates::Attendance;
use super::csrf::{self, CsrfForm, CsrfToken, NoFields};
use super::layout::{base, event_facts};
use super::signing::Signing;
use crate::domain::{Event, EventStatus, FieldErrorKind, Lang, Registration, RegistrationStatus};
use crate::error::AppError;
use crate::operations::{queries, registrations};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct Flags {
    /// Set on the redirect right after signing up.
    new: Option<String>,
    /// Set after accepting a seat, or saying "I will come".
    done: Option<String>,
}

impl Flags {
    /// What the page says was just done, if anything.
    fn notice(&self, lang: Lang, registration: &Registration) -> Option<String> {
        let t = lang.texts();
        match (self.new.is_some(), self.done.as_deref()) {
            (true, _) => Some((t.just_signed_up)(&registration.email)),
            (_, Some("accepted")) => Some(t.just_accepted.to_owned()),
            (_, Some("attendance")) => Some(t.attendance_recorded.to_owned()),
            (_, Some("signed")) => Some(t.just_signed.to_owned()),
            (_, Some("corrected")) => Some(lang.people().corrected.to_owned()),
            (_, Some("transferred")) => Some(lang.people().transferred.to_owned()),
            _ => None,
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    Path(token): Path<String>,
    flags: Result<Query<Flags>, QueryRejection>,
    csrf: CsrfToken,
) -> Result<Response, AppError> {
    let (registration, event) = queries::registration_by_token(&state, &token).await?;
    let flags = flags.map(|Query(flags)| flags).unwrap_or_default();
    let t = lang.texts();
    let notice = flags.notice(lang, &registration);
    let problem = (flags.done.as_deref() == Some("wrong-code")).then(|| t.field_error(FieldErrorKind::WrongCode));
    let open = event.status == EventStatus::Published && state.clock.now() < event.starts_at;
    // What to show at the door, from the same key as the email's QR code.
    let code = state.keys.check_in_code(registration.id);
    let shown = Shown {
        registration: &registration,
        event: &event,
        token: &token,
        notice: notice.as_deref(),
        open,
        code: &code,
    };
    let signing = Signing::of(&state, &registration, &event).await?;
    let attendance = Attendance::of(&state, &registration, &event).await?;
    let content = html! {
        @if let Some(problem) = problem { p.notice.error role="alert" { (problem) } }
        (render(lang, &shown, &csrf))
        (attendance.render(lang, &token))
        (signing.render(lang, &token, &csrf))
        (super::my_data::section(lang, &token, &registration, &event, state.clock.now()))
    };
    let page = base(lang, uri.path(), t.registration_title, content);
    Ok((csrf, page).into_response())
}

/// What the page is about.
struct Shown<'a> {
    registration: &'a Registration,
    event: &'a Event,
    token: &'a str,
    notice: Option<&'a str>,
    /// The event is on and ahead: the person can still act on it.
    open: bool,
    /// The person's check-in code.
    code: &'a str,
}

fn render(lang: Lang, shown: &Shown<'_>, csrf: &CsrfToken) -> Markup {
    let t = lang.texts();
    let Shown { registration, event, token, notice, open, code } = *shown;
    let cancelled_event = event.status == EventStatus::Cancelled;
    html! {
        h1 { (t.registration_title) }
        @if let Some(notice) = notice { p.notice.success role="status" { (notice) } }
        @if cancelled_event {
            p.status.cancelled { strong { (t.registration_event_cancelled) } }
        } @else {
            (status(lang, registration))
        }
        section.event-summary {
            p.kind { (t.kind(event.kind)) }
            h2 { a href={ "/events/" (event.slug) } { (event.title) } }
            (event_facts(t, event))
            p { (t.registered_as) " " strong { (registration.name) } " (" (registration.email) ")" }
            @if open && registration.status == RegistrationStatus::Confirmed {
                p.check-in-code { ((t.check_in_code)(code)) }
            }
            @if open && registration.status.is_active() {
                ul.links {
                    li { a href={ "/events/" (event.slug) "/event.ics" } { (t.add_to_calendar) } }
                    li { a href=(map_link(event)) rel="noopener" { (t.see_on_map) } }
                }
            }
        }
        @if open && registration.status == RegistrationStatus::Offered {
            (button(token, "accept", t.accept_button, "", csrf))
            p.hint { (t.decline_hint) }
        }
        @if open && registration.status.is_active() {
            p.hint { (t.keep_this_link) }
            // A link to a page that asks first: cancelling cannot be undone.
            p { (leaving(lang, registration, event)) }
            p { a.button.danger href={ "/r/" (token) "/cancel" } { (t.cancel_button) } }
        }
        p { a href="/" { (t.back_to_events) } }
    }
}

fn status(lang: Lang, registration: &Registration) -> Markup {
    let t = lang.texts();
    html! {
        @match registration.status {
            RegistrationStatus::Confirmed => p.status.confirmed { strong { (t.status_confirmed) } },
            RegistrationStatus::Waitlisted => {
                p.status.waitlisted { strong { ((t.status_waitlisted)(registration.waitlist_position.unwrap_or(1))) } }
            }
            RegistrationStatus::Offered => {
                @let deadline = registration.offer_expires_at.map(|at| t.date_time(at)).unwrap_or_default();
                p.status.waitlisted { strong { ((t.status_offered)(&deadline)) } }
            }
            RegistrationStatus::Cancelled => p.status.cancelled { strong { (t.status_cancelled) } },
            RegistrationStatus::Expired => p.status.cancelled { strong { (t.status_expired) } },
        }
    }
}

/// The place on OpenStreetMap, searched by name and address.
fn map_link(event: &Event) -> String {
    let place = [Some(event.location.as_str()), event.address.as_deref()].into_iter().flatten().collect::<Vec<_>>();
    let query: String = url::form_urlencoded::byte_serialize(place.join(", ").as_bytes()).collect();
    format!("https://www.openstreetmap.org/search?query={query}")
}

/// What cancelling does, as it stands: whose the seat becomes, or which
/// place in the waiting list is given up.
fn leaving(lang: Lang, registration: &Registration, event: &Event) -> String {
    let t = lang.texts();
    match registration.status {
        RegistrationStatus::Waitlisted => (t.cancel_leaves_waitlist)(registration.waitlist_position.unwrap_or(1)),
        _ if event.waitlisted_count > 0 => t.cancel_gives_seat_to_waitlist.to_owned(),
        _ => t.cancel_frees_seat.to_owned(),
    }
}

/// A form with one button posting to `/r/{token}/{action}`.
fn button(token: &str, action: &str, label: &str, class: &str, csrf: &CsrfToken) -> Markup {
    html! {
        form method="post" action={ "/r/" (token) "/" (action) } {
            input type="hidden" name=(csrf::FIELD) value=(csrf.value());
            button class=(class) type="submit" { (label) }
        }
    }
}

/// Which one-button page a link in an email opens.
#[derive(Clone, Copy)]
enum Ask {
    /// "I will come", from a reminder.
    Attendance,
    /// "I can no longer come — free my seat", from a reminder.
    Release,
    /// "Accept the seat", from an offer.
    Accept,
    /// "Cancel my registration", from the registration's page: it asks
    /// first.
    Cancel,
}

async fn ask(
    state: &AppState,
    lang: Lang,
    uri: &Uri,
    token: &str,
    csrf: CsrfToken,
    ask: Ask,
) -> Result<Response, AppError> {
    let (registration, event) = queries::registration_by_token(state, token).await?;
    let t = lang.texts();
    let deadline = registration.offer_expires_at.map(|at| t.date_time(at)).unwrap_or_default();
    let (title, explanation, action, label, class) = match ask {
        Ask::Attendance => {
            (t.attendance_title, t.attendance_explanation.to_owned(), "attendance", t.attendance_button, "")
        }
        Ask::Release => (t.release_title, t.release_explanation.to_owned(), "cancel", t.release_button, "danger"),
        Ask::Accept => (t.accept_title, (t.accept_explanation)(&deadline), "accept", t.accept_button, ""),
        Ask::Cancel => (t.cancel_title, leaving(lang, &registration, &event), "cancel", t.cancel_confirm, "danger"),
    };
    let content = html! {
        h1 { (title) }
        section.event-summary {
            h2 { a href={ "/events/" (event.slug) } { (event.title) } }
            (event_facts(t, &event))
        }
        p { (explanation) }
        (button(token, action, label, class, &csrf))
        p { a href={ "/r/" (token) } { (if matches!(ask, Ask::Cancel) { t.cancel_keep } else { t.registration_title }) } }
    };
    Ok((csrf, base(lang, uri.path(), title, content)).into_response())
}

pub async fn ask_attendance(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    Path(token): Path<String>,
    csrf: CsrfToken,
) -> Result<Response, AppError> {
    ask(&state, lang, &uri, &token, csrf, Ask::Attendance).await
}

pub async fn ask_release(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    Path(token): Path<String>,
    csrf: CsrfToken,
) -> Result<Response, AppError> {
    ask(&state, lang, &uri, &token, csrf, Ask::Release).await
}

pub async fn ask_cancel(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    Path(token): Path<String>,
    csrf: CsrfToken,
) -> Result<Response, AppError> {
    ask(&state, lang, &uri, &token, csrf, Ask::Cancel).await
}

pub async fn ask_accept(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    Path(token): Path<String>,
    csrf: CsrfToken,
) -> Result<Response, AppError> {
    ask(&state, lang, &uri, &token, csrf, Ask::Accept).await
}

pub async fn cancel(
    State(state): State<AppState>,
    Path(token): Path<String>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Redirect, AppError> {
    registrations::cancel(&state, &token).await?;
    Ok(Redirect::to(&format!("/r/{token}")))
}

pub async fn accept(
    State(state): State<AppState>,
    Path(token): Path<String>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Redirect, AppError> {
    registrations::accept(&state, &token).await?;
    Ok(Redirect::to(&format!("/r/{token}?done=accepted")))
}

pub async fn confirm_attendance(
    State(state): State<AppState>,
    Path(token): Path<String>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Redirect, AppError> {
    registrations::confirm_attendance(&state, &token).await?;
    Ok(Redirect::to(&format!("/r/{token}?done=attendance")))
}
