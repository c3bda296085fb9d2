//! The service under test, as a separate process: the release `atelier`
//! binary on a fresh database, its organizer account and API token made with
//! its own command line, its events made over its API.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::{Method, Request, StatusCode, header};
use serde_json::{Value, json};

use crate::load::{self, Body};

/// The release server binary next to the bench's own executable. Under
/// `cargo run` it is (re)built first, so that a stale binary is never measured.
pub fn server_binary(explicit: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(path) = explicit {
        return Ok(path.to_owned());
    }
    let me = std::env::current_exe().context("locating the bench executable")?;
    let dir = me.parent().context("the bench executable has no folder")?;
    let binary = dir.join(format!("atelier{}", std::env::consts::EXE_SUFFIX));
    if let Some(cargo) = std::env::var_os("CARGO") {
        eprintln!("building the server: cargo build --release --bin atelier");
        let status = Command::new(cargo)
            .args(["build", "--release", "--bin", "atelier"])
            .status()
            .context("running cargo build --release --bin atelier")?;
        ensure!(status.success(), "cargo build --release --bin atelier failed");
    }
    ensure!(
        binary.exists(),
        "no server binary at {}: run `cargo build --release --bin atelier` or pass --server-bin",
        binary.display()
    );
    Ok(binary)
}

/// A port free at the time of asking (the server binds it right after).
pub fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr().context("free port")?.port())
}

/// Peak resident memory of a process (VmHWM), in KiB.
pub fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A child process that is stopped (SIGTERM, then SIGKILL) when dropped, so
/// that no server outlives the bench, even on an error.
pub struct Process {
    child: Child,
    pub addr: SocketAddr,
    log: PathBuf,
}

