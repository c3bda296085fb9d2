//! Who came: check-in at the door, slot by slot (a morning or an
//! afternoon).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::registrations::{self, SignedUp};
use super::{ManagedEvent, Touched, queries};
use crate::domain::{
    AttendeeLine, AuditEntry, Event, EventStatus, FieldError, FieldErrorKind, Lang, RegisterOutcome,
    RegistrationStatus, SignUpForm, Slot, SlotCheckIn, whole_seconds,
};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{Presence, Signature};
use crate::token::CancelToken;

/// Who is being checked in.
#[derive(Debug, Clone)]
pub enum Arrival {
    /// Picked from the list.
    Registration(Uuid),
    /// The code from their confirmation email, as typed.
    Code(String),
}

/// What a check-in (or its undoing) found.
#[derive(Debug, Clone)]
pub struct CheckIn {
    pub registration: Uuid,
    pub name: String,
    pub slot: Slot,
    /// When they were checked in at this slot; `None` once undone.
    pub at: Option<DateTime<Utc>>,
    /// False when it was already so: checked in twice (the first time
    /// stands) or undone twice.
    pub changed: bool,
}

/// Marks a confirmed attendee present at `slot` (by id; the slot under way,
/// or the next, when `None`), or with `undo` not present. `None` when no
/// confirmed attendee of the event matches. An unknown slot is a field
/// error.
pub async fn check_in(
    state: &AppState,
    managed: &ManagedEvent,
    arrival: Arrival,
    slot: Option<&str>,
    undo: bool,
) -> Result<Option<CheckIn>, AppError> {
    // Whole seconds: what either database gives back, so that a second
    // check-in answers the same time as the first.
    let now = whole_seconds(state.clock.now());
    let slot = slot_of(managed, slot, now)?;
    let lines = queries::registrations(state, managed).await?;
    let confirmed = |line: &&AttendeeLine| line.registration.status == RegistrationStatus::Confirmed;
    let found = match arrival {
        Arrival::Registration(id) => lines.iter().filter(confirmed).find(|line| line.registration.id == id),
        Arrival::Code(code) => {
            let code = normalise_code(&code);
            let matches =
                |line: &&AttendeeLine| normalise_code(&state.keys.check_in_code(line.registration.id)) == code;
            lines.iter().filter(confirmed).find(|line| !code.is_empty() && matches(line))
        }
    };
    let Some(line) = found else { return Ok(None) };
    let registration = line.registration.id;
    let slots = managed.event.slots();
    let earlier = line.checked_in_at.and_then(|at| Slot::at(&slots, at)).map(Slot::id);
    let mark = SlotCheckIn { slot: slot.id(), at: (!undo).then_some(now), earlier };
    let (entry, at) = if undo { (AuditEntry::CheckInUndone, None) } else { (AuditEntry::CheckedIn, Some(now)) };
    let audit = managed.audit(entry).map(|audit| audit.about_registration(registration));
    let event = managed.event.id;
    let (changed, at) = match state.store.set_checked_in(event, registration, mark, audit, now).await? {
        Presence::Marked => {
            tracing::info!(%event, %registration, slot = %slot.id(), undo, by = managed.actor.label(), "check-in");
            (true, at)
        }
        Presence::Unchanged { since } => (false, since),
        Presence::NotFound => return Ok(None),
    };
    Ok(Some(CheckIn { registration, name: line.registration.name.clone(), slot, at, changed }))
}

/// The slot named, or the one under way (else the next, else the last).
pub fn slot_of(managed: &ManagedEvent, id: Option<&str>, now: DateTime<Utc>) -> Result<Slot, AppError> {
    let slots = managed.event.slots();
    let found = match id.map(str::trim).filter(|id| !id.is_empty()) {
        Some(id) => slots.iter().find(|slot| slot.id() == id),
        None => Slot::at(&slots, now),
    };
    found.cloned().ok_or_else(|| AppError::Validation(vec![FieldError::new("slot", FieldErrorKind::UnknownChoice)]))
}

