//! Organizer accounts from the command line, and creating events through
//! the API with a bearer token.

mod common;

use common::{atelier, organizer_token, spawn_app};
use serde_json::json;

on_both_backends! {
    #[tokio::test] an_organizer_creates_an_event_with_a_token,
    #[tokio::test] drafts_stay_private,
    #[tokio::test] invalid_events_get_field_errors,
    #[tokio::test] the_organizer_api_refuses_callers_without_a_valid_token,
    #[tokio::test] the_command_line_refuses_weak_passwords_and_duplicates,
    #[tokio::test] raising_capacity_promotes_the_waiting_list_and_lowering_removes_nobody,
    #[tokio::test] cancelling_an_event_tells_everyone_registered,
    #[tokio::test] organizers_cannot_touch_each_others_events,
    #[tokio::test] no_seat_is_handed_on_once_the_event_is_cancelled,
}

fn event_body() -> serde_json::Value {
    json!({
        "kind": "masterclass",
        "title": "Masterclass EFS : thérapie cellulaire",
        "description": "Une journée à l'Unité de Thérapie Cellulaire et Génique.",
        "starts_at": "2099-06-15T09:00:00+02:00",
        "ends_at": "2099-06-15T17:00:00+02:00",
        "location": "Établissement français du sang",
        "address": "Nantes",
        "host": "EFS",
        "levels": ["bts_but", "master"],
        "capacity": 12,
        "status": "published"
    })
}

async fn an_organizer_creates_an_event_with_a_token() {
    let app = spawn_app().await;
    let token = organizer_token(&app, "Organisation@Atlanpole.example").await;

    let response =
        app.client.post(app.url("/api/v1/events")).bearer_auth(&token).json(&event_body()).send().await.expect("sent");
    assert_eq!(response.status(), 201);
    let created: serde_json::Value = response.json().await.expect("json");
    assert_eq!(created["slug"], "masterclass-efs-therapie-cellulaire");
    assert_eq!(created["starts_at"], "2099-06-15T07:00:00Z");
    assert_eq!(created["levels"], json!(["bts_but", "master"]));
    assert_eq!(created["seats_left"], 12);
    assert_eq!(created["registration_closes_at"], created["starts_at"]);

    let (_, listed) = app.get_json("/api/v1/events").await;
    assert_eq!(listed[0]["id"], created["id"], "published events are public at once");
    let (status, _) = app.sign_up("masterclass-efs-therapie-cellulaire", common::person(1)).await;
    assert_eq!(status, 201);

    // The same title again gets a distinct slug; a chosen slug that is taken is refused.
    let again = app.client.post(app.url("/api/v1/events")).bearer_auth(&token).json(&event_body()).send().await;
    let again: serde_json::Value = again.expect("sent").json().await.expect("json");
    assert!(again["slug"].as_str().expect("slug").starts_with("masterclass-efs-therapie-cellulaire-"));
    let mut chosen = event_body();
    chosen["slug"] = json!("masterclass-efs-therapie-cellulaire");
    let response = app.client.post(app.url("/api/v1/events")).bearer_auth(&token).json(&chosen).send().await;
    let response = response.expect("sent");
    assert_eq!(response.status(), 422);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["error"]["fields"]["slug"]["code"], "taken");
}

async fn drafts_stay_private() {
    let app = spawn_app().await;
    let token = organizer_token(&app, "draft@example.org").await;
    let mut body = event_body();
    body.as_object_mut().expect("object").remove("status");
    let response = app.client.post(app.url("/api/v1/events")).bearer_auth(&token).json(&body).send().await;
    let created: serde_json::Value = response.expect("sent").json().await.expect("json");
    assert_eq!(created["status"], "draft");
    let (status, _) = app.get_json(&format!("/api/v1/events/{}", created["id"].as_str().expect("id"))).await;
    assert_eq!(status, 404);
    let (_, listed) = app.get_json("/api/v1/events").await;
    assert_eq!(listed, json!([]));
}

async fn invalid_events_get_field_errors() {
    let app = spawn_app().await;
    let token = organizer_token(&app, "checks@example.org").await;
    let mut body = event_body();
    body["ends_at"] = json!("2099-06-15T08:00:00+02:00");
    body["capacity"] = json!(0);
    body["registration_opens_at"] = json!("2099-06-01T00:00:00Z");
    body["registration_closes_at"] = json!("2099-05-01T00:00:00Z");
    body["starts_at"] = json!("2099-06-15T09:00:00+02:00");
    body["kind"] = json!("concert");
    body["levels"] = json!(["postdoc"]);
    let response = app.client.post(app.url("/api/v1/events")).bearer_auth(&token).json(&body).send().await;
    let response = response.expect("sent");
    assert_eq!(response.status(), 422);
    let body: serde_json::Value = response.json().await.expect("json");
    let fields = &body["error"]["fields"];
    assert_eq!(fields["ends_at"]["code"], "end_before_start");
    assert_eq!(fields["capacity"]["code"], "too_small");
    assert_eq!(fields["registration_closes_at"]["code"], "close_before_open");
    assert_eq!(fields["kind"]["code"], "unknown_choice");
    assert_eq!(fields["levels"]["code"], "unknown_level");

    let response =
        app.client.post(app.url("/api/v1/events")).bearer_auth(&token).json(&json!({})).send().await.expect("sent");
    let body: serde_json::Value = response.json().await.expect("json");
    for field in ["kind", "title", "starts_at", "ends_at", "location", "host", "capacity"] {
        assert_eq!(body["error"]["fields"][field]["code"], "required", "{field}");
    }
}

