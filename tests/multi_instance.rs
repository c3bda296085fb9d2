//! Several real processes of the service on one PostgreSQL database: seats
//! and the outbox stay exact whichever instance a request lands on, a
//! message claimed by an instance that dies is sent by another after the
//! lease, timed work (reminders, the ends of offers) is done once although
//! every instance runs a scheduler, and so is each webhook delivery.
//!
//! Real processes keep real time: the timed tests set their events so the
//! work falls due within seconds (a reminder two days before an event that
//! starts two days and 15 s from now) or within the shortest offer (one
//! minute).
//!
//! The processes run the binary named by ATELIER_BIN (see
//! `common::instances`). PostgreSQL only: these tests run when
//! TEST_DATABASE_URL is set (see build.rs).

mod common;

use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use common::instances::{Instance, create_event, deployment};
use common::receiver::Receiver;
use common::smtp::SmtpSink;
use common::{person, seats_taken};
use futures::future::join_all;
use serde_json::{Value, json};

const INSTANCES: usize = 3;
const SIGN_UPS: usize = 1000;
const SEATS: i64 = 30;

/// Three instances start together on an empty database (their migrations
/// wait for each other), then take 1,000 simultaneous sign-ups for 30 seats,
/// spread over all three, and share the mail queue.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(not(postgres_tests), ignore = "runs when TEST_DATABASE_URL names a PostgreSQL server")]
async fn three_instances_share_seats_and_send_each_message_once() {
    let sink = SmtpSink::start().await;
    let deployment = deployment(&sink).await;
    let instances = join_all((0..INSTANCES).map(|_| deployment.start(300))).await;
    let token = deployment.organizer_token().await;
    let client = reqwest::Client::builder().pool_max_idle_per_host(64).build().expect("client");
    create_event(&client, &instances[0], &token, "ruee", SEATS).await;

    let answers = join_all((0..SIGN_UPS).map(|n| {
        let (client, instance) = (&client, &instances[n % INSTANCES]);
        async move {
            let response = client
                .post(format!("{}/api/v1/events/ruee/registrations", instance.base))
                .json(&person(n))
                .send()
                .await
                .expect("sent");
            (response.status().as_u16(), response.json::<Value>().await.unwrap_or(Value::Null))
        }
    }))
    .await;

    let (confirmed, positions) = seats_taken(&answers);
    assert_eq!(confirmed, SEATS, "exactly the seats there are");
    let expected: Vec<i64> = (1..=(SIGN_UPS as i64 - SEATS)).collect();
    assert_eq!(positions, expected, "waiting-list positions are distinct and gap-free");

    // Every instance reads the same counts.
    for instance in &instances {
        let event: Value = client
            .get(format!("{}/api/v1/events/ruee", instance.base))
            .send()
            .await
            .expect("sent")
            .json()
            .await
            .expect("json");
        assert_eq!(event["seats_left"], 0);
        assert_eq!(event["waitlist_length"], SIGN_UPS as i64 - SEATS);
    }

    // One message per person, from whichever instance claimed it, and none twice.
    let received = sink.wait_for(SIGN_UPS, Duration::from_secs(120)).await;
    assert_eq!(received.len(), SIGN_UPS, "every message sent");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let received = sink.received();
    assert_eq!(received.len(), SIGN_UPS, "and none sent twice");
    let mut recipients: Vec<String> = received.iter().map(|r| r.to.join(",")).collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), SIGN_UPS, "one message per person");
    let db = deployment.database().await;
    let (sent, attempts): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), CAST(COALESCE(SUM(attempts), 0) AS BIGINT) FROM outbox WHERE status = 'sent'")
            .fetch_one(&db)
            .await
            .expect("outbox");
    assert_eq!((sent, attempts), (SIGN_UPS as i64, SIGN_UPS as i64), "each message claimed and sent once");
}

