//! What a caller may do with each kind of record, as the API advertises it
//! in `allowed_actions`: computed from the permission table's functions, so
//! what a client is offered is what the server accepts.

use uuid::Uuid;

use super::enums::{AchievementStatus, PriorityStatus, StrategyStatus};
use super::permissions::{self, Actor};
use super::priorities;

text_enum! {
    /// Something a caller may do with a record.
    pub enum AllowedAction {
        /// Change the record (`PATCH`, or `PUT` for a pledge).
        Update => "update",
        /// Delete the record.
        Delete => "delete",
        /// Post a progress update that rates an action.
        PostUpdate => "post_update",
        /// Post a progress note (or, from the chair, a challenge) on an action.
        PostNote => "post_note",
        /// Add a milestone to an action.
        CreateMilestone => "create_milestone",
        /// Change an action's reference, lead or supporting organisations.
        Reassign => "reassign",
        /// Take an action out of the live plan, keeping its history.
        Archive => "archive",
        /// Bring an archived action back into the live plan.
        Unarchive => "unarchive",
        /// Record a value of an indicator.
        RecordValue => "record_value",
        /// Close a reporting period.
        Close => "close",
        /// Add an ambition to a strategy.
        CreateAmbition => "create_ambition",
        /// Add a commitment to a strategy.
        CreateCommitment => "create_commitment",
        /// Add a reporting period to a strategy.
        CreatePeriod => "create_period",
        /// Add an action to a strategy's delivery plan.
        CreateAction => "create_action",
        /// Erase a user's name and email (UK GDPR, right to erasure).
        Erase => "erase",
        /// Answer a priority of the young people's council.
        Answer => "answer",
        /// Approve an achievement for reports.
        Approve => "approve",
        /// Return an achievement to its writers with a comment (or
        /// withdraw an approved one from reports).
        Return => "return",
    }
}

use AllowedAction::*;

/// An action of the delivery plan, led by `lead` and supported by
/// `supporting`. An archived action keeps its history as it was: it is
/// only restored or deleted.
pub fn for_action(
    actor: &Actor,
    lead: Uuid,
    supporting: &[Uuid],
    archived: bool,
) -> Vec<AllowedAction> {
    if archived {
        return when(permissions::can_manage_actions(actor), &[Unarchive, Delete]);
    }
    let mut allowed = Vec::new();
    if permissions::can_edit_action(actor, lead) {
        allowed.extend([Update, PostUpdate, CreateMilestone]);
    }
    if permissions::can_post_note(actor, lead, supporting) {
        allowed.push(PostNote);
    }
    if permissions::can_manage_actions(actor) {
        allowed.extend([Reassign, Archive, Delete]);
    }
    allowed
}

/// A milestone of an action led by `lead`, which stays as it was once its
/// action is archived.
pub fn for_milestone(actor: &Actor, lead: Uuid, archived: bool) -> Vec<AllowedAction> {
    when(
        !archived && permissions::can_edit_action(actor, lead),
        &[Update, Delete],
    )
}

/// A strategy in `status`.
pub fn for_strategy(actor: &Actor, status: StrategyStatus) -> Vec<AllowedAction> {
    let mut allowed = Vec::new();
    if permissions::can_manage_strategy(actor) {
        allowed.extend([Update, CreateAmbition, CreateCommitment]);
        if status == StrategyStatus::Draft {
            allowed.push(Delete);
        }
    }
    if permissions::can_close_period(actor) {
        allowed.push(CreatePeriod);
    }
    if permissions::can_manage_actions(actor) {
        allowed.push(CreateAction);
    }
    allowed
}

/// An ambition, a commitment or an organisation: the strategy's framework.
pub fn for_framework(actor: &Actor) -> Vec<AllowedAction> {
    when(permissions::can_manage_strategy(actor), &[Update, Delete])
}

/// A webhook endpoint (only administrators see one).
pub fn for_webhook(actor: &Actor) -> Vec<AllowedAction> {
    when(permissions::can_manage_webhooks(actor), &[Update, Delete])
}

/// A reporting period, open or closed.
pub fn for_period(actor: &Actor, open: bool) -> Vec<AllowedAction> {
    when(
        open && permissions::can_close_period(actor),
        &[Update, Close],
    )
}

/// The pledge of `organisation`.
pub fn for_pledge(actor: &Actor, organisation: Uuid) -> Vec<AllowedAction> {
    when(
        permissions::can_write_pledge(actor, organisation),
        &[Update],
    )
}

/// An indicator whose values `owner` records.
pub fn for_indicator(actor: &Actor, owner: Uuid) -> Vec<AllowedAction> {
    let mut allowed = when(permissions::can_manage_indicators(actor), &[Update, Delete]);
    if permissions::can_record_indicator(actor, owner) {
        allowed.push(RecordValue);
    }
    allowed
}

/// A value of an indicator whose values `owner` records.
pub fn for_indicator_value(actor: &Actor, owner: Uuid) -> Vec<AllowedAction> {
    when(permissions::can_record_indicator(actor, owner), &[Update])
}