async fn the_organizer_api_refuses_callers_without_a_valid_token() {
    let app = spawn_app().await;
    organizer_token(&app, "someone@example.org").await;
    let attempts = [None, Some("not-a-token"), Some("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")];
    for token in attempts {
        let mut request = app.client.post(app.url("/api/v1/events")).json(&event_body());
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("sent");
        assert_eq!(response.status(), 401, "{token:?}");
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["error"]["code"], "unauthorized");
    }
    assert_eq!(app.store.count_events().await.expect("count"), 0);
}

async fn the_command_line_refuses_weak_passwords_and_duplicates() {
    let app = spawn_app().await;
    let weak = atelier(&app, &["organizer", "add", "weak@example.org"], Some("short")).await;
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("at least 12 characters"));

    organizer_token(&app, "twice@example.org").await;
    let twice = atelier(&app, &["organizer", "add", "TWICE@example.org"], Some("un mot de passe solide")).await;
    assert!(!twice.status.success());
    assert!(String::from_utf8_lossy(&twice.stderr).contains("already exists"));

    let unknown = atelier(&app, &["token", "create", "--organizer", "nobody@example.org"], None).await;
    assert!(!unknown.status.success());
}

async fn create_event(app: &common::TestApp, token: &str, capacity: i64) -> serde_json::Value {
    let mut body = event_body();
    body["capacity"] = json!(capacity);
    let response = app.client.post(app.url("/api/v1/events")).bearer_auth(token).json(&body).send().await;
    let response = response.expect("sent");
    assert_eq!(response.status(), 201);
    response.json().await.expect("json")
}

async fn raising_capacity_promotes_the_waiting_list_and_lowering_removes_nobody() {
    let sink = common::smtp::SmtpSink::start().await;
    let app = common::spawn_with(|c| c.smtp_url = Some(sink.url())).await;
    let token = organizer_token(&app, "capacite@example.org").await;
    let event = create_event(&app, &token, 2).await;
    let slug = event["slug"].as_str().expect("slug").to_owned();
    for n in 0..5 {
        assert_eq!(app.sign_up(&slug, common::person(n)).await.0, 201);
    }
    sink.wait_for(5, std::time::Duration::from_secs(10)).await;

    let patch = |body: serde_json::Value| {
        app.client.patch(app.url(&format!("/api/v1/events/{slug}"))).bearer_auth(&token).json(&body).send()
    };
    let response = patch(json!({"capacity": 4})).await.expect("sent");
    assert_eq!(response.status(), 200);
    let updated: serde_json::Value = response.json().await.expect("json");
    assert_eq!((updated["capacity"].as_i64(), updated["seats_left"].as_i64()), (Some(4), Some(0)));
    assert_eq!(updated["waitlist_length"], 1);
    assert_eq!(updated["title"], event["title"], "fields not sent keep their value");

    // The two longest waiting got the seats and were told.
    let received = sink.wait_for(7, std::time::Duration::from_secs(10)).await;
    let promoted: Vec<_> = received[5..].iter().map(|r| r.to.join(",")).collect();
    assert_eq!(promoted.len(), 2);
    assert!(
        promoted.contains(&"etudiant2@example.org".to_owned())
            && promoted.contains(&"etudiant3@example.org".to_owned())
    );
    assert!(common::parse_mail(&received[5].data).subject.starts_with("Une place s'est libérée"));

    let response = patch(json!({"capacity": 1})).await.expect("sent");
    let updated: serde_json::Value = response.json().await.expect("json");
    assert_eq!(updated["seats_left"], 0);
    let response =
        app.client.get(app.url(&format!("/api/v1/events/{slug}/registrations"))).bearer_auth(&token).send().await;
    let list: serde_json::Value = response.expect("sent").json().await.expect("json");
    let confirmed = list.as_array().expect("array").iter().filter(|r| r["status"] == "confirmed").count();
    assert_eq!(confirmed, 4, "nobody is removed when capacity goes down");
    let waiting = list.as_array().expect("array").iter().find(|r| r["status"] == "waitlisted").expect("one waiting");
    assert_eq!(waiting["waitlist_position"], 1);
    assert_eq!(waiting["email_status"], "sent");
    assert_eq!(list[0]["name"], "Étudiant·e 0");
    assert_eq!(list[0]["level"], "master");

    let response = patch(json!({"ends_at": "2000-01-01T00:00:00Z"})).await.expect("sent");
    assert_eq!(response.status(), 422);
}

