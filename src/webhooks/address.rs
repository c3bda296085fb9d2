//! Where webhooks may go: not to the service's own machine or network
//! (SSRF), unless WEBHOOK_ALLOW_PRIVATE says so. Checked when an endpoint
//! is registered, for a clear error, and again at each connection, since a
//! name can resolve elsewhere later (DNS rebinding): the HTTP client
//! resolves names through `GuardedResolver` only.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, LazyLock};

use ipnet::IpNet;

/// What the operator allows (WEBHOOK_ALLOW_HTTP, WEBHOOK_ALLOW_PRIVATE).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WebhookPolicy {
    pub allow_http: bool,
    pub allow_private: bool,
}

/// Ranges no webhook goes to: this host, private and shared networks,
/// link-local (cloud metadata at 169.254.169.254), multicast, reserved.
/// IPv4 addresses written in IPv6 (mapped, NAT64) are checked as IPv4.
const BLOCKED: &[&str] = &[
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",
    "240.0.0.0/4",
    "::/128",
    "::1/128",
    "fc00::/7",
    "fe80::/10",
    "ff00::/8",
    "2001:db8::/32",
    // Tunnels and translations that lead to IPv4 networks, private ones
    // included: local-use NAT64, 6to4, Teredo, discard-only, and SIIT.
    "64:ff9b:1::/48",
    "2002::/16",
    "2001::/32",
    "100::/64",
    "::ffff:0:0:0/96",
];

/// Whether `ip` is a public address a webhook may go to.
pub fn is_public(ip: IpAddr) -> bool {
    let ip = match ip {
        // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d).
        IpAddr::V6(v6) => match v6.to_ipv4() {
            Some(v4) => IpAddr::V4(v4),
            // 64:ff9b::/96 (NAT64) carries an IPv4 address in its last bits.
            None if v6.segments()[..6] == [0x64, 0xff9b, 0, 0, 0, 0] => {
                let [.., a, b, c, d] = v6.octets();
                IpAddr::V4([a, b, c, d].into())
            }
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    };
    !BLOCKED_RANGES.iter().any(|range| range.contains(&ip))
}

static BLOCKED_RANGES: LazyLock<Vec<IpNet>> =
    LazyLock::new(|| BLOCKED.iter().filter_map(|range| range.parse().ok()).collect());

/// Why a host may not be called.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the host name cannot be resolved")]
    Unresolvable,
    #[error("the host resolves to a loopback, private or reserved address")]
    Private,
}

/// The addresses `host` may be reached at under `policy`: all of them, or a
/// refusal if any is private (a name that resolves to both a public and a
/// private address is refused whole, rather than tried on the public one).
pub async fn resolve(host: &str, port: u16, policy: WebhookPolicy) -> Result<Vec<SocketAddr>, Refusal> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addresses: Vec<SocketAddr> = match bare.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((bare, port)).await.map_err(|_| Refusal::Unresolvable)?.collect(),
    };
    if addresses.is_empty() {
        return Err(Refusal::Unresolvable);
    }
    if !policy.allow_private && addresses.iter().any(|address| !is_public(address.ip())) {
        return Err(Refusal::Private);
    }
    Ok(addresses)
}

/// The HTTP client's resolver: names resolve through `resolve`, so that
/// the check holds for the address actually connected to.
pub struct GuardedResolver(pub WebhookPolicy);

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.0;
        Box::pin(async move {
            let addresses = resolve(name.as_str(), 0, policy).await?;
            let addresses: reqwest::dns::Addrs = Box::new(addresses.into_iter());
            Ok(addresses)
        })
    }
}

impl GuardedResolver {
    pub fn shared(policy: WebhookPolicy) -> Arc<Self> {
        Arc::new(Self(policy))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_blocked_range_is_well_written() {
        assert_eq!(BLOCKED_RANGES.len(), BLOCKED.len());
    }

    #[test]
    fn the_service_own_networks_are_not_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.20.0.1",
            "192.168.1.10",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::10.0.0.1",
            "64:ff9b::a00:1",
            "64:ff9b:1::a00:1",
            "2002:a00:1::1",
            "2001:0:4136:e378::1",
        ] {
            assert!(!is_public(private.parse().expect("an address")), "{private} counted as public");
        }
        for public in ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111", "::ffff:93.184.215.14"] {
            assert!(is_public(public.parse().expect("an address")), "{public} counted as private");
        }
    }

    #[tokio::test]
    async fn literal_and_named_hosts_are_checked_alike() {
        let strict = WebhookPolicy::default();
        assert_eq!(resolve("127.0.0.1", 80, strict).await, Err(Refusal::Private));
        assert_eq!(resolve("[::1]", 80, strict).await, Err(Refusal::Private));
        // /etc/hosts names this machine: no DNS server needed.
        assert_eq!(resolve("localhost", 80, strict).await, Err(Refusal::Private));
        let open = WebhookPolicy { allow_private: true, ..strict };
        assert!(resolve("127.0.0.1", 80, open).await.is_ok());
        assert_eq!(resolve("no-such-host.invalid", 80, strict).await, Err(Refusal::Unresolvable));
    }
}
