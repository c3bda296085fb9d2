//! Capacity holds whatever the concurrency: many simultaneous sign-ups over
//! real HTTP against the running server, on a real SQLite file in WAL mode
//! and on PostgreSQL.

mod common;

use common::{masterclass, person, seats_taken, spawn_app};
use futures::future::join_all;

on_both_backends! {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)] five_hundred_simultaneous_sign_ups_for_thirty_seats,
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)] cancellations_racing_sign_ups_keep_the_seat_count_exact,
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)] the_same_person_signing_up_many_times_at_once_gets_one_place,
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)] simultaneous_rushes_on_two_events_keep_each_count_exact,
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)] an_organizer_hears_once_that_a_rushed_event_is_full,
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)] a_sign_up_the_database_refuses_takes_no_other_down,
}

async fn five_hundred_simultaneous_sign_ups_for_thirty_seats() {
    let app = spawn_app().await;
    app.create_event(masterclass("rush", 30)).await;

    let answers = join_all((0..500).map(|n| {
        let app = &app;
        async move { app.sign_up("rush", person(n)).await }
    }))
    .await;

    let (confirmed, positions) = seats_taken(&answers);
    assert_eq!(confirmed, 30);
    assert_eq!(positions, (1..=470).collect::<Vec<_>>(), "positions are distinct and gap-free");

    // What was acknowledged is committed: another connection sees it all.
    let db = app.open_database().await;
    let counts: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, COUNT(*) FROM registrations GROUP BY status ORDER BY status")
            .fetch_all(&db)
            .await
            .expect("counts");
    assert_eq!(counts, [("confirmed".to_owned(), 30), ("waitlisted".to_owned(), 470)]);
    let counts: (i64, i64) = sqlx::query_as("SELECT confirmed_count, waitlisted_count FROM events WHERE slug = 'rush'")
        .fetch_one(&db)
        .await
        .expect("counts");
    assert_eq!(counts, (30, 470), "live counts match the rows");
    if app.backend == common::Backend::Sqlite {
        let journal: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&db).await.expect("pragma");
        assert_eq!(journal, "wal");
    }

    let (_, event) = app.get_json("/api/v1/events/rush").await;
    assert_eq!((event["seats_left"].as_i64(), event["waitlist_length"].as_i64()), (Some(0), Some(470)));
}

async fn cancellations_racing_sign_ups_keep_the_seat_count_exact() {
    let app = spawn_app().await;
    app.create_event(masterclass("churn", 20)).await;
    let mut first = Vec::new();
    for n in 0..40 {
        let (status, body) = app.sign_up("churn", person(n)).await;
        assert_eq!(status, 201);
        first.push(body);
    }

    // Ten confirmed people cancel while a hundred more sign up.
    let cancels = first[..10].iter().map(|b| {
        let app = &app;
        let url = b["cancel_url"].as_str().expect("url").to_owned();
        async move { app.cancel(&url).await.0 }
    });
    let sign_ups = (100..200).map(|n| {
        let app = &app;
        async move { app.sign_up("churn", person(n)).await.0 }
    });
    let (cancelled, signed) = tokio::join!(join_all(cancels), join_all(sign_ups));
    assert!(cancelled.iter().all(|s| *s == 200));
    assert!(signed.iter().all(|s| *s == 201));

    let db = app.open_database().await;
    let confirmed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM registrations WHERE status = 'confirmed'")
        .fetch_one(&db)
        .await
        .expect("count");
    assert_eq!(confirmed, 20, "freed seats were all handed on, never more");
    let waiting: Vec<i64> =
        sqlx::query_scalar("SELECT waitlist_seq FROM registrations WHERE status = 'waitlisted' ORDER BY waitlist_seq")
            .fetch_all(&db)
            .await
            .expect("waiting");
    assert_eq!(waiting.len(), 140 - 20 - 10, "everyone not confirmed or cancelled is waiting");
    let (_, event) = app.get_json("/api/v1/events/churn").await;
    assert_eq!(event["waitlist_length"].as_i64(), Some(waiting.len() as i64));
    assert_eq!(event["seats_left"].as_i64(), Some(0));

    // The live counts match the rows exactly (no drift hidden by clamping).
    let counts: (i64, i64) =
        sqlx::query_as("SELECT confirmed_count, waitlisted_count FROM events WHERE slug = 'churn'")
            .fetch_one(&db)
            .await
            .expect("counts");
    assert_eq!(counts, (20, waiting.len() as i64));
    // The freed seats went to those who had waited longest: people 20 to 29.
    let mut confirmed_emails: Vec<String> =
        sqlx::query_scalar("SELECT email FROM registrations WHERE status = 'confirmed'")
            .fetch_all(&db)
            .await
            .expect("emails");
    confirmed_emails.sort();
    let mut expected: Vec<String> = (10..30).map(|n| format!("etudiant{n}@example.org")).collect();
    expected.sort();
    assert_eq!(confirmed_emails, expected);
}

/// Twenty clicks at once from one person (same address, any case): one
/// registration, the others told they are already registered.
async fn the_same_person_signing_up_many_times_at_once_gets_one_place() {
    let app = spawn_app().await;
    app.create_event(masterclass("double", 30)).await;
    let answers = join_all((0..20).map(|n| {
        let app = &app;
        let mut body = person(1);
        if n % 2 == 1 {
            body["email"] = "Etudiant1@Example.org".into();
        }
        async move { app.sign_up("double", body).await.0 }
    }))
    .await;
    assert_eq!(answers.iter().filter(|status| **status == 201).count(), 1, "{answers:?}");
    assert_eq!(answers.iter().filter(|status| **status == 409).count(), 19, "{answers:?}");
    let (_, event) = app.get_json("/api/v1/events/double").await;
    assert_eq!(event["seats_left"], 29);
}

