//! The board of the demo: its organisations, the strategy with its
//! ambitions and commitments, and one account for each role and partner,
//! created through the same operations the API uses.

use std::collections::HashMap;

use chrono::NaiveDate;
use secrecy::SecretString;
use serde::Deserialize;
use uuid::Uuid;

use super::cast::{Cast, ctx};
use crate::clock::Clock;
use crate::db::Pool;
use crate::domain::{OrganisationKind, Role, StatementKind, StrategyStatus};
use crate::error::AppError;
use crate::services::Ctx;
use crate::services::organisations::{self, CreateOrganisation};
use crate::services::statements::{self, CreateStatement};
use crate::services::strategies::{self, CreateStrategy};
use crate::services::users::{self, CreateUser};

const PLAN: &str = include_str!("strategy_2022_25.json");

#[derive(Deserialize)]
struct Plan {
    organisations: Vec<PlanOrganisation>,
    /// The children in care council: it raises priorities for the board
    /// and hears its answers, so it is not one of the strategy's partners.
    young_peoples_council: PlanOrganisation,
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

/// Every demo account: an administrator, the chair, a viewer, one member
/// for each partner organisation, and the participation worker who holds
/// the children in care council's account.
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
    let council = &plan.young_peoples_council;
    accounts.push(DemoUser {
        email: format!("{}@example.org", council.slug),
        name: format!("Participation Worker, {}", council.short_name),
        role: Role::Member,
        organisation: Some(council.name.clone()),
    });
    accounts
}

/// Creates the board: the administrator first (from the command line, as
/// a real service starts), then as them the organisations, the strategy and
/// everyone else. Returns who is who, for the delivery plan.
pub(super) async fn build(
    pool: &Pool,
    password: &SecretString,
    clock: &Clock,
) -> Result<Cast, AppError> {
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
    let admin = ctx(admin.id, Role::Admin, None, clock);
    let mut organisation_ids = create_organisations(pool, &admin, &plan.organisations).await?;
    let partner_ids = organisation_ids.values().copied().collect();
    let council = create_organisations(
        pool,
        &admin,
        std::slice::from_ref(&plan.young_peoples_council),
    )
    .await?;
    organisation_ids.extend(council);
    let strategy = strategies::create(
        pool,
        &admin,
        CreateStrategy {
            title: plan.strategy.title,
            vision: Some(plan.strategy.vision),
            period_start: plan.strategy.period_start,
            period_end: plan.strategy.period_end,
            status: Some(plan.strategy.status),
            partner_ids: Some(partner_ids),
        },
    )
    .await?;
    let ambitions = number(
        pool,
        &admin,
        strategy.id,
        StatementKind::Ambition,
        plan.ambitions,
    );
    let ambitions = ambitions.await?;
    let commitments = number(
        pool,
        &admin,
        strategy.id,
        StatementKind::Commitment,
        plan.commitments,
    );
    let commitments = commitments.await?;
    let (chair, members) =
        create_people(pool, &admin, &accounts[1..], &organisation_ids, password).await?;
    Ok(Cast {
        strategy_id: strategy.id,
        admin,
        chair,
        members,
        ambitions,
        commitments,
    })
}

/// Creates the partner organisations; their ids by name.
async fn create_organisations(
    pool: &Pool,
    admin: &Ctx,
    organisations: &[PlanOrganisation],
) -> Result<HashMap<String, Uuid>, AppError> {
    let mut ids = HashMap::new();
    for org in organisations {
        let input = CreateOrganisation {
            name: org.name.clone(),
            short_name: Some(org.short_name.clone()),
            kind: org.kind,
        };
        let created = organisations::create(pool, admin, input).await?;
        ids.insert(org.name.clone(), created.id);
    }
    Ok(ids)
}

/// Adds the strategy's statements of one kind, in order; their ids by
/// number.
async fn number(
    pool: &Pool,
    admin: &Ctx,
    strategy_id: Uuid,
    kind: StatementKind,
    items: Vec<PlanStatement>,
) -> Result<HashMap<i32, Uuid>, AppError> {
    let mut ids = HashMap::new();
    for item in items {
        let input = CreateStatement {
            number: None,
            title: item.title,
            description: Some(item.description).filter(|d| !d.is_empty()),
        };
        let created = statements::create(pool, admin, strategy_id, kind, input).await?;
        ids.insert(created.number, created.id);
    }
    Ok(ids)
}

/// Creates the chair's, the viewer's and the members' accounts; the chair's
/// context, and each member's with their organisation's id, by slug.
async fn create_people(
    pool: &Pool,
    admin: &Ctx,
    accounts: &[DemoUser],
    organisation_ids: &HashMap<String, Uuid>,
    password: &SecretString,
) -> Result<(Ctx, HashMap<String, (Ctx, Uuid)>), AppError> {
    let mut chair = None;
    let mut members = HashMap::new();
    for account in accounts {
        let organisation_id = account
            .organisation
            .as_ref()
            .and_then(|name| organisation_ids.get(name).copied());
        let input = CreateUser {
            email: account.email.clone(),
            name: account.name.clone(),
            role: account.role,
            organisation_id,
            password: password.clone(),
        };
        let user = users::create_demo_account(pool, admin, input).await?;
        let user_ctx = ctx(user.id, account.role, organisation_id, &admin.clock);
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
    Ok((chair.expect("the demo has a chair"), members))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_has_the_board_the_ambitions_and_the_commitments() {
        let plan = plan();
        assert_eq!(plan.organisations.len(), 12);
        assert!(
            plan.organisations
                .iter()
                .all(|o| o.kind != OrganisationKind::YoungPeoplesVoice),
            "the young people's council is not a partner"
        );
        assert_eq!(
            plan.young_peoples_council.kind,
            OrganisationKind::YoungPeoplesVoice
        );
        assert_eq!(plan.ambitions.len(), 6);
        assert_eq!(plan.commitments.len(), 4);
    }

    #[test]
    fn there_is_one_member_per_organisation_and_unique_emails() {
        let accounts = users();
        assert_eq!(accounts.len(), 16);
        let mut emails: Vec<_> = accounts.iter().map(|a| a.email.clone()).collect();
        emails.sort();
        emails.dedup();
        assert_eq!(emails.len(), 16);
    }
}