/// The user account `account`; an erased one offers nothing, since it can
/// no longer change.
pub fn for_user(actor: &Actor, account: Uuid, erased: bool) -> Vec<AllowedAction> {
    let mut allowed = Vec::new();
    if erased {
        return allowed;
    }
    if permissions::can_manage_users(actor) {
        allowed.push(Update);
    }
    if permissions::can_erase_user(actor, account) {
        allowed.push(Erase);
    }
    allowed
}

/// A priority of the young people's council: answered while it can still
/// move on.
pub fn for_priority(actor: &Actor, status: PriorityStatus) -> Vec<AllowedAction> {
    when(
        permissions::can_answer_priority(actor) && !priorities::next_statuses(status).is_empty(),
        &[Answer],
    )
}

/// An achievement written by `author`, produced by actions that
/// `owners` lead or support.
pub fn for_achievement(
    actor: &Actor,
    author: Uuid,
    owners: &[Uuid],
    status: AchievementStatus,
) -> Vec<AllowedAction> {
    let mut allowed = Vec::new();
    if permissions::can_write_achievement(actor, Some(author), owners) {
        allowed.extend([Update, Delete]);
    }
    if permissions::can_approve_achievement(actor) {
        if status != AchievementStatus::Approved {
            allowed.push(Approve);
        }
        if super::achievements::can_return(status) {
            allowed.push(Return);
        }
    }
    allowed
}

fn when(allowed: bool, actions: &[AllowedAction]) -> Vec<AllowedAction> {
    if allowed {
        actions.to_vec()
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    fn user(role: Role, organisation_id: Option<Uuid>) -> Actor {
        Actor::User {
            id: Uuid::now_v7(),
            role,
            organisation_id,
        }
    }

    #[test]
    fn an_action_offers_its_lead_the_rating_and_the_chair_the_challenge() {
        let (lead, supporter) = (Uuid::now_v7(), Uuid::now_v7());
        let admin = user(Role::Admin, None);
        let chair = user(Role::Chair, Some(lead));
        let member = user(Role::Member, Some(lead));
        let supporting = user(Role::Member, Some(supporter));
        let viewer = user(Role::Viewer, None);
        let supporters = [supporter];
        assert_eq!(
            for_action(&admin, lead, &supporters, false),
            [
                Update,
                PostUpdate,
                CreateMilestone,
                PostNote,
                Reassign,
                Archive,
                Delete
            ]
        );
        assert_eq!(
            for_action(&chair, lead, &supporters, false),
            [PostNote, Reassign, Archive, Delete]
        );
        assert_eq!(
            for_action(&member, lead, &supporters, false),
            [Update, PostUpdate, CreateMilestone, PostNote]
        );
        assert_eq!(
            for_action(&supporting, lead, &supporters, false),
            [PostNote]
        );
        assert!(for_action(&viewer, lead, &supporters, false).is_empty());
    }

    #[test]
    fn an_archived_action_is_only_restored_or_deleted() {
        let lead = Uuid::now_v7();
        let member = user(Role::Member, Some(lead));
        for manager in [user(Role::Admin, None), user(Role::Chair, None)] {
            assert_eq!(for_action(&manager, lead, &[], true), [Unarchive, Delete]);
        }
        assert!(for_action(&member, lead, &[], true).is_empty());
        assert_eq!(for_milestone(&member, lead, false), [Update, Delete]);
        assert!(for_milestone(&member, lead, true).is_empty());
    }

    #[test]
    fn only_a_draft_strategy_offers_deletion_and_only_an_open_period_closing() {
        let admin = user(Role::Admin, None);
        assert!(for_strategy(&admin, StrategyStatus::Draft).contains(&Delete));
        assert!(
            for_strategy(&user(Role::Chair, None), StrategyStatus::Active).contains(&CreateAction)
        );
        assert!(for_strategy(&user(Role::Member, None), StrategyStatus::Active).is_empty());
        assert!(!for_strategy(&admin, StrategyStatus::Active).contains(&Delete));
        assert_eq!(for_period(&admin, true), [Update, Close]);
        assert!(for_period(&admin, false).is_empty());
        assert!(for_period(&user(Role::Member, None), true).is_empty());
    }

    #[test]
    fn values_are_offered_to_the_owner_and_definitions_to_administrators() {
        let owner = Uuid::now_v7();
        let member = user(Role::Member, Some(owner));
        assert_eq!(for_indicator(&member, owner), [RecordValue]);
        assert_eq!(for_indicator_value(&member, owner), [Update]);
        assert_eq!(
            for_indicator(&user(Role::Admin, None), owner),
            [Update, Delete, RecordValue]
        );
        assert!(for_indicator(&user(Role::Chair, None), owner).is_empty());
    }

    #[test]
    fn administrators_are_offered_erasure_of_others_not_yet_erased() {
        let admin = user(Role::Admin, None);
        let other = Uuid::now_v7();
        assert_eq!(for_user(&admin, other, false), [Update, Erase]);
        assert!(for_user(&admin, other, true).is_empty());
        let own = admin.user_id().unwrap();
        assert_eq!(for_user(&admin, own, false), [Update]);
        assert!(for_user(&user(Role::Chair, None), other, false).is_empty());
    }

    #[test]
    fn values_travel_as_snake_case() {
        assert_eq!(
            serde_json::to_value([PostUpdate, CreateMilestone]).unwrap(),
            serde_json::json!(["post_update", "create_milestone"])
        );
    }
}
