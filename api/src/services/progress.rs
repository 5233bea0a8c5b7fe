//! Progress updates: reports on an action, append-only. A rated update sets
//! the action's current RAG in the same transaction.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel_async::AsyncConnection;
use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::actions::live::ensure_live;
use super::actions::snapshot::{Snapshot, statement_ids};
use super::audit::created;
use super::context::{Ctx, authorize, missing, visible};
use super::input::{trimmed, validate};
use super::locked::{self, Target, Written};
use super::mail;
use crate::concurrency::Precondition;
use crate::db::actions::{self, Action, ActionChanges};
use crate::db::organisations::{self, OrganisationRef};
use crate::db::progress_updates::{self as store, ProgressUpdate};
use crate::db::users::{self, UserRef};
use crate::db::{Conn, Pool, periods};
use crate::domain::delivery::{UpdateRefusal, UpdateText, classify_update};
use crate::domain::validation::{TEXT_MAX, printable};
use crate::domain::{Actor, Entity, Rag, UpdateKind, permissions};
use crate::error::AppError;
use crate::paging::{Page, PageParams};

/// A report on an action, with its author and their organisation by name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UpdateView {
    pub(crate) id: Uuid,
    pub(crate) action_id: Uuid,
    pub(crate) kind: UpdateKind,
    /// The rating this update gave the action; absent for notes and challenges.
    pub(crate) rag: Option<Rag>,
    /// What is wrong and what is being done (required for red and amber).
    pub(crate) commentary: String,
    /// What was done.
    pub(crate) progress: String,
    pub(crate) impact: String,
    pub(crate) next_steps: String,
    pub(crate) risks: String,
    pub(crate) author: UserRef,
    /// The author's organisation when they wrote it.
    pub(crate) organisation: Option<OrganisationRef>,
    pub(crate) created_at: DateTime<Utc>,
}

/// A new progress update. With a `rag` it rates the action (lead
/// organisation only); without, it is a note (lead or supporting
/// organisations) or, from the chair, a challenge.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"rag": "amber", "commentary": "Training delayed by staff shortages.", "progress": "Two of four sessions delivered.", "impact": "45 officers trained.", "next_steps": "Remaining sessions booked for March.", "risks": "Further vacancies."}))]
pub struct CreateUpdate {
    #[garde(skip)]
    pub(crate) rag: Option<Rag>,
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    pub(crate) commentary: Option<String>,
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    pub(crate) progress: Option<String>,
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    pub(crate) impact: Option<String>,
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    pub(crate) next_steps: Option<String>,
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    pub(crate) risks: Option<String>,
}

/// Which updates of an action a list holds.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UpdateQuery {
    /// Only updates of this kind.
    pub(crate) kind: Option<UpdateKind>,
}

/// Builds views for updates, naming authors and organisations with one
/// query each.
pub(crate) async fn views(
    conn: &mut Conn,
    rows: Vec<ProgressUpdate>,
) -> Result<Vec<UpdateView>, AppError> {
    let author_ids: Vec<Uuid> = rows.iter().map(|u| u.author_id).collect();
    let org_ids: Vec<Uuid> = rows.iter().filter_map(|u| u.organisation_id).collect();
    let authors = users::refs(conn, &author_ids).await?;
    let orgs = organisations::refs(conn, &org_ids).await?;
    Ok(rows.into_iter().map(|u| view(u, &authors, &orgs)).collect())
}

fn view(
    u: ProgressUpdate,
    authors: &HashMap<Uuid, UserRef>,
    orgs: &HashMap<Uuid, OrganisationRef>,
) -> UpdateView {
    let author = authors.get(&u.author_id).cloned().unwrap_or(UserRef {
        id: u.author_id,
        name: String::new(),
    });
    UpdateView {
        id: u.id,
        action_id: u.action_id,
        kind: u.kind,
        rag: u.rag,
        commentary: u.commentary,
        progress: u.progress,
        impact: u.impact,
        next_steps: u.next_steps,
        risks: u.risks,
        author,
        organisation: u.organisation_id.and_then(|id| orgs.get(&id).cloned()),
        created_at: u.created_at,
    }
}

