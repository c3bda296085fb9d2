//! The JSON API contract for sign-ups and cancellations.

mod common;

use atelier::domain::EventStatus;
use chrono::{Duration, Utc};
use common::{masterclass, person, spawn_app, with_status};
use serde_json::json;

on_both_backends! {
    #[tokio::test] seats_are_confirmed_then_the_waiting_list_takes_over,
    #[tokio::test] the_same_email_cannot_take_two_seats,
    #[tokio::test] invalid_fields_are_all_reported,
    #[tokio::test] field_errors_follow_accept_language,
    #[tokio::test] malformed_requests_get_json_errors,
    #[tokio::test] unknown_and_draft_events_are_not_found,
    #[tokio::test] sign_ups_are_refused_outside_the_rules,
    #[tokio::test] cancelling_a_seat_promotes_the_first_person_waiting,
    #[tokio::test] cancelling_from_the_waiting_list_closes_the_gap,
    #[tokio::test] unknown_cancel_tokens_are_not_found,
    #[tokio::test] cancel_tokens_are_stored_only_as_hashes,
    #[tokio::test] links_without_the_registration_id_still_work_after_the_upgrade,
}

async fn seats_are_confirmed_then_the_waiting_list_takes_over() {
    let app = spawn_app().await;
    app.create_event(masterclass("gensensor", 2)).await;

    let mut answers = Vec::new();
    for n in 0..4 {
        let (status, body) = app.sign_up("gensensor", person(n)).await;
        assert_eq!(status, 201, "{body}");
        answers.push(body);
    }
    let statuses: Vec<_> = answers.iter().map(|b| (b["status"].clone(), b["waitlist_position"].clone())).collect();
    assert_eq!(
        statuses,
        [
            (json!("confirmed"), json!(null)),
            (json!("confirmed"), json!(null)),
            (json!("waitlisted"), json!(1)),
            (json!("waitlisted"), json!(2)),
        ]
    );
    for answer in &answers {
        let url = answer["cancel_url"].as_str().expect("cancel_url");
        assert!(url.starts_with(&format!("{}/r/", app.base)), "absolute PUBLIC_URL link: {url}");
        assert!(uuid::Uuid::parse_str(answer["id"].as_str().expect("id")).is_ok());
    }

    let (_, event) = app.get_json("/api/v1/events/gensensor").await;
    assert_eq!(event["seats_left"], 0);
    assert_eq!(event["waitlist_length"], 2);
}

async fn the_same_email_cannot_take_two_seats() {
    let app = spawn_app().await;
    app.create_event(masterclass("efs", 10)).await;
    let (status, _) = app.sign_up("efs", person(1)).await;
    assert_eq!(status, 201);

    let mut again = person(2);
    again["email"] = json!("  ETUDIANT1@Example.ORG ");
    let (status, body) = app.sign_up("efs", again).await;
    assert_eq!(status, 409);
    assert_eq!(body["error"]["code"], "already_registered");

    let (_, event) = app.get_json("/api/v1/events/efs").await;
    assert_eq!(event["seats_left"], 9, "the second attempt took no seat");
}

async fn invalid_fields_are_all_reported() {
    let app = spawn_app().await;
    app.create_event(masterclass("naobios", 10)).await;
    let (status, body) = app
        .sign_up(
            "naobios",
            json!({"name": "  ", "email": "not-an-email", "institution": "x".repeat(201), "level": "postdoc"}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["code"], "invalid_input");
    let fields = &body["error"]["fields"];
    assert_eq!(fields["name"]["code"], "required");
    assert_eq!(fields["email"]["code"], "invalid_email");
    assert_eq!(fields["institution"]["code"], "too_long");
    assert_eq!(fields["level"]["code"], "unknown_level");
    assert_eq!(fields["consent"]["code"], "consent_required");
    assert!(fields["email"]["message"].as_str().expect("message").contains("valid email"));

    let (status, body) = app.sign_up("naobios", json!({})).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["fields"]["name"]["code"], "required");

    let mut long_name = person(1);
    long_name["name"] = json!("A".repeat(121));
    let (status, body) = app.sign_up("naobios", long_name).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["fields"]["name"]["code"], "too_long");

    let (_, event) = app.get_json("/api/v1/events/naobios").await;
    assert_eq!(event["seats_left"], 10, "nothing was written");
}

