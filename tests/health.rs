//! `/healthz` says whether the service can take sign-ups, and every request
//! is answered whatever the disk and the log output do.
//!
//! The full-disk test runs the real binary with its data folder, mail
//! folder and log file on a small tmpfs that the test mounts (the default
//! layout: one filesystem), then fills it. Mounting needs root, which CI and
//! the development machines have; without it the test fails, it is not
//! skipped. A read-only database is tested on PostgreSQL, where it happens
//! (a server turned standby); Linux refuses to remount read-only a
//! filesystem with files open for writing, which is how SQLite holds its
//! database.

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use common::{fresh_database, person, spawn_app};
use futures::future::join_all;
use serde_json::{Value, json};
use tokio::process::{Child, Command};

on_both_backends! {
    #[tokio::test] health_is_ready_when_a_write_succeeds,
    #[tokio::test] every_request_is_answered_when_the_log_output_fails,
}

async fn health_is_ready_when_a_write_succeeds() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/healthz").await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")), "{body}");
}

/// A free port on loopback for a process to listen on.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port()
}

/// The service, its stderr going to `log`.
fn service(database_url: &str, data: &Path, log: std::fs::File, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_atelier"))
        .env("DATABASE_URL", database_url)
        .env("LISTEN_ADDR", format!("127.0.0.1:{port}"))
        .env("MAIL_DIR", data.join("mail"))
        .env("MAIL_POLL_MS", "50")
        .env("MAIL_RETRY_BASE_MS", "100")
        // One address signs hundreds of people up here.
        .env("SIGNUP_RATE_PER_MINUTE", "0")
        .env("ATELIER_SECRET_KEY", "k".repeat(40))
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(log)
        .kill_on_drop(true)
        .spawn()
        .expect("atelier starts")
}

