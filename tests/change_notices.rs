//! When an event moves or is cancelled, everyone registered is told, and
//! their calendars follow: same UID, a higher SEQUENCE, METHOD:REQUEST or
//! CANCEL. A cancelled event is unmistakable on every page.

mod common;

use common::smtp::SmtpSink;
use common::{Mail, TestApp, organizer_token, parse_mail, person, spawn_with};
use serde_json::{Value, json};

on_both_backends! {
    #[tokio::test] moving_an_event_tells_everyone_and_updates_their_calendars,
    #[tokio::test] cancelling_removes_it_from_calendars_and_every_page_says_so,
}

async fn with_sink() -> (TestApp, SmtpSink, String) {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let app = spawn_with(|c| c.smtp_url = Some(url)).await;
    let token = organizer_token(&app, "orga@example.org").await;
    let body = json!({
        "kind": "masterclass", "title": "Masterclass Naobios", "slug": "naobios",
        "starts_at": "2099-03-02T09:00:00+01:00", "ends_at": "2099-03-02T17:00:00+01:00",
        "location": "Naobios", "address": "Saint-Herblain", "host": "Naobios", "capacity": 1, "status": "published"
    });
    let created = app.client.post(app.url("/api/v1/events")).bearer_auth(&token).json(&body).send().await;
    assert_eq!(created.expect("sent").status(), 201);
    (app, sink, token)
}

async fn mails(sink: &SmtpSink, count: usize) -> Vec<Mail> {
    sink.wait_for(count, common::WAIT).await.iter().map(|r| parse_mail(&r.data)).collect()
}

fn line<'a>(calendar: &'a str, name: &str) -> Option<&'a str> {
    calendar.lines().find(|l| l.starts_with(name)).map(str::trim)
}

async fn moving_an_event_tells_everyone_and_updates_their_calendars() {
    let (app, sink, token) = with_sink().await;
    app.sign_up("naobios", person(1)).await;
    app.sign_up("naobios", person(2)).await;
    let first = mails(&sink, 2).await;
    let invitation = first.iter().find(|m| m.to == "etudiant1@example.org").and_then(|m| m.calendar.clone());
    let invitation = invitation.expect("the confirmation's calendar file");

    let patch =
        |body: Value| app.client.patch(app.url("/api/v1/events/naobios")).bearer_auth(&token).json(&body).send();
    assert_eq!(patch(json!({ "title": "Masterclass Naobios : le vaccin" })).await.expect("sent").status(), 200);
    let moved = json!({ "starts_at": "2099-03-09T09:30:00+01:00", "ends_at": "2099-03-09T17:00:00+01:00", "location": "Oniris" });
    assert_eq!(patch(moved).await.expect("sent").status(), 200);

    let all = mails(&sink, 4).await;
    let notices: Vec<&Mail> = all.iter().filter(|m| m.subject.starts_with("Changement")).collect();
    assert_eq!(notices.len(), 2, "the confirmed and the waiting person; a new title alone told nobody");
    let seated = notices.iter().find(|m| m.to == "etudiant1@example.org").expect("to the seated person");
    assert!(seated.text.contains("Naobios → Oniris"), "{}", seated.text);
    assert!(
        seated.text.contains("lundi 2 mars 2099, 9\u{a0}h\u{a0}00 → lundi 9 mars 2099, 9\u{a0}h\u{a0}30"),
        "{}",
        seated.text
    );
    let updated = seated.calendar.as_deref().expect("an updated calendar file");
    assert_eq!(line(updated, "UID"), line(&invitation, "UID"), "the same entry");
    assert_eq!(line(updated, "SEQUENCE"), Some("SEQUENCE:1"));
    assert_eq!(line(updated, "METHOD"), Some("METHOD:REQUEST"));
    assert!(updated.contains("Oniris"));
    let waiting = notices.iter().find(|m| m.to == "etudiant2@example.org").expect("to the waiting person");
    assert!(waiting.calendar.is_none(), "no calendar entry without a seat");
}

async fn cancelling_removes_it_from_calendars_and_every_page_says_so() {
    let (app, sink, token) = with_sink().await;
    let (_, confirmed) = app.sign_up("naobios", person(1)).await;
    mails(&sink, 1).await;
    let cancel = app.client.post(app.url("/api/v1/events/naobios/cancel")).bearer_auth(&token).send().await;
    assert_eq!(cancel.expect("sent").status(), 200);
    let all = mails(&sink, 2).await;
    let notice = all.iter().find(|m| m.subject.contains("annul")).expect("the cancellation");
    let calendar = notice.calendar.as_deref().expect("a calendar cancellation");
    assert_eq!(line(calendar, "METHOD"), Some("METHOD:CANCEL"));
    assert_eq!(line(calendar, "STATUS"), Some("STATUS:CANCELLED"));
    assert_eq!(line(calendar, "SEQUENCE"), Some("SEQUENCE:1"));
    assert!(calendar.contains("BEGIN:VALARM"), "every calendar file has its alarm");

    let (_, page) = app.get_page("/events/naobios").await;
    assert!(page.contains("Événement annulé"), "the public page says so");
    assert!(!page.contains("places restantes") && !page.contains("name=\"email\""), "no seats, no form");
    let (_, catalogue) = app.get_page("/").await;
    assert!(catalogue.contains("Masterclass Naobios") && catalogue.contains("Annulé"), "marked in the catalogue");
    let link = confirmed["cancel_url"].as_str().and_then(|u| u.rsplit('/').next()).expect("link");
    let (_, own) = app.get_page(&format!("/r/{link}")).await;
    assert!(own.contains("Cet événement est annulé"), "the person's page says so");
    assert!(!own.contains("Votre place est confirmée") && !own.contains("/cancel\""), "no seat, no cancel button");
}
