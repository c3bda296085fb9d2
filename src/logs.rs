//! Log output: `tracing` lines on stderr (stdout carries command output,
//! such as a new API token).
//!
//! A log line that cannot be written is dropped, never an error. With the
//! data folder and the log output on one full disk, tracing-subscriber
//! reported each failed write with `eprintln!`, which itself fails there
//! and panics: the request being logged died unanswered (293 of 300
//! sign-ups got no answer at all). The request matters more than its line.

use std::io::{self, Write};

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// How log lines are written (LOG_FORMAT).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One line a record, for people.
    Text,
    /// One JSON object a line (time, level, message and fields at the top,
    /// the request's span under `span`), for log collectors.
    Json,
}

/// Logs at `filter` (tracing's syntax; `info` when it does not parse).
pub fn init(filter: &str, format: LogFormat) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(Stderr).log_internal_errors(false);
    match format {
        // Colours only for a person at a terminal, not in files and journals.
        LogFormat::Text => logs.with_ansi(io::IsTerminal::is_terminal(&io::stderr())).init(),
        LogFormat::Json => logs.json().flatten_event(true).with_current_span(true).with_span_list(false).init(),
    }
}

/// Stderr, whose write errors are swallowed (see the module's comment).
struct Stderr;

impl<'a> MakeWriter<'a> for Stderr {
    type Writer = Lossy<io::Stderr>;

    fn make_writer(&'a self) -> Self::Writer {
        Lossy(io::stderr())
    }
}

/// A writer that reports every write as done, written or not.
pub struct Lossy<W>(W);

impl<W: Write> Write for Lossy<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let _ = self.0.write_all(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let _ = self.0.flush();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_is_not_an_error() {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("Linux has /dev/full");
        let mut writer = Lossy(full);
        assert_eq!(writer.write(b"a log line\n").expect("never fails"), 11);
        writer.flush().expect("never fails");
    }
}
