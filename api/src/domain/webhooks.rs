//! The rules of webhook delivery, without I/O: which targets may be
//! called, how a request is signed (Standard Webhooks), which events an
//! endpoint wants, and when a failing endpoint is disabled.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use uuid::Uuid;

use super::Entity;

/// The prefix of a Standard Webhooks secret.
pub const SECRET_PREFIX: &str = "whsec_";

/// Random bytes in a new secret.
pub const SECRET_BYTES: usize = 32;

/// Which targets deliveries may reach beyond public `https` ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AddressPolicy {
    /// Plain `http` URLs (development and tests only).
    pub allow_http: bool,
    /// Loopback, private, link-local and shared addresses (development and
    /// tests only).
    pub allow_private: bool,
}

/// Where a checked URL points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The host as written: a name, or an address.
    pub host: Host,
    /// The port, the scheme's default when absent.
    pub port: u16,
}

/// A URL's host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    /// A name, to resolve (and check) before each delivery.
    Name(String),
    /// An address, checked already.
    Address(IpAddr),
}

/// Checks a webhook URL: `https` (or `http` when allowed), with a host,
/// no user name or password, and, when the host is an address, one the
/// policy allows. A host name is checked again after each resolution.
pub fn check_url(text: &str, policy: AddressPolicy) -> Result<Target, String> {
    let url = url::Url::parse(text.trim()).map_err(|e| format!("is not a URL ({e})"))?;
    match url.scheme() {
        "https" => {}
        "http" if policy.allow_http => {}
        "http" => {
            return Err("must use https; plain http is not allowed on this service".into());
        }
        other => return Err(format!("must use https, not {other}")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry a user name or password".into());
    }
    if url.fragment().is_some() {
        return Err("must not carry a fragment (#...)".into());
    }
    let port = url
        .port_or_known_default()
        .ok_or_else(|| "has no port".to_owned())?;
    let host = match url.host() {
        Some(url::Host::Ipv4(ip)) => Host::Address(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => Host::Address(IpAddr::V6(ip)),
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            let local = name == "localhost" || name.ends_with(".localhost");
            if local && !policy.allow_private {
                return Err("points at this machine (localhost), which is not allowed".into());
            }
            Host::Name(name)
        }
        None => return Err("has no host".into()),
    };
    if let Host::Address(ip) = host {
        check_address(ip, policy)?;
    }
    Ok(Target { host, port })
}

/// Whether a delivery may connect to `ip`; the reason when not.
pub fn check_address(ip: IpAddr, policy: AddressPolicy) -> Result<(), String> {
    match classify(ip) {
        None => Ok(()),
        Some(Class::Never(what)) => Err(format!("{ip} is {what}, which is never a webhook target")),
        Some(Class::Private(_)) if policy.allow_private => Ok(()),
        Some(Class::Private(what)) => Err(format!(
            "{ip} is {what}, which is not allowed (only public addresses are)"
        )),
    }
}

enum Class {
    /// Refused unless private addresses are allowed.
    Private(&'static str),
    /// Refused always: nothing answers there.
    Never(&'static str),
}

fn classify(ip: IpAddr) -> Option<Class> {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn in_v4(ip: Ipv4Addr, net: [u8; 4], bits: u32) -> bool {
    let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(net)) & mask
}

fn classify_v4(ip: Ipv4Addr) -> Option<Class> {
    use Class::{Never, Private};
    let ranges: [([u8; 4], u32, Class); 15] = [
        ([0, 0, 0, 0], 8, Never("an unspecified address")),
        ([255, 255, 255, 255], 32, Never("the broadcast address")),
        ([224, 0, 0, 0], 4, Never("a multicast address")),
        ([240, 0, 0, 0], 4, Never("a reserved address")),
        ([192, 0, 2, 0], 24, Never("a documentation address")),
        ([198, 51, 100, 0], 24, Never("a documentation address")),
        ([203, 0, 113, 0], 24, Never("a documentation address")),
        ([198, 18, 0, 0], 15, Never("a benchmarking address")),
        ([127, 0, 0, 0], 8, Private("a loopback address")),
        ([10, 0, 0, 0], 8, Private("a private address")),
        ([172, 16, 0, 0], 12, Private("a private address")),
        ([192, 168, 0, 0], 16, Private("a private address")),
        ([169, 254, 0, 0], 16, Private("a link-local address")),
        (
            [100, 64, 0, 0],
            10,
            Private("a shared (carrier-grade NAT) address"),
        ),
        ([192, 0, 0, 0], 24, Private("a protocol assignment address")),
    ];
    ranges
        .into_iter()
        .find(|(net, bits, _)| in_v4(ip, *net, *bits))
        .map(|(_, _, class)| class)
}

fn in_v6(ip: Ipv6Addr, net: [u16; 8], bits: u32) -> bool {
    let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
    u128::from(ip) & mask == u128::from(Ipv6Addr::from(net)) & mask
}

fn classify_v6(ip: Ipv6Addr) -> Option<Class> {
    use Class::{Never, Private};
    if ip.is_unspecified() {
        return Some(Never("an unspecified address"));
    }
    if ip.is_loopback() {
        return Some(Private("a loopback address"));
    }
    // Forms that carry an IPv4 address are judged by it: mapped
    // (::ffff:a.b.c.d), compatible (::a.b.c.d), NAT64 (64:ff9b::/96).
    let segments = ip.segments();
    let embedded = |from: usize| {
        let o = ip.octets();
        Ipv4Addr::new(o[from], o[from + 1], o[from + 2], o[from + 3])
    };
    if in_v6(ip, [0, 0, 0, 0, 0, 0xffff, 0, 0], 96)
        || in_v6(ip, [0, 0, 0, 0, 0, 0, 0, 0], 96)
        || in_v6(ip, [0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96)
    {
        return classify_v4(embedded(12)).or(Some(Private("an IPv4-embedding address")));
    }
    if segments[0] == 0x2002 {
        // 6to4 carries the IPv4 address in its second and third groups.
        return classify_v4(embedded(2));
    }
    let ranges: [([u16; 8], u32, Class); 6] = [
        (
            [0xff00, 0, 0, 0, 0, 0, 0, 0],
            8,
            Never("a multicast address"),
        ),
        (
            [0x2001, 0xdb8, 0, 0, 0, 0, 0, 0],
            32,
            Never("a documentation address"),
        ),
        ([0x100, 0, 0, 0, 0, 0, 0, 0], 64, Never("a discard address")),
        (
            [0xfc00, 0, 0, 0, 0, 0, 0, 0],
            7,
            Private("a unique local (private) address"),
        ),
        (
            [0xfe80, 0, 0, 0, 0, 0, 0, 0],
            10,
            Private("a link-local address"),
        ),
        (
            [0xfec0, 0, 0, 0, 0, 0, 0, 0],
            10,
            Private("a site-local address"),
        ),
    ];
    ranges
        .into_iter()
        .find(|(net, bits, _)| in_v6(ip, *net, *bits))
        .map(|(_, _, class)| class)
}

/// A new secret from random bytes: `whsec_` and their base64.
pub fn secret_from(bytes: &[u8]) -> String {
    format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes))
}

/// The key a secret stands for (the bytes after `whsec_`).
pub fn secret_key(secret: &str) -> Result<Vec<u8>, String> {
    let encoded = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
    STANDARD
        .decode(encoded)
        .map_err(|e| format!("the secret is not base64 ({e})"))
}

/// The `webhook-signature` of a request: `v1,` and the base64 of
/// HMAC-SHA256 over `{id}.{timestamp}.{body}`.
pub fn sign(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// The `webhook-id` of an event sent to an endpoint: the same on every
/// attempt, different for every event, so a receiver can drop a repeat.
pub fn webhook_id(position: i64, event_id: i64) -> String {
    format!("msg_{position}_{event_id}")
}

/// The idempotency key of the queue's job delivering to an endpoint from
/// its cursor: two instances noticing the same endpoint behind queue one.
pub fn job_key(endpoint_id: Uuid, position: i64, event_id: i64) -> String {
    format!("webhook:{endpoint_id}:{position}:{event_id}")
}

/// Whether an endpoint failing since `failing_since` is disabled at `now`.
pub fn should_disable(failing_since: DateTime<Utc>, now: DateTime<Utc>, after_hours: u32) -> bool {
    now - failing_since >= chrono::Duration::hours(i64::from(after_hours))
}

/// Whether an endpoint asking for `entities` (empty: all) wants an event
/// about `entity`.
pub fn wants_kind(entities: &[String], entity: Entity) -> bool {
    entities.is_empty() || entities.iter().any(|e| e == entity.as_str())
}

/// What ties an event to a strategy, read from the record it carries
/// (after the change, or before it for a deletion).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tie {
    /// The record names its strategy (or is one).
    Strategy(Uuid),
    /// The record belongs to an action: the action's strategy.
    Action(Uuid),
    /// The record belongs to an indicator: the indicator's strategy.
    Indicator(Uuid),
    /// The record belongs to no strategy (an organisation).
    None,
}

/// The rule: a strategy is its own; a record with a `strategy_id` belongs
/// to it; a milestone or progress update to its action's strategy; an
/// indicator's value to its indicator's strategy; anything else to none.
pub fn strategy_tie(entity: Entity, id: Uuid, record: Option<&Value>) -> Tie {
    let field = |name: &str| {
        record
            .and_then(|r| r.get(name))
            .and_then(Value::as_str)
            .and_then(|s| s.parse::<Uuid>().ok())
    };
    if entity == Entity::Strategy {
        return Tie::Strategy(id);
    }
    if let Some(strategy) = field("strategy_id") {
        return Tie::Strategy(strategy);
    }
    if let Some(action) = field("action_id") {
        return Tie::Action(action);
    }
    if let Some(indicator) = field("indicator_id") {
        return Tie::Indicator(indicator);
    }
    Tie::None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const OPEN: AddressPolicy = AddressPolicy {
        allow_http: true,
        allow_private: true,
    };

    #[test]
    fn signs_the_standard_webhooks_example() {
        let key = secret_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let signature = sign(
            &key,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            br#"{"test": 2432232314}"#,
        );
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn a_secret_is_prefixed_base64_of_its_bytes() {
        let secret = secret_from(&[7u8; SECRET_BYTES]);
        assert!(secret.starts_with("whsec_"));
        assert_eq!(secret_key(&secret).unwrap(), vec![7u8; SECRET_BYTES]);
        assert!(secret_key("whsec_***").is_err());
    }

    #[test]
    fn only_public_https_targets_by_default() {
        let strict = AddressPolicy::default();
        let target = check_url("https://bi.example.org:8443/hook", strict).unwrap();
        assert_eq!(target.host, Host::Name("bi.example.org".into()));
        assert_eq!(target.port, 8443);
        assert_eq!(check_url("https://8.8.8.8/", strict).unwrap().port, 443);
        for (url, problem) in [
            ("http://bi.example.org/", "https"),
            ("ftp://bi.example.org/", "https"),
            ("not a url", "not a URL"),
            ("https://user:pw@bi.example.org/", "password"),
            ("https://127.0.0.1/", "loopback"),
            ("https://10.0.0.1/", "private"),
            ("https://172.20.1.1/", "private"),
            ("https://192.168.1.1/", "private"),
            ("https://169.254.169.254/", "link-local"),
            ("https://100.64.0.1/", "carrier-grade"),
            ("https://0.0.0.0/", "unspecified"),
            ("https://255.255.255.255/", "broadcast"),
            ("https://224.0.0.1/", "multicast"),
            ("https://192.0.2.10/", "documentation"),
            ("https://[::1]/", "loopback"),
            ("https://[::]/", "unspecified"),
            ("https://[fd00::1]/", "private"),
            ("https://[fe80::1]/", "link-local"),
            ("https://[ff02::1]/", "multicast"),
            ("https://[2001:db8::1]/", "documentation"),
            ("https://[::ffff:127.0.0.1]/", "loopback"),
            ("https://[::ffff:10.1.2.3]/", "private"),
            ("https://[64:ff9b::a9fe:a9fe]/", "link-local"),
            ("https://[2002:c0a8:0101::1]/", "private"),
            ("https://localhost/", "localhost"),
            ("https://api.localhost./", "localhost"),
        ] {
            let error = check_url(url, strict).expect_err(url);
            assert!(error.contains(problem), "{url}: {error}");
        }
    }

    #[test]
    fn settings_open_http_and_private_addresses_but_never_unroutable_ones() {
        assert!(check_url("http://127.0.0.1:8080/", OPEN).is_ok());
        assert!(check_url("https://10.0.0.1/", OPEN).is_ok());
        assert!(check_url("http://localhost:9000/", OPEN).is_ok());
        assert!(check_url("https://0.0.0.0/", OPEN).is_err());
        assert!(check_url("https://[ff02::1]/", OPEN).is_err());
        let http_only = AddressPolicy {
            allow_http: true,
            allow_private: false,
        };
        assert!(check_url("http://127.0.0.1/", http_only).is_err());
        assert!(check_address("93.184.215.14".parse().unwrap(), http_only).is_ok());
        assert!(check_address("2606:4700::1111".parse().unwrap(), http_only).is_ok());
    }

    #[test]
    fn an_endpoint_is_disabled_once_failing_for_the_whole_allowance() {
        let since = "2026-12-01T10:00:00Z".parse::<DateTime<Utc>>().unwrap();
        let later = |h: i64| since + chrono::Duration::hours(h);
        assert!(!should_disable(since, later(71), 72));
        assert!(should_disable(since, later(72), 72));
        assert!(should_disable(since, later(100), 72));
    }

    #[test]
    fn events_are_tied_to_strategies_by_their_record() {
        let s = Uuid::now_v7();
        let a = Uuid::now_v7();
        let i = Uuid::now_v7();
        let id = Uuid::now_v7();
        assert_eq!(strategy_tie(Entity::Strategy, s, None), Tie::Strategy(s));
        let action = json!({"strategy_id": s, "title": "A1.1"});
        assert_eq!(
            strategy_tie(Entity::Action, id, Some(&action)),
            Tie::Strategy(s)
        );
        let milestone = json!({"action_id": a});
        assert_eq!(
            strategy_tie(Entity::Milestone, id, Some(&milestone)),
            Tie::Action(a)
        );
        let value = json!({"indicator_id": i});
        assert_eq!(
            strategy_tie(Entity::IndicatorValue, id, Some(&value)),
            Tie::Indicator(i)
        );
        let organisation = json!({"name": "Police"});
        assert_eq!(
            strategy_tie(Entity::Organisation, id, Some(&organisation)),
            Tie::None
        );
    }

    #[test]
    fn an_empty_list_of_kinds_wants_every_kind() {
        assert!(wants_kind(&[], Entity::Action));
        let only = vec!["action".to_owned()];
        assert!(wants_kind(&only, Entity::Action));
        assert!(!wants_kind(&only, Entity::Pledge));
    }

    #[test]
    fn webhook_ids_name_the_event() {
        assert_eq!(webhook_id(12, 345), "msg_12_345");
    }
}
