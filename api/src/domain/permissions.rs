//! The permission table of the design, as plain functions.
//!
//! Every write path calls one of these before touching the database, and the
//! `allowed_actions` a resource advertises are computed from the same
//! functions, so what a client is offered and what the server accepts agree.

use uuid::Uuid;

use super::enums::Role;

/// Who is making a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in person.
    User {
        id: Uuid,
        role: Role,
        organisation_id: Option<Uuid>,
    },
    /// Another system holding a read-only API token, limited to one
    /// strategy when `strategy_id` is set.
    System {
        token_id: Uuid,
        strategy_id: Option<Uuid>,
    },
}

impl Actor {
    pub fn role(&self) -> Option<Role> {
        match self {
            Actor::User { role, .. } => Some(*role),
            Actor::System { .. } => None,
        }
    }

    fn is(&self, wanted: Role) -> bool {
        self.role() == Some(wanted)
    }

    /// True for a board member whose organisation is one of `organisations`.
    fn is_member_of_any(&self, organisations: &[Uuid]) -> bool {
        match self {
            Actor::User {
                role: Role::Member,
                organisation_id: Some(org),
                ..
            } => organisations.contains(org),
            _ => false,
        }
    }

    /// Who this is, for the request log: `user:<id>` or `token:<id>`.
    pub fn label(&self) -> String {
        match self {
            Actor::User { id, .. } => format!("user:{id}"),
            Actor::System { token_id, .. } => format!("token:{token_id}"),
        }
    }

    /// The user's organisation, when the actor is a person who has one.
    pub fn organisation_id(&self) -> Option<Uuid> {
        match self {
            Actor::User {
                organisation_id, ..
            } => *organisation_id,
            Actor::System { .. } => None,
        }
    }

    /// The user's id, when the actor is a person.
    pub fn user_id(&self) -> Option<Uuid> {
        match self {
            Actor::User { id, .. } => Some(*id),
            Actor::System { .. } => None,
        }
    }
}

/// Read the plan, updates, pledges and reports: everyone authenticated.
pub fn can_read(_actor: &Actor) -> bool {
    true
}

/// Read one strategy and everything under it. A system token limited to
/// another strategy sees nothing of this one.
pub fn can_read_strategy(actor: &Actor, strategy_id: Uuid) -> bool {
    match actor {
        Actor::System {
            strategy_id: Some(only),
            ..
        } => *only == strategy_id,
        _ => can_read(actor),
    }
}

/// The strategy an actor is limited to, if any: lists leave out the rest.
pub fn strategy_scope(actor: &Actor) -> Option<Uuid> {
    match actor {
        Actor::System { strategy_id, .. } => *strategy_id,
        Actor::User { .. } => None,
    }
}

/// Read the change feed: it spans every strategy and names who made each
/// change, so it is for administrators, the chair and unrestricted system
/// tokens.
pub fn can_read_changes(actor: &Actor) -> bool {
    match actor {
        Actor::System { strategy_id, .. } => strategy_id.is_none(),
        Actor::User { .. } => actor.is(Role::Admin) || actor.is(Role::Chair),
    }
}

/// Create or edit strategies, ambitions, commitments and organisations.
pub fn can_manage_strategy(actor: &Actor) -> bool {
    actor.is(Role::Admin)
}

/// Create, re-assign or delete actions.
pub fn can_manage_actions(actor: &Actor) -> bool {
    actor.is(Role::Admin) || actor.is(Role::Chair)
}

/// Edit an action's details and milestones, and post a progress update that
/// carries a RAG rating: the lead organisation owns the rating.
pub fn can_edit_action(actor: &Actor, lead_organisation: Uuid) -> bool {
    actor.is(Role::Admin) || actor.is_member_of_any(&[lead_organisation])
}

/// Post a progress note without a RAG: the lead and supporting organisations
/// report, the chair challenges.
pub fn can_post_note(actor: &Actor, lead_organisation: Uuid, supporting: &[Uuid]) -> bool {
    actor.is(Role::Admin)
        || actor.is(Role::Chair)
        || actor.is_member_of_any(&[lead_organisation])
        || actor.is_member_of_any(supporting)
}