/// An instance claims a message, then dies mid-send: once its lease has
/// passed, another instance sends the message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(postgres_tests), ignore = "runs when TEST_DATABASE_URL names a PostgreSQL server")]
async fn a_message_claimed_by_an_instance_that_dies_is_sent_after_its_lease() {
    const LEASE_SECS: u64 = 3;
    let sink = SmtpSink::start().await;
    let deployment = deployment(&sink).await;
    let mut first = deployment.start(LEASE_SECS).await;
    let token = deployment.organizer_token().await;
    let client = reqwest::Client::new();
    create_event(&client, &first, &token, "bail", 10).await;

    // The SMTP server hangs: the first instance's send stays in progress.
    sink.slow_down(Duration::from_secs(3600));
    let response = client
        .post(format!("{}/api/v1/events/bail/registrations", first.base))
        .json(&person(1))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 201);
    let db = deployment.database().await;
    let claimed_at = tokio::time::Instant::now();
    let deadline = claimed_at + Duration::from_secs(10);
    loop {
        let attempts: i64 = sqlx::query_scalar("SELECT attempts FROM outbox").fetch_one(&db).await.expect("row");
        if attempts == 1 {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "the first instance claims the message");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    first.child.kill().await.expect("killed");
    sink.slow_down(Duration::ZERO);

    let _second = deployment.start(LEASE_SECS).await;
    let received = sink.wait_for(1, Duration::from_secs(30)).await;
    assert_eq!(received.len(), 1, "the message is sent by the second instance");
    assert!(
        claimed_at.elapsed() >= Duration::from_secs(LEASE_SECS - 1),
        "not before the first instance's lease ran out"
    );
    assert_eq!(received[0].to, ["etudiant1@example.org"]);
    // The instance records the delivery just after the server accepted it.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (status, attempts): (String, i64) =
            sqlx::query_as("SELECT status, attempts FROM outbox").fetch_one(&db).await.expect("row");
        if status != "pending" || tokio::time::Instant::now() > deadline {
            assert_eq!((status.as_str(), attempts), ("sent", 2), "claimed twice, sent once");
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Creates a published masterclass from `fields` (merged over defaults).
async fn create(client: &reqwest::Client, instance: &Instance, token: &str, fields: Value) {
    let mut body = json!({
        "kind": "masterclass",
        "title": "Masterclass Naobios : la bioproduction de vaccins",
        "location": "Naobios",
        "address": "3 impasse Augustin Fresnel, 44800 Saint-Herblain",
        "host": "Naobios",
        "status": "published",
        "registration_opens_at": rfc3339(Utc::now() - chrono::Duration::hours(1)),
    });
    for (key, value) in fields.as_object().expect("an object") {
        body[key] = value.clone();
    }
    let response = client
        .post(format!("{}/api/v1/events", instance.base))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap_or_default());
}

fn rfc3339(at: chrono::DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

async fn sign_up(client: &reqwest::Client, instance: &Instance, slug: &str, n: usize) -> Value {
    let response = client
        .post(format!("{}/api/v1/events/{slug}/registrations", instance.base))
        .json(&person(n))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 201);
    response.json().await.expect("json")
}

/// Per kind of message: how many were queued, to how many people, and how
/// many times they were claimed, once every queued one is sent (or after
/// `timeout`).
async fn outbox_by_kind(db: &sqlx::PgPool, timeout: Duration) -> Vec<(String, i64, i64, i64)> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let pending: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE status <> 'sent'")
            .fetch_one(db)
            .await
            .expect("outbox");
        if pending == 0 || tokio::time::Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    sqlx::query_as(
        "SELECT kind, COUNT(*), COUNT(DISTINCT recipient), CAST(SUM(attempts) AS BIGINT)
         FROM outbox WHERE status = 'sent' GROUP BY kind ORDER BY kind",
    )
    .fetch_all(db)
    .await
    .expect("outbox")
}

