//! Achievements: what the partnership achieved and what it meant for young
//! people, with figures and voices. Board members write them for the
//! actions their organisation leads or supports; the chair approves them
//! for reports or returns them with a comment. Drafts are seen only by
//! their organisation, the chair and administrators.

mod checks;
mod requests;
mod view;

use std::sync::Mutex;

use chrono::NaiveDate;
use diesel_async::AsyncConnection;
use uuid::Uuid;

use self::checks::{Checked, author, check, voice_facts};
pub use self::requests::{
    AchievementQuery, FigureInput, ReviewAchievement, VoiceInput, WriteAchievement,
};
pub use self::view::{AchievementAction, AchievementView, FigureView, VoiceView};
use self::view::{view, views};
use super::audit::created;
use super::context::{Ctx, authorize, missing, scoped, visible};
use super::input::{trimmed, valid, validate, values};
use super::locked::{Target, Written, change};
use crate::concurrency::Precondition;
use crate::db::achievements::{
    self as store, Achievement, AchievementChanges, AchievementFilter, AchievementRecord, Review,
    Unapproved,
};
use crate::db::{Conn, Pool, strategies};
use crate::domain::achievements::{self as rules, ApprovalRefusal};
use crate::domain::{AchievementStatus, Actor, Entity, Role, StrategyStatus, permissions};
use crate::error::AppError;
use crate::paging::{Page, PageParams};

const ENTITY: Entity = Entity::Achievement;

const FORBIDDEN_WRITE: &str = "board members write achievements for actions their organisation leads or supports, and change their own organisation's";

/// Whose unapproved achievements `actor` may list.
fn unapproved_for(actor: &Actor) -> Unapproved {
    if permissions::can_approve_achievement(actor) {
        Unapproved::All
    } else if actor.role() == Some(Role::Member) {
        actor
            .organisation_id()
            .map_or(Unapproved::None, Unapproved::Of)
    } else {
        Unapproved::None
    }
}

/// A page of the achievements the caller may read.
pub async fn list(
    pool: &Pool,
    ctx: &Ctx,
    query: AchievementQuery,
    page: &PageParams,
) -> Result<Page<AchievementView>, AppError> {
    let page = page.request()?;
    let filter = AchievementFilter {
        strategy_id: scoped(&ctx.actor, query.strategy_id)?,
        organisation_id: query.organisation_id,
        statuses: values(query.status.as_deref(), "status")?,
        tag: query
            .tag
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned),
        unapproved: unapproved_for(&ctx.actor),
    };
    let mut conn = pool.get().await?;
    let rows = store::list(&mut conn, &filter, &page).await?;
    let next = page.page(rows, |a| a.id, |a| a);
    Ok(Page {
        items: views(&mut conn, next.items, ctx).await?,
        next_cursor: next.next_cursor,
    })
}

/// Fails with 404, as if it did not exist, unless the caller may read it.
fn readable(actor: &Actor, row: &Achievement) -> Result<(), AppError> {
    visible(actor, row.strategy_id, "achievement")?;
    if rules::visible_to(actor, row.status, row.organisation_id) {
        Ok(())
    } else {
        Err(AppError::NotFound("no such achievement".into()))
    }
}

/// One achievement.
pub async fn get(pool: &Pool, ctx: &Ctx, id: Uuid) -> Result<AchievementView, AppError> {
    let mut conn = pool.get().await?;
    let row = store::find(&mut conn, id)
        .await
        .map_err(missing("achievement"))?;
    readable(&ctx.actor, &row)?;
    view(&mut conn, row, ctx).await
}

/// The approved achievements of a strategy achieved from `from` to `to`
/// (with `tag`, when given), for reports: in the order they were achieved.
pub async fn approved(
    conn: &mut Conn,
    ctx: &Ctx,
    strategy_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    tag: Option<&str>,
) -> Result<Vec<AchievementView>, AppError> {
    let mut rows = store::approved_between(conn, strategy_id, from, to).await?;
    if let Some(tag) = tag {
        rows.retain(|a| rules::tagged(&a.tags, tag));
    }
    views(conn, rows, ctx).await
}

