//! Who came: check-in at the door.

use uuid::Uuid;

use super::{ManagedEvent, queries};
use crate::domain::{AuditEntry, RegistrationStatus};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::Presence;

/// Who is being checked in.
#[derive(Debug, Clone)]
pub enum Arrival {
    /// Picked from the list.
    Registration(Uuid),
    /// The code from their confirmation email, as typed.
    Code(String),
}

/// Marks a confirmed attendee present, or with `undo` not present. Returns
/// who; `None` when no confirmed attendee of the event matches. Marking
/// twice changes nothing: the first arrival time stands.
pub async fn check_in(
    state: &AppState,
    managed: &ManagedEvent,
    arrival: Arrival,
    undo: bool,
) -> Result<Option<Uuid>, AppError> {
    let registration = match arrival {
        Arrival::Registration(id) => Some(id),
        Arrival::Code(code) => by_code(state, managed, &code).await?,
    };
    let Some(registration) = registration else { return Ok(None) };
    let now = state.clock.now();
    let (at, entry) = if undo { (None, AuditEntry::CheckInUndone) } else { (Some(now), AuditEntry::CheckedIn) };
    let audit = managed.audit(entry).map(|audit| audit.about_registration(registration));
    let event = managed.event.id;
    match state.store.set_checked_in(event, registration, at, audit, now).await? {
        Presence::Marked => tracing::info!(%event, %registration, undo, by = managed.actor.label(), "check-in"),
        Presence::Unchanged => {}
        Presence::NotFound => return Ok(None),
    }
    Ok(Some(registration))
}

/// The one confirmed registration whose derived code matches.
async fn by_code(state: &AppState, managed: &ManagedEvent, code: &str) -> Result<Option<Uuid>, AppError> {
    let code = normalise_code(code);
    if code.is_empty() {
        return Ok(None);
    }
    Ok(queries::registrations(state, managed)
        .await?
        .into_iter()
        .map(|line| line.registration)
        .filter(|r| r.status == RegistrationStatus::Confirmed)
        .find(|r| normalise_code(&state.keys.check_in_code(r.id)) == code)
        .map(|r| r.id))
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
