//! Achievements, the statements and actions they are linked to, their
//! figures and their voices.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use super::schema::{
    achievement_actions, achievement_figures, achievement_statements, achievement_voices,
    achievements, action_supporters, actions, indicator_values, indicators,
};
use super::{ACHIEVEMENT_ACTIONS, ACHIEVEMENT_STATEMENTS, Conn, group, replace_links};
use crate::domain::AchievementStatus;
use crate::domain::enums::VoiceKind;
use crate::domain::indicators::Unit;
use crate::paging::PageRequest;

/// An achievement as it stands.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Insertable, Serialize)]
#[diesel(table_name = achievements, check_for_backend(diesel::pg::Pg))]
pub struct Achievement {
    pub(crate) id: Uuid,
    pub(crate) strategy_id: Uuid,
    pub(crate) organisation_id: Uuid,
    pub(crate) title: String,
    pub(crate) achieved: String,
    pub(crate) meant: String,
    pub(crate) achieved_on: NaiveDate,
    pub(crate) tags: Vec<String>,
    pub(crate) status: AchievementStatus,
    pub(crate) review_comment: Option<String>,
    pub(crate) reviewed_by: Option<Uuid>,
    pub(crate) reviewed_at: Option<DateTime<Utc>>,
    pub(crate) created_by: Option<Uuid>,
    pub(crate) version: i32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

/// What an edit changes.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = achievements)]
pub struct AchievementChanges {
    pub(crate) title: String,
    pub(crate) achieved: String,
    pub(crate) meant: String,
    pub(crate) achieved_on: NaiveDate,
    pub(crate) tags: Vec<String>,
    pub(crate) status: AchievementStatus,
}

/// A figure an achievement gives.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = achievement_figures, check_for_backend(diesel::pg::Pg))]
pub struct Figure {
    pub(crate) id: Uuid,
    pub(crate) achievement_id: Uuid,
    pub(crate) position: i32,
    pub(crate) label: String,
    pub(crate) value: Option<Decimal>,
    pub(crate) unit: Option<String>,
    pub(crate) as_of: Option<NaiveDate>,
    pub(crate) indicator_value_id: Option<Uuid>,
}

/// A voice: a quote or a short story.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = achievement_voices, check_for_backend(diesel::pg::Pg))]
pub struct Voice {
    pub(crate) id: Uuid,
    pub(crate) achievement_id: Uuid,
    pub(crate) position: i32,
    pub(crate) kind: VoiceKind,
    pub(crate) text: String,
    pub(crate) role: String,
    pub(crate) age_band: Option<String>,
    pub(crate) consent_organisation_id: Option<Uuid>,
    pub(crate) consent_on: Option<NaiveDate>,
}

/// An achievement with everything it holds, as the audit trail and the
/// change feed keep it.
#[derive(Debug, Clone, Serialize)]
pub struct AchievementRecord {
    #[serde(flatten)]
    pub(crate) achievement: Achievement,
    pub(crate) statement_ids: Vec<Uuid>,
    pub(crate) action_ids: Vec<Uuid>,
    pub(crate) figures: Vec<Figure>,
    pub(crate) voices: Vec<Voice>,
}

/// Whose achievements that are not approved yet a list may hold.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Unapproved {
    /// Everyone's (the chair, administrators).
    All,
    /// One organisation's (its members).
    Of(Uuid),
    /// None (viewers, systems, members without an organisation).
    #[default]
    None,
}

/// Which achievements a list holds.
#[derive(Debug, Default)]
pub struct AchievementFilter {
    pub(crate) strategy_id: Option<Uuid>,
    pub(crate) organisation_id: Option<Uuid>,
    pub(crate) statuses: Vec<AchievementStatus>,
    pub(crate) tag: Option<String>,
    pub(crate) unapproved: Unapproved,
}

/// Lists are ordered by id (the order they were written in).
pub type AchievementKey = Uuid;

/// A page of achievements matching `filter`.
pub async fn list(
    conn: &mut Conn,
    filter: &AchievementFilter,
    page: &PageRequest<AchievementKey>,
) -> QueryResult<Vec<Achievement>> {
    let mut query = achievements::table
        .select(Achievement::as_select())
        .order(achievements::id)
        .limit(page.fetch())
        .into_boxed();
    if let Some(id) = filter.strategy_id {
        query = query.filter(achievements::strategy_id.eq(id));
    }
    if let Some(id) = filter.organisation_id {
        query = query.filter(achievements::organisation_id.eq(id));
    }
    if !filter.statuses.is_empty() {
        query = query.filter(achievements::status.eq_any(filter.statuses.clone()));
    }
    if let Some(tag) = &filter.tag {
        query = query.filter(achievements::tags.contains(vec![tag.clone()]));
    }
    let approved = achievements::status.eq(AchievementStatus::Approved);
    query = match filter.unapproved {
        Unapproved::All => query,
        Unapproved::Of(org) => query.filter(approved.or(achievements::organisation_id.eq(org))),
        Unapproved::None => query.filter(approved),
    };
    if let Some(since) = page.updated_since {
        query = query.filter(achievements::updated_at.ge(since));
    }
    if let Some(after) = page.after {
        query = query.filter(achievements::id.gt(after));
    }
    query.load(conn).await
}