/// Writes an achievement as a draft, whoever writes it: approval is a step
/// of its own, so the record shows who approved it and when.
pub async fn create(
    pool: &Pool,
    ctx: &Ctx,
    input: WriteAchievement,
) -> Result<AchievementView, AppError> {
    validate(&input)?;
    let strategy_id = input.strategy_id.ok_or_else(|| {
        AppError::validation("strategy_id", "is needed: the strategy it belongs to")
    })?;
    visible(&ctx.actor, strategy_id, "strategy")?;
    let mut conn = pool.get().await?;
    let row = conn
        .transaction(async |conn| {
            let strategy = strategies::find(conn, strategy_id)
                .await
                .map_err(missing("strategy"))?;
            if strategy.status == StrategyStatus::Archived {
                return Err(AppError::Conflict(
                    "this strategy is archived: it takes no new achievements".into(),
                ));
            }
            let id = Uuid::now_v7();
            let (checked, errors) = check(conn, ctx.clock.today(), strategy_id, id, &input).await?;
            authorize(
                permissions::can_write_achievement(&ctx.actor, None, &checked.owners),
                FORBIDDEN_WRITE,
            )?;
            valid(errors)?;
            let organisation_id = author(
                conn,
                &ctx.actor,
                input.organisation_id,
                input.action_ids.first().copied(),
            )
            .await?;
            let at = ctx.stamp(conn).await?;
            let new = Achievement {
                id,
                strategy_id,
                organisation_id,
                title: trimmed(&input.title),
                achieved: trimmed(&input.achieved),
                meant: trimmed(&input.meant),
                achieved_on: input.achieved_on,
                tags: checked.tags.clone(),
                status: AchievementStatus::Draft,
                review_comment: None,
                reviewed_by: None,
                reviewed_at: None,
                created_by: ctx.actor.user_id(),
                version: 1,
                created_at: at,
                updated_at: at,
            };
            let row = store::insert(conn, &new).await?;
            let record = store_links(conn, row, &checked).await?;
            created(conn, ctx, ENTITY, id, &record).await?;
            Ok::<_, AppError>(record.achievement)
        })
        .await?;
    view(&mut conn, row, ctx).await
}

/// Stores what an achievement links to and holds, and reads it back whole.
async fn store_links(
    conn: &mut Conn,
    row: Achievement,
    checked: &Checked,
) -> Result<AchievementRecord, AppError> {
    store::set_statements(conn, row.id, &checked.statement_ids).await?;
    store::set_actions(conn, row.id, &checked.action_ids).await?;
    store::set_figures(conn, row.id, &checked.figures).await?;
    store::set_voices(conn, row.id, &checked.voices).await?;
    Ok(store::record(conn, row).await?)
}

/// Changes an achievement, sent whole. Needs the version read (If-Match).
/// A change by anyone who may not approve it makes it a draft again.
pub async fn update(
    pool: &Pool,
    ctx: &Ctx,
    id: Uuid,
    precondition: Precondition,
    input: WriteAchievement,
) -> Result<AchievementView, AppError> {
    validate(&input)?;
    let expected = precondition.version()?;
    let mut conn = pool.get().await?;
    let row = conn
        .transaction(async |conn| {
            let checked = Mutex::new(None);
            change(
                conn,
                ctx,
                Target::new(ENTITY, id),
                async |conn| store::find_for_update(conn, id).await,
                async |conn, before: &Achievement| {
                    readable(&ctx.actor, before)?;
                    if input.strategy_id.is_some_and(|s| s != before.strategy_id) {
                        return Err(AppError::validation(
                            "strategy_id",
                            "an achievement stays with its strategy",
                        ));
                    }
                    if input
                        .organisation_id
                        .is_some_and(|o| o != before.organisation_id)
                    {
                        return Err(AppError::validation(
                            "organisation_id",
                            "an achievement stays with the organisation that wrote it",
                        ));
                    }
                    let (found, errors) =
                        check(conn, ctx.clock.today(), before.strategy_id, id, &input).await?;
                    authorize(
                        permissions::can_write_achievement(
                            &ctx.actor,
                            Some(before.organisation_id),
                            &found.owners,
                        ),
                        FORBIDDEN_WRITE,
                    )?;
                    valid(errors)?;
                    *checked.lock().expect("not poisoned") = Some(found);
                    Ok(Some(expected))
                },
                async |conn, before| {
                    let checked = checked
                        .lock()
                        .expect("not poisoned")
                        .take()
                        .expect("admitted before written");
                    write_update(conn, ctx, before, &input, &checked).await
                },
            )
            .await
        })
        .await?;
    view(&mut conn, row, ctx).await
}

async fn write_update(
    conn: &mut Conn,
    ctx: &Ctx,
    before: Achievement,
    input: &WriteAchievement,
    checked: &Checked,
) -> Result<Written<AchievementRecord, Achievement>, AppError> {
    let at = ctx.stamp(conn).await?;
    let before = store::record(conn, before).await?;
    let changes = AchievementChanges {
        title: trimmed(&input.title),
        achieved: trimmed(&input.achieved),
        meant: trimmed(&input.meant),
        achieved_on: input.achieved_on,
        tags: checked.tags.clone(),
        status: rules::status_after_edit(
            before.achievement.status,
            permissions::can_approve_achievement(&ctx.actor),
        ),
    };
    let row = store::update(conn, before.achievement.id, &changes, at).await?;
    let after = store_links(conn, row, checked).await?;
    Ok(Written::Changed {
        answer: after.achievement.clone(),
        before,
        after,
    })
}

