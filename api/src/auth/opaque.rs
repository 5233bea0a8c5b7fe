//! Opaque bearer secrets (refresh tokens): random, shown once, stored only as
//! a SHA-256 digest.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// A new secret with the given prefix, e.g. `dtr_…`, and its digest.
pub fn generate(prefix: &str) -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("operating system randomness");
    let secret = format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes));
    let hash = digest(&secret);
    (secret, hash)
}

/// The digest under which a secret is stored.
pub fn digest(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_unique_and_stored_by_digest() {
        let (a, hash_a) = generate("dtr_");
        let (b, _) = generate("dtr_");
        assert_ne!(a, b);
        assert!(a.starts_with("dtr_"));
        assert_eq!(digest(&a), hash_a);
        assert_eq!(hash_a.len(), 32);
    }
}
