//! `--demo` fills an empty database once, and never touches a used one.

mod common;

use common::spawn_with;

#[tokio::test]
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
        ..atelier::config::Config::for_database(format!("sqlite://{}", app.database_path.display()))
    };
    let again = atelier::app::Application::build(&config).await.expect("builds");
    assert_eq!(again.store().count_events().await.expect("count"), events.len() as i64);
}

#[tokio::test]
async fn without_demo_a_new_database_is_empty() {
    let app = spawn_with(|_| {}).await;
    assert_eq!(app.store.count_events().await.expect("count"), 0);
}
