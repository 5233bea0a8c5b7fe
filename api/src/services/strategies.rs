//! Strategies and their partner organisations.

use chrono::{DateTime, NaiveDate, Utc};
use diesel_async::AsyncConnection;
use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::audit::created;
use super::context::{Ctx, authorize, missing, visible};
use super::input::{trimmed, valid, validate};
use super::locked::{Target, Written};
use crate::concurrency::Precondition;
use crate::db::Pool;
use crate::db::organisations::{self, OrganisationRef};
use crate::db::strategies::{
    self as store, NewStrategy, Strategy, StrategyChanges, StrategyFilter,
};
use crate::db::{Conn, actions};
use crate::domain::validation::{
    FieldError, TEXT_MAX, TITLE_MAX, not_blank, printable, span_errors,
};
use crate::domain::{
    Actor, AllowedAction, Entity, OrganisationKind, StrategyStatus, allowed, permissions,
};
use crate::error::AppError;
use crate::paging::{MAX_LIMIT, Page, PageParams, PageRequest};

const ENTITY: Entity = Entity::Strategy;
const FORBIDDEN: &str = "only administrators can change strategies";
/// Most partners a strategy can list.
const MAX_PARTNERS: usize = 200;

/// A strategy, with the organisations that are its partners.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StrategyView {
    pub(crate) id: Uuid,
    #[schema(
        example = "A Partnership Strategy for Looked After Children and Care Leavers 2022-2025"
    )]
    pub(crate) title: String,
    pub(crate) vision: String,
    #[schema(example = "2022-04-01")]
    pub(crate) period_start: NaiveDate,
    #[schema(example = "2025-03-31")]
    pub(crate) period_end: NaiveDate,
    pub(crate) status: StrategyStatus,
    /// The board's member organisations, by name.
    pub(crate) partners: Vec<OrganisationRef>,
    pub(crate) version: i32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    /// What the caller may do with this strategy.
    #[schema(example = json!(["update", "create_ambition", "create_commitment"]))]
    pub(crate) allowed_actions: Vec<AllowedAction>,
}

impl StrategyView {
    fn new(row: Strategy, partners: Vec<OrganisationRef>, actor: &Actor) -> Self {
        let allowed_actions = allowed::for_strategy(actor, row.status);
        Self {
            id: row.id,
            title: row.title,
            vision: row.vision,
            period_start: row.period_start,
            period_end: row.period_end,
            status: row.status,
            partners,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
            allowed_actions,
        }
    }
}

// Described by its fields in the API description, which would take a
// `///` comment here as its own description.
#[allow(missing_docs)]
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateStrategy {
    #[garde(length(chars, min = 1, max = TITLE_MAX), custom(not_blank), custom(printable))]
    pub(crate) title: String,
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    pub(crate) vision: Option<String>,
    #[garde(skip)]
    #[schema(example = "2022-04-01")]
    pub(crate) period_start: NaiveDate,
    #[garde(skip)]
    #[schema(example = "2025-03-31")]
    pub(crate) period_end: NaiveDate,
    /// Defaults to `draft`.
    #[garde(skip)]
    pub(crate) status: Option<StrategyStatus>,
    /// The partner organisations.
    #[garde(length(max = MAX_PARTNERS))]
    pub(crate) partner_ids: Option<Vec<Uuid>>,
}

/// Fields to change; absent fields stay as they are. `partner_ids`, when
/// given, replaces the whole list of partners.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "archived"}))]
pub struct UpdateStrategy {
    #[garde(length(chars, min = 1, max = TITLE_MAX), custom(not_blank), custom(printable))]
    pub(crate) title: Option<String>,
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    pub(crate) vision: Option<String>,
    #[garde(skip)]
    pub(crate) period_start: Option<NaiveDate>,
    #[garde(skip)]
    pub(crate) period_end: Option<NaiveDate>,
    #[garde(skip)]
    pub(crate) status: Option<StrategyStatus>,
    #[garde(length(max = MAX_PARTNERS))]
    pub(crate) partner_ids: Option<Vec<Uuid>>,
}

/// Which strategies a list holds.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StrategyQuery {
    pub(crate) status: Option<StrategyStatus>,
    /// Only strategies this organisation is a partner of.
    pub(crate) partner_id: Option<Uuid>,
    /// Only strategies whose title contains this text.
    pub(crate) q: Option<String>,
}

