//! Checking what an administrator asks of an endpoint, and where a
//! delivery may connect: the address rules of `domain::webhooks` applied
//! to every address a host name resolves to.

use std::net::SocketAddr;

use uuid::Uuid;

use crate::db::{Conn, strategies};
use crate::domain::Entity;
use crate::domain::validation::{FieldError, printable};
use crate::domain::webhooks::{AddressPolicy, Host, check_address, check_url};

/// Longest description.
pub(super) const DESCRIPTION_MAX: usize = 500;

/// The addresses a delivery to `url` may connect to: the URL checked, its
/// host name resolved, and every address checked (one refused address
/// refuses the URL, so a name cannot sometimes point inside).
pub(super) async fn addresses(url: &str, policy: AddressPolicy) -> Result<Vec<SocketAddr>, String> {
    let target = check_url(url, policy)?;
    match target.host {
        Host::Address(ip) => Ok(vec![SocketAddr::new(ip, target.port)]),
        Host::Name(name) => {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), target.port))
                .await
                .map_err(|e| format!("its host name {name} does not resolve ({e})"))?
                .collect();
            if found.is_empty() {
                return Err(format!("its host name {name} resolves to no address"));
            }
            for addr in &found {
                check_address(addr.ip(), policy)
                    .map_err(|e| format!("its host name {name} resolves to {e}"))?;
            }
            Ok(found)
        }
    }
}

/// A URL to store, or what is wrong with it.
pub(super) async fn url(text: &str, policy: AddressPolicy, errors: &mut Vec<FieldError>) -> String {
    let text = text.trim().to_owned();
    if text.chars().count() > 2000 {
        errors.push(FieldError::new("url", "is longer than 2000 characters"));
    } else if let Err(problem) = addresses(&text, policy).await {
        errors.push(FieldError::new("url", format!("the URL {problem}")));
    }
    text
}

/// A description to store, or what is wrong with it.
pub(super) fn description(text: &str, errors: &mut Vec<FieldError>) -> String {
    let text = text.trim().to_owned();
    if text.chars().count() > DESCRIPTION_MAX {
        errors.push(FieldError::new(
            "description",
            format!("is longer than {DESCRIPTION_MAX} characters"),
        ));
    } else if printable(&text, &()).is_err() {
        errors.push(FieldError::new("description", "holds control characters"));
    }
    text
}

/// The kinds of record to store (each once, in the feed's order), or what
/// is wrong with them.
pub(super) fn entities(given: &[String], errors: &mut Vec<FieldError>) -> Vec<String> {
    for (n, name) in given.iter().enumerate() {
        if !Entity::in_feed().any(|e| e.as_str() == name) {
            let known: Vec<&str> = Entity::in_feed().map(Entity::as_str).collect();
            errors.push(FieldError::new(
                format!("entities[{n}]"),
                format!(
                    "{name:?} is not a kind of record the change feed carries ({})",
                    known.join(", ")
                ),
            ));
        }
    }
    Entity::in_feed()
        .map(Entity::as_str)
        .filter(|kind| given.iter().any(|g| g == kind))
        .map(str::to_owned)
        .collect()
}

/// Checks that a strategy exists.
pub(super) async fn strategy(
    conn: &mut Conn,
    id: Option<Uuid>,
    errors: &mut Vec<FieldError>,
) -> Result<(), crate::error::AppError> {
    if let Some(id) = id {
        use diesel::OptionalExtension;
        if strategies::find(conn, id).await.optional()?.is_none() {
            errors.push(FieldError::new("strategy_id", "there is no such strategy"));
        }
    }
    Ok(())
}
