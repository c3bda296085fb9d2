//! Digital signatures (émargement numérique): during a slot, the organizer
//! shows a six-digit code that changes every minute, and each attendee
//! signs from their own page by typing it. The clock is moved, not waited.

mod common;

use atelier::clock::Clock;
use chrono::{DateTime, Utc};
use common::{TestApp, organizer_token, page, person, post, spawn_at};
use serde_json::{Value, json};

on_both_backends! {
    #[tokio::test] attendees_sign_each_slot_with_the_code_of_the_minute,
    #[tokio::test] the_person_signs_from_their_page_and_the_sheet_says_so,
    #[tokio::test] guessing_the_code_from_home_stops_after_five_tries,
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("time").with_timezone(&Utc)
}

struct Fixture {
    app: TestApp,
    clock: Clock,
    token: String,
    /// The confirmed person's link, then the waiting person's.
    links: Vec<String>,
}

/// "Les 13 et 20 juin", one seat; sign-ups on 1 June.
async fn fixture(organizer: &str) -> Fixture {
    let clock = Clock::manual(at("2099-06-01T10:00:00+02:00"));
    let app = spawn_at(clock.clone()).await;
    let token = organizer_token(&app, organizer).await;
    let body = json!({
        "kind": "masterclass", "title": "Masterclass Novasep : purification", "slug": "novasep",
        "sessions": [
            { "starts_at": "2099-06-13T09:00:00+02:00", "ends_at": "2099-06-13T12:30:00+02:00" },
            { "starts_at": "2099-06-20T13:30:00+02:00", "ends_at": "2099-06-20T17:00:00+02:00" },
        ],
        "location": "Novasep", "host": "Novasep", "capacity": 1, "status": "published"
    });
    let created = app.client.post(app.url("/api/v1/events")).bearer_auth(&token).json(&body).send().await;
    assert_eq!(created.expect("sent").status(), 201);
    let mut links = Vec::new();
    for n in 1..=2 {
        let (status, created) = app.sign_up("novasep", person(n)).await;
        assert_eq!(status, 201);
        links.push(created["cancel_url"].as_str().expect("link").rsplit('/').next().expect("token").to_owned());
    }
    Fixture { app, clock, token, links }
}

impl Fixture {
    fn move_to(&self, time: &str) {
        self.clock.advance(at(time) - self.clock.now());
    }

    async fn code(&self, slot: &str) -> Value {
        let url = self.app.url(&format!("/api/v1/events/novasep/slots/{slot}/code"));
        let response = self.app.client.get(url).bearer_auth(&self.token).send().await.expect("sent");
        assert_eq!(response.status(), 200);
        response.json().await.expect("json")
    }

    async fn sign(&self, person: usize, code: &str) -> (u16, Value) {
        let url = self.app.url(&format!("/api/v1/registrations/{}/signatures", self.links[person]));
        let response = self.app.client.post(url).json(&json!({ "code": code })).send().await.expect("sent");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

async fn attendees_sign_each_slot_with_the_code_of_the_minute() {
    let f = fixture("signatures@example.org").await;
    f.move_to("2099-06-13T08:30:00+02:00");
    let early = f.code("2099-06-13-am").await;
    let (status, body) = f.sign(0, early["code"].as_str().expect("code")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("outside_slot")), "not yet: {body}");

    f.move_to("2099-06-13T09:30:20+02:00");
    let shown = f.code("2099-06-13-am").await;
    let code = shown["code"].as_str().expect("code").to_owned();
    assert!(code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()), "{shown}");
    assert_eq!(shown["label"], "13/06 matin");
    assert_eq!(shown["valid_until"], "2099-06-13T07:31:00Z", "the next minute");
    let wrong = if code == "123456" { "654321" } else { "123456" };
    let (status, body) = f.sign(0, wrong).await;
    assert_eq!((status, body["error"]["fields"]["code"]["code"].as_str()), (422, Some("wrong_code")));
    let (status, signed) = f.sign(0, &code).await;
    assert_eq!(status, 201, "{signed}");
    assert_eq!(
        (signed["slot"].as_str(), signed["signed_at"].as_str()),
        (Some("2099-06-13-am"), Some("2099-06-13T07:30:20Z"))
    );
    let (status, again) = f.sign(0, &code).await;
    assert_eq!((status, again["signed_at"].as_str()), (200, Some("2099-06-13T07:30:20Z")), "once per slot");
    let (status, body) = f.sign(1, &code).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("not_confirmed")), "the waiting person");

    // A minute later the code shown before still signs (typed as it
    // changed); two minutes later it does not.
    f.move_to("2099-06-13T09:31:10+02:00");
    assert_ne!(f.code("2099-06-13-am").await["code"], code.as_str(), "a new code each minute");
    assert_eq!(f.sign(0, &code).await.0, 200, "the code of the minute before still holds");
    f.move_to("2099-06-13T09:32:05+02:00");
    let (status, body) = f.sign(0, &code).await;
    assert_eq!((status, body["error"]["fields"]["code"]["code"].as_str()), (422, Some("wrong_code")), "stale: {body}");
    let url = f.app.url("/api/v1/events/novasep/attendance");
    let attendance: Value =
        f.app.client.get(&url).bearer_auth(&f.token).send().await.expect("sent").json().await.expect("json");
    let signed: Vec<&String> = attendance["attendees"][0]["signed"].as_object().expect("signed").keys().collect();
    assert_eq!(signed, ["2099-06-13-am"]);

    f.move_to("2099-06-20T14:00:00+02:00");
    let (status, body) = f.sign(0, &code).await;
    assert_eq!(
        (status, body["error"]["fields"]["code"]["code"].as_str()),
        (422, Some("wrong_code")),
        "a stale code: {body}"
    );
    let afternoon = f.code("2099-06-20-pm").await;
    assert_eq!(f.sign(0, afternoon["code"].as_str().expect("code")).await.0, 201, "the second session");
    f.move_to("2099-06-20T17:00:00+02:00");
    let (status, body) = f.sign(0, afternoon["code"].as_str().expect("code")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("outside_slot")), "after the end");
    let (status, _) = f.sign(0, "").await;
    assert_eq!(status, 409, "outside a slot, whatever the code");
}

