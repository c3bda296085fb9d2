//! Messages organizers write to their attendees.

use super::{ManagedEvent, Touched};
use crate::domain::{Announcement, AuditEntry};
use crate::error::AppError;
use crate::state::AppState;

/// Queues `announcement` to every confirmed attendee, through the outbox;
/// returns how many.
pub async fn announce(state: &AppState, managed: &ManagedEvent, announcement: Announcement) -> Result<usize, AppError> {
    let entry = AuditEntry::MessageSent { subject: announcement.subject.clone(), recipients: 0 };
    let event = managed.event.id;
    let sent = state.store.announce(event, announcement, managed.audit(entry), state.clock.now()).await?;
    Touched::MAIL.settle(state);
    tracing::info!(%event, recipients = sent, by = managed.actor.label(), "message to attendees queued");
    Ok(sent)
}
