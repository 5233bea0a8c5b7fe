//! An achievement as callers read it: who wrote it, what it serves, the
//! actions that produced it, its figures (cited indicator values read
//! through) and its voices.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::Conn;
use crate::db::achievements::{self as store, Achievement, CitedValue, Figure, Voice};
use crate::db::organisations::{self, OrganisationRef};
use crate::db::priorities::{ActionBrief, action_briefs};
use crate::db::statements::{self, StatementRef};
use crate::db::users::{self, UserRef};
use crate::domain::enums::VoiceKind;
use crate::domain::indicators::{Unit, json_number};
use crate::domain::{AchievementStatus, AllowedAction, StatementKind, allowed};
use crate::error::AppError;
use crate::services::context::Ctx;

/// An action that produced an achievement.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AchievementAction {
    pub(crate) id: Uuid,
    #[schema(example = "A2.3")]
    pub(crate) reference: String,
    pub(crate) title: String,
}

/// A figure, with a cited indicator value read through.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FigureView {
    pub(crate) label: String,
    #[serde(with = "json_number::option")]
    #[schema(value_type = Option<f64>, example = 80)]
    pub(crate) value: Option<Decimal>,
    pub(crate) unit: Option<String>,
    pub(crate) as_of: Option<NaiveDate>,
    /// The indicator value cited, when the figure cites one.
    pub(crate) indicator_value_id: Option<Uuid>,
    /// The cited value's indicator, by title.
    pub(crate) indicator: Option<String>,
}

/// A voice, with the organisation that recorded consent by name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VoiceView {
    pub(crate) kind: VoiceKind,
    pub(crate) text: String,
    pub(crate) role: String,
    pub(crate) age_band: Option<String>,
    /// Consent to publish was recorded: by this organisation, on `consent_on`.
    pub(crate) consent_organisation: Option<OrganisationRef>,
    pub(crate) consent_on: Option<NaiveDate>,
}

/// What the partnership achieved and what it meant for young people.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AchievementView {
    pub(crate) id: Uuid,
    pub(crate) strategy_id: Uuid,
    /// The organisation that wrote it.
    pub(crate) organisation: OrganisationRef,
    pub(crate) title: String,
    pub(crate) achieved: String,
    pub(crate) meant: String,
    pub(crate) achieved_on: NaiveDate,
    pub(crate) tags: Vec<String>,
    pub(crate) ambitions: Vec<StatementRef>,
    pub(crate) commitments: Vec<StatementRef>,
    pub(crate) actions: Vec<AchievementAction>,
    pub(crate) figures: Vec<FigureView>,
    pub(crate) voices: Vec<VoiceView>,
    pub(crate) status: AchievementStatus,
    /// The chair's comment when returning (or approving) it.
    pub(crate) review_comment: Option<String>,
    pub(crate) reviewed_by: Option<UserRef>,
    pub(crate) reviewed_at: Option<DateTime<Utc>>,
    pub(crate) created_by: Option<UserRef>,
    pub(crate) version: i32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    #[schema(example = json!(["update", "approve"]))]
    pub(crate) allowed_actions: Vec<AllowedAction>,
}

/// What the views of a set of achievements name, read with one query each.
struct Named {
    statement_ids: HashMap<Uuid, Vec<Uuid>>,
    action_ids: HashMap<Uuid, Vec<Uuid>>,
    figures: HashMap<Uuid, Vec<Figure>>,
    voices: HashMap<Uuid, Vec<Voice>>,
    statements: HashMap<Uuid, StatementRef>,
    actions: HashMap<Uuid, ActionBrief>,
    /// Each action's lead and supporting organisations.
    owners: HashMap<Uuid, Vec<Uuid>>,
    cited: HashMap<Uuid, CitedValue>,
    orgs: HashMap<Uuid, OrganisationRef>,
    names: HashMap<Uuid, UserRef>,
}

impl Named {
    async fn load(conn: &mut Conn, rows: &[Achievement]) -> Result<Named, AppError> {
        let ids: Vec<Uuid> = rows.iter().map(|a| a.id).collect();
        let statement_ids = store::statement_ids(conn, &ids).await?;
        let action_ids = store::action_ids(conn, &ids).await?;
        let figures = store::figures(conn, &ids).await?;
        let voices = store::voices(conn, &ids).await?;
        let all: Vec<Uuid> = statement_ids.values().flatten().copied().collect();
        let statements = statements::refs(conn, &all)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
        let all: Vec<Uuid> = action_ids.values().flatten().copied().collect();
        let actions = action_briefs(conn, &all).await?;
        let owners = store::action_owners(conn, &all).await?;
        let all: Vec<Uuid> = figures
            .values()
            .flatten()
            .filter_map(|f| f.indicator_value_id)
            .collect();
        let cited = store::cited_values(conn, &all).await?;
        let mut org_ids: Vec<Uuid> = rows.iter().map(|a| a.organisation_id).collect();
        org_ids.extend(
            voices
                .values()
                .flatten()
                .filter_map(|v| v.consent_organisation_id),
        );
        let orgs = organisations::refs(conn, &org_ids).await?;
        let user_ids: Vec<Uuid> = rows
            .iter()
            .flat_map(|a| [a.reviewed_by, a.created_by])
            .flatten()
            .collect();
        let names = users::refs(conn, &user_ids).await?;
        Ok(Named {
            statement_ids,
            action_ids,
            figures,
            voices,
            statements,
            actions,
            owners,
            cited,
            orgs,
            names,
        })
    }

