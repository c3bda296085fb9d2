//! A PostgreSQL cluster of a test's own, for tests that stop the server:
//! the one TEST_DATABASE_URL names is shared with every other test, so it
//! must never go down. The cluster lives in a temporary folder, listens on
//! a free port of 127.0.0.1, can be crashed (`pg_ctl stop -m immediate`,
//! as a killed server: no checkpoint, recovery on the next start) and
//! started again on the same port and data, and is stopped and removed
//! when dropped.
//!
//! PostgreSQL refuses to run as root, so the server runs as the `postgres`
//! user: the tests need to be that user or root (as on CI and the
//! development machines), and PostgreSQL's binaries under
//! /usr/lib/postgresql/*/bin (scripts/test-postgres.sh installs them).

use std::net::TcpListener;
use std::os::unix::fs::{PermissionsExt, chown};
use std::path::{Path, PathBuf};
use std::process::Output;

use sqlx::Connection;

pub struct PgCluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

impl PgCluster {
    /// Creates a cluster, starts it, and adds the role and database the
    /// test's instances use (see `url`).
    pub async fn new() -> Self {
        let bin = postgres_bin();
        let dir = tempfile::Builder::new().prefix("atelier-pg-").tempdir().expect("temporary folder");
        let postgres = postgres_user();
        chown(dir.path(), Some(postgres.0), Some(postgres.1)).expect("the folder given to postgres");
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).expect("folder mode");
        let port = free_port();
        let cluster = PgCluster { bin, dir, port };
        let data = cluster.data();
        // --no-sync: initdb's files are the test's, and the crashes here
        // are the server's, not the machine's (the server itself keeps fsync).
        let args = ["-D", &data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"];
        let init = cluster.as_postgres("initdb", &args).await;
        assert!(init.status.success(), "initdb: {}", String::from_utf8_lossy(&init.stderr));
        cluster.start().await;
        let admin = format!("postgres://postgres@127.0.0.1:{}/postgres", cluster.port);
        let mut admin = sqlx::PgConnection::connect(&admin).await.expect("the new cluster accepts connections");
        for statement in ["CREATE ROLE atelier LOGIN PASSWORD 'atelier'", "CREATE DATABASE atelier OWNER atelier"] {
            sqlx::query(statement).execute(&mut admin).await.expect(statement);
        }
        cluster
    }

    /// The test's database, owned by its role.
    pub fn url(&self) -> String {
        format!("postgres://atelier:atelier@127.0.0.1:{}/atelier", self.port)
    }

    /// Starts the server (again) on the same port and data, and waits until
    /// it accepts connections (after its crash recovery, if it crashed).
    pub async fn start(&self) {
        let options = format!(
            "-c listen_addresses=127.0.0.1 -c port={} -c unix_socket_directories={} -c max_connections=200",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("server.log").display().to_string();
        let started =
            self.as_postgres("pg_ctl", &["-D", &self.data(), "-l", &log, "-o", &options, "-w", "start"]).await;
        assert!(started.status.success(), "pg_ctl start: {}\n{}", String::from_utf8_lossy(&started.stderr), self.log());
    }

    /// Stops the server as a crash would: every process at once, nothing
    /// flushed beyond what commits already made durable.
    pub async fn crash(&self) {
        let stopped = self.as_postgres("pg_ctl", &["-D", &self.data(), "-m", "immediate", "-w", "stop"]).await;
        assert!(stopped.status.success(), "pg_ctl stop: {}", String::from_utf8_lossy(&stopped.stderr));
    }

    /// The server's log, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    async fn as_postgres(&self, program: &str, args: &[&str]) -> Output {
        tokio::process::Command::from(as_postgres(&self.bin.join(program), args)).output().await.expect("runs")
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        // Whatever state the test left it in; the folder goes next.
        let _ = as_postgres(&self.bin.join("pg_ctl"), &["-D", &self.data(), "-m", "immediate", "-w", "stop"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
    }
}

/// `program args…` as the postgres user: directly if the test is that
/// user, through `su` if it is root.
fn as_postgres(program: &Path, args: &[&str]) -> std::process::Command {
    let (uid, _) = postgres_user();
    let me = current_uid();
    if me == uid {
        let mut command = std::process::Command::new(program);
        command.args(args);
        return command;
    }
    assert_eq!(me, 0, "running PostgreSQL as the postgres user takes root (su postgres) or being postgres");
    // `sh -c 'exec "$0" "$@"' program args…`: no quoting of our own; `--`
    // keeps su from reading the program's options as its own.
    let mut command = std::process::Command::new("su");
    command.args(["postgres", "-s", "/bin/sh", "-c", r#"exec "$0" "$@""#, "--"]).arg(program).args(args);
    command
}

/// A port free now, below the range the kernel hands out for port 0 and
/// outgoing connections: while the server is down, nothing else (another
/// test's listener, a client's connection) can be given it, and `start`
/// binds it again.
fn free_port() -> u16 {
    let range = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range").unwrap_or_default();
    let first: u16 = range.split_whitespace().next().and_then(|port| port.parse().ok()).unwrap_or(32768);
    let below = first.saturating_sub(10_000).max(1024)..first;
    (0..100)
        .map(|_| rand::random_range(below.clone()))
        .find(|port| TcpListener::bind(("127.0.0.1", *port)).is_ok())
        .expect("a free port below the ephemeral range")
}

/// The uid and gid of the postgres user.
fn postgres_user() -> (u32, u32) {
    let passwd = std::fs::read_to_string("/etc/passwd").expect("/etc/passwd");
    passwd
        .lines()
        .map(|line| line.split(':').collect::<Vec<_>>())
        .find(|fields| fields.first() == Some(&"postgres") && fields.len() > 3)
        .map(|fields| (fields[2].parse().expect("uid"), fields[3].parse().expect("gid")))
        .expect("a postgres user (scripts/test-postgres.sh creates it)")
}

/// The test's own uid: the owner of its /proc entry.
fn current_uid() -> u32 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").expect("/proc/self").uid()
}

/// PostgreSQL's binaries (the newest installed version).
fn postgres_bin() -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|dirs| dirs.filter_map(Result::ok).map(|dir| dir.path().join("bin")).collect())
        .unwrap_or_default();
    found.retain(|bin| bin.join("pg_ctl").is_file());
    // Version folders are numbers: the longest, then greatest, is the newest.
    found.sort_by_key(|bin| (bin.as_os_str().len(), bin.clone()));
    found.pop().expect("PostgreSQL under /usr/lib/postgresql/*/bin (scripts/test-postgres.sh installs it)")
}
