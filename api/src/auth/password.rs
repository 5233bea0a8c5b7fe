//! Argon2id password hashing, on blocking threads so a login never stalls
//! the async workers.

use std::sync::LazyLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use secrecy::{ExposeSecret, SecretString};

use crate::error::AppError;

/// OWASP's recommended Argon2id parameters: 19 MiB, 2 passes, 1 lane.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hash of a password nobody knows, verified against when the email is
/// unknown so that such a login costs the same time as a wrong password.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    hash_blocking(&SecretString::from(random_secret())).expect("hashing a random password")
});

fn random_secret() -> String {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).expect("operating system randomness");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hash_blocking(password: &SecretString) -> Result<String, argon2::password_hash::Error> {
    let mut salt_bytes = [0u8; 16];
    getrandom::fill(&mut salt_bytes).expect("operating system randomness");
    let salt = SaltString::encode_b64(&salt_bytes)?;
    Ok(hasher()
        .hash_password(password.expose_secret().as_bytes(), &salt)?
        .to_string())
}

fn verify_blocking(hash: &str, candidate: &SecretString) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            hasher()
                .verify_password(candidate.expose_secret().as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Hashes a password into a PHC string.
pub async fn hash(password: SecretString) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(AppError::internal)?
        .map_err(|e| AppError::internal(e.to_string()))
}

/// Checks a password against a stored hash, or against the dummy hash when
/// there is none, taking about the same time either way.
pub async fn verify(stored: Option<String>, candidate: SecretString) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || match stored {
        Some(hash) => verify_blocking(&hash, &candidate),
        None => {
            verify_blocking(&DUMMY_HASH, &candidate);
            false
        }
    })
    .await
    .map_err(AppError::internal)
}

/// Computes the dummy hash now, so the first unknown-email login is not slower.
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_their_password() {
        let hash = hash_blocking(&SecretString::from("correct horse battery")).unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_blocking(
            &hash,
            &SecretString::from("correct horse battery")
        ));
        assert!(!verify_blocking(
            &hash,
            &SecretString::from("correct horse battery!")
        ));
        assert!(!verify_blocking("not a hash", &SecretString::from("x")));
    }
}
