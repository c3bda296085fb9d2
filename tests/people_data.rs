//! People's data: what a person can do with their own (download, correct,
//! give their seat, erase), lost links, organizers' edits, and retention
//! that anonymises on its own, with a clock the tests move. Every view an
//! organizer has (API, exports, back-office) is checked after erasure.

mod common;

use atelier::clock::Clock;
use chrono::{Duration, Utc};
use common::{TestApp, organizer_token, person, signed_in, spawn_with_clock};
use serde_json::{Value, json};

on_both_backends! {
    #[tokio::test] a_person_downloads_corrects_and_erases_their_data,
    #[tokio::test] after_the_start_details_are_fixed_and_erasure_keeps_the_counts,
    #[tokio::test] retention_anonymises_after_the_last_session_and_after_cancellation,
    #[tokio::test] a_seat_given_to_a_colleague_keeps_its_place,
    #[tokio::test] lost_links_get_the_same_answer_for_any_address,
    #[tokio::test] organizers_edit_a_registration_and_it_is_in_the_history,
    #[tokio::test] the_person_does_it_all_from_their_page,
}

const ORGANIZER: &str = "donnees@atlanpole.example";

/// An event created through the API by an organizer (so that they can read
/// its lists), `capacity` seats, a question, starting `in_days` from `clock`.
async fn event(app: &TestApp, token: &str, clock: &Clock, capacity: i64, extra: Value) -> Value {
    let start = clock.now() + Duration::days(10);
    let mut body = json!({
        "kind": "masterclass",
        "title": "Masterclass Sanofi : bioproduction de vaccins",
        "starts_at": start.to_rfc3339(),
        "ends_at": (start + Duration::hours(7)).to_rfc3339(),
        "registration_opens_at": (clock.now() - Duration::days(1)).to_rfc3339(),
        "location": "Sanofi Pasteur",
        "address": "Marcy-l'Étoile",
        "host": "Sanofi",
        "levels": ["master", "doctorat", "ingenieur"],
        "capacity": capacity,
        "status": "published",
        "questions": [{"label": "Votre projet professionnel", "kind": "text"}]
    });
    for (key, value) in extra.as_object().expect("an object") {
        body[key] = value.clone();
    }
    let response = app.client.post(app.url("/api/v1/events")).bearer_auth(token).json(&body).send().await;
    let response = response.expect("sent");
    assert_eq!(response.status(), 201);
    response.json().await.expect("json")
}

/// Person `n` signs up with an answer; returns their link's token.
async fn sign_up(app: &TestApp, event: &Value, n: usize) -> (Value, String) {
    let question = event["questions"][0]["id"].as_str().expect("question id").to_owned();
    let mut body = person(n);
    body["answers"] = json!({ question: format!("Projet {n}") });
    let (status, created) = app.sign_up(event["slug"].as_str().expect("slug"), body).await;
    assert_eq!(status, 201, "{created}");
    let token = created["cancel_url"].as_str().expect("url").rsplit('/').next().expect("token").to_owned();
    (created, token)
}

async fn registrations(app: &TestApp, token: &str, event: &Value) -> Vec<Value> {
    let url = app.url(&format!("/api/v1/events/{}/registrations", event["id"].as_str().expect("id")));
    let response = app.client.get(url).bearer_auth(token).send().await.expect("sent");
    assert_eq!(response.status(), 200);
    response.json().await.expect("json")
}

async fn csv(app: &TestApp, token: &str, event: &Value) -> String {
    let url = app.url(&format!("/api/v1/events/{}/attendees.csv", event["id"].as_str().expect("id")));
    let response = app.client.get(url).bearer_auth(token).send().await.expect("sent");
    assert_eq!(response.status(), 200);
    response.text().await.expect("csv")
}

