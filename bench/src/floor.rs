//! The reference floor: bare axum handlers with nothing behind them, served
//! by this same executable in a separate process (`atelier-bench
//! floor-server`), on a runtime shaped like the service's (one worker per
//! core). What it reaches under the load generator is what the machine, the
//! HTTP stack and the load generator allow at best.

use std::net::SocketAddr;

use anyhow::Context;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{any, get};
use bytes::Bytes;

/// Largest body the floor serves (larger asks are cut to this).
const MAX_BODY: usize = 8 * 1024 * 1024;

pub fn serve(port: u16) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("floor runtime")?;
    runtime.block_on(async move {
        // Pre-filled once: handlers hand out slices of it without copying.
        let body = Bytes::from(vec![b'x'; MAX_BODY]);
        let app = Router::new()
            .route("/tiny", any(tiny))
            .route("/body/{size}", get(sized))
            .route("/healthz", get(|| async { "ok" }))
            .with_state(body);
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("binding {addr}"))?;
        axum::serve(listener, app).await.context("floor server")
    })
}

/// Reads the request body (a sign-up's JSON) and answers a small JSON object.
async fn tiny(_body: Bytes) -> impl IntoResponse {
    axum::Json(serde_json::json!({"ok": true}))
}

async fn sized(State(body): State<Bytes>, Path(size): Path<usize>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body.slice(..size.min(MAX_BODY)))
}
