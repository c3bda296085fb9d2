//! Organizer accounts from the command line, and creating events through
//! the API with a bearer token.

mod common;

use std::process::Command;

use common::spawn_app;
use serde_json::json;

/// Runs the real `atelier` binary against the app's database.
fn atelier(app: &common::TestApp, args: &[&str], password: Option<&str>) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_atelier"));
    command.args(args).env("DATABASE_URL", format!("sqlite://{}", app.database_path.display())).env("RUST_LOG", "warn");
    match password {
        Some(password) => command.env("ATELIER_PASSWORD", password),
        None => command.env_remove("ATELIER_PASSWORD"),
    };
    command.output().expect("atelier runs")
}

async fn organizer_token(app: &common::TestApp, email: &str) -> String {
    let added =
        atelier(app, &["organizer", "add", email, "--name", "Équipe Atlanpole"], Some("un mot de passe solide"));
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    let token = atelier(app, &["token", "create", "--organizer", email, "--label", "tests"], None);
    assert!(token.status.success(), "{}", String::from_utf8_lossy(&token.stderr));
    String::from_utf8(token.stdout).expect("utf-8").trim().to_owned()
}

fn event_body() -> serde_json::Value {
    json!({
        "kind": "masterclass",
        "title": "Masterclass EFS : thérapie cellulaire",
        "description": "Une journée à l'Unité de Thérapie Cellulaire et Génique.",
        "starts_at": "2099-06-15T09:00:00+02:00",
        "ends_at": "2099-06-15T17:00:00+02:00",
        "location": "Établissement français du sang",
        "address": "Nantes",
        "host": "EFS",
        "levels": ["bts_but", "master"],
        "capacity": 12,
        "status": "published"
    })
}

#[tokio::test]
async fn an_organizer_creates_an_event_with_a_token() {
    let app = spawn_app().await;
    let token = organizer_token(&app, "Organisation@Atlanpole.example").await;

    let response =
        app.client.post(app.url("/api/v1/events")).bearer_auth(&token).json(&event_body()).send().await.expect("sent");
    assert_eq!(response.status(), 201);
    let created: serde_json::Value = response.json().await.expect("json");
    assert_eq!(created["slug"], "masterclass-efs-therapie-cellulaire");
    assert_eq!(created["starts_at"], "2099-06-15T07:00:00Z");
    assert_eq!(created["levels"], json!(["bts_but", "master"]));
    assert_eq!(created["seats_left"], 12);
    assert_eq!(created["registration_closes_at"], created["starts_at"]);

    let (_, listed) = app.get_json("/api/v1/events").await;
    assert_eq!(listed[0]["id"], created["id"], "published events are public at once");
    let (status, _) = app.sign_up("masterclass-efs-therapie-cellulaire", common::person(1)).await;
    assert_eq!(status, 201);

    // The same title again gets a distinct slug; a chosen slug that is taken is refused.
    let again = app.client.post(app.url("/api/v1/events")).bearer_auth(&token).json(&event_body()).send().await;
    let again: serde_json::Value = again.expect("sent").json().await.expect("json");
    assert!(again["slug"].as_str().expect("slug").starts_with("masterclass-efs-therapie-cellulaire-"));
    let mut chosen = event_body();
    chosen["slug"] = json!("masterclass-efs-therapie-cellulaire");
    let response = app.client.post(app.url("/api/v1/events")).bearer_auth(&token).json(&chosen).send().await;
    let response = response.expect("sent");
    assert_eq!(response.status(), 422);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["error"]["fields"]["slug"]["code"], "taken");
}

#[tokio::test]
async fn drafts_stay_private() {
    let app = spawn_app().await;
    let token = organizer_token(&app, "draft@example.org").await;
    let mut body = event_body();
    body.as_object_mut().expect("object").remove("status");
    let response = app.client.post(app.url("/api/v1/events")).bearer_auth(&token).json(&body).send().await;
    let created: serde_json::Value = response.expect("sent").json().await.expect("json");
    assert_eq!(created["status"], "draft");
    let (status, _) = app.get_json(&format!("/api/v1/events/{}", created["id"].as_str().expect("id"))).await;
    assert_eq!(status, 404);
    let (_, listed) = app.get_json("/api/v1/events").await;
    assert_eq!(listed, json!([]));
}

#[tokio::test]
async fn invalid_events_get_field_errors() {
    let app = spawn_app().await;
    let token = organizer_token(&app, "checks@example.org").await;
    let mut body = event_body();
    body["ends_at"] = json!("2099-06-15T08:00:00+02:00");
    body["capacity"] = json!(0);
    body["registration_opens_at"] = json!("2099-06-01T00:00:00Z");
    body["registration_closes_at"] = json!("2099-05-01T00:00:00Z");
    body["starts_at"] = json!("2099-06-15T09:00:00+02:00");
    body["kind"] = json!("concert");
    body["levels"] = json!(["postdoc"]);
    let response = app.client.post(app.url("/api/v1/events")).bearer_auth(&token).json(&body).send().await;
    let response = response.expect("sent");
    assert_eq!(response.status(), 422);
    let body: serde_json::Value = response.json().await.expect("json");
    let fields = &body["error"]["fields"];
    assert_eq!(fields["ends_at"]["code"], "end_before_start");
    assert_eq!(fields["capacity"]["code"], "too_small");
    assert_eq!(fields["registration_closes_at"]["code"], "close_before_open");
    assert_eq!(fields["kind"]["code"], "unknown_choice");
    assert_eq!(fields["levels"]["code"], "unknown_level");

    let response =
        app.client.post(app.url("/api/v1/events")).bearer_auth(&token).json(&json!({})).send().await.expect("sent");
    let body: serde_json::Value = response.json().await.expect("json");
    for field in ["kind", "title", "starts_at", "ends_at", "location", "host", "capacity"] {
        assert_eq!(body["error"]["fields"][field]["code"], "required", "{field}");
    }
}

#[tokio::test]
async fn the_organizer_api_refuses_callers_without_a_valid_token() {
    let app = spawn_app().await;
    organizer_token(&app, "someone@example.org").await;
    let attempts = [None, Some("not-a-token"), Some("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")];
    for token in attempts {
        let mut request = app.client.post(app.url("/api/v1/events")).json(&event_body());
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("sent");
        assert_eq!(response.status(), 401, "{token:?}");
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["error"]["code"], "unauthorized");
    }
    assert_eq!(app.store.count_events().await.expect("count"), 0);
}

#[tokio::test]
async fn the_command_line_refuses_weak_passwords_and_duplicates() {
    let app = spawn_app().await;
    let weak = atelier(&app, &["organizer", "add", "weak@example.org"], Some("short"));
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("at least 12 characters"));

    organizer_token(&app, "twice@example.org").await;
    let twice = atelier(&app, &["organizer", "add", "TWICE@example.org"], Some("un mot de passe solide"));
    assert!(!twice.status.success());
    assert!(String::from_utf8_lossy(&twice.stderr).contains("already exists"));

    let unknown = atelier(&app, &["token", "create", "--organizer", "nobody@example.org"], None);
    assert!(!unknown.status.success());
}