/// The approved achievements of a strategy achieved from `from` to `to`,
/// approved by `at`, in the order they were achieved.
pub async fn approved_between(
    conn: &mut Conn,
    strategy_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<Achievement>> {
    achievements::table
        .filter(achievements::strategy_id.eq(strategy_id))
        .filter(achievements::status.eq(AchievementStatus::Approved))
        .filter(achievements::achieved_on.between(from, to))
        .order((achievements::achieved_on, achievements::id))
        .select(Achievement::as_select())
        .load(conn)
        .await
}

find_queries!(achievements, Achievement);
insert_query!(achievements, Achievement, Achievement);
delete_query!(achievements);

/// Applies an edit, bumping the version.
pub async fn update(
    conn: &mut Conn,
    id: Uuid,
    changes: &AchievementChanges,
    at: DateTime<Utc>,
) -> QueryResult<Achievement> {
    diesel::update(achievements::table.find(id))
        .set((
            changes,
            achievements::version.eq(achievements::version + 1),
            achievements::updated_at.eq(at),
        ))
        .returning(Achievement::as_returning())
        .get_result(conn)
        .await
}

/// The chair's decision: approved, or returned with a comment.
#[derive(Debug)]
pub struct Review<'a> {
    pub(crate) status: AchievementStatus,
    pub(crate) comment: Option<&'a str>,
    pub(crate) by: Option<Uuid>,
    pub(crate) at: DateTime<Utc>,
}

/// Records the chair's decision, bumping the version.
pub async fn review(conn: &mut Conn, id: Uuid, review: &Review<'_>) -> QueryResult<Achievement> {
    diesel::update(achievements::table.find(id))
        .set((
            achievements::status.eq(review.status),
            achievements::review_comment.eq(review.comment),
            achievements::reviewed_by.eq(review.by),
            achievements::reviewed_at.eq(review.at),
            achievements::version.eq(achievements::version + 1),
            achievements::updated_at.eq(review.at),
        ))
        .returning(Achievement::as_returning())
        .get_result(conn)
        .await
}

/// The ambitions and commitments each of these achievements serves.
pub async fn statement_ids(conn: &mut Conn, ids: &[Uuid]) -> QueryResult<HashMap<Uuid, Vec<Uuid>>> {
    let rows: Vec<(Uuid, Uuid)> = achievement_statements::table
        .filter(achievement_statements::achievement_id.eq_any(ids))
        .select((
            achievement_statements::achievement_id,
            achievement_statements::statement_id,
        ))
        .load(conn)
        .await?;
    Ok(group(rows))
}

/// The actions that produced each of these achievements.
pub async fn action_ids(conn: &mut Conn, ids: &[Uuid]) -> QueryResult<HashMap<Uuid, Vec<Uuid>>> {
    let rows: Vec<(Uuid, Uuid)> = achievement_actions::table
        .filter(achievement_actions::achievement_id.eq_any(ids))
        .select((
            achievement_actions::achievement_id,
            achievement_actions::action_id,
        ))
        .load(conn)
        .await?;
    Ok(group(rows))
}

/// The figures of each of these achievements, in their order.
pub async fn figures(conn: &mut Conn, ids: &[Uuid]) -> QueryResult<HashMap<Uuid, Vec<Figure>>> {
    let rows: Vec<Figure> = achievement_figures::table
        .filter(achievement_figures::achievement_id.eq_any(ids))
        .order((
            achievement_figures::achievement_id,
            achievement_figures::position,
        ))
        .select(Figure::as_select())
        .load(conn)
        .await?;
    Ok(group(
        rows.into_iter().map(|f| (f.achievement_id, f)).collect(),
    ))
}

/// The voices of each of these achievements, in their order.
pub async fn voices(conn: &mut Conn, ids: &[Uuid]) -> QueryResult<HashMap<Uuid, Vec<Voice>>> {
    let rows: Vec<Voice> = achievement_voices::table
        .filter(achievement_voices::achievement_id.eq_any(ids))
        .order((
            achievement_voices::achievement_id,
            achievement_voices::position,
        ))
        .select(Voice::as_select())
        .load(conn)
        .await?;
    Ok(group(
        rows.into_iter().map(|v| (v.achievement_id, v)).collect(),
    ))
}

