//! Webhook deliveries: the worker that drains `webhook_deliveries`, as the
//! mail worker drains the outbox. Deliveries are queued by the transaction
//! of the change they report (`store::webhooks::emit`); the worker claims
//! due ones under a lease, POSTs each, signed, and records the outcome. A
//! delivery is marked delivered only after a 2xx answer, so a crash at
//! worst sends it again, with the same delivery id (at least once).

pub mod address;

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use address::WebhookPolicy;

use crate::clock::Clock;
use crate::config::{Config, MAX_LEASE_SECS};
use crate::domain::{Attempt, Delivery, PendingDelivery, backoff};
use crate::store::Store;
use crate::token::TokenKey;

/// Deliveries claimed at once, and sent concurrently, so that one slow
/// endpoint does not hold up the others.
const CLAIM: i64 = 32;
const IN_FLIGHT: usize = 8;
/// An endpoint has this long to answer.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Attempts before a delivery is given up: 30 s doubling to 6 h between
/// them, 38 hours in all (30 s × 1023 over the first ten waits, then five
/// of 6 h).
pub const MAX_ATTEMPTS: i64 = 16;
const RETRY_BASE: Duration = Duration::from_secs(30);
const MAX_BACKOFF: Duration = Duration::from_secs(6 * 60 * 60);

/// The `Atelier-Signature` header: `t=<unix time>,v1=<hex HMAC-SHA256 of
/// "<t>.<body>">`. The time is signed with the body, so that a receiver
/// can refuse a delivery replayed later.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    // HMAC takes keys of any length; this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    let hex: String = mac.finalize().into_bytes().iter().map(|byte| format!("{byte:02x}")).collect();
    format!("t={timestamp},v1={hex}")
}

pub struct WebhookSender {
    store: Arc<dyn Store>,
    clock: Clock,
    keys: Arc<TokenKey>,
    client: reqwest::Client,
    policy: WebhookPolicy,
    poll: Duration,
    lease: chrono::Duration,
}