/// An organizer adds a person at the door (name, email, institution,
/// level, their consent): confirmed even when the event is full, checked in
/// at `slot` (the one under way by default), flagged a walk-in, and sent
/// the usual confirmation. The event's questions are not asked.
pub async fn walk_in(
    state: &AppState,
    managed: &ManagedEvent,
    form: &SignUpForm,
    slot: Option<&str>,
    lang: Lang,
) -> Result<(SignedUp, Slot), AppError> {
    let now = whole_seconds(state.clock.now());
    let slot = slot_of(managed, slot, now)?;
    let person = form.validate().map_err(AppError::Validation)?;
    let (mut new, token) = registrations::new_registration(state, managed.event.id, person, Vec::new(), lang);
    // Added by an organizer: they saw no notice online.
    new.consent_version = None;
    let id = new.id;
    let audit = managed.audit(AuditEntry::WalkInAdded).map(|audit| audit.about_registration(id));
    match state.store.walk_in(new, slot.id(), audit, now).await? {
        RegisterOutcome::Registered(registration) => {
            Touched::SEATS_AND_MAIL.settle(state);
            tracing::info!(event = %managed.event.id, registration = %id, by = managed.actor.label(), "walk-in");
            Ok((SignedUp { registration, token }, slot))
        }
        RegisterOutcome::AlreadyRegistered => Err(AppError::AlreadyRegistered),
        RegisterOutcome::Refused(refusal) => Err(AppError::Refused(refusal)),
        RegisterOutcome::EventNotFound => Err(AppError::EventNotFound),
    }
}

/// From how long before a slot people may sign for it (they arrive early).
const SIGNING_OPENS: chrono::Duration = chrono::Duration::minutes(15);

/// The slot people can sign for at `now`, if any.
pub fn signing_slot(event: &Event, now: DateTime<Utc>) -> Option<Slot> {
    event.slots().into_iter().find(|slot| slot.starts_at - SIGNING_OPENS <= now && now < slot.ends_at)
}

/// The code shown in the room for `slot` at `now`, and until when it holds
/// (it changes every minute; the one before is still taken, for someone
/// typing as it changes).
pub fn signature_code(state: &AppState, event: &Event, slot: &Slot, now: DateTime<Utc>) -> (String, DateTime<Utc>) {
    let minute = now.timestamp().div_euclid(60);
    let next = DateTime::from_timestamp((minute + 1) * 60, 0).unwrap_or(now);
    (state.keys.signature_code(event.id, &slot.id(), minute), next)
}

/// The person signs, from their own page or the API, with the code shown
/// in the room: during a slot only (409 `outside_slot`), with the code of
/// this minute or the one before (else a field error), once per slot.
/// Returns the slot, when they signed, and whether it is new.
pub async fn sign(state: &AppState, raw_token: &str, code: &str) -> Result<(Slot, DateTime<Utc>, bool), AppError> {
    let token = CancelToken::parse(raw_token).ok_or(AppError::RegistrationNotFound)?;
    let (registration, event) = queries::registration_by_token(state, raw_token).await?;
    if registration.status != RegistrationStatus::Confirmed || event.status != EventStatus::Published {
        return Err(AppError::NotConfirmed);
    }
    let now = whole_seconds(state.clock.now());
    let slot = signing_slot(&event, now).ok_or(AppError::OutsideSlot)?;
    let typed: String = code.chars().filter(char::is_ascii_digit).collect();
    let attempts = &state.signature_attempts;
    if !attempts.may_try(registration.id, &slot.id()) {
        return Err(AppError::TooManyAttempts { retry_after: 60 });
    }
    let minute = now.timestamp().div_euclid(60);
    let valid = [minute, minute - 1].iter().any(|m| state.keys.signature_code(event.id, &slot.id(), *m) == typed);
    if !valid {
        if !typed.is_empty() {
            attempts.failed(registration.id, &slot.id());
        }
        let kind = if typed.is_empty() { FieldErrorKind::Required } else { FieldErrorKind::WrongCode };
        return Err(AppError::Validation(vec![FieldError::new("code", kind)]));
    }
    match state.store.sign(&token, slot.id(), now).await? {
        Signature::Signed(at) => {
            tracing::info!(event = %event.id, registration = %registration.id, slot = %slot.id(), "signed");
            Ok((slot, at, true))
        }
        Signature::Already(at) => Ok((slot, at, false)),
        Signature::NotConfirmed => Err(AppError::NotConfirmed),
    }
}

/// Whether `code` (as typed or scanned) is this registration's check-in
/// code.
pub fn code_matches(state: &AppState, registration: Uuid, code: &str) -> bool {
    let code = normalise_code(code);
    !code.is_empty() && normalise_code(&state.keys.check_in_code(registration)) == code
}

/// Codes are typed on phones: case, spaces and dashes do not matter.
fn normalise_code(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_whatever_the_case_spaces_and_dashes() {
        assert_eq!(normalise_code(" k7qm - r2xd "), "K7QMR2XD");
    }
}
