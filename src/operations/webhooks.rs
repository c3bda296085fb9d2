//! An organizer's webhooks: register one (for one of their events, or all
//! of them), list them with their latest deliveries, delete one. Each
//! organizer sees and deletes their own only.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Actor;
use super::queries::managed_event;
use crate::domain::{FieldError, FieldErrorKind, NewWebhook, Webhook, WebhookDelivery};
use crate::error::AppError;
use crate::state::AppState;
use crate::webhooks::address::{self, Refusal};

/// Deliveries shown with a webhook.
pub const DELIVERIES_SHOWN: i64 = 50;

/// A webhook just made, with its secret: shown this once.
#[derive(Debug)]
pub struct Created {
    pub webhook: Webhook,
    pub secret: String,
}

/// Registers an endpoint for the actor: checked for its form, for the
/// event (one the actor manages), and for where its host leads.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    url: &str,
    events: &[String],
    event_id: Option<Uuid>,
) -> Result<Created, AppError> {
    let organizer = actor.organizer().ok_or(AppError::Forbidden)?.clone();
    let new = NewWebhook::parse(url, events, event_id, state.webhooks.allow_http).map_err(AppError::Validation)?;
    if let Some(event) = new.event_id {
        // Another's event and no event at all read the same.
        match managed_event(state, actor.clone(), &event.to_string()).await {
            Ok(_) => {}
            Err(AppError::EventNotFound | AppError::Forbidden) => {
                return Err(AppError::Validation(vec![FieldError::new("event_id", FieldErrorKind::UnknownChoice)]));
            }
            Err(other) => return Err(other),
        }
    }
    let host = new.url.host_str().unwrap_or_default();
    let port = new.url.port_or_known_default().unwrap_or(443);
    // A resolver that does not answer must not hold the request up.
    let resolved =
        tokio::time::timeout(std::time::Duration::from_secs(5), address::resolve(host, port, state.webhooks))
            .await
            .unwrap_or(Err(Refusal::Unresolvable));
    if let Err(refusal) = resolved {
        let kind = match refusal {
            Refusal::Unresolvable => FieldErrorKind::UnresolvableHost,
            Refusal::Private => FieldErrorKind::PrivateAddress,
        };
        return Err(AppError::Validation(vec![FieldError::new("url", kind)]));
    }
    let now = state.clock.now();
    let webhook = Webhook {
        id: Uuid::now_v7(),
        organizer_id: organizer.id,
        event_id: new.event_id,
        url: new.url.to_string(),
        events: new.events,
        secret_salt: crate::token::new_salt(),
        created_at: now,
    };
    state.store.create_webhook(webhook.clone(), now).await?;
    tracing::info!(webhook = %webhook.id, by = actor.label(), "webhook created");
    let secret = state.keys.webhook_secret(webhook.id, &webhook.secret_salt);
    Ok(Created { webhook, secret })
}

/// The actor's webhooks, newest first.
pub async fn list(state: &AppState, actor: &Actor) -> Result<Vec<Webhook>, AppError> {
    let organizer = actor.organizer().ok_or(AppError::Forbidden)?;
    Ok(state.store.webhooks_of(organizer.id).await?)
}

/// The actor's webhooks, newest first, each with its latest `shown`
/// deliveries (the back-office page).
pub async fn list_with_deliveries(
    state: &AppState,
    actor: &Actor,
    shown: i64,
) -> Result<Vec<(Webhook, Vec<WebhookDelivery>)>, AppError> {
    let mut listed = Vec::new();
    for webhook in list(state, actor).await? {
        let deliveries = state.store.webhook_deliveries(webhook.id, shown).await?;
        listed.push((webhook, deliveries));
    }
    Ok(listed)
}

/// One of the actor's webhooks with its latest deliveries; another
/// organizer's is not found.
pub async fn one(state: &AppState, actor: &Actor, id: Uuid) -> Result<(Webhook, Vec<WebhookDelivery>), AppError> {
    let organizer = actor.organizer().ok_or(AppError::Forbidden)?;
    let webhook = state.store.webhook(id).await?.filter(|w| w.organizer_id == organizer.id);
    let webhook = webhook.ok_or(AppError::WebhookNotFound)?;
    let deliveries = state.store.webhook_deliveries(id, DELIVERIES_SHOWN).await?;
    Ok((webhook, deliveries))
}

/// Deletes one of the actor's webhooks, with the deliveries it still owed.
pub async fn delete(state: &AppState, actor: &Actor, id: Uuid) -> Result<(), AppError> {
    let organizer = actor.organizer().ok_or(AppError::Forbidden)?;
    let now: DateTime<Utc> = state.clock.now();
    if !state.store.delete_webhook(id, organizer.id, now).await? {
        return Err(AppError::WebhookNotFound);
    }
    tracing::info!(webhook = %id, by = actor.label(), "webhook deleted");
    Ok(())
}
