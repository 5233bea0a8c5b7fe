//! The achievement form as typed: its figures and voices as rows of boxes
//! (a row left empty is no figure or voice), read from a post or filled
//! from an achievement, and the achievement it asks the service to write.

use std::str::FromStr;

use rust_decimal::Decimal;
use uuid::Uuid;

use super::super::setup::fields::{Fields, ids, optional_date};
use super::age_band_words;
use super::refusals::{Rows, field_words};
use crate::domain::achievements::{FIGURES_MAX, LOCAL_OFFER, VOICES_MAX, tagged};
use crate::domain::enums::VoiceKind;
use crate::error::AppError;
use crate::services::achievements::{
    AchievementView, FigureInput, FigureView, VoiceInput, VoiceView, WriteAchievement,
};
use crate::web::format;
use crate::web::forms::{DateParts, Errors};

/// One figure's boxes as typed, or the indicator value it cites.
#[derive(Debug, Default, Clone)]
pub struct FigureRow {
    pub label: String,
    pub value: String,
    pub unit: String,
    pub as_of: DateParts,
    /// The indicator value the figure cites (kept as it is: the form
    /// changes only its label).
    pub cites: String,
    /// The cited value in words, shown beside the label.
    pub cited: String,
}

impl FigureRow {
    fn is_empty(&self) -> bool {
        [&self.label, &self.value, &self.unit, &self.cites]
            .iter()
            .all(|t| t.trim().is_empty())
            && date_empty(&self.as_of)
    }

    fn of(figure: &FigureView) -> FigureRow {
        let number = |v: &Option<Decimal>| v.map(|v| v.normalize().to_string()).unwrap_or_default();
        match figure.indicator_value_id {
            Some(cites) => FigureRow {
                label: figure.label.clone(),
                cites: cites.to_string(),
                cited: format!(
                    "{}: {} {}{}",
                    figure.indicator.clone().unwrap_or_default(),
                    number(&figure.value),
                    figure.unit.clone().unwrap_or_default(),
                    figure
                        .as_of
                        .map(|d| format!(", as of {}", format::date(&d)))
                        .unwrap_or_default()
                ),
                ..FigureRow::default()
            },
            None => FigureRow {
                label: figure.label.clone(),
                value: number(&figure.value),
                unit: figure.unit.clone().unwrap_or_default(),
                as_of: figure.as_of.map(DateParts::of).unwrap_or_default(),
                ..FigureRow::default()
            },
        }
    }

    /// The row in words, for comparing with what is saved.
    fn words(&self) -> String {
        if !self.cites.is_empty() {
            return format!("{} ({})", self.label.trim(), self.cited);
        }
        format!(
            "{}: {} {} ({})",
            self.label.trim(),
            self.value.trim(),
            self.unit.trim(),
            super::super::setup::fields::date_words(&self.as_of)
        )
    }
}

/// One voice's boxes as typed.
#[derive(Debug, Default, Clone)]
pub struct VoiceRow {
    /// `quote` or `story`; empty until one is chosen.
    pub kind: String,
    pub text: String,
    pub role: String,
    pub age_band: String,
    pub consent_organisation: String,
    pub consent_on: DateParts,
}

impl VoiceRow {
    fn is_empty(&self) -> bool {
        [
            &self.text,
            &self.role,
            &self.age_band,
            &self.consent_organisation,
        ]
        .iter()
        .all(|t| t.trim().is_empty())
            && date_empty(&self.consent_on)
    }

    fn of(voice: &VoiceView) -> VoiceRow {
        VoiceRow {
            kind: voice.kind.as_str().to_owned(),
            text: voice.text.clone(),
            role: voice.role.clone(),
            age_band: voice.age_band.clone().unwrap_or_default(),
            consent_organisation: voice
                .consent_organisation
                .as_ref()
                .map(|o| o.id.to_string())
                .unwrap_or_default(),
            consent_on: voice.consent_on.map(DateParts::of).unwrap_or_default(),
        }
    }

    /// The row in words, for comparing with what is saved.
    fn words(&self, organisation: impl Fn(&str) -> String) -> String {
        let band = match self.age_band.trim() {
            "" => String::new(),
            band => format!(", aged {}", age_band_words(band)),
        };
        let consent = match self.consent_organisation.trim() {
            "" => "no consent recorded".to_owned(),
            id => format!(
                "consent recorded by {} on {}",
                organisation(id),
                super::super::setup::fields::date_words(&self.consent_on)
            ),
        };
        format!(
            "{} ({}{band}): “{}” ({consent})",
            if self.kind == "story" {
                "Story"
            } else {
                "Quote"
            },
            self.role.trim(),
            self.text.trim()
        )
    }
}

