//! Per-event questions: asked at sign-up, validated, stored and exported.

mod common;

use common::{csrf_field, organizer_token, person, spawn_app};
use serde_json::{Value, json};

on_both_backends! {
    #[tokio::test] answers_are_checked_stored_and_exported,
    #[tokio::test] the_public_form_asks_the_questions,
    #[tokio::test] questions_are_kept_when_an_edit_does_not_touch_them,
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)] answers_stay_with_their_person_when_many_sign_up_at_once,
}

async fn event_with_questions(app: &common::TestApp, token: &str) -> Value {
    let body = json!({
        "kind": "masterclass", "title": "Masterclass Naobios", "starts_at": "2099-03-02T09:00:00+01:00",
        "ends_at": "2099-03-02T17:00:00+01:00", "location": "Naobios", "host": "Naobios", "capacity": 10,
        "status": "published",
        "questions": [
            {"label": "Allergies ou régime alimentaire", "kind": "text"},
            {"label": "Déjeuner", "kind": "choice", "choices": ["Standard", "Végétarien"], "required": true},
            {"label": "Accord pour les photos", "kind": "yes_no", "required": true}
        ]
    });
    let response = app.client.post(app.url("/api/v1/events")).bearer_auth(token).json(&body).send().await;
    let response = response.expect("sent");
    assert_eq!(response.status(), 201);
    response.json().await.expect("json")
}

/// The event's registrations, as its organizer's API lists them.
async fn registrations(app: &common::TestApp, token: &str) -> Value {
    let response = app
        .client
        .get(app.url("/api/v1/events/masterclass-naobios/registrations"))
        .bearer_auth(token)
        .send()
        .await
        .expect("sent");
    response.json().await.expect("json")
}

