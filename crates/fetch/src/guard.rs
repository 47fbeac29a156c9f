//! Private-address guard: classifies IP addresses and resolves host names
//! for the HTTP client so that only permitted addresses are ever connected to.
//!
//! The check happens *inside* the client's resolver (`GuardedResolver`), so
//! the address that was checked is the address the connection goes to: a DNS
//! answer that changes between a check and the connect (DNS rebinding) cannot
//! slip through. Literal IP hosts never reach a resolver, so the fetcher also
//! calls [`AddressPolicy::check_url`] on every hop.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use url::{Host, Url};

/// What kind of address an IP is, for the guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AddressClass {
    /// A globally routable address: allowed.
    Public,
    /// 127.0.0.0/8, ::1.
    Loopback,
    /// RFC 1918 (10/8, 172.16/12, 192.168/16), NAT64 local-use, deprecated site-local.
    Private,
    /// IPv6 unique local addresses, fc00::/7.
    UniqueLocal,
    /// 169.254/16, fe80::/10.
    LinkLocal,
    /// 224/4, ff00::/8.
    Multicast,
    /// 0.0.0.0/8, ::.
    Unspecified,
    /// Carrier-grade NAT shared space, 100.64/10.
    SharedCgnat,
    /// Documentation ranges (192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32).
    Documentation,
    /// Benchmarking ranges (198.18/15, 2001:2::/48).
    Benchmarking,
    /// 255.255.255.255.
    Broadcast,
    /// Other special-purpose space (240/4, 192.0.0/24, Teredo, ORCHID, discard, IPv4-compatible).
    Reserved,
}

impl AddressClass {
    /// True only for [`AddressClass::Public`].
    pub fn is_public(self) -> bool {
        self == AddressClass::Public
    }
}

impl fmt::Display for AddressClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            AddressClass::Public => "public",
            AddressClass::Loopback => "loopback",
            AddressClass::Private => "private",
            AddressClass::UniqueLocal => "unique local",
            AddressClass::LinkLocal => "link-local",
            AddressClass::Multicast => "multicast",
            AddressClass::Unspecified => "unspecified",
            AddressClass::SharedCgnat => "carrier-grade NAT",
            AddressClass::Documentation => "documentation",
            AddressClass::Benchmarking => "benchmarking",
            AddressClass::Broadcast => "broadcast",
            AddressClass::Reserved => "reserved",
        };
        f.write_str(s)
    }
}

/// Classifies an address. IPv4-mapped, NAT64 and 6to4 IPv6 addresses are
/// classified by the IPv4 address they embed.
pub fn classify(ip: IpAddr) -> AddressClass {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn classify_v4(ip: Ipv4Addr) -> AddressClass {
    let [a, b, c, _] = ip.octets();
    match (a, b, c) {
        (0, _, _) => AddressClass::Unspecified,
        (10, _, _) => AddressClass::Private,
        (100, 64..=127, _) => AddressClass::SharedCgnat,
        (127, _, _) => AddressClass::Loopback,
        (169, 254, _) => AddressClass::LinkLocal,
        (172, 16..=31, _) => AddressClass::Private,
        (192, 0, 0) => AddressClass::Reserved,
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => AddressClass::Documentation,
        (192, 88, 99) => AddressClass::Reserved,
        (192, 168, _) => AddressClass::Private,
        (198, 18..=19, _) => AddressClass::Benchmarking,
        (224..=239, _, _) => AddressClass::Multicast,
        (255, 255, 255) if ip.octets()[3] == 255 => AddressClass::Broadcast,
        (240..=255, _, _) => AddressClass::Reserved,
        _ => AddressClass::Public,
    }
}

fn embedded_v4(seg: &[u16]) -> Ipv4Addr {
    Ipv4Addr::new((seg[0] >> 8) as u8, seg[0] as u8, (seg[1] >> 8) as u8, seg[1] as u8)
}

fn classify_v6(ip: Ipv6Addr) -> AddressClass {
    let s = ip.segments();
    if ip.is_unspecified() {
        return AddressClass::Unspecified;
    }
    if ip.is_loopback() {
        return AddressClass::Loopback;
    }
    // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (deprecated compatible).
    if s[..5] == [0; 5] && (s[5] == 0xffff || s[5] == 0) {
        return match classify_v4(embedded_v4(&s[6..])) {
            AddressClass::Public if s[5] == 0 => AddressClass::Reserved,
            class => class,
        };
    }
    // NAT64 well-known prefix 64:ff9b::/96 reaches the embedded IPv4 address.
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return classify_v4(embedded_v4(&s[6..]));
    }
    // NAT64 local-use 64:ff9b:1::/48.
    if s[0] == 0x64 && s[1] == 0xff9b && s[2] == 1 {
        return AddressClass::Private;
    }
    // 6to4 2002::/16 embeds an IPv4 address in bits 16..48.
    if s[0] == 0x2002 {
        return match classify_v4(embedded_v4(&s[1..3])) {
            AddressClass::Public => AddressClass::Public,
            class => class,
        };
    }
    match s[0] {
        0xfc00..=0xfdff => AddressClass::UniqueLocal,
        0xfe80..=0xfebf => AddressClass::LinkLocal,
        0xfec0..=0xfeff => AddressClass::Private,
        0xff00..=0xffff => AddressClass::Multicast,
        0x2001 if s[1] == 0x0db8 => AddressClass::Documentation,
        0x2001 if s[1] == 0 => AddressClass::Reserved,      // Teredo
        0x2001 if s[1] == 2 && s[2] == 0 => AddressClass::Benchmarking,
        0x2001 if (0x10..=0x2f).contains(&s[1]) => AddressClass::Reserved, // ORCHID
        0x0100 if s[1..4] == [0, 0, 0] => AddressClass::Reserved, // discard-only
        0x0000..=0x00ff => AddressClass::Reserved,
        _ => AddressClass::Public,
    }
}

