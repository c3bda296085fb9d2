//! Scenario (5): 10,000 reminders fall due while sign-ups run. One event is
//! filled with 10,000 confirmed people; sign-ups over 50 other events are
//! measured with nothing due, then from the moment the filled event's
//! reminder falls due, while the service queues it, then with nothing due
//! again once every reminder is queued. Comparing the middle row with both
//! quiet ones separates the reminder's cost from the database growing
//! between rows (a second quiet row alone measured 70–110% of the first).
//!
//! Mail is delivered throughout (the SMTP server in this process), and
//! lags behind in both rows alike: the difference between them is the
//! reminder's work. The check reads the outbox: each person's reminder
//! queued once.

use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use chrono::{DateTime, Utc};
use hyper::{Method, StatusCode};
use serde_json::json;

use crate::load::{self, Spec};
use crate::{Bench, sign_up_requests, smtp, status_is};

/// People reminded at once (a tenth in the quick run).
const REMINDED: usize = 10_000;
/// The longest wait for every reminder to be queued.
const QUEUED_WITHIN: Duration = Duration::from_secs(180);

impl Bench<'_> {
    pub(crate) async fn reminders(&mut self) -> anyhow::Result<()> {
        let reminded = if self.args.quick { REMINDED / 10 } else { REMINDED };
        let sink = smtp::SmtpSink::start().await;
        let mut server = self.start_server("reminders", &sink).await?;
        let tag = format!("{}-reminders", self.tag);
        let slugs: Vec<String> =
            server.create_events(&tag, 50, 100_000).await?.into_iter().map(|(slug, _)| slug).collect();
        let full_tag = format!("{}-reminded", self.tag);
        let (slug, id) =
            server.create_events(&full_tag, 1, reminded as i64).await?.into_iter().next().context("event")?;

        let fill = Spec { concurrency: 64, duration: QUEUED_WITHIN, max_requests: reminded as u64, first: 0 };
        let make = sign_up_requests(&[slug], &full_tag)?;
        let filled = load::run(&server.addrs(), &fill, make, status_is(StatusCode::CREATED)).await?;
        ensure!(filled.errors == 0 && filled.requests == reminded as u64, "filling the reminded event: {filled:?}");

        // Offsets are whole minutes: the one that puts the reminder due
        // after the quiet row, within a minute.
        let (status, event) = server.api(Method::GET, &format!("/api/v1/events/{id}"), None).await?;
        ensure!(status == StatusCode::OK, "reading the reminded event: {status}");
        let starts: DateTime<Utc> = event["starts_at"].as_str().context("starts_at")?.parse()?;
        let quiet_until = Utc::now() + chrono::Duration::from_std(self.duration)? + chrono::Duration::seconds(2);
        let offset = (starts - quiet_until).num_minutes();
        let due = starts - chrono::Duration::minutes(offset);
        let patch = json!({ "reminders_before_minutes": [offset] });
        let (status, answer) = server.api(Method::PATCH, &format!("/api/v1/events/{id}"), Some(&patch)).await?;
        ensure!(status == StatusCode::OK, "setting the reminder: {status} {answer}");

        let make = sign_up_requests(&slugs, &tag)?;
        let quiet = load::run(&server.addrs(), &self.spec(64), make.clone(), status_is(StatusCode::CREATED)).await?;
        self.row("5 sign-ups, reminders", 64, &quiet, server.peak_rss_kib(), "nothing due".into());
        if let Ok(wait) = (due - Utc::now()).to_std() {
            tokio::time::sleep(wait).await;
        }
        let fell_due = Instant::now();
        let busy = load::run(&server.addrs(), &self.spec(64), make.clone(), status_is(StatusCode::CREATED)).await?;

        let db = Outbox::open(&server.database_url).await?;
        let recipients = format!("%.{full_tag}@example.org");
        let during = db.reminders(&recipients).await?.0;
        let (queued, people) = loop {
            let counts = db.reminders(&recipients).await?;
            if counts.0 >= reminded as i64 || fell_due.elapsed() > QUEUED_WITHIN {
                break counts;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let all_queued = fell_due.elapsed();
        let note = format!("{reminded} reminders due at the start; {during} queued by the end");
        self.row("5 sign-ups, reminders", 64, &busy, server.peak_rss_kib(), note);
        let after = load::run(&server.addrs(), &self.spec(64), make, status_is(StatusCode::CREATED)).await?;
        self.row("5 sign-ups, reminders", 64, &after, server.peak_rss_kib(), "nothing due, after".into());
        self.check(
            &format!("reminders: each of the {reminded} people reminded once"),
            queued == reminded as i64 && people == reminded as i64,
            format!(
                "{queued} reminders queued for {people} people, all within {:.1} s of falling due; \
                 {} messages delivered by then",
                all_queued.as_secs_f64(),
                sink.received().len()
            ),
        );
        for (name, outcome) in [("nothing due", &quiet), ("reminders due", &busy), ("nothing due after", &after)] {
            self.check(
                &format!("reminders, {name}: every sign-up answered 201"),
                outcome.errors == 0 && outcome.requests > 0,
                format!("{} answered, {} errors", outcome.requests, outcome.errors),
            );
        }
        server.stop().await?;
        Ok(())
    }
}

/// The service's outbox, read directly.
enum Outbox {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

/// Reminders queued to the recipients `$1` (a LIKE pattern), and to how
/// many people.
const REMINDERS: &str = "SELECT COUNT(*), COUNT(DISTINCT registration_id) FROM outbox \
     WHERE kind = 'reminder' AND recipient LIKE $1";

impl Outbox {
    async fn open(url: &str) -> anyhow::Result<Self> {
        Ok(if url.starts_with("postgres") {
            Self::Postgres(sqlx::PgPool::connect(url).await?)
        } else {
            Self::Sqlite(sqlx::SqlitePool::connect(url).await?)
        })
    }

    async fn reminders(&self, recipients: &str) -> anyhow::Result<(i64, i64)> {
        Ok(match self {
            Self::Sqlite(pool) => sqlx::query_as(REMINDERS).bind(recipients).fetch_one(pool).await?,
            Self::Postgres(pool) => sqlx::query_as(REMINDERS).bind(recipients).fetch_one(pool).await?,
        })
    }
}
