//! The reads handlers need, beside the operations: who may see what is
//! decided here, once.

use std::sync::Arc;

use uuid::Uuid;

use super::{Actor, ManagedEvent};
use crate::domain::{
    AttendeeLine, AuditLine, DateRange, Event, EventStatus, Lang, Organizer, Page, PageRequest, Question, Registration,
    RegistrationStatus, Role, folded, page,
};
use crate::error::AppError;
use crate::export::{self, Download, Format};
use crate::state::AppState;
use crate::store::{Backup, EventFilter, Health, StoreError};
use crate::token::{CancelToken, TokenHash};

/// An event by uuid or slug, whatever its status.
async fn event_by_key(state: &AppState, key: &str) -> Result<Option<Event>, AppError> {
    Ok(match Uuid::parse_str(key) {
        Ok(id) => state.store.event_by_id(id).await?,
        Err(_) => state.store.event_by_slug(key).await?,
    })
}

/// An event as the public may see it: by uuid or slug, never a draft.
pub async fn public_event(state: &AppState, key: &str) -> Result<Event, AppError> {
    let event = event_by_key(state, key).await?;
    event.filter(|e| e.status != EventStatus::Draft).ok_or(AppError::EventNotFound)
}

/// The event a sign-up is for (never a draft) and its questions, cached for
/// at most a second (see `cache`): a rush reads it thousands of times. The
/// store checks the event's rules again, on its current row, when it
/// commits the sign-up.
pub async fn sign_up_event(state: &AppState, key: &str) -> Result<Arc<(Event, Vec<Question>)>, AppError> {
    state
        .caches
        .event(key, || async {
            let event = public_event(state, key).await?;
            let questions = state.store.event_questions(event.id).await?;
            Ok(Arc::new((event, questions)))
        })
        .await
}

/// The questions an event asks at sign-up, in order.
pub async fn questions(state: &AppState, event: &Event) -> Result<Vec<Question>, AppError> {
    Ok(state.store.event_questions(event.id).await?)
}

/// Published events that have not started, soonest first.
pub async fn upcoming(state: &AppState, filter: &EventFilter) -> Result<Vec<Event>, AppError> {
    Ok(state.store.upcoming_events(filter, state.clock.now()).await?)
}

/// One page of the upcoming events that `filter` lists, held in `dates`
/// and matching `text`. Searches and later pages are cut from the cached
/// list, so that they cost no query. The first page of the whole list is
/// read afresh: the caches keep it as sent, and a copy of a copy could be
/// twice `cache::FRESH_FOR` old.
pub async fn upcoming_page(
    state: &AppState,
    filter: &EventFilter,
    dates: DateRange,
    text: &str,
    request: &PageRequest,
) -> Result<Page<Event>, AppError> {
    let first = dates == DateRange::default() && text.is_empty() && request.after.is_none();
    let events = match first {
        true => Arc::new(upcoming(state, filter).await?),
        false => {
            state.caches.upcoming(&filter.key(), || async { Ok(Arc::new(upcoming(state, filter).await?)) }).await?
        }
    };
    let needle = folded(text);
    let matching = events.iter().filter(|e| dates.contains(e.starts_at) && e.matches_folded(&needle));
    let found = page(matching, |e| e.list_key(), request);
    Ok(Page { items: found.items.into_iter().cloned().collect(), next: found.next, total: found.total })
}

pub async fn count_events(state: &AppState) -> Result<i64, AppError> {
    Ok(state.store.count_events().await?)
}

/// The event behind `key` (id or slug, drafts included) if `actor` may
/// manage it: admins every event, organizers those they own or were added
/// to. 404 when there is none, 403 when it is someone else's.
pub async fn managed_event(state: &AppState, actor: Actor, key: &str) -> Result<ManagedEvent, AppError> {
    let event = event_by_key(state, key).await?.ok_or(AppError::EventNotFound)?;
    let allowed = actor.manages_everything()
        || match actor.organizer() {
            Some(organizer) => state.store.is_event_organizer(event.id, organizer.id).await?,
            None => false,
        };
    if allowed { Ok(ManagedEvent { event, actor }) } else { Err(AppError::Forbidden) }
}

/// Events an organizer manages (all of them for an admin), latest first.
pub async fn managed_events(state: &AppState, organizer: &Organizer) -> Result<Vec<Event>, AppError> {
    Ok(state.store.events_managed_by(organizer).await?)
}

