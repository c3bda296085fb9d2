//! Checkpoints beside the writer rather than inside its commits.
//!
//! By default SQLite copies the WAL back into the database file whenever a
//! commit takes it past 1,000 pages, inside that commit: under a stream of
//! sign-ups, one batch in ten then took about 10 ms instead of under one,
//! and every sign-up in it waited. Here the write connections checkpoint
//! only as a backstop (`BACKSTOP_PAGES`), and a connection of its own runs a
//! PASSIVE checkpoint a few times a second, which never blocks writers or
//! readers.

use std::time::Duration;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// `wal_autocheckpoint` of the write connections: past this many pages (40
/// MiB), the background checkpoints have fallen behind, and the commit that
/// crosses the mark checkpoints itself so that the WAL stays bounded.
pub const BACKSTOP_PAGES: &str = "10000";

const EVERY: Duration = Duration::from_millis(200);

pub struct Checkpointer {
    stop: watch::Sender<bool>,
    task: tokio::sync::Mutex<Option<JoinHandle<()>>>,
}

impl Checkpointer {
    pub async fn start(options: &SqliteConnectOptions) -> sqlx::Result<Self> {
        let mut conn = options.connect().await?;
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            let mut ticks = tokio::time::interval(EVERY);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = ticks.tick() => {}
                    _ = stopped.changed() => break,
                }
                if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&mut conn).await {
                    tracing::warn!(%error, "background checkpoint failed");
                }
            }
            let _ = conn.close().await;
        });
        Ok(Self { stop, task: tokio::sync::Mutex::new(Some(task)) })
    }

    pub async fn stop(&self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.lock().await.take() {
            let _ = task.await;
        }
    }
}
