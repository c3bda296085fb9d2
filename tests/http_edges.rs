//! Requests refused before any handler runs, and what caches may keep
//! (issue 16): every refusal is in the usual format, an oversized body is
//! refused at once, and personal answers are never stored.

mod common;

use std::time::Duration;

use common::{TestApp, masterclass, organizer_token, person, signed_in, spawn_app};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

on_both_backends! {
    #[tokio::test] refused_paths_are_answered_in_json_under_the_api_and_with_a_page_elsewhere,
    #[tokio::test] a_body_declared_too_large_is_refused_at_once,
    #[tokio::test] personal_and_back_office_answers_are_never_stored_by_caches,
}

async fn refused_paths_are_answered_in_json_under_the_api_and_with_a_page_elsewhere() {
    let app = spawn_app().await;
    app.create_event(masterclass("chemins", 10)).await;
    for (method, path) in [
        (reqwest::Method::GET, "/api/v1/events/%ff"),
        (reqwest::Method::POST, "/api/v1/events/%ff/registrations"),
        (reqwest::Method::GET, "/api/v1/registrations/%ff/data"),
        // A query string of the wrong shape.
        (reqwest::Method::GET, "/api/v1/events?kind=masterclass&kind=round_table"),
    ] {
        let response = app.client.request(method, app.url(path)).json(&person(1)).send().await.expect("sent");
        assert_eq!(response.status(), 400, "{path}");
        assert_eq!(response.headers()["content-type"], "application/json", "{path}");
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["error"]["code"], "bad_request", "{path}: {body}");
        assert!(body["error"]["message"].as_str().expect("message").starts_with("The request is invalid."));
    }
    for (path, lang, sentence) in [
        ("/events/%ff", "fr", "La requête est invalide."),
        ("/r/%ff", "fr", "La requête est invalide."),
        ("/r/%ff/details", "en", "The request is invalid."),
    ] {
        let response = app.client.get(app.url(path)).header("accept-language", lang).send().await.expect("sent");
        assert_eq!(response.status(), 400, "{path}");
        assert!(response.headers()["content-type"].to_str().expect("type").starts_with("text/html"), "{path}");
        let page = response.text().await.expect("page");
        assert!(page.contains(sentence) && page.contains(r#"href="/""#), "{path}: {page}");
        assert!(!page.contains("UTF-8"), "no parser message on a page");
    }
    // A body of the wrong type, to the API and to a page's form.
    let response = app.client.post(app.url("/api/v1/events/chemins/registrations")).body("name=Léa").send().await;
    let response = response.expect("sent");
    assert_eq!(response.status(), 415);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"]["code"], "unsupported_media_type");
    let response = app.client.post(app.url("/events/chemins")).json(&person(1)).send().await.expect("sent");
    assert_eq!(response.status(), 415);
    assert!(response.headers()["content-type"].to_str().expect("type").starts_with("text/html"));
}

/// Sends `head` (a request without its body) on a connection of its own and
/// returns the answer's head and body, as they came.
async fn raw(app: &TestApp, head: &str) -> (String, String) {
    let address = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.expect("connected");
    stream.write_all(head.as_bytes()).await.expect("sent");
    stream.write_all(b"{\"name\":").await.expect("sent");
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let read = stream.read(&mut buffer).await.expect("read");
        answer.extend_from_slice(&buffer[..read]);
        let text = String::from_utf8_lossy(&answer).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned()))
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0);
            if read == 0 || body.len() >= length {
                return (head.to_owned(), body.to_owned());
            }
        }
        assert!(read > 0, "the connection closed before an answer: {text}");
    }
}

async fn a_body_declared_too_large_is_refused_at_once() {
    let app = spawn_app().await;
    app.create_event(masterclass("volume", 10)).await;
    let api = "POST /api/v1/events/volume/registrations HTTP/1.1\r\nHost: localhost\r\n\
               Content-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n";
    let (head, body) = tokio::time::timeout(Duration::from_secs(5), raw(&app, api)).await.expect("answered at once");
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    assert!(head.to_ascii_lowercase().contains("content-type: application/json"), "{head}");
    let body: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(body["error"]["code"], "payload_too_large");

    let page = "POST /events/volume HTTP/1.1\r\nHost: localhost\r\nAccept-Language: fr\r\n\
                Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 10000000000\r\n\r\n";
    let (head, body) = tokio::time::timeout(Duration::from_secs(5), raw(&app, page)).await.expect("answered at once");
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    assert!(body.contains("La requête est trop volumineuse."), "{body}");

    // A body within the limit still goes through.
    let (status, _) = app.sign_up("volume", person(1)).await;
    assert_eq!(status, 201);
}

