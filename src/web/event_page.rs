//! `/events/{slug}`: one event, its description and the sign-up form.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use maud::{Markup, html};
use serde::Deserialize;

use super::csrf::{self, CsrfForm, CsrfToken};
use super::layout::{availability, event_facts, paragraphs, shared};
use crate::client::ClientAddr;
use crate::domain::{Event, EventStatus, Lang, Level, Question, QuestionKind, Refusal, SignUpForm};
use crate::error::AppError;
use crate::i18n::Texts;
use crate::operations::{queries, registrations};
use crate::state::AppState;

/// The form as posted: text fields, and `consent` present only when ticked.
#[derive(Debug, Default, Deserialize)]
pub struct Fields {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    institution: String,
    #[serde(default)]
    level: String,
    consent: Option<String>,
    /// Answers, posted as `answers.<question id>`.
    #[serde(flatten)]
    other: HashMap<String, String>,
}

impl Fields {
    fn to_sign_up(&self) -> SignUpForm {
        SignUpForm {
            name: Some(self.name.clone()),
            email: Some(self.email.clone()),
            institution: Some(self.institution.clone()),
            level: Some(self.level.clone()),
            consent: Some(self.consent.is_some()),
            language: None,
            answers: Some(
                self.other
                    .iter()
                    .filter_map(|(key, value)| key.strip_prefix("answers.").map(|id| (id.to_owned(), value.clone())))
                    .collect(),
            ),
        }
    }
}

/// What went wrong with a submitted form, in the reader's language.
#[derive(Default)]
struct Problems {
    /// Field name → message shown next to that field.
    fields: Vec<(String, String)>,
    /// A message about the whole sign-up.
    notice: Option<String>,
    /// Already registered: offer the page that sends the lost link again.
    lost_link: bool,
}

impl Problems {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(f, _)| *f == name).map(|(_, m)| m.as_str())
    }
}

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    Path(slug): Path<String>,
    csrf: CsrfToken,
) -> Result<impl IntoResponse, AppError> {
    let event = queries::public_event(&state, &slug).await?;
    let questions = queries::questions(&state, &event).await?;
    let form =
        SignUpPage { values: &Fields::default(), problems: &Problems::default(), questions: &questions, csrf: &csrf };
    let page = render(lang, uri.path(), &event, &form, state.clock.now());
    Ok((csrf, page))
}

pub async fn sign_up(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    Path(slug): Path<String>,
    csrf: CsrfToken,
    client: ClientAddr,
    CsrfForm(fields): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let cached = queries::sign_up_event(&state, &slug).await?;
    let (event, questions) = &*cached;
    let signed_up = match registrations::within_sign_up_limit(&state, client.bucket()) {
        Ok(()) => registrations::sign_up(&state, event, questions, &fields.to_sign_up(), lang).await,
        Err(limited) => Err(limited),
    };
    let (status, problems) = match signed_up {
        Ok(done) => return Ok(Redirect::to(&format!("/r/{}?new=1", done.token.as_str())).into_response()),
        Err(error) => problems(lang, error)?,
    };
    // Read the event again so that seats and state are current.
    let event = queries::public_event(&state, &slug).await?;
    let questions = queries::questions(&state, &event).await?;
    let form = SignUpPage { values: &fields, problems: &problems, questions: &questions, csrf: &csrf };
    let page = render(lang, uri.path(), &event, &form, state.clock.now());
    Ok((status, csrf, page).into_response())
}

/// A refused sign-up as the form shows it again; other errors are passed on.
fn problems(lang: Lang, error: AppError) -> Result<(StatusCode, Problems), AppError> {
    let t = lang.texts();
    Ok(match error {
        AppError::Validation(errors) => {
            let fields = errors.iter().map(|e| (e.field.to_string(), t.field_error(e.kind))).collect();
            (StatusCode::UNPROCESSABLE_ENTITY, Problems { fields, ..Problems::default() })
        }
        AppError::Refused(Refusal::LevelNotAdmitted) => {
            let fields = vec![("level".to_owned(), t.refusal(Refusal::LevelNotAdmitted).to_owned())];
            (StatusCode::CONFLICT, Problems { fields, ..Problems::default() })
        }
        error @ (AppError::AlreadyRegistered | AppError::Refused(_)) => {
            let lost_link = matches!(error, AppError::AlreadyRegistered);
            (StatusCode::CONFLICT, Problems { notice: Some(error.message(t)), lost_link, ..Problems::default() })
        }
        error @ AppError::RateLimited { .. } => {
            (StatusCode::TOO_MANY_REQUESTS, Problems { notice: Some(error.message(t)), ..Problems::default() })
        }
        other => return Err(other),
    })
}

