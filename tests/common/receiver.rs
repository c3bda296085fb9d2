//! An HTTP server standing for an integrator's webhook endpoint, on
//! 127.0.0.1: it keeps what it gets and answers with the status it is set to.

use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode};
use serde_json::Value;

use super::WAIT;

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: String,
}

impl Received {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }

    pub fn header(&self, name: &str) -> String {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
    }
}

/// An HTTP server standing for the integrator's endpoint: it keeps what it
/// gets and answers with the status it is set to.
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    got: Arc<Mutex<Vec<Received>>>,
    answer: Arc<Mutex<StatusCode>>,
}

impl Receiver {
    pub async fn start() -> Self {
        let got: Arc<Mutex<Vec<Received>>> = Arc::default();
        let answer = Arc::new(Mutex::new(StatusCode::OK));
        let (keep, status) = (got.clone(), answer.clone());
        let app = axum::Router::new().route(
            "/hooks",
            axum::routing::post(move |headers: HeaderMap, body: String| async move {
                keep.lock().expect("lock").push(Received { headers, body });
                *status.lock().expect("lock")
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let url = format!("http://{}/hooks", listener.local_addr().expect("address"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, got, answer }
    }

    pub fn answer(&self, status: StatusCode) {
        *self.answer.lock().expect("lock") = status;
    }

    pub fn received(&self) -> Vec<Received> {
        self.got.lock().expect("lock").clone()
    }

    /// Waits until `n` requests came in; returns them.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(tokio::time::Instant::now() < deadline, "{n} deliveries expected, got {}: {got:#?}", got.len());
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}
