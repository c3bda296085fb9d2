//! The history of organizer actions: entries written in the transaction of
//! the change they describe, read back with the names they refer to.
//! Written once for both backends over `Sql`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Done;
use super::StoreResult;
use super::attendance::{Presence, Signature};
use super::events::Cancellation;
use super::rows;
use super::statement::{Sql, Statement};
use crate::domain::{
    AcceptOutcome, AccountUpdated, AttendanceOutcome, AuditEntry, AuditLine, CancelOutcome, Corrected, Erased,
    EventUpdate, JobRun, NewAudit, RegisterOutcome, TrainerSigned, Transferred,
};

const INSERT: &str = "INSERT INTO audit_log (id, organizer_id, event_id, action, detail, at, via, params, \
     registration_id, subject_organizer_id) VALUES ($1, $2, $3, $4, '', $5, $6, $7, $8, $9)";
/// The entries, newest first, with who acted and whom they are about.
macro_rules! audit_lines {
    ($where:literal) => {
        concat!(
            "SELECT a.at, a.action, a.detail, a.via, a.params, o.email AS actor_email, \
             e.title AS event_title, r.name AS person, s.email AS subject_email \
             FROM audit_log a LEFT JOIN organizers o ON o.id = a.organizer_id \
             LEFT JOIN events e ON e.id = a.event_id \
             LEFT JOIN registrations r ON r.id = a.registration_id \
             LEFT JOIN organizers s ON s.id = a.subject_organizer_id ",
            $where,
            " ORDER BY a.at DESC, a.id DESC LIMIT 200"
        )
    };
}
const OF_EVENT: &str = audit_lines!("WHERE a.event_id = $1");
const RECENT: &str = audit_lines!("");

pub async fn record(conn: &mut impl Sql, audit: &NewAudit, now: DateTime<Utc>) -> StoreResult<()> {
    let params = serde_json::to_string(&audit.entry).map_err(|e| super::StoreError::Corrupt(e.to_string()))?;
    let insert = Statement::new(INSERT)
        .bind(Uuid::now_v7())
        .bind(audit.actor)
        .bind(audit.event)
        .bind(audit.entry.code())
        .bind(now)
        .bind(audit.via.code())
        .bind(params)
        .bind(audit.registration)
        .bind(audit.organizer);
    conn.execute(insert).await?;
    Ok(())
}

/// The latest actions on an event.
pub async fn of_event(conn: &mut impl Sql, event: Uuid) -> StoreResult<Vec<AuditLine>> {
    conn.fetch_all(Statement::new(OF_EVENT).bind(event), rows::audit_line).await
}

/// The latest actions on any event or account.
pub async fn recent(conn: &mut impl Sql) -> StoreResult<Vec<AuditLine>> {
    conn.fetch_all(Statement::new(RECENT), rows::audit_line).await
}

/// Whether a change is worth a history entry, and the entry completed
/// with what only the change knew.
impl Done {
    /// Whether the change did what it was asked, and so is worth a history
    /// entry.
    pub(super) fn took_effect(&self) -> bool {
        match self {
            Done::Registered(outcome) => matches!(outcome, RegisterOutcome::Registered(_)),
            Done::Cancelled(outcome) | Done::Removed(Some(outcome)) => {
                matches!(outcome, CancelOutcome::Cancelled { .. })
            }
            Done::Removed(None) | Done::Resent(None) | Done::Event(None) | Done::Organizer(None) => false,
            Done::Updated(update) => matches!(update, EventUpdate::Updated { changed, .. } if !changed.is_empty()),
            Done::EventCancelled(cancellation) => matches!(cancellation, Some(Cancellation::Now(_))),
            Done::CheckedIn(presence) => *presence == Presence::Marked,
            Done::Flag(found) => *found,
            Done::Account(updated) => *updated == AccountUpdated::Updated,
            Done::Reset(organizer) => organizer.is_some(),
            Done::Accepted(outcome) => matches!(outcome, AcceptOutcome::Accepted(_)),
            Done::Attendance(outcome) => matches!(outcome, AttendanceOutcome::Confirmed(_)),
            Done::Signed(outcome) => matches!(outcome, Signature::Signed(_)),
            Done::Erased(outcome) => matches!(outcome, Erased::Erased { .. }),
            Done::Corrected(outcome) => matches!(outcome, Corrected::Corrected { fields, .. } if !fields.is_empty()),
            Done::Transferred(outcome) => matches!(outcome, Transferred::Transferred(_)),
            Done::TrainerSigned(outcome) => matches!(outcome, TrainerSigned::Signed(_)),
            // Each retention run leaves an entry, even one that removed
            // nothing: the history shows that it runs.
            Done::JobRun(run) => run.purged.is_some() || (run.done && (run.recipients > 0 || run.seats)),
            Done::Jobs(_) => true,
            Done::Resent(Some(_)) | Done::Event(Some(_)) | Done::Organizer(Some(_)) => true,
            Done::Claimed(_) | Done::Deliveries(_) | Done::Count(_) => true,
        }
    }
}

/// The entry with what only the change itself knew: the fields an edit
/// changed, which message was sent again, how many people a message went to.
pub(super) fn completed(audit: &NewAudit, done: &Done) -> NewAudit {
    let entry = match (&audit.entry, done) {
        (AuditEntry::EventEdited { .. }, Done::Updated(EventUpdate::Updated { changed, .. })) => {
            AuditEntry::EventEdited { fields: changed.iter().map(|field| (*field).to_owned()).collect() }
        }
        (AuditEntry::EmailResent { .. }, Done::Resent(Some(kind))) => {
            AuditEntry::EmailResent { message: kind.code().to_owned() }
        }
        (AuditEntry::MessageSent { subject, .. }, Done::Count(recipients)) => {
            AuditEntry::MessageSent { subject: subject.clone(), recipients: *recipients as i64 }
        }
        (AuditEntry::CertificatesSent { .. }, Done::Count(recipients)) => {
            AuditEntry::CertificatesSent { recipients: *recipients as i64 }
        }
        (AuditEntry::CertificatesSent { .. }, Done::JobRun(run)) => {
            AuditEntry::CertificatesSent { recipients: run.recipients }
        }
        (AuditEntry::RegistrationEdited { .. }, Done::Corrected(Corrected::Corrected { fields, .. })) => {
            AuditEntry::RegistrationEdited { fields: fields.iter().map(|field| (*field).to_owned()).collect() }
        }
        (AuditEntry::DataRetention { .. }, Done::JobRun(JobRun { purged: Some(purged), .. })) => {
            AuditEntry::DataRetention { anonymised: purged.anonymised, emails_purged: purged.bodies }
        }
        (AuditEntry::RemindersSent { offset_minutes, .. }, Done::JobRun(run)) => {
            AuditEntry::RemindersSent { offset_minutes: *offset_minutes, recipients: run.recipients }
        }
        (entry, _) => entry.clone(),
    };
    // A reset link names its account only once it is used.
    let organizer = match done {
        Done::Reset(Some(organizer)) => Some(*organizer),
        _ => audit.organizer,
    };
    NewAudit { entry, organizer, ..audit.clone() }
}
