//! Seats freed near the start: offered to the first person waiting and held
//! for them until a deadline, then to the next; given directly when there
//! is time; kept free in the last hour. With a clock the tests move.

mod common;

use atelier::clock::Clock;
use atelier::domain::NewEvent;
use chrono::{Duration, Utc};
use common::smtp::SmtpSink;
use common::{TestApp, parse_mail, person, spawn_with_clock};
use serde_json::Value;

on_both_backends! {
    #[tokio::test] a_seat_freed_near_the_start_is_offered_held_and_accepted,
    #[tokio::test] an_offer_that_runs_out_goes_to_the_next_person,
    #[tokio::test] seats_are_given_when_there_is_time_and_kept_in_the_last_hour,
}

/// A masterclass of `capacity` seats starting `in_hours` from the clock.
fn starting_in(clock: &Clock, slug: &str, in_hours: i64, capacity: i64) -> NewEvent {
    let now = clock.now();
    NewEvent {
        starts_at: now + Duration::hours(in_hours),
        ends_at: now + Duration::hours(in_hours + 7),
        registration_opens_at: now - Duration::days(1),
        registration_closes_at: now + Duration::hours(in_hours),
        ..common::masterclass(slug, capacity)
    }
}

fn token(answer: &Value) -> String {
    answer["cancel_url"].as_str().and_then(|url| url.rsplit('/').next()).expect("a link").to_owned()
}

