//! LOG_FORMAT=json: every line the service writes is one JSON object a
//! log collector can read, requests carry their route's template and never
//! their path (which holds tokens).

use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

#[tokio::test]
async fn json_logs_are_one_object_a_line_without_paths() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut child = Command::new(env!("CARGO_BIN_EXE_atelier"))
        .env("DATABASE_URL", format!("sqlite://{}", dir.path().join("atelier.db").display()))
        .env("LISTEN_ADDR", "127.0.0.1:0")
        .env("ATELIER_SECRET_KEY", atelier::token::TokenKey::random_secret())
        .env("MAIL_DIR", dir.path().join("mail"))
        .env("LOG_FORMAT", "json")
        // tower_http writes a line per answered request at debug.
        .env("RUST_LOG", "info,tower_http=debug")
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("atelier starts");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let mut seen = Vec::new();
    let listening = tokio::time::timeout(Duration::from_secs(60), async {
        while let Ok(Some(line)) = lines.next_line().await {
            let found = line.contains("listening");
            seen.push(line.clone());
            if found {
                return Some(line);
            }
        }
        None
    })
    .await
    .ok()
    .flatten()
    .unwrap_or_else(|| panic!("a listening line in {seen:?}"));
    let start = listening.find("127.0.0.1:").expect("an address");
    let port: String = listening[start + 10..].chars().take_while(char::is_ascii_digit).collect();

    let secret = "a1b2c3d4e5f6secretlink";
    let response = reqwest::get(format!("http://127.0.0.1:{port}/r/{secret}")).await.expect("answered");
    assert_eq!(response.status(), 404);
    let answered = tokio::time::timeout(Duration::from_secs(10), async {
        while let Ok(Some(line)) = lines.next_line().await {
            seen.push(line.clone());
            if line.contains("finished processing request") {
                return Some(line);
            }
        }
        None
    })
    .await
    .ok()
    .flatten()
    .unwrap_or_else(|| panic!("a line for the request in {seen:?}"));
    child.kill().await.expect("stopped");

    for line in &seen {
        let record: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: not JSON: {line}"));
        for field in ["timestamp", "level", "message"] {
            assert!(record.get(field).is_some(), "{field} in {line}");
        }
        assert!(!line.contains(secret), "no path in the logs: {line}");
    }
    let request: Value = serde_json::from_str(&answered).expect("json");
    assert_eq!(request["span"]["route"], "/r/{token}", "{request}");
    assert_eq!(request["span"]["method"], "GET", "{request}");
    assert_eq!(request["status"], 404, "{request}");
    let started: Value = serde_json::from_str(&listening).expect("json");
    assert_eq!(started["level"], "INFO");
}