/// Which addresses may be connected to.
#[derive(Debug, Clone, Default)]
pub struct AddressPolicy {
    /// Allow every address (tests, intranet deployments).
    pub allow_private: bool,
    /// Addresses allowed even though they are not public.
    pub allowed_addresses: Vec<IpAddr>,
}

impl AddressPolicy {
    /// Whether a connection to `ip` is permitted.
    pub fn permits(&self, ip: IpAddr) -> bool {
        self.allow_private
            || classify(ip).is_public()
            || self.allowed_addresses.iter().any(|a| canonical(*a) == canonical(ip))
    }

    /// Checks a URL whose host is an IP literal; host names are checked by
    /// the resolver at connect time. Returns the refused address.
    pub fn check_url(&self, url: &Url) -> Result<(), (IpAddr, AddressClass)> {
        let ip = match url.host() {
            Some(Host::Ipv4(v4)) => IpAddr::V4(v4),
            Some(Host::Ipv6(v6)) => IpAddr::V6(v6),
            _ => return Ok(()),
        };
        if self.permits(ip) {
            Ok(())
        } else {
            Err((ip, classify(ip)))
        }
    }
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

/// The resolver refused every address a host resolved to.
#[derive(Debug, Clone)]
pub(crate) struct BlockedAddress {
    pub(crate) host: String,
    pub(crate) addr: IpAddr,
}

impl fmt::Display for BlockedAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} resolves only to non-public addresses (first: {})", self.host, self.addr)
    }
}

impl std::error::Error for BlockedAddress {}

/// An HTTP client builder whose connections go only to addresses `policy` permits (the
/// resolver drops the others), following no redirects and using no proxy. The fetcher
/// and the webhook deliverer both start from it.
pub fn guarded_client_builder(policy: Arc<AddressPolicy>) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .dns_resolver(Arc::new(GuardedResolver { policy }))
}

/// If a request failed because the guard refused every address of its host, says which.
pub fn refused_address(err: &(dyn std::error::Error + 'static)) -> Option<String> {
    find_blocked(err).map(|b| b.to_string())
}

/// Finds a [`BlockedAddress`] in an error's source chain.
pub(crate) fn find_blocked(err: &(dyn std::error::Error + 'static)) -> Option<BlockedAddress> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(b) = e.downcast_ref::<BlockedAddress>() {
            return Some(b.clone());
        }
        cur = e.source();
    }
    None
}

