//! PostgreSQL through failures (issue 19): an instance killed in the middle
//! of a rush, the database server stopped under load and started again,
//! and database connections cut under sign-ups. Whatever fails, what people
//! are told stays true: a 201 is a committed registration, a failure is a
//! prompt 503 in the API's error format, mail goes out, and the service
//! comes back by itself.
//!
//! Real processes (see `common::instances`), real time. PostgreSQL only:
//! these tests run when TEST_DATABASE_URL is set (see build.rs). The test
//! that stops PostgreSQL does it to a cluster of its own
//! (`common::pg_cluster`), never to the shared server, which takes root
//! (to run it as the postgres user).

mod common;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use common::instances::{Deployment, Instance, create_event, deployment};
use common::person;
use common::pg_cluster::PgCluster;
use common::smtp::SmtpSink;
use futures::future::join_all;
use serde_json::Value;
use sqlx::Connection;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// How long any request may take, failures included: past it, a person
/// has given up, and a proxy may have too.
const ANSWER_WITHIN: Duration = Duration::from_secs(5);
/// The client gives up later than `ANSWER_WITHIN`, so that a slow answer is
/// measured (and fails the test) rather than cut short.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(10);

/// One sign-up as its sender saw it.
#[derive(Debug)]
struct Answer {
    /// `person(n)`, sent to instance `to`.
    n: usize,
    to: usize,
    sent: Instant,
    elapsed: Duration,
    /// Status and JSON body, or why no answer came (refused, cut, timed out).
    outcome: Result<(u16, Value), String>,
}

impl Answer {
    fn status(&self) -> Option<u16> {
        self.outcome.as_ref().ok().map(|(status, _)| *status)
    }

    fn body(&self) -> &Value {
        self.outcome.as_ref().map_or(&Value::Null, |(_, body)| body)
    }

    fn answered(&self) -> Instant {
        self.sent + self.elapsed
    }
}

fn email(n: usize) -> String {
    format!("etudiant{n}@example.org")
}

/// Sign-ups for one event from a few senders, person after person, spread
/// round-robin over the instances as a proxy would, until `total` are sent
/// or the load is stopped.
struct Load {
    answers: Arc<Mutex<Vec<Answer>>>,
    stop: Arc<AtomicBool>,
    senders: Vec<JoinHandle<()>>,
}

/// Sign-ups from `from` on wait until `open` turns true.
struct Gate {
    from: usize,
    open: watch::Receiver<bool>,
}

impl Load {
    /// `pause`: each sender's rest between two sign-ups, for a steady load
    /// rather than a rush.
    fn start(bases: &[String], slug: &str, senders: usize, total: usize, pause: Duration, gate: Option<Gate>) -> Self {
        let client = reqwest::Client::builder().timeout(CLIENT_TIMEOUT).build().expect("client");
        let urls: Arc<Vec<String>> =
            Arc::new(bases.iter().map(|base| format!("{base}/api/v1/events/{slug}/registrations")).collect());
        let answers = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let next = Arc::new(AtomicUsize::new(0));
        let gate = gate.map(Arc::new);
        let senders = (0..senders)
            .map(|_| {
                let (client, urls, answers, stop, next, gate) =
                    (client.clone(), urls.clone(), answers.clone(), stop.clone(), next.clone(), gate.clone());
                tokio::spawn(async move {
                    while !stop.load(Ordering::Acquire) {
                        let n = next.fetch_add(1, Ordering::AcqRel);
                        if n >= total {
                            return;
                        }
                        if let Some(gate) = gate.as_ref().filter(|gate| n >= gate.from) {
                            let _ = gate.open.clone().wait_for(|open| *open).await;
                        }
                        let to = n % urls.len();
                        let sent = Instant::now();
                        let outcome = match client.post(&urls[to]).json(&person(n)).send().await {
                            Ok(response) => {
                                let status = response.status().as_u16();
                                Ok((status, response.json().await.unwrap_or(Value::Null)))
                            }
                            Err(error) => Err(format!("{error:?}")),
                        };
                        let answer = Answer { n, to, sent, elapsed: sent.elapsed(), outcome };
                        answers.lock().expect("answers").push(answer);
                        tokio::time::sleep(pause).await;
                    }
                })
            })
            .collect();
        Load { answers, stop, senders }
    }

