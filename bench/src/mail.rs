//! Scenario (6): does delivering mail slow sign-ups down? Sign-ups over 50
//! events at concurrency 64, once while the outbox delivers as fast as the
//! SMTP server in this process accepts, once with that server down (its
//! port closed: every send fails at once and is put back for later), on a
//! fresh server each time. The two alternate, three runs each, so that a
//! drift of the machine (the database growing, the disk's cache filling)
//! falls on both alike; the target compares the medians of their p99s.

use hyper::StatusCode;

use crate::load;
use crate::{Bench, Row, sign_up_requests, smtp, status_is};

/// Runs of each kind.
const RUNS: usize = 3;
pub const DELIVERING: &str = "6 mail: SMTP delivering";
pub const DOWN: &str = "6 mail: SMTP down";

impl Bench<'_> {
    pub(crate) async fn mail(&mut self) -> anyhow::Result<()> {
        for run in 0..RUNS {
            for delivering in [true, false] {
                let name = format!("mail-{run}-{}", if delivering { "up" } else { "down" });
                let sink = smtp::SmtpSink::start().await;
                if !delivering {
                    sink.stop().await;
                }
                let mut server = self.start_server(&name, &sink).await?;
                let tag = format!("{}-{name}", self.tag);
                let slugs: Vec<String> =
                    server.create_events(&tag, 50, 100_000).await?.into_iter().map(|(slug, _)| slug).collect();
                let make = sign_up_requests(&slugs, &tag)?;
                let outcome = load::run(&server.addrs(), &self.spec(64), make, status_is(StatusCode::CREATED)).await?;
                let label = if delivering { DELIVERING } else { DOWN };
                let note = format!("run {}; {} emails received by then", run + 1, sink.received().len());
                self.row(label, 64, &outcome, server.peak_rss_kib(), note);
                self.check(
                    &format!("{label}, run {}: every sign-up answered 201", run + 1),
                    outcome.errors == 0 && outcome.requests > 0,
                    format!("{} answered, {} errors", outcome.requests, outcome.errors),
                );
                server.stop().await?;
            }
        }
        Ok(())
    }
}

/// The median p99 of the rows labelled `label`, in ms.
pub fn median_p99(rows: &[Row], label: &str) -> Option<f64> {
    let mut p99s: Vec<f64> = rows.iter().filter(|r| r.scenario == label).map(|r| r.p99_ms).collect();
    if p99s.is_empty() {
        return None;
    }
    p99s.sort_by(f64::total_cmp);
    Some(p99s[p99s.len() / 2])
}