/// Write an organisation's pledge against a commitment.
pub fn can_write_pledge(actor: &Actor, organisation: Uuid) -> bool {
    actor.is(Role::Admin) || actor.is_member_of_any(&[organisation])
}

/// Create, edit or delete a strategy's impact indicators.
pub fn can_manage_indicators(actor: &Actor) -> bool {
    actor.is(Role::Admin)
}

/// Record or correct an indicator's values: the owning organisation owns
/// its figures.
pub fn can_record_indicator(actor: &Actor, owner_organisation: Uuid) -> bool {
    actor.is(Role::Admin) || actor.is_member_of_any(&[owner_organisation])
}

/// Close a reporting period.
pub fn can_close_period(actor: &Actor) -> bool {
    actor.is(Role::Admin) || actor.is(Role::Chair)
}

/// Manage user accounts and system tokens.
pub fn can_manage_users(actor: &Actor) -> bool {
    actor.is(Role::Admin)
}

/// Erase the name and email of the holder of `account` (UK GDPR, right to
/// erasure). Never one's own: another administrator must, so no one can
/// erase the last trace of what they did themselves.
pub fn can_erase_user(actor: &Actor, account: Uuid) -> bool {
    actor.is(Role::Admin) && actor.user_id() != Some(account)
}

/// Raise a priority for the board: the young people's council (through
/// the adults who support it), or an administrator recording one on its
/// behalf. `speaks_for_young_people` says whether the actor's own
/// organisation is of kind `young_peoples_voice`.
pub fn can_raise_priority(actor: &Actor, speaks_for_young_people: bool) -> bool {
    actor.is(Role::Admin) || (actor.is(Role::Member) && speaks_for_young_people)
}

/// Answer a priority: accept, decline, start or finish it.
pub fn can_answer_priority(actor: &Actor) -> bool {
    actor.is(Role::Admin) || actor.is(Role::Chair)
}

/// Write an achievement, or edit one: administrators and the chair for
/// any; a board member when their organisation leads or supports one of
/// the actions that produced it, and, for one already written, when it is
/// their organisation's (`author` is the organisation that wrote it;
/// `None` for a new one).
pub fn can_write_achievement(
    actor: &Actor,
    author: Option<Uuid>,
    leads_or_supports: &[Uuid],
) -> bool {
    if actor.is(Role::Admin) || actor.is(Role::Chair) {
        return true;
    }
    let theirs = match author {
        Some(author) => actor.is_member_of_any(&[author]),
        None => true,
    };
    theirs && actor.is_member_of_any(leads_or_supports)
}

/// Approve an achievement for reports, or return it with a comment.
pub fn can_approve_achievement(actor: &Actor) -> bool {
    actor.is(Role::Admin) || actor.is(Role::Chair)
}

/// Read an achievement that is not approved yet (a draft, or one returned):
/// the organisation that wrote it, the chair and administrators. Everyone
/// who reads the plan reads approved ones.
pub fn can_read_draft_achievement(actor: &Actor, author: Uuid) -> bool {
    actor.is(Role::Admin) || actor.is(Role::Chair) || actor.is_member_of_any(&[author])
}

/// See queued work and retry what failed every attempt.
pub fn can_manage_jobs(actor: &Actor) -> bool {
    actor.is(Role::Admin)
}

/// Read and choose which email notices an account receives: a person's
/// own only (administrators do not choose for others; system tokens have
/// no mail).
pub fn can_choose_mail(actor: &Actor, account: Uuid) -> bool {
    actor.user_id() == Some(account)
}

/// Register, change and remove webhook endpoints, rotate their secrets
/// and read their delivery logs.
pub fn can_manage_webhooks(actor: &Actor) -> bool {
    actor.is(Role::Admin)
}

