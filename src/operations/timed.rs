//! Timed work, as the scheduler does it (`crate::scheduler`): each job one
//! store change under its lease, as `Actor::Scheduler`.

use chrono::{DateTime, Duration, Utc};

use super::{Actor, Touched};
use crate::domain::{AuditEntry, DueJob, JobKind, JobRun};
use crate::error::AppError;
use crate::state::AppState;

/// How long a claimed job stays with this instance: if it dies mid-job,
/// another takes the job after this.
const LEASE: Duration = Duration::minutes(5);

/// Leases up to `limit` jobs due now.
pub async fn claim(state: &AppState, limit: i64) -> Result<Vec<DueJob>, AppError> {
    let now = state.clock.now();
    Ok(state.store.claim_jobs(now, now + LEASE, limit).await?)
}

/// When the next job can be claimed, if any waits.
pub async fn next_due(state: &AppState) -> Result<Option<DateTime<Utc>>, AppError> {
    Ok(state.store.next_job_due().await?)
}

/// Does a claimed job. A job that fails is tried again later, sooner for
/// its first failures.
pub async fn run(state: &AppState, job: &DueJob) -> Result<JobRun, AppError> {
    let actor = Actor::Scheduler;
    let audit = match job.kind {
        JobKind::Reminder { event, offset_minutes } => {
            actor.audit(AuditEntry::RemindersSent { offset_minutes, recipients: 0 }).map(|a| a.about_event(event))
        }
        JobKind::OfferExpiry { event, registration } => {
            actor.audit(AuditEntry::OfferExpired).map(|a| a.about_event(event).about_registration(registration))
        }
        JobKind::Certificates { event } => {
            actor.audit(AuditEntry::CertificatesSent { recipients: 0 }).map(|a| a.about_event(event))
        }
        JobKind::Retention => actor.audit(AuditEntry::DataRetention { anonymised: 0, emails_purged: 0 }),
    };
    let now = state.clock.now();
    match state.store.run_job(job, state.privacy.retention, audit, now).await {
        Ok(run) => {
            Touched { mail: run.mail, seats: run.seats, events: false, jobs: run.seats }.settle(state);
            if run.done {
                tracing::info!(job = %job.id, kind = job.kind.code(), recipients = run.recipients, "timed work done");
            }
            if let Some(purged) = run.purged {
                tracing::info!(anonymised = purged.anonymised, emails_purged = purged.bodies, "retention ran");
            }
            Ok(run)
        }
        Err(error) => {
            tracing::error!(job = %job.id, kind = job.kind.code(), %error, "timed work failed; will try again");
            let retry_at = now + retry_after(job.attempts);
            if let Err(error) = state.store.job_failed(job, &error.to_string(), retry_at, now).await {
                tracing::error!(job = %job.id, %error, "could not record the failure; the lease will tell");
            }
            Err(error.into())
        }
    }
}

/// Retention runs now, whenever it last ran: at start-up.
pub async fn retention_now(state: &AppState) -> Result<(), AppError> {
    Ok(state.store.retention_now(state.clock.now()).await?)
}

/// A minute after the first failure, doubling up to an hour.
fn retry_after(attempts: i64) -> Duration {
    let exponent = u32::try_from(attempts.saturating_sub(1)).unwrap_or(u32::MAX).min(6);
    Duration::minutes(2i64.pow(exponent)).min(Duration::hours(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_jobs_wait_longer_each_time() {
        assert_eq!(retry_after(1), Duration::minutes(1));
        assert_eq!(retry_after(2), Duration::minutes(2));
        assert_eq!(retry_after(30), Duration::hours(1));
    }
}
