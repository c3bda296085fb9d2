//! Changes to an event never undo each other: an edit made from an older
//! version is refused (409 `edit_conflict`), and a change that names no
//! version is applied to the event as it stands when it runs.

mod common;

use common::{TestApp, csrf_field, organizer_token, person, post, signed_in, spawn_app};
use serde_json::{Value, json};

on_both_backends! {
    #[tokio::test] an_edit_from_an_older_version_is_refused_and_changes_nothing,
    #[tokio::test] changes_without_a_version_all_land_even_when_they_race,
    #[tokio::test] confirming_out_of_turn_makes_older_edits_stale,
    #[tokio::test] the_edit_form_explains_a_conflict_and_shows_the_event_as_it_now_stands,
    #[tokio::test] doing_a_thing_twice_changes_and_records_it_once,
}

async fn create(app: &TestApp, token: &str, slug: &str, capacity: i64) -> Value {
    let body = json!({
        "kind": "masterclass",
        "title": "Masterclass Naobios : produire un vaccin",
        "slug": slug,
        "starts_at": "2099-03-02T09:00:00+01:00",
        "ends_at": "2099-03-02T17:00:00+01:00",
        "location": "Naobios",
        "host": "Naobios",
        "capacity": capacity,
        "status": "published"
    });
    let response = app.client.post(app.url("/api/v1/events")).bearer_auth(token).json(&body).send().await;
    let response = response.expect("sent");
    assert_eq!(response.status(), 201);
    response.json().await.expect("json")
}

async fn patch(app: &TestApp, token: &str, slug: &str, body: Value) -> (u16, Value) {
    let response = app.client.patch(app.url(&format!("/api/v1/events/{slug}"))).bearer_auth(token).json(&body).send();
    let response = response.await.expect("sent");
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

async fn an_edit_from_an_older_version_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let token = organizer_token(&app, "orga@example.org").await;
    let read = create(&app, &token, "naobios", 10).await;
    let version = read["version"].as_i64().expect("a version");

    let (status, first) = patch(&app, &token, "naobios", json!({ "capacity": 12, "version": version })).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["version"].as_i64(), Some(version + 1), "each change moves the version");

    // A second organizer had read the same version and changes the title.
    let stale = json!({ "title": "Masterclass renommée", "capacity": 10, "version": version });
    let (status, body) = patch(&app, &token, "naobios", stale).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "edit_conflict");
    let (_, now) = app.get_json("/api/v1/events/naobios").await;
    assert_eq!(now["capacity"], 12, "the first change stands");
    assert_eq!(now["title"], "Masterclass Naobios : produire un vaccin", "nothing of the stale one");
    assert_eq!(now["version"].as_i64(), Some(version + 1));
}

async fn changes_without_a_version_all_land_even_when_they_race() {
    let app = spawn_app().await;
    let token = organizer_token(&app, "orga@example.org").await;
    create(&app, &token, "naobios", 10).await;
    for round in 0..10 {
        let place = patch(&app, &token, "naobios", json!({ "location": format!("Salle {round}") }));
        let bring = patch(&app, &token, "naobios", json!({ "what_to_bring": format!("Blouse {round}") }));
        let seats = patch(&app, &token, "naobios", json!({ "capacity": 20 + round }));
        let (place, bring, seats) = tokio::join!(place, bring, seats);
        assert_eq!((place.0, bring.0, seats.0), (200, 200, 200));
        let (_, event) = app.get_json("/api/v1/events/naobios").await;
        assert_eq!(event["location"], format!("Salle {round}"), "round {round}: {event}");
        assert_eq!(event["capacity"], 20 + round, "round {round}");
        let (_, full) = patch(&app, &token, "naobios", json!({})).await;
        assert_eq!(full["location"], format!("Salle {round}"), "an empty change changes nothing");
    }
    let db = app.open_database().await;
    let bring: String = sqlx::query_scalar("SELECT what_to_bring FROM events").fetch_one(&db).await.expect("row");
    assert_eq!(bring, "Blouse 9", "no change was undone by another");
}

async fn confirming_out_of_turn_makes_older_edits_stale() {
    let app = spawn_app().await;
    let token = organizer_token(&app, "orga@example.org").await;
    let read = create(&app, &token, "naobios", 1).await;
    let version = read["version"].as_i64().expect("a version");
    app.sign_up("naobios", person(1)).await;
    let (_, waiting) = app.sign_up("naobios", person(2)).await;
    assert_eq!(waiting["status"], "waitlisted");

    let client = signed_in(&app, "orga@example.org").await;
    let detail = format!("/admin/events/{}", read["id"].as_str().expect("id"));
    let confirm = format!("{detail}/registrations/{}/confirm", waiting["id"].as_str().expect("id"));
    let response = post(&client, &app, &detail, &confirm, &[]).await;
    assert_eq!(response.status(), 303);

    // An edit made from before the extra seat would have taken it back.
    let (status, body) =
        patch(&app, &token, "naobios", json!({ "title": "Renommée", "capacity": 1, "version": version })).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("edit_conflict")));
    let (_, event) = app.get_json("/api/v1/events/naobios").await;
    assert_eq!((event["capacity"].as_i64(), event["seats_left"].as_i64()), (Some(2), Some(0)));
}

