//! The partnership's achievements in the demo: what the 2022-25 strategy's
//! "Looking back" says the partnership achieved and what it meant for young
//! people, with its figures and voices, each written by a member of an
//! organisation that leads or supports the action behind it and approved by
//! the chair a few days later.

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;
use serde::Deserialize;
use uuid::Uuid;

use super::cast::{Cast, at};
use super::priorities::action_ids;
use crate::concurrency::Precondition;
use crate::db::Pool;
use crate::domain::enums::VoiceKind;
use crate::error::AppError;
use crate::services::achievements::{
    self, FigureInput, ReviewAchievement, VoiceInput, WriteAchievement,
};

const ACHIEVEMENTS: &str = include_str!("achievements.json");

/// Days after an achievement that its organisation writes it up, once
/// consent for its voices is in.
const WRITTEN_AFTER_DAYS: i64 = 9;

/// Days after writing that the chair approves it for reports.
const APPROVED_AFTER_DAYS: i64 = 4;

#[derive(Deserialize)]
struct Document {
    achievements: Vec<PlanAchievement>,
}

#[derive(Deserialize)]
struct PlanAchievement {
    title: String,
    achieved: String,
    meant: String,
    achieved_on: NaiveDate,
    /// The slug of the organisation that writes it.
    by: String,
    ambitions: Vec<i32>,
    commitments: Vec<i32>,
    /// Action references.
    actions: Vec<String>,
    tags: Vec<String>,
    figures: Vec<PlanFigure>,
    voices: Vec<PlanVoice>,
}

#[derive(Deserialize)]
struct PlanFigure {
    label: String,
    value: Decimal,
    unit: String,
    as_of: NaiveDate,
}

#[derive(Deserialize)]
struct PlanVoice {
    kind: VoiceKind,
    text: String,
    role: String,
    age_band: Option<String>,
    /// The slug of the organisation that recorded consent to publish.
    consent_by: String,
    consent_on: NaiveDate,
}

/// Writes each achievement as a member of its organisation and approves
/// it as the chair, on the days that follow it.
pub async fn load(pool: &Pool, cast: &Cast) -> Result<(), AppError> {
    let document: Document =
        serde_json::from_str(ACHIEVEMENTS).expect("the embedded achievements are valid");
    let references = action_ids(pool, cast).await?;
    for item in document.achievements {
        let (writer, _) = cast.member(&item.by)?;
        let written_on = item.achieved_on + Duration::days(WRITTEN_AFTER_DAYS);
        let approved_on = written_on + Duration::days(APPROVED_AFTER_DAYS);
        let numbered = |map, numbers: &[i32]| -> Result<Vec<Uuid>, AppError> {
            numbers.iter().map(|n| Cast::statement(map, *n)).collect()
        };
        let actions = item
            .actions
            .iter()
            .map(|r| {
                references.get(r).copied().ok_or_else(|| {
                    AppError::internal(format!("demo achievement names unknown action {r}"))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let voices = item
            .voices
            .into_iter()
            .map(|v| {
                Ok(VoiceInput {
                    kind: v.kind,
                    text: v.text,
                    role: v.role,
                    age_band: v.age_band,
                    consent_organisation_id: Some(cast.member(&v.consent_by)?.1),
                    consent_on: Some(v.consent_on),
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        let input = WriteAchievement {
            strategy_id: Some(cast.strategy_id),
            organisation_id: None,
            title: item.title,
            achieved: item.achieved,
            meant: item.meant,
            achieved_on: item.achieved_on,
            ambition_ids: numbered(&cast.ambitions, &item.ambitions)?,
            commitment_ids: numbered(&cast.commitments, &item.commitments)?,
            action_ids: actions,
            tags: item.tags,
            figures: item.figures.into_iter().map(figure).collect(),
            voices,
        };
        let written = achievements::create(pool, &writer.at(at(written_on)), input).await?;
        achievements::approve(
            pool,
            &cast.chair.at(at(approved_on)),
            written.id,
            Precondition::assume(written.version),
            ReviewAchievement::default(),
        )
        .await?;
    }
    Ok(())
}

fn figure(f: PlanFigure) -> FigureInput {
    FigureInput {
        label: f.label,
        value: Some(f.value),
        unit: Some(f.unit),
        as_of: Some(f.as_of),
        indicator_value_id: None,
    }
}

#[cfg(test)]
mod tests {
    use chrono::Datelike;

    use super::*;
    use crate::domain::achievements::{LOCAL_OFFER, tagged};

    #[test]
    fn the_demo_has_achievements_for_each_years_report_and_the_local_offer() {
        let document: Document = serde_json::from_str(ACHIEVEMENTS).unwrap();
        let items = &document.achievements;
        let in_year = |year| {
            items
                .iter()
                .filter(|a| a.achieved_on.year() == year)
                .count()
        };
        assert!(in_year(2023) >= 2, "2023's report has achievements");
        assert!(in_year(2024) >= 3, "2024's report has achievements");
        assert!(
            items
                .iter()
                .filter(|a| tagged(&a.tags, LOCAL_OFFER))
                .count()
                >= 2
        );
        for a in items {
            let approved_on =
                a.achieved_on + Duration::days(WRITTEN_AFTER_DAYS + APPROVED_AFTER_DAYS);
            assert_eq!(
                approved_on.year(),
                a.achieved_on.year(),
                "{} is approved in the year it is reported in",
                a.title
            );
            for v in &a.voices {
                assert!(
                    v.consent_on <= a.achieved_on + Duration::days(WRITTEN_AFTER_DAYS),
                    "consent for {}'s voices is in before it is written",
                    a.title
                );
            }
        }
        assert!(items.iter().any(|a| !a.figures.is_empty()));
        assert!(items.iter().any(|a| !a.voices.is_empty()));
    }
}
