//! Short-lived caches for the public read paths that a registration rush
//! hits hardest: the rendered catalogue (`/` and `GET /api/v1/events`) and
//! the event a sign-up is for.
//!
//! Freshness: an entry is used for at most [`FRESH_FOR`] after it started to
//! be built, and never after a change made by this process (each operation
//! tells the caches what it touched, which bumps a generation counter).
//! Several instances sharing one PostgreSQL database therefore see each
//! other's changes within a second; their own at once.
//!
//! Two generations: `changes` moves with any change to events or
//! registrations (seat counts shown by the catalogue), `definitions` only
//! with changes to events themselves. The sign-up path caches events by
//! `definitions`, so a rush of sign-ups does not empty its own cache: it
//! reads nothing there that a sign-up changes (seats are counted by the
//! store, in the sign-up's own transaction, never from this copy).
//!
//! Failures are not cached, with one exception: requests that waited
//! behind a build that found the database unavailable share its 503.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;

use crate::domain::{Cursor, Event, Question};
use crate::error::AppError;

/// How long a cached answer may be served, at most.
pub const FRESH_FOR: Duration = Duration::from_secs(1);

struct Entry<T> {
    generation: u64,
    since: Instant,
    value: T,
}

/// Entries of one kind, keyed by what the answer depends on.
struct Shelf<T> {
    entries: Mutex<HashMap<String, Entry<T>>>,
    /// One build at a time: when an entry expires under load, one request
    /// rebuilds it and the others wait for that, instead of all rebuilding.
    /// Holds whether the last build found the database unavailable.
    building: tokio::sync::Mutex<bool>,
    /// Builds finished, whatever their outcome: a request that sees this
    /// move while it waits has waited behind a build.
    builds: AtomicU64,
}

impl<T> Default for Shelf<T> {
    fn default() -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            building: tokio::sync::Mutex::new(false),
            builds: AtomicU64::new(0),
        }
    }
}

impl<T: Clone> Shelf<T> {
    fn lookup(&self, key: &str, generation: u64) -> Option<T> {
        let entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        entries
            .get(key)
            .filter(|e| e.generation == generation && e.since.elapsed() < FRESH_FOR)
            .map(|e| e.value.clone())
    }

    async fn get_or_build<Fut>(
        &self,
        key: &str,
        generation: &AtomicU64,
        build: impl FnOnce() -> Fut,
    ) -> Result<T, AppError>
    where
        Fut: Future<Output = Result<T, AppError>>,
    {
        if let Some(value) = self.lookup(key, generation.load(Ordering::Acquire)) {
            return Ok(value);
        }
        let builds = self.builds.load(Ordering::Acquire);
        let mut unavailable = self.building.lock().await;
        // Read before building: a change committed meanwhile makes this
        // entry stale at once.
        let (current, since) = (generation.load(Ordering::Acquire), Instant::now());
        if let Some(value) = self.lookup(key, current) {
            return Ok(value);
        }
        // The build this request waited for found the database unavailable
        // (on PostgreSQL, after waiting 3 s for a connection): answer 503
        // now. Building again would wait as long, and every request queued
        // here would add its own wait to the next one's (3, 6, 9 s... with
        // PostgreSQL stopped under load). A request that arrives later
        // tries again, and finds the database when it is back.
        if *unavailable && self.builds.load(Ordering::Acquire) != builds {
            return Err(AppError::Unavailable);
        }
        let built = build().await;
        *unavailable = matches!(built, Err(AppError::Unavailable));
        self.builds.fetch_add(1, Ordering::AcqRel);
        let value = built?;
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // Few keys (language × filters), and only the fresh ones are kept.
        entries.retain(|_, e| e.generation == current && e.since.elapsed() < FRESH_FOR);
        entries.insert(key.to_owned(), Entry { generation: current, since, value: value.clone() });
        Ok(value)
    }
}

/// A list's first page as sent, and where the next one starts.
#[derive(Debug, Clone)]
pub struct Listed {
    pub body: Bytes,
    pub next: Option<Cursor>,
    /// Items on every page together.
    pub total: usize,
}