async fn post(app: &TestApp, path: String) -> (u16, Value) {
    let response = app.client.post(app.url(&path)).send().await.expect("sent");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The statuses of the first `n` people, by their email.
async fn statuses(app: &TestApp) -> Vec<(String, String)> {
    let db = app.open_database().await;
    sqlx::query_as("SELECT email, status FROM registrations ORDER BY email").fetch_all(&db).await.expect("rows")
}

fn status_of(all: &[(String, String)], n: usize) -> String {
    let email = format!("etudiant{n}@example.org");
    all.iter().find(|(e, _)| *e == email).map(|(_, s)| s.clone()).unwrap_or_default()
}

async fn a_seat_freed_near_the_start_is_offered_held_and_accepted() {
    let clock = Clock::manual(Utc::now());
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let app = spawn_with_clock(clock.clone(), |c| c.smtp_url = Some(url)).await;
    app.create_event(starting_in(&clock, "offre", 24, 1)).await;
    let (_, first) = app.sign_up("offre", person(1)).await;
    let (_, second) = app.sign_up("offre", person(2)).await;
    assert_eq!(second["status"], "waitlisted");

    assert_eq!(app.cancel(first["cancel_url"].as_str().expect("link")).await.0, 200);
    let all = statuses(&app).await;
    assert_eq!(status_of(&all, 2), "offered", "inside two days, the seat is offered, not given");
    let (_, event) = app.get_json("/api/v1/events/offre").await;
    assert_eq!(event["seats_left"], 0, "the seat is held for them");
    let (_, third) = app.sign_up("offre", person(3)).await;
    assert_eq!(third["status"], "waitlisted", "nobody else can take it");

    let offer = sink
        .wait_for(5, common::WAIT)
        .await
        .iter()
        .map(|r| parse_mail(&r.data))
        .find(|m| m.to == "etudiant2@example.org" && m.subject.contains("proposée"));
    let offer = offer.expect("the offer email");
    assert!(offer.text.contains("/accept"), "an accept link: {}", offer.text);
    let deadline = atelier::domain::Lang::Fr.texts().date_time(clock.now() + Duration::hours(12));
    assert!(offer.text.contains(&deadline), "the deadline, Paris time ({deadline}): {}", offer.text);
    assert!(offer.calendar.is_none(), "no calendar entry for a seat not yet theirs");

    // The link opens a page; the page's button (or the API) accepts.
    let (status, page) = app.get_page(&format!("/r/{}/accept", token(&second))).await;
    assert_eq!(status, 200);
    assert!(page.contains("Accepter la place"));
    assert_eq!(status_of(&statuses(&app).await, 2), "offered", "opening the link changes nothing");
    let (status, accepted) = post(&app, format!("/api/v1/registrations/{}/accept", token(&second))).await;
    assert_eq!((status, accepted["status"].as_str()), (200, Some("confirmed")), "{accepted}");
    let confirmation = sink
        .wait_for(6, common::WAIT)
        .await
        .iter()
        .map(|r| parse_mail(&r.data))
        .find(|m| m.to == "etudiant2@example.org" && m.subject.starts_with("Inscription confirmée"));
    assert!(confirmation.expect("a confirmation").calendar.is_some(), "now with the calendar file");
    assert_eq!(
        post(&app, format!("/api/v1/registrations/{}/accept", token(&second))).await.0,
        200,
        "twice is harmless"
    );
    let (status, none) = post(&app, format!("/api/v1/registrations/{}/accept", token(&third))).await;
    assert_eq!((status, none["error"]["code"].as_str()), (409, Some("no_offer")));
}

async fn an_offer_that_runs_out_goes_to_the_next_person() {
    let clock = Clock::manual(Utc::now());
    let app = common::spawn_at(clock.clone()).await;
    app.create_event(starting_in(&clock, "expire", 30, 1)).await;
    let (_, first) = app.sign_up("expire", person(1)).await;
    let (_, second) = app.sign_up("expire", person(2)).await;
    app.sign_up("expire", person(3)).await;
    app.cancel(first["cancel_url"].as_str().expect("link")).await;
    assert_eq!(status_of(&statuses(&app).await, 2), "offered");

    clock.advance(Duration::hours(12) + Duration::minutes(1));
    app.jobs_settled().await;
    let all = statuses(&app).await;
    assert_eq!((status_of(&all, 2), status_of(&all, 3)), ("expired".into(), "offered".into()), "on to the next");
    assert_eq!(app.sent_to("offer_expired").await, ["etudiant2@example.org"], "told once");
    let (status, late) = post(&app, format!("/api/v1/registrations/{}/accept", token(&second))).await;
    assert_eq!((status, late["error"]["code"].as_str()), (409, Some("offer_expired")));
    // Having let it pass, they may join the waiting list again, at its end.
    let (status, again) = app.sign_up("expire", person(2)).await;
    assert_eq!((status, again["status"].as_str()), (201, Some("waitlisted")), "{again}");

    // The next one declines (an organizer removes them): the seat is offered
    // to the one waiting.
    let db = app.open_database().await;
    let offered: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM registrations WHERE status = 'offered'")
        .fetch_one(&db)
        .await
        .expect("count");
    assert_eq!(offered, 1);
    // The third person's link is not in this test's hands: an organizer's
    // removal declines for them.
    let added =
        common::atelier(&app, &["organizer", "add", "admin@example.org", "--admin"], Some(common::PASSWORD)).await;
    assert!(added.status.success());
    let admin = common::signed_in(&app, "admin@example.org").await;
    let id = app.get_json("/api/v1/events/expire").await.1["id"].as_str().expect("id").to_owned();
    let detail = format!("/admin/events/{id}");
    let (_, html) = common::page(&admin, app.url(&detail)).await;
    // Each row links to the page that asks before removing; its form posts
    // to the same address.
    let removals: Vec<&str> = html
        .split("href=\"")
        .filter_map(|s| s.split('"').next())
        .filter(|a| a.ends_with("/remove") && a.contains("/registrations/"))
        .collect();
    assert_eq!(removals.len(), 2, "the person holding the offer and the one waiting can be removed");
    let holder = html.split("<tr").find(|row| row.contains("etudiant3@example.org")).expect("the holder's row");
    let removal = removals.iter().find(|a| holder.contains(*a)).expect("the holder's removal");
    assert_eq!(common::post(&admin, &app, &detail, removal, &[]).await.status(), 303);
    let all = statuses(&app).await;
    let offered: Vec<_> = all.iter().filter(|(_, s)| s == "offered").map(|(e, _)| e.as_str()).collect();
    assert_eq!(offered, ["etudiant2@example.org"], "offered again, from the end of the list");
    assert_eq!(app.get_json("/api/v1/events/expire").await.1["seats_left"], 0);
}

async fn seats_are_given_when_there_is_time_and_kept_in_the_last_hour() {
    let clock = Clock::manual(Utc::now());
    let app = common::spawn_at(clock.clone()).await;
    app.create_event(starting_in(&clock, "loin", 24 * 10, 1)).await;
    let (_, first) = app.sign_up("loin", person(1)).await;
    app.sign_up("loin", person(2)).await;
    app.cancel(first["cancel_url"].as_str().expect("link")).await;
    assert_eq!(status_of(&statuses(&app).await, 2), "confirmed", "ten days ahead, given directly");

    app.create_event(starting_in(&clock, "imminent", 2, 1)).await;
    let (_, third) = app.sign_up("imminent", person(3)).await;
    app.sign_up("imminent", person(4)).await;
    clock.advance(Duration::minutes(61));
    app.cancel(third["cancel_url"].as_str().expect("link")).await;
    let all = statuses(&app).await;
    assert_eq!(status_of(&all, 4), "waitlisted", "in the last hour the seat stays free");
    assert_eq!(app.get_json("/api/v1/events/imminent").await.1["seats_left"], 1);
    let (_, late) = app.sign_up("imminent", person(5)).await;
    assert_eq!(late["status"], "waitlisted", "a newcomer does not pass the people waiting");
}