/// A page of an action's updates, newest first.
pub async fn list(
    pool: &Pool,
    ctx: &Ctx,
    action_id: Uuid,
    query: UpdateQuery,
    page: &PageParams,
) -> Result<Page<UpdateView>, AppError> {
    authorize(permissions::can_read(&ctx.actor), "not allowed")?;
    let page = page.request()?;
    let mut conn = pool.get().await?;
    let action = actions::find(&mut conn, action_id)
        .await
        .map_err(missing("action"))?;
    visible(&ctx.actor, action.strategy_id, "action")?;
    let rows = store::list(&mut conn, action_id, query.kind, &page).await?;
    let next = page.page(rows, |u| (u.created_at, u.id), |u| u);
    Ok(Page {
        items: views(&mut conn, next.items).await?,
        next_cursor: next.next_cursor,
    })
}

/// Posts an update, as of the moment it takes its place in the action's
/// history. If the client sent If-Match, it must name the action's current
/// version.
pub async fn post(
    pool: &Pool,
    ctx: &Ctx,
    action_id: Uuid,
    precondition: Precondition,
    input: CreateUpdate,
) -> Result<UpdateView, AppError> {
    let mut conn = pool.get().await?;
    let row = conn
        .transaction(async |conn| post_in(conn, ctx, action_id, precondition, &input).await)
        .await?;
    Ok(views(&mut conn, vec![row]).await?.remove(0))
}

/// The most updates one bulk request may carry.
pub const BULK_MAX: usize = 100;

/// One update of a bulk request: the action, and the update as if posted
/// to it alone.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkItem {
    pub(crate) action_id: Uuid,
    /// The action's version you read (its ETag without quotes): the whole
    /// request is refused with 412 if the action changed since. Optional,
    /// as `If-Match` is for a single update.
    pub(crate) version: Option<i32>,
    /// The update, as it would be posted to the action alone.
    pub(crate) update: CreateUpdate,
}

/// Many updates, stored all together or not at all.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"updates": [{"action_id": "01936b2e-7c1a-7b3e-9f10-2a4c6e8a0b1c", "version": 7, "update": {"rag": "amber", "commentary": "Recruitment of the second worker has slipped a quarter.", "next_steps": "Re-advertise in January."}}, {"action_id": "01936b2e-7c1a-7b3e-9f10-2a4c6e8a0b2d", "update": {"progress": "Protocol signed by all partners."}}]}))]
pub struct BulkUpdates {
    /// 1 to 100 updates, applied in this order.
    pub(crate) updates: Vec<BulkItem>,
}

/// The updates stored, in the order sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkResult {
    pub(crate) items: Vec<UpdateView>,
}

/// Posts many updates in one transaction. Each is checked as if posted
/// alone; if any is refused, none is stored and the error names it.
pub async fn post_many(pool: &Pool, ctx: &Ctx, input: BulkUpdates) -> Result<BulkResult, AppError> {
    if input.updates.is_empty() || input.updates.len() > BULK_MAX {
        return Err(AppError::validation(
            "updates",
            format!("must hold between 1 and {BULK_MAX} updates"),
        ));
    }
    let mut conn = pool.get().await?;
    let rows = conn
        .transaction(async |conn| {
            // Locking every action first, in one order, keeps two bulk
            // requests over the same actions from deadlocking.
            let mut ids: Vec<Uuid> = input.updates.iter().map(|u| u.action_id).collect();
            ids.sort();
            ids.dedup();
            actions::lock(conn, &ids).await?;
            let mut rows = Vec::with_capacity(input.updates.len());
            for (i, item) in input.updates.iter().enumerate() {
                let version = match item.version {
                    Some(version) => Precondition::assume(version),
                    None => Precondition::none(),
                };
                let row = post_in(conn, ctx, item.action_id, version, &item.update)
                    .await
                    .map_err(|e| e.in_item(format!("updates[{i}].update")))?;
                rows.push(row);
            }
            Ok::<_, AppError>(rows)
        })
        .await?;
    Ok(BulkResult {
        items: views(&mut conn, rows).await?,
    })
}

