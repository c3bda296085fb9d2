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
    #[tokio::test] a_reminder_to_hundreds_goes_out_in_parts_to_each_person_once,
    #[tokio::test] moving_the_start_moves_its_reminders,
    #[tokio::test] the_back_office_sets_reminders_and_offers_in_hours,
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

/// 600 people, signed up in three groups at three times (so that parts end
/// inside a group of equal sign-up times): the reminder goes out in parts,
/// a pause apart, and reaches each person once.
async fn a_reminder_to_hundreds_goes_out_in_parts_to_each_person_once() {
    const PEOPLE: usize = 600;
    let clock = Clock::manual(Utc::now());
    let app = common::spawn_at(clock.clone()).await;
    app.create_event(soon(&clock, "amphi", 5, vec![60], PEOPLE as i64)).await;
    for group in 0..3 {
        let sign_ups = (0..PEOPLE / 3).map(|n| app.sign_up("amphi", person(group * 1000 + n)));
        for (status, _) in futures::future::join_all(sign_ups).await {
            assert_eq!(status, 201);
        }
        clock.advance(Duration::seconds(1));
    }
    clock.advance(Duration::hours(4));
    app.jobs_settled().await;
    let first = app.sent_to("reminder").await.len();
    assert!(first > 0 && first < PEOPLE, "a first part, not everyone at once: {first}");

    let mut parts = 1;
    while app.sent_to("reminder").await.len() < PEOPLE && parts < 20 {
        clock.advance(Duration::seconds(1));
        app.jobs_settled().await;
        parts += 1;
    }
    let mut sent = app.sent_to("reminder").await;
    assert_eq!(sent.len(), PEOPLE, "everyone reminded, in {parts} parts");
    sent.dedup();
    assert_eq!(sent.len(), PEOPLE, "each person once");
    assert!(parts >= 3, "in parts: {parts}");
}

/// The event moves two days later: its reminder moves with it, and goes
/// out once, at its new time.
async fn moving_the_start_moves_its_reminders() {
    let clock = Clock::manual(Utc::now());
    let app = common::spawn_at(clock.clone()).await;
    let token = common::organizer_token(&app, "equipe@atlanpole.example").await;
    let at = |hours: i64| (clock.now() + Duration::hours(hours)).to_rfc3339();
    let body = serde_json::json!({
        "kind": "masterclass", "title": "Masterclass Naobios", "slug": "deplacee",
        "starts_at": at(72), "ends_at": at(79), "location": "Naobios", "host": "Naobios",
        "capacity": 5, "status": "published", "reminders_before_minutes": [2880],
    });
    let created = app.client.post(app.url("/api/v1/events")).bearer_auth(&token).json(&body).send().await;
    assert_eq!(created.expect("sent").status(), 201);
    app.sign_up("deplacee", person(1)).await;
    let moved = serde_json::json!({ "starts_at": at(120), "ends_at": at(127) });
    let response = app.client.patch(app.url("/api/v1/events/deplacee")).bearer_auth(&token).json(&moved).send().await;
    assert_eq!(response.expect("sent").status(), 200);

    clock.advance(Duration::hours(25));
    app.jobs_settled().await;
    assert!(app.sent_to("reminder").await.is_empty(), "not at the old time");
    assert_eq!(app.sent_to("event_changed").await, ["etudiant1@example.org"], "told of the move");
    clock.advance(Duration::hours(48));
    app.jobs_settled().await;
    assert_eq!(app.sent_to("reminder").await, ["etudiant1@example.org"], "at the new time, once");
}

/// The event form shows the settings in hours, with the defaults for a new
/// event, saves them as minutes, and keeps what was typed when it cannot
/// be read.
async fn the_back_office_sets_reminders_and_offers_in_hours() {
    let app = common::spawn_app().await;
    common::organizer_token(&app, "equipe@atlanpole.example").await;
    let client = common::signed_in(&app, "equipe@atlanpole.example").await;
    let (_, form) = common::page(&client, app.url("/admin/events/new")).await;
    for (name, value) in [("reminders_hours", "48"), ("offer_window_hours", "48"), ("offer_response_hours", "12")] {
        assert!(form.contains(&format!(r#"name="{name}" type="text" inputmode="decimal" value="{value}""#)), "{name}");
    }
    let fields = [
        ("kind", "masterclass"),
        ("title", "Masterclass horaires"),
        ("starts_at", "2099-03-02T09:00"),
        ("ends_at", "2099-03-02T17:00"),
        ("location", "Naobios"),
        ("host", "Naobios"),
        ("levels", "master"),
        ("capacity", "10"),
        ("reminders_hours", "2, 48"),
        ("offer_window_hours", "24"),
        ("offer_response_hours", "1,5"),
        ("cutoff_hours", "0.5"),
        ("publish", "yes"),
    ];
    let response = common::post(&client, &app, "/admin/events/new", "/admin/events/new", &fields).await;
    assert_eq!(response.status(), 303, "created");
    let detail = response.headers()["location"].to_str().expect("location").to_owned();
    let (_, event) = app.get_json("/api/v1/events/masterclass-horaires").await;
    let minutes = |field: &str| event[field].clone();
    assert_eq!(minutes("reminders_before_minutes"), serde_json::json!([2880, 120]), "earliest first");
    assert_eq!(
        (minutes("offer_window_minutes"), minutes("offer_response_minutes"), minutes("promotion_cutoff_minutes")),
        (1440.into(), 90.into(), 30.into())
    );

    let edit = format!("{detail}/edit");
    let (_, form) = common::page(&client, app.url(&edit)).await;
    assert!(form.contains(r#"value="48, 2""#) && form.contains(r#"value="1.50""#), "shown in hours");
    let mut unreadable = fields.to_vec();
    unreadable.retain(|(name, _)| *name != "offer_response_hours");
    unreadable.push(("offer_response_hours", "bientôt"));
    let response = common::post(&client, &app, &edit, &edit, &unreadable).await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.expect("page");
    assert!(page.contains("Saisissez un nombre, par exemple 48 ou 1.5."), "the error, next to its field");
    assert!(page.contains(r#"value="bientôt""#), "what was typed is kept");
    let (_, unchanged) = app.get_json("/api/v1/events/masterclass-horaires").await;
    assert_eq!(unchanged["offer_response_minutes"], 90, "nothing saved");
}