/// The chair approves an achievement for reports: every voice must have
/// consent to publish recorded. Needs the version read (If-Match).
pub async fn approve(
    pool: &Pool,
    ctx: &Ctx,
    id: Uuid,
    precondition: Precondition,
    input: ReviewAchievement,
) -> Result<AchievementView, AppError> {
    decide(
        pool,
        ctx,
        id,
        precondition,
        input,
        AchievementStatus::Approved,
    )
    .await
}

/// The chair returns an achievement to its writers with a comment saying
/// what to change (an approved one leaves reports). Needs the version
/// read (If-Match).
pub async fn send_back(
    pool: &Pool,
    ctx: &Ctx,
    id: Uuid,
    precondition: Precondition,
    input: ReviewAchievement,
) -> Result<AchievementView, AppError> {
    decide(
        pool,
        ctx,
        id,
        precondition,
        input,
        AchievementStatus::Returned,
    )
    .await
}

async fn decide(
    pool: &Pool,
    ctx: &Ctx,
    id: Uuid,
    precondition: Precondition,
    input: ReviewAchievement,
    status: AchievementStatus,
) -> Result<AchievementView, AppError> {
    authorize(
        permissions::can_approve_achievement(&ctx.actor),
        "only the chair and administrators approve or return achievements",
    )?;
    validate(&input)?;
    let comment = input
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned);
    if status == AchievementStatus::Returned && comment.is_none() {
        return Err(AppError::validation(
            "comment",
            "is needed: tell the writers what to change",
        ));
    }
    let expected = precondition.version()?;
    let mut conn = pool.get().await?;
    let row = conn
        .transaction(async |conn| {
            Target::new(ENTITY, id)
                .admitted(ctx, Some(expected))
                .write(conn, store::find_for_update, async |conn, before| {
                    readable(&ctx.actor, &before)?;
                    let before = store::record(conn, before).await?;
                    admit_decision(&before, status)?;
                    let at = ctx.stamp(conn).await?;
                    let review = Review {
                        status,
                        comment: comment.as_deref(),
                        by: ctx.actor.user_id(),
                        at,
                    };
                    let row = store::review(conn, id, &review).await?;
                    let after = store::record(conn, row).await?;
                    Ok(Written::Changed {
                        answer: after.achievement.clone(),
                        before,
                        after,
                    })
                })
                .await
        })
        .await?;
    view(&mut conn, row, ctx).await
}

fn admit_decision(before: &AchievementRecord, status: AchievementStatus) -> Result<(), AppError> {
    let current = before.achievement.status;
    if status == AchievementStatus::Returned {
        return if rules::can_return(current) {
            Ok(())
        } else {
            Err(AppError::Conflict(
                "this achievement is returned already: it waits for its writers".into(),
            ))
        };
    }
    match rules::approval_problems(current, &voice_facts(&before.voices)) {
        Ok(()) => Ok(()),
        Err(ApprovalRefusal::Already) => Err(AppError::Conflict(
            "this achievement is approved already".into(),
        )),
        Err(ApprovalRefusal::NoConsent(errors)) => Err(AppError::Validation(errors)),
    }
}

/// Deletes an achievement: its writers while it is not approved; the chair
/// and administrators at any time. Needs the version read (If-Match).
pub async fn delete(
    pool: &Pool,
    ctx: &Ctx,
    id: Uuid,
    precondition: Precondition,
) -> Result<(), AppError> {
    let expected = precondition.version()?;
    let mut conn = pool.get().await?;
    conn.transaction(async |conn| {
        change(
            conn,
            ctx,
            Target::new(ENTITY, id),
            async |conn| store::find_for_update(conn, id).await,
            async |conn, before: &Achievement| {
                readable(&ctx.actor, before)?;
                let action_ids = store_action_ids(conn, id).await?;
                let owners: Vec<Uuid> = store::action_owners(conn, &action_ids)
                    .await?
                    .into_values()
                    .flatten()
                    .collect();
                authorize(
                    permissions::can_write_achievement(
                        &ctx.actor,
                        Some(before.organisation_id),
                        &owners,
                    ),
                    FORBIDDEN_WRITE,
                )?;
                if before.status == AchievementStatus::Approved
                    && !permissions::can_approve_achievement(&ctx.actor)
                {
                    return Err(AppError::Conflict(
                        "this achievement is approved and in reports: ask the chair to return it first".into(),
                    ));
                }
                Ok(Some(expected))
            },
            async |conn, before| {
                let before = store::record(conn, before).await?;
                store::delete(conn, id).await?;
                Ok(Written::Deleted { before, answer: () })
            },
        )
        .await
    })
    .await
}

async fn store_action_ids(conn: &mut Conn, id: Uuid) -> Result<Vec<Uuid>, AppError> {
    Ok(store::action_ids(conn, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default())
}
