//! The client's address: the TCP peer, or, when the peer is a configured trusted proxy
//! (`--trusted-proxy CIDR`), the nearest address in `Forwarded` / `X-Forwarded-For` that
//! is not itself a trusted proxy. Headers from anyone else are ignored, so a client
//! cannot choose the address it is counted under.
//!
//! Limits count clients by [`ClientAddr::group`]: an IPv4 address, or the /64 network of
//! an IPv6 address (one subscriber usually holds a whole /64).

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap};
use ipnet::IpNet;

use crate::AppState;

/// The most hops read from the forwarding headers (a long header costs bounded work).
const MAX_HOPS: usize = 32;

/// The client's address (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl ClientAddr {
    /// The client of a request, from its extensions (the TCP peer, as `ConnectInfo`
    /// recorded it) and headers, believing the headers of `trusted` proxies only.
    pub fn of(extensions: &Extensions, headers: &HeaderMap, trusted: &[IpNet]) -> ClientAddr {
        let peer = extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        ClientAddr(resolve(peer, headers, trusted))
    }

    /// The key limits count this client under: the IPv4 address, or the IPv6 /64.
    pub fn group(&self) -> String {
        match self.0 {
            IpAddr::V4(a) => a.to_string(),
            IpAddr::V6(a) => {
                let s = a.segments();
                let net = Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{net}/64")
            }
        }
    }
}

/// An IPv4-mapped IPv6 address as the IPv4 address it is.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// One node of a forwarding header: `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]`,
/// `[2001:db8::1]:4711`, `2001:db8::1`, optionally quoted. `None` for `unknown`,
/// obfuscated names and anything else.
fn node(s: &str) -> Option<IpAddr> {
    let s = s.trim().trim_matches('"');
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(sa) = s.parse::<SocketAddr>() {
        return Some(sa.ip());
    }
    let inner = s.strip_prefix('[')?.split(']').next()?;
    inner.parse::<Ipv6Addr>().ok().map(IpAddr::V6)
}

/// The hops a request went through, nearest first: the `for=` nodes of `Forwarded`
/// (RFC 7239) if it is sent, else `X-Forwarded-For`. `None` stands for a node that is
/// not an address.
fn hops(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let forwarded: Vec<&str> = headers
        .get_all("forwarded")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let mut out: Vec<Option<IpAddr>> = Vec::new();
    if !forwarded.is_empty() {
        for element in forwarded.iter().flat_map(|v| v.split(',')) {
            let for_ = element.split(';').find_map(|pair| {
                let (k, v) = pair.split_once('=')?;
                k.trim().eq_ignore_ascii_case("for").then_some(v)
            });
            out.push(for_.and_then(node));
        }
    } else {
        for v in headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
        {
            out.extend(v.split(',').map(node));
        }
    }
    out.reverse();
    out.truncate(MAX_HOPS);
    out
}

/// The client's address for a request from `peer` with `headers`, trusting the
/// forwarding headers only as far as `trusted` proxies wrote them.
pub fn resolve(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|net| net.contains(&canonical(ip)));
    let mut client = canonical(peer);
    if !is_trusted(client) {
        return client;
    }
    for hop in hops(headers) {
        match hop {
            // Written by a trusted proxy: the next one to the left is who it saw.
            Some(ip) if is_trusted(ip) => client = canonical(ip),
            Some(ip) => return canonical(ip),
            // Not an address: the last trusted proxy is as far as we can tell.
            None => return client,
        }
    }
    client
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr::of(
            &parts.extensions,
            &parts.headers,
            &state.config.trusted_proxies,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }
    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn headers_count_only_from_trusted_proxies() {
        let nets: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap(), "::1/128".parse().unwrap()];
        let xff = headers(&[("x-forwarded-for", "198.51.100.7, 203.0.113.5")]);
        // Not from a proxy: the header is the client's own word, ignored.
        assert_eq!(resolve(ip("192.0.2.9"), &xff, &nets), ip("192.0.2.9"));
        // From the proxy: the rightmost address it did not write itself.
        assert_eq!(resolve(ip("10.1.2.3"), &xff, &nets), ip("203.0.113.5"));
        // Two proxies in a row; the client's made-up leftmost entry is never reached.
        let two = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.5, 10.9.9.9")]);
        assert_eq!(resolve(ip("10.1.2.3"), &two, &nets), ip("203.0.113.5"));
        // Several header lines read as one list.
        let lines = headers(&[
            ("x-forwarded-for", "1.2.3.4"),
            ("x-forwarded-for", "203.0.113.5"),
        ]);
        assert_eq!(resolve(ip("10.1.2.3"), &lines, &nets), ip("203.0.113.5"));
        // No header, or only trusted hops: the nearest proxy.
        assert_eq!(
            resolve(ip("10.1.2.3"), &HeaderMap::new(), &nets),
            ip("10.1.2.3")
        );
        // Nothing trusted configured: always the peer.
        assert_eq!(resolve(ip("10.1.2.3"), &xff, &[]), ip("10.1.2.3"));
        // A mapped IPv4 peer is matched as IPv4.
        assert_eq!(
            resolve(ip("::ffff:10.1.2.3"), &xff, &nets),
            ip("203.0.113.5")
        );
    }

    #[test]
    fn forwarded_header_nodes() {
        let nets: Vec<IpNet> = vec!["127.0.0.0/8".parse().unwrap()];
        let peer = ip("127.0.0.1");
        let f = headers(&[(
            "forwarded",
            r#"for=192.0.2.60;proto=http;by=203.0.113.43, For="[2001:db8:cafe::17]:4711""#,
        )]);
        assert_eq!(resolve(peer, &f, &nets), ip("2001:db8:cafe::17"));
        let f = headers(&[("forwarded", "for=198.51.100.1:8080")]);
        assert_eq!(resolve(peer, &f, &nets), ip("198.51.100.1"));
        // An obfuscated or unknown node stops the walk at the proxy.
        let f = headers(&[("forwarded", "for=198.51.100.1, for=_hidden")]);
        assert_eq!(resolve(peer, &f, &nets), peer);
        // Forwarded wins over X-Forwarded-For when both are sent.
        let both = headers(&[
            ("forwarded", "for=192.0.2.1"),
            ("x-forwarded-for", "192.0.2.2"),
        ]);
        assert_eq!(resolve(peer, &both, &nets), ip("192.0.2.1"));
    }

    #[test]
    fn ipv6_clients_are_grouped_by_64() {
        let a = ClientAddr(ip("2001:db8:1:2:aaaa::1")).group();
        let b = ClientAddr(ip("2001:db8:1:2:ffff:1:2:3")).group();
        let c = ClientAddr(ip("2001:db8:1:3::1")).group();
        assert_eq!(a, b);
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_ne!(a, c);
        assert_eq!(ClientAddr(ip("192.0.2.1")).group(), "192.0.2.1");
    }
}
