//! Rules that depend on the time, with a clock the test moves.

mod common;

use atelier::clock::Clock;
use chrono::{Duration, Utc};
use common::{PASSWORD, TestApp, atelier, csrf_field, person, post, signed_in, spawn_at};
use serde_json::Value;

on_both_backends! {
    #[tokio::test] once_the_event_has_started_people_can_no_longer_cancel_but_organizers_can_remove,
}

/// A masterclass of one seat starting in two hours; registration closes in
/// one.
async fn starting_soon(app: &TestApp, clock: &Clock) -> atelier::domain::Event {
    let now = clock.now();
    let event = atelier::domain::NewEvent {
        starts_at: now + Duration::hours(2),
        ends_at: now + Duration::hours(9),
        registration_opens_at: now - Duration::days(1),
        registration_closes_at: now + Duration::hours(1),
        ..common::masterclass("bientot", 1)
    };
    app.create_event(event).await
}

fn token(answer: &Value) -> String {
    answer["cancel_url"].as_str().and_then(|url| url.rsplit('/').next()).expect("a cancel link").to_owned()
}

async fn once_the_event_has_started_people_can_no_longer_cancel_but_organizers_can_remove() {
    let clock = Clock::manual(Utc::now());
    let app = spawn_at(clock.clone()).await;
    let event = starting_soon(&app, &clock).await;
    let (_, first) = app.sign_up("bientot", person(1)).await;
    let (_, second) = app.sign_up("bientot", person(2)).await;
    assert_eq!((first["status"].as_str(), second["status"].as_str()), (Some("confirmed"), Some("waitlisted")));

    let page_path = format!("/r/{}", token(&first));
    let (_, before) = app.get_page(&page_path).await;
    assert!(before.contains("/cancel\""), "a cancel button before the start");
    // Which leads to the page that asks first, and holds the form.
    let (_, ask) = app.get_page(&format!("{page_path}/cancel")).await;

    clock.advance(Duration::hours(3));

    // Through the API.
    let (status, body) = app.cancel(first["cancel_url"].as_str().expect("link")).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "event_started");
    // Through the person's page: no button any more, and a form sent
    // anyway gets a page that says why.
    let (_, page) = app.get_page(&page_path).await;
    assert!(!page.contains("/cancel\""), "no cancel button once the event has started");
    let form = [("csrf", csrf_field(&ask))];
    let response = app.client.post(app.url(&format!("{page_path}/cancel"))).form(&form).send().await.expect("sent");
    assert_eq!(response.status(), 409);
    assert!(response.text().await.expect("page").contains("L'événement a commencé"));

    // An organizer can still remove someone; nobody is promoted to an event
    // under way.
    let added = atelier(&app, &["organizer", "add", "admin@example.org", "--admin"], Some(PASSWORD)).await;
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    let admin = signed_in(&app, "admin@example.org").await;
    let detail = format!("/admin/events/{}", event.id);
    let remove = format!("{detail}/registrations/{}/remove", first["id"].as_str().expect("id"));
    assert_eq!(post(&admin, &app, &detail, &remove, &[]).await.status(), 303);
    let db = app.open_database().await;
    let statuses: Vec<String> =
        sqlx::query_scalar("SELECT status FROM registrations ORDER BY email").fetch_all(&db).await.expect("rows");
    assert_eq!(statuses, ["cancelled", "waitlisted"], "the seat is not handed on once the event is under way");
}