#[derive(Default)]
pub struct Caches {
    changes: AtomicU64,
    definitions: AtomicU64,
    pages: Shelf<Bytes>,
    lists: Shelf<Listed>,
    upcoming: Shelf<Arc<Vec<Event>>>,
    events: Shelf<Arc<(Event, Vec<Question>)>>,
}

impl Caches {
    /// Seat counts moved (sign-up, cancellation, removal).
    pub fn seats_changed(&self) {
        self.changes.fetch_add(1, Ordering::AcqRel);
    }

    /// An event itself changed (created, edited, cancelled, a seat added).
    pub fn events_changed(&self) {
        self.definitions.fetch_add(1, Ordering::AcqRel);
        self.changes.fetch_add(1, Ordering::AcqRel);
    }

    /// A rendered catalogue answer (HTML page or JSON list) for `key`.
    pub async fn page<Fut>(&self, key: &str, build: impl FnOnce() -> Fut) -> Result<Bytes, AppError>
    where
        Fut: Future<Output = Result<Bytes, AppError>>,
    {
        self.pages.get_or_build(key, &self.changes, build).await
    }

    /// The first page of a list (`GET /api/v1/events` as most ask for it)
    /// for `key`.
    pub async fn list<Fut>(&self, key: &str, build: impl FnOnce() -> Fut) -> Result<Listed, AppError>
    where
        Fut: Future<Output = Result<Listed, AppError>>,
    {
        self.lists.get_or_build(key, &self.changes, build).await
    }

    /// Upcoming events of a kind and level, which searches, date filters
    /// and later pages are cut from: a few keys, whatever people search.
    pub async fn upcoming<Fut>(&self, key: &str, build: impl FnOnce() -> Fut) -> Result<Arc<Vec<Event>>, AppError>
    where
        Fut: Future<Output = Result<Arc<Vec<Event>>, AppError>>,
    {
        self.upcoming.get_or_build(key, &self.changes, build).await
    }

    /// An event and its questions, for checking a sign-up before it goes to
    /// the store. Its seat counts may be up to [`FRESH_FOR`] old: the store
    /// decides seats.
    pub async fn event<Fut>(
        &self,
        key: &str,
        build: impl FnOnce() -> Fut,
    ) -> Result<Arc<(Event, Vec<Question>)>, AppError>
    where
        Fut: Future<Output = Result<Arc<(Event, Vec<Question>)>, AppError>>,
    {
        self.events.get_or_build(key, &self.definitions, build).await
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use futures::future::{join, join_all};

    use super::*;

    /// Requests queued behind a build that finds the database unavailable
    /// answer 503 with it, without building (and waiting) again; the next
    /// request builds afresh.
    #[tokio::test]
    async fn requests_behind_a_build_that_found_the_database_unavailable_answer_at_once() {
        let caches = Caches::default();
        let builds = AtomicUsize::new(0);
        let (fail, failed) = tokio::sync::oneshot::channel::<()>();
        let first = caches.page("catalogue", || async {
            builds.fetch_add(1, Ordering::SeqCst);
            let _ = failed.await;
            Err(AppError::Unavailable)
        });
        let queued = join_all((0..5).map(|_| {
            caches.page("catalogue", || async {
                builds.fetch_add(1, Ordering::SeqCst);
                Err(AppError::Unavailable)
            })
        }));
        // Polled in order: the first build starts, the others queue behind
        // it, then it fails.
        let ((first, queued), ()) = join(join(first, queued), async {
            let _ = fail.send(());
        })
        .await;
        assert!(matches!(first, Err(AppError::Unavailable)));
        assert!(queued.iter().all(|answer| matches!(answer, Err(AppError::Unavailable))), "{queued:?}");
        assert_eq!(builds.load(Ordering::SeqCst), 1, "one wait for the database, not six");

        let later = caches.page("catalogue", || async { Ok(Bytes::from_static(b"back")) }).await;
        assert_eq!(later.expect("built"), Bytes::from_static(b"back"), "a later request builds again");
    }
}
