//! A small SMTP server for tests: speaks enough of RFC 5321 for lettre
//! (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) over real TCP, keeps what it
//! receives (and when), and can be stopped, restarted on the same port,
//! slowed down (telling whose messages are waiting), or told to refuse a
//! recipient with 550.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: Vec<u8>,
    /// When the message was taken (its DATA ended).
    pub at: std::time::SystemTime,
}

#[derive(Default)]
struct Shared {
    received: Vec<Received>,
    refused: HashSet<String>,
    delay: Duration,
    /// Recipients of the messages waiting out `delay`, by wait.
    holding: HashMap<u64, Vec<String>>,
    waits: u64,
}

pub struct SmtpSink {
    addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
    server: tokio::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl SmtpSink {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind SMTP sink");
        let addr = listener.local_addr().expect("address");
        let shared = Arc::new(Mutex::new(Shared::default()));
        let server = tokio::spawn(serve(listener, shared.clone()));
        Self { addr, shared, server: tokio::sync::Mutex::new(Some(server)) }
    }

    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// Closes the port and every open connection, as a crashed server would.
    pub async fn stop(&self) {
        if let Some(server) = self.server.lock().await.take() {
            server.abort();
            let _ = server.await;
        }
    }

    /// Listens again on the same port.
    pub async fn restart(&self) {
        let listener = TcpListener::bind(self.addr).await.expect("bind the same port again");
        *self.server.lock().await = Some(tokio::spawn(serve(listener, self.shared.clone())));
    }

    /// Answers 550 when asked to deliver to `address`.
    pub fn refuse(&self, address: &str) {
        self.lock().refused.insert(address.to_lowercase());
    }

    /// Waits this long before taking each message (before answering DATA).
    pub fn slow_down(&self, delay: Duration) {
        self.lock().delay = delay;
    }

    /// The recipients of the messages whose sender is waiting out the
    /// delay (see `slow_down`): not taken yet.
    pub fn holding(&self) -> Vec<String> {
        self.lock().holding.values().flatten().cloned().collect()
    }

    pub fn received(&self) -> Vec<Received> {
        self.lock().received.clone()
    }

    /// Waits until at least `count` messages arrived (or `timeout` passed)
    /// and returns all received so far.
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + timeout;
        while self.lock().received.len() < count && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.received()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

async fn serve(listener: TcpListener, shared: Arc<Mutex<Shared>>) {
    // Connections live in the set, so aborting the server closes them too.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => { connections.spawn(session(stream, shared.clone())); }
                Err(_) => return,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn session(stream: TcpStream, shared: Arc<Mutex<Shared>>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 sink.test ESMTP ready\r\n").await?;
    let mut from = String::new();
    let mut to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let verb = command.split([' ', ':']).next().unwrap_or_default().to_ascii_uppercase();
        let reply: String = match verb.as_str() {
            "EHLO" => "250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n".into(),
            "HELO" => "250 sink.test\r\n".into(),
            "MAIL" => {
                from = address(&command);
                to.clear();
                "250 OK\r\n".into()
            }
            "RCPT" => {
                let rcpt = address(&command);
                let refused = shared.lock().map(|s| s.refused.contains(&rcpt.to_lowercase())).unwrap_or(false);
                if refused {
                    "550 5.1.1 mailbox unavailable\r\n".into()
                } else {
                    to.push(rcpt);
                    "250 OK\r\n".into()
                }
            }
            "DATA" if to.is_empty() => "554 no valid recipients\r\n".into(),
            "DATA" => {
                // The wait comes before the message is read, so that a client
                // that dies meanwhile delivers nothing, as with a real server.
                let delay = shared.lock().map(|s| s.delay).unwrap_or_default();
                {
                    let _held = Hold::new(&shared, &to);
                    tokio::time::sleep(delay).await;
                }
                write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
                let mut data = Vec::new();
                loop {
                    let mut body_line = Vec::new();
                    if lines.read_until(b'\n', &mut body_line).await? == 0 {
                        return Ok(());
                    }
                    if body_line == b".\r\n" {
                        break;
                    }
                    // Undo dot-stuffing.
                    let unstuffed = if body_line.starts_with(b"..") { &body_line[1..] } else { &body_line[..] };
                    data.extend_from_slice(unstuffed);
                }
                if let Ok(mut s) = shared.lock() {
                    let at = std::time::SystemTime::now();
                    s.received.push(Received { from: from.clone(), to: std::mem::take(&mut to), data, at });
                }
                "250 OK queued\r\n".into()
            }
            "RSET" => {
                to.clear();
                "250 OK\r\n".into()
            }
            "NOOP" => "250 OK\r\n".into(),
            "QUIT" => {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            }
            _ => "502 command not implemented\r\n".into(),
        };
        write.write_all(reply.as_bytes()).await?;
    }
}

/// A message's place in `holding` while its sender waits, until the wait
/// ends or the session is dropped (the sink stopped).
struct Hold<'a> {
    shared: &'a Mutex<Shared>,
    wait: u64,
}

impl<'a> Hold<'a> {
    fn new(shared: &'a Mutex<Shared>, to: &[String]) -> Self {
        let mut s = shared.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        s.waits += 1;
        let wait = s.waits;
        s.holding.insert(wait, to.to_vec());
        Hold { shared, wait }
    }
}

impl Drop for Hold<'_> {
    fn drop(&mut self) {
        self.shared.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).holding.remove(&self.wait);
    }
}

/// The address in `MAIL FROM:<a@b> SIZE=…` or `RCPT TO:<a@b>`.
fn address(command: &str) -> String {
    command.split('<').nth(1).and_then(|rest| rest.split('>').next()).unwrap_or_default().to_owned()
}