/// Read the audit log.
pub fn can_read_audit(actor: &Actor) -> bool {
    actor.is(Role::Admin) || actor.is(Role::Chair)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The columns of the design's permission table.
    #[derive(Debug, Clone, Copy)]
    enum Column {
        Admin,
        Chair,
        MemberOwn,
        MemberOther,
        Viewer,
        System,
    }

    const COLUMNS: [Column; 6] = [
        Column::Admin,
        Column::Chair,
        Column::MemberOwn,
        Column::MemberOther,
        Column::Viewer,
        Column::System,
    ];

    fn own_org() -> Uuid {
        Uuid::from_u128(1)
    }

    fn actor(column: Column) -> Actor {
        let user = |role, organisation_id| Actor::User {
            id: Uuid::from_u128(99),
            role,
            organisation_id,
        };
        match column {
            Column::Admin => user(Role::Admin, Some(Uuid::from_u128(50))),
            Column::Chair => user(Role::Chair, Some(Uuid::from_u128(50))),
            Column::MemberOwn => user(Role::Member, Some(own_org())),
            Column::MemberOther => user(Role::Member, Some(Uuid::from_u128(2))),
            Column::Viewer => user(Role::Viewer, None),
            Column::System => Actor::System {
                token_id: Uuid::from_u128(7),
                strategy_id: None,
            },
        }
    }

    /// Checks one row of the table: `expected` lists the answer for each column
    /// in the order admin, chair, member (own), member (other), viewer, system.
    fn row(capability: &str, check: impl Fn(&Actor) -> bool, expected: [bool; 6]) {
        for (column, want) in COLUMNS.into_iter().zip(expected) {
            assert_eq!(
                check(&actor(column)),
                want,
                "{capability}: {column:?} should {}be allowed",
                if want { "" } else { "not " }
            );
        }
    }

    #[test]
    fn choose_own_mail_notices() {
        let own = Uuid::from_u128(99);
        row(
            "choose own mail",
            |a| can_choose_mail(a, own),
            [true, true, true, true, true, false],
        );
        row(
            "choose another's mail",
            |a| can_choose_mail(a, Uuid::from_u128(98)),
            [false, false, false, false, false, false],
        );
    }

    #[test]
    fn read_plan_updates_pledges_reports() {
        row("read", can_read, [true, true, true, true, true, true]);
    }

    #[test]
    fn create_or_edit_strategy_ambitions_commitments_organisations() {
        row(
            "manage strategy",
            can_manage_strategy,
            [true, false, false, false, false, false],
        );
    }

    #[test]
    fn create_reassign_or_delete_actions() {
        row(
            "manage actions",
            can_manage_actions,
            [true, true, false, false, false, false],
        );
    }

    #[test]
    fn edit_action_details_milestones_and_post_rated_update() {
        row(
            "edit action (lead)",
            |a| can_edit_action(a, own_org()),
            [true, false, true, false, false, false],
        );
    }

    #[test]
    fn post_note_without_rag() {
        row(
            "post note (own org leads)",
            |a| can_post_note(a, own_org(), &[]),
            [true, true, true, false, false, false],
        );
        row(
            "post note (own org supports)",
            |a| can_post_note(a, Uuid::from_u128(3), &[own_org()]),
            [true, true, true, false, false, false],
        );
    }

    #[test]
    fn write_pledge() {
        row(
            "write pledge",
            |a| can_write_pledge(a, own_org()),
            [true, false, true, false, false, false],
        );
    }

    #[test]
    fn create_edit_or_delete_indicators() {
        row(
            "manage indicators",
            can_manage_indicators,
            [true, false, false, false, false, false],
        );
    }

    #[test]
    fn record_indicator_values() {
        row(
            "record indicator value",
            |a| can_record_indicator(a, own_org()),
            [true, false, true, false, false, false],
        );
    }

    #[test]
    fn close_reporting_period() {
        row(
            "close period",
            can_close_period,
            [true, true, false, false, false, false],
        );
    }

    #[test]
    fn users_and_tokens() {
        row(
            "manage users and tokens",
            can_manage_users,
            [true, false, false, false, false, false],
        );
    }

    #[test]
    fn erase_a_users_personal_data() {
        row(
            "erase a user",
            |a| can_erase_user(a, Uuid::from_u128(1234)),
            [true, false, false, false, false, false],
        );
        let admin = actor(Column::Admin);
        let own = admin.user_id().expect("a person");
        assert!(
            !can_erase_user(&admin, own),
            "an administrator cannot erase their own account"
        );
    }

    #[test]
    fn raise_a_priority() {
        // "Own organisation" here is the young people's council.
        row(
            "raise a priority",
            |a| can_raise_priority(a, a.organisation_id() == Some(own_org())),
            [true, false, true, false, false, false],
        );
        let chair = actor(Column::Chair);
        assert!(
            !can_raise_priority(&chair, true),
            "the chair answers priorities; the young people raise them"
        );
        let viewer = actor(Column::Viewer);
        assert!(!can_raise_priority(&viewer, true));
    }

    #[test]
    fn answer_a_priority() {
        row(
            "answer a priority",
            can_answer_priority,
            [true, true, false, false, false, false],
        );
    }

    #[test]
    fn write_an_achievement() {
        // "Own organisation" leads or supports one of its actions.
        row(
            "write a new achievement",
            |a| can_write_achievement(a, None, &[own_org(), Uuid::from_u128(3)]),
            [true, true, true, false, false, false],
        );
        row(
            "edit their organisation's achievement",
            |a| can_write_achievement(a, Some(own_org()), &[own_org()]),
            [true, true, true, false, false, false],
        );
        let own = actor(Column::MemberOwn);
        assert!(
            !can_write_achievement(&own, Some(Uuid::from_u128(2)), &[own_org()]),
            "a member edits only what their organisation wrote"
        );
        assert!(
            !can_write_achievement(&own, None, &[Uuid::from_u128(2)]),
            "a member writes only for actions their organisation leads or supports"
        );
    }

    #[test]
    fn approve_an_achievement() {
        row(
            "approve an achievement",
            can_approve_achievement,
            [true, true, false, false, false, false],
        );
    }

    #[test]
    fn read_a_draft_achievement() {
        row(
            "read a draft achievement",
            |a| can_read_draft_achievement(a, own_org()),
            [true, true, true, false, false, false],
        );
    }

    #[test]
    fn see_and_retry_queued_work() {
        row(
            "dead jobs",
            can_manage_jobs,
            [true, false, false, false, false, false],
        );
    }

    #[test]
    fn manage_webhooks() {
        row(
            "webhooks",
            can_manage_webhooks,
            [true, false, false, false, false, false],
        );
    }

    #[test]
    fn read_audit_log() {
        row(
            "read audit log",
            can_read_audit,
            [true, true, false, false, false, false],
        );
    }

    #[test]
    fn read_change_feed() {
        row(
            "read change feed",
            can_read_changes,
            [true, true, false, false, false, true],
        );
        let limited = Actor::System {
            token_id: Uuid::from_u128(7),
            strategy_id: Some(Uuid::from_u128(8)),
        };
        assert!(!can_read_changes(&limited));
    }

    #[test]
    fn a_token_limited_to_one_strategy_reads_only_that_one() {
        let strategy = Uuid::from_u128(8);
        let limited = Actor::System {
            token_id: Uuid::from_u128(7),
            strategy_id: Some(strategy),
        };
        assert!(can_read_strategy(&limited, strategy));
        assert!(!can_read_strategy(&limited, Uuid::from_u128(9)));
        assert_eq!(strategy_scope(&limited), Some(strategy));
        for column in COLUMNS {
            assert!(can_read_strategy(&actor(column), strategy));
        }
    }

    #[test]
    fn a_member_without_an_organisation_owns_nothing() {
        let orphan = Actor::User {
            id: Uuid::from_u128(5),
            role: Role::Member,
            organisation_id: None,
        };
        assert!(!can_edit_action(&orphan, own_org()));
        assert!(!can_write_pledge(&orphan, own_org()));
        assert!(!can_record_indicator(&orphan, own_org()));
        assert!(!can_post_note(&orphan, own_org(), &[own_org()]));
    }
}
