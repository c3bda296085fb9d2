//! Operations organizers perform, shared by the back-office and the API.
//! Who may manage what: admins every event, organizers the events they own
//! or were added to.

use uuid::Uuid;

use crate::app::AppState;
use chrono::Utc;

use crate::domain::{Event, FieldError, FieldErrorKind, NewEvent, Organizer, Role};
use crate::error::AppError;
use crate::store::StoreError;

/// The event behind `key` (id or slug, drafts included) if `organizer` may
/// manage it: 404 when there is none, 403 when it is someone else's.
pub async fn managed_event(state: &AppState, organizer: &Organizer, key: &str) -> Result<Event, AppError> {
    let event = match Uuid::parse_str(key) {
        Ok(id) => state.store.event_by_id(id).await?,
        Err(_) => state.store.event_by_slug(key).await?,
    }
    .ok_or(AppError::EventNotFound)?;
    if organizer.role == Role::Admin || state.store.is_event_organizer(event.id, organizer.id).await? {
        Ok(event)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Creates the event; a slug made from the title gets a short suffix when
/// taken, a chosen one is reported.
pub async fn create_event(
    state: &AppState,
    event: NewEvent,
    organizer: &Organizer,
    chosen_slug: bool,
) -> Result<Result<Event, Vec<FieldError>>, AppError> {
    let base_slug = event.slug.clone();
    for attempt in 0..5 {
        let mut candidate = event.clone();
        if attempt > 0 {
            candidate.slug = format!("{base_slug}-{:04x}", rand::random::<u16>());
        }
        match state.store.create_event(candidate, Some(organizer.id), Utc::now()).await {
            Ok(created) => return Ok(Ok(created)),
            Err(StoreError::Taken(_)) if !chosen_slug => continue,
            Err(StoreError::Taken(_)) => break,
            Err(other) => return Err(other.into()),
        }
    }
    Ok(Err(vec![FieldError::new("slug", FieldErrorKind::Taken)]))
}

/// Writes an organizer action to the audit log. The action is done by then:
/// a failed write is logged, not shown.
pub async fn record(state: &AppState, organizer: &Organizer, event: Uuid, action: &str, detail: &str) {
    if let Err(error) = state.store.audit(organizer.id, Some(event), action, detail, Utc::now()).await {
        tracing::error!(%error, action, "could not write the audit log");
    }
}
