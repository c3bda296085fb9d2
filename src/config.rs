//! Every setting, from a flag or its environment variable, with defaults
//! that make `cargo run` work with no set-up.

use std::net::SocketAddr;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "atelier", version, about = "Registrations for round tables and masterclasses")]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web site and the API (the default).
    Serve,
    /// Manage organizer accounts.
    #[command(subcommand)]
    Organizer(OrganizerCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Write a consistent copy of the SQLite database to a new file while
    /// the service runs (on PostgreSQL: explains how to use pg_dump).
    Backup { path: std::path::PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum OrganizerCommand {
    /// Create an organizer account. The password is read from
    /// ATELIER_PASSWORD, or asked for on the terminal.
    Add {
        email: String,
        /// Name shown to other organizers.
        #[arg(long, default_value = "")]
        name: String,
        /// Give every right, including managing organizers.
        #[arg(long)]
        admin: bool,
    },
    /// Disable an account: it can no longer sign in, and its sessions and
    /// API tokens end at once.
    Disable { email: String },
    /// Enable a disabled account again (its old tokens stay revoked).
    Enable { email: String },
    /// Set an account's password (from ATELIER_PASSWORD, or asked for on
    /// the terminal); its sessions end.
    SetPassword { email: String },
    /// Print a one-time link to choose a new password, valid for an hour.
    ResetLink { email: String },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Print a new API token for an organizer (shown once, stored hashed).
    Create {
        #[arg(long)]
        organizer: String,
        /// What the token is for, e.g. "benchmark".
        #[arg(long, default_value = "")]
        label: String,
        /// Days until the token stops working; unset, it lasts until revoked.
        #[arg(long)]
        expires_in_days: Option<i64>,
    },
    /// List an organizer's tokens (never their secrets).
    List {
        #[arg(long)]
        organizer: String,
    },
    /// Revoke a token by its id (from `token list`): the next request with
    /// it gets 401.
    Revoke { id: uuid::Uuid },
}

#[derive(Clone, Args)]
pub struct Config {
    /// Database to use: sqlite://path/to/file.db (created if missing).
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/atelier.db", global = true)]
    pub database_url: String,

    /// Address and port to listen on.
    #[arg(long, env = "LISTEN_ADDR", default_value = "127.0.0.1:8080", global = true)]
    pub listen_addr: SocketAddr,

    /// Serve /metrics on this address only (e.g. 127.0.0.1:9100), off the
    /// public listener.
    #[arg(long, env = "METRICS_ADDR", global = true)]
    pub metrics_addr: Option<SocketAddr>,

    /// Without METRICS_ADDR: /metrics on the public listener answers only
    /// requests with `Authorization: Bearer <this token>`.
    #[arg(long, env = "METRICS_TOKEN", global = true, hide_env_values = true)]
    pub metrics_token: Option<String>,

    /// Address people use to reach the service, for links in pages and
    /// emails (defaults to http://LISTEN_ADDR).
    #[arg(long, env = "PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// Load demo events and registrations into an empty database.
    /// ATELIER_DEMO=1 (or true, yes, on) does the same.
    #[arg(
        long,
        env = "ATELIER_DEMO",
        action = clap::ArgAction::SetTrue,
        value_parser = clap::builder::FalseyValueParser::new(),
        global = true
    )]
    pub demo: bool,

    /// SMTP server for outgoing mail: smtp://host:port (plain),
    /// smtp://user:pass@host:587?tls=required (STARTTLS) or
    /// smtps://user:pass@host:465. Unset: messages are written as .eml files
    /// to MAIL_DIR instead.
    #[arg(long, env = "SMTP_URL", global = true)]
    pub smtp_url: Option<String>,

    /// Sender of every message.
    #[arg(long, env = "MAIL_FROM", default_value = "Atelier <no-reply@atelier.localhost>", global = true)]
    pub mail_from: String,

    /// Folder for .eml files when SMTP_URL is not set.
    #[arg(long, env = "MAIL_DIR", default_value = "data/mail", global = true)]
    pub mail_dir: std::path::PathBuf,

    /// First retry delay after a failed send, in milliseconds; it doubles
    /// (with jitter) on each further failure, up to an hour.
    #[arg(long, env = "MAIL_RETRY_BASE_MS", default_value_t = 10_000, global = true)]
    pub mail_retry_base_ms: u64,

    /// Attempts before a message is marked failed.
    #[arg(long, env = "MAIL_MAX_ATTEMPTS", default_value_t = 10, global = true)]
    pub mail_max_attempts: u32,

    /// How often the mail worker looks for due messages, in milliseconds
    /// (it is also woken at once when a message is queued).
    #[arg(long, env = "MAIL_POLL_MS", default_value_t = 1_000, global = true)]
    pub mail_poll_ms: u64,

    /// How long a claimed message stays with the instance that claimed it,
    /// in seconds. If that instance dies mid-send, another one sends the
    /// message once this has passed. Keep it well above the time to send a
    /// claimed batch (32 messages, 8 at a time, 30 s SMTP timeout each).
    #[arg(long, env = "MAIL_LEASE_SECS", default_value_t = 300, global = true,
          value_parser = clap::value_parser!(u64).range(1..=MAX_LEASE_SECS as u64))]
    pub mail_lease_secs: u64,

    /// Secret that cancel links are derived from (at least 32 characters).
    /// Unset: read from SECRET_KEY_FILE, created with a random key if missing.
    /// Every instance sharing a database needs the same secret.
    #[arg(long, env = "ATELIER_SECRET_KEY", global = true, hide_env_values = true)]
    pub secret_key: Option<String>,

    /// File holding the secret when ATELIER_SECRET_KEY is not set.
    #[arg(long, env = "SECRET_KEY_FILE", default_value = "data/secret.key", global = true)]
    pub secret_key_file: std::path::PathBuf,

    /// Who processes people's data, as the privacy notice (/privacy) names
    /// them: the organisation running this service.
    #[arg(long, env = "PRIVACY_CONTROLLER", global = true)]
    pub privacy_controller: Option<String>,

    /// Where people write to exercise their rights (an email address or a
    /// postal address), shown on /privacy.
    #[arg(long, env = "PRIVACY_CONTACT", global = true)]
    pub privacy_contact: Option<String>,

    /// Days people's data is kept after an event's last session, then
    /// anonymised (an event may set its own).
    #[arg(long, env = "RETENTION_DAYS", default_value_t = 365, global = true,
          value_parser = clap::value_parser!(i64).range(1..=crate::domain::MAX_RETENTION_DAYS))]
    pub retention_days: i64,

    /// Days a cancelled registration is kept, then anonymised.
    #[arg(long, env = "RETENTION_CANCELLED_DAYS", default_value_t = 30, global = true,
          value_parser = clap::value_parser!(i64).range(1..=crate::domain::MAX_RETENTION_DAYS))]
    pub retention_cancelled_days: i64,

    /// Sign-ups a client (an address) may make a minute, on each
    /// instance; 0 turns the limit off (the benchmark does).
    #[arg(long, env = "SIGNUP_RATE_PER_MINUTE", default_value_t = 30, global = true)]
    pub signup_rate_per_minute: u32,

    /// Reverse proxies in front of the service (addresses or CIDR ranges,
    /// comma-separated). Only requests from them have their
    /// X-Forwarded-For read, for the client's address (rate limits, logs).
    #[arg(long, env = "TRUSTED_PROXIES", default_value = "", global = true)]
    pub trusted_proxies: crate::client::TrustedProxies,

    /// Log filter, e.g. "info" or "atelier=debug,tower_http=debug".
    #[arg(long, env = "RUST_LOG", default_value = "info", global = true)]
    pub log: String,

    /// Let webhooks go to http:// addresses (https:// only otherwise).
    #[arg(
        long,
        env = "WEBHOOK_ALLOW_HTTP",
        action = clap::ArgAction::SetTrue,
        value_parser = clap::builder::FalseyValueParser::new(),
        global = true
    )]
    pub webhook_allow_http: bool,

    /// Let webhooks go to hosts that resolve to loopback or private
    /// addresses (refused otherwise, so that nobody reaches the service's
    /// own network through them).
    #[arg(
        long,
        env = "WEBHOOK_ALLOW_PRIVATE",
        action = clap::ArgAction::SetTrue,
        value_parser = clap::builder::FalseyValueParser::new(),
        global = true
    )]
    pub webhook_allow_private: bool,

    /// Log lines as text for people, or as one JSON object a line for a
    /// log collector.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value = "text", global = true)]
    pub log_format: crate::logs::LogFormat,
}