/// The period must run forwards and within plausible years.
fn check_period(start: NaiveDate, end: NaiveDate) -> Result<(), AppError> {
    valid(span_errors(
        ("period_start", Some(start)),
        ("period_end", Some(end)),
    ))
}

/// Every partner id must name an organisation that delivers: the young
/// people's council holds the board to account (it raises priorities and
/// hears the board's answers) rather than leading actions or pledging.
async fn check_partners(conn: &mut Conn, ids: &[Uuid]) -> Result<(), AppError> {
    let found = organisations::kinds(conn, ids).await?;
    let errors: Vec<FieldError> = ids
        .iter()
        .enumerate()
        .filter_map(|(i, id)| {
            let field = format!("partner_ids[{i}]");
            match found.get(id) {
                None => Some(FieldError::new(field, "no organisation has this id")),
                Some(OrganisationKind::YoungPeoplesVoice) => Some(FieldError::new(
                    field,
                    "is the young people's council: it raises priorities for the board \
                     rather than leading actions or pledging, so it is not a partner",
                )),
                Some(_) => None,
            }
        })
        .collect();
    valid(errors)
}

async fn views(
    conn: &mut Conn,
    rows: Vec<Strategy>,
    actor: &Actor,
) -> Result<Vec<StrategyView>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|s| s.id).collect();
    let mut partners = store::partners(conn, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let orgs = partners.remove(&row.id).unwrap_or_default();
            StrategyView::new(row, orgs, actor)
        })
        .collect())
}

async fn view(conn: &mut Conn, row: Strategy, actor: &Actor) -> Result<StrategyView, AppError> {
    Ok(views(conn, vec![row], actor).await?.remove(0))
}

/// A page of strategies, by the start of their period.
pub async fn list(
    pool: &Pool,
    ctx: &Ctx,
    query: StrategyQuery,
    page: &PageParams,
) -> Result<Page<StrategyView>, AppError> {
    let page = page.request()?;
    let filter = StrategyFilter {
        id: permissions::strategy_scope(&ctx.actor),
        status: query.status,
        partner_id: query.partner_id,
        q: query.q,
    };
    let mut conn = pool.get().await?;
    let rows = store::list(&mut conn, &filter, &page).await?;
    let next = page.page(rows, |row| (row.period_start, row.id), |row| row);
    Ok(Page {
        items: views(&mut conn, next.items, &ctx.actor).await?,
        next_cursor: next.next_cursor,
    })
}

/// Every strategy (at most `MAX_LIMIT`), by the start of its period, for
/// those who set strategies up: the list the administrators' pages start
/// from, refused to anyone else.
pub async fn for_setup(pool: &Pool, ctx: &Ctx) -> Result<Vec<StrategyView>, AppError> {
    authorize(permissions::can_manage_strategy(&ctx.actor), FORBIDDEN)?;
    let mut conn = pool.get().await?;
    let mut rows = store::list(
        &mut conn,
        &StrategyFilter::default(),
        &PageRequest::first(MAX_LIMIT),
    )
    .await?;
    rows.truncate(MAX_LIMIT as usize);
    views(&mut conn, rows, &ctx.actor).await
}

/// One strategy, with its partners.
pub async fn get(pool: &Pool, ctx: &Ctx, id: Uuid) -> Result<StrategyView, AppError> {
    visible(&ctx.actor, id, ENTITY.noun())?;
    let mut conn = pool.get().await?;
    let row = store::find(&mut conn, id)
        .await
        .map_err(missing(ENTITY.noun()))?;
    view(&mut conn, row, &ctx.actor).await
}

/// Creates a strategy with its partners (administrators).
pub async fn create(
    pool: &Pool,
    ctx: &Ctx,
    input: CreateStrategy,
) -> Result<StrategyView, AppError> {
    authorize(permissions::can_manage_strategy(&ctx.actor), FORBIDDEN)?;
    validate(&input)?;
    check_period(input.period_start, input.period_end)?;
    let partner_ids = input.partner_ids.unwrap_or_default();
    let new = NewStrategy {
        id: Uuid::now_v7(),
        title: trimmed(&input.title),
        vision: input.vision.as_deref().map(trimmed).unwrap_or_default(),
        period_start: input.period_start,
        period_end: input.period_end,
        status: input.status.unwrap_or(StrategyStatus::Draft),
    };
    let mut conn = pool.get().await?;
    check_partners(&mut conn, &partner_ids).await?;
    let row = conn
        .transaction(async |conn| {
            let row = store::insert(conn, &new).await?;
            store::set_partners(conn, row.id, &partner_ids).await?;
            let after = view(conn, row, &ctx.actor).await?;
            created(conn, ctx, ENTITY, after.id, &after).await?;
            Ok::<_, AppError>(after)
        })
        .await?;
    Ok(row)
}

