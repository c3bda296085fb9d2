//! Who is asking: the client's address, as rate limits and logs see it.
//!
//! Without TRUSTED_PROXIES it is the connection's peer, and
//! `X-Forwarded-For` is ignored: anyone can write that header. With it,
//! a request whose peer is a trusted proxy comes from the right-most
//! address of `X-Forwarded-For` that is not a trusted proxy itself: each
//! proxy appends the address it was reached from, so addresses left of
//! the first untrusted one may have been written by the client.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use ipnet::IpNet;

use crate::state::AppState;

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl FromStr for TrustedProxies {
    type Err = String;

    /// Addresses and CIDR ranges, separated by commas or spaces.
    fn from_str(list: &str) -> Result<Self, String> {
        let entries = list.split([',', ' ']).map(str::trim).filter(|entry| !entry.is_empty());
        let nets = entries.map(|entry| match (IpNet::from_str(entry), IpAddr::from_str(entry)) {
            (Ok(net), _) => Ok(net),
            (_, Ok(address)) => Ok(IpNet::from(address)),
            _ => Err(format!("{entry:?} is neither an address nor a CIDR range")),
        });
        Ok(Self(nets.collect::<Result<_, _>>()?))
    }
}

impl TrustedProxies {
    fn trusts(&self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        self.0.iter().any(|net| net.contains(&address))
    }

    /// The client behind a connection from `peer` with these headers.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer.to_canonical();
        }
        let hops = headers.get_all("x-forwarded-for").iter().filter_map(|value| value.to_str().ok());
        let hops: Vec<&str> =
            hops.flat_map(|value| value.split(',')).map(str::trim).filter(|hop| !hop.is_empty()).collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            // A hop that is not an address: nothing left of it can be
            // believed; the last proxy that wrote it is the client.
            let Some(address) = hop_address(hop) else { break };
            client = address;
            if !self.trusts(address) {
                break;
            }
        }
        client.to_canonical()
    }
}

/// A hop of `X-Forwarded-For`: an address, with a port for some load
/// balancers (`203.0.113.9:4711`, `[2001:db8::1]:443`).
fn hop_address(hop: &str) -> Option<IpAddr> {
    IpAddr::from_str(hop).ok().or_else(|| SocketAddr::from_str(hop).ok().map(|with_port| with_port.ip()))
}

/// The client's address (see the module's comment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl ClientAddr {
    /// What limits count by: the address, or for IPv6 its /64, which one
    /// subscriber gets whole (counting each of its 2^64 addresses apart
    /// would let one client through any limit).
    pub fn bucket(self) -> IpAddr {
        match self.0 {
            IpAddr::V4(address) => IpAddr::V4(address),
            IpAddr::V6(address) => {
                let network = u128::from(address) & !((1u128 << 64) - 1);
                IpAddr::V6(network.into())
            }
        }
    }
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(peer)| peer.ip());
        let peer = peer.unwrap_or(IpAddr::from([127, 0, 0, 1]));
        Ok(Self(state.trusted_proxies.client(peer, &parts.headers)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(forwarded: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in forwarded {
            headers.append("x-forwarded-for", value.parse().expect("header"));
        }
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("address")
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let none = TrustedProxies::default();
        assert_eq!(none.client(ip("10.0.0.1"), &headers(&["203.0.113.9"])), ip("10.0.0.1"));
    }

    #[test]
    fn the_right_most_untrusted_hop_is_the_client() {
        let proxies: TrustedProxies = "10.0.0.0/8, 192.168.1.1".parse().expect("parses");
        let peer = ip("10.0.0.1");
        // The client wrote a first hop to look like someone else.
        assert_eq!(proxies.client(peer, &headers(&["1.2.3.4, 203.0.113.9"])), ip("203.0.113.9"));
        assert_eq!(proxies.client(peer, &headers(&["1.2.3.4", "203.0.113.9, 192.168.1.1"])), ip("203.0.113.9"));
        // An untrusted peer's header is not read at all.
        assert_eq!(proxies.client(ip("198.51.100.7"), &headers(&["203.0.113.9"])), ip("198.51.100.7"));
        // Garbage stops the walk at the last proxy.
        assert_eq!(proxies.client(peer, &headers(&["203.0.113.9, garbage, 10.1.1.1"])), ip("10.1.1.1"));
        // No header: the proxy itself.
        assert_eq!(proxies.client(peer, &HeaderMap::new()), peer);
    }

    #[test]
    fn hops_with_ports_and_empty_hops_are_read() {
        let proxies: TrustedProxies = "10.0.0.0/8".parse().expect("parses");
        let peer = ip("10.0.0.1");
        assert_eq!(proxies.client(peer, &headers(&["203.0.113.9:4711, , 10.0.0.2"])), ip("203.0.113.9"));
        assert_eq!(proxies.client(peer, &headers(&["[2001:db8::1]:443"])), ip("2001:db8::1"));
    }

    #[test]
    fn limits_count_an_ipv6_subscriber_as_one_client() {
        let bucket = |text: &str| ClientAddr(ip(text)).bucket();
        assert_eq!(bucket("2001:db8:1:2:aaaa::1"), bucket("2001:db8:1:2:bbbb::2"));
        assert_ne!(bucket("2001:db8:1:2::1"), bucket("2001:db8:1:3::1"));
        assert_eq!(bucket("203.0.113.9"), ip("203.0.113.9"));
    }

    #[test]
    fn bad_entries_are_refused() {
        assert!("10.0.0.0/33".parse::<TrustedProxies>().is_err());
        assert!("proxy.local".parse::<TrustedProxies>().is_err());
        assert_eq!("".parse::<TrustedProxies>(), Ok(TrustedProxies::default()));
        let mapped: TrustedProxies = "127.0.0.1".parse().expect("parses");
        assert!(mapped.trusts(ip("::ffff:127.0.0.1")), "IPv4-mapped IPv6 peers are the same address");
    }
}
