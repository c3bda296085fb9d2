//! atelier-bench: the load benchmark of issue 6.
//!
//! Starts the release `atelier` server as a separate process on a fresh
//! database, creates what each scenario needs through its command line and
//! API, drives HTTP load from this process over loopback, and prints one
//! table (optionally written as JSON). Exits non-zero when a correctness
//! check fails; timing targets are reported, never enforced.

mod floor;
mod load;
mod mail;
mod reminders;
mod server;
mod targets;
// The in-process SMTP server of the integration tests, reused as the sink
// the service delivers to (it can be slowed down).
#[allow(dead_code)]
#[path = "../../tests/common/smtp.rs"]
mod smtp;

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Context, ensure};
use bytes::Bytes;
use clap::{Parser, Subcommand, ValueEnum};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, StatusCode, Uri};
use serde::Serialize;

use load::{Body, Check, MakeRequest, Outcome, Spec};
use server::{Process, Server, ServerOptions};

#[derive(Parser, Debug)]
#[command(name = "atelier-bench", about = "Load benchmark of the atelier server (see BENCHMARKS.md)")]
struct Args {
    /// Seconds of load per row (sign-ups, catalogue, floor).
    #[arg(long, default_value_t = 5)]
    duration_secs: u64,
    /// Smoke run for CI: about a second per row and small request counts.
    #[arg(long)]
    quick: bool,
    /// Scenarios to run, comma-separated.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "floor,sign-ups,rush,catalogue,slow-mail,reminders,mail"
    )]
    scenarios: Vec<Scenario>,
    /// Database of the server under test (passed as DATABASE_URL), e.g.
    /// postgres://...; default: a fresh SQLite file per server.
    #[arg(long)]
    database_url: Option<String>,
    /// Server processes on the one database, requests spread over them
    /// round-robin (more than one needs --database-url postgres://…).
    #[arg(long, default_value_t = 1)]
    instances: usize,
    /// Where the temporary SQLite folders go (default: the system's temporary
    /// folder). A tmpfs here would skip the fsync cost of a real disk.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Writes the table, checks and targets to this file as JSON.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Threads of the load generator (the server gets the rest of the machine).
    #[arg(long, default_value_t = 1)]
    client_threads: usize,
    /// Server binary (default: `atelier` next to this executable, built first under cargo).
    #[arg(long)]
    server_bin: Option<PathBuf>,
    /// Sign-ups in the 9:00 rush, all sent at once.
    #[arg(long, default_value_t = 2000)]
    rush_size: usize,
    /// Seats of the rushed event.
    #[arg(long, default_value_t = 30)]
    rush_seats: i64,
    #[command(subcommand)]
    command: Option<Sub>,
}

