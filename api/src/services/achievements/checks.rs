//! What an achievement may name and say: the strategy's statements and
//! actions, indicator values of the strategy, organisations that recorded
//! consent, and no identifiers anywhere in what may be published.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use super::requests::WriteAchievement;
use crate::db::achievements::{self as store, Figure, Voice};
use crate::db::{Conn, organisations};
use crate::domain::achievements::{
    self as rules, FigureFacts, VoiceFacts, figure_problems, identifier_problems, voice_problems,
};
use crate::domain::validation::{FieldError, implausible_dates};
use crate::domain::{Actor, Role, StatementKind};
use crate::error::AppError;
use crate::services::input::trimmed;
use crate::services::priorities::check_statements;

/// What a written achievement links to and holds, checked and ready to
/// store.
pub(super) struct Checked {
    pub(super) statement_ids: Vec<Uuid>,
    pub(super) action_ids: Vec<Uuid>,
    pub(super) tags: Vec<String>,
    /// The lead and supporting organisations of the linked actions.
    pub(super) owners: Vec<Uuid>,
    pub(super) figures: Vec<Figure>,
    pub(super) voices: Vec<Voice>,
}

fn sorted(ids: &[Uuid]) -> Vec<Uuid> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Checks everything `input` names and says against the strategy, and
/// builds the rows it will be stored as (for achievement `id`).
pub(super) async fn check(
    conn: &mut Conn,
    today: chrono::NaiveDate,
    strategy_id: Uuid,
    id: Uuid,
    input: &WriteAchievement,
) -> Result<(Checked, Vec<FieldError>), AppError> {
    let mut errors = identifier_problems([
        ("title".to_owned(), input.title.as_str()),
        ("achieved".to_owned(), input.achieved.as_str()),
        ("meant".to_owned(), input.meant.as_str()),
    ]);
    errors.extend(implausible_dates(&[(
        "achieved_on",
        Some(input.achieved_on),
    )]));
    if input.achieved_on > today {
        errors.push(FieldError::new("achieved_on", "must not be in the future"));
    }
    for (field, kind, ids) in [
        ("ambition_ids", StatementKind::Ambition, &input.ambition_ids),
        (
            "commitment_ids",
            StatementKind::Commitment,
            &input.commitment_ids,
        ),
    ] {
        errors.extend(check_statements(conn, strategy_id, field, kind, ids).await?);
    }
    let named = store::named_actions(conn, &input.action_ids).await?;
    for (i, action) in input.action_ids.iter().enumerate() {
        if !named
            .iter()
            .any(|a| a.id == *action && a.strategy_id == strategy_id)
        {
            errors.push(FieldError::new(
                format!("action_ids[{i}]"),
                "is not an action of this strategy",
            ));
        }
    }
    let action_ids = sorted(&input.action_ids);
    let owners = store::action_owners(conn, &action_ids)
        .await?
        .into_values()
        .flatten()
        .collect::<HashSet<Uuid>>()
        .into_iter()
        .collect();
    let tags = rules::tidy_tags(&input.tags).unwrap_or_else(|tag_errors| {
        errors.extend(tag_errors);
        Vec::new()
    });
    let figures = figures(conn, strategy_id, id, input, &mut errors).await?;
    let voices = voices(conn, today, id, input, &mut errors).await?;
    let mut statement_ids = input.ambition_ids.clone();
    statement_ids.extend(&input.commitment_ids);
    Ok((
        Checked {
            statement_ids: sorted(&statement_ids),
            action_ids,
            tags,
            owners,
            figures,
            voices,
        },
        errors,
    ))
}

async fn figures(
    conn: &mut Conn,
    strategy_id: Uuid,
    id: Uuid,
    input: &WriteAchievement,
    errors: &mut Vec<FieldError>,
) -> Result<Vec<Figure>, AppError> {
    let cited_ids: Vec<Uuid> = input
        .figures
        .iter()
        .filter_map(|f| f.indicator_value_id)
        .collect();
    let cited = store::cited_values(conn, &cited_ids).await?;
    let mut rows = Vec::new();
    for (i, f) in input.figures.iter().enumerate() {
        let unit = f.unit.as_deref().map(str::trim);
        errors.extend(figure_problems(
            i,
            &FigureFacts {
                label: &f.label,
                has_value: f.value.is_some(),
                unit,
                as_of: f.as_of,
                cites: f.indicator_value_id,
            },
        ));
        if let Some(value) = f.indicator_value_id
            && cited
                .get(&value)
                .is_none_or(|c| c.strategy_id != strategy_id)
        {
            errors.push(FieldError::new(
                format!("figures[{i}].indicator_value_id"),
                "is not a recorded value of an indicator of this strategy",
            ));
        }
        rows.push(Figure {
            id: Uuid::now_v7(),
            achievement_id: id,
            position: i as i32,
            label: trimmed(&f.label),
            value: f.value,
            unit: unit.map(str::to_owned),
            as_of: f.as_of,
            indicator_value_id: f.indicator_value_id,
        });
    }
    Ok(rows)
}