async fn send(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.expect("sent");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn a_person_downloads_corrects_and_erases_their_data() {
    let clock = Clock::manual(Utc::now());
    let app = spawn_with_clock(clock.clone(), |_| {}).await;
    let organizer = organizer_token(&app, ORGANIZER).await;
    let event = event(&app, &organizer, &clock, 1, json!({})).await;
    let (_, lea) = sign_up(&app, &event, 1).await;
    let (waiting, _) = sign_up(&app, &event, 2).await;
    assert_eq!(waiting["status"], "waitlisted");

    // Download: everything stored, as a file to keep.
    let response = app.client.get(app.url(&format!("/api/v1/registrations/{lea}/data"))).send().await.expect("sent");
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-disposition"].to_str().expect("header").starts_with("attachment"));
    let data: Value = response.json().await.expect("json");
    assert_eq!(data["registration"]["name"], "Étudiant·e 1");
    assert_eq!(data["registration"]["email"], "etudiant1@example.org");
    assert_eq!(data["registration"]["status"], "confirmed");
    assert_eq!(data["event"]["title"], "Masterclass Sanofi : bioproduction de vaccins");
    assert_eq!(data["answers"], json!([{"question": "Votre projet professionnel", "answer": "Projet 1"}]));
    assert_eq!(data["consent_version"], "2026-12");
    assert!(data["consented_at"].is_string());
    assert_eq!(data["emails"][0]["kind"], "confirmed");
    assert_eq!(data["emails"][0]["subject"], "Inscription confirmée : Masterclass Sanofi : bioproduction de vaccins");

    // Consent as organizers see it.
    let lines = registrations(&app, &organizer, &event).await;
    assert_eq!(lines[0]["consent_version"], "2026-12");
    assert_eq!(lines[0]["consented_at"], data["consented_at"]);
    assert!(csv(&app, &organizer, &event).await.lines().next().expect("header").contains("Consentement"));

    // Correct: validated as at sign-up, every error at once.
    let patch = |body: Value| app.client.patch(app.url(&format!("/api/v1/registrations/{lea}"))).json(&body);
    let (status, body) = send(patch(json!({"name": " ", "institution": "x".repeat(300)}))).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["fields"]["name"]["code"], "required");
    assert_eq!(body["error"]["fields"]["institution"]["code"], "too_long");
    let (status, body) = send(patch(json!({"name": "Léa Martin-Dupont", "institution": ""}))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["name"], "Léa Martin-Dupont");
    assert_eq!(body["institution"], Value::Null);
    assert_eq!(registrations(&app, &organizer, &event).await[0]["name"], "Léa Martin-Dupont");

    // Erase before the event: the seat goes on, the link dies, nothing personal stays.
    let erase = || app.client.delete(app.url(&format!("/api/v1/registrations/{lea}")));
    let response = erase().send().await.expect("sent");
    assert_eq!(response.status(), 204);
    assert_eq!(send(erase()).await.0, 404, "the token is dead");
    assert_eq!(app.get_json(&format!("/api/v1/registrations/{lea}/data")).await.0, 404);
    assert_eq!(app.get_page(&format!("/r/{lea}")).await.0, 404);
    let lines = registrations(&app, &organizer, &event).await;
    assert_eq!(lines[0]["status"], "cancelled");
    assert_eq!(lines[0]["name"], "");
    assert_eq!(lines[0]["email"], "");
    assert_eq!(lines[0]["institution"], Value::Null);
    assert_eq!(lines[0]["answers"], json!({}));
    assert!(lines[0]["anonymised_at"].is_string());
    assert_eq!(lines[1]["status"], "confirmed", "the person waiting got the seat");
    let export = csv(&app, &organizer, &event).await;
    assert!(!export.contains("Léa") && !export.contains("etudiant1@"), "{export}");
    assert!(export.contains("(anonymisé·e)"), "{export}");
    let db = app.open_database().await;
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE recipient = 'etudiant1@example.org'")
        .fetch_one(&db)
        .await
        .expect("count");
    assert_eq!(left, 0, "no message keeps the address");
}

