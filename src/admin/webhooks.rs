//! An organizer's webhooks in the back-office: register one (its secret
//! shown once), see each one's latest deliveries, delete one.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

use super::{Signed, page};
use crate::domain::{Event, FieldError, FieldErrorKind, Lang, Webhook, WebhookDelivery, WebhookEvent};
use crate::error::AppError;
use crate::operations::{Actor, queries, webhooks as operations};
use crate::state::AppState;
use crate::web::csrf::{self, CsrfForm, CsrfToken, NoFields};

/// Deliveries listed under each webhook.
const SHOWN: i64 = 10;

/// What the page says at the top, after an action.
enum Notice {
    Created(String),
    Deleted,
    /// The form was refused: its errors, and what was typed.
    Refused(Vec<FieldError>, NewWebhookForm),
}

#[derive(Debug, Default, Deserialize)]
pub struct NewWebhookForm {
    #[serde(default)]
    url: String,
    #[serde(default)]
    events: Vec<String>,
    /// Empty: all the organizer's events.
    #[serde(default)]
    event_id: String,
}

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    signed: Signed,
) -> Result<Response, AppError> {
    render(&state, lang, &uri, csrf, &signed.actor(), None).await
}

pub async fn create(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    signed: Signed,
    CsrfForm(form): CsrfForm<NewWebhookForm>,
) -> Result<Response, AppError> {
    let event_id = match form.event_id.trim() {
        "" => Ok(None),
        id => {
            id.parse::<Uuid>().map(Some).map_err(|_| vec![FieldError::new("event_id", FieldErrorKind::UnknownChoice)])
        }
    };
    let actor = signed.actor();
    let created = match event_id {
        Ok(event_id) => operations::create(&state, &actor, &form.url, &form.events, event_id).await,
        Err(errors) => Err(AppError::Validation(errors)),
    };
    let notice = match created {
        Ok(created) => Notice::Created(created.secret),
        Err(AppError::Validation(errors)) => Notice::Refused(errors, form),
        Err(other) => return Err(other),
    };
    render(&state, lang, &uri, csrf, &actor, Some(notice)).await
}

pub async fn delete(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    csrf: CsrfToken,
    signed: Signed,
    Path(id): Path<Uuid>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let actor = signed.actor();
    operations::delete(&state, &actor, id).await?;
    render(&state, lang, &uri, csrf, &actor, Some(Notice::Deleted)).await
}

async fn render(
    state: &AppState,
    lang: Lang,
    uri: &Uri,
    csrf: CsrfToken,
    actor: &Actor,
    notice: Option<Notice>,
) -> Result<Response, AppError> {
    let organizer = actor.organizer().ok_or(AppError::Forbidden)?;
    let events = queries::managed_events(state, organizer).await?;
    let webhooks = operations::list_with_deliveries(state, actor, SHOWN).await?;
    let status = match &notice {
        Some(Notice::Created(_)) => StatusCode::CREATED,
        Some(Notice::Refused(..)) => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::OK,
    };
    let content = content(lang, &csrf, &events, &webhooks, notice.as_ref(), state.clock.now());
    let markup = page(lang, uri.path(), lang.webhooks().title, organizer, &csrf, content);
    Ok((status, csrf, markup).into_response())
}

