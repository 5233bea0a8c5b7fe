//! The demonstration data set: the Nottinghamshire Looked After Children and
//! Care Leavers Partnership's strategy for 2022-2025, with its board's
//! organisations and one account for each role and partner.
//!
//! Everything is created through the same operations the API uses, as the
//! demo administrator, chair and members, so it is validated and audited like
//! any other change.

mod achievements;
mod board;
mod cast;
mod delivery;
mod indicators;
mod priorities;
pub mod synthetic;

use secrecy::SecretString;

pub use board::{ADMIN_EMAIL, CHAIR_EMAIL, DemoUser, VIEWER_EMAIL, users};

use crate::auth::password;
use crate::clock::Clock;
use crate::db::{self, Pool};
use crate::error::AppError;

/// Loads the demo data into an empty database. Returns false, changing
/// nothing, when the database already holds users or strategies.
pub async fn load(pool: &Pool, password: &SecretString, clock: &Clock) -> Result<bool, AppError> {
    {
        let mut conn = pool.get().await?;
        if db::users::count(&mut conn).await? > 0 || db::strategies::count(&mut conn).await? > 0 {
            return Ok(false);
        }
    }
    let cast = board::build(pool, password, clock).await?;
    let periods = delivery::load(pool, &cast).await?;
    indicators::load(pool, &cast, &periods).await?;
    priorities::load(pool, &cast).await?;
    achievements::load(pool, &cast).await?;
    delivery::close_past_quarters(pool, &cast, &periods).await?;
    Ok(true)
}

/// Sets every demo account's password, so the credentials printed at start
/// are the ones that work.
pub async fn reset_passwords(pool: &Pool, password: &SecretString) -> Result<(), AppError> {
    let hash = password::hash(password.clone()).await?;
    let mut conn = pool.get().await?;
    for account in users() {
        db::users::set_password_hash(&mut conn, &account.email, &hash).await?;
    }
    Ok(())
}

/// A random demo password: four groups of letters and digits.
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("operating system randomness");
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// The credentials table printed when the demo starts.
pub fn credentials_table(password: &str) -> String {
    let accounts = users();
    let width = accounts.iter().map(|a| a.email.len()).max().unwrap_or(0);
    let mut table = format!("{:width$}  {:7}  {}\n", "EMAIL", "ROLE", "ORGANISATION");
    for account in &accounts {
        table.push_str(&format!(
            "{:width$}  {:7}  {}\n",
            account.email,
            account.role.as_str(),
            account.organisation.as_deref().unwrap_or("-")
        ));
    }
    table.push_str(&format!("\nPassword for every demo account: {password}\n"));
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_passwords_meet_the_policy() {
        let password = random_password();
        assert_eq!(password.len(), 19);
        assert!(password.len() >= crate::domain::validation::PASSWORD_MIN);
        assert_ne!(password, random_password());
    }
}