async fn field_errors_follow_accept_language() {
    let app = spawn_app().await;
    app.create_event(masterclass("fr", 10)).await;
    let response = app
        .client
        .post(app.url("/api/v1/events/fr/registrations"))
        .header("accept-language", "fr-FR,fr;q=0.9")
        .json(&json!({"email": "x"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 422);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["error"]["fields"]["name"]["message"], "Ce champ est obligatoire.");
}

async fn malformed_requests_get_json_errors() {
    let app = spawn_app().await;
    app.create_event(masterclass("campus", 10)).await;
    let url = app.url("/api/v1/events/campus/registrations");

    let response = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.expect("json error");
    assert_eq!(body["error"]["code"], "bad_request");

    let response = app.client.post(&url).body("name=x").send().await.expect("sent");
    assert_eq!(response.status(), 415);
    let body: serde_json::Value = response.json().await.expect("json error");
    assert_eq!(body["error"]["code"], "unsupported_media_type");

    let response = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body(r#"{"name": 3, "consent": "yes"}"#)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 422);

    // serde would read the form from an array, field by field: refused,
    // whatever the JSON type says of itself.
    let person = r#"["Léa", "lea@example.org", null, "master", true, "fr", null]"#;
    for content_type in ["application/json", "application/json; charset=utf-8", "application/merge-patch+json"] {
        let response = app.client.post(&url).header("content-type", content_type).body(person).send().await;
        let response = response.expect("sent");
        assert_eq!(response.status(), 422, "{content_type}");
        let body: serde_json::Value = response.json().await.expect("json error");
        assert_eq!(body["error"]["code"], "invalid_input");
    }
    let (_, event) = app.get_json(&url.replace("/registrations", "").replace(&app.url(""), "")).await;
    assert_eq!(event["seats_left"], event["capacity"], "nobody signed up");

    let response = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body(format!(r#"{{"name": "{}"}}"#, "x".repeat(100_000)))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 413);
    let body: serde_json::Value = response.json().await.expect("json error");
    assert_eq!(body["error"]["code"], "payload_too_large");

    let (status, body) = app.get_json("/api/v1/nothing-here").await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "not_found");
}

async fn unknown_and_draft_events_are_not_found() {
    let app = spawn_app().await;
    app.create_event(with_status(masterclass("draft", 10), EventStatus::Draft)).await;
    for key in ["nope", "draft", &uuid::Uuid::new_v4().to_string()] {
        let (status, body) = app.sign_up(key, person(1)).await;
        assert_eq!(status, 404, "{key}");
        assert_eq!(body["error"]["code"], "event_not_found");
        let (status, _) = app.get_json(&format!("/api/v1/events/{key}")).await;
        assert_eq!(status, 404, "{key}");
    }
}

async fn sign_ups_are_refused_outside_the_rules() {
    let app = spawn_app().await;
    let now = Utc::now();
    app.create_event(with_status(masterclass("cancelled", 10), EventStatus::Cancelled)).await;
    let mut closed = masterclass("closed", 10);
    closed.registration_closes_at = now - Duration::hours(1);
    app.create_event(closed).await;
    let mut not_yet = masterclass("not-yet", 10);
    not_yet.registration_opens_at = now + Duration::days(1);
    app.create_event(not_yet).await;
    let mut past = masterclass("past", 10);
    past.starts_at = now - Duration::days(2);
    past.ends_at = now - Duration::days(2) + Duration::hours(3);
    past.registration_opens_at = now - Duration::days(30);
    past.registration_closes_at = now + Duration::days(1);
    app.create_event(past).await;
    let mut masters_only = masterclass("masters-only", 10);
    masters_only.levels = vec![atelier::domain::Level::Master];
    app.create_event(masters_only).await;

    for (slug, code) in [
        ("cancelled", "event_cancelled"),
        ("closed", "registration_closed"),
        ("not-yet", "registration_not_open"),
        ("past", "event_past"),
    ] {
        let (status, body) = app.sign_up(slug, person(1)).await;
        assert_eq!(status, 409, "{slug}: {body}");
        assert_eq!(body["error"]["code"], code, "{slug}");
        assert!(!body["error"]["message"].as_str().unwrap_or_default().is_empty());
    }

    let mut bts = person(1);
    bts["level"] = json!("bts_but");
    let (status, body) = app.sign_up("masters-only", bts).await;
    assert_eq!(status, 409);
    assert_eq!(body["error"]["code"], "level_not_admitted");
    let (status, _) = app.sign_up("masters-only", person(2)).await;
    assert_eq!(status, 201, "an admitted level still gets in");
}

async fn cancelling_a_seat_promotes_the_first_person_waiting() {
    let app = spawn_app().await;
    app.create_event(masterclass("promo", 1)).await;
    let (_, first) = app.sign_up("promo", person(1)).await;
    let (_, second) = app.sign_up("promo", person(2)).await;
    let (_, third) = app.sign_up("promo", person(3)).await;
    assert_eq!(second["waitlist_position"], 1);
    assert_eq!(third["waitlist_position"], 2);

    let (status, body) = app.cancel(first["cancel_url"].as_str().expect("url")).await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "cancelled");
    assert_eq!(body["id"], first["id"]);

    // The first person waiting now holds the seat, the next moved up.
    let (status, page) = app.get_page(&second["cancel_url"].as_str().expect("url").replace(&app.base, "")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Votre place est confirmée."), "{page}");
    let (_, page) = app.get_page(&third["cancel_url"].as_str().expect("url").replace(&app.base, "")).await;
    assert!(page.contains("en position 1."), "{page}");

    let (_, event) = app.get_json("/api/v1/events/promo").await;
    assert_eq!(event["seats_left"], 0);
    assert_eq!(event["waitlist_length"], 1);

    // Cancelling again changes nothing and is not an error.
    let (status, body) = app.cancel(first["cancel_url"].as_str().expect("url")).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("cancelled")));
    let (_, event) = app.get_json("/api/v1/events/promo").await;
    assert_eq!(event["waitlist_length"], 1);

    // A person who cancelled may sign up again, at the back of the queue.
    let (status, again) = app.sign_up("promo", person(1)).await;
    assert_eq!(status, 201);
    assert_eq!(again["waitlist_position"], 2);
}

async fn cancelling_from_the_waiting_list_closes_the_gap() {
    let app = spawn_app().await;
    app.create_event(masterclass("gap", 1)).await;
    app.sign_up("gap", person(0)).await;
    let (_, w1) = app.sign_up("gap", person(1)).await;
    let (_, w2) = app.sign_up("gap", person(2)).await;
    let (_, w3) = app.sign_up("gap", person(3)).await;
    assert_eq!(w3["waitlist_position"], 3);
    app.cancel(w1["cancel_url"].as_str().expect("url")).await;

    let position = |page: &str| page.contains("en position 1.") as u8 + 2 * page.contains("en position 2.") as u8;
    let (_, page2) = app.get_page(&w2["cancel_url"].as_str().expect("url").replace(&app.base, "")).await;
    let (_, page3) = app.get_page(&w3["cancel_url"].as_str().expect("url").replace(&app.base, "")).await;
    assert_eq!((position(&page2), position(&page3)), (1, 2));
    let (_, event) = app.get_json("/api/v1/events/gap").await;
    assert_eq!((event["seats_left"].as_i64(), event["waitlist_length"].as_i64()), (Some(0), Some(2)));
}

async fn unknown_cancel_tokens_are_not_found() {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    let app = spawn_app().await;
    app.create_event(masterclass("forged", 5)).await;
    let (_, body) = app.sign_up("forged", person(1)).await;
    let url = body["cancel_url"].as_str().expect("url");
    let mut link = URL_SAFE_NO_PAD.decode(url.rsplit('/').next().expect("token")).expect("base64url");
    // A real registration id with a secret that is not its own.
    link[40] ^= 1;
    let forged = URL_SAFE_NO_PAD.encode(&link);
    for token in ["nope", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &forged] {
        let (status, body) = app.cancel(&format!("/r/{token}")).await;
        assert_eq!(status, 404, "{token}");
        assert_eq!(body["error"]["code"], "registration_not_found");
        let (status, _) = app.get_page(&format!("/r/{token}")).await;
        assert_eq!(status, 404, "{token}");
    }
    let (_, registrations) = app.get_json("/api/v1/events/forged").await;
    assert_eq!(registrations["seats_left"].as_i64(), Some(4), "the seat is still taken");
}

async fn cancel_tokens_are_stored_only_as_hashes() {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use sha2::Digest;

    let app = spawn_app().await;
    app.create_event(masterclass("hash", 5)).await;
    let (_, body) = app.sign_up("hash", person(1)).await;
    let url = body["cancel_url"].as_str().expect("url");
    let token = url.rsplit('/').next().expect("token");
    let bytes = URL_SAFE_NO_PAD.decode(token).expect("base64url");
    assert_eq!(bytes.len(), 48, "the registration id, then 256 secret bits: {token}");
    assert_eq!(bytes[..16], *uuid::Uuid::parse_str(body["id"].as_str().expect("id")).expect("uuid").as_bytes());
    let secret = URL_SAFE_NO_PAD.encode(&bytes[16..]);

    let db = app.open_database().await;
    let stored: Vec<u8> = sqlx::query_scalar("SELECT cancel_key FROM registrations").fetch_one(&db).await.expect("row");
    assert_eq!(stored[..16], bytes[..16], "the key starts with the id");
    assert_eq!(stored[16..], sha2::Sha256::digest(secret.as_bytes())[..], "then the secret's hash");
    match &app.database_path {
        Some(path) => {
            let raw = std::fs::read(path).expect("db file");
            let wal = std::fs::read(path.with_extension("db-wal")).unwrap_or_default();
            for needle in [token.as_bytes(), secret.as_bytes(), &bytes[16..]] {
                for bytes in [&raw, &wal] {
                    assert!(
                        !bytes.windows(needle.len()).any(|w| w == needle),
                        "the clear token is nowhere in the database"
                    );
                }
            }
        }
        None => {
            // PostgreSQL: no row of any table, read as text, holds it.
            for table in ["registrations", "outbox", "events"] {
                for needle in [token, &secret] {
                    let found: i64 = sqlx::query_scalar(&format!(
                        "SELECT COUNT(*) FROM {table} t WHERE strpos(CAST(t AS TEXT), $1) > 0"
                    ))
                    .bind(needle)
                    .fetch_one(&db)
                    .await
                    .expect("search");
                    assert_eq!(found, 0, "the clear token is not in {table}");
                }
            }
        }
    }
}

/// Links sent before cancel links carried the registration id are the bare
/// secret, and the database kept its hash alone. Rewind one registration to
/// that state, upgrade again, and use both its old link and its new one.
async fn links_without_the_registration_id_still_work_after_the_upgrade() {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    let app = spawn_app().await;
    app.create_event(masterclass("older-links", 1)).await;
    let (_, first) = app.sign_up("older-links", person(1)).await;
    let (_, second) = app.sign_up("older-links", person(2)).await;
    let url = first["cancel_url"].as_str().expect("url").replace(&app.base, "");
    let token = url.rsplit('/').next().expect("token").to_owned();
    let older_token = URL_SAFE_NO_PAD.encode(&URL_SAFE_NO_PAD.decode(&token).expect("base64url")[16..]);
    let older_url = url.replace(&token, &older_token);

    let db = app.open_database().await;
    for statement in [
        "UPDATE registrations SET cancel_key = substr(cancel_key, 17)",
        "ALTER TABLE registrations RENAME COLUMN cancel_key TO cancel_token_hash",
        "DROP INDEX registrations_by_older_link",
        "ALTER TABLE registrations DROP COLUMN older_link",
        "DELETE FROM _sqlx_migrations WHERE description = 'cancel keys lead with the id'",
    ] {
        sqlx::query(statement).execute(&db).await.expect(statement);
    }
    db.close().await;
    let app = app.restart(|_| {}).await;

    for path in [&url, &older_url] {
        let (status, page) = app.get_page(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(page.contains(person(1)["name"].as_str().expect("name")), "{path} shows the registration");
    }
    let (status, cancelled) = app.cancel(&older_url).await;
    assert_eq!((status, cancelled["status"].as_str()), (200, Some("cancelled")), "{cancelled}");
    let (status, waiting) = app.cancel(&second["cancel_url"].as_str().expect("url").replace(&app.base, "")).await;
    assert_eq!(status, 200, "the new link of a registration from before the upgrade works: {waiting}");
    let (status, again) = app.cancel(&url).await;
    assert_eq!((status, again["status"].as_str()), (200, Some("cancelled")), "{again}");

    // Sign-ups from now on never had a link without the id.
    let (status, _) = app.sign_up("older-links", person(3)).await;
    assert_eq!(status, 201);
    let db = app.open_database().await;
    let marked: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM registrations WHERE older_link").fetch_one(&db).await.expect("count");
    assert_eq!(marked, 2, "only the registrations from before the upgrade");
}