async fn after_the_start_details_are_fixed_and_erasure_keeps_the_counts() {
    let clock = Clock::manual(Utc::now());
    let app = spawn_with_clock(clock.clone(), |_| {}).await;
    let organizer = organizer_token(&app, ORGANIZER).await;
    let event = event(&app, &organizer, &clock, 5, json!({})).await;
    let (_, first) = sign_up(&app, &event, 1).await;
    sign_up(&app, &event, 2).await;
    clock.advance(Duration::days(10) + Duration::hours(1));

    let patch = app.client.patch(app.url(&format!("/api/v1/registrations/{first}"))).json(&json!({"name": "Léa"}));
    let (status, body) = send(patch).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("event_started")));

    let response = app.client.delete(app.url(&format!("/api/v1/registrations/{first}"))).send().await;
    assert_eq!(response.expect("sent").status(), 204);
    let lines = registrations(&app, &organizer, &event).await;
    assert_eq!(lines[0]["status"], "confirmed", "after the event only the count stays");
    assert_eq!((lines[0]["name"].as_str(), lines[0]["level"].as_str()), (Some(""), Some("master")));
    let (_, public) = app.get_json(&format!("/api/v1/events/{}", event["id"].as_str().expect("id"))).await;
    assert_eq!(public["seats_left"], 3, "{public}");
}

async fn retention_anonymises_after_the_last_session_and_after_cancellation() {
    let clock = Clock::manual(Utc::now());
    let app = spawn_with_clock(clock.clone(), |_| {}).await;
    let organizer = organizer_token(&app, ORGANIZER).await;
    let yearly = event(&app, &organizer, &clock, 5, json!({})).await;
    let monthly = event(&app, &organizer, &clock, 5, json!({"title": "Table ronde", "retention_days": 30})).await;
    assert_eq!(monthly["retention_days"], 30);
    let (_, leaving) = sign_up(&app, &yearly, 1).await;
    sign_up(&app, &yearly, 2).await;
    sign_up(&app, &monthly, 3).await;
    assert_eq!(app.cancel(&format!("/r/{leaving}")).await.0, 200);
    let back_office = signed_in(&app, ORGANIZER).await;
    let page = format!("/admin/events/{}", yearly["id"].as_str().expect("id"));
    let fields = [("subject", "Accès au site"), ("body", "Badge à l'accueil du bâtiment B.")];
    let response = common::post(&back_office, &app, &page, &format!("{page}/message"), &fields).await;
    assert!(response.status().is_redirection() || response.status().is_success(), "{}", response.status());
    common::settled_outbox(&app.open_database().await).await;
    let bodies = || async {
        let db = app.open_database().await;
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE body IS NOT NULL")
            .fetch_one(&db)
            .await
            .expect("count");
        n
    };
    assert_eq!(bodies().await, 1, "the message's text, to the one confirmed person");

    let names =
        |lines: &[Value]| lines.iter().map(|l| l["name"].as_str().unwrap_or("?").to_owned()).collect::<Vec<_>>();
    // 31 days on: the cancellation is older than 30 days, the message's text too.
    clock.advance(Duration::days(31));
    app.jobs_settled().await;
    assert_eq!(names(&registrations(&app, &organizer, &yearly).await), ["", "Étudiant·e 2"]);
    assert_eq!(
        names(&registrations(&app, &organizer, &monthly).await),
        ["Étudiant·e 3"],
        "its 30 days run from its end"
    );
    assert_eq!(bodies().await, 0, "sent texts are purged after 30 days");
    let db = app.open_database().await;
    let sent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'announcement' AND status = 'sent'")
        .fetch_one(&db)
        .await
        .expect("count");
    assert_eq!(sent, 1, "the delivery record stays");

    // The short event's 30 days after its end (10 days and 7 hours from the start).
    clock.advance(Duration::days(10));
    app.jobs_settled().await;
    assert_eq!(names(&registrations(&app, &organizer, &monthly).await), [""]);
    assert_eq!(names(&registrations(&app, &organizer, &yearly).await), ["", "Étudiant·e 2"]);

    // RETENTION_DAYS (365) after the yearly one's end.
    clock.advance(Duration::days(365 - 31 + 1));
    app.jobs_settled().await;
    let lines = registrations(&app, &organizer, &yearly).await;
    assert_eq!(names(&lines), ["", ""]);
    assert_eq!(lines[1]["status"], "confirmed", "counts per status stay for funders");
    assert_eq!(lines[1]["level"], "master");

    // Each run left one entry, with counts and no names.
    let history: Vec<String> = sqlx::query_scalar("SELECT params FROM audit_log WHERE action = 'data_retention'")
        .fetch_all(&db)
        .await
        .expect("history");
    let anonymised: i64 = history
        .iter()
        .map(|p| serde_json::from_str::<Value>(p).expect("json")["anonymised"].as_i64().expect("count"))
        .sum();
    // The one who cancelled, the short event's, the yearly one's: each once.
    assert_eq!(anonymised, 3, "{history:?}");
    assert!(history.iter().all(|p| !p.contains("Étudiant")), "{history:?}");
}