async fn voices(
    conn: &mut Conn,
    today: chrono::NaiveDate,
    id: Uuid,
    input: &WriteAchievement,
    errors: &mut Vec<FieldError>,
) -> Result<Vec<Voice>, AppError> {
    let consenting: Vec<Uuid> = input
        .voices
        .iter()
        .filter_map(|v| v.consent_organisation_id)
        .collect();
    let known: HashMap<Uuid, _> = organisations::refs(conn, &consenting).await?;
    let mut rows = Vec::new();
    for (i, v) in input.voices.iter().enumerate() {
        let band = v
            .age_band
            .as_deref()
            .map(str::trim)
            .filter(|b| !b.is_empty());
        let consent = match (v.consent_organisation_id, v.consent_on) {
            (Some(org), Some(on)) => Some((org, on)),
            (None, None) => None,
            (Some(_), None) => {
                errors.push(FieldError::new(
                    format!("voices[{i}].consent_on"),
                    "is needed with consent_organisation_id: the day consent was recorded",
                ));
                None
            }
            (None, Some(_)) => {
                errors.push(FieldError::new(
                    format!("voices[{i}].consent_organisation_id"),
                    "is needed with consent_on: the organisation that recorded consent",
                ));
                None
            }
        };
        errors.extend(voice_problems(
            i,
            &VoiceFacts {
                kind: v.kind,
                text: &v.text,
                role: &v.role,
                age_band: band,
                consent,
            },
            today,
        ));
        if let Some(org) = v.consent_organisation_id
            && !known.contains_key(&org)
        {
            errors.push(FieldError::new(
                format!("voices[{i}].consent_organisation_id"),
                "no organisation has this id",
            ));
        }
        rows.push(Voice {
            id: Uuid::now_v7(),
            achievement_id: id,
            position: i as i32,
            kind: v.kind,
            text: trimmed(&v.text),
            role: trimmed(&v.role),
            age_band: band.map(str::to_owned),
            consent_organisation_id: v.consent_organisation_id,
            consent_on: v.consent_on,
        });
    }
    Ok(rows)
}

/// The organisation a new achievement is written by: a board member's
/// own; the one the chair or an administrator names, or their own, or
/// the lead of the first action it names.
pub(super) async fn author(
    conn: &mut Conn,
    actor: &Actor,
    named: Option<Uuid>,
    first_action: Option<Uuid>,
) -> Result<Uuid, AppError> {
    if actor.role() == Some(Role::Member) {
        let own = actor
            .organisation_id()
            .ok_or_else(|| AppError::Forbidden("your account belongs to no organisation".into()))?;
        return match named {
            Some(id) if id != own => Err(AppError::Forbidden(
                "a board member writes achievements for their own organisation".into(),
            )),
            _ => Ok(own),
        };
    }
    if let Some(id) = named {
        return match organisations::refs(conn, &[id]).await?.contains_key(&id) {
            true => Ok(id),
            false => Err(AppError::validation(
                "organisation_id",
                "no organisation has this id",
            )),
        };
    }
    if let Some(own) = actor.organisation_id() {
        return Ok(own);
    }
    let lead = match first_action {
        Some(action) => store::named_actions(conn, &[action])
            .await?
            .first()
            .map(|a| a.lead_organisation_id),
        None => None,
    };
    lead.ok_or_else(|| {
        AppError::validation(
            "organisation_id",
            "is needed: the organisation this achievement is written for",
        )
    })
}

/// The voices as the approval rules see them.
pub(super) fn voice_facts(voices: &[Voice]) -> Vec<VoiceFacts<'_>> {
    voices
        .iter()
        .map(|v| VoiceFacts {
            kind: v.kind,
            text: &v.text,
            role: &v.role,
            age_band: v.age_band.as_deref(),
            consent: v.consent_organisation_id.zip(v.consent_on),
        })
        .collect()
}
