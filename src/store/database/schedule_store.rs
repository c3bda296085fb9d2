//! `ScheduleStore`, over any backend.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Backend, Database};
use crate::domain::{DueJob, JobRun, NewAudit, RetentionPolicy};
use crate::store::{Change, ScheduleStore, StoreResult, jobs};

#[async_trait]
impl<B: Backend> ScheduleStore for Database<B> {
    async fn claim_jobs(&self, now: DateTime<Utc>, lease_until: DateTime<Utc>, limit: i64) -> StoreResult<Vec<DueJob>> {
        self.change(Change::ClaimJobs { lease_until, limit }, None, now).await?.into_jobs()
    }

    async fn next_job_due(&self) -> StoreResult<Option<DateTime<Utc>>> {
        jobs::next_due(&mut *self.read().await?).await
    }

    async fn run_job(
        &self,
        job: &DueJob,
        retention: RetentionPolicy,
        audit: Option<NewAudit>,
        now: DateTime<Utc>,
    ) -> StoreResult<JobRun> {
        self.change(Change::RunJob { job: Box::new(job.clone()), retention }, audit, now).await?.into_job_run()
    }

    async fn retention_now(&self, now: DateTime<Utc>) -> StoreResult<()> {
        self.change(Change::RetentionNow, None, now).await?.into_flag().map(drop)
    }

    async fn job_failed(
        &self,
        job: &DueJob,
        error: &str,
        retry_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let change = Change::JobFailed { job: Box::new(job.clone()), error: error.to_owned(), retry_at };
        self.change(change, None, now).await?.into_flag().map(drop)
    }
}