async fn a_seat_given_to_a_colleague_keeps_its_place() {
    let clock = Clock::manual(Utc::now());
    let app = spawn_with_clock(clock.clone(), |_| {}).await;
    let organizer = organizer_token(&app, ORGANIZER).await;
    let event = event(&app, &organizer, &clock, 2, json!({})).await;
    let (_, first) = sign_up(&app, &event, 1).await;
    sign_up(&app, &event, 2).await;
    let (_, third) = sign_up(&app, &event, 3).await;
    sign_up(&app, &event, 4).await;
    let colleague = |n: usize, level: &str| json!({"name": format!("Collègue {n}"), "email": format!("collegue{n}@example.org"), "institution": "Oniris", "level": level});
    let transfer = |token: &str, body: Value| {
        app.client.post(app.url(&format!("/api/v1/registrations/{token}/transfer"))).json(&body)
    };

    // Refused: a level the event does not admit, an address already registered, bad fields.
    let (status, body) = send(transfer(&first, colleague(5, "bts_but"))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("level_not_admitted")));
    let mut taken = colleague(5, "master");
    taken["email"] = json!("etudiant2@example.org");
    let (status, body) = send(transfer(&first, taken)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("already_registered")));
    let (status, body) = send(transfer(&first, json!({"name": "", "email": "nope", "level": "master"}))).await;
    assert_eq!(status, 422);
    assert!(body["error"]["fields"]["name"].is_object() && body["error"]["fields"]["email"].is_object(), "{body}");

    // A confirmed seat stays confirmed; a place on the waiting list keeps its rank.
    let (status, given) = send(transfer(&first, colleague(5, "master"))).await;
    assert_eq!(status, 201, "{given}");
    assert_eq!(given["status"], "confirmed");
    let new_token = given["cancel_url"].as_str().expect("url").rsplit('/').next().expect("token").to_owned();
    let (status, body) = send(transfer(&third, colleague(6, "doctorat"))).await;
    assert_eq!(
        (status, body["status"].as_str(), body["waitlist_position"].as_i64()),
        (201, Some("waitlisted"), Some(1))
    );
    let lines = registrations(&app, &organizer, &event).await;
    let by_email = |email: &str| lines.iter().find(|l| l["email"] == email).expect("listed").clone();
    assert_eq!(by_email("etudiant1@example.org")["status"], "cancelled");
    assert_eq!(by_email("etudiant4@example.org")["waitlist_position"], 2, "nobody passed or moved");
    let (_, public) = app.get_json(&format!("/api/v1/events/{}", event["id"].as_str().expect("id"))).await;
    assert_eq!((public["seats_left"].as_i64(), public["waitlist_length"].as_i64()), (Some(0), Some(2)), "{public}");

    // Both are emailed; the old link has no seat left to give; the new one works.
    common::settled_outbox(&app.open_database().await).await;
    assert_eq!(app.sent_to("transferred").await, ["etudiant1@example.org", "etudiant3@example.org"]);
    assert!(app.sent_to("confirmed").await.contains(&"collegue5@example.org".to_owned()));
    assert!(app.sent_to("waitlisted").await.contains(&"collegue6@example.org".to_owned()));
    let (status, body) = send(transfer(&first, colleague(7, "master"))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("registration_cancelled")));
    let (status, data) = app.get_json(&format!("/api/v1/registrations/{new_token}/data")).await;
    assert_eq!((status, data["registration"]["name"].as_str()), (200, Some("Collègue 5")));
}

