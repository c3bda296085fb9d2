//! Input that passed validation and should not have (issue 16): addresses
//! no mail can go to, one mailbox typed several ways, invisible characters
//! in names, and titles with no word to make an address from.

mod common;

use common::{TestApp, atelier, csrf_field, masterclass, organizer_token, person, spawn_app};
use serde_json::{Value, json};

on_both_backends! {
    #[tokio::test] addresses_no_mail_can_reach_are_refused_everywhere,
    #[tokio::test] the_form_explains_an_undeliverable_address_in_the_persons_language,
    #[tokio::test] one_mailbox_typed_several_ways_gets_one_seat,
    #[tokio::test] invisible_characters_are_removed_and_control_characters_refused,
    #[tokio::test] events_titled_without_words_get_a_usable_address,
    #[tokio::test] broken_slugs_stored_before_are_repaired_on_upgrade,
    #[tokio::test] organizer_names_follow_the_same_rules,
}

const UNDELIVERABLE: [&str; 4] = [r#""a b"@example.org"#, "a@[127.0.0.1]", r#""lea"@example.org"#, "a@127.0.0.1"];

/// A published masterclass of the organizer's, ten seats; its id.
async fn organizers_event(app: &TestApp, token: &str, slug: &str) -> String {
    let body = json!({
        "kind": "masterclass",
        "slug": slug,
        "title": "Masterclass Naobios",
        "starts_at": "2099-06-15T09:00:00+02:00",
        "ends_at": "2099-06-15T17:00:00+02:00",
        "registration_opens_at": "2000-01-01T00:00:00Z",
        "location": "Naobios",
        "host": "Naobios",
        "capacity": 10,
        "status": "published"
    });
    let (status, event) = send(app.client.post(app.url("/api/v1/events")).bearer_auth(token).json(&body)).await;
    assert_eq!(status, 201, "{event}");
    event["id"].as_str().expect("id").to_owned()
}

fn with_email(n: usize, email: &str) -> Value {
    let mut body = person(n);
    body["email"] = json!(email);
    body
}

async fn send(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.expect("sent");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn addresses_no_mail_can_reach_are_refused_everywhere() {
    let app = spawn_app().await;
    let organizer = organizer_token(&app, "orga@example.org").await;
    let event = organizers_event(&app, &organizer, "adresses").await;
    let (_, lea) = app.sign_up("adresses", person(1)).await;
    let lea_id = lea["id"].as_str().expect("id").to_owned();
    for (n, email) in UNDELIVERABLE.into_iter().enumerate() {
        // Sign-up.
        let (status, body) = app.sign_up("adresses", with_email(n + 2, email)).await;
        assert_eq!(status, 422, "{email}: {body}");
        assert_eq!(body["error"]["code"], "invalid_input");
        assert_eq!(body["error"]["fields"]["email"]["code"], "invalid_email", "{email}");
        // An organizer's correction of someone's address.
        let url = app.url(&format!("/api/v1/events/{event}/registrations/{lea_id}"));
        let (status, body) = send(app.client.patch(url).bearer_auth(&organizer).json(&json!({ "email": email }))).await;
        assert_eq!(status, 422, "{email}: {body}");
        assert_eq!(body["error"]["fields"]["email"]["code"], "invalid_email");
        // An organizer account.
        let added = atelier(&app, &["organizer", "add", email], Some(common::PASSWORD)).await;
        assert!(!added.status.success(), "{email} became an organizer");
    }
    let (_, event) = app.get_json("/api/v1/events/adresses").await;
    assert_eq!(event["seats_left"], 9, "no seat went to an address with no mailbox");
}

async fn the_form_explains_an_undeliverable_address_in_the_persons_language() {
    let app = spawn_app().await;
    app.create_event(masterclass("formulaire", 10)).await;
    for (lang, sentence) in [("fr", "Saisissez une adresse e-mail valide"), ("en", "Enter a valid email address")] {
        let (_, page) = app.get_page(&format!("/events/formulaire?lang={lang}")).await;
        let csrf = csrf_field(&page);
        let fields = [
            ("csrf", csrf.as_str()),
            ("name", "Léa Dupont"),
            ("email", r#""a b"@example.org"#),
            ("level", "master"),
            ("consent", "yes"),
        ];
        let response = app.client.post(app.url("/events/formulaire")).form(&fields).send().await.expect("sent");
        assert_eq!(response.status(), 422);
        let page = response.text().await.expect("page");
        assert!(page.contains(r#"id="email-error""#) && page.contains(sentence), "{lang}: {page}");
    }
}

async fn one_mailbox_typed_several_ways_gets_one_seat() {
    let app = spawn_app().await;
    app.create_event(masterclass("boite", 10)).await;
    let (status, first) = app.sign_up("boite", with_email(1, "lea@exämple.org")).await;
    assert_eq!(status, 201, "{first}");
    for (n, email) in ["lea@xn--exmple-cua.org", "LEA@EXÄMPLE.ORG", "ｌｅａ@exämple.org", "lea@exa\u{308}mple.org"]
        .into_iter()
        .enumerate()
    {
        let (status, body) = app.sign_up("boite", with_email(n + 2, email)).await;
        assert_eq!(status, 409, "{email}: {body}");
        assert_eq!(body["error"]["code"], "already_registered", "{email}");
    }
    let (status, _) = app.sign_up("boite", with_email(9, "ｌｅａ@example.org")).await;
    assert_eq!(status, 201);
    let (status, body) = app.sign_up("boite", with_email(10, "lea@example.org")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("already_registered")), "full-width letters");
    let (_, event) = app.get_json("/api/v1/events/boite").await;
    assert_eq!(event["seats_left"], 8);
}

async fn invisible_characters_are_removed_and_control_characters_refused() {
    let app = spawn_app().await;
    let organizer = organizer_token(&app, "orga@example.org").await;
    let event = organizers_event(&app, &organizer, "caracteres").await;
    let mut body = person(1);
    body["name"] = json!("\u{202E}Léa\u{200B} Dup\u{200D}ont\u{FEFF}");
    body["institution"] = json!("Nantes\u{2066} Université\u{202C}");
    let (status, created) = app.sign_up("caracteres", body).await;
    assert_eq!(status, 201, "{created}");
    let lines = registrations(&app, &organizer, &event).await;
    assert_eq!(lines[0]["name"], "Léa Dupont");
    assert_eq!(lines[0]["institution"], "Nantes Université");

    for (field, value) in [("name", "Léa\u{1B}[31m"), ("name", "Léa\nDupont"), ("institution", "Nantes\u{7}")] {
        let mut body = person(2);
        body[field] = json!(value);
        let (status, refused) = app.sign_up("caracteres", body).await;
        assert_eq!(status, 422, "{value:?}");
        assert_eq!(refused["error"]["fields"][field]["code"], "invalid_characters", "{value:?}");
    }
    // The person's own correction follows the same rule.
    let token = created["cancel_url"].as_str().expect("url").rsplit('/').next().expect("token").to_owned();
    let url = app.url(&format!("/api/v1/registrations/{token}"));
    let (status, corrected) = send(app.client.patch(&url).json(&json!({ "name": "Léa\u{200B} Martin" }))).await;
    assert_eq!((status, corrected["name"].as_str()), (200, Some("Léa Martin")));
    let (status, refused) = send(app.client.patch(&url).json(&json!({ "name": "Léa\u{0}" }))).await;
    assert_eq!(status, 422);
    assert_eq!(refused["error"]["fields"]["name"]["code"], "invalid_characters");
}

async fn registrations(app: &TestApp, token: &str, event: &str) -> Vec<Value> {
    let url = app.url(&format!("/api/v1/events/{event}/registrations"));
    let (status, lines) = send(app.client.get(url).bearer_auth(token)).await;
    assert_eq!(status, 200);
    lines.as_array().expect("a list").clone()
}

async fn events_titled_without_words_get_a_usable_address() {
    let app = spawn_app().await;
    let token = organizer_token(&app, "orga@example.org").await;
    let mut slugs = Vec::new();
    for _ in 0..2 {
        let body = json!({
            "kind": "round_table",
            "title": "!!!",
            "starts_at": "2099-06-15T09:00:00+02:00",
            "ends_at": "2099-06-15T12:00:00+02:00",
            "location": "Cité des congrès",
            "host": "Atlanpole Biotherapies",
            "capacity": 100,
            "status": "published"
        });
        let (status, event) = send(app.client.post(app.url("/api/v1/events")).bearer_auth(&token).json(&body)).await;
        assert_eq!(status, 201, "{event}");
        slugs.push(event["slug"].as_str().expect("slug").to_owned());
    }
    assert_eq!(slugs[0], "evenement");
    assert!(slugs[1].starts_with("evenement-") && slugs[1].len() == "evenement-".len() + 4, "{}", slugs[1]);
    for slug in &slugs {
        assert_eq!(app.get_page(&format!("/events/{slug}")).await.0, 200, "the catalogue's link works");
        let (_, catalogue) = app.get_page("/").await;
        assert!(catalogue.contains(&format!(r#"href="/events/{slug}""#)), "{slug} in the catalogue");
        let url = app.url(&format!("/api/v1/events/{slug}"));
        let (status, edited) = send(app.client.patch(url).bearer_auth(&token).json(&json!({ "capacity": 120 }))).await;
        assert_eq!(status, 200, "the event can be edited: {edited}");
        assert_eq!(edited["capacity"], 120);
    }
    // A chosen slug cannot pass for an event's id either.
    let url = app.url(&format!("/api/v1/events/{}", slugs[0]));
    let id = uuid::Uuid::new_v4().to_string();
    let (status, refused) = send(app.client.patch(url).bearer_auth(&token).json(&json!({ "slug": id }))).await;
    assert_eq!(status, 422);
    assert_eq!(refused["error"]["fields"]["slug"]["code"], "invalid_slug");
}

/// Events stored with the slugs titles like `!!!` got before (`""`, then
/// `-fed3`): rewind two events to that state, upgrade again, and find both
/// in the catalogue and editable.
async fn broken_slugs_stored_before_are_repaired_on_upgrade() {
    let app = spawn_app().await;
    let broken = ["", "-fed3", "0193a5c2-7f1e-7c3a-9d2b-5e6f7a8b9c0d"];
    let mut events = Vec::new();
    for (n, slug) in broken.iter().enumerate() {
        let event = app.create_event(masterclass(&format!("casse-{n}"), 10)).await;
        let db = app.open_database().await;
        sqlx::query("UPDATE events SET slug = $1 WHERE title = $2")
            .bind(*slug)
            .bind(&event.title)
            .execute(&db)
            .await
            .expect("rewound");
        events.push(event);
    }
    let db = app.open_database().await;
    sqlx::query("DELETE FROM _sqlx_migrations WHERE description = 'repair slugs'").execute(&db).await.expect("rewound");
    db.close().await;
    let app = app.restart(|_| {}).await;

    for event in &events {
        let (status, read) = app.get_json(&format!("/api/v1/events/{}", event.id)).await;
        assert_eq!(status, 200);
        let slug = read["slug"].as_str().expect("slug");
        let id = event.id.simple().to_string();
        assert_eq!(slug, format!("evenement-{}", &id[24..]), "from the end of the id");
        let (status, _) = app.get_page(&format!("/events/{slug}")).await;
        assert_eq!(status, 200, "{slug}");
    }
}

async fn organizer_names_follow_the_same_rules() {
    let app = spawn_app().await;
    let output =
        atelier(&app, &["organizer", "add", "rtl@example.org", "--name", "Nao\u{202E}bios"], Some(common::PASSWORD))
            .await;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let output =
        atelier(&app, &["organizer", "add", "bell@example.org", "--name", "Nao\u{7}bios"], Some(common::PASSWORD))
            .await;
    assert!(!output.status.success(), "a control character is refused");
    let db = app.open_database().await;
    let name: String = sqlx::query_scalar("SELECT name FROM organizers WHERE email = 'rtl@example.org'")
        .fetch_one(&db)
        .await
        .expect("stored");
    assert_eq!(name, "Naobios", "the right-to-left override is removed");
}
