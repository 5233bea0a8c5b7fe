//! What a sheet's names and numbers refer to in one strategy: organisations
//! by name or short name, ambitions and commitments by number, and
//! references not yet taken.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use super::sheet::{PlanRow, row_error};
use crate::domain::validation::FieldError;
use crate::services::actions::CreateAction;

/// What names and numbers in a sheet refer to, in one strategy.
pub struct Vocabulary {
    /// The strategy.
    pub(crate) strategy_id: Uuid,
    /// Partner organisations by lower-cased name and short name.
    pub(crate) partners: HashMap<String, Uuid>,
    /// Ambitions by number.
    pub(crate) ambitions: HashMap<i32, Uuid>,
    /// Commitments by number.
    pub(crate) commitments: HashMap<i32, Uuid>,
    /// References the strategy already uses, lower-cased.
    pub(crate) references: HashSet<String>,
}

/// A row resolved into a new action, with the row it came from.
#[derive(Debug)]
pub struct Resolved {
    /// The row, as a spreadsheet numbers it.
    pub(crate) line: usize,
    /// The action it describes.
    pub(crate) action: CreateAction,
}

/// Turns names and numbers into ids, reporting every one that does not
/// resolve and every reference used twice or already taken.
pub fn resolve(rows: Vec<PlanRow>, words: &Vocabulary) -> Result<Vec<Resolved>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut resolved = Vec::new();
    for row in rows {
        let line = row.line;
        let key = row.reference.to_lowercase();
        if words.references.contains(&key) {
            errors.push(row_error(
                line,
                "reference",
                format!("{} is already an action of this strategy", row.reference),
            ));
        } else if let Some(first) = seen.insert(key, line) {
            errors.push(row_error(
                line,
                "reference",
                format!("{} is also used in row {first}", row.reference),
            ));
        }
        if let Some(action) = resolve_row(row, words, &mut errors) {
            resolved.push(Resolved { line, action });
        }
    }
    if errors.is_empty() {
        Ok(resolved)
    } else {
        Err(errors)
    }
}

/// One row as a new action, adding what does not resolve to `errors`.
fn resolve_row(
    row: PlanRow,
    words: &Vocabulary,
    errors: &mut Vec<FieldError>,
) -> Option<CreateAction> {
    let line = row.line;
    let mut organisation = |column: &str, name: &str| {
        let found = words.partners.get(&name.to_lowercase()).copied();
        if found.is_none() {
            errors.push(row_error(
                line,
                column,
                format!("{name:?} is not a partner organisation of this strategy"),
            ));
        }
        found
    };
    let lead = organisation("lead", &row.lead);
    let supporting: Vec<Uuid> = row
        .supporting
        .iter()
        .filter_map(|name| organisation("supporting", name))
        .collect();
    let mut statements = |column: &str, numbers: &[i32], known: &HashMap<i32, Uuid>| {
        numbers
            .iter()
            .filter_map(|n| {
                let found = known.get(n).copied();
                if found.is_none() {
                    let kind = column.trim_end_matches('s');
                    let message = format!("this strategy has no {kind} {n}");
                    errors.push(row_error(line, column, message));
                }
                found
            })
            .collect::<Vec<Uuid>>()
    };
    let ambition_ids = statements("ambitions", &row.ambitions, &words.ambitions);
    let commitment_ids = statements("commitments", &row.commitments, &words.commitments);
    Some(CreateAction {
        strategy_id: words.strategy_id,
        reference: row.reference,
        title: row.title,
        description: Some(row.description),
        lead_organisation_id: lead?,
        supporting_organisation_ids: Some(supporting),
        ambition_ids,
        commitment_ids: Some(commitment_ids),
        start_date: row.start_date,
        target_date: row.target_date,
    })
}
