//! Accepts connections and serves the router over HTTP/1.1 with hyper.
//!
//! `axum::serve` does the same but keeps hyper's settings out of reach, and
//! one of them decides the memory of a rush: hyper reads each connection
//! into an 8 KiB buffer, and while a request is in flight it reserves more
//! to read the next one, 16 KiB per connection in all (a heap profile of
//! 2,000 sign-ups in flight: 32 MiB of read buffers). Capping the buffer at
//! hyper's minimum, 8 KiB, keeps it to one. A request head (request line
//! and headers) must then fit in 8 KiB; bodies stream through the buffer
//! whatever their size.

use std::future::Future;
use std::io::ErrorKind;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::ServiceExt;

const MAX_BUFFER: usize = 8 * 1024;
/// A client has this long to send a request's head, so that slow or idle
/// connections do not pile up.
const HEAD_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a shutdown waits for requests in flight.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves until `shutdown` completes, then lets requests in flight finish.
pub async fn serve(listener: TcpListener, router: Router, shutdown: impl Future<Output = ()>) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.max_buf_size(MAX_BUFFER).timer(TokioTimer::new()).header_read_timeout(HEAD_TIMEOUT);
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, client) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // The client gave up before we took its connection.
                Err(error) if matches!(
                    error.kind(),
                    ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset | ErrorKind::ConnectionRefused
                ) => continue,
                Err(error) => {
                    // Out of file descriptors, most often: wait for some to
                    // be closed rather than spin.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Small answers go out at once rather than waiting for more to send.
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "TCP_NODELAY not set");
        }
        // The client address feeds the sign-in rate limit.
        let service = router.clone().map_request(move |mut request: axum::extract::Request<_>| {
            request.extensions_mut().insert(ConnectInfo::<SocketAddr>(client));
            request
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service)));
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    // A client that stalls in the middle of a request must not hold the
    // shutdown forever; what is queued for the store is still committed.
    if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown()).await.is_err() {
        tracing::warn!("some connections were still open after {DRAIN_TIMEOUT:?}; closing them");
    }
}
