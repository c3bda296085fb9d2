//! Check-in on the day: a phone-sized page to find people by name, email
//! or institution ("ines" finds Inès) or by the code from their
//! confirmation email, and mark them present at a slot (the morning or the
//! afternoon under way by default).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use chrono_tz::Europe::Paris;
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

use super::certificates;
use super::{Managed, Search, event_path, page};
use crate::domain::{AttendeeLine, Lang, Level, RegistrationStatus, SignUpForm, Slot, folded};
use crate::error::AppError;
use crate::operations::attendance::{self, Arrival, CheckIn};
use crate::operations::{self, ManagedEvent, queries};
use crate::state::AppState;
use crate::web::csrf::{self, CsrfForm, CsrfToken};

/// The page's state in its address: the slot, the filter, and the person
/// just checked in (to show them large at the top).
#[derive(Debug, Default, Deserialize)]
pub struct View {
    slot: Option<String>,
    /// `present` or `absent`; anything else shows everyone.
    show: Option<String>,
    done: Option<Uuid>,
    /// With `done`: they were checked in already.
    again: Option<String>,
    /// A person's code, from the QR code they showed: asks to confirm.
    code: Option<String>,
    /// `invalid`: the trainer's signature had no name.
    trainer: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    Managed(managed, organizer): Managed,
    Search(query): Search,
    view: Result<Query<View>, QueryRejection>,
) -> Result<Response, AppError> {
    // A hand-edited address shows the page as it opens.
    let view = view.map(|Query(view)| view).unwrap_or_default();
    let slot = attendance::slot_of(&managed, view.slot.as_deref(), state.clock.now())?;
    let confirmed = confirmed(&state, &managed).await?;
    let banner = view.done.and_then(|id| confirmed.iter().find(|line| line.registration.id == id)).map(|line| {
        let at = line.attendance.get(&slot.id()).copied();
        Banner::Arrived { name: line.registration.name.clone(), at, again: view.again.is_some() }
    });
    let banner = banner.or_else(|| view.code.map(|code| scanned(&state, &confirmed, code)));
    let trainer =
        operations::certificates::trainer_signatures(&state, &managed).await?.into_iter().find(|s| s.slot == slot.id());
    let filter = view.show.as_deref().unwrap_or_default();
    let trainer = Trainer { signature: trainer, invalid: view.trainer.is_some() };
    let shown = Shown { query: &query, filter, banner, trainer };
    let content = render(lang, &managed, &confirmed, &slot, &shown, &csrf);
    let markup = page(lang, uri.path(), lang.texts().admin().check_in, &organizer, &csrf, content);
    Ok((csrf, markup).into_response())
}

#[derive(Debug, Deserialize)]
pub struct Mark {
    registration: Option<Uuid>,
    code: Option<String>,
    undo: Option<String>,
    slot: Option<String>,
    /// The search and filter shown again.
    q: Option<String>,
    show: Option<String>,
}

pub async fn mark(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    Managed(managed, organizer): Managed,
    CsrfForm(form): CsrfForm<Mark>,
) -> Result<Response, AppError> {
    let arrival = match form.registration {
        Some(registration) => Arrival::Registration(registration),
        None => Arrival::Code(form.code.unwrap_or_default()),
    };
    let undo = form.undo.is_some();
    let marked = attendance::check_in(&state, &managed, arrival, form.slot.as_deref(), undo).await?;
    if let Some(CheckIn { registration, slot, changed, .. }) = marked {
        let mut address = format!("/check-in?slot={}", slot.id());
        if !undo {
            address.push_str(&format!("&done={registration}"));
            if !changed {
                address.push_str("&again=1");
            }
        }
        for (name, value) in [("q", &form.q), ("show", &form.show)] {
            if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
                address.push_str(&format!("&{name}={}", urlencoding(value)));
            }
        }
        return Ok(Redirect::to(&event_path(&managed, &format!("{address}#r-{registration}"))).into_response());
    }
    let slot = attendance::slot_of(&managed, form.slot.as_deref(), state.clock.now())?;
    let confirmed = confirmed(&state, &managed).await?;
    let query = form.q.unwrap_or_default();
    let filter = form.show.as_deref().unwrap_or_default();
    let shown = Shown { query: &query, filter, banner: Some(Banner::Unknown), trainer: Trainer::default() };
    let content = render(lang, &managed, &confirmed, &slot, &shown, &csrf);
    let markup = page(lang, uri.path(), lang.texts().admin().check_in, &organizer, &csrf, content);
    Ok((StatusCode::NOT_FOUND, csrf, markup).into_response())
}

/// A person added at the door, from the form under the list.
#[derive(Debug, Deserialize)]
pub struct WalkIn {
    slot: Option<String>,
    name: Option<String>,
    email: Option<String>,
    institution: Option<String>,
    level: Option<String>,
    consent: Option<String>,
}