fn date_empty(parts: &DateParts) -> bool {
    [&parts.day, &parts.month, &parts.year]
        .iter()
        .all(|p| p.trim().is_empty())
}

/// The achievement form as typed.
#[derive(Debug, Default, Clone)]
pub struct AchievementForm {
    pub title: String,
    pub achieved: String,
    pub meant: String,
    pub achieved_on: DateParts,
    pub ambitions: Vec<String>,
    pub commitments: Vec<String>,
    pub actions: Vec<String>,
    pub local_offer: bool,
    /// The other tags, comma-separated.
    pub tags: String,
    pub figures: Vec<FigureRow>,
    pub voices: Vec<VoiceRow>,
    /// The achievement's version the form was read at, when changing one.
    pub version: Option<i32>,
}

/// What the form asks the service to write, and which of the form's rows
/// each figure and voice sent comes from (empty rows are not sent).
#[derive(Debug)]
pub struct Asked {
    pub input: WriteAchievement,
    pub rows: Rows,
}

impl AchievementForm {
    /// A new achievement's form: one empty figure and one empty voice.
    pub fn blank() -> AchievementForm {
        AchievementForm {
            figures: vec![FigureRow::default()],
            voices: vec![VoiceRow::default()],
            ..AchievementForm::default()
        }
    }

    pub fn read(fields: &Fields) -> AchievementForm {
        let count = |name: &str, most: usize| {
            fields
                .text(name)
                .trim()
                .parse::<usize>()
                .unwrap_or(0)
                .min(most)
        };
        let figures = (0..count("figure_rows", FIGURES_MAX))
            .map(|i| {
                let field = |name: &str| fields.text(&format!("figures-{i}-{name}"));
                FigureRow {
                    label: field("label"),
                    value: field("value"),
                    unit: field("unit"),
                    as_of: fields.date(&format!("figures-{i}-as_of")),
                    cites: field("indicator_value_id"),
                    cited: field("cited"),
                }
            })
            .collect();
        let voices = (0..count("voice_rows", VOICES_MAX))
            .map(|i| {
                let field = |name: &str| fields.text(&format!("voices-{i}-{name}"));
                VoiceRow {
                    kind: field("kind"),
                    text: field("text"),
                    role: field("role"),
                    age_band: field("age_band"),
                    consent_organisation: field("consent_organisation_id"),
                    consent_on: fields.date(&format!("voices-{i}-consent_on")),
                }
            })
            .collect();
        AchievementForm {
            title: fields.text("title"),
            achieved: fields.text("achieved"),
            meant: fields.text("meant"),
            achieved_on: fields.date("achieved_on"),
            ambitions: fields.all("ambition_ids"),
            commitments: fields.all("commitment_ids"),
            actions: fields.all("action_ids"),
            local_offer: !fields.text("local_offer").is_empty(),
            tags: fields.text("tags"),
            figures,
            voices,
            version: fields.version(),
        }
    }

    /// The form filled from an achievement as saved.
    pub fn of(saved: &AchievementView) -> AchievementForm {
        let strings = |ids: Vec<Uuid>| ids.iter().map(Uuid::to_string).collect();
        let other: Vec<&str> = saved
            .tags
            .iter()
            .filter(|t| !t.eq_ignore_ascii_case(LOCAL_OFFER))
            .map(String::as_str)
            .collect();
        AchievementForm {
            title: saved.title.clone(),
            achieved: saved.achieved.clone(),
            meant: saved.meant.clone(),
            achieved_on: DateParts::of(saved.achieved_on),
            ambitions: strings(saved.ambitions.iter().map(|s| s.id).collect()),
            commitments: strings(saved.commitments.iter().map(|s| s.id).collect()),
            actions: strings(saved.actions.iter().map(|a| a.id).collect()),
            local_offer: tagged(&saved.tags, LOCAL_OFFER),
            tags: other.join(", "),
            figures: saved.figures.iter().map(FigureRow::of).collect(),
            voices: saved.voices.iter().map(VoiceRow::of).collect(),
            version: Some(saved.version),
        }
    }

