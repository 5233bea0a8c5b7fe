//! Argon2id password hashing, on blocking threads so a login never stalls
//! the async workers.
//!
//! Each hash needs 19 MiB. At most one hash per CPU runs at once (more
//! would only queue for the CPU), each in a block of memory kept for reuse,
//! so a burst of sign-ins costs a fixed amount of memory instead of 19 MiB a
//! request that the allocator may keep long after.

use std::sync::{LazyLock, Mutex};

use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Semaphore;

use crate::error::AppError;

/// OWASP's recommended Argon2id parameters: 19 MiB, 2 passes, 1 lane.
fn params() -> Params {
    Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters")
}

/// Hashes allowed to run at once: one per CPU.
static RUNNING: LazyLock<Semaphore> =
    LazyLock::new(|| Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())));

/// Blocks of memory for hashing, kept between hashes (at most one per
/// running hash).
static MEMORY: Mutex<Vec<Vec<Block>>> = Mutex::new(Vec::new());

/// Runs `work` with a block of at least `blocks` Argon2 blocks, reusing one
/// from the pool when it is big enough.
fn with_memory<T>(blocks: usize, work: impl FnOnce(&mut [Block]) -> T) -> T {
    let reusable = MEMORY.lock().unwrap_or_else(|e| e.into_inner()).pop();
    let mut memory = match reusable {
        Some(memory) if memory.len() >= blocks => memory,
        _ => vec![Block::default(); blocks],
    };
    let result = work(&mut memory[..blocks]);
    if memory.len() == params().block_count() {
        MEMORY
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(memory);
    }
    result
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

/// Argon2id with the given parameters into `out`.
fn compute(
    params: Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    let blocks = params.block_count();
    let hasher = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    with_memory(blocks, |memory| {
        hasher.hash_password_into_with_memory(password, salt, out, memory)
    })
}

fn hash_blocking(password: &SecretString) -> Result<String, argon2::password_hash::Error> {
    let mut salt_bytes = [0u8; 16];
    getrandom::fill(&mut salt_bytes).expect("operating system randomness");
    let salt = SaltString::encode_b64(&salt_bytes)?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    compute(
        params(),
        password.expose_secret().as_bytes(),
        &salt_bytes,
        &mut out,
    )?;
    let params_string = argon2::password_hash::ParamsString::try_from(&params())?;
    Ok(PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: params_string,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out)?),
    }
    .to_string())
}

fn verify_blocking(hash: &str, candidate: &SecretString) -> bool {
    let check = || -> Option<bool> {
        let parsed = PasswordHash::new(hash).ok()?;
        if parsed.algorithm != Algorithm::Argon2id.ident() {
            return None;
        }
        let params = Params::try_from(&parsed).ok()?;
        let expected = parsed.hash?;
        let mut salt_buffer = [0u8; 64];
        let salt = parsed.salt?.decode_b64(&mut salt_buffer).ok()?;
        let mut out = vec![0u8; expected.len()];
        compute(params, candidate.expose_secret().as_bytes(), salt, &mut out).ok()?;
        // Output compares in constant time.
        Some(Output::new(&out).ok()? == expected)
    };
    check().unwrap_or(false)
}

/// Hashes a password into a PHC string.
pub async fn hash(password: SecretString) -> Result<String, AppError> {
    let _turn = RUNNING.acquire().await.map_err(AppError::internal)?;
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(AppError::internal)?
        .map_err(|e| AppError::internal(e.to_string()))
}

/// Checks a password against a stored hash, or against the dummy hash when
/// there is none, taking about the same time either way.
pub async fn verify(stored: Option<String>, candidate: SecretString) -> Result<bool, AppError> {
    let _turn = RUNNING.acquire().await.map_err(AppError::internal)?;
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

    #[test]
    fn hashes_agree_with_the_argon2_crates_own_hasher() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let standard = Argon2::new(Algorithm::Argon2id, Version::V0x13, params());
        let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
        let theirs = standard
            .hash_password(b"pass phrase", &salt)
            .unwrap()
            .to_string();
        assert!(verify_blocking(&theirs, &SecretString::from("pass phrase")));
        let ours = hash_blocking(&SecretString::from("pass phrase")).unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(standard.verify_password(b"pass phrase", &parsed).is_ok());
    }

    #[test]
    fn memory_is_reused_not_grown() {
        for _ in 0..12 {
            hash_blocking(&SecretString::from("x")).unwrap();
        }
        // Other tests may hash at the same time; twelve runs one after the
        // other must not leave twelve blocks behind.
        let kept = MEMORY.lock().unwrap().len();
        assert!(kept <= 4, "{kept} blocks kept after 12 runs");
    }
}