async fn the_edit_form_explains_a_conflict_and_shows_the_event_as_it_now_stands() {
    let app = spawn_app().await;
    let token = organizer_token(&app, "orga@example.org").await;
    let read = create(&app, &token, "naobios", 10).await;
    let client = signed_in(&app, "orga@example.org").await;
    let edit = format!("/admin/events/{}/edit", read["id"].as_str().expect("id"));
    let form = client.get(app.url(&edit)).send().await.expect("sent").text().await.expect("page");
    let version = form.split(r#"name="version" value=""#).nth(1).and_then(|s| s.split('"').next()).expect("version");

    // Meanwhile, through the API: more seats.
    assert_eq!(patch(&app, &token, "naobios", json!({ "capacity": 14 })).await.0, 200);

    let fields = [
        ("csrf", csrf_field(&form)),
        ("version", version.to_owned()),
        ("kind", "masterclass".into()),
        ("title", "Masterclass Naobios (nouvelle salle)".into()),
        ("slug", "naobios".into()),
        ("starts_at", "2099-03-02T09:00".into()),
        ("ends_at", "2099-03-02T17:00".into()),
        ("location", "Naobios".into()),
        ("host", "Naobios".into()),
        ("capacity", "10".into()),
        ("language", "fr".into()),
    ];
    let response = client.post(app.url(&edit)).form(&fields).send().await.expect("sent");
    assert_eq!(response.status(), 409);
    let html = response.text().await.expect("page");
    assert!(html.contains("a été modifié par ailleurs"), "the organizer is told why");
    assert!(html.contains(r#"name="capacity" type="number" value="14""#), "the form shows the current seats");
    assert!(html.contains("Masterclass Naobios (nouvelle salle)"), "and what they had typed, to redo it");
    let (_, event) = app.get_json("/api/v1/events/naobios").await;
    assert_eq!(
        (event["capacity"].as_i64(), event["title"].as_str()),
        (Some(14), Some("Masterclass Naobios : produire un vaccin"))
    );

    // A form without its version (opened before versions, or altered) is
    // stale too: it carries every field and would undo the other change.
    let page = client.get(app.url(&edit)).send().await.expect("sent").text().await.expect("page");
    let mut unversioned: Vec<(&str, String)> = fields.into_iter().filter(|(name, _)| *name != "version").collect();
    unversioned[0].1 = csrf_field(&page);
    let response = client.post(app.url(&edit)).form(&unversioned).send().await.expect("sent");
    assert_eq!(response.status(), 409);
    assert_eq!(app.get_json("/api/v1/events/naobios").await.1["capacity"], 14);
}

/// Publishing what is published, cancelling what is cancelled, checking in
/// someone already present: nothing changes, the version stays, and the
/// history says it once.
async fn doing_a_thing_twice_changes_and_records_it_once() {
    let clock = atelier::clock::Clock::manual(chrono::Utc::now());
    let app = common::spawn_at(clock.clone()).await;
    let token = organizer_token(&app, "orga@example.org").await;
    let read = create(&app, &token, "naobios", 10).await;
    let (_, same) = patch(&app, &token, "naobios", json!({ "status": "published", "capacity": 10 })).await;
    assert_eq!(same["version"], read["version"], "an edit that changes nothing is not a new version");

    let (_, someone) = app.sign_up("naobios", person(1)).await;
    let client = signed_in(&app, "orga@example.org").await;
    let detail = format!("/admin/events/{}", read["id"].as_str().expect("id"));
    let check_in = format!("{detail}/check-in");
    let registration = someone["id"].as_str().expect("id");
    assert_eq!(post(&client, &app, &check_in, &check_in, &[("registration", registration)]).await.status(), 303);
    let (_, first) = common::page(&client, app.url(&check_in)).await;
    clock.advance(chrono::Duration::minutes(10));
    assert_eq!(post(&client, &app, &check_in, &check_in, &[("registration", registration)]).await.status(), 303);
    let (_, again) = common::page(&client, app.url(&check_in)).await;
    let arrival = |page: &str| page.split("Présent depuis ").nth(1).map(|s| s.chars().take(5).collect::<String>());
    assert!(arrival(&first).is_some(), "checked in");
    assert_eq!(arrival(&again), arrival(&first), "the first arrival time stands");

    for _ in 0..2 {
        let cancel = app.client.post(app.url("/api/v1/events/naobios/cancel")).bearer_auth(&token).send().await;
        assert_eq!(cancel.expect("sent").status(), 200);
    }
    let (_, page) = common::page(&client, app.url(&detail)).await;
    assert_eq!(page.matches("Événement annulé").count(), 1, "one cancellation in the history");
    assert_eq!(page.matches("Présence pointée").count(), 1, "one check-in in the history");
    let db = app.open_database().await;
    let notices: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'event_cancelled'")
        .fetch_one(&db)
        .await
        .expect("count");
    assert_eq!(notices, 1, "the person is told once");
}