    /// Every tag: Local Offer when ticked, and each one typed.
    fn all_tags(&self) -> Vec<String> {
        let mut tags: Vec<String> = Vec::new();
        if self.local_offer {
            tags.push(LOCAL_OFFER.to_owned());
        }
        tags.extend(
            self.tags
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned),
        );
        tags
    }

    /// The tags in words, for comparing with what is saved.
    pub fn tag_words(&self) -> String {
        let tags = self.all_tags();
        if tags.is_empty() {
            "None".to_owned()
        } else {
            tags.join(", ")
        }
    }

    pub fn figure_words(&self) -> String {
        let rows: Vec<String> = self
            .figures
            .iter()
            .filter(|f| !f.is_empty())
            .map(FigureRow::words)
            .collect();
        listed(rows)
    }

    pub fn voice_words(&self, organisation: impl Fn(&str) -> String) -> String {
        let rows: Vec<String> = self
            .voices
            .iter()
            .filter(|v| !v.is_empty())
            .map(|v| v.words(&organisation))
            .collect();
        listed(rows)
    }

    /// What the service is asked to write; or what the form cannot read
    /// or finds missing before asking. Ids the form did not offer are
    /// not from it: the page refuses the post.
    pub fn parse(&self, strategy_id: Option<Uuid>) -> Result<Result<Asked, Errors>, AppError> {
        let mut errors = Errors::none();
        for (name, text) in [
            ("title", &self.title),
            ("achieved", &self.achieved),
            ("meant", &self.meant),
        ] {
            if text.trim().is_empty() {
                errors.add(name, field_words(name).1);
            }
        }
        let achieved_on = self
            .achieved_on
            .parse("the day it was achieved")
            .map_err(|m| errors.add("achieved_on", m))
            .ok();
        let ambition_ids = ids(&self.ambitions)?;
        let commitment_ids = ids(&self.commitments)?;
        let action_ids = ids(&self.actions)?;
        let mut rows = Rows::default();
        let mut figures = Vec::new();
        for (i, row) in self.figures.iter().enumerate() {
            if row.is_empty() {
                continue;
            }
            if let Some(figure) = figure_input(i, row, &mut errors)? {
                figures.push(figure);
                rows.figures.push(i);
            }
        }
        let mut voices = Vec::new();
        for (i, row) in self.voices.iter().enumerate() {
            if row.is_empty() {
                continue;
            }
            if let Some(voice) = voice_input(i, row, &mut errors)? {
                voices.push(voice);
                rows.voices.push(i);
            }
        }
        let Some(achieved_on) = achieved_on.filter(|_| !errors.any()) else {
            return Ok(Err(errors));
        };
        Ok(Ok(Asked {
            input: WriteAchievement {
                strategy_id,
                organisation_id: None,
                title: self.title.clone(),
                achieved: self.achieved.clone(),
                meant: self.meant.clone(),
                achieved_on,
                ambition_ids,
                commitment_ids,
                action_ids,
                tags: self.all_tags(),
                figures,
                voices,
            },
            rows,
        }))
    }
}

fn listed(rows: Vec<String>) -> String {
    if rows.is_empty() {
        "None".to_owned()
    } else {
        rows.join("; ")
    }
}

fn unreadable() -> AppError {
    AppError::BadRequest("the form could not be read".into())
}

/// The figure a row gives, or none when a box of it cannot be read.
fn figure_input(
    i: usize,
    row: &FigureRow,
    errors: &mut Errors,
) -> Result<Option<FigureInput>, AppError> {
    let label = row.label.clone();
    if !row.cites.trim().is_empty() {
        let cites = Uuid::from_str(row.cites.trim()).map_err(|_| unreadable())?;
        return Ok(Some(FigureInput {
            label,
            value: None,
            unit: None,
            as_of: None,
            indicator_value_id: Some(cites),
        }));
    }
    let n = i + 1;
    let mut readable = true;
    let value = match row.value.trim().replace(',', "") {
        text if text.is_empty() => None,
        text => match Decimal::from_str(text.trim_end_matches('%')) {
            Ok(value) => Some(value),
            Err(_) => {
                readable = false;
                errors.add(
                    &format!("figures-{i}-value"),
                    format!("The value of figure {n} must be a number, for example 80 or 12.5"),
                );
                None
            }
        },
    };
    let as_of = optional_date(&row.as_of, &format!("the date of figure {n}")).unwrap_or_else(|m| {
        readable = false;
        errors.add(&format!("figures-{i}-as_of"), m);
        None
    });
    let unit = Some(row.unit.trim().to_owned()).filter(|u| !u.is_empty());
    Ok(readable.then_some(FigureInput {
        label,
        value,
        unit,
        as_of,
        indicator_value_id: None,
    }))
}