async fn lost_links_get_the_same_answer_for_any_address() {
    let clock = Clock::manual(Utc::now());
    let app = spawn_with_clock(clock.clone(), |_| {}).await;
    let organizer = organizer_token(&app, ORGANIZER).await;
    let event = event(&app, &organizer, &clock, 5, json!({})).await;
    sign_up(&app, &event, 1).await;
    let ask = |email: &str| app.client.post(app.url("/api/v1/registration-links")).json(&json!({ "email": email }));
    let known = send(ask("Etudiant1@Example.org")).await;
    let unknown = send(ask("personne@example.org")).await;
    assert_eq!(known.0, 202);
    assert_eq!(known, unknown, "nobody learns who is registered");
    assert_eq!(send(ask("pas une adresse")).await.0, 422);
    app.jobs_settled().await;
    assert_eq!(app.sent_to("link").await, ["etudiant1@example.org"]);

    // Limited per address: asking again and again mails a few times only.
    for _ in 0..6 {
        assert_eq!(send(ask("etudiant1@example.org")).await, known);
    }
    assert_eq!(app.sent_to("link").await.len(), 3, "three an hour for one address");

    // The form says the same for both.
    let web = reqwest::Client::builder().cookie_store(true).build().expect("client");
    let mut answers = Vec::new();
    for email in ["etudiant1@example.org", "quelquun@example.org"] {
        let (_, form) = common::page(&web, app.url("/mes-inscriptions")).await;
        let csrf = common::csrf_field(&form);
        let response = web.post(app.url("/mes-inscriptions")).form(&[("csrf", csrf.as_str()), ("email", email)]);
        let page = response.send().await.expect("sent").text().await.expect("page");
        answers.push(page.contains("un e-mail est en route"));
    }
    assert_eq!(answers, [true, true]);
}