    fn view(&mut self, row: Achievement, ctx: &Ctx) -> Result<AchievementView, AppError> {
        let mut linked: Vec<StatementRef> = self
            .statement_ids
            .remove(&row.id)
            .unwrap_or_default()
            .iter()
            .filter_map(|s| self.statements.get(s).cloned())
            .collect();
        linked.sort_by_key(|s| (s.kind, s.number));
        let (ambitions, commitments) = linked
            .into_iter()
            .partition(|s| s.kind == StatementKind::Ambition);
        let action_ids = self.action_ids.remove(&row.id).unwrap_or_default();
        let owners: Vec<Uuid> = action_ids
            .iter()
            .filter_map(|a| self.owners.get(a))
            .flatten()
            .copied()
            .collect();
        let mut actions: Vec<AchievementAction> = action_ids
            .iter()
            .filter_map(|a| self.actions.get(a))
            .map(|a| AchievementAction {
                id: a.id,
                reference: a.reference.clone(),
                title: a.title.clone(),
            })
            .collect();
        actions.sort_by(|a, b| a.reference.cmp(&b.reference));
        let figures = self
            .figures
            .remove(&row.id)
            .unwrap_or_default()
            .into_iter()
            .map(|f| self.figure(f))
            .collect();
        let voices = self
            .voices
            .remove(&row.id)
            .unwrap_or_default()
            .into_iter()
            .map(|v| self.voice(v))
            .collect();
        let allowed_actions =
            allowed::for_achievement(&ctx.actor, row.organisation_id, &owners, row.status);
        let organisation = self
            .orgs
            .get(&row.organisation_id)
            .cloned()
            .ok_or_else(|| AppError::internal("achievement refers to a missing organisation"))?;
        Ok(AchievementView {
            id: row.id,
            strategy_id: row.strategy_id,
            organisation,
            title: row.title,
            achieved: row.achieved,
            meant: row.meant,
            achieved_on: row.achieved_on,
            tags: row.tags,
            ambitions,
            commitments,
            actions,
            figures,
            voices,
            status: row.status,
            review_comment: row.review_comment,
            reviewed_by: row.reviewed_by.and_then(|u| self.names.get(&u).cloned()),
            reviewed_at: row.reviewed_at,
            created_by: row.created_by.and_then(|u| self.names.get(&u).cloned()),
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
            allowed_actions,
        })
    }

    fn voice(&self, v: Voice) -> VoiceView {
        VoiceView {
            kind: v.kind,
            text: v.text,
            role: v.role,
            age_band: v.age_band,
            consent_organisation: v
                .consent_organisation_id
                .and_then(|o| self.orgs.get(&o).cloned()),
            consent_on: v.consent_on,
        }
    }

    fn figure(&self, f: Figure) -> FigureView {
        let cited = f.indicator_value_id.and_then(|v| self.cited.get(&v));
        match cited {
            Some(cited) => FigureView {
                label: f.label,
                value: Some(cited.value),
                unit: Some(unit_words(cited.unit).to_owned()),
                as_of: Some(cited.as_of),
                indicator_value_id: f.indicator_value_id,
                indicator: Some(cited.title.clone()),
            },
            None => FigureView {
                label: f.label,
                value: f.value,
                unit: f.unit,
                as_of: f.as_of,
                indicator_value_id: f.indicator_value_id,
                indicator: None,
            },
        }
    }
}

/// An indicator's unit as a figure gives it.
pub(crate) fn unit_words(unit: Unit) -> &'static str {
    match unit {
        Unit::Percent => "%",
        Unit::Count => "number",
        Unit::Money => "£",
        Unit::Days => "days",
    }
}

/// The views of these achievements, in the order given.
pub(super) async fn views(
    conn: &mut Conn,
    rows: Vec<Achievement>,
    ctx: &Ctx,
) -> Result<Vec<AchievementView>, AppError> {
    let mut named = Named::load(conn, &rows).await?;
    rows.into_iter().map(|a| named.view(a, ctx)).collect()
}

/// The view of one achievement.
pub(super) async fn view(
    conn: &mut Conn,
    row: Achievement,
    ctx: &Ctx,
) -> Result<AchievementView, AppError> {
    Ok(views(conn, vec![row], ctx)
        .await?
        .pop()
        .expect("one view for one row"))
}