pub async fn walk_in(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    Managed(managed, organizer): Managed,
    CsrfForm(form): CsrfForm<WalkIn>,
) -> Result<Response, AppError> {
    let person = SignUpForm {
        name: form.name,
        email: form.email,
        institution: form.institution,
        level: form.level,
        consent: Some(form.consent.is_some()),
        ..SignUpForm::default()
    };
    // Their emails in the event's language, not the organizer's screen's.
    let theirs = Lang::from_code(&managed.event().language).unwrap_or(lang);
    let problem = match attendance::walk_in(&state, &managed, &person, form.slot.as_deref(), theirs).await {
        Ok((done, slot)) => {
            let address =
                format!("/check-in?slot={}&done={}#r-{}", slot.id(), done.registration.id, done.registration.id);
            return Ok(Redirect::to(&event_path(&managed, &address)).into_response());
        }
        Err(error) => problems(lang, error)?,
    };
    let slot = attendance::slot_of(&managed, form.slot.as_deref(), state.clock.now())?;
    let confirmed = confirmed(&state, &managed).await?;
    let shown = Shown { query: "", filter: "", banner: Some(Banner::Invalid(problem)), trainer: Trainer::default() };
    let content = render(lang, &managed, &confirmed, &slot, &shown, &csrf);
    let markup = page(lang, uri.path(), lang.texts().admin().check_in, &organizer, &csrf, content);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, csrf, markup).into_response())
}

/// Why a walk-in was not added, worded for the page; other errors go on.
fn problems(lang: Lang, error: AppError) -> Result<Vec<String>, AppError> {
    let t = lang.texts();
    match error {
        AppError::Validation(errors) => {
            let label = |field: &str| match field {
                "name" => t.name_label,
                "email" => t.email_label,
                "institution" => t.institution_label,
                "level" => t.level_label,
                _ => t.consent_label,
            };
            Ok(errors.iter().map(|e| format!("{} : {}", label(&e.field), t.field_error(e.kind))).collect())
        }
        AppError::AlreadyRegistered => Ok(vec![t.already_registered.to_owned()]),
        other => Err(other),
    }
}

/// A query-string value, percent-encoded.
fn urlencoding(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

async fn confirmed(state: &AppState, managed: &ManagedEvent) -> Result<Vec<AttendeeLine>, AppError> {
    let lines = queries::registrations(state, managed).await?;
    Ok(lines.into_iter().filter(|line| line.registration.status == RegistrationStatus::Confirmed).collect())
}

/// What the top of the page says after a check-in.
enum Banner {
    Arrived {
        name: String,
        at: Option<chrono::DateTime<chrono::Utc>>,
        again: bool,
    },
    Unknown,
    /// A walk-in that could not be added, and why.
    Invalid(Vec<String>),
    /// A person's QR code was scanned: one tap confirms.
    Scanned {
        name: String,
        code: String,
    },
}

/// The confirmation a scanned QR code asks for, if the code is one of the
/// event's confirmed attendees'.
fn scanned(state: &AppState, confirmed: &[AttendeeLine], code: String) -> Banner {
    match confirmed.iter().find(|line| attendance::code_matches(state, line.registration.id, &code)) {
        Some(line) => Banner::Scanned { name: line.registration.name.clone(), code },
        None => Banner::Unknown,
    }
}

/// The trainer's signature of the slot shown, and whether a signature was
/// just refused.
#[derive(Default)]
struct Trainer {
    signature: Option<crate::domain::TrainerSignature>,
    invalid: bool,
}

struct Shown<'a> {
    query: &'a str,
    filter: &'a str,
    banner: Option<Banner>,
    trainer: Trainer,
}

