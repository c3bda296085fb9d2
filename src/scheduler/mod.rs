//! The one scheduler for all timed work (reminders, the ends of offers):
//! it claims due jobs from the database, has each done by an operation
//! (`operations::timed`), and sleeps until the next one is due, woken
//! early when a change adds work, or when a test moves the clock. Several
//! instances on one PostgreSQL database share the jobs: each job is done
//! once (`store::jobs`).

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::operations::timed;
use crate::state::AppState;

/// Jobs claimed at once.
const CLAIM: i64 = 8;
/// The longest it sleeps: jobs added by another instance are seen within
/// this, and so an offer ends within a minute of its deadline.
const LONGEST_SLEEP: Duration = Duration::from_secs(30);
/// The shortest, when there was nothing to claim although something is
/// due (another instance is on it).
const SHORTEST_SLEEP: Duration = Duration::from_millis(100);

pub struct Scheduler {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Scheduler {
    pub fn start(state: AppState) -> Self {
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(run(state, stopped));
        Self { stop, task }
    }

    /// Lets the job at hand finish, then stops; what is left waits in the
    /// database for the next start.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        if let Err(error) = self.task.await {
            tracing::error!(%error, "scheduler ended abnormally");
        }
    }
}

async fn run(state: AppState, mut stopped: watch::Receiver<bool>) {
    let mut clock_moves = state.clock.watch();
    while !*stopped.borrow() {
        let claimed = match timed::claim(&state, CLAIM).await {
            Ok(jobs) => jobs,
            Err(error) => {
                tracing::error!(%error, "could not claim timed work");
                Vec::new()
            }
        };
        let nothing_claimed = claimed.is_empty();
        for job in claimed {
            if *stopped.borrow() {
                // Left under its lease: another start takes it after.
                break;
            }
            // A failed job is recorded and retried later.
            let _ = timed::run(&state, &job).await;
        }
        if !nothing_claimed {
            continue;
        }
        let now = state.clock.now();
        let wait = match timed::next_due(&state).await {
            Ok(Some(at)) => (at - now).to_std().unwrap_or(Duration::ZERO).clamp(SHORTEST_SLEEP, LONGEST_SLEEP),
            Ok(None) => LONGEST_SLEEP,
            Err(error) => {
                tracing::error!(%error, "could not read when timed work is next due");
                LONGEST_SLEEP
            }
        };
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = state.jobs_wakeup.notified() => {}
            () = moved(&mut clock_moves) => {}
            _ = stopped.changed() => {}
        }
    }
}

/// Returns when a manual clock moves; never for the system clock.
async fn moved(clock: &mut Option<watch::Receiver<chrono::DateTime<chrono::Utc>>>) {
    match clock {
        Some(moves) => {
            if moves.changed().await.is_err() {
                std::future::pending::<()>().await;
            }
        }
        None => std::future::pending::<()>().await,
    }
}
