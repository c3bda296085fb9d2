//! Creating and changing events, and who runs them.

use chrono::Duration;
use uuid::Uuid;

use super::{Actor, ManagedEvent, Touched};
use crate::domain::{
    AuditEntry, Email, Event, EventInput, EventStatus, EventUpdate, FieldError, FieldErrorKind, NewEvent, NewQuestion,
    Refusal, Session, slug_from_title, slug_with_suffix,
};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::Cancellation;

/// Creates the event, owned by the organizer who acts. A slug made from the
/// title gets a short suffix when taken; a chosen one is reported.
pub async fn create(state: &AppState, actor: &Actor, event: NewEvent, chosen_slug: bool) -> Result<Event, AppError> {
    create_recorded(state, actor, event, chosen_slug, AuditEntry::EventCreated, &[]).await
}

async fn create_recorded(
    state: &AppState,
    actor: &Actor,
    event: NewEvent,
    chosen_slug: bool,
    entry: AuditEntry,
    co_organizers: &[Uuid],
) -> Result<Event, AppError> {
    let owner = actor.organizer().map(|organizer| organizer.id);
    let mut organizers: Vec<Uuid> = owner.into_iter().collect();
    organizers.extend(co_organizers.iter().filter(|id| Some(**id) != owner));
    for attempt in 0..5 {
        let mut candidate = event.clone();
        if attempt > 0 {
            candidate.slug = slug_with_suffix(&event.slug);
        }
        let id = Uuid::now_v7();
        let audit = actor.audit(entry.clone()).map(|audit| audit.about_event(id));
        match state.store.create_event(id, candidate, organizers.clone(), audit, state.clock.now()).await? {
            Some(created) => {
                Touched::EVENTS.settle(state);
                tracing::info!(event = %created.id, by = actor.label(), "event created");
                return Ok(created);
            }
            None if chosen_slug => break,
            None => continue,
        }
    }
    Err(AppError::Validation(vec![FieldError::new("slug", FieldErrorKind::Taken)]))
}

/// Applies an organizer's change to the event as it stands: `patch`'s
/// fields over the current ones. With `patch.version`, a change made from
/// an older version is refused (`EditConflict`). A larger capacity gives
/// the new seats to the people waiting, each told by email.
pub async fn update(state: &AppState, managed: &ManagedEvent, patch: EventInput) -> Result<Event, AppError> {
    save(state, managed, patch, AuditEntry::EventEdited { fields: Vec::new() }).await
}

/// Publishes the event, or takes it back to draft.
pub async fn set_status(state: &AppState, managed: &ManagedEvent, publish: bool) -> Result<Event, AppError> {
    let (status, entry) = match publish {
        true => (EventStatus::Published, AuditEntry::EventPublished),
        false => (EventStatus::Draft, AuditEntry::EventUnpublished),
    };
    let patch = EventInput { status: Some(status.code().into()), ..EventInput::default() };
    save(state, managed, patch, entry).await
}

async fn save(
    state: &AppState,
    managed: &ManagedEvent,
    patch: EventInput,
    entry: AuditEntry,
) -> Result<Event, AppError> {
    let id = managed.event.id;
    match state.store.update_event(id, patch, managed.audit(entry), state.clock.now()).await? {
        EventUpdate::Updated { event, changed } if changed.is_empty() => Ok(*event),
        EventUpdate::Updated { event, changed } => {
            Touched::EVENTS_AND_MAIL.settle(state);
            tracing::info!(event = %id, fields = ?changed, by = managed.actor.label(), "event changed");
            Ok(*event)
        }
        EventUpdate::NotFound => Err(AppError::EventNotFound),
        EventUpdate::Cancelled => Err(AppError::Refused(Refusal::EventCancelled)),
        EventUpdate::Conflict(current) => Err(AppError::EditConflict(current)),
        EventUpdate::Invalid(errors) => Err(AppError::Validation(errors)),
    }
}