fn render(
    lang: Lang,
    managed: &ManagedEvent,
    confirmed: &[AttendeeLine],
    slot: &Slot,
    shown: &Shown,
    csrf: &CsrfToken,
) -> Markup {
    let a = lang.texts().admin();
    let slot_id = slot.id();
    let here = |line: &AttendeeLine| line.attendance.contains_key(&slot_id);
    let present = confirmed.iter().filter(|line| here(line)).count() as i64;
    let mut people: Vec<_> = confirmed
        .iter()
        .filter(|line| match shown.filter {
            "present" => here(line),
            "absent" => !here(line),
            _ => true,
        })
        .filter(|line| line.matches(shown.query))
        .collect();
    people.sort_by_cached_key(|line| folded(&line.registration.name));
    let action = event_path(managed, "/check-in");
    let slots = managed.event().slots();
    let time = |at: chrono::DateTime<chrono::Utc>| at.with_timezone(&Paris).format("%H:%M").to_string();
    html! {
        p { a href=(event_path(managed, "")) { "← " (managed.event().title) } }
        h1 { (a.check_in) " — " (slot.label(lang)) }
        @match &shown.banner {
            Some(Banner::Arrived { name, at: Some(at), again: false }) => {
                p.arrival role="status" { "✓ " (name) " — " (time(*at)) }
            }
            Some(Banner::Arrived { name, at, .. }) => {
                p.arrival.again role="status" { ((a.already_checked_in)(name, &at.map(time).unwrap_or_default())) }
            }
            Some(Banner::Unknown) => { p.notice.error role="alert" { (a.code_unknown) } }
            Some(Banner::Scanned { name, code }) => {
                form.scanned method="post" action=(action) {
                    input type="hidden" name=(csrf::FIELD) value=(csrf.value());
                    input type="hidden" name="slot" value=(slot_id);
                    input type="hidden" name="code" value=(code);
                    p.arrival { ((lang.certificate_admin().scanned)(name, &slot.label(lang))) }
                    button.big type="submit" autofocus { (lang.certificate_admin().scanned_button) }
                }
            }
            Some(Banner::Invalid(problems)) => {
                div.notice.error role="alert" { ul { @for problem in problems { li { (problem) } } } }
            }
            None => {}
        }
        @if slots.len() > 1 {
            nav.slots aria-label=(a.slot_choice) {
                @for other in &slots {
                    @if other.id() == slot_id {
                        strong aria-current="true" { (other.label(lang)) }
                    } @else {
                        a href={ (action) "?slot=" (other.id()) } { (other.label(lang)) }
                    }
                    " "
                }
            }
        }
        p { strong { ((a.present_count)(present, confirmed.len() as i64)) } }
        p { a href=(event_path(managed, &format!("/slots/{slot_id}/code"))) { (a.signature_code_link) } }
        form.filters method="post" action=(action) {
            input type="hidden" name=(csrf::FIELD) value=(csrf.value());
            input type="hidden" name="slot" value=(slot_id);
            div.field {
                label for="code" { (a.check_in_code_label) }
                input.code #code name="code" type="text" autocomplete="off" autocapitalize="characters" inputmode="text" autofocus;
            }
            button type="submit" { (a.check_in_button) }
        }
        form.filters method="get" action=(action) {
            input type="hidden" name="slot" value=(slot_id);
            div.field {
                label for="q" { (a.search_label) }
                input #q name="q" type="search" value=(shown.query);
            }
            div.field {
                label for="show" { (a.show_label) }
                select #show name="show" {
                    @for (value, label) in [("", a.show_everyone), ("present", a.show_present), ("absent", a.show_absent)] {
                        option value=(value) selected[shown.filter == value] { (label) }
                    }
                }
            }
            button type="submit" { (a.search) }
        }
        ul.check-in { @for line in people { (person(lang, &action, &slot_id, line, shown, csrf)) } }
        (walk_in_form(lang, &event_path(managed, "/walk-ins"), &slot_id, csrf))
        @let trainer_action = event_path(managed, &format!("/slots/{slot_id}/trainer-signature"));
        (certificates::trainer_section(lang, &trainer_action, shown.trainer.signature.as_ref(), shown.trainer.invalid, csrf))
    }
}

/// Adds someone who came without a seat: confirmed and checked in at once.
fn walk_in_form(lang: Lang, action: &str, slot: &str, csrf: &CsrfToken) -> Markup {
    let (t, a) = (lang.texts(), lang.texts().admin());
    html! {
        details.walk-in {
            summary { (a.walk_in_title) }
            p.hint { (a.walk_in_hint) }
            form method="post" action=(action) {
                input type="hidden" name=(csrf::FIELD) value=(csrf.value());
                input type="hidden" name="slot" value=(slot);
                @for (name, label, kind) in [("name", t.name_label, "text"), ("email", t.email_label, "email"), ("institution", t.institution_label, "text")] {
                    div.field {
                        label for={ "walk-in-" (name) } { (label) }
                        input id={ "walk-in-" (name) } name=(name) type=(kind) required[name != "institution"];
                    }
                }
                div.field {
                    label for="walk-in-level" { (t.level_label) }
                    select #walk-in-level name="level" required {
                        @for level in Level::ALL { option value=(level.code()) { (t.level(level)) } }
                    }
                }
                div.field.check {
                    input #walk-in-consent name="consent" type="checkbox" value="yes" required;
                    label for="walk-in-consent" { (a.walk_in_consent) }
                }
                button type="submit" { (a.walk_in_button) }
            }
        }
    }
}

fn person(lang: Lang, action: &str, slot: &str, line: &AttendeeLine, shown: &Shown, csrf: &CsrfToken) -> Markup {
    let a = lang.texts().admin();
    let r = &line.registration;
    html! {
        li #{ "r-" (r.id) } {
            span.name { (lang.people().name(r)) }
            @if let Some(institution) = &r.institution { " " span.hint { (institution) } }
            form.inline method="post" action=(action) {
                input type="hidden" name=(csrf::FIELD) value=(csrf.value());
                input type="hidden" name="registration" value=(r.id);
                input type="hidden" name="slot" value=(slot);
                input type="hidden" name="q" value=(shown.query);
                input type="hidden" name="show" value=(shown.filter);
                @match line.attendance.get(slot) {
                    Some(at) => {
                        span.seats.open { ((a.checked_in)(&at.with_timezone(&Paris).format("%H:%M").to_string())) }
                        " "
                        input type="hidden" name="undo" value="yes";
                        button.link type="submit" { (a.undo_check_in) }
                    }
                    None => { button type="submit" aria-label={ (a.check_in_button) " : " (r.name) } { (a.check_in_button) } }
                }
            }
        }
    }
}