/// A week: a longer lease would only delay recovery after a crash.
pub const MAX_LEASE_SECS: i64 = 7 * 24 * 3600;

impl Config {
    /// PUBLIC_URL without a trailing slash.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.listen_addr),
        }
    }

    /// Settings for tests and tools: a given database, any free port.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            listen_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            metrics_addr: None,
            metrics_token: None,
            public_url: None,
            demo: false,
            smtp_url: None,
            mail_from: "Atelier <no-reply@atelier.localhost>".into(),
            mail_dir: "data/mail".into(),
            mail_retry_base_ms: 10_000,
            mail_max_attempts: 10,
            mail_poll_ms: 1_000,
            mail_lease_secs: 300,
            // A fresh secret: tests and tools never touch data/secret.key.
            secret_key: Some(crate::token::TokenKey::random_secret()),
            secret_key_file: "data/secret.key".into(),
            log: "info".into(),
            log_format: crate::logs::LogFormat::Text,
            privacy_controller: None,
            privacy_contact: None,
            retention_days: 365,
            retention_cancelled_days: 30,
            // Tests sign many people up from one address; the tests of the
            // limit set it.
            signup_rate_per_minute: 0,
            trusted_proxies: crate::client::TrustedProxies::default(),
            webhook_allow_http: false,
            webhook_allow_private: false,
        }
    }

    pub fn webhook_policy(&self) -> crate::webhooks::WebhookPolicy {
        crate::webhooks::WebhookPolicy {
            allow_http: self.webhook_allow_http,
            allow_private: self.webhook_allow_private,
        }
    }

    /// How long people's data is kept, from these settings.
    pub fn retention(&self) -> crate::domain::RetentionPolicy {
        crate::domain::RetentionPolicy {
            days_after_event: self.retention_days,
            days_after_cancellation: self.retention_cancelled_days,
            ..crate::domain::RetentionPolicy::default()
        }
    }
}

