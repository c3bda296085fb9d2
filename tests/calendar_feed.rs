//! `/calendar.ics`: the catalogue as a calendar people subscribe to. Read
//! back with the `icalendar` parser, as a calendar application would.

mod common;

use common::{TestApp, organizer_token, spawn_app};
use icalendar::{Calendar, CalendarComponent, Component};
use serde_json::{Value, json};

on_both_backends! {
    #[tokio::test] the_feed_lists_each_session_and_follows_changes,
}

async fn create(app: &TestApp, token: &str, body: Value) -> String {
    let response = app.client.post(app.url("/api/v1/events")).bearer_auth(token).json(&body).send().await;
    let response = response.expect("sent");
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.expect("json");
    created["id"].as_str().expect("id").to_owned()
}

/// (UID, SUMMARY, DTSTART as written, SEQUENCE, STATUS, URL) of each VEVENT.
type Entry = (String, String, String, u32, Option<String>, String);

async fn feed(app: &TestApp, query: &str) -> Vec<Entry> {
    let response = app.client.get(app.url(&format!("/calendar.ics{query}"))).send().await.expect("sent");
    assert_eq!(response.status(), 200);
    let kind = response.headers()["content-type"].to_str().expect("ascii").to_owned();
    assert_eq!(kind, "text/calendar; charset=utf-8");
    let text = response.text().await.expect("text");
    let calendar: Calendar = text.parse().unwrap_or_else(|e| panic!("valid iCalendar: {e}\n{text}"));
    assert!(text.contains("METHOD:PUBLISH"), "{text}");
    let mut entries: Vec<Entry> = calendar
        .components
        .iter()
        .filter_map(|component| match component {
            CalendarComponent::Event(event) => Some(event),
            _ => None,
        })
        .map(|event| {
            let start = event.property_value("DTSTART").expect("DTSTART").to_owned();
            (
                event.get_uid().expect("UID").to_owned(),
                event.get_summary().expect("SUMMARY").to_owned(),
                start,
                event.get_sequence().expect("SEQUENCE"),
                event.property_value("STATUS").map(str::to_owned),
                event.get_url().expect("URL").to_owned(),
            )
        })
        .collect();
    entries.sort_by(|a, b| a.2.cmp(&b.2));
    entries
}

async fn the_feed_lists_each_session_and_follows_changes() {
    let app = spawn_app().await;
    let token = organizer_token(&app, "orga@example.org").await;
    let naobios = create(
        &app,
        &token,
        json!({
            "kind": "masterclass", "title": "Masterclass Naobios : la bioproduction de vaccins", "slug": "naobios",
            "starts_at": "2099-03-02T09:00:00+01:00", "ends_at": "2099-03-03T17:00:00+01:00",
            "sessions": [
                { "starts_at": "2099-03-02T09:00:00+01:00", "ends_at": "2099-03-02T17:00:00+01:00" },
                { "starts_at": "2099-03-03T09:00:00+01:00", "ends_at": "2099-03-03T17:00:00+01:00" }
            ],
            "levels": ["bts_but", "licence", "master"],
            "location": "Naobios", "address": "Saint-Herblain", "host": "Naobios", "capacity": 10, "status": "published"
        }),
    )
    .await;
    let table = create(
        &app,
        &token,
        json!({
            "kind": "round_table", "title": "Les forces vives du Grand Ouest sur la bioproduction", "slug": "table-ronde",
            "starts_at": "2099-02-10T14:00:00+01:00", "ends_at": "2099-02-10T16:00:00+01:00",
            "location": "Cité des Congrès", "host": "Atlanpole Biotherapies", "capacity": 200, "status": "published"
        }),
    )
    .await;
    create(
        &app,
        &token,
        json!({
            "kind": "masterclass", "title": "Masterclass en préparation", "slug": "brouillon",
            "starts_at": "2099-04-01T09:00:00+02:00", "ends_at": "2099-04-01T17:00:00+02:00",
            "location": "Nantes", "host": "Nantes Université", "capacity": 10, "status": "draft"
        }),
    )
    .await;
    let cancelled = create(
        &app,
        &token,
        json!({
            "kind": "masterclass", "title": "Masterclass EFS : la thérapie cellulaire", "slug": "efs",
            "starts_at": "2099-05-05T09:00:00+02:00", "ends_at": "2099-05-05T17:00:00+02:00",
            "location": "EFS", "host": "Établissement français du sang", "capacity": 10, "status": "published"
        }),
    )
    .await;
    let cancel = app.client.post(app.url("/api/v1/events/efs/cancel")).bearer_auth(&token).send().await;
    assert_eq!(cancel.expect("sent").status(), 200);

    let all = feed(&app, "").await;
    let uids: Vec<&str> = all.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        uids,
        [
            format!("{table}-1@atelier"),
            format!("{naobios}-1@atelier"),
            format!("{naobios}-2@atelier"),
            format!("{cancelled}-1@atelier")
        ],
        "a VEVENT per session, soonest first, no draft"
    );
    assert_eq!(all[1].1, "Masterclass Naobios : la bioproduction de vaccins");
    assert_eq!((all[1].2.as_str(), all[2].2.as_str()), ("20990302T080000Z", "20990303T080000Z"));
    assert!(all[1].5.ends_with("/events/naobios"), "{}", all[1].5);
    assert_eq!(all[3].4.as_deref(), Some("CANCELLED"), "a cancelled event stays, marked");
    assert!(all[..3].iter().all(|e| e.4.is_none() && e.3 == 0), "{all:?}");

    // The catalogue's filters.
    let tables = feed(&app, "?kind=round_table").await;
    assert_eq!(
        tables.iter().map(|e| e.1.as_str()).collect::<Vec<_>>(),
        ["Les forces vives du Grand Ouest sur la bioproduction"]
    );
    let doctorants = feed(&app, "?level=doctorat").await;
    assert!(doctorants.iter().all(|e| !e.5.ends_with("/events/naobios")), "naobios admits no PhD students");
    assert_eq!(doctorants.len(), 2, "{doctorants:?}");

    // Moved: the same entries, a higher SEQUENCE, the new time.
    let moved = json!({ "sessions": [
        { "starts_at": "2099-03-09T09:30:00+01:00", "ends_at": "2099-03-09T17:00:00+01:00" },
        { "starts_at": "2099-03-10T09:30:00+01:00", "ends_at": "2099-03-10T17:00:00+01:00" }
    ], "starts_at": "2099-03-09T09:30:00+01:00", "ends_at": "2099-03-10T17:00:00+01:00" });
    let patched = app.client.patch(app.url("/api/v1/events/naobios")).bearer_auth(&token).json(&moved).send().await;
    let patched = patched.expect("sent");
    assert_eq!(patched.status(), 200, "{}", patched.text().await.unwrap_or_default());
    let after = feed(&app, "").await;
    let session = after.iter().find(|e| e.0 == format!("{naobios}-1@atelier")).expect("the same UID");
    assert_eq!((session.2.as_str(), session.3), ("20990309T083000Z", 1), "{after:?}");

    // Linked from the catalogue, with its filters.
    let (_, page) = app.get_page("/?kind=round_table").await;
    assert!(page.contains(r#"href="/calendar.ics?kind=round_table""#), "{page}");
    let (_, page) = app.get_page("/").await;
    assert!(page.contains(r#"href="/calendar.ics""#));
}