/// What the sign-up form shows: typed values, problems, the event's questions.
struct SignUpPage<'a> {
    values: &'a Fields,
    problems: &'a Problems,
    questions: &'a [Question],
    csrf: &'a CsrfToken,
}

fn render(lang: Lang, path: &str, event: &Event, form: &SignUpPage<'_>, now: DateTime<Utc>) -> Markup {
    let problems = form.problems;
    let t = lang.texts();
    let full = event.seats_left() == 0;
    // A refused sign-up says so in the tab's title too, which a screen
    // reader announces first.
    let refused = problems.notice.is_some() || !problems.fields.is_empty();
    let title = if refused { format!("{}{}", t.error_prefix, event.title) } else { event.title.clone() };
    // What a shared link shows under the title: when, where, who hosts.
    let summary = format!("{} · {} · {}", t.sessions(&event.sessions), event.location, event.host);
    shared(
        lang,
        path,
        &title,
        &summary,
        html! {
            p { a href="/" { "← " (t.back_to_events) } }
            @if event.status == EventStatus::Cancelled {
                p.notice.error role="alert" { strong { (t.event_cancelled_banner) } }
            }
            article.event-detail {
                p.kind { (t.kind(event.kind)) }
                // Written by its organizers, in the event's language, whatever
                // the page's: screen readers pronounce it as such.
                h1 lang=(event.language) { (event.title) }
                (event_facts(t, event))
                @if event.status != EventStatus::Cancelled { (availability(t, event, now, "#sign-up")) }
                div lang=(event.language) { (paragraphs(&event.description)) }
                @if let Some(bring) = &event.what_to_bring {
                    h2 { (t.what_to_bring) }
                    div lang=(event.language) { (paragraphs(bring)) }
                }
            }
            section.sign-up #sign-up aria-labelledby="sign-up-title" {
                h2 #sign-up-title { (t.sign_up_title) }
                @if let Some(notice) = &problems.notice {
                    p.notice.error role="alert" { (notice) }
                }
                @if problems.lost_link { p { a href="/mes-inscriptions" { (t.send_link_again) } } }
                @match event.sign_up_state(now) {
                    Err(refusal) => { p.notice { (t.refusal(refusal)) } }
                    Ok(()) => {
                        @if full { p.notice { (t.full_notice) } }
                        @if !problems.fields.is_empty() {
                            div.notice.error role="alert" {
                                p { (t.form_has_errors) }
                                ul {
                                    @for (field, message) in &problems.fields {
                                        li { a href={ "#" (field) } {
                                            ((t.labelled)(&field_label(t, field, form.questions), message))
                                        } }
                                    }
                                }
                            }
                        }
                        (sign_up_form(lang, path, form, &event.levels, full))
                    }
                }
            }
        },
    )
}

/// What the error summary calls a field: its label, so that each error
/// says where it is ("Nom : ce champ est obligatoire").
fn field_label(t: &Texts, field: &str, questions: &[Question]) -> String {
    match field {
        "name" => t.name_label.into(),
        "email" => t.email_label.into(),
        "institution" => t.institution_label.into(),
        "level" => t.level_label.into(),
        "consent" => t.consent_short.into(),
        answer => {
            let question = questions.iter().find(|q| answer.strip_prefix("answers.") == Some(&q.id.to_string()));
            question.map_or_else(|| field.to_owned(), |q| q.label.clone())
        }
    }
}