    fn answered(&self) -> usize {
        self.answers.lock().expect("answers").len()
    }

    /// Whether `test` holds for any answer so far.
    fn any(&self, test: impl Fn(&Answer) -> bool) -> bool {
        self.answers.lock().expect("answers").iter().any(test)
    }

    fn done(&self) -> bool {
        self.senders.iter().all(JoinHandle::is_finished)
    }

    /// Waits for the senders (stopping them first if `stop`) and returns
    /// every answer.
    async fn finish(self, stop: bool) -> Vec<Answer> {
        self.stop.store(stop, Ordering::Release);
        for sender in self.senders {
            sender.await.expect("sender");
        }
        let mut answers = std::mem::take(&mut *self.answers.lock().expect("answers"));
        answers.sort_by_key(|answer| answer.n);
        answers
    }
}

/// Waits until `condition` holds, checking every 20 ms, for `timeout` at
/// most; false if it never did.
async fn eventually(timeout: Duration, mut condition: impl AsyncFnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if condition().await {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Every registration as (email, status).
async fn registrations(db: &sqlx::PgPool) -> HashMap<String, String> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT email, status FROM registrations").fetch_all(db).await.expect("registrations");
    rows.into_iter().collect()
}

/// Checks that every sign-up answered 201 is committed, with the status
/// its answer gave.
fn assert_acknowledged_are_committed(answers: &[Answer], committed: &HashMap<String, String>) {
    for answer in answers.iter().filter(|a| a.status() == Some(201)) {
        let told = answer.body()["status"].as_str().expect("a status");
        assert_eq!(
            committed.get(&email(answer.n)).map(String::as_str),
            Some(told),
            "sign-up {} was answered 201 ({told}): its registration is committed as told",
            answer.n
        );
    }
}

async fn health(client: &reqwest::Client, instance: &Instance) -> (u16, Value, Duration) {
    let started = Instant::now();
    let response = client.get(format!("{}/healthz", instance.base)).send().await.expect("/healthz answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null), started.elapsed())
}

/// Three instances take a rush of 600 sign-ups for 30 seats, spread over
/// them, and one of them is killed (SIGKILL) halfway: nothing it
/// acknowledged is lost, the seats stay exact, the other two answer every
/// request, and the messages it had claimed are sent by the others once its
/// lease has run out. Every person gets their message at least once: the
/// dead instance may have handed one to the SMTP server without recording it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(not(postgres_tests), ignore = "runs when TEST_DATABASE_URL names a PostgreSQL server")]
async fn an_instance_killed_mid_rush_loses_nothing_it_acknowledged_and_its_mail_goes_out_after_its_lease() {
    const SIGN_UPS: usize = 600;
    const SEATS: i64 = 30;
    const LEASE_SECS: u64 = 3;
    const VICTIM: usize = 1;
    let sink = SmtpSink::start().await;
    // The victim mails through an SMTP server of its own that takes a
    // quarter of a second per message: it is always in the middle of sends,
    // so when it dies it holds messages it claimed and did not send. A whole
    // claim (32 messages, 8 at a time) takes it a second, well within its
    // lease, so nobody else takes them while it lives.
    let slow = SmtpSink::start().await;
    slow.slow_down(Duration::from_millis(250));
    let deployment = deployment(&sink).await;
    let mut victim = deployment.command(LEASE_SECS);
    victim.env("SMTP_URL", slow.url());
    let (first, mut victim, third) =
        tokio::join!(deployment.start(LEASE_SECS), deployment.spawn(victim), deployment.start(LEASE_SECS));
    let bases = [first.base.clone(), victim.base.clone(), third.base.clone()];
    let survivors = [(0, &first), (2, &third)];
    let token = deployment.organizer_token().await;
    let client = reqwest::Client::builder().timeout(CLIENT_TIMEOUT).build().expect("client");
    create_event(&client, &first, &token, "ruee", SEATS).await;

    // The kill comes once 200 sign-ups are answered and the victim is
    // sending; from the 400th on, sign-ups wait for it, so that it lands in
    // the middle of the rush however fast the first ones go.
    let (open, gate) = watch::channel(false);
    let load = Load::start(&bases, "ruee", 32, SIGN_UPS, Duration::ZERO, Some(Gate { from: 400, open: gate }));
    let holding = eventually(Duration::from_secs(60), async || load.answered() >= 200 && slow.holding().len() >= 3);
    assert!(holding.await, "the victim is sending messages while the rush goes on");
    // The messages its SMTP server is waiting on: claimed by the victim,
    // not sent yet.
    let held = slow.holding();
    victim.child.kill().await.expect("killed");
    let killed = Instant::now();
    open.send(true).expect("the senders wait");
    let db = deployment.database().await;
    // Those it had not recorded as sent when it died: still pending and
    // claimed once (by it; another instance's claim would be a second).
    let claims: Vec<(String, DateTime<Utc>)> = sqlx::query_as(
        "SELECT recipient, locked_until FROM outbox
         WHERE recipient = ANY($1) AND status = 'pending' AND attempts = 1 AND locked_until IS NOT NULL",
    )
    .bind(&held)
    .fetch_all(&db)
    .await
    .expect("outbox");
    assert!(!claims.is_empty(), "the victim held claimed messages when killed: {held:?}");

    let answers = load.finish(false).await;
    assert_eq!(answers.len(), SIGN_UPS);
    for answer in &answers {
        match (answer.to, answer.status()) {
            (_, Some(201)) => {}
            // Refused or cut: the sender cannot tell whether it was committed.
            (VICTIM, None) => {}
            _ => panic!("sign-up {} to instance {}: {:?}", answer.n, answer.to, answer.outcome),
        }
    }
    let to_the_dead = answers.iter().filter(|a| a.to == VICTIM && a.sent > killed).count();
    assert!(to_the_dead > 0, "requests went on to the dead instance");
    assert!(
        answers.iter().filter(|a| a.to == VICTIM && a.sent > killed).all(|a| a.status().is_none()),
        "none answered once it was dead"
    );

    let committed = registrations(&db).await;
    assert_acknowledged_are_committed(&answers, &committed);
    let confirmed = committed.values().filter(|status| *status == "confirmed").count() as i64;
    let acknowledged = answers.iter().filter(|a| a.status() == Some(201)).count();
    assert!(acknowledged >= SEATS as usize, "{acknowledged} sign-ups acknowledged");
    assert_eq!(confirmed, SEATS, "exactly the seats there are");

    // The survivors go on: a sign-up, the event, their health.
    for (i, (index, instance)) in survivors.iter().enumerate() {
        let response = client
            .post(format!("{}/api/v1/events/ruee/registrations", instance.base))
            .json(&person(SIGN_UPS + i))
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 201, "instance {index} takes sign-ups");
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["status"], "waitlisted");
        let event: Value = client
            .get(format!("{}/api/v1/events/ruee", instance.base))
            .send()
            .await
            .expect("sent")
            .json()
            .await
            .expect("json");
        assert_eq!(event["seats_left"], 0, "instance {index}");
        assert_eq!(health(&client, instance).await.0, 200, "instance {index}");
    }

    // Mail: every message is sent in the end, every person has theirs, and
    // what the victim held went out from the others after its lease.
    let settled = eventually(Duration::from_secs(90), async || {
        let unsent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE status <> 'sent'")
            .fetch_one(&db)
            .await
            .expect("outbox");
        unsent == 0
    });
    assert!(settled.await, "every message is sent");
    let received: Vec<_> = sink.received().into_iter().chain(slow.received()).collect();
    let recipients: HashSet<&str> = received.iter().flat_map(|r| r.to.iter().map(String::as_str)).collect();
    let everyone = registrations(&db).await;
    assert_eq!(everyone.len(), committed.len() + survivors.len());
    for person in everyone.keys() {
        assert!(recipients.contains(person.as_str()), "{person} got their message");
    }
    for (recipient, lease) in &claims {
        let lease = std::time::SystemTime::from(*lease);
        let resent = sink.received().into_iter().find(|r| r.to.contains(recipient)).expect("sent by a survivor");
        assert!(resent.at >= lease, "{recipient}'s message waited for the dead instance's lease");
    }
    let cut = answers.iter().filter(|a| a.to == VICTIM && a.status().is_none() && a.sent < killed).count();
    println!(
        "{acknowledged} of {SIGN_UPS} sign-ups acknowledged, {} committed; {cut} cut by the kill, {to_the_dead} sent \
         to the dead instance after; it held {} messages ({} claimed once); {} messages received for {} people",
        committed.len(),
        held.len(),
        claims.len(),
        received.len(),
        everyone.len()
    );
}