async fn cancelling_an_event_tells_everyone_registered() {
    let sink = common::smtp::SmtpSink::start().await;
    let app = common::spawn_with(|c| c.smtp_url = Some(sink.url())).await;
    let token = organizer_token(&app, "annulation@example.org").await;
    let event = create_event(&app, &token, 1).await;
    let slug = event["slug"].as_str().expect("slug").to_owned();
    app.sign_up(&slug, common::person(1)).await;
    app.sign_up(&slug, common::person(2)).await;
    sink.wait_for(2, std::time::Duration::from_secs(10)).await;

    let response = app.client.post(app.url(&format!("/api/v1/events/{slug}/cancel"))).bearer_auth(&token).send().await;
    let response = response.expect("sent");
    assert_eq!(response.status(), 200);
    let cancelled: serde_json::Value = response.json().await.expect("json");
    assert_eq!(cancelled["status"], "cancelled");

    let received = sink.wait_for(4, std::time::Duration::from_secs(10)).await;
    assert_eq!(received.len(), 4);
    for mail in &received[2..] {
        assert!(common::parse_mail(&mail.data).subject.starts_with("Événement annulé"));
    }
    let (status, body) = app.sign_up(&slug, common::person(3)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("event_cancelled")));
    let response = app
        .client
        .patch(app.url(&format!("/api/v1/events/{slug}")))
        .bearer_auth(&token)
        .json(&json!({"capacity": 5}))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 409);
}

async fn organizers_cannot_touch_each_others_events() {
    let app = spawn_app().await;
    let owner = organizer_token(&app, "owner@example.org").await;
    let other = organizer_token(&app, "other@example.org").await;
    let event = create_event(&app, &owner, 10).await;
    let id = event["id"].as_str().expect("id").to_owned();
    app.sign_up(&id, common::person(1)).await;

    let requests = |token: &str| {
        let token = token.to_owned();
        vec![
            app.client
                .patch(app.url(&format!("/api/v1/events/{id}")))
                .bearer_auth(&token)
                .json(&json!({"capacity": 1})),
            app.client.post(app.url(&format!("/api/v1/events/{id}/cancel"))).bearer_auth(&token),
            app.client.get(app.url(&format!("/api/v1/events/{id}/registrations"))).bearer_auth(&token),
        ]
    };
    for request in requests(&other) {
        let response = request.send().await.expect("sent");
        assert_eq!(response.status(), 403);
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["error"]["code"], "forbidden");
        assert!(body.to_string().find("etudiant1").is_none(), "no attendee data leaks");
    }
    for request in requests("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") {
        assert_eq!(request.send().await.expect("sent").status(), 401);
    }
    let anonymous = [
        app.client.patch(app.url(&format!("/api/v1/events/{id}"))).json(&json!({"capacity": 1})),
        app.client.post(app.url(&format!("/api/v1/events/{id}/cancel"))),
        app.client.get(app.url(&format!("/api/v1/events/{id}/registrations"))),
    ];
    for request in anonymous {
        assert_eq!(request.send().await.expect("sent").status(), 401);
    }
    let (_, unchanged) = app.get_json(&format!("/api/v1/events/{id}")).await;
    assert_eq!((unchanged["capacity"].as_i64(), unchanged["status"].as_str()), (Some(10), Some("published")));

    // An admin manages every event.
    let added =
        atelier(&app, &["organizer", "add", "admin@example.org", "--admin"], Some("un mot de passe solide")).await;
    assert!(added.status.success());
    let admin = atelier(&app, &["token", "create", "--organizer", "admin@example.org"], None).await;
    let admin = String::from_utf8(admin.stdout).expect("utf-8").trim().to_owned();
    let response =
        app.client.get(app.url(&format!("/api/v1/events/{id}/registrations"))).bearer_auth(&admin).send().await;
    assert_eq!(response.expect("sent").status(), 200);
}

async fn no_seat_is_handed_on_once_the_event_is_cancelled() {
    let app = spawn_app().await;
    let token = organizer_token(&app, "final@example.org").await;
    let event = create_event(&app, &token, 1).await;
    let slug = event["slug"].as_str().expect("slug").to_owned();
    let (_, first) = app.sign_up(&slug, common::person(1)).await;
    let (_, second) = app.sign_up(&slug, common::person(2)).await;
    assert_eq!(second["status"], "waitlisted");
    let response = app.client.post(app.url(&format!("/api/v1/events/{slug}/cancel"))).bearer_auth(&token).send().await;
    assert_eq!(response.expect("sent").status(), 200);

    let (status, _) = app.cancel(first["cancel_url"].as_str().expect("url")).await;
    assert_eq!(status, 200);
    let response =
        app.client.get(app.url(&format!("/api/v1/events/{slug}/registrations"))).bearer_auth(&token).send().await;
    let list: serde_json::Value = response.expect("sent").json().await.expect("json");
    assert_eq!(list[1]["status"], "waitlisted", "nobody is promoted into a cancelled event");
    let db = app.open_database().await;
    let promotions: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'promoted'").fetch_one(&db).await.expect("count");
    assert_eq!(promotions, 0);
}