/// A copy four weeks later, as a draft, with the same questions:
/// masterclasses run again monthly.
pub async fn duplicate(state: &AppState, managed: &ManagedEvent) -> Result<Event, AppError> {
    let event = &managed.event;
    let later = Duration::weeks(4);
    let now = state.clock.now();
    let questions = state.store.event_questions(event.id).await?;
    let opens = now.max(event.registration_opens_at + later);
    let copy = NewEvent {
        questions: Some(questions.into_iter().map(NewQuestion::from).collect()),
        slug: slug_from_title(&event.title),
        kind: event.kind,
        title: event.title.clone(),
        description: event.description.clone(),
        starts_at: event.starts_at + later,
        ends_at: event.ends_at + later,
        sessions: event
            .sessions
            .iter()
            .map(|s| Session { starts_at: s.starts_at + later, ends_at: s.ends_at + later })
            .collect(),
        location: event.location.clone(),
        address: event.address.clone(),
        host: event.host.clone(),
        levels: event.levels.clone(),
        capacity: event.capacity,
        language: event.language.clone(),
        status: EventStatus::Draft,
        registration_opens_at: opens,
        // Past the copy's opening if the original closed early: the window
        // then runs until the start.
        registration_closes_at: if event.registration_closes_at + later > opens {
            event.registration_closes_at + later
        } else {
            event.starts_at + later
        },
        what_to_bring: event.what_to_bring.clone(),
        settings: event.settings.clone(),
    };
    let entry = AuditEntry::EventCopied { from: event.title.clone() };
    // The copy is run by the same team, in the same transaction.
    let team: Vec<Uuid> = state.store.event_organizers(event.id).await?.into_iter().map(|o| o.id).collect();
    create_recorded(state, &managed.actor, copy, false, entry, &team).await
}

/// Cancels the event: it stays visible as cancelled, takes no more
/// sign-ups, and everyone registered is told by email, with the
/// organizer's `note` if there is one (the API sends none).
pub async fn cancel(state: &AppState, managed: &ManagedEvent, note: &str) -> Result<Event, AppError> {
    let id = managed.event.id;
    let note = parse_note(note)?;
    let audit = managed.audit(AuditEntry::EventCancelled);
    match state.store.cancel_event(id, note, audit, state.clock.now()).await?.ok_or(AppError::EventNotFound)? {
        Cancellation::Now(cancelled) => {
            Touched::EVENTS_AND_MAIL.settle(state);
            tracing::info!(event = %id, by = managed.actor.label(), "event cancelled");
            Ok(cancelled)
        }
        Cancellation::Before(cancelled) => Ok(cancelled),
    }
}

/// The organizer's optional words to the people a cancellation or a
/// removal concerns (the confirmation page's `message`). Line ends are
/// counted as the browser's `maxlength` counts them: one character, not the
/// two of the CRLF a form sends.
pub fn parse_note(note: &str) -> Result<Option<String>, AppError> {
    let note = note.replace("\r\n", "\n");
    crate::domain::optional_text("message", Some(&note), 2_000, true).map_err(|e| AppError::Validation(vec![e]))
}

/// Lets another existing organizer, named by their email, manage the event.
pub async fn add_organizer(state: &AppState, managed: &ManagedEvent, email: &str) -> Result<(), AppError> {
    let unknown = || AppError::Validation(vec![FieldError::new("email", FieldErrorKind::UnknownChoice)]);
    let email = Email::parse(email).map_err(|_| unknown())?;
    let (other, _) = state.store.organizer_by_email(&email).await?.ok_or_else(unknown)?;
    let audit = managed.audit(AuditEntry::CoOrganizerAdded).map(|audit| audit.about_organizer(other.id));
    state.store.add_event_organizer(managed.event.id, other.id, audit, state.clock.now()).await?;
    tracing::info!(event = %managed.event.id, organizer = %other.id, by = managed.actor.label(), "co-organizer added");
    Ok(())
}
