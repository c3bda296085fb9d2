//! Reminders before the event, with a clock the tests move: once per
//! person and offset, only to people confirmed by then, durable across a
//! restart; links that change nothing until their button is pressed.

mod common;

use atelier::clock::Clock;
use atelier::domain::{NewEvent, SeatSettings};
use chrono::{Duration, Utc};
use common::smtp::SmtpSink;
use common::{TestApp, csrf_field, parse_mail, person, spawn_with_clock};
use serde_json::Value;

on_both_backends! {
    #[tokio::test] confirmed_people_are_reminded_once_with_the_links_and_the_calendar,
    #[tokio::test] a_reminder_skips_people_who_signed_up_after_its_time,
    #[tokio::test] a_reminder_due_while_the_service_was_down_is_sent_when_it_starts,
    #[tokio::test] links_in_a_reminder_change_nothing_until_their_button_is_pressed,
}

/// A masterclass starting `in_hours` from the clock's now, with these
/// reminders (minutes before the start) and `capacity` seats.
fn soon(clock: &Clock, slug: &str, in_hours: i64, reminders: Vec<i64>, capacity: i64) -> NewEvent {
    let now = clock.now();
    NewEvent {
        starts_at: now + Duration::hours(in_hours),
        ends_at: now + Duration::hours(in_hours + 7),
        registration_opens_at: now - Duration::days(1),
        registration_closes_at: now + Duration::hours(in_hours),
        settings: SeatSettings { reminders_before_minutes: reminders, ..SeatSettings::default() },
        ..common::masterclass(slug, capacity)
    }
}

async fn started(clock: &Clock, sink: &SmtpSink) -> TestApp {
    let url = sink.url();
    spawn_with_clock(clock.clone(), |c| c.smtp_url = Some(url)).await
}

async fn confirmed_people_are_reminded_once_with_the_links_and_the_calendar() {
    let clock = Clock::manual(Utc::now());
    let sink = SmtpSink::start().await;
    let app = started(&clock, &sink).await;
    app.create_event(soon(&clock, "rappel", 72, vec![2880], 2)).await;
    for n in 1..=3 {
        assert_eq!(app.sign_up("rappel", person(n)).await.0, 201);
    }
    sink.wait_for(3, common::WAIT).await;

    clock.advance(Duration::hours(23));
    app.jobs_settled().await;
    assert!(app.sent_to("reminder").await.is_empty(), "not before two days before the start");

    clock.advance(Duration::hours(1) + Duration::minutes(1));
    app.jobs_settled().await;
    let reminded = ["etudiant1@example.org", "etudiant2@example.org"];
    assert_eq!(app.sent_to("reminder").await, reminded, "the confirmed people, not the one waiting");
    let received = sink.wait_for(5, common::WAIT).await;
    let reminder = received.iter().map(|r| parse_mail(&r.data)).find(|m| m.subject.starts_with("Rappel"));
    let reminder = reminder.expect("a reminder was delivered");
    assert!(reminder.text.contains("Code d'accueil"), "{}", reminder.text);
    assert!(reminder.text.contains("Saint-Herblain"), "with the address");
    assert!(reminder.text.contains("/attendance") && reminder.text.contains("/release"), "two links");
    let calendar = reminder.calendar.expect("the .ics");
    for line in ["METHOD:REQUEST", "SEQUENCE:0", "BEGIN:VALARM", "UID:"] {
        assert!(calendar.contains(line), "{line} in {calendar}");
    }

    clock.advance(Duration::hours(12));
    app.jobs_settled().await;
    assert_eq!(app.sent_to("reminder").await.len(), 2, "once per person and offset");
}

async fn a_reminder_skips_people_who_signed_up_after_its_time() {
    let clock = Clock::manual(Utc::now());
    let sink = SmtpSink::start().await;
    let app = started(&clock, &sink).await;
    app.create_event(soon(&clock, "deux-rappels", 72, vec![2880, 120], 10)).await;
    app.sign_up("deux-rappels", person(1)).await;
    clock.advance(Duration::hours(25));
    app.jobs_settled().await;
    assert_eq!(app.sent_to("reminder").await, ["etudiant1@example.org"]);

    // Signs up after the two-day mark: the second reminder only.
    app.sign_up("deux-rappels", person(2)).await;
    clock.advance(Duration::hours(45));
    app.jobs_settled().await;
    let sent = app.sent_to("reminder").await;
    assert_eq!(sent, ["etudiant1@example.org", "etudiant1@example.org", "etudiant2@example.org"]);
}