/// PostgreSQL stops (an immediate shutdown, as a crash) under a steady
/// load of sign-ups on two instances: every request is answered within 5 s,
/// sign-ups with 503 in the API's error format and /healthz with 503; once
/// PostgreSQL is back, the same processes take sign-ups again within 10 s
/// without being restarted, and no acknowledged sign-up is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(not(postgres_tests), ignore = "runs when TEST_DATABASE_URL names a PostgreSQL server")]
async fn postgres_stopped_under_load_is_answered_503_at_once_and_recovered_from_by_itself() {
    const RECOVER_WITHIN: Duration = Duration::from_secs(10);
    // Long enough for the cached event to expire (a second) and for several
    // waits for a connection (3 s each) to run out.
    const OUTAGE: Duration = Duration::from_secs(8);
    let cluster = PgCluster::new().await;
    let sink = SmtpSink::start().await;
    let deployment = Deployment::on(cluster.url(), &sink);
    let mut instances = join_all((0..2).map(|_| deployment.start(300))).await;
    let ids: Vec<Option<u32>> = instances.iter().map(|i| i.child.id()).collect();
    let token = deployment.organizer_token().await;
    let client = reqwest::Client::builder().timeout(CLIENT_TIMEOUT).build().expect("client");
    create_event(&client, &instances[0], &token, "charge", 100_000).await;
    let bases: Vec<String> = instances.iter().map(|i| i.base.clone()).collect();

    let load = Load::start(&bases, "charge", 16, 100_000, Duration::from_millis(20), None);
    assert!(eventually(Duration::from_secs(30), async || load.answered() >= 100).await, "the load runs");
    cluster.crash().await;
    let down = Instant::now();
    // At once, and again at the end of the outage.
    for check in [down, down + OUTAGE] {
        tokio::time::sleep_until(check).await;
        for (status, body, took) in join_all(instances.iter().map(|i| health(&client, i))).await {
            assert_eq!((status, body["status"].as_str()), (503, Some("unavailable")), "{body}");
            assert!(took < ANSWER_WITHIN, "/healthz answered in {took:?}");
        }
    }

    let restarting = Instant::now();
    cluster.start().await;
    // Counted from when PostgreSQL accepts connections again: its own crash
    // recovery is not the instances' to shorten.
    let started = Instant::now();
    // Back when each instance says it is healthy and has taken a sign-up
    // sent since.
    let back = eventually(RECOVER_WITHIN, async || {
        for (index, instance) in instances.iter().enumerate() {
            if health(&client, instance).await.0 != 200
                || !load.any(|a| a.to == index && a.sent > started && a.status() == Some(201))
            {
                return false;
            }
        }
        true
    });
    assert!(back.await, "both instances take sign-ups again within {RECOVER_WITHIN:?}");
    let recovered = Instant::now();
    let more = eventually(Duration::from_secs(30), async || {
        load.answers.lock().expect("answers").iter().filter(|a| a.sent > recovered).count() >= 100
    });
    assert!(more.await, "the load goes on");
    let answers = load.finish(true).await;

    for answer in &answers {
        assert!(answer.elapsed < ANSWER_WITHIN, "sign-up {} answered in {:?}", answer.n, answer.elapsed);
        let Some(status) = answer.status() else { panic!("sign-up {}: {:?}", answer.n, answer.outcome) };
        match status {
            201 => {}
            503 => assert_eq!(answer.body()["error"]["code"], "unavailable", "{}", answer.body()),
            _ => panic!("sign-up {}: {status} {}", answer.n, answer.body()),
        }
        if answer.sent >= down && answer.answered() < restarting {
            assert_eq!(status, 503, "sign-up {} while PostgreSQL was down", answer.n);
        }
        if answer.sent >= recovered {
            assert_eq!(status, 201, "sign-up {} after recovery: {}", answer.n, answer.body());
        }
    }
    let refused = answers.iter().filter(|a| a.sent >= down && a.answered() < restarting).count();
    assert!(refused > 0, "sign-ups were sent while PostgreSQL was down");
    let slowest = answers.iter().map(|a| a.elapsed).max().unwrap_or_default();
    println!(
        "{} sign-ups, {refused} answered 503 during the outage, the slowest in {slowest:?}; PostgreSQL took {:?} to \
         start, the instances {:?} more to take sign-ups",
        answers.len(),
        started - restarting,
        recovered - started
    );

    for (instance, id) in instances.iter_mut().zip(ids) {
        assert!(instance.child.try_wait().expect("status").is_none(), "the instance runs on");
        assert_eq!(instance.child.id(), id, "the same process");
    }
    let committed = registrations(&deployment.database().await).await;
    assert_acknowledged_are_committed(&answers, &committed);
}