/// Every registration of the event, oldest first.
pub async fn registrations(state: &AppState, managed: &ManagedEvent) -> Result<Vec<AttendeeLine>, AppError> {
    Ok(state.store.event_registrations(&managed.event).await?)
}

/// One of the event's people, by registration id; 404 when it is not of
/// this event (another event's, or nobody's).
pub async fn registration_line(state: &AppState, managed: &ManagedEvent, id: Uuid) -> Result<AttendeeLine, AppError> {
    let lines = registrations(state, managed).await?;
    lines.into_iter().find(|line| line.registration.id == id).ok_or(AppError::RegistrationNotFound)
}

/// One page of the event's people, oldest sign-up first: those of
/// `status` (all when `None`) whose name, email or institution contains
/// `text`.
pub async fn registrations_page(
    state: &AppState,
    managed: &ManagedEvent,
    status: Option<RegistrationStatus>,
    text: &str,
    request: &PageRequest,
) -> Result<Page<AttendeeLine>, AppError> {
    let lines = registrations(state, managed).await?;
    let matching = lines
        .into_iter()
        .filter(|line| status.is_none_or(|status| line.registration.status == status) && line.matches(text));
    Ok(page(matching, AttendeeLine::list_key, request))
}

/// What was done to the event, newest first.
pub async fn event_history(state: &AppState, managed: &ManagedEvent) -> Result<Vec<AuditLine>, AppError> {
    Ok(state.store.event_audit(managed.event.id).await?)
}

pub async fn event_organizers(state: &AppState, managed: &ManagedEvent) -> Result<Vec<Organizer>, AppError> {
    Ok(state.store.event_organizers(managed.event.id).await?)
}

/// Organizer accounts and the latest actions, for admins only.
pub async fn accounts(state: &AppState, actor: &Actor) -> Result<(Vec<Organizer>, Vec<AuditLine>), AppError> {
    if actor.organizer().is_none_or(|organizer| organizer.role != Role::Admin) {
        return Err(AppError::Forbidden);
    }
    Ok((state.store.organizers().await?, state.store.recent_audit().await?))
}

/// The registration and event behind a cancel link.
pub async fn registration_by_token(state: &AppState, raw_token: &str) -> Result<(Registration, Event), AppError> {
    let token = CancelToken::parse(raw_token).ok_or(AppError::RegistrationNotFound)?;
    state.store.registration_by_token(&token).await?.ok_or(AppError::RegistrationNotFound)
}

/// The slots a person signed for, and when.
pub async fn signatures(
    state: &AppState,
    registration: Uuid,
) -> Result<std::collections::HashMap<String, chrono::DateTime<chrono::Utc>>, AppError> {
    Ok(state.store.signatures(registration).await?)
}

/// The organizer behind a sign-in session that has not expired.
pub async fn organizer_by_session(state: &AppState, token: &TokenHash) -> Result<Option<Organizer>, AppError> {
    Ok(state.store.organizer_by_session(token, state.clock.now()).await?)
}

/// The event's registrations in one of the export formats.
pub async fn export(
    state: &AppState,
    managed: &ManagedEvent,
    format: Format,
    lang: Lang,
) -> Result<Download, AppError> {
    let lines = registrations(state, managed).await?;
    let questions = questions(state, &managed.event).await?;
    let signed_by = match managed.actor.organizer() {
        Some(organizer) if !organizer.name.is_empty() => organizer.name.clone(),
        Some(organizer) => organizer.email.clone(),
        None => String::new(),
    };
    let trainers = state.store.trainer_signatures(managed.event.id).await?;
    export::render(format, managed.event.clone(), questions, lines, trainers, signed_by, lang)
        .await
        .map_err(AppError::Internal)
}

/// Whether the service can take sign-ups now.
pub async fn health(state: &AppState) -> Health {
    state.store.health(state.clock.now()).await
}

/// What `/metrics` reads from the database.
pub async fn gauges(state: &AppState) -> Result<crate::store::Gauges, StoreError> {
    state.store.gauges(state.clock.now()).await
}

/// A consistent copy of the database in a new file (`atelier backup`).
pub async fn backup(state: &AppState, to: &std::path::Path) -> Result<Backup, StoreError> {
    state.store.backup(to).await
}
