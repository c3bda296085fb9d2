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
}

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Database to use: sqlite://path/to/file.db (created if missing).
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/atelier.db", global = true)]
    pub database_url: String,

    /// Address and port to listen on.
    #[arg(long, env = "LISTEN_ADDR", default_value = "127.0.0.1:8080", global = true)]
    pub listen_addr: SocketAddr,

    /// Address people use to reach the service, for links in pages and
    /// emails (defaults to http://LISTEN_ADDR).
    #[arg(long, env = "PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// Load demo events and registrations into an empty database.
    #[arg(long, env = "ATELIER_DEMO", global = true)]
    pub demo: bool,

    /// Log filter, e.g. "info" or "atelier=debug,tower_http=debug".
    #[arg(long, env = "RUST_LOG", default_value = "info", global = true)]
    pub log: String,
}

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
            public_url: None,
            demo: false,
            log: "info".into(),
        }
    }
}