#[derive(Subcommand, Debug)]
enum Sub {
    /// Serves the reference floor (started by the bench itself).
    #[command(hide = true)]
    FloorServer {
        #[arg(long)]
        port: u16,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Scenario {
    /// (0) bare axum handlers served by a separate bench process.
    Floor,
    /// (1) sign-ups over 50 events at concurrency 1, 16, 64.
    SignUps,
    /// (2) the 9:00 rush: 2,000 sign-ups at once for 30 seats.
    Rush,
    /// (3) `/` and `GET /api/v1/events` with 200 events.
    Catalogue,
    /// (4) sign-ups at concurrency 64 while the SMTP server takes 200 ms a message.
    SlowMail,
    /// (5) sign-ups at concurrency 64 while 10,000 reminders fall due.
    Reminders,
    /// (6) sign-ups at concurrency 64 with SMTP delivering, then down, three times each.
    Mail,
}

#[derive(Serialize, Debug)]
struct Row {
    scenario: String,
    concurrency: usize,
    requests: u64,
    seconds: f64,
    requests_per_s: f64,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    errors: u64,
    server_errors: u64,
    /// Mean body size of the answers.
    body_bytes: u64,
    /// Peak RSS (VmHWM) of the process that served the row, read right after it.
    peak_rss_kib: Option<u64>,
    /// requests/s as a fraction of the matching floor row.
    of_floor: Option<f64>,
    note: String,
}

#[derive(Serialize, Debug)]
struct Verdict {
    name: String,
    ok: bool,
    detail: String,
}

#[derive(Serialize, Debug)]
struct Report {
    date: String,
    commit: Option<String>,
    cores: usize,
    database: String,
    instances: usize,
    duration_secs: f64,
    client_threads: usize,
    rows: Vec<Row>,
    checks: Vec<Verdict>,
    targets: Vec<Verdict>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if let Some(Sub::FloorServer { port }) = args.command {
        return floor::serve(port);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.client_threads.max(1))
        .enable_all()
        .build()
        .context("load generator runtime")?;
    let report = runtime.block_on(run(&args))?;
    print_report(&report);
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&report)?;
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    let failed: Vec<&str> = report.checks.iter().filter(|c| !c.ok).map(|c| c.name.as_str()).collect();
    ensure!(failed.is_empty(), "correctness checks failed: {}", failed.join(", "));
    Ok(())
}

/// Everything one run measures.
struct Bench<'a> {
    args: &'a Args,
    binary: PathBuf,
    tag: String,
    duration: Duration,
    max_requests: u64,
    rows: Vec<Row>,
    checks: Vec<Verdict>,
    /// Request numbers already used on the current server.
    next_request: u64,
}

async fn run(args: &Args) -> anyhow::Result<Report> {
    let postgres = args.database_url.as_deref().is_some_and(|url| url.starts_with("postgres"));
    ensure!(
        args.instances >= 1 && (args.instances == 1 || postgres),
        "--instances {} needs --database-url postgres://… (SQLite serves one process)",
        args.instances
    );
    let binary = server::server_binary(args.server_bin.as_deref())?;
    let (duration, max_requests) =
        if args.quick { (Duration::from_secs(1), 3_000) } else { (Duration::from_secs(args.duration_secs), 5_000_000) };
    let started = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let mut bench = Bench {
        args,
        binary,
        tag: format!("{:x}", started.as_millis()),
        duration,
        max_requests,
        rows: Vec::new(),
        checks: Vec::new(),
        next_request: 0,
    };
    let wants = |s: Scenario| args.scenarios.contains(&s);

    let mut floor = if wants(Scenario::Floor) { Some(bench.start_floor().await?) } else { None };
    if let Some(floor) = &floor {
        for concurrency in [1, 16, 64] {
            bench.floor_tiny(floor, concurrency).await?;
        }
        if wants(Scenario::Rush) {
            bench.floor_rush(floor).await?;
        }
    }
    if wants(Scenario::SignUps) {
        bench.sign_ups(&[1, 16, 64], None).await?;
    }
    if wants(Scenario::Rush) {
        bench.rush().await?;
    }
    if wants(Scenario::Catalogue) {
        bench.catalogue(floor.as_ref()).await?;
    }
    if wants(Scenario::SlowMail) {
        bench.sign_ups(&[64], Some(Duration::from_millis(200))).await?;
    }
    if wants(Scenario::Reminders) {
        bench.reminders().await?;
    }
    if wants(Scenario::Mail) {
        bench.mail().await?;
    }
    if let Some(floor) = floor.as_mut() {
        floor.stop().await?;
    }
    let server_errors: u64 = bench.rows.iter().map(|r| r.server_errors).sum();
    bench.check("no 5xx answer", server_errors == 0, format!("{server_errors} answers with a 5xx status"));
    fill_floor_fractions(&mut bench.rows);
    let targets = targets::targets(&bench.rows, postgres, args.instances);
    Ok(Report {
        date: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        commit: git_commit(),
        cores: std::thread::available_parallelism().map_or(0, |n| n.get()),
        database: if args.database_url.is_some() { "postgres (--database-url)".into() } else { "sqlite".into() },
        instances: args.instances,
        duration_secs: duration.as_secs_f64(),
        client_threads: args.client_threads,
        rows: bench.rows,
        checks: bench.checks,
        targets,
    })
}