/// Database connections are cut (pg_terminate_backend), again and again,
/// while two instances take sign-ups: each sign-up is answered 201 and
/// committed, or 503 and not committed, never a 201 that was not kept.
///
/// A 503 for a sign-up that was committed would take a failure at COMMIT
/// whose answer was lost after PostgreSQL made it durable: the service
/// cannot know, and answers 503 (`store::postgres::sign_ups`). Ending a
/// session does not lead there: PostgreSQL acts on pg_terminate_backend only
/// where it checks for interrupts, holds them off through the commit, and
/// next checks when it waits for the next command, once its answer has gone
/// out. So this test accepts no such case; a crash can lose that answer,
/// and the test that stops PostgreSQL checks only the 201s.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(not(postgres_tests), ignore = "runs when TEST_DATABASE_URL names a PostgreSQL server")]
async fn a_sign_up_whose_connection_is_cut_is_answered_as_it_ended() {
    const SIGN_UPS: usize = 1000;
    const SEATS: i64 = 100;
    let sink = SmtpSink::start().await;
    let deployment = deployment(&sink).await;
    let instances = join_all((0..2).map(|_| deployment.start(300))).await;
    let token = deployment.organizer_token().await;
    let client = reqwest::Client::builder().timeout(CLIENT_TIMEOUT).build().expect("client");
    create_event(&client, &instances[0], &token, "coupures", SEATS).await;
    let bases: Vec<String> = instances.iter().map(|i| i.base.clone()).collect();

    let load = Load::start(&bases, "coupures", 16, SIGN_UPS, Duration::ZERO, None);
    let mut admin = sqlx::PgConnection::connect(&deployment.database_url).await.expect("connects");
    let (mut rounds, mut cut) = (0, 0);
    while !load.done() && rounds < 1000 {
        // The instances' sessions (this role's client backends on this
        // database): PostgreSQL's own workers are not this role's to end.
        let ended: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()
               AND usename = current_user AND backend_type = 'client backend'",
        )
        .fetch_one(&mut admin)
        .await
        .expect("terminated");
        cut += ended;
        rounds += 1;
        // Five times a second catches a fifth of the sign-ups in flight
        // (they queue on the event's row lock); much more often, few would
        // get through at all.
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let answers = load.finish(false).await;
    assert_eq!(answers.len(), SIGN_UPS);

    let committed = registrations(&deployment.database().await).await;
    assert_acknowledged_are_committed(&answers, &committed);
    let mut refused = 0;
    for answer in &answers {
        match answer.status() {
            Some(201) => {}
            Some(503) => {
                assert_eq!(answer.body()["error"]["code"], "unavailable", "{}", answer.body());
                assert!(
                    !committed.contains_key(&email(answer.n)),
                    "sign-up {} answered 503 is not committed",
                    answer.n
                );
                refused += 1;
            }
            _ => panic!("sign-up {}: {:?}", answer.n, answer.outcome),
        }
    }
    println!("{rounds} rounds ended {cut} sessions; {refused} of {SIGN_UPS} sign-ups answered 503");
    assert!(refused > 0, "connections were cut under sign-ups in flight ({cut} sessions ended)");

    // Afterwards both take sign-ups as before.
    for (i, instance) in instances.iter().enumerate() {
        let response = client
            .post(format!("{}/api/v1/events/coupures/registrations", instance.base))
            .json(&person(SIGN_UPS + i))
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 201);
    }
}
