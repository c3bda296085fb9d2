//! `--demo` fills an empty database once, and never touches a used one.

mod common;

use common::spawn_with;

on_both_backends! {
    #[tokio::test] demo_content_is_loaded_into_an_empty_database_only,
    #[tokio::test] without_demo_a_new_database_is_empty,
    #[tokio::test] atelier_demo_in_the_environment_loads_the_demo,
}

async fn demo_content_is_loaded_into_an_empty_database_only() {
    let app = spawn_with(|c| c.demo = true).await;
    let (_, events) = app.get_json("/api/v1/events").await;
    let events = events.as_array().expect("array").clone();
    assert!(events.len() >= 4, "a round table and several masterclasses");
    assert!(events.iter().any(|e| e["kind"] == "round_table"));
    assert!(events.iter().filter(|e| e["kind"] == "masterclass").count() >= 2);
    assert!(events.iter().any(|e| e["seats_left"] == 0 && e["waitlist_length"].as_i64() > Some(0)));

    // Loading again on the same file adds nothing.
    let config = atelier::config::Config {
        demo: true,
        ..atelier::config::Config::for_database(app.config.database_url.clone())
    };
    let again = atelier::app::Application::build(&config).await.expect("builds");
    assert_eq!(again.state().store.count_events().await.expect("count"), events.len() as i64);
}

async fn without_demo_a_new_database_is_empty() {
    let app = spawn_with(|_| {}).await;
    assert_eq!(app.store.count_events().await.expect("count"), 0);
}

/// `ATELIER_DEMO=1` as the README says, through the real binary.
async fn atelier_demo_in_the_environment_loads_the_demo() {
    use tokio::io::{AsyncBufReadExt, BufReader};

    for value in ["1", "true"] {
        let dir = tempfile::tempdir().expect("dir");
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_atelier"))
            .env("ATELIER_DEMO", value)
            .env("DATABASE_URL", common::fresh_database(&dir).await)
            .env("LISTEN_ADDR", "127.0.0.1:0")
            .env("MAIL_DIR", dir.path().join("mail"))
            .env("SECRET_KEY_FILE", dir.path().join("secret.key"))
            .env("RUST_LOG", "info")
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("atelier starts");
        let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
        let loaded = tokio::time::timeout(std::time::Duration::from_secs(30), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if line.contains("demo content loaded") {
                    return true;
                }
            }
            false
        })
        .await
        .unwrap_or(false);
        let _ = child.kill().await;
        assert!(loaded, "ATELIER_DEMO={value} loads the demo");
    }
}
