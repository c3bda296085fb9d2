//! Where messages go: an SMTP server (SMTP_URL), or .eml files in MAIL_DIR
//! when none is configured.

use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use uuid::Uuid;

pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// One `{outbox id}.eml` file per message: a message sent again (after
    /// a crash) rewrites its own file rather than adding one.
    Files(PathBuf),
}

/// Why a send failed, and whether trying again can help.
#[derive(Debug)]
pub enum SendError {
    /// The server refused for good (5xx): retrying would not change the answer.
    Permanent(String),
    /// Down, unreachable, timed out, or a 4xx: worth another try later.
    Transient(String),
}

const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

impl Transport {
    pub fn smtp(url: &str) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("invalid SMTP_URL ({}): {e}", crate::config::redact_url(url)))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Self::Smtp(transport))
    }

    pub fn files(dir: PathBuf) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&dir)
            .map_err(|e| anyhow::anyhow!("cannot create the mail folder {}: {e}", dir.display()))?;
        Ok(Self::Files(dir))
    }

    /// Sends the message `id` of the outbox.
    pub async fn send(&self, id: Uuid, message: Message) -> Result<(), SendError> {
        match self {
            Transport::Smtp(smtp) => match smtp.send(message).await {
                Ok(_) => Ok(()),
                Err(e) if refuses_this_message(&e) => Err(SendError::Permanent(e.to_string())),
                Err(e) => Err(SendError::Transient(e.to_string())),
            },
            Transport::Files(dir) => {
                let path = dir.join(format!("{id}.eml"));
                write_whole(&path, &message.formatted()).await.map_err(|e| SendError::Transient(e.to_string()))?;
                tracing::info!(path = %path.display(), "message written");
                Ok(())
            }
        }
    }
}

/// Writes `bytes` to `path` whole or not at all: a file written beside it,
/// then renamed (a full disk leaves no half message to open).
async fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let partial = path.with_extension("eml.partial");
    let written = tokio::fs::write(&partial, bytes).await;
    let done = match written {
        Ok(()) => tokio::fs::rename(&partial, path).await,
        Err(error) => Err(error),
    };
    if done.is_err() {
        let _ = tokio::fs::remove_file(&partial).await;
    }
    done
}

/// Only a refusal of this recipient or this message is final. Other 5xx
/// answers (bad credentials 535, TLS required 530, a refused connection 554)
/// are about the setup: they are retried, so fixing SMTP_URL delivers the
/// queue instead of failing all of it.
fn refuses_this_message(error: &lettre::transport::smtp::Error) -> bool {
    error.is_permanent()
        && error.status().is_some_and(|code| matches!(code.to_string().as_str(), "550" | "551" | "552" | "553"))
}