impl Process {
    pub fn spawn(mut command: Command, addr: SocketAddr, log: PathBuf) -> anyhow::Result<Self> {
        let log_file = std::fs::File::create(&log).with_context(|| format!("creating {}", log.display()))?;
        command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(log_file);
        let child = command.spawn().with_context(|| format!("starting {:?}", command.get_program()))?;
        Ok(Self { child, addr, log })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn peak_rss_kib(&self) -> Option<u64> {
        peak_rss_kib(self.pid())
    }

    /// The end of the process's log, for error messages.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// Waits until `path` answers 200.
    pub async fn wait_ready(&mut self, path: &str) -> anyhow::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().context("checking the server process")? {
                bail!("the server exited ({status}) before answering:\n{}", self.log_tail());
            }
            if let Ok(mut conn) = load::connect(self.addr).await {
                let request = Request::get(path).header(header::HOST, "127.0.0.1").body(Body::default())?;
                if let Ok((StatusCode::OK, _)) = load::send(&mut conn, request).await {
                    return Ok(());
                }
            }
            if Instant::now() > deadline {
                bail!("the server did not answer {path} within a minute:\n{}", self.log_tail());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGTERM (graceful shutdown), then SIGKILL after ten seconds.
    pub async fn stop(&mut self) -> anyhow::Result<()> {
        if self.child.try_wait()?.is_some() {
            return Ok(());
        }
        let _ = Command::new("kill").args(["-TERM", &self.pid().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.child.try_wait()?.is_some() {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.child.kill().context("killing the process")?;
        self.child.wait()?;
        bail!("the process did not stop within 10 s of SIGTERM:\n{}", self.log_tail())
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The service running on its own database, with an organizer token: one
/// process, or several on one PostgreSQL database (`--instances`).
pub struct Server {
    /// The first instance (it ran the migrations; the API calls go to it),
    /// then the others.
    pub processes: Vec<Process>,
    pub token: String,
    /// The server's database, for checks the API does not show.
    pub database_url: String,
    /// Keeps the SQLite file and mail folder until the server is dropped.
    _dir: tempfile::TempDir,
}

pub struct ServerOptions<'a> {
    pub binary: &'a Path,
    /// None: a fresh SQLite file in a temporary folder.
    pub database_url: Option<&'a str>,
    pub data_dir: Option<&'a Path>,
    pub smtp_url: &'a str,
    /// Unique per run and server: organizer emails, slugs.
    pub tag: &'a str,
    /// Processes serving the same database (more than one: PostgreSQL only).
    pub instances: usize,
}

impl Server {
    pub async fn start(options: &ServerOptions<'_>) -> anyhow::Result<Self> {
        let dir = match options.data_dir {
            Some(parent) => tempfile::Builder::new().prefix("atelier-bench").tempdir_in(parent),
            None => tempfile::Builder::new().prefix("atelier-bench").tempdir(),
        }
        .context("creating a temporary folder")?;
        let database_url = match options.database_url {
            Some(url) => url.to_owned(),
            None => format!("sqlite://{}", dir.path().join("atelier.db").display()),
        };
        // One after another: the first applies the migrations.
        let mut processes = Vec::with_capacity(options.instances.max(1));
        for n in 0..options.instances.max(1) {
            let addr = SocketAddr::from(([127, 0, 0, 1], free_port()?));
            let mut command = Command::new(options.binary);
            command
                .arg("serve")
                .env("DATABASE_URL", &database_url)
                .env("LISTEN_ADDR", addr.to_string())
                .env("PUBLIC_URL", format!("http://{addr}"))
                .env("SMTP_URL", options.smtp_url)
                .env("MAIL_DIR", dir.path().join("mail"))
                .env("ATELIER_SECRET_KEY", "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
                .env("RUST_LOG", "warn")
                // The load comes from one address: the per-client limit is off.
                .env("SIGNUP_RATE_PER_MINUTE", "0")
                .env_remove("ATELIER_DEMO")
                .env_remove("SECRET_KEY_FILE");
            let mut process = Process::spawn(command, addr, dir.path().join(format!("server-{n}.log")))?;
            process.wait_ready("/healthz").await?;
            processes.push(process);
        }

        let email = format!("bench-{}@example.org", options.tag);
        let cli = |args: &[&str]| -> anyhow::Result<String> {
            let output = Command::new(options.binary)
                .args(args)
                .env("DATABASE_URL", &database_url)
                .env("ATELIER_PASSWORD", "bench password, long enough")
                .env("RUST_LOG", "warn")
                .stdin(Stdio::null())
                .output()
                .with_context(|| format!("running atelier {}", args.join(" ")))?;
            ensure!(
                output.status.success(),
                "atelier {} failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr)
            );
            Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
        };
        cli(&["organizer", "add", &email, "--name", "Bench", "--admin"])?;
        let token = cli(&["token", "create", "--organizer", &email, "--label", "bench"])?;
        ensure!(!token.is_empty(), "atelier token create printed no token");
        Ok(Self { processes, token, database_url, _dir: dir })
    }

    /// The first instance's address.
    pub fn addr(&self) -> SocketAddr {
        self.processes[0].addr
    }

    /// Every instance's address: load spreads its clients over them.
    pub fn addrs(&self) -> Vec<SocketAddr> {
        self.processes.iter().map(|p| p.addr).collect()
    }

    /// The highest peak RSS of the instances.
    pub fn peak_rss_kib(&self) -> Option<u64> {
        self.processes.iter().filter_map(Process::peak_rss_kib).max()
    }

    pub async fn stop(&mut self) -> anyhow::Result<()> {
        for process in &mut self.processes {
            process.stop().await?;
        }
        Ok(())
    }

    /// One organizer API call on a short-lived connection.
    pub async fn api(&self, method: Method, path: &str, body: Option<&Value>) -> anyhow::Result<(StatusCode, Value)> {
        let (status, _, value) = self.api_with_link(method, path, body).await?;
        Ok((status, value))
    }

    /// Every item of an API list, following its `Link: <…>; rel="next"`
    /// headers page after page.
    pub async fn api_list(&self, path: &str) -> anyhow::Result<(StatusCode, Vec<Value>)> {
        let mut items = Vec::new();
        let mut next = Some(path.to_owned());
        while let Some(path) = next.take() {
            let (status, link, value) = self.api_with_link(Method::GET, &path, None).await?;
            if status != StatusCode::OK {
                return Ok((status, items));
            }
            items.extend(value.as_array().cloned().unwrap_or_default());
            next = link;
        }
        Ok((StatusCode::OK, items))
    }

    /// The answer's status, the target of its `rel="next"` link if any,
    /// and its JSON body.
    async fn api_with_link(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<(StatusCode, Option<String>, Value)> {
        let mut conn = load::connect(self.addr()).await?;
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, "127.0.0.1")
            .header(header::AUTHORIZATION, format!("Bearer {}", self.token));
        let payload = match body {
            Some(body) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Bytes::from(serde_json::to_vec(body)?)
            }
            None => Bytes::new(),
        };
        conn.ready().await.context("connection not ready")?;
        let response = conn.send_request(request.body(Body::new(payload))?).await.context("sending the request")?;
        let status = response.status();
        let next = response.headers().get(header::LINK).and_then(|link| link.to_str().ok()).and_then(|link| {
            link.strip_prefix('<')?.split_once(">; rel=\"next\"").map(|(target, _)| target.to_owned())
        });
        let bytes = response.into_body().collect().await.context("reading the answer")?.to_bytes();
        let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Ok((status, next, value))
    }

    /// Creates published events open for registration now, starting in a
    /// month; returns their slugs and ids.
    pub async fn create_events(&self, tag: &str, count: usize, capacity: i64) -> anyhow::Result<Vec<(String, String)>> {
        let now = chrono::Utc::now();
        let at =
            |days: i64, hours: i64| (now + chrono::Duration::days(days) + chrono::Duration::hours(hours)).to_rfc3339();
        let mut events = Vec::with_capacity(count);
        for i in 0..count {
            let slug = format!("bench-{tag}-{i}");
            let body = json!({
                "kind": if i % 5 == 0 { "round_table" } else { "masterclass" },
                "title": format!("Masterclass bioproduction {i} : de la cellule au lot clinique"),
                "slug": slug,
                "description": "Une journée sur un site de bioproduction : visite des salles blanches, \
                    rencontre avec les équipes procédés et qualité, atelier sur les métiers de la \
                    production de biomédicaments et échanges sur les parcours de formation.",
                "starts_at": at(30, i as i64),
                "ends_at": at(30, i as i64 + 7),
                "location": "Naobios",
                "address": "Saint-Herblain",
                "host": "Naobios",
                "capacity": capacity,
                "status": "published",
                "registration_opens_at": at(-1, 0),
                "registration_closes_at": at(29, 0),
                "language": "fr",
            });
            let (status, created) = self.api(Method::POST, "/api/v1/events", Some(&body)).await?;
            ensure!(status == StatusCode::CREATED, "creating event {slug}: {status} {created}");
            let id = created["id"].as_str().context("created event without id")?.to_owned();
            events.push((slug, id));
        }
        Ok(events)
    }
}
