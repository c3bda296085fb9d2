//! Webhooks as an integrator sees them: endpoints registered through the
//! API and the back-office, deliveries received by a real HTTP server on
//! 127.0.0.1, signed, in order per registration, retried with the same
//! delivery id (with a clock the tests move), and each organizer's own.

mod common;

use atelier::clock::Clock;
use axum::http::StatusCode;
use chrono::Utc;
use common::receiver::{Received, Receiver};
use common::{TestApp, WAIT, organizer_token, person, post, signed_in, spawn_with, spawn_with_clock};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

on_both_backends! {
    #[tokio::test] each_change_is_delivered_signed_and_in_order,
    #[tokio::test] a_failed_delivery_is_retried_with_its_id_and_holds_back_what_follows,
    #[tokio::test] webhooks_belong_to_their_organizer,
    #[tokio::test] addresses_that_lead_inside_are_refused,
    #[tokio::test] the_back_office_registers_shows_and_deletes_webhooks,
}

/// The webhook settings the tests need: the receiver is plain HTTP on
/// 127.0.0.1.
fn open(config: &mut atelier::config::Config) {
    config.webhook_allow_http = true;
    config.webhook_allow_private = true;
}

fn event_body(capacity: i64) -> Value {
    json!({
        "kind": "masterclass",
        "title": "Masterclass Sanofi : bioproduction de vaccins",
        "description": "Une journée sur le site de Marcy-l'Étoile.",
        "starts_at": "2099-06-15T09:00:00+02:00",
        "ends_at": "2099-06-15T17:00:00+02:00",
        "location": "Sanofi Pasteur",
        "address": "Marcy-l'Étoile",
        "host": "Sanofi",
        "levels": ["bts_but", "master"],
        "capacity": capacity,
        "status": "published"
    })
}

async fn create_event(app: &TestApp, token: &str, capacity: i64) -> Value {
    let response = app.client.post(app.url("/api/v1/events")).bearer_auth(token).json(&event_body(capacity)).send();
    let response = response.await.expect("sent");
    assert_eq!(response.status(), 201);
    response.json().await.expect("json")
}