/// Waits until `query` (a count) reaches `count`, or `timeout` passes.
async fn wait_until_count(db: &sqlx::PgPool, query: &str, count: i64, timeout: Duration) -> i64 {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let found: i64 = sqlx::query_scalar(query).fetch_one(db).await.expect("count");
        if found >= count || tokio::time::Instant::now() > deadline {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A reminder falls due while three instances run, each with its
/// scheduler: every confirmed person gets it once, waiting people none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(postgres_tests), ignore = "runs when TEST_DATABASE_URL names a PostgreSQL server")]
async fn each_reminder_is_sent_once_across_three_instances() {
    const SEATS: usize = 40;
    const WAITING: usize = 5;
    let sink = SmtpSink::start().await;
    let deployment = deployment(&sink).await;
    let instances = join_all((0..INSTANCES).map(|_| deployment.start(300))).await;
    let token = deployment.organizer_token().await;
    let client = reqwest::Client::new();
    // The two-day reminder falls due 15 s from now.
    let starts = Utc::now() + chrono::Duration::days(2) + chrono::Duration::seconds(15);
    let fields = json!({
        "slug": "rappel",
        "starts_at": rfc3339(starts),
        "ends_at": rfc3339(starts + chrono::Duration::hours(7)),
        "capacity": SEATS,
        "reminders_before_minutes": [2880],
    });
    create(&client, &instances[0], &token, fields).await;
    join_all((0..SEATS + WAITING).map(|n| sign_up(&client, &instances[n % INSTANCES], "rappel", n))).await;

    let db = deployment.database().await;
    let queued = wait_until_count(
        &db,
        "SELECT COUNT(*) FROM outbox WHERE kind = 'reminder'",
        SEATS as i64,
        Duration::from_secs(90),
    )
    .await;
    assert_eq!(queued, SEATS as i64, "the reminder is queued for every confirmed person");
    // Every instance has woken for the reminder job by now; any second
    // queueing would be there.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let kinds = outbox_by_kind(&db, Duration::from_secs(60)).await;
    let reminders = kinds.iter().find(|k| k.0 == "reminder").expect("reminders sent");
    assert_eq!(
        (reminders.1, reminders.2, reminders.3),
        (SEATS as i64, SEATS as i64, SEATS as i64),
        "one reminder per confirmed person, claimed and sent once"
    );
    let jobs: (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), COUNT(done_at) FROM scheduled_jobs WHERE kind = 'reminder'")
            .fetch_one(&db)
            .await
            .expect("jobs");
    assert_eq!(jobs, (1, 1), "one reminder job, done");
    let received = sink.wait_for(2 * SEATS + WAITING, Duration::from_secs(30)).await;
    assert_eq!(received.len(), 2 * SEATS + WAITING, "a sign-up message each, a reminder per seat, no more");
    let reminded: Vec<_> = received
        .iter()
        .map(|r| common::parse_mail(&r.data))
        .filter(|m| m.subject.starts_with("Rappel"))
        .map(|m| m.to)
        .collect();
    let mut unique = reminded.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((reminded.len(), unique.len()), (SEATS, SEATS), "each confirmed person reminded once");
}

/// Seats freed the day before ten masterclasses are offered; each offer
/// runs out after its minute, and the next person is offered the seat:
/// with three schedulers, each offer is made once and ended once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(postgres_tests), ignore = "runs when TEST_DATABASE_URL names a PostgreSQL server")]
async fn each_offer_is_made_and_ended_once_across_three_instances() {
    const EVENTS: usize = 10;
    let sink = SmtpSink::start().await;
    let deployment = deployment(&sink).await;
    let instances = join_all((0..INSTANCES).map(|_| deployment.start(300))).await;
    let token = deployment.organizer_token().await;
    let client = reqwest::Client::new();
    let starts = Utc::now() + chrono::Duration::days(1);
    for e in 0..EVENTS {
        let fields = json!({
            "slug": format!("offre-{e}"),
            "starts_at": rfc3339(starts),
            "ends_at": rfc3339(starts + chrono::Duration::hours(7)),
            "capacity": 1,
            "reminders_before_minutes": [],
            "offer_response_minutes": 1,
        });
        create(&client, &instances[e % INSTANCES], &token, fields).await;
    }
    // Per event: one seat taken, two people waiting; then the seat is freed.
    let seated = join_all((0..EVENTS).map(|e| {
        let client = &client;
        let instances = &instances;
        async move {
            let slug = format!("offre-{e}");
            let first = sign_up(client, &instances[e % INSTANCES], &slug, 3 * e).await;
            for n in [3 * e + 1, 3 * e + 2] {
                sign_up(client, &instances[n % INSTANCES], &slug, n).await;
            }
            first
        }
    }))
    .await;
    for (e, first) in seated.iter().enumerate() {
        let url = first["cancel_url"].as_str().expect("link");
        let token = url.rsplit('/').next().expect("token");
        let response = client
            .post(format!("{}/api/v1/registrations/{token}/cancel", instances[(e + 1) % INSTANCES].base))
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 200);
    }

    let db = deployment.database().await;
    let offered: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM registrations WHERE status = 'offered'")
        .fetch_one(&db)
        .await
        .expect("count");
    assert_eq!(offered, EVENTS as i64, "each freed seat is offered to the first person waiting");
    // The offers run out a minute later; the scheduler ends them within
    // its longest sleep.
    let expired = wait_until_count(
        &db,
        "SELECT COUNT(*) FROM outbox WHERE kind = 'offer_expired'",
        EVENTS as i64,
        Duration::from_secs(120),
    )
    .await;
    assert_eq!(expired, EVENTS as i64, "every offer ran out");
    let second_offers = wait_until_count(
        &db,
        "SELECT COUNT(*) FROM outbox WHERE kind = 'offered'",
        2 * EVENTS as i64,
        Duration::from_secs(30),
    )
    .await;
    assert_eq!(second_offers, 2 * EVENTS as i64, "and the next person is offered each seat");
    tokio::time::sleep(Duration::from_secs(3)).await;

    let statuses: Vec<(String, String)> =
        sqlx::query_as("SELECT email, status FROM registrations ORDER BY email").fetch_all(&db).await.expect("rows");
    for e in 0..EVENTS {
        let status = |n: usize| {
            let email = format!("etudiant{n}@example.org");
            statuses.iter().find(|(m, _)| *m == email).map(|(_, s)| s.as_str()).unwrap_or_default()
        };
        assert_eq!(
            [status(3 * e), status(3 * e + 1), status(3 * e + 2)],
            ["cancelled", "expired", "offered"],
            "event {e}"
        );
    }
    let kinds = outbox_by_kind(&db, Duration::from_secs(60)).await;
    let count = |kind: &str| kinds.iter().find(|k| k.0 == kind).map(|k| (k.1, k.2, k.3)).unwrap_or_default();
    let events = EVENTS as i64;
    assert_eq!(count("offered"), (2 * events, 2 * events, 2 * events), "each offer made and sent once");
    assert_eq!(count("offer_expired"), (events, events, events), "each end of an offer told once");
    let jobs: (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), COUNT(done_at) FROM scheduled_jobs WHERE kind = 'offer_expiry'")
            .fetch_one(&db)
            .await
            .expect("jobs");
    assert_eq!(jobs, (2 * events, events), "an expiry per offer; the first ten done");
}

/// An event ends while three instances run: each attendee checked in gets
/// their certificate once, people not checked in none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(postgres_tests), ignore = "runs when TEST_DATABASE_URL names a PostgreSQL server")]
async fn each_certificate_is_sent_once_across_three_instances() {
    const SEATS: usize = 12;
    const PRESENT: usize = 9;
    let sink = SmtpSink::start().await;
    let deployment = deployment(&sink).await;
    let instances = join_all((0..INSTANCES).map(|_| deployment.start(300))).await;
    let token = deployment.organizer_token().await;
    let client = reqwest::Client::new();
    // Sign-ups close at the start, 10 s from now; the end is 20 s later.
    let starts = Utc::now() + chrono::Duration::seconds(10);
    let fields = json!({
        "slug": "attestations",
        "starts_at": rfc3339(starts),
        "ends_at": rfc3339(starts + chrono::Duration::seconds(20)),
        "capacity": SEATS,
    });
    create(&client, &instances[0], &token, fields).await;
    let people = join_all((0..SEATS).map(|n| sign_up(&client, &instances[n % INSTANCES], "attestations", n))).await;
    let event: Value = client
        .get(format!("{}/api/v1/events/attestations", instances[1].base))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let slot = event["slots"][0]["id"].as_str().expect("a slot").to_owned();
    for (n, person) in people.iter().take(PRESENT).enumerate() {
        let response = client
            .post(format!("{}/api/v1/events/attestations/attendance", instances[n % INSTANCES].base))
            .bearer_auth(&token)
            .json(&json!({ "slot": slot, "registration_id": person["id"] }))
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 201);
    }

    let db = deployment.database().await;
    let query = "SELECT COUNT(*) FROM outbox WHERE kind = 'certificate'";
    let queued = wait_until_count(&db, query, PRESENT as i64, Duration::from_secs(90)).await;
    assert_eq!(queued, PRESENT as i64, "a certificate for each person checked in");
    // Every instance has woken for the job by now (they sleep 30 s at most).
    tokio::time::sleep(Duration::from_secs(3)).await;
    let kinds = outbox_by_kind(&db, Duration::from_secs(60)).await;
    let certificates = kinds.iter().find(|k| k.0 == "certificate").expect("certificates sent");
    assert_eq!(
        (certificates.1, certificates.2, certificates.3),
        (PRESENT as i64, PRESENT as i64, PRESENT as i64),
        "one certificate per attendee, claimed and sent once"
    );
    let jobs: (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), COUNT(done_at) FROM scheduled_jobs WHERE kind = 'certificates'")
            .fetch_one(&db)
            .await
            .expect("jobs");
    assert_eq!(jobs, (1, 1), "one certificates job, done");
    let received = sink.wait_for(SEATS + PRESENT, Duration::from_secs(30)).await;
    let mut attested: Vec<String> = received
        .iter()
        .map(|r| common::parse_mail(&r.data))
        .filter(|m| m.subject.starts_with("Votre attestation de présence"))
        .map(|m| m.to)
        .collect();
    assert_eq!(attested.len(), PRESENT, "{attested:?}");
    attested.sort();
    attested.dedup();
    assert_eq!(attested.len(), PRESENT, "each attendee once");
    let absent = person(PRESENT)["email"].as_str().expect("email").to_owned();
    assert!(!attested.contains(&absent), "nobody not checked in");
}

