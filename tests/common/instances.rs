//! Real `atelier` processes on one PostgreSQL database, as several
//! instances behind a proxy run: each started on a port of its own, sharing
//! the database, the secret and (unless a test gives one its own) the SMTP
//! server.
//!
//! The processes run the binary named by ATELIER_BIN (CI points it at the
//! release build) or, by default, the one `cargo test` built.

use std::process::Stdio;
use std::time::Duration;

use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use super::fresh_postgres_database;
use super::smtp::SmtpSink;

/// One running `atelier` process.
pub struct Instance {
    pub child: Child,
    pub base: String,
}

/// What every instance shares: the database, the secret, the SMTP server.
pub struct Deployment {
    pub database_url: String,
    pub secret: String,
    pub smtp_url: String,
}

pub fn binary() -> String {
    std::env::var("ATELIER_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_atelier").to_owned())
}

/// A deployment on a fresh database of the server TEST_DATABASE_URL names.
pub async fn deployment(sink: &SmtpSink) -> Deployment {
    Deployment::on(fresh_postgres_database().await, sink)
}

impl Deployment {
    /// A deployment on the database at `database_url`, mailing through `sink`.
    pub fn on(database_url: String, sink: &SmtpSink) -> Self {
        Deployment { database_url, secret: atelier::token::TokenKey::random_secret(), smtp_url: sink.url() }
    }

    /// The command that starts an instance, for a test to adjust before
    /// `spawn`.
    pub fn command(&self, lease_secs: u64) -> Command {
        let mut command = Command::new(binary());
        command
            .env("DATABASE_URL", &self.database_url)
            .env("ATELIER_SECRET_KEY", &self.secret)
            .env("SMTP_URL", &self.smtp_url)
            .env("LISTEN_ADDR", "127.0.0.1:0")
            .env("MAIL_POLL_MS", "50")
            .env("MAIL_RETRY_BASE_MS", "100")
            .env("MAIL_LEASE_SECS", lease_secs.to_string())
            // One address signs hundreds of people up here.
            .env("SIGNUP_RATE_PER_MINUTE", "0")
            .env("RUST_LOG", "info")
            .kill_on_drop(true);
        command
    }

    /// Starts an instance and waits until it listens.
    pub async fn start(&self, lease_secs: u64) -> Instance {
        self.spawn(self.command(lease_secs)).await
    }

    /// Starts an instance with `command` and waits until it listens.
    pub async fn spawn(&self, mut command: Command) -> Instance {
        let mut child = command.stderr(Stdio::piped()).spawn().expect("atelier starts");
        let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
        let address = tokio::time::timeout(Duration::from_secs(60), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if line.contains("listening") {
                    return listening_address(&line);
                }
            }
            None
        })
        .await
        .ok()
        .flatten()
        .expect("the instance logs its address");
        // Keep reading its log, so that a full pipe never blocks it.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Instance { child, base: format!("http://{address}") }
    }

    /// An API token for a new admin, through the command line.
    pub async fn organizer_token(&self) -> String {
        let run = |args: &[&str]| {
            let mut command = self.command(300);
            command.args(args).env("ATELIER_PASSWORD", "un mot de passe solide").env("RUST_LOG", "warn");
            command.output()
        };
        let added = run(&["organizer", "add", "equipe@atlanpole.example", "--admin"]).await.expect("runs");
        assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
        let token = run(&["token", "create", "--organizer", "equipe@atlanpole.example"]).await.expect("runs");
        assert!(token.status.success(), "{}", String::from_utf8_lossy(&token.stderr));
        String::from_utf8(token.stdout).expect("utf-8").trim().to_owned()
    }

    /// A connection pool of the test's own, to check what is committed.
    pub async fn database(&self) -> sqlx::PgPool {
        sqlx::PgPool::connect(&self.database_url).await.expect("database opens")
    }
}

/// `127.0.0.1:PORT` in the "listening" log line.
fn listening_address(line: &str) -> Option<String> {
    let start = line.find("127.0.0.1:")?;
    let port: String = line[start + "127.0.0.1:".len()..].chars().take_while(char::is_ascii_digit).collect();
    (!port.is_empty()).then(|| format!("127.0.0.1:{port}"))
}

/// A published masterclass of `capacity` seats at `slug`, created through
/// `instance`'s API.
pub async fn create_event(client: &reqwest::Client, instance: &Instance, token: &str, slug: &str, capacity: i64) {
    let response = client
        .post(format!("{}/api/v1/events", instance.base))
        .bearer_auth(token)
        .json(&json!({
            "slug": slug,
            "kind": "masterclass",
            "title": "Masterclass Naobios : la bioproduction de vaccins",
            "starts_at": "2099-06-15T09:00:00+02:00",
            "ends_at": "2099-06-15T17:00:00+02:00",
            "location": "Naobios",
            "host": "Naobios",
            "levels": ["bts_but", "licence", "master"],
            "capacity": capacity,
            "status": "published"
        }))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap_or_default());
}