impl WebhookSender {
    pub fn new(config: &Config, store: Arc<dyn Store>, keys: Arc<TokenKey>, clock: Clock) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            // A redirect could lead anywhere, the checks notwithstanding.
            .redirect(reqwest::redirect::Policy::none())
            // Through a proxy, the proxy would resolve names, out of the
            // guard's sight.
            .no_proxy()
            .timeout(TIMEOUT)
            .user_agent(concat!("Atelier-Webhooks/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(address::GuardedResolver::shared(config.webhook_policy()))
            .build()?;
        Ok(Self {
            store,
            clock,
            keys,
            client,
            policy: config.webhook_policy(),
            poll: Duration::from_millis(config.mail_poll_ms.max(10)),
            lease: chrono::Duration::seconds(
                i64::try_from(config.mail_lease_secs).unwrap_or(MAX_LEASE_SECS).clamp(1, MAX_LEASE_SECS),
            ),
        })
    }

    pub fn start(self) -> WebhookWorker {
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(self.run(stopped));
        WebhookWorker { stop, task }
    }

    async fn run(self, mut stopped: watch::Receiver<bool>) {
        let this = &self;
        while !*stopped.borrow() {
            let now = self.clock.now();
            match self.store.claim_webhook_deliveries(now, now + self.lease, CLAIM).await {
                Ok(deliveries) if !deliveries.is_empty() => {
                    let lease = deliveries[0].lease;
                    let stopping = &stopped;
                    let mut results = futures::stream::iter(deliveries)
                        .map(|delivery| async move {
                            if *stopping.borrow() {
                                Attempt { delivery: delivery.id, outcome: Delivery::NotAttempted, status: None }
                            } else {
                                this.deliver(&delivery).await
                            }
                        })
                        .buffer_unordered(IN_FLIGHT)
                        .ready_chunks(IN_FLIGHT);
                    while let Some(attempts) = results.next().await {
                        if let Err(error) = self.store.record_webhook_attempts(attempts, lease, self.clock.now()).await
                        {
                            tracing::error!(%error, "could not record webhook deliveries; retried after the lease");
                        }
                    }
                    continue;
                }
                Ok(_) => {}
                Err(error) => tracing::error!(%error, "could not claim webhook deliveries"),
            }
            tokio::select! {
                () = tokio::time::sleep(self.poll) => {}
                _ = stopped.changed() => {}
            }
        }
    }

    /// One attempt: a 2xx answer delivers it; anything else is tried again
    /// later, until `MAX_ATTEMPTS`.
    async fn deliver(&self, delivery: &PendingDelivery) -> Attempt {
        let (outcome, status) = match self.post(delivery).await {
            Ok(status) if status.is_success() => (Delivery::Sent, Some(status.as_u16())),
            Ok(status) => (self.failed(delivery, format!("HTTP {}", status.as_u16())), Some(status.as_u16())),
            Err(error) => (self.failed(delivery, error), None),
        };
        match &outcome {
            Delivery::Sent => tracing::info!(delivery = %delivery.id, kind = %delivery.kind, "webhook delivered"),
            Delivery::Retry { error, .. } => tracing::warn!(
                delivery = %delivery.id, webhook = %delivery.webhook, attempts = delivery.attempts, %error,
                "webhook delivery failed, will retry"
            ),
            Delivery::Failed { error } => tracing::error!(
                delivery = %delivery.id, webhook = %delivery.webhook, attempts = delivery.attempts, %error,
                "webhook delivery given up"
            ),
            Delivery::NotAttempted => {}
        }
        Attempt { delivery: delivery.id, outcome, status }
    }

    async fn post(&self, delivery: &PendingDelivery) -> Result<reqwest::StatusCode, String> {
        let url = reqwest::Url::parse(&delivery.url).map_err(|e| format!("invalid address: {e}"))?;
        // The operator may have turned http:// off since the webhook was made.
        if url.scheme() != "https" && !self.policy.allow_http {
            return Err("http:// addresses are no longer allowed (WEBHOOK_ALLOW_HTTP)".into());
        }
        // Names are checked by the resolver; addresses written in the URL
        // never reach it.
        if let Some(host) = url.host_str() {
            let port = url.port_or_known_default().unwrap_or(443);
            if host.trim_start_matches('[').trim_end_matches(']').parse::<std::net::IpAddr>().is_ok() {
                address::resolve(host, port, self.policy).await.map_err(|e| e.to_string())?;
            }
        }
        let secret = self.keys.webhook_secret(delivery.webhook, &delivery.secret_salt);
        let timestamp = self.clock.now().timestamp();
        let response = self
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("Atelier-Signature", signature(&secret, timestamp, &delivery.payload))
            .header("Atelier-Delivery", delivery.id.to_string())
            .header("Atelier-Event", delivery.kind.as_str())
            .body(delivery.payload.clone())
            .send()
            .await
            .map_err(describe)?;
        Ok(response.status())
    }

    fn failed(&self, delivery: &PendingDelivery, error: String) -> Delivery {
        if delivery.attempts >= MAX_ATTEMPTS {
            return Delivery::Failed { error: format!("gave up after {} attempts: {error}", delivery.attempts) };
        }
        let at = self.clock.now() + backoff(RETRY_BASE, MAX_BACKOFF, delivery.attempts);
        Delivery::Retry { at, error }
    }
}

/// What went wrong, with its causes, without the URL (shown beside it).
fn describe(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text.chars().take(500).collect()
}

pub struct WebhookWorker {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl WebhookWorker {
    /// Lets deliveries in progress finish and be recorded, then stops.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        if let Err(error) = self.task.await {
            tracing::error!(%error, "webhook worker ended abnormally");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_hmac_sha256_of_time_dot_body() {
        // From `printf '1700000000.{}' | openssl dgst -sha256 -hmac whsec_test`.
        let header = signature("whsec_test", 1_700_000_000, "{}");
        assert_eq!(header, "t=1700000000,v1=35495024f4ef3f94e5a93e22221544c4b75e9a42300cd965ab81cb85cd994e91");
        assert_ne!(header, signature("whsec_other", 1_700_000_000, "{}"));
        assert_ne!(header, signature("whsec_test", 1_700_000_001, "{}"));
    }
}