async fn a_reminder_due_while_the_service_was_down_is_sent_when_it_starts() {
    let clock = Clock::manual(Utc::now());
    let sink = SmtpSink::start().await;
    let mut app = started(&clock, &sink).await;
    app.create_event(soon(&clock, "pendant-la-panne", 72, vec![2880], 10)).await;
    // This one will have started by the time the service is back.
    app.create_event(soon(&clock, "deja-commence", 30, vec![60], 10)).await;
    app.sign_up("pendant-la-panne", person(1)).await;
    app.sign_up("deja-commence", person(2)).await;

    app.shut_down().await;
    clock.advance(Duration::hours(40));
    let app = app.restart(|_| {}).await;
    app.jobs_settled().await;
    assert_eq!(app.sent_to("reminder").await, ["etudiant1@example.org"], "sent once back, not for a started event");
}

async fn links_in_a_reminder_change_nothing_until_their_button_is_pressed() {
    let clock = Clock::manual(Utc::now());
    let sink = SmtpSink::start().await;
    let app = started(&clock, &sink).await;
    app.create_event(soon(&clock, "liens", 72, vec![2880], 1)).await;
    let (_, confirmed) = app.sign_up("liens", person(1)).await;
    let (_, waiting) = app.sign_up("liens", person(2)).await;
    let token =
        |answer: &Value| answer["cancel_url"].as_str().and_then(|u| u.rsplit('/').next()).expect("link").to_owned();
    let mine = token(&confirmed);

    // Opened by a mail scanner: nothing changes.
    let (status, page) = app.get_page(&format!("/r/{mine}/attendance")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Je viendrai"), "one button");
    let (status, release) = app.get_page(&format!("/r/{mine}/release")).await;
    assert_eq!(status, 200);
    assert!(release.contains("libérer ma place"));
    assert_eq!(attendance(&app).await, Some(false), "nothing recorded on GET");
    assert_eq!(app.get_json("/api/v1/events/liens").await.1["seats_left"], 0, "nothing freed on GET");

    // The button.
    let form = [("csrf", csrf_field(&page))];
    let response = app.client.post(app.url(&format!("/r/{mine}/attendance"))).form(&form).send().await.expect("sent");
    assert_eq!(response.status(), 303);
    let (_, after) = app.get_page(response.headers()["location"].to_str().expect("location")).await;
    assert!(after.contains("votre venue est confirmée"));
    assert_eq!(attendance(&app).await, Some(true), "recorded");

    // Through the API: the same, the first time standing; refused for a
    // seat that is not confirmed.
    let api =
        |token: String| app.client.post(app.url(&format!("/api/v1/registrations/{token}/attendance-confirmation")));
    let first: Value = api(mine.clone()).send().await.expect("sent").json().await.expect("json");
    clock.advance(Duration::minutes(5));
    let again: Value = api(mine.clone()).send().await.expect("sent").json().await.expect("json");
    assert!(first["attendance_confirmed_at"].is_string(), "{first}");
    assert_eq!(again["attendance_confirmed_at"], first["attendance_confirmed_at"], "the first time stands");
    let refused: Value = api(token(&waiting)).send().await.expect("sent").json().await.expect("json");
    assert_eq!(refused["error"]["code"], "not_confirmed");

    // Freeing the seat through the release page's button.
    let form = [("csrf", csrf_field(&release))];
    let freed = app.client.post(app.url(&format!("/r/{mine}/cancel"))).form(&form).send().await.expect("sent");
    assert_eq!(freed.status(), 303);
    let (_, list) = app.get_json("/api/v1/events/liens").await;
    assert_eq!(list["waitlist_length"], 0, "the seat went on");
}

/// Whether the first person's attendance is recorded.
async fn attendance(app: &TestApp) -> Option<bool> {
    let db = app.open_database().await;
    let query = "SELECT COUNT(attendance_confirmed_at) FROM registrations WHERE email = 'etudiant1@example.org'";
    let recorded: i64 = sqlx::query_scalar(query).fetch_one(&db).await.expect("row");
    Some(recorded == 1)
}
