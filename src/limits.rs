//! Limits on public requests, per client: sign-ups (one client once made
//! 38,532 accepted sign-ups in 20 s), and requests that send email to an
//! address someone typed (without a limit, "send me my links" would let
//! anyone mail anyone, as often as they like).

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, NotUntil, Quota, RateLimiter};

/// Lost-link requests: an address gets at most a few emails an hour, and
/// one client can ask for a few dozen addresses an hour. In memory, per
/// instance: with several instances each counts its own, which still
/// bounds the mail anyone can cause.
pub struct LinkRequests {
    per_address: DefaultKeyedRateLimiter<String>,
    per_client: DefaultKeyedRateLimiter<IpAddr>,
}

/// Keys a limiter keeps before it forgets those whose allowance is whole
/// again: without it, every address that ever asked stays in memory.
const PRUNE_ABOVE: usize = 10_000;

fn prune<K: std::hash::Hash + Eq + Clone>(limiter: &DefaultKeyedRateLimiter<K>) {
    if limiter.len() > PRUNE_ABOVE {
        limiter.retain_recent();
        limiter.shrink_to_fit();
    }
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
    /// (counted against both when it may); `Err(seconds to wait)` when the
    /// client is over its limit. An address over its own limit is not an
    /// error: the answer must not tell whether someone asked for it.
    pub fn allow(&self, client: IpAddr, address: &str) -> Result<bool, u64> {
        prune(&self.per_client);
        prune(&self.per_address);
        self.per_client.check_key(&client).map_err(|not_until| seconds_until(&not_until))?;
        Ok(self.per_address.check_key(&address.to_owned()).is_ok())
    }
}

/// Sign-ups per client and minute; `None` when the limit is off
/// (SIGNUP_RATE_PER_MINUTE=0, as the benchmark runs). In memory, per
/// instance, like `LinkRequests`.
pub struct SignUps(Option<DefaultKeyedRateLimiter<IpAddr>>);

impl SignUps {
    pub fn per_minute(rate: u32) -> Self {
        Self(NonZeroU32::new(rate).map(|rate| RateLimiter::keyed(Quota::per_minute(rate))))
    }

    /// `Err(seconds to wait)` when the client is over its limit.
    pub fn check(&self, client: IpAddr) -> Result<(), u64> {
        let Some(limiter) = &self.0 else { return Ok(()) };
        prune(limiter);
        limiter.check_key(&client).map_err(|not_until| seconds_until(&not_until))
    }
}

/// Whole seconds until a refused request would be allowed, at least one.
fn seconds_until(not_until: &NotUntil<<DefaultClock as Clock>::Instant>) -> u64 {
    let now = DefaultClock::default().now();
    not_until.wait_time_from(now).as_secs().max(1)
}

impl std::fmt::Debug for SignUps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SignUps")
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
        let sent = (0..10).filter(|_| limits.allow(client, "lea@example.org") == Ok(true)).count();
        assert_eq!(sent, PER_ADDRESS_PER_HOUR as usize);
        let other: IpAddr = [127, 0, 0, 2].into();
        let asked = (0..100).filter(|n| limits.allow(other, &format!("p{n}@example.org")).is_ok()).count();
        assert_eq!(asked, PER_CLIENT_PER_HOUR as usize);
        let wait = limits.allow(other, "late@example.org").expect_err("over the client's limit");
        assert!(wait > 60, "an hourly limit asks for minutes, not seconds: {wait}");
    }

    #[test]
    fn sign_ups_are_limited_per_client_unless_off() {
        let limits = SignUps::per_minute(3);
        let (one, two): (IpAddr, IpAddr) = ([127, 0, 0, 1].into(), [127, 0, 0, 2].into());
        assert!((0..3).all(|_| limits.check(one).is_ok()));
        let wait = limits.check(one).expect_err("over the limit");
        assert!((1..=20).contains(&wait), "{wait}");
        assert!(limits.check(two).is_ok(), "another client has its own limit");
        let off = SignUps::per_minute(0);
        assert!((0..1000).all(|_| off.check(one).is_ok()));
    }

    #[test]
    fn clients_whose_allowance_is_whole_again_are_forgotten() {
        // A cell a millisecond: a key is forgotten two milliseconds after its
        // last request (governor's `retain_recent`).
        let limits = SignUps::per_minute(60_000);
        let Some(limiter) = &limits.0 else { panic!("on") };
        for n in 0..=PRUNE_ABOVE as u32 {
            limits.check(IpAddr::from(n.to_be_bytes())).expect("allowed");
        }
        assert!(limiter.len() > PRUNE_ABOVE);
        std::thread::sleep(std::time::Duration::from_millis(20));
        limits.check([127, 0, 0, 1].into()).expect("allowed");
        assert!(limiter.len() < PRUNE_ABOVE, "{} kept", limiter.len());
    }
}
