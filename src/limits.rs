//! Limits on public requests that send email to an address someone typed:
//! without them, "send me my links" would let anyone mail anyone, as
//! often as they like.

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Lost-link requests: an address gets at most a few emails an hour, and
/// one client can ask for a few dozen addresses an hour. In memory, per
/// instance: with several instances each counts its own, which still
/// bounds the mail anyone can cause.
pub struct LinkRequests {
    per_address: DefaultKeyedRateLimiter<String>,
    per_client: DefaultKeyedRateLimiter<IpAddr>,
}

/// Emails of links an address can receive an hour.
const PER_ADDRESS_PER_HOUR: u32 = 3;
/// Requests a client can make an hour.
const PER_CLIENT_PER_HOUR: u32 = 20;

impl Default for LinkRequests {
    fn default() -> Self {
        let hourly = |n: u32| Quota::per_hour(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN));
        Self {
            per_address: RateLimiter::keyed(hourly(PER_ADDRESS_PER_HOUR)),
            per_client: RateLimiter::keyed(hourly(PER_CLIENT_PER_HOUR)),
        }
    }
}

impl LinkRequests {
    /// Whether a request from `client` for `address` may send mail now
    /// (counted against both when it may).
    pub fn allow(&self, client: IpAddr, address: &str) -> bool {
        if self.per_client.check_key(&client).is_err() {
            return false;
        }
        self.per_address.check_key(&address.to_owned()).is_ok()
    }
}

impl std::fmt::Debug for LinkRequests {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkRequests")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_gets_a_few_emails_and_a_client_a_few_dozen_requests() {
        let limits = LinkRequests::default();
        let client: IpAddr = [127, 0, 0, 1].into();
        let sent = (0..10).filter(|_| limits.allow(client, "lea@example.org")).count();
        assert_eq!(sent, PER_ADDRESS_PER_HOUR as usize);
        let other: IpAddr = [127, 0, 0, 2].into();
        let asked = (0..100).filter(|n| limits.allow(other, &format!("p{n}@example.org"))).count();
        assert_eq!(asked, PER_CLIENT_PER_HOUR as usize);
    }
}
