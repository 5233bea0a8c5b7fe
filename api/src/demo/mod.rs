//! The demonstration data set: the Nottinghamshire Looked After Children and
//! Care Leavers Partnership's strategy for 2022-2025, with its board's
//! organisations and one account for each role and partner.
//!
//! Everything is created through the same operations the API uses, as the
//! demo administrator, chair and members, so it is validated and audited like
//! any other change.

use std::collections::HashMap;

use chrono::NaiveDate;
use secrecy::SecretString;
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::password;
use crate::clock::Clock;
use crate::db::{self, Pool};
use crate::domain::{Actor, OrganisationKind, Role, StatementKind, StrategyStatus};
use crate::error::AppError;
use crate::services::Ctx;
use crate::services::organisations::{self, CreateOrganisation};
use crate::services::statements::{self, CreateStatement};
use crate::services::strategies::{self, CreateStrategy};
use crate::services::users::{self, CreateUser};

mod delivery;
mod indicators;
pub mod synthetic;

const PLAN: &str = include_str!("strategy_2022_25.json");

#[derive(Deserialize)]
struct Plan {
    organisations: Vec<PlanOrganisation>,
    strategy: PlanStrategy,
    ambitions: Vec<PlanStatement>,
    commitments: Vec<PlanStatement>,
}

#[derive(Deserialize)]
struct PlanOrganisation {
    name: String,
    short_name: String,
    kind: OrganisationKind,
    /// Names the organisation's demo member: `<slug>@example.org`.
    slug: String,
}

#[derive(Deserialize)]
struct PlanStrategy {
    title: String,
    vision: String,
    period_start: NaiveDate,
    period_end: NaiveDate,
    status: StrategyStatus,
}

#[derive(Deserialize)]
struct PlanStatement {
    title: String,
    description: String,
}

fn plan() -> Plan {
    serde_json::from_str(PLAN).expect("the embedded demo plan is valid")
}

/// A demo account.
#[derive(Debug, Clone)]
pub struct DemoUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    /// The organisation's name, for members and the chair.
    pub organisation: Option<String>,
}

pub const ADMIN_EMAIL: &str = "admin@example.org";
pub const CHAIR_EMAIL: &str = "chair@example.org";
pub const VIEWER_EMAIL: &str = "viewer@example.org";

/// Every demo account: an administrator, the chair, a viewer, and one
/// member for each partner organisation.
pub fn users() -> Vec<DemoUser> {
    let plan = plan();
    let council = plan.organisations[0].name.clone();
    let mut accounts = vec![
        DemoUser {
            email: ADMIN_EMAIL.into(),
            name: "Performance Officer (administrator)".into(),
            role: Role::Admin,
            organisation: None,
        },
        DemoUser {
            email: CHAIR_EMAIL.into(),
            name: "Board Chair".into(),
            role: Role::Chair,
            organisation: Some(council),
        },
        DemoUser {
            email: VIEWER_EMAIL.into(),
            name: "Committee Member (viewer)".into(),
            role: Role::Viewer,
            organisation: None,
        },
    ];
    accounts.extend(plan.organisations.iter().map(|org| DemoUser {
        email: format!("{}@example.org", org.slug),
        name: format!("Board Member, {}", org.short_name),
        role: Role::Member,
        organisation: Some(org.name.clone()),
    }));
    accounts
}

/// Loads the demo data into an empty database. Returns false, changing
/// nothing, when the database already holds users or strategies.
pub async fn load(pool: &Pool, password: &SecretString, clock: &Clock) -> Result<bool, AppError> {
    {
        let mut conn = pool.get().await?;
        if db::users::count(&mut conn).await? > 0 || db::strategies::count(&mut conn).await? > 0 {
            return Ok(false);
        }
    }
    let plan = plan();
    let accounts = users();
    let admin_account = &accounts[0];
    let admin = users::create_from_command_line(
        pool,
        CreateUser {
            email: admin_account.email.clone(),
            name: admin_account.name.clone(),
            role: Role::Admin,
            organisation_id: None,
            password: password.clone(),
        },
    )
    .await?;
    let ctx = Ctx {
        actor: Actor::User {
            id: admin.id,
            role: Role::Admin,
            organisation_id: None,
        },
        request_id: Some("demo-data".into()),
        clock: clock.clone(),
    };

    let mut organisation_ids = Vec::new();
    for org in &plan.organisations {
        let created = organisations::create(
            pool,
            &ctx,
            CreateOrganisation {
                name: org.name.clone(),
                short_name: Some(org.short_name.clone()),
                kind: org.kind,
            },
        )
        .await?;
        organisation_ids.push((org.name.clone(), created.id));
    }
    let organisation_id = |name: &str| -> Option<Uuid> {
        organisation_ids
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, id)| *id)
    };

    let strategy = strategies::create(
        pool,
        &ctx,
        CreateStrategy {
            title: plan.strategy.title,
            vision: Some(plan.strategy.vision),
            period_start: plan.strategy.period_start,
            period_end: plan.strategy.period_end,
            status: Some(plan.strategy.status),
            partner_ids: Some(organisation_ids.iter().map(|(_, id)| *id).collect()),
        },
    )
    .await?;
    let mut numbered = [HashMap::new(), HashMap::new()];
    for (index, kind, items) in [
        (0, StatementKind::Ambition, plan.ambitions),
        (1, StatementKind::Commitment, plan.commitments),
    ] {
        for item in items {
            let description = Some(item.description).filter(|d| !d.is_empty());
            let input = CreateStatement {
                number: None,
                title: item.title,
                description,
            };
            let created = statements::create(pool, &ctx, strategy.id, kind, input).await?;
            numbered[index].insert(created.number, created.id);
        }
    }
    let [ambitions, commitments] = numbered;

    let mut chair = None;
    let mut members = HashMap::new();
    for account in accounts.iter().skip(1) {
        let organisation_id = account.organisation.as_deref().and_then(organisation_id);
        let user = users::create(
            pool,
            &ctx,
            CreateUser {
                email: account.email.clone(),
                name: account.name.clone(),
                role: account.role,
                organisation_id,
                password: password.clone(),
            },
        )
        .await?;
        let user_ctx = delivery::ctx(user.id, account.role, organisation_id, clock);
        match account.role {
            Role::Chair => chair = Some(user_ctx),
            Role::Member => {
                let slug = account.email.trim_end_matches("@example.org").to_owned();
                let org = organisation_id.expect("members belong to an organisation");
                members.insert(slug, (user_ctx, org));
            }
            _ => {}
        }
    }
    let cast = delivery::Cast {
        strategy_id: strategy.id,
        admin: ctx.clone(),
        chair: chair.expect("the demo has a chair"),
        members,
        ambitions,
        commitments,
    };
    delivery::load(pool, &cast).await?;
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
    fn the_plan_has_the_board_the_ambitions_and_the_commitments() {
        let plan = plan();
        assert_eq!(plan.organisations.len(), 12);
        assert_eq!(plan.ambitions.len(), 6);
        assert_eq!(plan.commitments.len(), 4);
    }

    #[test]
    fn there_is_one_member_per_organisation_and_unique_emails() {
        let accounts = users();
        assert_eq!(accounts.len(), 15);
        let mut emails: Vec<_> = accounts.iter().map(|a| a.email.clone()).collect();
        emails.sort();
        emails.dedup();
        assert_eq!(emails.len(), 15);
    }

    #[test]
    fn random_passwords_meet_the_policy() {
        let password = random_password();
        assert_eq!(password.len(), 19);
        assert!(password.len() >= crate::domain::validation::PASSWORD_MIN);
        assert_ne!(password, random_password());
    }
}
