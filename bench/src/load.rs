//! The load generator: a fixed number of simulated clients, each with its own
//! keep-alive HTTP/1.1 connection, sending requests back to back until a
//! request count or a deadline is reached.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use bytes::Bytes;
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::sync::{Barrier, Semaphore};

pub type Body = Full<Bytes>;

/// Builds request number `i` (unique across a run: used for unique emails).
pub type MakeRequest = Arc<dyn Fn(u64) -> Request<Body> + Send + Sync>;

/// Judges an answer: true when it is the expected one. May also count things
/// (confirmed seats) through what it captures.
pub type Check = Arc<dyn Fn(StatusCode, &Bytes) -> bool + Send + Sync>;

pub struct Spec {
    pub concurrency: usize,
    pub duration: Duration,
    pub max_requests: u64,
    /// First request number, so that rows on one server never reuse an email.
    pub first: u64,
}

#[derive(Debug)]
pub struct Outcome {
    pub requests: u64,
    /// From the moment every client is connected and starts, to the last answer.
    pub elapsed: Duration,
    /// Microseconds.
    pub latency: Histogram<u64>,
    /// Unexpected answers and transport failures.
    pub errors: u64,
    pub server_errors: u64,
    pub first_error: Option<String>,
    pub body_bytes: u64,
}

impl Outcome {
    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    pub fn quantile_ms(&self, q: f64) -> f64 {
        self.latency.value_at_quantile(q) as f64 / 1000.0
    }

    pub fn max_ms(&self) -> f64 {
        self.latency.max() as f64 / 1000.0
    }
}

fn histogram() -> anyhow::Result<Histogram<u64>> {
    // 1 µs to 60 s, 3 significant digits.
    Histogram::new_with_bounds(1, 60_000_000, 3).context("latency histogram")
}

/// One keep-alive connection; its driver runs on its own task.
pub async fn connect(addr: SocketAddr) -> anyhow::Result<SendRequest<Body>> {
    let stream = TcpStream::connect(addr).await.with_context(|| format!("connecting to {addr}"))?;
    stream.set_nodelay(true).context("TCP_NODELAY")?;
    let (sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.context("HTTP/1.1 handshake")?;
    tokio::spawn(async move {
        // Ends when the sender is dropped or the server closes.
        let _ = connection.await;
    });
    Ok(sender)
}

/// Sends one request on a connection and reads the whole answer.
pub async fn send(sender: &mut SendRequest<Body>, request: Request<Body>) -> anyhow::Result<(StatusCode, Bytes)> {
    sender.ready().await.context("connection not ready")?;
    let response = sender.send_request(request).await.context("sending the request")?;
    let status = response.status();
    let body = response.into_body().collect().await.context("reading the answer")?.to_bytes();
    Ok((status, body))
}

struct Tally {
    latency: Histogram<u64>,
    errors: u64,
    server_errors: u64,
    first_error: Option<String>,
    body_bytes: u64,
}

/// Connects `spec.concurrency` clients (at most 128 connecting at a time, to
/// stay within the server's listen backlog), client `k` to `addrs[k % n]`
/// (round-robin over the instances), starts them together, and lets each
/// send requests until the deadline or the request budget is spent.
pub async fn run(addrs: &[SocketAddr], spec: &Spec, make: MakeRequest, check: Check) -> anyhow::Result<Outcome> {
    anyhow::ensure!(!addrs.is_empty(), "no server to send requests to");
    let next = Arc::new(AtomicU64::new(spec.first));
    let last = spec.first + spec.max_requests;
    let gate = Arc::new(Barrier::new(spec.concurrency + 1));
    let connecting = Arc::new(Semaphore::new(128));
    let start_line = Arc::new(std::sync::OnceLock::<Instant>::new());
    let duration = spec.duration;
    let mut workers = tokio::task::JoinSet::new();
    for client in 0..spec.concurrency {
        let addr = addrs[client % addrs.len()];
        let (next, gate, connecting, start_line) = (next.clone(), gate.clone(), connecting.clone(), start_line.clone());
        let (make, check) = (make.clone(), check.clone());
        workers.spawn(async move {
            let mut tally =
                Tally { latency: histogram()?, errors: 0, server_errors: 0, first_error: None, body_bytes: 0 };
            let connected = {
                let _permit = connecting.acquire().await.context("connection semaphore")?;
                connect(addr).await
            };
            // Wait for the others whatever happened, or they would wait forever.
            gate.wait().await;
            let mut sender = match connected {
                Ok(sender) => Some(sender),
                Err(error) => {
                    tally.errors += 1;
                    tally.first_error = Some(format!("{error:#}"));
                    None
                }
            };
            let deadline = *start_line.get_or_init(Instant::now) + duration;
            loop {
                if Instant::now() >= deadline {
                    break;
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= last {
                    break;
                }
                let conn = match sender.as_mut() {
                    Some(conn) => conn,
                    None => match connect(addr).await {
                        Ok(conn) => sender.insert(conn),
                        Err(error) => {
                            tally.errors += 1;
                            tally.first_error.get_or_insert_with(|| format!("{error:#}"));
                            tokio::time::sleep(Duration::from_millis(10)).await;
                            continue;
                        }
                    },
                };
                let started = Instant::now();
                match send(conn, make(i)).await {
                    Ok((status, body)) => {
                        let micros = started.elapsed().as_micros().try_into().unwrap_or(u64::MAX);
                        tally.latency.saturating_record(micros.max(1));
                        tally.body_bytes += body.len() as u64;
                        if status.is_server_error() {
                            tally.server_errors += 1;
                        }
                        if !check(status, &body) {
                            tally.errors += 1;
                            tally.first_error.get_or_insert_with(|| {
                                format!("{status}: {}", String::from_utf8_lossy(&body[..body.len().min(300)]))
                            });
                        }
                    }
                    Err(error) => {
                        tally.errors += 1;
                        tally.first_error.get_or_insert_with(|| format!("{error:#}"));
                        sender = None;
                    }
                }
            }
            anyhow::Ok((tally, Instant::now()))
        });
    }
    gate.wait().await;
    let started = *start_line.get_or_init(Instant::now);
    let mut outcome = Outcome {
        requests: 0,
        elapsed: Duration::ZERO,
        latency: histogram()?,
        errors: 0,
        server_errors: 0,
        first_error: None,
        body_bytes: 0,
    };
    let mut finished = started;
    while let Some(joined) = workers.join_next().await {
        let (tally, done) = joined.context("load worker panicked")??;
        finished = finished.max(done);
        // Answered requests; transport failures count as errors only.
        outcome.requests += tally.latency.len();
        outcome.latency.add(&tally.latency).context("merging histograms")?;
        outcome.errors += tally.errors;
        outcome.server_errors += tally.server_errors;
        outcome.body_bytes += tally.body_bytes;
        if outcome.first_error.is_none() {
            outcome.first_error = tally.first_error;
        }
    }
    outcome.elapsed = finished - started;
    Ok(outcome)
}
