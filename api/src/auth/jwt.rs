//! Short-lived access tokens: HS256 JWTs naming the user, role and organisation.

use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::Role;

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: Uuid,
    pub iat: i64,
    pub exp: i64,
    pub role: Role,
    /// The user's organisation, if any.
    pub org: Option<Uuid>,
    /// The password was set by an administrator and must be changed: the
    /// token may only read the account and change the password. Absent
    /// when false, so other tokens are as they were.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub must_change_password: bool,
}

/// Signs and verifies access tokens.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    /// Lifetime of an access token, in seconds.
    pub ttl_secs: i64,
}

impl JwtKeys {
    pub fn new(secret: &[u8], issuer: &str, audience: &str, ttl_secs: i64) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            ttl_secs,
        }
    }

    /// The claims a token for this user would carry now.
    pub fn claims_for(&self, user_id: Uuid, role: Role, organisation_id: Option<Uuid>) -> Claims {
        let now = Utc::now().timestamp();
        Claims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: user_id,
            iat: now,
            exp: now + self.ttl_secs,
            role,
            org: organisation_id,
            must_change_password: false,
        }
    }

    pub fn sign(&self, claims: &Claims) -> Result<String, jsonwebtoken::errors::Error> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
    }

    /// Verifies signature, algorithm, issuer, audience and expiry.
    pub fn verify(&self, token: &str) -> Result<Claims, jsonwebtoken::errors::Error> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).map(|d| d.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn keys() -> JwtKeys {
        JwtKeys::new(&[7u8; 32], "delivery-tracker", "delivery-tracker-api", 900)
    }

    #[test]
    fn a_signed_token_verifies() {
        let keys = keys();
        let claims = keys.claims_for(Uuid::from_u128(1), Role::Chair, None);
        let token = keys.sign(&claims).unwrap();
        assert_eq!(keys.verify(&token).unwrap(), claims);
    }

    #[test]
    fn expired_foreign_audience_wrong_key_and_unsigned_tokens_fail() {
        let keys = keys();
        let mut expired = keys.claims_for(Uuid::from_u128(1), Role::Admin, None);
        expired.exp = Utc::now().timestamp() - 3600;
        assert!(keys.verify(&keys.sign(&expired).unwrap()).is_err());

        let mut foreign = keys.claims_for(Uuid::from_u128(1), Role::Admin, None);
        foreign.aud = "another-service".into();
        assert!(keys.verify(&keys.sign(&foreign).unwrap()).is_err());

        let other = JwtKeys::new(&[8u8; 32], "delivery-tracker", "delivery-tracker-api", 900);
        let claims = keys.claims_for(Uuid::from_u128(1), Role::Admin, None);
        assert!(keys.verify(&other.sign(&claims).unwrap()).is_err());

        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
        assert!(keys.verify(&format!("{header}.{body}.")).is_err());
    }
}
