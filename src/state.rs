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
}