/// Retention falls due while three instances run: its people are
/// anonymised by one run, which leaves one history entry, however many
/// schedulers could have taken it. The event is moved into the past in the
/// database: retention counts in days, and these processes keep real time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(postgres_tests), ignore = "runs when TEST_DATABASE_URL names a PostgreSQL server")]
async fn retention_runs_once_across_three_instances() {
    const PEOPLE: usize = 20;
    let sink = SmtpSink::start().await;
    let deployment = deployment(&sink).await;
    let instances = join_all((0..INSTANCES).map(|_| deployment.start(300))).await;
    let token = deployment.organizer_token().await;
    let client = reqwest::Client::new();
    let starts = Utc::now() + chrono::Duration::days(3);
    let fields = json!({
        "slug": "retention",
        "starts_at": rfc3339(starts),
        "ends_at": rfc3339(starts + chrono::Duration::hours(3)),
        "capacity": PEOPLE,
        "retention_days": 1,
    });
    create(&client, &instances[0], &token, fields).await;
    join_all((0..PEOPLE).map(|n| sign_up(&client, &instances[n % INSTANCES], "retention", n))).await;
    let db = deployment.database().await;
    // The runs at start-up are over once the job waits for tomorrow.
    let later = "SELECT COUNT(*) FROM scheduled_jobs WHERE kind = 'retention' AND due_at > now() + interval '1 hour'";
    assert_eq!(wait_until_count(&db, later, 1, Duration::from_secs(30)).await, 1);
    let entries = "SELECT COUNT(*) FROM audit_log WHERE action = 'data_retention'";
    let before: i64 = sqlx::query_scalar(entries).fetch_one(&db).await.expect("count");

    sqlx::query("UPDATE events SET starts_at = now() - interval '3 days', ends_at = now() - interval '2 days'")
        .execute(&db)
        .await
        .expect("event moved");
    sqlx::query("UPDATE scheduled_jobs SET due_at = now() WHERE kind = 'retention'").execute(&db).await.expect("due");
    let erased = "SELECT COUNT(*) FROM registrations WHERE anonymised_at IS NOT NULL AND name = ''";
    // Schedulers look again within 30 s.
    assert_eq!(wait_until_count(&db, erased, PEOPLE as i64, Duration::from_secs(45)).await, PEOPLE as i64);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let runs: Vec<String> =
        sqlx::query_scalar("SELECT params FROM audit_log WHERE action = 'data_retention' ORDER BY at")
            .fetch_all(&db)
            .await
            .expect("entries");
    assert_eq!(runs.len() as i64, before + 1, "one run: {runs:?}");
    let last: Value = serde_json::from_str(runs.last().expect("an entry")).expect("json");
    assert_eq!(last["anonymised"], PEOPLE as i64, "{last}");
    let named: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE recipient LIKE '%@example.org'")
        .fetch_one(&db)
        .await
        .expect("count");
    assert_eq!(named, 0, "no address left in the outbox");
    drop(instances);
}