/// Makes `statement_ids` the ambitions and commitments it serves.
pub async fn set_statements(conn: &mut Conn, id: Uuid, statement_ids: &[Uuid]) -> QueryResult<()> {
    replace_links(conn, &ACHIEVEMENT_STATEMENTS, id, statement_ids).await
}

/// Makes `action_ids` the actions that produced it.
pub async fn set_actions(conn: &mut Conn, id: Uuid, action_ids: &[Uuid]) -> QueryResult<()> {
    replace_links(conn, &ACHIEVEMENT_ACTIONS, id, action_ids).await
}

/// Makes `figures` its figures.
pub async fn set_figures(conn: &mut Conn, id: Uuid, figures: &[Figure]) -> QueryResult<()> {
    diesel::delete(achievement_figures::table.filter(achievement_figures::achievement_id.eq(id)))
        .execute(conn)
        .await?;
    if !figures.is_empty() {
        diesel::insert_into(achievement_figures::table)
            .values(figures)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Makes `voices` its voices.
pub async fn set_voices(conn: &mut Conn, id: Uuid, voices: &[Voice]) -> QueryResult<()> {
    diesel::delete(achievement_voices::table.filter(achievement_voices::achievement_id.eq(id)))
        .execute(conn)
        .await?;
    if !voices.is_empty() {
        diesel::insert_into(achievement_voices::table)
            .values(voices)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// The achievement with everything it holds.
pub async fn record(conn: &mut Conn, achievement: Achievement) -> QueryResult<AchievementRecord> {
    let ids = [achievement.id];
    let mut statements = statement_ids(conn, &ids).await?;
    let mut actions = action_ids(conn, &ids).await?;
    let mut figures = figures(conn, &ids).await?;
    let mut voices = voices(conn, &ids).await?;
    let sorted = |mut v: Vec<Uuid>| {
        v.sort_unstable();
        v
    };
    Ok(AchievementRecord {
        statement_ids: sorted(statements.remove(&achievement.id).unwrap_or_default()),
        action_ids: sorted(actions.remove(&achievement.id).unwrap_or_default()),
        figures: figures.remove(&achievement.id).unwrap_or_default(),
        voices: voices.remove(&achievement.id).unwrap_or_default(),
        achievement,
    })
}

/// An indicator value an achievement's figure cites, with what names it.
#[derive(Debug, Clone, Queryable)]
pub struct CitedValue {
    pub(crate) id: Uuid,
    pub(crate) strategy_id: Uuid,
    pub(crate) value: Decimal,
    pub(crate) as_of: NaiveDate,
    pub(crate) unit: Unit,
    pub(crate) title: String,
}

/// These indicator values, by id.
pub async fn cited_values(
    conn: &mut Conn,
    value_ids: &[Uuid],
) -> QueryResult<HashMap<Uuid, CitedValue>> {
    let rows: Vec<CitedValue> = indicator_values::table
        .inner_join(indicators::table)
        .filter(indicator_values::id.eq_any(value_ids))
        .select((
            indicator_values::id,
            indicators::strategy_id,
            indicator_values::value,
            indicator_values::as_of,
            indicators::unit,
            indicators::title,
        ))
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(|v| (v.id, v)).collect())
}

/// An action an achievement names, with what its checks need.
#[derive(Debug, Clone, Queryable)]
pub struct NamedAction {
    pub(crate) id: Uuid,
    pub(crate) strategy_id: Uuid,
    pub(crate) lead_organisation_id: Uuid,
}

/// These actions, by id.
pub async fn named_actions(conn: &mut Conn, ids: &[Uuid]) -> QueryResult<Vec<NamedAction>> {
    actions::table
        .filter(actions::id.eq_any(ids))
        .select((
            actions::id,
            actions::strategy_id,
            actions::lead_organisation_id,
        ))
        .load(conn)
        .await
}

/// The lead and supporting organisations of each of these actions.
pub async fn action_owners(conn: &mut Conn, ids: &[Uuid]) -> QueryResult<HashMap<Uuid, Vec<Uuid>>> {
    let mut owners: Vec<(Uuid, Uuid)> = actions::table
        .filter(actions::id.eq_any(ids))
        .select((actions::id, actions::lead_organisation_id))
        .load(conn)
        .await?;
    let supporters: Vec<(Uuid, Uuid)> = action_supporters::table
        .filter(action_supporters::action_id.eq_any(ids))
        .select((
            action_supporters::action_id,
            action_supporters::organisation_id,
        ))
        .load(conn)
        .await?;
    owners.extend(supporters);
    Ok(group(owners))
}
