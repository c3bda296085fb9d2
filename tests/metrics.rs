//! `/metrics`: what an operator's Prometheus reads, who may read it, and
//! that no personal data or token ends up in it.

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::{masterclass, person, spawn_with};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

on_both_backends! {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)] metrics_count_requests_sign_ups_and_mail_for_whoever_has_the_token,
}

/// The process has one registry: the two backends' runs take turns, so
/// that each reads only its own sign-ups between two scrapes.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The value of the sample `name` (with its labels, as written), if any.
fn sample(text: &str, name: &str) -> Option<f64> {
    text.lines().find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
}

async fn metrics_count_requests_sign_ups_and_mail_for_whoever_has_the_token() {
    let _turn = ONE_AT_A_TIME.lock().await;
    // SMTP down: messages stay in the outbox.
    let app = spawn_with(|c| {
        c.metrics_token = Some("jeton-des-metriques-0123456789".into());
        c.smtp_url = Some("smtp://127.0.0.1:9".into());
    })
    .await;
    let scrape = |token: Option<&'static str>| {
        let request = app.client.get(app.url("/metrics"));
        let request = match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        };
        async move {
            let response = request.send().await.expect("sent");
            let status = response.status().as_u16();
            let kind = response.headers().get("content-type").map(|v| v.to_str().unwrap_or_default().to_owned());
            (status, kind, response.text().await.expect("text"))
        }
    };
    assert_eq!(scrape(None).await.0, 401, "no token");
    assert_eq!(scrape(Some("un-autre-jeton")).await.0, 401, "a wrong token");
    let (status, kind, before) = scrape(Some("jeton-des-metriques-0123456789")).await;
    assert_eq!(status, 200);
    assert_eq!(kind.as_deref(), Some("application/openmetrics-text; version=1.0.0; charset=utf-8"));

    app.create_event(masterclass("mesures", 2)).await;
    let mut links = Vec::new();
    for n in 0..3 {
        let (status, body) = app.sign_up("mesures", person(n)).await;
        assert_eq!(status, 201);
        links.push(body["cancel_url"].as_str().expect("link").to_owned());
    }
    assert_eq!(app.sign_up("mesures", person(0)).await.0, 409, "already registered");
    let mut invalid = person(7);
    invalid["consent"] = json!(false);
    assert_eq!(app.sign_up("mesures", invalid).await.0, 422);

    let (_, _, after) = scrape(Some("jeton-des-metriques-0123456789")).await;
    let delta = |name: &str| sample(&after, name).unwrap_or(0.0) - sample(&before, name).unwrap_or(0.0);
    assert_eq!(delta(r#"atelier_sign_ups_total{outcome="confirmed",reason=""}"#), 2.0, "{after}");
    assert_eq!(delta(r#"atelier_sign_ups_total{outcome="waitlisted",reason=""}"#), 1.0);
    assert_eq!(delta(r#"atelier_sign_ups_total{outcome="refused",reason="already_registered"}"#), 1.0);
    assert_eq!(delta(r#"atelier_sign_ups_total{outcome="refused",reason="invalid"}"#), 1.0);
    let route = r#"method="POST",route="/api/v1/events/{id}/registrations""#;
    assert_eq!(delta(&format!("atelier_http_requests_total{{{route},status=\"201\"}}")), 3.0, "{after}");
    assert_eq!(delta(&format!("atelier_http_requests_total{{{route},status=\"422\"}}")), 1.0);
    assert!(delta(&format!("atelier_http_request_duration_seconds_count{{{route}}}")) >= 5.0);
    assert!(delta("atelier_write_batch_size_count") >= 1.0, "{after}");

    // The database's figures, as read at the scrape.
    let db = app.open_database().await;
    let pending: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE status = 'pending'").fetch_one(&db).await.expect("count");
    assert!(pending >= 3, "the sign-ups' messages wait: {pending}");
    let (_, _, now) = scrape(Some("jeton-des-metriques-0123456789")).await;
    assert_eq!(sample(&now, "atelier_outbox_pending"), Some(pending as f64), "{now}");
    assert!(sample(&now, "atelier_outbox_oldest_pending_age_seconds").is_some_and(|age| age >= 0.0));
    assert_eq!(sample(&now, "atelier_outbox_failed"), Some(0.0));
    assert!(sample(&now, "atelier_scheduled_jobs_late").is_some());
    let pool = if app.backend == common::Backend::Sqlite { "sqlite_read" } else { "postgres" };
    assert!(sample(&now, &format!("atelier_db_pool_size{{pool=\"{pool}\"}}")).is_some_and(|n| n >= 1.0), "{now}");

    // Nothing personal: no address, no name, no link.
    for text in [&after, &now] {
        assert!(!text.contains("example.org") && !text.contains("tudiant"), "{text}");
        for link in &links {
            let token = link.rsplit('/').next().expect("token");
            assert!(!text.contains(token));
        }
    }
}

/// With METRICS_ADDR, /metrics is on that address alone, without a token,
/// and the public listener does not know it.
#[tokio::test]
async fn metrics_addr_takes_them_off_the_public_listener() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut child = Command::new(env!("CARGO_BIN_EXE_atelier"))
        .env("DATABASE_URL", format!("sqlite://{}", dir.path().join("atelier.db").display()))
        .env("LISTEN_ADDR", "127.0.0.1:0")
        .env("METRICS_ADDR", "127.0.0.1:0")
        .env("METRICS_TOKEN", "ignored-with-its-own-listener")
        .env("ATELIER_SECRET_KEY", atelier::token::TokenKey::random_secret())
        .env("MAIL_DIR", dir.path().join("mail"))
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("atelier starts");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let port = |line: &str| {
        let start = line.find("127.0.0.1:")? + "127.0.0.1:".len();
        Some(line[start..].chars().take_while(char::is_ascii_digit).collect::<String>())
    };
    let (mut metrics, mut public) = (None, None);
    tokio::time::timeout(Duration::from_secs(60), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if line.contains("metrics listening") {
                metrics = port(&line);
            } else if line.contains("listening") {
                public = port(&line);
            }
            if metrics.is_some() && public.is_some() {
                break;
            }
        }
    })
    .await
    .expect("both addresses logged");
    let (metrics, public) = (metrics.expect("metrics port"), public.expect("public port"));
    assert_ne!(metrics, public);

    let client = reqwest::Client::new();
    let elsewhere = client.get(format!("http://127.0.0.1:{public}/metrics")).send().await.expect("sent");
    assert_eq!(elsewhere.status(), 404, "not on the public listener");
    let here = client.get(format!("http://127.0.0.1:{metrics}/metrics")).send().await.expect("sent");
    assert_eq!(here.status(), 200);
    let text = here.text().await.expect("text");
    assert!(text.contains("# TYPE atelier_outbox_pending gauge") && text.ends_with("# EOF\n"), "{text}");
    let nothing_else = client.get(format!("http://127.0.0.1:{metrics}/")).send().await.expect("sent");
    assert_eq!(nothing_else.status(), 404, "the metrics listener serves nothing else");
    child.kill().await.expect("stopped");
}