fn git_commit() -> Option<String> {
    let output = Command::new("git").args(["rev-parse", "--short", "HEAD"]).output().ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

fn status_is(expected: StatusCode) -> Check {
    Arc::new(move |status, _| status == expected)
}

/// The same request every time: a GET, or a POST of JSON when `json` is given.
fn fixed(path: &str, json: Option<&'static str>) -> anyhow::Result<MakeRequest> {
    let uri: Uri = path.parse().with_context(|| format!("address {path}"))?;
    Ok(Arc::new(move |_| {
        let mut request = Request::new(Body::new(json.map(|j| Bytes::from_static(j.as_bytes())).unwrap_or_default()));
        *request.uri_mut() = uri.clone();
        if json.is_some() {
            *request.method_mut() = Method::POST;
        }
        let headers = request.headers_mut();
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1"));
        if json.is_some() {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        request
    }))
}

/// The same body as a sign-up, for the floor to read and ignore.
const TINY_SIGN_UP: &str = r#"{"name":"Étudiant·e 1","email":"etudiant1@example.org","institution":"Nantes Université","level":"master","consent":true}"#;

/// A sign-up for one of `slugs`, from a person unique to request `i`.
fn sign_up_requests(slugs: &[String], tag: &str) -> anyhow::Result<MakeRequest> {
    let uris = slugs
        .iter()
        .map(|slug| format!("/api/v1/events/{slug}/registrations").parse::<Uri>())
        .collect::<Result<Vec<_>, _>>()
        .context("sign-up address")?;
    let tag = tag.to_owned();
    Ok(Arc::new(move |i| {
        let body = format!(
            r#"{{"name":"Étudiant·e {i}","email":"etudiant{i}.{tag}@example.org","institution":"Nantes Université","level":"master","consent":true}}"#
        );
        let mut request = Request::new(Body::new(Bytes::from(body)));
        *request.method_mut() = Method::POST;
        *request.uri_mut() = uris[i as usize % uris.len()].clone();
        let headers = request.headers_mut();
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1"));
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        request
    }))
}

impl Bench<'_> {
    fn check(&mut self, name: &str, ok: bool, detail: String) {
        self.checks.push(Verdict { name: name.into(), ok, detail });
    }

    fn spec(&self, concurrency: usize) -> Spec {
        Spec { concurrency, duration: self.duration, max_requests: self.max_requests, first: self.next_request }
    }

    /// Records a measured row; `rss` is read from the process that served it.
    fn row(&mut self, scenario: &str, concurrency: usize, outcome: &Outcome, rss: Option<u64>, note: String) {
        self.next_request += outcome.requests + outcome.errors + 1_000;
        let mut note = note;
        if let Some(error) = &outcome.first_error {
            note = format!("{note} first error: {}", error.replace('\n', " "));
        }
        let row = Row {
            scenario: scenario.into(),
            concurrency,
            requests: outcome.requests,
            seconds: outcome.elapsed.as_secs_f64(),
            requests_per_s: outcome.per_second(),
            p50_ms: outcome.quantile_ms(0.5),
            p99_ms: outcome.quantile_ms(0.99),
            max_ms: outcome.max_ms(),
            errors: outcome.errors,
            server_errors: outcome.server_errors,
            body_bytes: outcome.body_bytes.checked_div(outcome.requests).unwrap_or(0),
            peak_rss_kib: rss,
            of_floor: None,
            note: note.trim().to_owned(),
        };
        eprintln!(
            "  {:<36} c={:<5} {:>9.0} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms  errors {}",
            row.scenario, row.concurrency, row.requests_per_s, row.p50_ms, row.p99_ms, row.errors
        );
        self.rows.push(row);
    }

    async fn start_server(&mut self, name: &str, sink: &smtp::SmtpSink) -> anyhow::Result<Server> {
        self.next_request = 0;
        let tag = format!("{}-{name}", self.tag);
        eprintln!("starting the server for {name}");
        Server::start(&ServerOptions {
            binary: &self.binary,
            database_url: self.args.database_url.as_deref(),
            data_dir: self.args.data_dir.as_deref(),
            smtp_url: &sink.url(),
            tag: &tag,
            instances: self.args.instances,
        })
        .await
    }

    async fn start_floor(&self) -> anyhow::Result<Process> {
        let port = server::free_port()?;
        let me = std::env::current_exe().context("locating the bench executable")?;
        let mut command = Command::new(me);
        command.args(["floor-server", "--port", &port.to_string()]);
        let log = std::env::temp_dir().join(format!("atelier-bench-floor-{}.log", self.tag));
        let mut process = Process::spawn(command, std::net::SocketAddr::from(([127, 0, 0, 1], port)), log)?;
        process.wait_ready("/healthz").await?;
        Ok(process)
    }

    async fn floor_tiny(&mut self, floor: &Process, concurrency: usize) -> anyhow::Result<()> {
        let make = fixed("/tiny", Some(TINY_SIGN_UP))?;
        let outcome = load::run(&[floor.addr], &self.spec(concurrency), make, status_is(StatusCode::OK)).await?;
        self.row("0 floor: tiny JSON POST", concurrency, &outcome, floor.peak_rss_kib(), String::new());
        Ok(())
    }

    /// The rush's shape against the floor: what that many connections and
    /// requests at once cost without any work behind them (time and memory).
    async fn floor_rush(&mut self, floor: &Process) -> anyhow::Result<()> {
        let size = self.args.rush_size;
        let spec = Spec { concurrency: size, duration: Duration::from_secs(120), max_requests: size as u64, first: 0 };
        let outcome =
            load::run(&[floor.addr], &spec, fixed("/tiny", Some(TINY_SIGN_UP))?, status_is(StatusCode::OK)).await?;
        let note = format!("all answered in {:.0} ms", outcome.elapsed.as_secs_f64() * 1000.0);
        self.row(&format!("0 floor: {size} at once"), size, &outcome, floor.peak_rss_kib(), note);
        Ok(())
    }

    /// Scenario (1), or (4) when `smtp_delay` is given.
    async fn sign_ups(&mut self, concurrencies: &[usize], smtp_delay: Option<Duration>) -> anyhow::Result<()> {
        let sink = smtp::SmtpSink::start().await;
        let (name, label) = match smtp_delay {
            None => ("sign-ups", "1 sign-ups, 50 events".to_owned()),
            Some(delay) => {
                sink.slow_down(delay);
                ("slow-mail", format!("4 sign-ups, SMTP {} ms/msg", delay.as_millis()))
            }
        };
        let mut server = self.start_server(name, &sink).await?;
        let events = server.create_events(&format!("{}-{name}", self.tag), 50, 100_000).await?;
        let slugs: Vec<String> = events.into_iter().map(|(slug, _)| slug).collect();
        let make = sign_up_requests(&slugs, &format!("{}-{name}", self.tag))?;
        for &concurrency in concurrencies {
            let outcome =
                load::run(&server.addrs(), &self.spec(concurrency), make.clone(), status_is(StatusCode::CREATED))
                    .await?;
            let note = format!("{} emails received by then", sink.received().len());
            self.row(&label, concurrency, &outcome, server.peak_rss_kib(), note);
            self.check(
                &format!("{label} c={concurrency}: every sign-up answered 201"),
                outcome.errors == 0 && outcome.requests > 0,
                format!("{} answered, {} errors", outcome.requests, outcome.errors),
            );
        }
        server.stop().await?;
        Ok(())
    }

    /// Scenario (2): every sign-up sent at once on its own connection.
    async fn rush(&mut self) -> anyhow::Result<()> {
        let (size, seats) = (self.args.rush_size, self.args.rush_seats);
        let sink = smtp::SmtpSink::start().await;
        let mut server = self.start_server("rush", &sink).await?;
        let events = server.create_events(&format!("{}-rush", self.tag), 1, seats).await?;
        let (slug, id) = events.into_iter().next().context("the rushed event")?;
        let make = sign_up_requests(std::slice::from_ref(&slug), &format!("{}-rush", self.tag))?;
        let confirmed = Arc::new(AtomicU64::new(0));
        let waitlisted = Arc::new(AtomicU64::new(0));
        let check: Check = {
            let (confirmed, waitlisted) = (confirmed.clone(), waitlisted.clone());
            Arc::new(move |status, body| {
                let value: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
                match value["status"].as_str() {
                    Some("confirmed") => confirmed.fetch_add(1, Ordering::Relaxed),
                    Some("waitlisted") => waitlisted.fetch_add(1, Ordering::Relaxed),
                    _ => return false,
                };
                status == StatusCode::CREATED
            })
        };
        // No deadline: the row measures how long the whole rush takes.
        let spec = Spec { concurrency: size, duration: Duration::from_secs(120), max_requests: size as u64, first: 0 };
        let outcome = load::run(&server.addrs(), &spec, make, check).await?;
        let (confirmed, waitlisted) = (confirmed.load(Ordering::Relaxed), waitlisted.load(Ordering::Relaxed));
        let (status, listed) = server.api_list(&format!("/api/v1/events/{id}/registrations")).await?;
        ensure!(status == StatusCode::OK, "listing the rushed event's registrations: {status}");
        let listed_confirmed = listed.iter().filter(|r| r["status"] == "confirmed").count() as u64;
        let note = format!(
            "all answered in {:.0} ms; {confirmed} confirmed, {waitlisted} waitlisted; API list: {listed_confirmed} confirmed of {}",
            outcome.elapsed.as_secs_f64() * 1000.0,
            listed.len()
        );
        let label = format!("2 rush: {size} at once, {seats} seats");
        self.row(&label, size, &outcome, server.peak_rss_kib(), note);
        let seats = seats as u64;
        self.check(
            "rush: every sign-up answered 201",
            outcome.requests == size as u64 && outcome.errors == 0,
            format!("{} answered, {} errors", outcome.requests, outcome.errors),
        );
        self.check(
            "rush: exactly the seats confirmed (answers)",
            confirmed == seats && confirmed + waitlisted == size as u64,
            format!("{confirmed} confirmed, {waitlisted} waitlisted"),
        );
        self.check(
            "rush: exactly the seats confirmed (organizer API)",
            listed_confirmed == seats && listed.len() == size,
            format!("{listed_confirmed} confirmed of {} registrations", listed.len()),
        );
        server.stop().await?;
        Ok(())
    }

    /// Scenario (3), each page followed by the floor serving a body of its size.
    async fn catalogue(&mut self, floor: Option<&Process>) -> anyhow::Result<()> {
        const EVENTS: usize = 200;
        let sink = smtp::SmtpSink::start().await;
        let mut server = self.start_server("catalogue", &sink).await?;
        let tag = format!("{}-catalogue", self.tag);
        server.create_events(&tag, EVENTS, 100).await?;
        let prefix = format!("bench-{tag}-");
        let (status, list) = server.api_list("/api/v1/events").await?;
        // On PostgreSQL the database is shared by the scenarios (and earlier
        // runs): count this scenario's events only.
        let listed = list.iter().filter(|e| e["slug"].as_str().is_some_and(|slug| slug.starts_with(&prefix))).count();
        self.check(
            "catalogue: the API lists every event",
            status == StatusCode::OK && listed == EVENTS,
            format!("{status}, {listed} events listed of {EVENTS}"),
        );
        for (label, path) in [("3 catalogue: GET / (HTML)", "/"), ("3 catalogue: GET /api/v1/events", "/api/v1/events")]
        {
            let outcome =
                load::run(&server.addrs(), &self.spec(64), fixed(path, None)?, status_is(StatusCode::OK)).await?;
            let size = outcome.body_bytes.checked_div(outcome.requests).unwrap_or(0);
            self.row(label, 64, &outcome, server.peak_rss_kib(), format!("{size} bytes a page"));
            self.check(
                &format!("catalogue {path}: every answer 200"),
                outcome.errors == 0 && outcome.requests > 0,
                format!("{} answered, {} errors", outcome.requests, outcome.errors),
            );
            if let Some(floor) = floor {
                let floor_path = format!("/body/{size}");
                let outcome =
                    load::run(&[floor.addr], &self.spec(64), fixed(&floor_path, None)?, status_is(StatusCode::OK))
                        .await?;
                let label = format!("0 floor: {} KiB body (as {path})", size.div_ceil(1024));
                self.row(&label, 64, &outcome, floor.peak_rss_kib(), String::new());
                let floor_rps = outcome.per_second();
                let n = self.rows.len();
                if let Some(row) = self.rows.get_mut(n.wrapping_sub(2)) {
                    row.of_floor = Some(row.requests_per_s / floor_rps);
                }
            }
        }
        server.stop().await?;
        Ok(())
    }
}

/// Sign-up rows read against the tiny floor at the same concurrency.
fn fill_floor_fractions(rows: &mut [Row]) {
    let floors: Vec<(usize, f64)> = rows
        .iter()
        .filter(|r| r.scenario.starts_with("0 floor: tiny"))
        .map(|r| (r.concurrency, r.requests_per_s))
        .collect();
    for row in rows.iter_mut().filter(|r| r.scenario.starts_with('1') || r.scenario.starts_with('4')) {
        if let Some((_, floor)) = floors.iter().find(|(c, _)| *c == row.concurrency) {
            row.of_floor = Some(row.requests_per_s / floor);
        }
    }
}

fn print_report(report: &Report) {
    println!();
    println!(
        "atelier-bench {} commit {} on {} cores, {}, {} s a row, load generator on {} thread(s)",
        report.date,
        report.commit.as_deref().unwrap_or("?"),
        report.cores,
        report.database,
        report.duration_secs,
        report.client_threads
    );
    println!();
    println!(
        "| {:<38} | {:>5} | {:>8} | {:>10} | {:>8} | {:>8} | {:>8} | {:>6} | {:>8} | {:>8} | note",
        "scenario", "conc", "requests", "requests/s", "p50 ms", "p99 ms", "max ms", "errors", "RSS MiB", "of floor"
    );
    println!(
        "|{}|-------|----------|------------|----------|----------|----------|--------|----------|----------|-----",
        "-".repeat(40)
    );
    for row in &report.rows {
        println!(
            "| {:<38} | {:>5} | {:>8} | {:>10.0} | {:>8.2} | {:>8.2} | {:>8.2} | {:>6} | {:>8} | {:>8} | {}",
            row.scenario,
            row.concurrency,
            row.requests,
            row.requests_per_s,
            row.p50_ms,
            row.p99_ms,
            row.max_ms,
            row.errors,
            row.peak_rss_kib.map_or("?".into(), |k| format!("{:.1}", k as f64 / 1024.0)),
            row.of_floor.map_or(String::new(), |f| format!("{:.0}%", f * 100.0)),
            row.note
        );
    }
    println!();
    println!("Correctness checks (a failure makes the exit status non-zero):");
    for check in &report.checks {
        println!("  [{}] {}: {}", if check.ok { "ok" } else { "FAILED" }, check.name, check.detail);
    }
    println!();
    println!("Targets (issue 6 on SQLite, issue 19 on PostgreSQL; reported, not enforced):");
    for target in &report.targets {
        println!("  [{}] {}: {}", if target.ok { "met" } else { "MISSED" }, target.name, target.detail);
    }
}