/// Waits until the service answers; an admin token and an event through the
/// real command line and API.
async fn ready(client: &reqwest::Client, base: &str, database_url: &str, capacity: i64) -> String {
    for _ in 0..600 {
        if client.get(format!("{base}/healthz")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let run = |args: &[&str]| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_atelier"));
        command.args(args).env("DATABASE_URL", database_url).env("ATELIER_SECRET_KEY", "k".repeat(40));
        command.env("ATELIER_PASSWORD", common::PASSWORD).env("RUST_LOG", "off").output().expect("atelier runs")
    };
    assert!(run(&["organizer", "add", "admin@example.org", "--admin"]).status.success());
    let token = run(&["token", "create", "--organizer", "admin@example.org"]);
    let token = String::from_utf8(token.stdout).expect("utf-8").trim().to_owned();
    let body = json!({
        "kind": "round_table", "title": "Les forces vives du Grand Ouest sur la bioproduction", "slug": "forces-vives",
        "starts_at": "2099-06-15T14:00:00+02:00", "ends_at": "2099-06-15T16:30:00+02:00",
        "location": "Oniris", "host": "Atlanpole Biotherapies", "capacity": capacity, "status": "published"
    });
    let created = client.post(format!("{base}/api/v1/events")).bearer_auth(&token).json(&body).send().await;
    assert_eq!(created.expect("sent").status(), 201);
    token
}

/// Sends the sign-ups of people `range`, 32 at a time; each answer's status
/// and body, or `None` for a request that got no answer at all.
async fn sign_ups(client: &reqwest::Client, base: &str, range: std::ops::Range<usize>) -> Vec<Option<(u16, Value)>> {
    let mut answers = Vec::new();
    let people: Vec<usize> = range.collect();
    for chunk in people.chunks(32) {
        let sent = chunk.iter().map(|&n| async move {
            let url = format!("{base}/api/v1/events/forces-vives/registrations");
            let response = client.post(url).json(&person(n)).send().await.ok()?;
            let status = response.status().as_u16();
            Some((status, response.json().await.unwrap_or(Value::Null)))
        });
        answers.extend(join_all(sent).await);
    }
    answers
}

async fn every_request_is_answered_when_the_log_output_fails() {
    let dir = tempfile::tempdir().expect("folder");
    let database_url = fresh_database(&dir).await;
    let port = free_port();
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("Linux has /dev/full");
    let _service = service(&database_url, dir.path(), full, port);
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    ready(&client, &base, &database_url, 1000).await;
    let answers = sign_ups(&client, &base, 0..300).await;
    assert!(answers.iter().all(|answer| matches!(answer, Some((201, _)))), "every sign-up answered 201");
    for (path, expected) in [("/", 200), ("/events/forces-vives", 200), ("/nowhere", 404)] {
        let response = client.get(format!("{base}{path}")).send().await.expect("answered");
        assert_eq!(response.status(), expected, "{path}");
    }
}

/// A tmpfs mounted for one test, unmounted when dropped.
struct Disk(PathBuf);

impl Disk {
    fn mount(at: &Path, size: &str) -> Self {
        std::fs::create_dir_all(at).expect("mount point");
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .status()
            .expect("mount runs");
        assert!(mounted.success(), "mounting a tmpfs needs root (see this file's comment)");
        Self(at.to_owned())
    }

    /// Writes a file until the disk is full; returns it.
    fn fill(&self) -> PathBuf {
        use std::io::Write;
        let path = self.0.join("filler");
        let mut file = std::fs::File::create(&path).expect("filler");
        let block = vec![0u8; 64 * 1024];
        while file.write_all(&block).is_ok() {}
        // The last bytes that fit.
        while file.write_all(&block[..512]).is_ok() {}
        let _ = file.sync_all();
        path
    }
}

impl Drop for Disk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Polls `/healthz` until it answers `status` (10 s at most); its body.
async fn health_becomes(client: &reqwest::Client, base: &str, status: u16) -> Value {
    let mut last = Value::Null;
    for _ in 0..200 {
        let response = client.get(format!("{base}/healthz")).send().await.expect("answered");
        let answered = response.status().as_u16();
        last = response.json().await.unwrap_or(Value::Null);
        if answered == status {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("/healthz never answered {status}; last: {last}");
}

/// The ids of the registrations committed in the SQLite file.
async fn committed(database_url: &str) -> Vec<String> {
    sqlx::any::install_default_drivers();
    let db = sqlx::AnyPool::connect(database_url).await.expect("database opens");
    let ids: Vec<String> =
        sqlx::query_scalar("SELECT lower(hex(id)) FROM registrations").fetch_all(&db).await.expect("ids");
    db.close().await;
    ids
}

fn ids_answered(answers: &[Option<(u16, Value)>]) -> Vec<String> {
    answers
        .iter()
        .flatten()
        .filter(|(status, _)| *status == 201)
        .map(|(_, body)| body["id"].as_str().expect("id").replace('-', ""))
        .collect()
}

#[tokio::test]
async fn sqlite_a_full_disk_is_answered_503_loses_nothing_and_writes_come_back() {
    let dir = tempfile::tempdir().expect("folder");
    let disk = Disk::mount(&dir.path().join("disk"), "6m");
    let database_url = format!("sqlite://{}", disk.0.join("atelier.db").display());
    let port = free_port();
    let log = std::fs::File::create(disk.0.join("atelier.log")).expect("log file");
    let mut service = service(&database_url, &disk.0, log, port);
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    ready(&client, &base, &database_url, 5000).await;
    let mut answers = sign_ups(&client, &base, 0..20).await;

    let filler = disk.fill();
    let during = sign_ups(&client, &base, 20..320).await;
    assert!(during.iter().all(Option::is_some), "every request got an answer");
    assert!(during.iter().flatten().all(|(status, _)| matches!(status, 201 | 503)), "201 or 503, nothing else");
    let refused = during.iter().flatten().filter(|(status, _)| *status == 503).count();
    assert!(refused > 0, "the full disk refused sign-ups");
    let refusal = during.iter().flatten().find(|(status, _)| *status == 503).map(|(_, body)| body.clone());
    assert_eq!(refusal.expect("a refusal")["error"]["code"], "unavailable", "in the API's error format");
    let health = health_becomes(&client, &base, 503).await;
    assert!(health["reason"].as_str().is_some_and(|r| r.contains("full") || r.contains("written")), "{health}");
    answers.extend(during);

    std::fs::remove_file(filler).expect("space freed");
    health_becomes(&client, &base, 200).await;
    let after = sign_ups(&client, &base, 320..340).await;
    assert!(after.iter().all(|answer| matches!(answer, Some((201, _)))), "writes came back by themselves");
    answers.extend(after);

    assert!(service.try_wait().expect("status").is_none(), "the service kept running");
    // Every sign-up's message is written before the kill (10 s at most) (a kill -9
    // mid-write leaves a partial file that is never renamed, which is not
    // what this checks: that writes the full disk refused left nothing).
    let files = |ending: &str| {
        std::fs::read_dir(disk.0.join("mail"))
            .expect("mail folder")
            .filter_map(Result::ok)
            .filter(|entry| entry.file_name().to_string_lossy().ends_with(ending))
            .count()
    };
    let acknowledged = ids_answered(&answers).len();
    for _ in 0..200 {
        if files(".eml") >= acknowledged {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let _ = service.kill().await;
    let mut answered = ids_answered(&answers);
    let mut stored = committed(&database_url).await;
    answered.sort();
    stored.sort();
    assert_eq!(stored, answered, "every 201 is a committed registration, and nothing else was written");
    assert_eq!(files(".partial"), 0, "no half-written message is left");
}

/// PostgreSQL turned read-only (a standby after a failover): sign-ups and
/// `/healthz` answer 503 with the reason, and come back by themselves.
#[tokio::test]
#[cfg_attr(not(postgres_tests), ignore = "runs when TEST_DATABASE_URL names a PostgreSQL server")]
async fn postgres_a_read_only_database_is_answered_503_and_writes_come_back() {
    common::BACKEND.scope(common::Backend::Postgres, read_only_postgres()).await
}

async fn read_only_postgres() {
    use sqlx::Connection;
    let app = spawn_app().await;
    app.create_event(common::masterclass("lecture-seule", 100)).await;
    assert_eq!(app.sign_up("lecture-seule", person(1)).await.0, 201);
    let name = app.config.database_url.rsplit('/').next().expect("database name").to_owned();
    let server = std::env::var("TEST_DATABASE_URL").expect("TEST_DATABASE_URL");
    let mut admin = sqlx::PgConnection::connect(&server).await.expect("connects");
    let switch = |setting: &'static str| format!("ALTER DATABASE {name} {setting}");
    // Existing sessions keep their settings: end them, as a failover does.
    let reconnect = format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    );
    sqlx::query(&switch("SET default_transaction_read_only = on")).execute(&mut admin).await.expect("read-only");
    sqlx::query(&reconnect).execute(&mut admin).await.expect("sessions ended");

    let health = health_becomes(&app.client, &app.base, 503).await;
    assert!(health["reason"].as_str().is_some_and(|r| r.contains("read-only")), "{health}");
    let (status, body) = app.sign_up("lecture-seule", person(2)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (503, Some("unavailable")), "{body}");

    sqlx::query(&switch("RESET default_transaction_read_only")).execute(&mut admin).await.expect("writable");
    sqlx::query(&reconnect).execute(&mut admin).await.expect("sessions ended");
    health_becomes(&app.client, &app.base, 200).await;
    assert_eq!(app.sign_up("lecture-seule", person(2)).await.0, 201, "writes came back by themselves");
    let (_, list) = app.get_json("/api/v1/events/lecture-seule").await;
    assert_eq!(list["seats_left"], 98, "exactly the two sign-ups answered 201");
}