async fn organizers_edit_a_registration_and_it_is_in_the_history() {
    let clock = Clock::manual(Utc::now());
    let app = spawn_with_clock(clock.clone(), |_| {}).await;
    let organizer = organizer_token(&app, ORGANIZER).await;
    let event = event(&app, &organizer, &clock, 5, json!({})).await;
    let (created, _) = sign_up(&app, &event, 1).await;
    sign_up(&app, &event, 2).await;
    let id = event["id"].as_str().expect("id");
    let url = app.url(&format!("/api/v1/events/{id}/registrations/{}", created["id"].as_str().expect("id")));
    let edit = |body: Value| app.client.patch(&url).bearer_auth(&organizer).json(&body);

    let (status, body) = send(edit(json!({"email": "etudiant2@example.org"}))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("already_registered")));
    let (status, body) = send(edit(json!({"email": "nope", "level": "postdoc"}))).await;
    assert_eq!(status, 422);
    assert!(body["error"]["fields"]["email"].is_object() && body["error"]["fields"]["level"].is_object());
    let (status, body) =
        send(edit(json!({"name": "Léa Martin", "email": "lea.martin@example.org", "level": "doctorat"}))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!((body["name"].as_str(), body["level"].as_str()), (Some("Léa Martin"), Some("doctorat")));
    let anonymous = app.client.patch(&url).json(&json!({"name": "x"})).send().await.expect("sent");
    assert_eq!(anonymous.status(), 401);

    common::settled_outbox(&app.open_database().await).await;
    assert!(app.sent_to("confirmed").await.contains(&"lea.martin@example.org".to_owned()), "the new address is told");
    let back_office = signed_in(&app, ORGANIZER).await;
    let (_, page) = common::page(&back_office, app.url(&format!("/admin/events/{id}"))).await;
    assert!(page.contains("Inscription modifiée (Nom, E-mail, Niveau) : Léa Martin"), "in the history");

    // And from the back-office form.
    let edit_page = format!("/admin/events/{id}/registrations/{}/edit", created["id"].as_str().expect("id"));
    let (status, form) = common::page(&back_office, app.url(&edit_page)).await;
    assert_eq!(status, 200);
    assert!(form.contains(r#"value="lea.martin@example.org""#));
    let fields = [
        ("name", "Léa Martin-Dupont"),
        ("email", "lea.martin@example.org"),
        ("institution", "Oniris"),
        ("level", "doctorat"),
    ];
    let response = common::post(&back_office, &app, &edit_page, &edit_page, &fields).await;
    assert_eq!(response.status(), 303);
    let (_, page) = common::page(&back_office, app.url(&format!("/admin/events/{id}"))).await;
    assert!(page.contains("Léa Martin-Dupont") && page.contains("Oniris"));
    let bad = [("name", ""), ("email", "lea.martin@example.org"), ("institution", ""), ("level", "doctorat")];
    let response = common::post(&back_office, &app, &edit_page, &edit_page, &bad).await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.expect("page").contains(r#"id="name-error""#));
}

/// The pages a person uses, from the link in their email.
async fn the_person_does_it_all_from_their_page() {
    let clock = Clock::manual(Utc::now());
    let app = spawn_with_clock(clock.clone(), |_| {}).await;
    let organizer = organizer_token(&app, ORGANIZER).await;
    let event = event(&app, &organizer, &clock, 5, json!({})).await;
    let (_, token) = sign_up(&app, &event, 1).await;
    let web = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build();
    let web = web.expect("client");
    let (_, mine) = common::page(&web, app.url(&format!("/r/{token}"))).await;
    for link in ["/data", "/details", "/transfer", "/erase"] {
        assert!(mine.contains(&format!("{token}{link}")), "{link} on the page");
    }

    let page_of = |path: &str| format!("/r/{token}/{path}");
    let response =
        common::post(&web, &app, &page_of("details"), &page_of("details"), &[("name", ""), ("institution", "")]).await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.expect("page").contains(r#"id="name-error""#));
    let fields = [("name", "Léa Martin"), ("institution", "Nantes Université")];
    let response = common::post(&web, &app, &page_of("details"), &page_of("details"), &fields).await;
    assert_eq!(response.headers()["location"], format!("/r/{token}?done=corrected"));
    let (_, mine) = common::page(&web, app.url(&format!("/r/{token}?done=corrected"))).await;
    assert!(mine.contains("Vos informations sont corrigées.") && mine.contains("Léa Martin"));

    // Erasure asks first.
    let (status, ask) = common::page(&web, app.url(&page_of("erase"))).await;
    assert_eq!(status, 200);
    assert!(ask.contains("C'est définitif.") && ask.contains("Effacer définitivement mes données"));
    let response = common::post(&web, &app, &page_of("erase"), &page_of("erase"), &[]).await;
    assert_eq!(response.status(), 200);
    assert!(response.text().await.expect("page").contains("Vos données sont effacées"));
    assert_eq!(common::page(&web, app.url(&format!("/r/{token}"))).await.0, 404);
}
