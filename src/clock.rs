//! What time it is, for every decision that depends on it. The service
//! reads the system clock; tests hold a clock they move, so that timed
//! behaviour is tested without sleeping. Timed work waits on the clock's
//! moves (`watch`), so a test that moves it days ahead is answered at once.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use tokio::sync::watch;

#[derive(Clone, Default)]
pub struct Clock {
    /// `None`: the system clock.
    manual: Option<Arc<watch::Sender<DateTime<Utc>>>>,
}

impl Clock {
    pub fn system() -> Self {
        Self { manual: None }
    }

    /// A clock that stays at `at` until moved.
    pub fn manual(at: DateTime<Utc>) -> Self {
        Self { manual: Some(Arc::new(watch::Sender::new(at))) }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.manual {
            None => Utc::now(),
            Some(at) => *at.borrow(),
        }
    }

    /// Moves a manual clock on; the system clock moves by itself.
    pub fn advance(&self, by: Duration) {
        if let Some(at) = &self.manual {
            at.send_modify(|at| *at += by);
        }
    }

    /// Told each time a manual clock moves; `None` for the system clock,
    /// which moves all the time.
    pub fn watch(&self) -> Option<watch::Receiver<DateTime<Utc>>> {
        self.manual.as_ref().map(|at| at.subscribe())
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.manual {
            None => f.write_str("Clock(system)"),
            Some(_) => write!(f, "Clock(manual, {})", self.now()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_manual_clock_moves_only_when_told_and_says_so() {
        let start = Utc::now() - Duration::days(3);
        let clock = Clock::manual(start);
        let moves = clock.watch().expect("a manual clock is watched");
        assert_eq!(clock.now(), start);
        clock.advance(Duration::hours(2));
        assert_eq!(clock.clone().now(), start + Duration::hours(2), "clones share the time");
        assert!(moves.has_changed().expect("open"), "the move is seen");
        assert!(Clock::system().watch().is_none());
    }
}
