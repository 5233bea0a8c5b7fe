//! Erasing a person's data (UK GDPR, right to erasure): what their account
//! is called afterwards, and how the copies of their name and email kept
//! elsewhere are rewritten.

use serde_json::Value;
use uuid::Uuid;

/// How every pseudonym begins.
pub const PSEUDONYM_PREFIX: &str = "Former member";

/// The name an erased account goes by: "Former member, Nottinghamshire
/// Police", or "Former member" without an organisation. Numbered from 2
/// ("Former member 2, Nottinghamshire Police") when `taken` already has it,
/// so that the updates of two former members stay told apart.
pub fn pseudonym(organisation: Option<&str>, taken: impl Fn(&str) -> bool) -> String {
    let name = |n: u32| {
        let member = match n {
            1 => PSEUDONYM_PREFIX.to_owned(),
            n => format!("{PSEUDONYM_PREFIX} {n}"),
        };
        match organisation {
            Some(organisation) => format!("{member}, {organisation}"),
            None => member,
        }
    };
    (1..)
        .map(name)
        .find(|candidate| !taken(candidate))
        .expect("some number is free")
}

/// The email an erased account keeps: unique, as emails must be, and on the
/// reserved `.invalid` domain, so nothing is ever sent to it.
pub fn placeholder_email(account: Uuid) -> String {
    format!("erased-{account}@invalid")
}

/// Replaces the name and email in a recorded state of the account (an
/// audit event's before or after), whatever they were then: a state
/// recorded before a rename holds the old name. Answers whether anything
/// changed.
pub fn pseudonymise_record(state: &mut Value, name: &str, email: &str) -> bool {
    let Some(fields) = state.as_object_mut() else {
        return false;
    };
    let mut changed = false;
    for (field, replacement) in [("name", name), ("email", email)] {
        if let Some(value) = fields.get_mut(field)
            && value.as_str() != Some(replacement)
        {
            *value = Value::String(replacement.to_owned());
            changed = true;
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_pseudonym_names_the_organisation_and_is_numbered_when_taken() {
        let police = Some("Nottinghamshire Police");
        assert_eq!(
            pseudonym(police, |_| false),
            "Former member, Nottinghamshire Police"
        );
        assert_eq!(pseudonym(None, |_| false), "Former member");
        let taken = [
            "Former member, Nottinghamshire Police",
            "Former member 2, Nottinghamshire Police",
        ];
        assert_eq!(
            pseudonym(police, |name| taken.contains(&name)),
            "Former member 3, Nottinghamshire Police"
        );
        assert_eq!(
            pseudonym(None, |name| name == "Former member"),
            "Former member 2"
        );
    }

    #[test]
    fn the_placeholder_email_is_unique_and_undeliverable() {
        let id = Uuid::from_u128(42);
        let email = placeholder_email(id);
        assert!(email.starts_with("erased-") && email.ends_with("@invalid"));
        assert!(email.contains(&id.to_string()));
        assert_ne!(email, placeholder_email(Uuid::from_u128(43)));
    }

    #[test]
    fn a_recorded_state_keeps_its_shape_with_the_pseudonym() {
        let mut state = json!({
            "id": "x", "name": "Ann Lee", "email": "ann@example.org", "active": true,
        });
        assert!(pseudonymise_record(
            &mut state,
            "Former member",
            "x@invalid"
        ));
        assert_eq!(
            state,
            json!({"id": "x", "name": "Former member", "email": "x@invalid", "active": true})
        );
        assert!(!pseudonymise_record(
            &mut state,
            "Former member",
            "x@invalid"
        ));
        let mut lock = json!({"sign_in_locked_until": "2026-01-01T00:00:00Z"});
        assert!(!pseudonymise_record(
            &mut lock,
            "Former member",
            "x@invalid"
        ));
        assert_eq!(
            lock,
            json!({"sign_in_locked_until": "2026-01-01T00:00:00Z"})
        );
    }
}
