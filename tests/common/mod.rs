//! Shared test harness: the real application on a random port, with a fresh
//! SQLite file in a temporary folder.
#![allow(dead_code)]

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
    _dir: tempfile::TempDir,
}

pub async fn spawn_app() -> TestApp {
    spawn_with(|_| {}).await
}

/// Starts the app with settings adjusted by `adjust`.
pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().expect("temporary folder");
    let database_path = dir.path().join("atelier.db");
    let mut config = Config::for_database(format!("sqlite://{}", database_path.display()));
    adjust(&mut config);
    let app = Application::build(&config).await.expect("application builds");
    let base = app.public_url().to_owned();
    let store = app.store();
    tokio::spawn(app.run_until(std::future::pending()));
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client");
    TestApp { base, client, store, database_path, _dir: dir }
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
    }
}

pub fn with_status(event: NewEvent, status: EventStatus) -> NewEvent {
    NewEvent { status, ..event }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn create_event(&self, event: NewEvent) -> Event {
        self.store.create_event(event, Utc::now()).await.expect("event created")
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