async fn the_person_signs_from_their_page_and_the_sheet_says_so() {
    let f = fixture("signatures-page@example.org").await;
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let mine = format!("/r/{}", f.links[0]);
    let (_, html) = page(&client, f.app.url(&mine)).await;
    assert!(!html.contains("Signer la feuille de présence"), "no slot under way, no form");

    f.move_to("2099-06-13T09:05:00+02:00");
    let (_, html) = page(&client, f.app.url(&mine)).await;
    assert!(html.contains("Signer la feuille de présence — 13/06 matin"), "{html}");
    let action = format!("{mine}/signatures");
    let response = post(&client, &f.app, &mine, &action, &[("code", "000000")]).await;
    assert_eq!(response.status(), 303);
    let shown = response.headers()["location"].to_str().expect("location").to_owned();
    let (_, html) = page(&client, f.app.url(&shown)).await;
    if f.code("2099-06-13-am").await["code"] != "000000" {
        assert!(
            html.contains("Ce n&#39;est pas le code affiché") || html.contains("Ce n'est pas le code affiché"),
            "{html}"
        );
    }
    let code = f.code("2099-06-13-am").await["code"].as_str().expect("code").to_owned();
    let response = post(&client, &f.app, &mine, &action, &[("code", code.as_str())]).await;
    let shown = response.headers()["location"].to_str().expect("location").to_owned();
    let (_, html) = page(&client, f.app.url(&shown)).await;
    assert!(html.contains("C'est signé") || html.contains("C&#39;est signé"), "{html}");
    assert!(html.contains("13/06 matin : signé à 9\u{a0}h\u{a0}05"), "{html}");
    assert!(!html.contains("Signer la feuille de présence"), "signed: the form is gone");

    let url = f.app.url("/api/v1/events/novasep/attendance-sheet.pdf");
    let pdf = f.app.client.get(url).bearer_auth(&f.token).send().await.expect("sent").bytes().await.expect("body");
    let text = pdf_extract::extract_text_from_mem(&pdf).expect("text");
    assert!(text.contains("signé 09:05"), "{text}");

    // The organizer's projector page.
    let organizer = common::signed_in(&f.app, "signatures-page@example.org").await;
    let event: Value = f.app.get_json("/api/v1/events/novasep").await.1;
    let projector = format!("/admin/events/{}/slots/2099-06-13-am/code", event["id"].as_str().expect("id"));
    let response = organizer.get(f.app.url(&projector)).send().await.expect("sent");
    assert_eq!(response.headers()["refresh"], "15", "it reloads itself");
    let html = response.text().await.expect("page");
    assert!(html.contains(&format!(">{code}<")), "the code, large");
}

async fn guessing_the_code_from_home_stops_after_five_tries() {
    let f = fixture("guesses@example.org").await;
    f.move_to("2099-06-13T10:00:00+02:00");
    let code = f.code("2099-06-13-am").await["code"].as_str().expect("code").to_owned();
    let wrong: Vec<String> = (0..1000).map(|n| format!("{n:06}")).filter(|c| *c != code).take(5).collect();
    for guess in &wrong {
        assert_eq!(f.sign(0, guess).await.0, 422);
    }
    let (status, body) = f.sign(0, &code).await;
    assert_eq!((status, body["error"]["code"].as_str()), (429, Some("too_many_attempts")), "{body}");
    let still = f.code("2099-06-13-am").await;
    assert_eq!(still["code"], code.as_str(), "refused though it was the code of the minute");
}
