//! Shared test harness: the real application on a random port, on a fresh
//! database: a SQLite file in a temporary folder, or a new PostgreSQL
//! database when the test runs on PostgreSQL (see `on_both_backends!`).
#![allow(dead_code)]

pub mod instances;
pub mod pg_cluster;
pub mod receiver;
pub mod smtp;

use std::sync::Arc;

use atelier::app::Application;
use atelier::clock::Clock;
use atelier::config::Config;
use atelier::domain::{Event, EventKind, EventStatus, Level, NewEvent, Session};
use atelier::operations::{Actor, events};
use atelier::state::AppState;
use atelier::store::Store;
use chrono::{Duration, Utc};
use serde_json::{Value, json};

/// How long a test waits for what the app does in the background (mail).
pub const WAIT: std::time::Duration = std::time::Duration::from_secs(15);

/// The database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

tokio::task_local! {
    /// Set by `on_both_backends!` for the test running on this task.
    pub static BACKEND: Backend;
}

/// The backend of the running test (SQLite outside `on_both_backends!`).
pub fn backend() -> Backend {
    BACKEND.try_with(|backend| *backend).unwrap_or(Backend::Sqlite)
}

/// Makes each listed `async fn` a test on each backend, `name::sqlite` and
/// `name::postgres`, with the test attribute given before its name. The
/// PostgreSQL one runs when TEST_DATABASE_URL was set at build time (see
/// build.rs) and is reported as ignored otherwise, never as passed.
#[macro_export]
macro_rules! on_both_backends {
    ($(#[$test:meta] $name:ident),* $(,)?) => {$(
        mod $name {
            #[$test]
            async fn sqlite() {
                $crate::common::BACKEND.scope($crate::common::Backend::Sqlite, super::$name()).await
            }

            #[$test]
            #[cfg_attr(not(postgres_tests), ignore = "runs when TEST_DATABASE_URL names a PostgreSQL server")]
            async fn postgres() {
                $crate::common::BACKEND.scope($crate::common::Backend::Postgres, super::$name()).await
            }
        }
    )*};
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    /// What the app's handlers reach: tests call operations with it.
    pub state: AppState,
    /// The app's store, for tests of the store itself.
    pub store: Arc<dyn Store>,
    pub backend: Backend,
    /// The SQLite file; `None` on PostgreSQL.
    pub database_path: Option<std::path::PathBuf>,
    pub mail_dir: std::path::PathBuf,
    pub config: Config,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    dir: Arc<tempfile::TempDir>,
}

pub async fn spawn_app() -> TestApp {
    spawn_with(|_| {}).await
}

/// Starts the app with settings adjusted by `adjust`.
pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    spawn_with_clock(Clock::system(), adjust).await
}

/// Starts the app reading the time from `clock`, which the test moves.
pub async fn spawn_at(clock: Clock) -> TestApp {
    spawn_with_clock(clock, |_| {}).await
}

/// Starts the app reading the time from `clock`, with settings adjusted.
pub async fn spawn_with_clock(clock: Clock, adjust: impl FnOnce(&mut Config)) -> TestApp {
    let dir = Arc::new(tempfile::tempdir().expect("temporary folder"));
    let mut config = Config::for_database(fresh_database(&dir).await);
    config.mail_dir = dir.path().join("mail");
    // Quick retries so that recovery tests take seconds, not minutes.
    config.mail_retry_base_ms = 100;
    config.mail_poll_ms = 50;
    config.mail_max_attempts = 100;
    adjust(&mut config);
    start(config, dir, clock).await
}

/// The URL of an empty database for the running test's backend.
pub async fn fresh_database(dir: &tempfile::TempDir) -> String {
    match backend() {
        Backend::Sqlite => format!("sqlite://{}", dir.path().join("atelier.db").display()),
        Backend::Postgres => fresh_postgres_database().await,
    }
}

