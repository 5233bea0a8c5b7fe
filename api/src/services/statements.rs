//! Ambitions and commitments: the numbered statements of a strategy. Both
//! kinds behave alike, so one set of operations serves both.

use chrono::{DateTime, Utc};
use diesel_async::AsyncConnection;
use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::audit::insert_audited;
use super::context::{Ctx, authorize, missing, visible};
use super::input::{trimmed, validate};
use super::locked::{self, Target};
use crate::concurrency::Precondition;
use crate::db::statements::{self as store, NewStatement, Statement, StatementChanges};
use crate::db::strategies;
use crate::db::{Conn, Pool};
use crate::domain::validation::{TEXT_MAX, TITLE_MAX, not_blank, printable};
use crate::domain::{Actor, AllowedAction, StatementKind, allowed, permissions};
use crate::error::AppError;
use crate::paging::{MAX_LIMIT, Page, PageParams};

const FORBIDDEN: &str = "only administrators can change a strategy's ambitions and commitments";

/// An ambition or a commitment of a strategy.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatementView {
    pub(crate) id: Uuid,
    pub(crate) strategy_id: Uuid,
    pub(crate) kind: StatementKind,
    /// Position within the strategy, from 1.
    #[schema(example = 1)]
    pub(crate) number: i32,
    #[schema(example = "Is safe and feels safe")]
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) version: i32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    /// What the caller may do with this statement.
    #[schema(example = json!(["update", "delete"]))]
    pub(crate) allowed_actions: Vec<AllowedAction>,
}

impl StatementView {
    fn new(row: Statement, actor: &Actor) -> Self {
        let allowed_actions = allowed::for_framework(actor);
        Self {
            id: row.id,
            strategy_id: row.strategy_id,
            kind: row.kind,
            number: row.number,
            title: row.title,
            description: row.description,
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
pub struct CreateStatement {
    /// Defaults to one more than the highest number so far.
    #[garde(range(min = 1, max = 999))]
    pub(crate) number: Option<i32>,
    #[garde(length(chars, min = 1, max = TITLE_MAX), custom(not_blank), custom(printable))]
    #[schema(example = "Is safe and feels safe")]
    pub(crate) title: String,
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    pub(crate) description: Option<String>,
}

/// Fields to change; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"description": "Children and young people tell us they feel safe where they live."}))]
pub struct UpdateStatement {
    #[garde(range(min = 1, max = 999))]
    pub(crate) number: Option<i32>,
    #[garde(length(chars, min = 1, max = TITLE_MAX), custom(not_blank), custom(printable))]
    pub(crate) title: Option<String>,
    #[garde(length(chars, max = TEXT_MAX), custom(printable))]
    pub(crate) description: Option<String>,
}

/// A page of a strategy's statements of one kind, by number.
pub async fn list(
    pool: &Pool,
    ctx: &Ctx,
    strategy_id: Uuid,
    kind: StatementKind,
    page: &PageParams,
) -> Result<Page<StatementView>, AppError> {
    let page = page.request()?;
    visible(&ctx.actor, strategy_id, "strategy")?;
    let mut conn = pool.get().await?;
    strategies::find(&mut conn, strategy_id)
        .await
        .map_err(missing("strategy"))?;
    let rows = store::list(&mut conn, strategy_id, kind, &page).await?;
    Ok(page.page(
        rows,
        |row| row.number,
        |row| StatementView::new(row, &ctx.actor),
    ))
}

/// The statements of one kind of every strategy an organisation is a
/// partner of, by strategy and number (at most `MAX_LIMIT`): what its
/// pledges answer, in one query however many strategies it is in.
pub async fn of_partner(
    pool: &Pool,
    ctx: &Ctx,
    organisation_id: Uuid,
    kind: StatementKind,
) -> Result<Vec<StatementView>, AppError> {
    let mut conn = pool.get().await?;
    let rows = store::of_partner(&mut conn, organisation_id, kind, MAX_LIMIT).await?;
    Ok(rows
        .into_iter()
        .filter(|row| permissions::can_read_strategy(&ctx.actor, row.strategy_id))
        .map(|row| StatementView::new(row, &ctx.actor))
        .collect())
}

/// One statement of this kind.
pub async fn get(
    pool: &Pool,
    ctx: &Ctx,
    id: Uuid,
    kind: StatementKind,
) -> Result<StatementView, AppError> {
    let mut conn = pool.get().await?;
    let row = store::find(&mut conn, id, kind)
        .await
        .map_err(missing(kind.as_str()))?;
    visible(&ctx.actor, row.strategy_id, kind.as_str())?;
    Ok(StatementView::new(row, &ctx.actor))
}

/// Adds a statement to a strategy, numbered after the others unless a number is
/// given (administrators).
pub async fn create(
    pool: &Pool,
    ctx: &Ctx,
    strategy_id: Uuid,
    kind: StatementKind,
    input: CreateStatement,
) -> Result<StatementView, AppError> {
    authorize(permissions::can_manage_strategy(&ctx.actor), FORBIDDEN)?;
    validate(&input)?;
    let mut conn = pool.get().await?;
    let row = conn
        .transaction(async |conn| {
            // Locking the strategy serialises numbering within it.
            strategies::find_for_update(conn, strategy_id)
                .await
                .map_err(missing("strategy"))?;
            let number = match input.number {
                Some(number) => number,
                None => store::next_number(conn, strategy_id, kind).await?,
            };
            let new = NewStatement {
                id: Uuid::now_v7(),
                strategy_id,
                kind,
                number,
                title: trimmed(&input.title),
                description: input
                    .description
                    .as_deref()
                    .map(trimmed)
                    .unwrap_or_default(),
            };
            insert_audited(conn, ctx, kind.into(), new.id, &new, store::insert).await
        })
        .await?;
    Ok(StatementView::new(row, &ctx.actor))
}

/// Changes a statement (administrators; needs the version read).
pub async fn update(
    pool: &Pool,
    ctx: &Ctx,
    id: Uuid,
    kind: StatementKind,
    precondition: Precondition,
    input: UpdateStatement,
) -> Result<StatementView, AppError> {
    authorize(permissions::can_manage_strategy(&ctx.actor), FORBIDDEN)?;
    let expected = precondition.version()?;
    validate(&input)?;
    let changes = StatementChanges {
        number: input.number,
        title: input.title.as_deref().map(trimmed),
        description: input.description.as_deref().map(trimmed),
    };
    let admitted = Target::new(kind.into(), id).admitted(ctx, Some(expected));
    let mut conn = pool.get().await?;
    let row = conn
        .transaction(async |conn| {
            let lock = async |conn: &mut Conn, id| store::find_for_update(conn, id, kind).await;
            admitted.update(conn, lock, &changes, store::update).await
        })
        .await?;
    Ok(StatementView::new(row, &ctx.actor))
}

/// Deletes a statement (administrators; needs the version read).
pub async fn delete(
    pool: &Pool,
    ctx: &Ctx,
    id: Uuid,
    kind: StatementKind,
    precondition: Precondition,
) -> Result<(), AppError> {
    authorize(permissions::can_manage_strategy(&ctx.actor), FORBIDDEN)?;
    let expected = precondition.version()?;
    let admitted = Target::new(kind.into(), id).admitted(ctx, Some(expected));
    let mut conn = pool.get().await?;
    conn.transaction(async |conn| {
        let lock = async |conn: &mut Conn, id| store::find_for_update(conn, id, kind).await;
        admitted
            .delete(conn, lock, locked::always, store::delete)
            .await
    })
    .await
}