/// The form; `levels`: those the event admits, the only ones offered.
fn sign_up_form(lang: Lang, path: &str, form: &SignUpPage<'_>, levels: &[Level], full: bool) -> Markup {
    let SignUpPage { values, problems, questions, csrf } = *form;
    let t = lang.texts();
    let text_field = |name: &'static str, label: &str, kind: &str, value: &str, hint: Option<&str>, required: bool| {
        let error = problems.field(name);
        html! {
            div.field.invalid[error.is_some()] {
                label for=(name) { (label) }
                @if let Some(hint) = hint { p.hint #{ (name) "-hint" } { (hint) } }
                @if let Some(error) = error { p.field-error #{ (name) "-error" } { (error) } }
                input #(name) name=(name) type=(kind) value=(value) required[required]
                    aria-invalid=[error.map(|_| "true")]
                    aria-describedby=[error.map(|_| format!("{name}-error")).or(hint.map(|_| format!("{name}-hint")))]
                    autocomplete=(match name { "name" => "name", "email" => "email", _ => "organization" });
            }
        }
    };
    let level_error = problems.field("level");
    let consent_error = problems.field("consent");
    html! {
        // The answer to a refused sign-up opens at the form and its
        // errors, not at the top of the page (a phone screen away).
        form method="post" action={ (path) "#sign-up" } {
            input type="hidden" name=(csrf::FIELD) value=(csrf.value());
            (text_field("name", t.name_label, "text", &values.name, None, true))
            (text_field("email", t.email_label, "email", &values.email, Some(t.email_hint), true))
            (text_field("institution", t.institution_label, "text", &values.institution, None, false))
            div.field.invalid[level_error.is_some()] {
                label for="level" { (t.level_label) }
                @if let Some(error) = level_error { p.field-error #level-error { (error) } }
                select #level name="level" required aria-invalid=[level_error.map(|_| "true")]
                    aria-describedby=[level_error.map(|_| "level-error")] {
                    option value="" { (t.level_choose) }
                    @for level in Level::ALL.into_iter().filter(|level| levels.contains(level)) {
                        option value=(level.code()) selected[values.level == level.code()] { (t.level(level)) }
                    }
                }
            }
            @for question in questions {
                (question_field(lang, question, values, problems))
            }
            div.field.checkbox.invalid[consent_error.is_some()] {
                @if let Some(error) = consent_error { p.field-error #consent-error { (error) } }
                input #consent type="checkbox" name="consent" value="yes" required checked[values.consent.is_some()]
                    aria-invalid=[consent_error.map(|_| "true")]
                    aria-describedby=[consent_error.map(|_| "consent-error")];
                // Inside the label, so that it wraps with the sentence it explains.
                label for="consent" { (t.consent_label) " " a href="/privacy" { (lang.privacy().learn_more) } }
            }
            button type="submit" { @if full { (t.submit_join_waitlist) } @else { (t.submit_sign_up) } }
        }
    }
}

/// One of the event's questions, named `answers.<id>` like the API's field.
fn question_field(lang: Lang, question: &Question, values: &Fields, problems: &Problems) -> Markup {
    let a = lang.texts().admin();
    let name = format!("answers.{}", question.id);
    let value = values.other.get(&name).cloned().unwrap_or_default();
    let error = problems.field(&name);
    let error_id = format!("{name}-error");
    let label = if question.required {
        question.label.clone()
    } else {
        format!("{} ({})", question.label, lang.texts().optional)
    };
    html! {
        @match question.kind {
            QuestionKind::Text => div.field.invalid[error.is_some()] {
                label for=(name) { (label) }
                @if let Some(error) = error { p.field-error id=(error_id) { (error) } }
                input id=(name) name=(name) type="text" value=(value) required[question.required]
                    aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| &error_id)];
            },
            // The summary's link (`#answers.<id>`) leads to the group.
            QuestionKind::Choice | QuestionKind::YesNo => fieldset.field.invalid[error.is_some()] id=(name)
                aria-describedby=[error.map(|_| &error_id)] {
                legend { (label) }
                @if let Some(error) = error { p.field-error id=(error_id) { (error) } }
                @let options: Vec<(String, String)> = match question.kind {
                    QuestionKind::YesNo => vec![("yes".into(), a.yes.into()), ("no".into(), a.no.into())],
                    _ => question.choices.iter().map(|c| (c.clone(), c.clone())).collect(),
                };
                @for (i, (code, text)) in options.iter().enumerate() {
                    label.choice for={ (name) "-" (i) } {
                        input id={ (name) "-" (i) } type="radio" name=(name) value=(code) checked[&value == code]
                            required[question.required] aria-invalid=[error.map(|_| "true")];
                        " " (text)
                    }
                }
            },
        }
    }
}

/// `/events/{slug}/event.ics`: the event alone as a calendar file, for
/// "Ajouter à mon agenda"; the same UID and SEQUENCE as the feed and the
/// emails' invitations, so that calendars update one entry.
pub async fn calendar_file(
    State(state): State<AppState>,
    lang: Lang,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let event = queries::public_event(&state, &slug).await?;
    let name = lang.texts().calendar_name;
    let file = crate::calendar::feed(std::slice::from_ref(&event), &state.public_url, name, state.clock.now());
    let disposition = format!("attachment; filename=\"{}.ics\"", event.slug);
    let headers =
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, disposition)];
    Ok((headers, file).into_response())
}