/// Two events rushed at the same moment: sign-ups for both share the
/// writer's batches, and each event keeps its own exact counts.
async fn simultaneous_rushes_on_two_events_keep_each_count_exact() {
    let app = spawn_app().await;
    app.create_event(masterclass("gauche", 5)).await;
    app.create_event(masterclass("droite", 7)).await;
    let answers = join_all((0..200).map(|n| {
        let app = &app;
        let slug = if n % 2 == 0 { "gauche" } else { "droite" };
        async move { (slug, app.sign_up(slug, person(n)).await) }
    }))
    .await;
    for (slug, seats) in [("gauche", 5), ("droite", 7)] {
        let mine: Vec<(u16, serde_json::Value)> =
            answers.iter().filter(|(s, _)| *s == slug).map(|(_, answer)| answer.clone()).collect();
        let (confirmed, positions) = seats_taken(&mine);
        assert_eq!(confirmed, seats, "{slug}");
        assert_eq!(positions, (1..=100 - seats).collect::<Vec<_>>(), "{slug}: positions distinct and gap-free");
        let (_, event) = app.get_json(&format!("/api/v1/events/{slug}")).await;
        assert_eq!(event["seats_left"], 0, "{slug}");
        assert_eq!(event["waitlist_length"], 100 - seats, "{slug}");
    }
}

/// The organizer asked to hear when an event fills up: a rush that fills it
/// mid-batch queues that message once, not once per person after.
async fn an_organizer_hears_once_that_a_rushed_event_is_full() {
    let app = spawn_app().await;
    let organizer = "equipe@atlanpole.example";
    let token = common::organizer_token(&app, organizer).await;
    let email = atelier::domain::Email::parse(organizer).expect("email");
    let (account, _) = app.store.organizer_by_email(&email).await.expect("read").expect("organizer");
    app.store.set_notifications(account.id, false, true, chrono::Utc::now()).await.expect("saved");
    let response = app
        .client
        .post(app.url("/api/v1/events"))
        .bearer_auth(&token)
        .json(&serde_json::json!({
            "slug": "complet", "kind": "masterclass", "title": "Masterclass Atlanpole Biotherapies",
            "starts_at": "2099-06-15T09:00:00+02:00", "ends_at": "2099-06-15T17:00:00+02:00",
            "location": "Nantes", "host": "Atlanpole Biotherapies", "capacity": 10, "status": "published"
        }))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 201);

    let answers = join_all((0..60).map(|n| {
        let app = &app;
        async move { app.sign_up("complet", person(n)).await }
    }))
    .await;
    assert_eq!(seats_taken(&answers).0, 10);
    let db = app.open_database().await;
    let told: Vec<String> = sqlx::query_scalar("SELECT recipient FROM outbox WHERE kind = 'organizer_full'")
        .fetch_all(&db)
        .await
        .expect("outbox");
    assert_eq!(told, [organizer], "one message, to the organizer who asked");
}

/// A sign-up the database refuses (here a trigger stands in for a full disk
/// or a bug) fails alone: on SQLite it sits in a batch with the others,
/// which is rolled back and retried change by change. Everyone else is
/// registered, and the refused one leaves no row, seat, ticket or email.
async fn a_sign_up_the_database_refuses_takes_no_other_down() {
    let app = spawn_app().await;
    app.create_event(masterclass("fragile", 30)).await;
    let db = app.open_database().await;
    let refuse = match app.backend {
        common::Backend::Sqlite => vec![
            "CREATE TRIGGER refuse_one BEFORE INSERT ON registrations WHEN NEW.email = 'etudiant7@example.org' \
             BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
        ],
        common::Backend::Postgres => vec![
            "CREATE FUNCTION refuse_one() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
             IF NEW.email = 'etudiant7@example.org' THEN RAISE EXCEPTION 'refused by the test'; END IF; \
             RETURN NEW; END $$",
            "CREATE TRIGGER refuse_one BEFORE INSERT ON registrations FOR EACH ROW EXECUTE FUNCTION refuse_one()",
        ],
    };
    for statement in refuse {
        sqlx::query(statement).execute(&db).await.expect("trigger");
    }

    let mut answers = join_all((0..200).map(|n| {
        let app = &app;
        async move { app.sign_up("fragile", person(n)).await }
    }))
    .await;
    let (status, refused) = answers.remove(7);
    assert_eq!(status, 500, "{refused}");
    assert_eq!(refused["error"]["code"], "internal_error");
    let (confirmed, positions) = seats_taken(&answers);
    assert_eq!(confirmed, 30);
    assert_eq!(positions, (1..=169).collect::<Vec<_>>(), "no ticket lost to the refused sign-up");

    let rows: (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(CASE WHEN email = 'etudiant7@example.org' THEN 1 END) FROM registrations",
    )
    .fetch_one(&db)
    .await
    .expect("rows");
    assert_eq!(rows, (199, 0));
    let messages: (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), COUNT(CASE WHEN recipient = 'etudiant7@example.org' THEN 1 END) FROM outbox")
            .fetch_one(&db)
            .await
            .expect("messages");
    assert_eq!(messages, (199, 0));
    let (_, event) = app.get_json("/api/v1/events/fragile").await;
    assert_eq!((event["seats_left"].as_i64(), event["waitlist_length"].as_i64()), (Some(0), Some(169)));
}