/// Three instances, each with its webhook worker, share the deliveries of
/// 200 sign-ups spread over them: each delivery reaches the endpoint once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(not(postgres_tests), ignore = "runs when TEST_DATABASE_URL names a PostgreSQL server")]
async fn each_webhook_delivery_is_sent_once_across_three_instances() {
    const PEOPLE: usize = 200;
    let sink = SmtpSink::start().await;
    let receiver = Receiver::start().await;
    let deployment = deployment(&sink).await;
    let start = || {
        let mut command = deployment.command(300);
        command.env("WEBHOOK_ALLOW_HTTP", "1").env("WEBHOOK_ALLOW_PRIVATE", "1");
        deployment.spawn(command)
    };
    let instances = join_all((0..INSTANCES).map(|_| start())).await;
    let token = deployment.organizer_token().await;
    let client = reqwest::Client::new();
    create_event(&client, &instances[0], &token, "crochets", PEOPLE as i64).await;
    let hook = json!({ "url": receiver.url, "events": ["registration.created"] });
    let created = client.post(format!("{}/api/v1/webhooks", instances[1].base)).bearer_auth(&token).json(&hook);
    assert_eq!(created.send().await.expect("sent").status(), 201);

    join_all((0..PEOPLE).map(|n| sign_up(&client, &instances[n % INSTANCES], "crochets", n))).await;
    receiver.wait_for(PEOPLE).await;
    // Time for a second sending, if there were one, to arrive.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let received = receiver.received();
    let mut ids: Vec<String> = received.iter().map(|r| r.header("atelier-delivery")).collect();
    ids.sort();
    ids.dedup();
    assert_eq!((received.len(), ids.len()), (PEOPLE, PEOPLE), "each delivery once");
    let db = deployment.database().await;
    let (delivered, attempts): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(attempts), 0) AS BIGINT) FROM webhook_deliveries WHERE status = 'delivered'",
    )
    .fetch_one(&db)
    .await
    .expect("deliveries");
    assert_eq!((delivered, attempts), (PEOPLE as i64, PEOPLE as i64), "each claimed and sent once");
}