/// The HTTP client's resolver: system DNS, then drops every address the
/// policy does not permit. Only the surviving addresses are handed to the
/// connector, so the connection goes to an address that was checked.
#[derive(Debug, Clone)]
pub(crate) struct GuardedResolver {
    pub(crate) policy: Arc<AddressPolicy>,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.policy.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let (ok, refused): (Vec<SocketAddr>, Vec<SocketAddr>) =
                found.into_iter().partition(|sa| policy.permits(sa.ip()));
            if ok.is_empty() {
                if let Some(first) = refused.first() {
                    let err: Box<dyn std::error::Error + Send + Sync> =
                        Box::new(BlockedAddress { host, addr: first.ip() });
                    return Err(err);
                }
                return Err(format!("{host} has no addresses").into());
            }
            if !refused.is_empty() {
                tracing::debug!(target: "polmon_fetch::guard", host = %host, refused = refused.len(), "dropped non-public addresses");
            }
            let addrs: reqwest::dns::Addrs = Box::new(ok.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> AddressClass {
        classify(s.parse().unwrap())
    }

    #[test]
    fn classifies_ipv4_special_ranges() {
        assert_eq!(c("127.0.0.1"), AddressClass::Loopback);
        assert_eq!(c("127.255.0.9"), AddressClass::Loopback);
        assert_eq!(c("10.1.2.3"), AddressClass::Private);
        assert_eq!(c("172.16.0.1"), AddressClass::Private);
        assert_eq!(c("172.31.255.255"), AddressClass::Private);
        assert_eq!(c("172.32.0.1"), AddressClass::Public);
        assert_eq!(c("172.15.0.1"), AddressClass::Public);
        assert_eq!(c("192.168.1.1"), AddressClass::Private);
        assert_eq!(c("169.254.169.254"), AddressClass::LinkLocal);
        assert_eq!(c("100.64.0.1"), AddressClass::SharedCgnat);
        assert_eq!(c("100.127.255.255"), AddressClass::SharedCgnat);
        assert_eq!(c("100.128.0.1"), AddressClass::Public);
        assert_eq!(c("0.0.0.0"), AddressClass::Unspecified);
        assert_eq!(c("224.0.0.1"), AddressClass::Multicast);
        assert_eq!(c("255.255.255.255"), AddressClass::Broadcast);
        assert_eq!(c("240.0.0.1"), AddressClass::Reserved);
        assert_eq!(c("198.18.0.1"), AddressClass::Benchmarking);
        assert_eq!(c("203.0.113.7"), AddressClass::Documentation);
        assert_eq!(c("8.8.8.8"), AddressClass::Public);
        assert_eq!(c("151.101.1.1"), AddressClass::Public);
    }

    #[test]
    fn classifies_ipv6_and_embedded_ipv4() {
        assert_eq!(c("::1"), AddressClass::Loopback);
        assert_eq!(c("::"), AddressClass::Unspecified);
        assert_eq!(c("fc00::1"), AddressClass::UniqueLocal);
        assert_eq!(c("fd12:3456::1"), AddressClass::UniqueLocal);
        assert_eq!(c("fe80::1"), AddressClass::LinkLocal);
        assert_eq!(c("ff02::1"), AddressClass::Multicast);
        assert_eq!(c("2001:db8::1"), AddressClass::Documentation);
        assert_eq!(c("::ffff:127.0.0.1"), AddressClass::Loopback);
        assert_eq!(c("::ffff:10.0.0.1"), AddressClass::Private);
        assert_eq!(c("::ffff:169.254.1.1"), AddressClass::LinkLocal);
        assert_eq!(c("::ffff:8.8.8.8"), AddressClass::Public);
        assert_eq!(c("64:ff9b::192.168.0.1"), AddressClass::Private);
        assert_eq!(c("64:ff9b::8.8.8.8"), AddressClass::Public);
        assert_eq!(c("2002:7f00:1::"), AddressClass::Loopback);
        assert_eq!(c("2001::1"), AddressClass::Reserved);
        assert_eq!(c("2a00:1450:4001:80b::200e"), AddressClass::Public);
        assert_eq!(c("2606:4700::6810:84e5"), AddressClass::Public);
    }

    #[test]
    fn policy_permits_public_allowlisted_or_everything() {
        let strict = AddressPolicy::default();
        assert!(strict.permits("1.1.1.1".parse().unwrap()));
        assert!(!strict.permits("127.0.0.1".parse().unwrap()));
        let listed = AddressPolicy { allow_private: false, allowed_addresses: vec!["127.0.0.1".parse().unwrap()] };
        assert!(listed.permits("127.0.0.1".parse().unwrap()));
        assert!(listed.permits("::ffff:127.0.0.1".parse().unwrap()));
        assert!(!listed.permits("127.0.0.2".parse().unwrap()));
        let open = AddressPolicy { allow_private: true, allowed_addresses: vec![] };
        assert!(open.permits("10.0.0.1".parse().unwrap()));
    }

    #[test]
    fn check_url_refuses_literal_private_hosts_only() {
        let strict = AddressPolicy::default();
        let refused = strict.check_url(&Url::parse("http://[::ffff:192.168.0.1]:8080/x").unwrap());
        assert_eq!(refused.unwrap_err().1, AddressClass::Private);
        assert!(strict.check_url(&Url::parse("http://10.0.0.1/").unwrap()).is_err());
        // Obfuscated IPv4 forms are normalised by the URL parser and still caught.
        assert!(strict.check_url(&Url::parse("http://0x7f.1/").unwrap()).is_err());
        assert!(strict.check_url(&Url::parse("http://2130706433/").unwrap()).is_err());
        assert!(strict.check_url(&Url::parse("http://[::]/").unwrap()).is_err());
        assert!(strict.check_url(&Url::parse("http://93.184.216.34/").unwrap()).is_ok());
        // Names are left to the resolver.
        assert!(strict.check_url(&Url::parse("http://localhost/").unwrap()).is_ok());
    }

    #[tokio::test]
    async fn resolver_refuses_names_resolving_to_loopback() {
        use reqwest::dns::Resolve;
        let r = GuardedResolver { policy: Arc::new(AddressPolicy::default()) };
        let err = r.resolve("localhost".parse().unwrap()).await.err().expect("refused");
        let blocked = find_blocked(&*err).expect("a BlockedAddress in the chain");
        assert!(classify(blocked.addr) == AddressClass::Loopback, "{blocked}");
        let open = GuardedResolver { policy: Arc::new(AddressPolicy { allow_private: true, ..Default::default() }) };
        let addrs: Vec<_> = open.resolve("localhost".parse().unwrap()).await.unwrap().collect();
        assert!(!addrs.is_empty());
    }
}