/// The voice a row gives, or none when a box of it cannot be read.
fn voice_input(
    i: usize,
    row: &VoiceRow,
    errors: &mut Errors,
) -> Result<Option<VoiceInput>, AppError> {
    let n = i + 1;
    let kind = match row.kind.as_str() {
        "" => {
            errors.add(
                &format!("voices-{i}-kind"),
                format!("Select whether voice {n} is a quote or a story"),
            );
            None
        }
        kind => Some(VoiceKind::from_str(kind).map_err(|_| unreadable())?),
    };
    let consent_organisation_id = match row.consent_organisation.trim() {
        "" => None,
        id => Some(Uuid::from_str(id).map_err(|_| unreadable())?),
    };
    let consent_on = optional_date(
        &row.consent_on,
        &format!("the day consent was recorded for voice {n}"),
    )
    .map_err(|m| errors.add(&format!("voices-{i}-consent_on"), m));
    let age_band = Some(row.age_band.trim().to_owned()).filter(|b| !b.is_empty());
    Ok(match (kind, consent_on) {
        (Some(kind), Ok(consent_on)) => Some(VoiceInput {
            kind,
            text: row.text.clone(),
            role: row.role.clone(),
            age_band,
            consent_organisation_id,
            consent_on,
        }),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::refusals::refused;
    use super::*;
    use crate::domain::validation::FieldError;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields::new(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn empty_rows_are_not_sent_and_refusals_find_their_row() {
        let form = AchievementForm::read(&fields(&[
            ("title", "Council tax exemption"),
            ("achieved", "All districts exempt care leavers."),
            ("meant", "No bills they cannot pay."),
            ("achieved_on-day", "1"),
            ("achieved_on-month", "4"),
            ("achieved_on-year", "2023"),
            ("voice_rows", "3"),
            ("voices-0-text", ""),
            ("voices-1-kind", "quote"),
            ("voices-1-text", "Call me on 07700 900123"),
            ("voices-1-role", "care leaver"),
            ("voices-2-kind", "story"),
            ("voices-2-text", "A story"),
            ("voices-2-role", "foster carer"),
        ]));
        assert_eq!(form.voices.len(), 3);
        let asked = form.parse(None).unwrap().unwrap();
        assert_eq!(asked.input.voices.len(), 2);
        assert_eq!(asked.rows.voices, [1, 2]);
        let refusal = AppError::Validation(vec![FieldError::new(
            "voices[0].text",
            "holds a telephone number: remove it",
        )]);
        let shown = refused(refusal, &asked.rows).unwrap();
        assert_eq!(
            shown.get("voices-1-text"),
            Some("What voice 2 says holds a telephone number: remove it")
        );
    }

    #[test]
    fn boxes_that_cannot_be_read_are_asked_for_before_the_service() {
        let form = AchievementForm::read(&fields(&[
            ("title", "T"),
            ("achieved", " "),
            ("meant", "M"),
            ("achieved_on-day", "31"),
            ("achieved_on-month", "2"),
            ("achieved_on-year", "2024"),
            ("figure_rows", "1"),
            ("figures-0-label", "care leavers in work"),
            ("figures-0-value", "many"),
            ("voice_rows", "1"),
            ("voices-0-text", "Thank you"),
        ]));
        let errors = form.parse(None).unwrap().unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "achieved",
                "achieved_on",
                "figures-0-value",
                "voices-0-kind"
            ]
        );
    }

    #[test]
    fn tags_are_the_local_offer_box_and_the_typed_list() {
        let form = AchievementForm::read(&fields(&[
            ("local_offer", "yes"),
            ("tags", "EET, , housing "),
        ]));
        assert_eq!(form.all_tags(), [LOCAL_OFFER, "EET", "housing"]);
        assert_eq!(AchievementForm::default().tag_words(), "None");
    }
}