/// Changes a strategy and, when `partner_ids` is given, replaces its
/// partners (administrators; needs the version read). An organisation with
/// work in the strategy stays a partner.
pub async fn update(
    pool: &Pool,
    ctx: &Ctx,
    id: Uuid,
    precondition: Precondition,
    input: UpdateStrategy,
) -> Result<StrategyView, AppError> {
    authorize(permissions::can_manage_strategy(&ctx.actor), FORBIDDEN)?;
    let expected = precondition.version()?;
    validate(&input)?;
    let changes = StrategyChanges {
        title: input.title.as_deref().map(trimmed),
        vision: input.vision.as_deref().map(trimmed),
        period_start: input.period_start,
        period_end: input.period_end,
        status: input.status,
    };
    let mut conn = pool.get().await?;
    if let Some(ids) = &input.partner_ids {
        check_partners(&mut conn, ids).await?;
    }
    conn.transaction(async |conn| {
        Target::new(ENTITY, id)
            .admitted(ctx, Some(expected))
            .write(conn, store::find_for_update, async |conn, row| {
                if changes.is_empty() && input.partner_ids.is_none() {
                    return Ok(Written::Unchanged(view(conn, row, &ctx.actor).await?));
                }
                check_period(
                    changes.period_start.unwrap_or(row.period_start),
                    changes.period_end.unwrap_or(row.period_end),
                )?;
                let before = view(conn, row, &ctx.actor).await?;
                let row = if changes.is_empty() {
                    store::touch(conn, id).await?
                } else {
                    store::update(conn, id, &changes).await?
                };
                if let Some(ids) = &input.partner_ids {
                    replace_partners(conn, id, ids).await?;
                }
                let after = view(conn, row, &ctx.actor).await?;
                Ok(Written::changed(before, after))
            })
            .await
    })
    .await
}

/// Makes `ids` the strategy's partners, unless that would drop an
/// organisation that leads, supports or pledges in it.
async fn replace_partners(conn: &mut Conn, id: Uuid, ids: &[Uuid]) -> Result<(), AppError> {
    let in_use = actions::organisations_in_use(conn, id).await?;
    let dropped: Vec<Uuid> = in_use
        .into_iter()
        .filter(|org| !ids.contains(org))
        .collect();
    if !dropped.is_empty() {
        let names = organisations::refs(conn, &dropped).await?;
        let mut names: Vec<String> = names.into_values().map(|o| o.name).collect();
        names.sort();
        return Err(AppError::Conflict(format!(
            "these organisations lead, support or pledge in this strategy and must stay partners: {}",
            names.join("; ")
        )));
    }
    store::set_partners(conn, id, ids).await?;
    Ok(())
}

/// Deletes a draft strategy with everything in it (administrators; needs
/// the version read). Active and archived strategies are kept.
pub async fn delete(
    pool: &Pool,
    ctx: &Ctx,
    id: Uuid,
    precondition: Precondition,
) -> Result<(), AppError> {
    authorize(permissions::can_manage_strategy(&ctx.actor), FORBIDDEN)?;
    let expected = precondition.version()?;
    let mut conn = pool.get().await?;
    conn.transaction(async |conn| {
        Target::new(ENTITY, id)
            .admitted(ctx, Some(expected))
            .write(conn, store::find_for_update, async |conn, row| {
                if row.status != StrategyStatus::Draft {
                    return Err(AppError::Conflict(
                        "only a draft strategy can be deleted; archive this one instead".into(),
                    ));
                }
                let before = view(conn, row, &ctx.actor).await?;
                store::delete(conn, id).await?;
                Ok(Written::Deleted { before, answer: () })
            })
            .await
    })
    .await
}