fn cache_control(response: &reqwest::Response) -> String {
    response.headers().get("cache-control").map(|v| v.to_str().expect("ascii").to_owned()).unwrap_or_default()
}

async fn personal_and_back_office_answers_are_never_stored_by_caches() {
    let app = spawn_app().await;
    let token = organizer_token(&app, "orga@example.org").await;
    let body = json!({
        "kind": "masterclass", "slug": "cache", "title": "Masterclass Naobios",
        "starts_at": "2099-06-15T09:00:00+02:00", "ends_at": "2099-06-15T17:00:00+02:00",
        "registration_opens_at": "2000-01-01T00:00:00Z",
        "location": "Naobios", "host": "Naobios", "capacity": 10, "status": "published"
    });
    let response = app.client.post(app.url("/api/v1/events")).bearer_auth(&token).json(&body).send().await;
    let response = response.expect("sent");
    assert_eq!(cache_control(&response), "no-store", "an organizer's answer");
    let event: Value = response.json().await.expect("json");
    let id = event["id"].as_str().expect("id");

    let response = app.client.post(app.url("/api/v1/events/cache/registrations")).json(&person(1)).send().await;
    let response = response.expect("sent");
    assert_eq!(cache_control(&response), "no-store", "a sign-up's answer carries the person's link");
    let created: Value = response.json().await.expect("json");
    let link = created["cancel_url"].as_str().expect("url").rsplit('/').next().expect("token").to_owned();

    let organizer = signed_in(&app, "orga@example.org").await;
    let back_office = [
        "/admin".to_owned(),
        format!("/admin/events/{id}"),
        format!("/admin/events/{id}/edit"),
        format!("/admin/events/{id}/check-in"),
        format!("/admin/events/{id}/attendees.csv"),
        format!("/admin/events/{id}/attendees.xlsx"),
        format!("/admin/events/{id}/attendance-sheet.pdf"),
        "/admin/settings".to_owned(),
    ];
    for path in &back_office {
        let response = organizer.get(app.url(path)).send().await.expect("sent");
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(cache_control(&response), "no-store", "{path}");
    }
    let api = [
        format!("/api/v1/events/{id}/registrations"),
        format!("/api/v1/events/{id}/attendees.csv"),
        format!("/api/v1/events/{id}/attendees.xlsx"),
        format!("/api/v1/events/{id}/attendance-sheet.pdf"),
        format!("/api/v1/events/{id}/attendance"),
    ];
    for path in &api {
        let response = app.client.get(app.url(path)).bearer_auth(&token).send().await.expect("sent");
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(cache_control(&response), "no-store", "{path}");
    }
    for path in [format!("/r/{link}"), format!("/r/{link}/details"), format!("/api/v1/registrations/{link}/data")] {
        let response = app.client.get(app.url(&path)).send().await.expect("sent");
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(cache_control(&response), "no-store", "{path}");
    }
    // Refused too: a page not found in the back office is no less private.
    let response = organizer.get(app.url("/admin/events/none")).send().await.expect("sent");
    assert_eq!((response.status().as_u16(), cache_control(&response).as_str()), (404, "no-store"));
    // Public pages are left to caches, and the stylesheet is cached an hour.
    for path in ["/", "/events/cache", "/api/v1/events", "/api/v1/events/cache"] {
        let response = app.client.get(app.url(path)).send().await.expect("sent");
        assert_eq!((response.status().as_u16(), cache_control(&response).as_str()), (200, ""), "{path}");
    }
    let response = app.client.get(app.url("/static/style.css")).send().await.expect("sent");
    assert_eq!(cache_control(&response), "public, max-age=3600");
}