/// Stores one update inside the caller's transaction, under a lock on its
/// action, and sets the action's RAG when the update carries one.
async fn post_in(
    conn: &mut Conn,
    ctx: &Ctx,
    action_id: Uuid,
    precondition: Precondition,
    input: &CreateUpdate,
) -> Result<ProgressUpdate, AppError> {
    let Actor::User {
        id: author_id,
        organisation_id,
        ..
    } = ctx.actor
    else {
        return Err(AppError::Forbidden("system tokens are read-only".into()));
    };
    let texts = Texts::of(input);
    let classify = |action: &Action, supporting: &[Uuid]| {
        let lead = action.lead_organisation_id;
        classify_update(&ctx.actor, lead, supporting, input.rag, &texts.words()).map_err(
            |refusal| match refusal {
                UpdateRefusal::Forbidden(message) => AppError::Forbidden(message.into()),
                UpdateRefusal::Invalid(errors) => AppError::Validation(errors),
            },
        )
    };
    locked::change(
        conn,
        ctx,
        Target::new(Entity::Action, action_id),
        // Locking the action orders concurrent reports on it, so its
        // current RAG is always that of its newest rated update.
        async |conn| lock(conn, action_id).await,
        async |_, (action, supporting)| {
            classify(action, supporting)?;
            ensure_live(action.archived_at)?;
            // Checked after the permission, so a caller who may not post
            // learns nothing about the action's version.
            let expected = precondition.optional()?;
            validate(input)?;
            Ok(expected)
        },
        async |conn, (action, supporting)| {
            // The same checks as admitted it, now for the kind they give.
            let kind = classify(&action, &supporting)?;
            // Stamped after the lock, so that history order is commit order.
            let at = ctx.stamp(conn).await?;
            // The period an update falls in is the one whose days, where
            // the board is, include the day it was posted.
            let day = ctx.clock.local_date(at);
            let period = periods::current(conn, action.strategy_id, day).await?;
            let update = ProgressUpdate {
                id: Uuid::now_v7(),
                action_id,
                author_id,
                organisation_id,
                period_id: period.map(|p| p.id),
                kind,
                rag: input.rag,
                commentary: texts.commentary.clone(),
                progress: texts.progress.clone(),
                impact: texts.impact.clone(),
                next_steps: texts.next_steps.clone(),
                risks: texts.risks.clone(),
                created_at: at,
            };
            store::insert(conn, &update).await?;
            created(conn, ctx, Entity::ProgressUpdate, update.id, &update).await?;
            if kind == UpdateKind::Challenge {
                mail::notices::challenged(conn, ctx, &action, &update).await?;
                return Ok(Written::Unchanged(update));
            }
            report_on(conn, action, supporting, update).await
        },
    )
    .await
}

/// What a report does to its action: a rating becomes the action's, and
/// the action was reported on when the report was made.
async fn report_on(
    conn: &mut Conn,
    action: Action,
    supporting: Vec<Uuid>,
    update: ProgressUpdate,
) -> Result<Written<Snapshot, ProgressUpdate>, AppError> {
    let at = update.created_at;
    let changes = ActionChanges {
        rag: update.rag,
        rag_since: update
            .rag
            .filter(|rag| *rag != action.rag)
            .map(|_| Some(at)),
        last_reported_at: Some(Some(at.max(action.last_reported_at.unwrap_or(at)))),
        ..Default::default()
    };
    let after = actions::update(conn, action.id, &changes).await?;
    // A report changes neither supporters nor links: read them once.
    let links = statement_ids(conn, action.id).await?;
    Ok(Written::Changed {
        before: Snapshot::of(action, supporting.clone(), links.clone()),
        after: Snapshot::of(after, supporting, links),
        answer: update,
    })
}

/// Locks an action, with the ids of its supporting organisations.
async fn lock(conn: &mut Conn, id: Uuid) -> diesel::QueryResult<(Action, Vec<Uuid>)> {
    let action = actions::find_for_update(conn, id).await?;
    let supporting = actions::supporters(conn, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default()
        .into_iter()
        .map(|o| o.id)
        .collect();
    Ok((action, supporting))
}

/// The words of an update, trimmed.
struct Texts {
    commentary: String,
    progress: String,
    impact: String,
    next_steps: String,
    risks: String,
}

impl Texts {
    fn of(input: &CreateUpdate) -> Texts {
        let text = |field: &Option<String>| field.as_deref().map(trimmed).unwrap_or_default();
        Texts {
            commentary: text(&input.commentary),
            progress: text(&input.progress),
            impact: text(&input.impact),
            next_steps: text(&input.next_steps),
            risks: text(&input.risks),
        }
    }

    fn words(&self) -> UpdateText<'_> {
        UpdateText {
            commentary: &self.commentary,
            progress: &self.progress,
            impact: &self.impact,
            next_steps: &self.next_steps,
            risks: &self.risks,
        }
    }
}
