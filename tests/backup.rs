//! `atelier backup PATH`: a consistent copy of the SQLite database taken
//! while the service takes sign-ups, checked by opening it; on PostgreSQL,
//! the way to pg_dump instead.

mod common;

use common::{Backend, atelier, masterclass, person, spawn_app};
use futures::future::join_all;

on_both_backends! {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)] a_backup_is_taken_while_people_sign_up,
}

async fn a_backup_is_taken_while_people_sign_up() {
    let app = spawn_app().await;
    app.create_event(masterclass("sauvegarde", 25)).await;
    for n in 0..10 {
        assert_eq!(app.sign_up("sauvegarde", person(n)).await.0, 201);
    }
    let dir = tempfile::tempdir().expect("temporary folder");
    let copy = dir.path().join("atelier-copie.db");
    let copy_arg = copy.to_str().expect("utf-8 path");

    // Thirty more sign-ups race the backup.
    let racing = join_all((10..40).map(|n| {
        let app = &app;
        async move { app.sign_up("sauvegarde", person(n)).await.0 }
    }));
    let args = ["backup", copy_arg];
    let (statuses, output) = tokio::join!(racing, atelier(&app, &args, None));
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);

    if app.backend == Backend::Postgres {
        assert!(!output.status.success(), "{stdout}");
        assert!(stderr.contains("pg_dump --format=custom"), "{stderr}");
        assert!(!copy.exists(), "nothing written");
        return;
    }
    assert!(output.status.success(), "{stderr}");
    // "… 1 events, N registrations …": N is whatever had committed when the
    // copy's snapshot began: at least the ten acknowledged before.
    let registrations: i64 = stdout
        .split(", ")
        .find_map(|part| part.strip_suffix(" registrations"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a count of registrations in {stdout:?}"));
    assert!((10..=40).contains(&registrations), "{stdout}");
    assert!(stdout.contains("1 events") && stdout.contains("integrity check passed"), "{stdout}");

    // Restored: the copy serves as a database of its own, its counts
    // matching its rows (one consistent snapshot, not a torn copy).
    let restored = common::restore_sqlite(&copy).await;
    let (status, event) = restored.get_json("/api/v1/events/sauvegarde").await;
    assert_eq!(status, 200);
    let seats_taken = 25 - event["seats_left"].as_i64().expect("seats_left");
    let waiting = event["waitlist_length"].as_i64().expect("waitlist_length");
    assert_eq!(seats_taken + waiting, registrations, "{event}");
    let db = restored.open_database().await;
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM registrations").fetch_one(&db).await.expect("count");
    assert_eq!(rows, registrations);
    let (_, first) = restored.get_json("/api/v1/events").await;
    assert_eq!(first.as_array().map(Vec::len), Some(1), "{first}");

    // A backup never overwrites a file.
    let again = atelier(&app, &["backup", copy_arg], None).await;
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"), "{again:?}");
}