async fn answers_are_checked_stored_and_exported() {
    let app = spawn_app().await;
    let token = organizer_token(&app, "questions@example.org").await;
    let created = event_with_questions(&app, &token).await;
    let (_, event) = app.get_json("/api/v1/events/masterclass-naobios").await;
    assert_eq!(event["questions"], created["questions"]);
    let questions = event["questions"].as_array().expect("questions").clone();
    assert_eq!(questions.len(), 3);
    assert_eq!(questions[1]["choices"], json!(["Standard", "Végétarien"]));
    let id = |i: usize| questions[i]["id"].as_str().expect("id").to_owned();

    // Required answers missing, an unknown choice: every problem by field.
    let mut body = person(1);
    body["answers"] = json!({ id(1): "Poisson" });
    let (status, error) = app.sign_up("masterclass-naobios", body).await;
    assert_eq!(status, 422);
    let fields = &error["error"]["fields"];
    assert_eq!(fields[format!("answers.{}", id(1))]["code"], "unknown_choice");
    assert_eq!(fields[format!("answers.{}", id(2))]["code"], "required");
    assert!(fields.get(format!("answers.{}", id(0))).is_none(), "optional question");

    let mut body = person(1);
    body["answers"] = json!({ id(0): "Sans gluten", id(1): "Végétarien", id(2): "yes" });
    assert_eq!(app.sign_up("masterclass-naobios", body).await.0, 201);

    let list = registrations(&app, &token).await;
    assert_eq!(list[0]["answers"][id(1)], "Végétarien");
    assert_eq!(list[0]["answers"][id(2)], "yes");

    let csv = app
        .client
        .get(app.url("/api/v1/events/masterclass-naobios/attendees.csv"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("sent")
        .bytes()
        .await
        .expect("body");
    let mut reader = csv::Reader::from_reader(&csv[3..]);
    let headers = reader.headers().expect("headers").clone();
    assert_eq!(&headers[headers.len() - 3], "Allergies ou régime alimentaire");
    assert_eq!(&headers[headers.len() - 1], "Accord pour les photos");
    let row = reader.records().next().expect("a row").expect("readable");
    assert_eq!(&row[row.len() - 3], "Sans gluten");
    assert_eq!(&row[row.len() - 2], "Végétarien");
}

/// Simultaneous sign-ups are stored together (in one SQLite transaction):
/// each person's answers must still be theirs.
async fn answers_stay_with_their_person_when_many_sign_up_at_once() {
    let app = spawn_app().await;
    let token = organizer_token(&app, "rush-questions@example.org").await;
    let created = event_with_questions(&app, &token).await;
    let id = |i: usize| created["questions"][i]["id"].as_str().expect("id").to_owned();
    let lunch = |n: usize| if n.is_multiple_of(3) { "Végétarien" } else { "Standard" };
    let photos = |n: usize| if n.is_multiple_of(2) { "yes" } else { "no" };

    let answers = futures::future::join_all((0..60).map(|n| {
        let mut body = person(n);
        // Every third person leaves the optional question blank.
        body["answers"] = if n % 3 == 1 {
            json!({ id(1): lunch(n), id(2): photos(n) })
        } else {
            json!({ id(0): format!("Allergie n°{n}"), id(1): lunch(n), id(2): photos(n) })
        };
        let app = &app;
        async move { app.sign_up("masterclass-naobios", body).await }
    }))
    .await;
    let (confirmed, positions) = common::seats_taken(&answers);
    assert_eq!((confirmed, positions.len()), (10, 50));

    let list = registrations(&app, &token).await;
    assert_eq!(list.as_array().map(Vec::len), Some(60));
    for registration in list.as_array().into_iter().flatten() {
        let email = registration["email"].as_str().expect("email");
        let n: usize = email.trim_start_matches("etudiant").trim_end_matches("@example.org").parse().expect("n");
        let given = &registration["answers"];
        let allergy = if n % 3 == 1 { Value::Null } else { json!(format!("Allergie n°{n}")) };
        assert_eq!(given[id(0)], allergy, "{email}");
        assert_eq!(given[id(1)], lunch(n), "{email}");
        assert_eq!(given[id(2)], photos(n), "{email}");
    }
}

async fn the_public_form_asks_the_questions() {
    let app = spawn_app().await;
    let token = organizer_token(&app, "form@example.org").await;
    let created = event_with_questions(&app, &token).await;
    let choice = format!("answers.{}", created["questions"][1]["id"].as_str().expect("id"));
    let yes_no = format!("answers.{}", created["questions"][2]["id"].as_str().expect("id"));

    let (_, page) = app.get_page("/events/masterclass-naobios").await;
    assert!(page.contains("Allergies ou régime alimentaire (facultatif)"));
    assert!(page.contains("<legend>Déjeuner</legend>"));
    assert!(page.contains(&format!(r#"name="{choice}" value="Végétarien""#)));
    let csrf = csrf_field(&page);
    let base = [
        ("csrf", csrf.as_str()),
        ("name", "Léa Dupont"),
        ("email", "lea@example.org"),
        ("level", "master"),
        ("consent", "yes"),
    ];

    let mut missing = base.to_vec();
    missing.push((choice.as_str(), "Standard"));
    let response = app.client.post(app.url("/events/masterclass-naobios")).form(&missing).send().await.expect("sent");
    assert_eq!(response.status(), 422);
    let page = response.text().await.expect("page");
    assert!(page.contains("Ce champ est obligatoire."));
    assert!(page.contains(r#"value="Standard" checked"#), "the answer given is kept");
    // The summary names the question and leads to its group, which the
    // message describes.
    let link = format!("<a href=\"#{yes_no}\">Accord pour les photos\u{a0}: Ce champ est obligatoire.");
    assert!(page.contains(&link), "{page}");
    assert!(page.contains(&format!(r#"id="{yes_no}" aria-describedby="{yes_no}-error""#)), "{page}");
    assert!(page.contains(&format!(r#"id="{yes_no}-error""#)), "{page}");

    let mut complete = missing.clone();
    complete.push((yes_no.as_str(), "no"));
    let response = app.client.post(app.url("/events/masterclass-naobios")).form(&complete).send().await.expect("sent");
    assert_eq!(response.status(), 303);

    // The organizer reads each answer in its question's column.
    let organizer = common::signed_in(&app, "form@example.org").await;
    let (_, list) = common::page(&organizer, app.url("/admin/events/masterclass-naobios")).await;
    for question in ["Allergies ou régime alimentaire", "Déjeuner", "Accord pour les photos"] {
        assert!(list.contains(&format!(r#"<th scope="col">{question}</th>"#)), "{question}: {list}");
    }
    assert!(list.contains(r#"<td data-label="Déjeuner">Standard</td>"#), "{list}");
    assert!(list.contains(r#"<td data-label="Accord pour les photos">Non</td>"#), "{list}");
}

async fn questions_are_kept_when_an_edit_does_not_touch_them() {
    let app = spawn_app().await;
    let token = organizer_token(&app, "keep@example.org").await;
    let created = event_with_questions(&app, &token).await;
    let id = |i: usize| created["questions"][i]["id"].as_str().expect("id").to_owned();
    let mut body = person(1);
    body["answers"] = json!({ id(1): "Standard", id(2): "yes" });
    assert_eq!(app.sign_up("masterclass-naobios", body).await.0, 201);

    let patch = |body: Value| {
        app.client.patch(app.url("/api/v1/events/masterclass-naobios")).bearer_auth(&token).json(&body).send()
    };
    let updated: Value = patch(json!({"capacity": 20})).await.expect("sent").json().await.expect("json");
    assert_eq!(updated["questions"], created["questions"], "untouched");
    let list = registrations(&app, &token).await;
    assert_eq!(list[0]["answers"][id(1)], "Standard", "answers survive other edits");

    let response = patch(json!({"questions": [{"label": "Un seul choix", "kind": "choice", "choices": ["A"]}]})).await;
    let response = response.expect("sent");
    assert_eq!(response.status(), 422);
    let error: Value = response.json().await.expect("json");
    assert_eq!(error["error"]["fields"]["questions"]["code"], "too_small");
}