fn content(
    lang: Lang,
    csrf: &CsrfToken,
    events: &[Event],
    webhooks: &[(Webhook, Vec<WebhookDelivery>)],
    notice: Option<&Notice>,
    now: chrono::DateTime<chrono::Utc>,
) -> Markup {
    let w = lang.webhooks();
    let title_of = |id: Uuid| events.iter().find(|e| e.id == id).map_or_else(|| id.to_string(), |e| e.title.clone());
    html! {
        h1 { (w.title) }
        @match notice {
            Some(Notice::Created(secret)) => div.notice.success role="status" {
                p { (w.created) }
                p { code #new-secret { (secret) } }
                p.hint { (w.secret_hint) }
            },
            Some(Notice::Deleted) => p.notice.success role="status" { (w.deleted) },
            Some(Notice::Refused(..)) => p.notice.error role="alert" { (w.fix_errors) },
            None => {},
        }
        p.hint { (w.hint) }
        @if webhooks.is_empty() { p { (w.none) } }
        @for (webhook, deliveries) in webhooks {
            section.webhook aria-labelledby=(format!("webhook-{}", webhook.id)) {
                h2 #(format!("webhook-{}", webhook.id)) { code { (webhook.url) } }
                p {
                    (w.scope) " : " (webhook.event_id.map_or_else(|| w.all_events.to_owned(), title_of))
                    " — " (w.created_at) " " (lang.texts().date_time(webhook.created_at))
                }
                ul { @for kind in &webhook.events { li { (w.kind(*kind)) " (" code { (kind.code()) } ")" } } }
                (deliveries_table(lang, deliveries, now))
                form method="post" action=(format!("/admin/webhooks/{}/delete", webhook.id)) {
                    input type="hidden" name=(csrf::FIELD) value=(csrf.value());
                    button.secondary type="submit" { (w.delete) }
                }
            }
        }
        (new_webhook_form(lang, csrf, events, notice))
    }
}

fn deliveries_table(lang: Lang, deliveries: &[WebhookDelivery], now: chrono::DateTime<chrono::Utc>) -> Markup {
    let (w, t) = (lang.webhooks(), lang.texts());
    html! {
        h3 { (w.deliveries) }
        @if deliveries.is_empty() { p { (w.no_deliveries) } } @else {
            // Nothing in it takes focus: the region does, so that a keyboard
            // can scroll it on a narrow screen.
            div.table-scroll tabindex="0" role="region" aria-label=(w.deliveries) { table.deliveries {
                thead { tr {
                    th { (w.delivery_at) } th { (w.delivery_type) } th { (w.delivery_status) }
                    th { (w.attempts) } th { (w.last_result) } th { (w.next_attempt) }
                } }
                tbody { @for d in deliveries {
                    tr {
                        td { (t.date_time(d.created_at)) }
                        td { code { (d.kind) } }
                        td { (w.status(d.status)) }
                        td { (d.attempts) }
                        td { @if let Some(status) = d.last_status { "HTTP " (status) " " } (d.last_error.as_deref().unwrap_or("")) }
                        td { @if d.status == crate::domain::DeliveryStatus::Pending {
                            (t.date_time(d.next_attempt_at.max(now)))
                        } }
                    }
                } }
            } }
        }
    }
}

fn new_webhook_form(lang: Lang, csrf: &CsrfToken, events: &[Event], notice: Option<&Notice>) -> Markup {
    let w = lang.webhooks();
    let (errors, typed) = match notice {
        Some(Notice::Refused(errors, typed)) => (errors.as_slice(), Some(typed)),
        _ => (&[][..], None),
    };
    let error = |field: &str| errors.iter().find(|e| e.field == field).map(|e| lang.texts().field_error(e.kind));
    let (url_error, events_error, scope_error) = (error("url"), error("events"), error("event_id"));
    let chosen = |kind: WebhookEvent| typed.is_some_and(|f| f.events.iter().any(|code| code == kind.code()));
    let scope = typed.map_or("", |f| f.event_id.as_str());
    html! {
        h2 #new-webhook { (w.new_webhook) }
        form method="post" action="/admin/webhooks" {
            input type="hidden" name=(csrf::FIELD) value=(csrf.value());
            div.field {
                label for="url" { (w.url) }
                p.hint #url-hint { (w.url_hint) }
                @if let Some(message) = &url_error { p.error #url-error { (message) } }
                input #url name="url" type="url" required maxlength="2000" value=(typed.map_or("", |f| f.url.as_str()))
                    aria-invalid=[url_error.as_ref().map(|_| "true")]
                    aria-describedby=(if url_error.is_some() { "url-hint url-error" } else { "url-hint" });
            }
            fieldset aria-describedby=[events_error.as_ref().map(|_| "events-error")] {
                legend { (w.event_types) }
                @if let Some(message) = &events_error { p.error #events-error { (message) } }
                @for kind in WebhookEvent::ALL {
                    div.field.checkbox {
                        input #(format!("kind-{}", kind.code())) type="checkbox" name="events" value=(kind.code())
                            checked[chosen(kind)];
                        label for=(format!("kind-{}", kind.code())) { (w.kind(kind)) " (" code { (kind.code()) } ")" }
                    }
                }
            }
            div.field {
                label for="event_id" { (w.scope) }
                @if let Some(message) = &scope_error { p.error #event_id-error { (message) } }
                select #event_id name="event_id" aria-invalid=[scope_error.as_ref().map(|_| "true")]
                    aria-describedby=[scope_error.as_ref().map(|_| "event_id-error")] {
                    option value="" { (w.all_events) }
                    @for event in events {
                        option value=(event.id) selected[scope == event.id.to_string()] { (event.title) }
                    }
                }
            }
            button type="submit" { (w.create) }
        }
    }
}