/// Passwords in URLs and the secret key never reach logs.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redact_url(&self.database_url))
            .field("listen_addr", &self.listen_addr)
            .field("public_url", &self.public_url)
            .field("demo", &self.demo)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("mail_from", &self.mail_from)
            .field("mail_dir", &self.mail_dir)
            .field("mail_retry_base_ms", &self.mail_retry_base_ms)
            .field("mail_max_attempts", &self.mail_max_attempts)
            .field("mail_poll_ms", &self.mail_poll_ms)
            .field("webhook_allow_http", &self.webhook_allow_http)
            .field("webhook_allow_private", &self.webhook_allow_private)
            .field("mail_lease_secs", &self.mail_lease_secs)
            .field("secret_key", &self.secret_key.as_ref().map(|_| "[redacted]"))
            .field("metrics_addr", &self.metrics_addr)
            .field("metrics_token", &self.metrics_token.as_ref().map(|_| "[redacted]"))
            .field("secret_key_file", &self.secret_key_file)
            .field("log", &self.log)
            .field("log_format", &self.log_format)
            .field("signup_rate_per_minute", &self.signup_rate_per_minute)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("privacy_controller", &self.privacy_controller)
            .field("privacy_contact", &self.privacy_contact)
            .field("retention_days", &self.retention_days)
            .field("retention_cancelled_days", &self.retention_cancelled_days)
            .finish()
    }
}

/// A connection URL fit for logs: the password, whether in the user part
/// (`scheme://user:password@host`) or in the query (`?password=…`, as
/// PostgreSQL also takes it), becomes `redacted`. A URL that does not parse
/// is not shown at all, since where its secret sits is unknown.
pub fn redact_url(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else { return "(unparsable URL)".to_owned() };
    if parsed.password().is_some() {
        // Fails only for URLs without a host, which have no password either.
        let _ = parsed.set_password(Some("redacted"));
    }
    let secret = |key: &str| key.contains("password");
    if parsed.query_pairs().any(|(key, _)| secret(&key)) {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(key, value)| {
                let value = if secret(&key) { "redacted".into() } else { value.into_owned() };
                (key.into_owned(), value)
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_secrets() {
        let mut config = Config::for_database("postgres://atelier:hunter2@db/atelier");
        config.smtp_url = Some("smtps://mailer:s3cret@smtp.example.org:465".into());
        config.secret_key = Some("k".repeat(40));
        let shown = format!("{config:?}");
        for secret in ["hunter2", "s3cret", &"k".repeat(40)] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("smtps://mailer:redacted@smtp.example.org:465"));
    }

    #[test]
    fn passwords_in_the_query_are_hidden_too() {
        let shown = redact_url("postgres://db.internal/atelier?user=atelier&password=hunter2&sslmode=require");
        assert_eq!(shown, "postgres://db.internal/atelier?user=atelier&password=redacted&sslmode=require");
        let shown = redact_url("postgres://atelier:p%40ss@db.internal/atelier?sslpassword=k3y");
        assert_eq!(shown, "postgres://atelier:redacted@db.internal/atelier?sslpassword=redacted");
        assert_eq!(redact_url("sqlite://data/atelier.db"), "sqlite://data/atelier.db");
        assert_eq!(redact_url("not a url with a s3cret"), "(unparsable URL)");
    }
}
