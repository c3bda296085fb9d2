//! Shared test harness: the real application on a random port, with a fresh
//! SQLite file in a temporary folder.
#![allow(dead_code)]

pub mod smtp;

use std::sync::Arc;

use atelier::app::Application;
use atelier::config::Config;
use atelier::domain::{Event, EventKind, EventStatus, Level, NewEvent};
use atelier::store::Store;
use chrono::{Duration, Utc};
use serde_json::{Value, json};

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub store: Arc<dyn Store>,
    pub database_path: std::path::PathBuf,
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
    let dir = Arc::new(tempfile::tempdir().expect("temporary folder"));
    let database_path = dir.path().join("atelier.db");
    let mut config = Config::for_database(format!("sqlite://{}", database_path.display()));
    config.mail_dir = dir.path().join("mail");
    // Quick retries so that recovery tests take seconds, not minutes.
    config.mail_retry_base_ms = 100;
    config.mail_poll_ms = 50;
    config.mail_max_attempts = 100;
    adjust(&mut config);
    start(config, dir).await
}

async fn start(config: Config, dir: Arc<tempfile::TempDir>) -> TestApp {
    let app = Application::build(&config).await.expect("application builds");
    // Requests go to the listener, whatever PUBLIC_URL says.
    let base = format!("http://127.0.0.1:{}", app.port());
    let store = app.store();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client");
    let database_path = dir.path().join("atelier.db");
    let mail_dir = config.mail_dir.clone();
    TestApp { base, client, store, database_path, mail_dir, config, stop: Some(stop), server: Some(server), dir }
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
        start(config, self.dir.clone()).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn create_event(&self, event: NewEvent) -> Event {
        self.store.create_event(event, None, Utc::now()).await.expect("event created")
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

    /// A second, independent connection to the database file, to check what
    /// is committed.
    pub async fn open_database(&self) -> sqlx::SqlitePool {
        sqlx::SqlitePool::connect(&format!("sqlite://{}", self.database_path.display())).await.expect("database opens")
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
    }
}

/// The outbox rows as (kind, recipient, status), oldest first.
pub async fn outbox(db: &sqlx::SqlitePool) -> Vec<(String, String, String)> {
    sqlx::query_as("SELECT kind, recipient, status FROM outbox ORDER BY created_at, id")
        .fetch_all(db)
        .await
        .expect("outbox rows")
}

/// Runs the real `atelier` binary against the app's database.
/// Async, so that the app (on the same runtime) keeps running meanwhile.
pub async fn atelier(app: &TestApp, args: &[&str], password: Option<&str>) -> std::process::Output {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_atelier"));
    command.args(args).env("DATABASE_URL", format!("sqlite://{}", app.database_path.display())).env("RUST_LOG", "warn");
    match password {
        Some(password) => command.env("ATELIER_PASSWORD", password),
        None => command.env_remove("ATELIER_PASSWORD"),
    };
    command.output().await.expect("atelier runs")
}

pub async fn organizer_token(app: &TestApp, email: &str) -> String {
    let added =
        atelier(app, &["organizer", "add", email, "--name", "Équipe Atlanpole"], Some("un mot de passe solide")).await;
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    let token = atelier(app, &["token", "create", "--organizer", email, "--label", "tests"], None).await;
    assert!(token.status.success(), "{}", String::from_utf8_lossy(&token.stderr));
    String::from_utf8(token.stdout).expect("utf-8").trim().to_owned()
}

/// The outbox once no message is pending any more (or after ten seconds):
/// a message is marked sent just after the server accepted it.
pub async fn settled_outbox(db: &sqlx::SqlitePool) -> Vec<(String, String, String)> {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let rows = outbox(db).await;
        if rows.iter().all(|(_, _, status)| status != "pending") || tokio::time::Instant::now() > deadline {
            return rows;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
