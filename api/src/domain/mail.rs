//! Email notices: their kinds, the signed token of a one-click
//! unsubscribe link, the stable Message-ID of a message, and when the
//! update-due reminder of a period is due.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::sync::Arc;

use chrono::NaiveDate;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

text_enum! {
    /// A kind of email notice; each person may turn each kind off.
    pub enum MailKind {
        /// Before a period ends: the actions one's organisation leads that
        /// it has not reported on in it.
        UpdateDue => "update_due",
        /// When a period closes: its exceptions, for the chair and the board.
        PeriodClosed => "period_closed",
        /// When the chair challenges an action one's organisation leads.
        Challenged => "challenged",
        /// When the young people's council raises a priority (the chair).
        PriorityRaised => "priority_raised",
    }
}

impl MailKind {
    /// What the kind is, in words for the preferences page.
    pub fn describe(self) -> &'static str {
        match self {
            MailKind::UpdateDue => {
                "Reminders before a reporting period ends, listing the actions your organisation has not reported on"
            }
            MailKind::PeriodClosed => {
                "The exceptions when a reporting period closes (the chair and board members)"
            }
            MailKind::Challenged => "When the chair challenges an action your organisation leads",
            MailKind::PriorityRaised => {
                "When the young people's council raises a priority (the chair)"
            }
        }
    }
}

type HmacSha256 = Hmac<Sha256>;

/// The key unsubscribe tokens are signed with, derived from the service's
/// signing secret so that it differs from the access tokens' key.
#[derive(Clone)]
pub struct UnsubscribeKey(Vec<u8>);

impl std::fmt::Debug for UnsubscribeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UnsubscribeKey(..)")
    }
}

const TOKEN_VERSION: u8 = 1;

impl UnsubscribeKey {
    /// Derives the key from the service's signing secret.
    pub fn derive(secret: &[u8]) -> UnsubscribeKey {
        let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes any key length");
        mac.update(b"delivery-tracker mail unsubscribe v1");
        UnsubscribeKey(mac.finalize().into_bytes().to_vec())
    }

    fn mac(&self) -> HmacSha256 {
        HmacSha256::new_from_slice(&self.0).expect("HMAC takes any key length")
    }

    /// A token naming `user` and `kind`; it does not expire.
    pub fn sign(&self, user: Uuid, kind: MailKind) -> String {
        let mut body = vec![TOKEN_VERSION];
        body.extend_from_slice(user.as_bytes());
        body.extend_from_slice(kind.as_str().as_bytes());
        let mut mac = self.mac();
        mac.update(&body);
        body.extend_from_slice(&mac.finalize().into_bytes());
        URL_SAFE_NO_PAD.encode(body)
    }

    /// The user and kind a token names, if this key signed it.
    pub fn verify(&self, token: &str) -> Option<(Uuid, MailKind)> {
        if token.len() > 200 {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
        if bytes.len() < 1 + 16 + 32 || bytes[0] != TOKEN_VERSION {
            return None;
        }
        let (body, tag) = bytes.split_at(bytes.len() - 32);
        let mut mac = self.mac();
        mac.update(body);
        mac.verify_slice(tag).ok()?;
        let user = Uuid::from_slice(&body[1..17]).ok()?;
        let kind = std::str::from_utf8(&body[17..]).ok()?.parse().ok()?;
        Some((user, kind))
    }
}

/// What mail needs to address people: where the pages are and how to sign
/// the unsubscribe links.
#[derive(Debug, Clone)]
pub struct MailLinks {
    /// The address people open the pages at, without a trailing slash.
    pub(crate) public_url: String,
    /// Signs and checks unsubscribe tokens.
    pub(crate) key: UnsubscribeKey,
}

impl MailLinks {
    /// Links under `public_url`, unsubscribe tokens signed with a key
    /// derived from the service's signing secret.
    pub fn new(public_url: &str, secret: &[u8]) -> Arc<MailLinks> {
        Arc::new(MailLinks {
            public_url: public_url.trim_end_matches('/').to_owned(),
            key: UnsubscribeKey::derive(secret),
        })
    }

    /// The address of a page.
    pub fn page(&self, path: &str) -> String {
        format!("{}{path}", self.public_url)
    }

    /// The one-click unsubscribe address of `kind` for `user`.
    pub fn unsubscribe(&self, user: Uuid, kind: MailKind) -> String {
        self.page(&format!("/unsubscribe/{}", self.key.sign(user, kind)))
    }

    /// The user and kind an unsubscribe token names, if it is genuine.
    pub fn verify(&self, token: &str) -> Option<(Uuid, MailKind)> {
        self.key.verify(token)
    }

    /// The host name of the pages: the right-hand side of Message-IDs.
    pub fn domain(&self) -> String {
        let rest = self
            .public_url
            .split_once("://")
            .map_or(self.public_url.as_str(), |(_, rest)| rest);
        let host = rest.split(['/', ':']).next().unwrap_or_default();
        if host.is_empty() {
            "localhost".to_owned()
        } else {
            host.to_owned()
        }
    }
}

/// The Message-ID of the message a job sends, from the job's idempotency
/// key: a retry of the same job sends the same id, so a receiver (or a
/// person) recognises a repeat after a cut-off.
pub fn message_id(key: &str, domain: &str) -> String {
    use sha2::Digest;
    let digest = Sha256::digest(key.as_bytes());
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("<{hex}@{domain}>")
}

/// Whether the update-due reminder of a period ending on `ends_on` is due
/// on `today`: within `days` days of its end, and not after it.
pub fn update_due(ends_on: NaiveDate, today: NaiveDate, days: u32) -> bool {
    let left = (ends_on - today).num_days();
    (0..=i64::from(days)).contains(&left)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_token_names_its_user_and_kind_and_resists_tampering() {
        let key = UnsubscribeKey::derive(b"a-signing-secret-of-enough-length-0123");
        let user = Uuid::now_v7();
        let token = key.sign(user, MailKind::Challenged);
        assert_eq!(key.verify(&token), Some((user, MailKind::Challenged)));
        let other = UnsubscribeKey::derive(b"another-signing-secret-of-enough-length");
        assert_eq!(other.verify(&token), None, "another key's token");
        let mut bytes = URL_SAFE_NO_PAD.decode(&token).unwrap();
        bytes[5] ^= 1;
        assert_eq!(key.verify(&URL_SAFE_NO_PAD.encode(&bytes)), None);
        assert_eq!(key.verify("not a token"), None);
        assert_eq!(key.verify(""), None);
        assert_eq!(key.verify(&"A".repeat(500)), None);
    }

    #[test]
    fn the_message_id_is_stable_per_job() {
        let a = message_id("mail:challenged:1:2", "tracker.example");
        assert_eq!(a, message_id("mail:challenged:1:2", "tracker.example"));
        assert_ne!(a, message_id("mail:challenged:1:3", "tracker.example"));
        assert!(a.starts_with('<') && a.ends_with("@tracker.example>"));
    }

    #[test]
    fn the_reminder_is_due_within_the_days_before_the_end() {
        let end = date("2025-06-30");
        assert!(!update_due(end, date("2025-06-15"), 14));
        assert!(update_due(end, date("2025-06-16"), 14));
        assert!(update_due(end, end, 14));
        assert!(!update_due(end, date("2025-07-01"), 14));
    }
}
