//! What handlers can reach. Handlers pass it to operations and queries
//! (`operations`); they never use the store themselves.

use std::sync::Arc;

use tokio::sync::Notify;

use crate::cache::Caches;
use crate::clock::Clock;
use crate::store::Store;
use crate::token::TokenKey;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    /// Derives cancel links and check-in codes.
    pub keys: Arc<TokenKey>,
    /// Wakes the mail worker when a change queued a message.
    pub mail_wakeup: Arc<Notify>,
    /// Wakes the scheduler when a change may have added timed work.
    pub jobs_wakeup: Arc<Notify>,
    /// PUBLIC_URL is https: cookies get the Secure flag.
    pub secure_cookies: bool,
    /// PUBLIC_URL without trailing slash, for absolute links.
    pub public_url: Arc<str>,
    /// Rendered catalogue and sign-up events, fresh for at most a second.
    pub caches: Arc<Caches>,
    pub clock: Clock,
    /// Wrong signature codes by registration and slot.
    pub signature_attempts: Arc<SignatureAttempts>,
    /// Who processes people's data and how long it is kept (/privacy, retention).
    pub privacy: Arc<crate::domain::PrivacySettings>,
    /// Lost-link requests, per address and per client.
    pub link_requests: Arc<crate::limits::LinkRequests>,
    /// Sign-ups per client (SIGNUP_RATE_PER_MINUTE).
    pub sign_ups: Arc<crate::limits::SignUps>,
    /// Whose X-Forwarded-For tells the client's address (TRUSTED_PROXIES).
    pub trusted_proxies: Arc<crate::client::TrustedProxies>,
    /// Where webhooks may go (WEBHOOK_ALLOW_HTTP, WEBHOOK_ALLOW_PRIVATE).
    pub webhooks: crate::webhooks::WebhookPolicy,
    /// The email templates: the mail worker's, and the subjects in a
    /// person's data export.
    pub templates: Arc<crate::mail::Templates>,
}

/// Wrong signature codes typed, per registration and slot: a code is six
/// digits (two valid at a time), so unlimited guesses from home would sign
/// within a slot. In memory: with several instances each counts its own,
/// which still leaves a guesser a few dozen tries in a million.
#[derive(Debug, Default)]
pub struct SignatureAttempts(std::sync::Mutex<std::collections::HashMap<(uuid::Uuid, String), u32>>);

impl SignatureAttempts {
    /// Wrong codes allowed per person and slot.
    pub const ALLOWED: u32 = 5;

    /// Whether this person may still try for this slot.
    pub fn may_try(&self, registration: uuid::Uuid, slot: &str) -> bool {
        let counts = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        counts.get(&(registration, slot.to_owned())).is_none_or(|n| *n < Self::ALLOWED)
    }

    pub fn failed(&self, registration: uuid::Uuid, slot: &str) {
        let mut counts = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *counts.entry((registration, slot.to_owned())).or_default() += 1;
    }
}