/// Creates a new database on the server TEST_DATABASE_URL names (its role
/// needs CREATEDB) and returns its URL. Databases are named atelier_test_*
/// and left behind: the CI cluster is thrown away after the run.
pub async fn fresh_postgres_database() -> String {
    use sqlx::Connection;
    let server = std::env::var("TEST_DATABASE_URL").expect("TEST_DATABASE_URL names a PostgreSQL database");
    let mut admin = sqlx::PgConnection::connect(&server).await.expect("TEST_DATABASE_URL accepts connections");
    let name = format!("atelier_test_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("test database created");
    let (base, query) = server.split_once('?').map_or((server.as_str(), None), |(b, q)| (b, Some(q)));
    let base = base.rsplit_once('/').map_or(base, |(root, _)| root);
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

async fn start(config: Config, dir: Arc<tempfile::TempDir>, clock: Clock) -> TestApp {
    let app = Application::build_with_clock(&config, clock).await.expect("application builds");
    // Requests go to the listener, whatever PUBLIC_URL says.
    let base = format!("http://127.0.0.1:{}", app.port());
    let state = app.state();
    let store = state.store.clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client");
    let backend = if config.database_url.starts_with("sqlite:") { Backend::Sqlite } else { Backend::Postgres };
    let database_path = (backend == Backend::Sqlite).then(|| dir.path().join("atelier.db"));
    let mail_dir = config.mail_dir.clone();
    TestApp {
        base,
        client,
        state,
        store,
        backend,
        database_path,
        mail_dir,
        config,
        stop: Some(stop),
        server: Some(server),
        dir,
    }
}

/// A published masterclass open to every level, starting in ten days,
/// registration open since yesterday.
pub fn masterclass(slug: &str, capacity: i64) -> NewEvent {
    let now = Utc::now();
    NewEvent {
        slug: slug.into(),
        kind: EventKind::Masterclass,
        title: format!("Masterclass {slug}"),
        description: "Une journée sur un site de bioproduction.".into(),
        starts_at: now + Duration::days(10),
        ends_at: now + Duration::days(10) + Duration::hours(7),
        sessions: vec![Session {
            starts_at: now + Duration::days(10),
            ends_at: now + Duration::days(10) + Duration::hours(7),
        }],
        location: "Naobios".into(),
        address: Some("Saint-Herblain".into()),
        host: "Naobios".into(),
        levels: Level::ALL.to_vec(),
        capacity,
        language: "fr".into(),
        status: EventStatus::Published,
        registration_opens_at: now - Duration::days(1),
        registration_closes_at: now + Duration::days(9),
        what_to_bring: None,
        questions: None,
        settings: Default::default(),
    }
}

pub fn with_status(event: NewEvent, status: EventStatus) -> NewEvent {
    NewEvent { status, ..event }
}

impl TestApp {
    /// Shuts the app down gracefully, as SIGTERM does.
    pub async fn shut_down(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("server task").expect("clean shutdown");
        }
    }

    /// Shuts down and starts again on the same database and settings.
    pub async fn restart(mut self, adjust: impl FnOnce(&mut Config)) -> TestApp {
        self.shut_down().await;
        let mut config = self.config.clone();
        config.listen_addr = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        adjust(&mut config);
        start(config, self.dir.clone(), self.state.clock.clone()).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Creates an event as the command line does.
    pub async fn create_event(&self, event: NewEvent) -> Event {
        events::create(&self.state, &Actor::CommandLine, event, true).await.expect("event created")
    }

    /// POSTs a sign-up to the API; returns status and JSON body.
    pub async fn sign_up(&self, event: &str, body: Value) -> (u16, Value) {
        let response = self
            .client
            .post(self.url(&format!("/api/v1/events/{event}/registrations")))
            .json(&body)
            .send()
            .await
            .expect("request sent");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        let response = self.client.get(self.url(path)).send().await.expect("request sent");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn get_page(&self, path: &str) -> (u16, String) {
        let response = self.client.get(self.url(path)).send().await.expect("request sent");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// Cancels through the API with the token at the end of `cancel_url`.
    pub async fn cancel(&self, cancel_url: &str) -> (u16, Value) {
        let token = cancel_url.rsplit('/').next().expect("token in url");
        let response = self
            .client
            .post(self.url(&format!("/api/v1/registrations/{token}/cancel")))
            .send()
            .await
            .expect("request sent");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// A second, independent connection to the database, to check what is
    /// committed. Queries through it must read the same on both backends.
    pub async fn open_database(&self) -> sqlx::AnyPool {
        sqlx::any::install_default_drivers();
        sqlx::AnyPool::connect(&self.config.database_url).await.expect("database opens")
    }

    /// The ids of the outbox's messages (uuid is not a type `AnyPool` reads).
    pub async fn outbox_ids(&self) -> Vec<uuid::Uuid> {
        let as_hex = match self.backend {
            Backend::Sqlite => "SELECT lower(hex(id)) FROM outbox",
            Backend::Postgres => "SELECT replace(CAST(id AS TEXT), '-', '') FROM outbox",
        };
        let ids: Vec<String> = sqlx::query_scalar(as_hex).fetch_all(&self.open_database().await).await.expect("ids");
        ids.iter().map(|id| id.parse().expect("a uuid")).collect()
    }
}

pub fn person(n: usize) -> Value {
    json!({
        "name": format!("Étudiant·e {n}"),
        "email": format!("etudiant{n}@example.org"),
        "institution": "Nantes Université",
        "level": "master",
        "consent": true
    })
}

/// Person `n`'s sign-up for `event`, as the store takes it (for tests that
/// go straight to the store).
pub fn new_registration(event: uuid::Uuid, n: usize) -> atelier::domain::NewRegistration {
    use atelier::domain::{Email, Institution, Level, NewRegistration, PersonName};
    use atelier::token::{TokenKey, new_salt};
    let salt = new_salt();
    let id = uuid::Uuid::now_v7();
    NewRegistration {
        id,
        event_id: event,
        name: PersonName::parse(&format!("Participant {n:05}")).expect("name"),
        email: Email::parse(&format!("p{n}@example.org")).expect("email"),
        institution: Institution::parse("Université").expect("institution"),
        level: Level::Master,
        language: atelier::i18n::Lang::Fr,
        token_salt: salt,
        cancel_key: TokenKey::random().cancel_token(id, &salt).key(),
        answers: vec![],
        consent_version: Some(atelier::domain::NOTICE_VERSION.to_owned()),
    }
}

/// Checks that every sign-up answer is a 201 and returns how many were
/// confirmed and the waiting-list positions handed out, sorted.
pub fn seats_taken(answers: &[(u16, Value)]) -> (i64, Vec<i64>) {
    let mut confirmed = 0;
    let mut positions = Vec::new();
    for (status, body) in answers {
        assert_eq!(*status, 201, "every sign-up is answered, none with an error: {body}");
        match body["status"].as_str() {
            Some("confirmed") => confirmed += 1,
            Some("waitlisted") => positions.push(body["waitlist_position"].as_i64().expect("position")),
            other => panic!("unexpected status {other:?}"),
        }
    }
    positions.sort_unstable();
    (confirmed, positions)
}

/// The password of the organizers tests create.
pub const PASSWORD: &str = "un mot de passe solide";

/// A client of its own (own cookies), signed in through the form.
pub async fn signed_in(app: &TestApp, email: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page = client.get(app.url("/admin/login")).send().await.expect("sent").text().await.expect("page");
    let csrf = csrf_field(&page);
    let response = client
        .post(app.url("/admin/login"))
        .form(&[("csrf", csrf.as_str()), ("email", email), ("password", PASSWORD)])
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 303, "signed in");
    assert_eq!(response.headers()["location"], "/admin");
    let cookie = response.headers()["set-cookie"].to_str().expect("cookie").to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    client
}

pub async fn page(client: &reqwest::Client, url: String) -> (u16, String) {
    let response = client.get(url).send().await.expect("sent");
    (response.status().as_u16(), response.text().await.expect("page"))
}

/// Posts a back-office form from the page `from`, with the hidden fields a
/// browser sends: its CSRF token and, on the event form, the version of the
/// event it was opened at.
pub async fn post(
    client: &reqwest::Client,
    app: &TestApp,
    from: &str,
    to: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let (_, html) = page(client, app.url(from)).await;
    let csrf = csrf_field(&html);
    let version = html.split(r#"name="version" value=""#).nth(1).and_then(|s| s.split('"').next());
    let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    if let Some(version) = version.filter(|_| !fields.iter().any(|(name, _)| *name == "version")) {
        form.push(("version", version));
    }
    form.extend_from_slice(fields);
    client.post(app.url(to)).form(&form).send().await.expect("sent")
}

/// The value of the hidden CSRF field in a page's form.
pub fn csrf_field(page: &str) -> String {
    let start = page.find(r#"name="csrf" value=""#).expect("csrf field in the form") + r#"name="csrf" value=""#.len();
    page[start..].split('"').next().expect("value").to_owned()
}

/// A received message, parsed, with the parts tests look at.
pub struct Mail {
    pub to: String,
    pub from: String,
    pub subject: String,
    pub message_id: String,
    pub text: String,
    pub html: String,
    pub calendar: Option<String>,
    /// Empty when the message has no Reply-To.
    pub reply_to: String,
}

pub fn parse_mail(data: &[u8]) -> Mail {
    use mail_parser::MimeHeaders;
    let message = mail_parser::MessageParser::default().parse(data).expect("a parsable message");
    let address = |a: Option<&mail_parser::Address>| {
        a.and_then(|a| a.first()).and_then(|a| a.address()).unwrap_or_default().to_owned()
    };
    let calendar = message
        .attachments()
        .find(|part| part.content_type().is_some_and(|ct| ct.ctype() == "text" && ct.subtype() == Some("calendar")))
        .map(|part| String::from_utf8_lossy(part.contents()).into_owned());
    Mail {
        to: address(message.to()),
        from: address(message.from()),
        subject: message.subject().unwrap_or_default().to_owned(),
        message_id: message.message_id().unwrap_or_default().to_owned(),
        text: message.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
        html: message.body_html(0).map(|t| t.into_owned()).unwrap_or_default(),
        calendar,
        reply_to: address(message.reply_to()),
    }
}

/// The outbox rows as (kind, recipient, status), oldest first.
pub async fn outbox(db: &sqlx::AnyPool) -> Vec<(String, String, String)> {
    sqlx::query_as("SELECT kind, recipient, status FROM outbox ORDER BY created_at, id")
        .fetch_all(db)
        .await
        .expect("outbox rows")
}

/// Runs the real `atelier` binary against the app's database.
/// Async, so that the app (on the same runtime) keeps running meanwhile.
pub async fn atelier(app: &TestApp, args: &[&str], password: Option<&str>) -> std::process::Output {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_atelier"));
    command.args(args).env("DATABASE_URL", &app.config.database_url).env("RUST_LOG", "warn");
    // The app's secret, as every instance on one database shares it (and
    // no key file is written where the tests run).
    if let Some(secret) = &app.config.secret_key {
        command.env("ATELIER_SECRET_KEY", secret);
    }
    match password {
        Some(password) => command.env("ATELIER_PASSWORD", password),
        None => command.env_remove("ATELIER_PASSWORD"),
    };
    command.output().await.expect("atelier runs")
}

pub async fn organizer_token(app: &TestApp, email: &str) -> String {
    let added = atelier(app, &["organizer", "add", email, "--name", "Équipe Atlanpole"], Some(PASSWORD)).await;
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    let token = atelier(app, &["token", "create", "--organizer", email, "--label", "tests"], None).await;
    assert!(token.status.success(), "{}", String::from_utf8_lossy(&token.stderr));
    String::from_utf8(token.stdout).expect("utf-8").trim().to_owned()
}

/// The outbox once no message is pending any more (or after ten seconds):
/// a message is marked sent just after the server accepted it.
pub async fn settled_outbox(db: &sqlx::AnyPool) -> Vec<(String, String, String)> {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let rows = outbox(db).await;
        if rows.iter().all(|(_, _, status)| status != "pending") || tokio::time::Instant::now() > deadline {
            return rows;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

impl TestApp {
    /// Waits until the scheduler has done every job due at the app's clock
    /// (ten seconds at most): what timed work was to do is then in the
    /// database.
    pub async fn jobs_settled(&self) {
        let db = self.open_database().await;
        // Jobs due by now and not done, claimed or not.
        let due = match self.backend {
            Backend::Sqlite => "SELECT COUNT(*) FROM scheduled_jobs WHERE done_at IS NULL AND due_at <= $1",
            Backend::Postgres => {
                "SELECT COUNT(*) FROM scheduled_jobs WHERE done_at IS NULL AND due_at <= CAST($1 AS TIMESTAMPTZ)"
            }
        };
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            // As sqlx writes times to SQLite, so that the text compares.
            let now = self.state.clock.now().to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false);
            let pending: i64 = sqlx::query_scalar(due).bind(now).fetch_one(&db).await.expect("jobs");
            if pending == 0 || tokio::time::Instant::now() > deadline {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// The recipients of the outbox's messages of `kind`, sorted.
    pub async fn sent_to(&self, kind: &str) -> Vec<String> {
        let db = self.open_database().await;
        let mut to: Vec<String> = sqlx::query_scalar("SELECT recipient FROM outbox WHERE kind = $1")
            .bind(kind)
            .fetch_all(&db)
            .await
            .expect("outbox");
        to.sort();
        to
    }
}

/// Starts an app on a copy of the SQLite file `backup`, put where a
/// restore puts it: as the database of a folder of its own.
pub async fn restore_sqlite(backup: &std::path::Path) -> TestApp {
    let dir = Arc::new(tempfile::tempdir().expect("temporary folder"));
    let database = dir.path().join("atelier.db");
    std::fs::copy(backup, &database).expect("backup copied");
    let mut config = Config::for_database(format!("sqlite://{}", database.display()));
    config.mail_dir = dir.path().join("mail");
    start(config, dir, Clock::system()).await
}