async fn api(app: &TestApp, request: reqwest::RequestBuilder, token: &str) -> (u16, Value) {
    let _ = app;
    let response = request.bearer_auth(token).send().await.expect("sent");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn register_webhook(app: &TestApp, token: &str, body: Value) -> (u16, Value) {
    api(app, app.client.post(app.url("/api/v1/webhooks")).json(&body), token).await
}

/// Checks `Atelier-Signature` as a receiver would: HMAC-SHA256 of
/// "<t>.<body>" with the secret.
fn signed_with(secret: &str, received: &Received) -> bool {
    let header = received.header("atelier-signature");
    let Some((t, v1)) = header.split_once(',') else { return false };
    let (Some(t), Some(v1)) = (t.strip_prefix("t="), v1.strip_prefix("v1=")) else { return false };
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{t}.{}", received.body).as_bytes());
    let expected: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    expected == v1
}

/// (type, registration id or event id) of each delivery, in arrival order.
fn kinds(received: &[Received]) -> Vec<(String, String)> {
    received
        .iter()
        .map(|r| {
            let body = r.json();
            let subject = body.get("registration_id").unwrap_or(&body["event_id"]);
            (body["type"].as_str().unwrap_or_default().to_owned(), subject.as_str().unwrap_or_default().to_owned())
        })
        .collect()
}

/// Where `kind` about `subject` arrived.
fn position(list: &[(String, String)], kind: &str, subject: &str) -> usize {
    list.iter().position(|(k, s)| k == kind && s == subject).unwrap_or_else(|| panic!("no {kind} for {subject}"))
}

async fn each_change_is_delivered_signed_and_in_order() {
    let app = spawn_with(open).await;
    let receiver = Receiver::start().await;
    let token = organizer_token(&app, "organisation@biogenouest.example").await;
    let event = create_event(&app, &token, 1).await;
    let event_id = event["id"].as_str().expect("id").to_owned();
    let all = [
        "registration.created",
        "registration.cancelled",
        "registration.promoted",
        "event.updated",
        "event.cancelled",
        "attendance.recorded",
    ];
    let (status, created) = register_webhook(&app, &token, json!({ "url": receiver.url, "events": all })).await;
    assert_eq!(status, 201, "{created}");
    let secret = created["secret"].as_str().expect("the secret, shown once").to_owned();
    assert!(secret.starts_with("whsec_") && secret.len() > 40, "{secret}");
    assert_eq!(created["event_id"], Value::Null);
    assert_eq!(created["events"], json!(all));

    let (_, first) = app.sign_up(&event_id, person(1)).await;
    let (_, second) = app.sign_up(&event_id, person(2)).await;
    assert_eq!((first["status"].as_str(), second["status"].as_str()), (Some("confirmed"), Some("waitlisted")));
    let (status, _) = app.cancel(first["cancel_url"].as_str().expect("cancel url")).await;
    assert_eq!(status, 200);
    let patch = app
        .client
        .patch(app.url(&format!("/api/v1/events/{event_id}")))
        .json(&json!({ "title": "Masterclass Sanofi : vaccins" }));
    assert_eq!(api(&app, patch, &token).await.0, 200);
    let check_in = json!({ "slot": "2099-06-15-am", "registration_id": second["id"] });
    let marked = app.client.post(app.url(&format!("/api/v1/events/{event_id}/attendance"))).json(&check_in);
    let (status, body) = api(&app, marked, &token).await;
    assert_eq!(status, 201, "{body}");
    // A walk-in at the full event: a seat added (the event changed), a
    // registration, a presence.
    let mut walk_in = person(3);
    walk_in["slot"] = json!("2099-06-15-am");
    let walked = app.client.post(app.url(&format!("/api/v1/events/{event_id}/walk-ins"))).json(&walk_in);
    let (status, walked) = api(&app, walked, &token).await;
    assert_eq!(status, 201, "{walked}");
    let cancel = app.client.post(app.url(&format!("/api/v1/events/{event_id}/cancel")));
    assert_eq!(api(&app, cancel, &token).await.0, 200);

    let received = receiver.wait_for(10).await;
    let list = kinds(&received);
    let (one, two) = (first["id"].as_str().expect("id"), second["id"].as_str().expect("id"));
    assert_eq!(list.len(), 10, "{list:?}");
    let three = walked["id"].as_str().expect("id");
    assert!(position(&list, "registration.created", three) < position(&list, "attendance.recorded", three), "{list:?}");
    assert!(position(&list, "registration.created", one) < position(&list, "registration.cancelled", one), "{list:?}");
    assert!(position(&list, "registration.created", two) < position(&list, "registration.promoted", two), "{list:?}");
    assert!(position(&list, "registration.promoted", two) < position(&list, "attendance.recorded", two), "{list:?}");
    position(&list, "event.updated", &event_id);
    assert!(position(&list, "event.updated", &event_id) < position(&list, "event.cancelled", &event_id), "{list:?}");
    for r in &received {
        assert!(signed_with(&secret, r), "signature of {}", r.body);
        assert_eq!(r.header("content-type"), "application/json");
        let body = r.json();
        assert_eq!(r.header("atelier-delivery"), body["id"].as_str().unwrap_or_default());
        assert_eq!(r.header("atelier-event"), body["type"].as_str().unwrap_or_default());
        assert_eq!(body["event_id"], event_id.as_str());
        // Ids and statuses: nobody's name or address travels.
        assert!(!r.body.contains("example.org") && !r.body.contains("Étudiant"), "{}", r.body);
    }
    let promoted = received.iter().map(Received::json).find(|b| b["type"] == "registration.promoted");
    assert_eq!(promoted.map(|b| b["data"]["status"].clone()), Some(json!("confirmed")));
    let updates: Vec<Value> = received
        .iter()
        .map(Received::json)
        .filter(|b| b["type"] == "event.updated")
        .map(|b| b["data"].clone())
        .collect();
    assert_eq!(updates.len(), 2, "{updates:?}");
    assert_eq!(updates[0]["changed"], json!(["title"]));
    assert_eq!(updates[1]["changed"], json!(["capacity"]), "the walk-in's seat");
    assert!(updates[1]["version"].as_i64() > updates[0]["version"].as_i64(), "{updates:?}");
    let presence = received.iter().map(Received::json).find(|b| b["type"] == "attendance.recorded").expect("presence");
    assert_eq!(
        (presence["data"]["slot"].as_str(), presence["data"]["present"].as_bool()),
        (Some("2099-06-15-am"), Some(true))
    );

    // The organizer sees each delivery delivered.
    let id = created["id"].as_str().expect("id");
    let (status, shown) = api(&app, app.client.get(app.url(&format!("/api/v1/webhooks/{id}"))), &token).await;
    assert_eq!(status, 200);
    let deliveries = shown["deliveries"].as_array().expect("deliveries");
    assert_eq!(deliveries.len(), 10);
    for d in deliveries {
        assert_eq!(
            (d["status"].as_str(), d["attempts"].as_i64(), d["last_status"].as_i64()),
            (Some("delivered"), Some(1), Some(200)),
            "{d}"
        );
    }
    assert_eq!(shown.get("secret"), None, "the secret is shown once");
}

async fn a_failed_delivery_is_retried_with_its_id_and_holds_back_what_follows() {
    let clock = Clock::manual(Utc::now());
    let app = spawn_with_clock(clock.clone(), open).await;
    let receiver = Receiver::start().await;
    receiver.answer(StatusCode::INTERNAL_SERVER_ERROR);
    let token = organizer_token(&app, "organisation@biogenouest.example").await;
    let event = create_event(&app, &token, 10).await;
    let event_id = event["id"].as_str().expect("id").to_owned();
    let body = json!({ "url": receiver.url, "events": ["registration.created", "registration.cancelled"], "event_id": event_id });
    let (status, webhook) = register_webhook(&app, &token, body).await;
    assert_eq!(status, 201, "{webhook}");
    assert_eq!(webhook["event_id"], event_id.as_str());
    let webhook_url = app.url(&format!("/api/v1/webhooks/{}", webhook["id"].as_str().expect("id")));

    let (_, first) = app.sign_up(&event_id, person(1)).await;
    let failed = receiver.wait_for(1).await;
    let delivery = failed[0].header("atelier-delivery");
    // The endpoint failed: pending, with what it answered.
    let deadline = tokio::time::Instant::now() + WAIT;
    let shown = loop {
        let (_, shown) = api(&app, app.client.get(&webhook_url), &token).await;
        if shown["deliveries"][0]["last_status"] == 500 || tokio::time::Instant::now() > deadline {
            break shown;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    let d = &shown["deliveries"][0];
    assert_eq!(
        (d["status"].as_str(), d["attempts"].as_i64(), d["last_status"].as_i64()),
        (Some("pending"), Some(1), Some(500)),
        "{d}"
    );
    assert!(d["next_attempt_at"].is_string(), "{d}");

    // The endpoint is back, but person 1's delivery waits for its time.
    // Person 1 cancels: that news waits behind the failed one. Person 2's
    // sign-up, about someone else, goes through (and shows the worker ran).
    receiver.answer(StatusCode::NO_CONTENT);
    app.cancel(first["cancel_url"].as_str().expect("url")).await;
    let (_, second) = app.sign_up(&event_id, person(2)).await;
    let got = receiver.wait_for(2).await;
    let list = kinds(&got);

    assert_eq!(list[1], ("registration.created".to_owned(), second["id"].as_str().expect("id").to_owned()), "{list:?}");
    assert_eq!(got.len(), 2, "person 1's cancellation waits: {list:?}");

    // The retry comes once its time has come, then what waited behind it.
    clock.advance(chrono::Duration::minutes(2));
    let got = receiver.wait_for(4).await;
    let list = kinds(&got);
    let one = first["id"].as_str().expect("id");
    assert_eq!(got[2].header("atelier-delivery"), delivery, "the same delivery id on the retry");
    assert_eq!(list[2], ("registration.created".to_owned(), one.to_owned()));
    assert_eq!(list[3], ("registration.cancelled".to_owned(), one.to_owned()));
    assert_eq!(got[3].json()["data"]["status"], "cancelled");

    // Retention forgets deliveries done with, once sent emails' text goes.
    let deliveries = |shown: &Value| shown["deliveries"].as_array().map_or(0, Vec::len);
    assert_eq!(deliveries(&api(&app, app.client.get(&webhook_url), &token).await.1), 3);
    clock.advance(chrono::Duration::days(31));
    atelier::operations::timed::retention_now(&app.state).await.expect("retention queued");
    let deadline = tokio::time::Instant::now() + WAIT;
    while deliveries(&api(&app, app.client.get(&webhook_url), &token).await.1) > 0 {
        assert!(tokio::time::Instant::now() < deadline, "old deliveries forgotten");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

async fn webhooks_belong_to_their_organizer() {
    let app = spawn_with(open).await;
    let receiver = Receiver::start().await;
    let mine = organizer_token(&app, "organisation@atlanpole.example").await;
    let theirs = organizer_token(&app, "accueil@naobios.example").await;
    let my_event = create_event(&app, &mine, 5).await;
    let my_event_id = my_event["id"].as_str().expect("id");
    let body = json!({ "url": receiver.url, "events": ["registration.created"] });
    let (_, webhook) = register_webhook(&app, &mine, body.clone()).await;
    let id = webhook["id"].as_str().expect("id");
    let one = app.url(&format!("/api/v1/webhooks/{id}"));

    let (status, listed) = api(&app, app.client.get(app.url("/api/v1/webhooks")), &theirs).await;
    assert_eq!((status, listed), (200, json!([])));
    let (status, refused) = api(&app, app.client.get(&one), &theirs).await;
    assert_eq!((status, refused["error"]["code"].as_str()), (404, Some("webhook_not_found")));
    assert_eq!(api(&app, app.client.delete(&one), &theirs).await.0, 404);
    // Nobody subscribes to another organizer's event.
    let (status, refused) = register_webhook(
        &app,
        &theirs,
        json!({ "url": receiver.url, "events": ["registration.created"], "event_id": my_event_id }),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(refused["error"]["fields"]["event_id"]["code"], "unknown_choice", "{refused}");
    // Their webhook for all their events hears nothing of mine.
    let (status, _) = register_webhook(&app, &theirs, body).await;
    assert_eq!(status, 201);
    app.sign_up(my_event_id, person(1)).await;
    receiver.wait_for(1).await;

    let (status, listed) = api(&app, app.client.get(app.url("/api/v1/webhooks")), &mine).await;
    assert_eq!((status, listed.as_array().map(Vec::len)), (200, Some(1)));
    let deleted = app.client.delete(&one).bearer_auth(&mine).send().await.expect("sent");
    assert_eq!(deleted.status(), 204);
    assert_eq!(api(&app, app.client.get(&one), &mine).await.0, 404);
    assert_eq!(api(&app, app.client.get(app.url("/api/v1/webhooks")), &mine).await.1, json!([]));
    assert_eq!(receiver.received().len(), 1, "one delivery, to my webhook only");
    assert_eq!(api(&app, app.client.get(app.url("/api/v1/webhooks")), "not-a-token").await.0, 401);
}

async fn addresses_that_lead_inside_are_refused() {
    let app = spawn_with(|_| {}).await;
    let token = organizer_token(&app, "organisation@atlanpole.example").await;
    let refused = |url: &str| {
        let body = json!({ "url": url, "events": ["registration.created"] });
        let (app, token) = (&app, &token);
        async move {
            let (status, body) = register_webhook(app, token, body).await;
            assert_eq!(status, 422, "{body}");
            body["error"]["fields"]["url"]["code"].as_str().unwrap_or_default().to_owned()
        }
    };
    assert_eq!(refused("http://example.org/hooks").await, "insecure_url");
    assert_eq!(refused("https://127.0.0.1/hooks").await, "private_address");
    assert_eq!(refused("https://[::1]:8443/hooks").await, "private_address");
    assert_eq!(refused("https://169.254.169.254/latest/meta-data").await, "private_address");
    assert_eq!(refused("https://localhost/hooks").await, "private_address");
    assert_eq!(refused("https://10.0.0.8/hooks").await, "private_address");
    assert_eq!(refused("ftp://example.org/").await, "invalid_url");
    assert_eq!(refused("https://user:secret@example.org/").await, "invalid_url");
    assert_eq!(refused("").await, "required");

    let (status, body) =
        register_webhook(&app, &token, json!({ "url": "nope", "events": ["registration.deleted"] })).await;
    assert_eq!(status, 422);
    let fields = body["error"]["fields"].as_object().expect("fields");
    assert_eq!(fields.keys().collect::<Vec<_>>(), ["events", "url"], "every error at once: {body}");
    let (status, body) = register_webhook(&app, &token, json!({ "url": "https://127.0.0.1/", "events": [] })).await;
    assert_eq!((status, body["error"]["fields"]["events"]["code"].as_str()), (422, Some("required")));
    assert_eq!(api(&app, app.client.get(app.url("/api/v1/webhooks")), &token).await.1, json!([]), "nothing saved");
}

async fn the_back_office_registers_shows_and_deletes_webhooks() {
    let app = spawn_with(open).await;
    let receiver = Receiver::start().await;
    let token = organizer_token(&app, "organisation@atlanpole.example").await;
    let event = create_event(&app, &token, 5).await;
    let event_id = event["id"].as_str().expect("id").to_owned();
    let client = signed_in(&app, "organisation@atlanpole.example").await;

    let (status, page) = common::page(&client, app.url("/admin/webhooks")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Aucun webhook pour l'instant."), "{page}");
    assert!(page.contains("Masterclass Sanofi : bioproduction de vaccins"), "the event in the scope list");

    // A refused form keeps what was typed and says what is wrong, by field.
    let fields = [("url", "ftp://example.org/"), ("events", "registration.created")];
    let response = post(&client, &app, "/admin/webhooks", "/admin/webhooks", &fields).await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.expect("page");
    assert!(page.contains("corrigez les champs signalés"), "{page}");
    assert!(page.contains(r#"id="url-error""#) && page.contains(r#"aria-invalid="true""#), "{page}");
    assert!(page.contains(r#"value="ftp://example.org/""#), "{page}");

    let fields = [
        ("url", receiver.url.as_str()),
        ("events", "registration.created"),
        ("events", "registration.cancelled"),
        ("event_id", event_id.as_str()),
    ];
    let response = post(&client, &app, "/admin/webhooks", "/admin/webhooks", &fields).await;
    assert_eq!(response.status(), 201);
    let page = response.text().await.expect("page");
    let secret =
        page.split(r#"<code id="new-secret">"#).nth(1).and_then(|s| s.split('<').next()).expect("the secret shown");
    assert!(secret.starts_with("whsec_"), "{secret}");

    app.sign_up(&event_id, person(1)).await;
    let received = receiver.wait_for(1).await;
    assert!(signed_with(secret, &received[0]), "the secret the page showed signs deliveries");
    let deadline = tokio::time::Instant::now() + WAIT;
    let page = loop {
        let (_, page) = common::page(&client, app.url("/admin/webhooks")).await;
        if page.contains("livrée") || tokio::time::Instant::now() > deadline {
            break page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert!(page.contains("livrée") && page.contains("HTTP 200"), "{page}");
    assert!(!page.contains(secret), "the secret is shown once");
    assert!(page.contains(&receiver.url));

    let action =
        page.split(r#"action="/admin/webhooks/"#).nth(1).and_then(|s| s.split('"').next()).expect("delete form");
    let response = post(&client, &app, "/admin/webhooks", &format!("/admin/webhooks/{action}"), &[]).await;
    assert_eq!(response.status(), 200);
    let page = response.text().await.expect("page");
    assert!(page.contains("Webhook supprimé") && page.contains("Aucun webhook pour l'instant."), "{page}");
}
