//! The delivery plan as a spreadsheet: one row per action, with ambitions
//! and commitments by number and organisations by name, so an administrator
//! can write it by hand. Export and import use the same columns, so an
//! exported plan imports into another strategy unchanged.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use csv::{ReaderBuilder, Writer};
use diesel_async::AsyncConnection;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::actions::links::{check_dates, dedup};
use super::actions::{CreateAction, insert};
use super::context::{Ctx, authorize, missing, visible};
use super::input::validate;
use crate::db::actions::{self as store, NewAction};
use crate::db::{self, Pool, statements, strategies};
use crate::domain::spreadsheet::{BOM, cell, uncell, with_bom};
use crate::domain::validation::FieldError;
use crate::domain::{StatementKind, permissions};
use crate::error::AppError;

/// The columns, in order.
pub const COLUMNS: [&str; 9] = [
    "reference",
    "title",
    "description",
    "ambitions",
    "commitments",
    "lead",
    "supporting",
    "start_date",
    "target_date",
];

/// The most actions one import may hold.
pub const MAX_ROWS: usize = 2_000;

/// One row of the sheet, as written. `line` is the row number a spreadsheet
/// shows, counting the header as row 1.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRow {
    pub line: usize,
    pub reference: String,
    pub title: String,
    pub description: String,
    pub ambitions: Vec<i32>,
    pub commitments: Vec<i32>,
    pub lead: String,
    pub supporting: Vec<String>,
    pub start_date: Option<NaiveDate>,
    pub target_date: Option<NaiveDate>,
}

/// What an import stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResult {
    /// How many actions were created.
    pub created: usize,
    /// Their references, in the order of the sheet.
    pub references: Vec<String>,
}

fn row_error(line: usize, column: &str, message: impl Into<String>) -> FieldError {
    FieldError::new(format!("row {line}: {column}"), message)
}

fn split_list(text: &str) -> impl Iterator<Item = &str> {
    text.split(';').map(str::trim).filter(|s| !s.is_empty())
}

fn parse_numbers(line: usize, column: &str, text: &str, errors: &mut Vec<FieldError>) -> Vec<i32> {
    let mut numbers = Vec::new();
    for part in split_list(text) {
        match part.parse::<i32>() {
            Ok(n) if n > 0 => numbers.push(n),
            _ => errors.push(row_error(
                line,
                column,
                format!("{part:?} is not a number; list numbers separated by semicolons, e.g. 1;3"),
            )),
        }
    }
    numbers
}

fn parse_date(
    line: usize,
    column: &str,
    text: &str,
    errors: &mut Vec<FieldError>,
) -> Option<NaiveDate> {
    if text.is_empty() {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| {
            errors.push(row_error(
                line,
                column,
                format!("{text:?} is not a date like 2024-03-31"),
            ))
        })
        .ok()
}

/// Reads a sheet, checking its shape and every cell that can be checked
/// without the database. All problems are reported, each with its row.
pub fn parse(bytes: &[u8]) -> Result<Vec<PlanRow>, Vec<FieldError>> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| {
        vec![FieldError::new(
            "file",
            "is not UTF-8 text; save the sheet as CSV UTF-8",
        )]
    })?;
    let mut reader = ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| vec![FieldError::new("row 1", e.to_string())])?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    if headers != COLUMNS {
        return Err(vec![FieldError::new(
            "row 1",
            format!("the columns must be, in order: {}", COLUMNS.join(", ")),
        )]);
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        if rows.len() == MAX_ROWS {
            return Err(vec![FieldError::new(
                "file",
                format!("holds more than {MAX_ROWS} actions; split it"),
            )]);
        }
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                errors.push(FieldError::new(format!("row {line}"), e.to_string()));
                continue;
            }
        };
        let field = |n: usize| uncell(record.get(n).unwrap_or("").trim()).to_owned();
        let row = PlanRow {
            line,
            reference: field(0),
            title: field(1),
            description: field(2),
            ambitions: parse_numbers(line, "ambitions", &field(3), &mut errors),
            commitments: parse_numbers(line, "commitments", &field(4), &mut errors),
            lead: field(5),
            supporting: split_list(&field(6)).map(str::to_owned).collect(),
            start_date: parse_date(line, "start_date", &field(7), &mut errors),
            target_date: parse_date(line, "target_date", &field(8), &mut errors),
        };
        for (column, value) in [
            ("reference", &row.reference),
            ("title", &row.title),
            ("lead", &row.lead),
        ] {
            if value.is_empty() {
                errors.push(row_error(line, column, "is required"));
            }
        }
        if row.ambitions.is_empty()
            && !errors
                .iter()
                .any(|e| e.field == format!("row {line}: ambitions"))
        {
            errors.push(row_error(
                line,
                "ambitions",
                "at least one ambition number is required",
            ));
        }
        rows.push(row);
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(FieldError::new("file", "holds no actions"));
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// What names and numbers in a sheet refer to, in one strategy.
pub struct Vocabulary {
    pub strategy_id: Uuid,
    /// Partner organisations by lower-cased name and short name.
    pub partners: HashMap<String, Uuid>,
    pub ambitions: HashMap<i32, Uuid>,
    pub commitments: HashMap<i32, Uuid>,
    /// References the strategy already uses, lower-cased.
    pub references: HashSet<String>,
}

/// A row resolved into a new action, with the row it came from.
#[derive(Debug)]
pub struct Resolved {
    pub line: usize,
    pub action: CreateAction,
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
        let mut statements = |column: &str,
                              numbers: &[i32],
                              known: &HashMap<i32, Uuid>|
         -> Vec<Uuid> {
            numbers
                .iter()
                .filter_map(|n| {
                    let found = known.get(n).copied();
                    if found.is_none() {
                        errors.push(row_error(
                            line,
                            column,
                            format!("this strategy has no {} {n}", column.trim_end_matches('s')),
                        ));
                    }
                    found
                })
                .collect()
        };
        let ambition_ids = statements("ambitions", &row.ambitions, &words.ambitions);
        let commitment_ids = statements("commitments", &row.commitments, &words.commitments);
        if let Some(lead) = lead {
            resolved.push(Resolved {
                line,
                action: CreateAction {
                    strategy_id: words.strategy_id,
                    reference: row.reference,
                    title: row.title,
                    description: Some(row.description),
                    lead_organisation_id: lead,
                    supporting_organisation_ids: Some(supporting),
                    ambition_ids,
                    commitment_ids: Some(commitment_ids),
                    start_date: row.start_date,
                    target_date: row.target_date,
                },
            });
        }
    }
    if errors.is_empty() {
        Ok(resolved)
    } else {
        Err(errors)
    }
}

/// Orders references as people read them: A1.2 before A1.10.
fn natural(a: &str, b: &str) -> Ordering {
    fn parts(s: &str) -> Vec<(u64, String)> {
        let mut out = Vec::new();
        let mut chars = s.chars().peekable();
        while let Some(&c) = chars.peek() {
            let digit = c.is_ascii_digit();
            let mut run = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_ascii_digit() != digit {
                    break;
                }
                run.push(c);
                chars.next();
            }
            out.push(if digit {
                (run.parse().unwrap_or(u64::MAX), String::new())
            } else {
                (0, run)
            });
        }
        out
    }
    parts(a).cmp(&parts(b)).then_with(|| a.cmp(b))
}

async fn vocabulary(conn: &mut db::Conn, strategy_id: Uuid) -> Result<Vocabulary, AppError> {
    let mut partners = HashMap::new();
    for org in strategies::partners(conn, &[strategy_id])
        .await?
        .remove(&strategy_id)
        .unwrap_or_default()
    {
        if let Some(short) = &org.short_name {
            partners.insert(short.to_lowercase(), org.id);
        }
        partners.insert(org.name.to_lowercase(), org.id);
    }
    let mut ambitions = HashMap::new();
    let mut commitments = HashMap::new();
    for s in statements::for_strategy(conn, strategy_id).await? {
        match s.kind {
            StatementKind::Ambition => ambitions.insert(s.number, s.id),
            StatementKind::Commitment => commitments.insert(s.number, s.id),
        };
    }
    let references = store::for_strategy(conn, strategy_id)
        .await?
        .into_iter()
        .map(|a| a.reference.to_lowercase())
        .collect();
    Ok(Vocabulary {
        strategy_id,
        partners,
        ambitions,
        commitments,
        references,
    })
}

/// Imports a sheet of new actions into a strategy: all of them, or, if any
/// row is wrong, none, with every problem named by its row.
pub async fn import(
    pool: &Pool,
    ctx: &Ctx,
    strategy_id: Uuid,
    bytes: &[u8],
) -> Result<ImportResult, AppError> {
    authorize(
        permissions::can_manage_actions(&ctx.actor),
        "only administrators and the chair can import actions",
    )?;
    let rows = parse(bytes).map_err(AppError::Validation)?;
    let mut conn = pool.get().await?;
    strategies::find(&mut conn, strategy_id)
        .await
        .map_err(missing("strategy"))?;
    let words = vocabulary(&mut conn, strategy_id).await?;
    let resolved = resolve(rows, &words).map_err(AppError::Validation)?;
    let mut errors = Vec::new();
    for Resolved { line, action } in &resolved {
        let checked =
            validate(action).and_then(|()| check_dates(action.start_date, action.target_date));
        if let Err(AppError::Validation(found)) = checked {
            errors.extend(
                found
                    .into_iter()
                    .map(|e| row_error(*line, &e.field, e.message)),
            );
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let at = ctx.clock.now();
    let references = conn
        .transaction(async |conn| {
            let mut references = Vec::with_capacity(resolved.len());
            for Resolved { line, action } in &resolved {
                let lead = action.lead_organisation_id;
                let supporting = dedup(
                    action
                        .supporting_organisation_ids
                        .clone()
                        .unwrap_or_default(),
                    lead,
                );
                let links: Vec<Uuid> = action
                    .ambition_ids
                    .iter()
                    .chain(action.commitment_ids.iter().flatten())
                    .copied()
                    .collect();
                let new = NewAction {
                    id: Uuid::now_v7(),
                    strategy_id,
                    reference: action.reference.clone(),
                    title: action.title.clone(),
                    description: action.description.clone().unwrap_or_default(),
                    lead_organisation_id: lead,
                    start_date: action.start_date,
                    target_date: action.target_date,
                    created_at: at,
                    updated_at: at,
                };
                insert(conn, ctx, &new, &supporting, &links)
                    .await
                    .map_err(|e| e.in_item(format!("row {line}")))?;
                references.push(new.reference);
            }
            Ok::<_, AppError>(references)
        })
        .await?;
    Ok(ImportResult {
        created: references.len(),
        references,
    })
}

/// The strategy's actions as a sheet that `import` reads back.
pub async fn export(pool: &Pool, ctx: &Ctx, strategy_id: Uuid) -> Result<Vec<u8>, AppError> {
    visible(&ctx.actor, strategy_id, "strategy")?;
    let mut conn = pool.get().await?;
    strategies::find(&mut conn, strategy_id)
        .await
        .map_err(missing("strategy"))?;
    let mut actions = store::for_strategy(&mut conn, strategy_id).await?;
    actions.sort_by(|a, b| natural(&a.reference, &b.reference));
    let ids: Vec<Uuid> = actions.iter().map(|a| a.id).collect();
    let mut supporters = store::supporters(&mut conn, &ids).await?;
    let mut links = store::links(&mut conn, &ids).await?;
    let lead_names = crate::db::organisations::refs(
        &mut conn,
        &actions
            .iter()
            .map(|a| a.lead_organisation_id)
            .collect::<Vec<_>>(),
    )
    .await?;
    let mut writer = Writer::from_writer(Vec::new());
    writer.write_record(COLUMNS).map_err(AppError::internal)?;
    for action in actions {
        let mut statements = links.remove(&action.id).unwrap_or_default();
        statements.sort_by_key(|s| s.number);
        let numbers = |kind: StatementKind| {
            statements
                .iter()
                .filter(|s| s.kind == kind)
                .map(|s| s.number.to_string())
                .collect::<Vec<_>>()
                .join(";")
        };
        let mut supporting: Vec<String> = supporters
            .remove(&action.id)
            .unwrap_or_default()
            .into_iter()
            .map(|o| o.name)
            .collect();
        supporting.sort();
        let lead = lead_names
            .get(&action.lead_organisation_id)
            .map(|o| o.name.clone())
            .unwrap_or_default();
        writer
            .write_record([
                cell(&action.reference),
                cell(&action.title),
                cell(&action.description),
                numbers(StatementKind::Ambition),
                numbers(StatementKind::Commitment),
                cell(&lead),
                cell(&supporting.join("; ")),
                action.start_date.map(|d| d.to_string()).unwrap_or_default(),
                action
                    .target_date
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            ])
            .map_err(AppError::internal)?;
    }
    Ok(with_bom(&writer.into_inner().map_err(AppError::internal)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "reference,title,description,ambitions,commitments,lead,supporting,start_date,target_date\n";

    #[test]
    fn a_good_sheet_parses_with_its_row_numbers() {
        let sheet = format!(
            "\u{feff}{HEADER}A1.1,Protect children,,1;3,2,Nottinghamshire Police,NCC; NHS,2022-04-01,2025-03-31\nA1.2,'=Not a formula,,2,,NCC,,,\n"
        );
        let rows = parse(sheet.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].ambitions, [1, 3]);
        assert_eq!(rows[0].supporting, ["NCC", "NHS"]);
        assert_eq!(rows[0].target_date, NaiveDate::from_ymd_opt(2025, 3, 31));
        assert_eq!(rows[1].title, "=Not a formula");
        assert_eq!(rows[1].start_date, None);
    }

    #[test]
    fn every_bad_cell_is_named_by_row_and_column() {
        let sheet = format!("{HEADER}A1.1,,,x,,Police,,2022-13-01,\n,Title,,,,,,,\n");
        let errors = parse(sheet.as_bytes()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "row 2: ambitions",
                "row 2: start_date",
                "row 2: title",
                "row 3: reference",
                "row 3: lead",
                "row 3: ambitions",
            ]
        );
    }

    #[test]
    fn the_columns_must_be_the_export_columns() {
        let errors = parse(b"ref,title\nA1,x\n").unwrap_err();
        assert_eq!(errors[0].field, "row 1");
        assert!(
            parse(HEADER.as_bytes()).is_err(),
            "an empty sheet is refused"
        );
        assert!(parse(b"\xff\xfe").is_err());
    }

    fn vocabulary() -> Vocabulary {
        Vocabulary {
            strategy_id: Uuid::from_u128(1),
            partners: HashMap::from([
                ("police".into(), Uuid::from_u128(2)),
                ("ncc".into(), Uuid::from_u128(3)),
            ]),
            ambitions: HashMap::from([(1, Uuid::from_u128(4))]),
            commitments: HashMap::new(),
            references: HashSet::from(["a9".into()]),
        }
    }

    #[test]
    fn names_numbers_and_references_must_resolve() {
        let sheet =
            format!("{HEADER}A1,T,,1,,Police,NCC,,\nA1,T,,1;2,1,Probation,,,\nA9,T,,1,,NCC,,,\n");
        let errors = resolve(parse(sheet.as_bytes()).unwrap(), &vocabulary()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "row 3: reference",
                "row 3: lead",
                "row 3: ambitions",
                "row 3: commitments",
                "row 4: reference"
            ]
        );
        let sheet = format!("{HEADER}A1,T,,1,,police,NCC,,\n");
        let resolved = resolve(parse(sheet.as_bytes()).unwrap(), &vocabulary()).unwrap();
        assert_eq!(resolved[0].action.lead_organisation_id, Uuid::from_u128(2));
        assert_eq!(
            resolved[0].action.supporting_organisation_ids,
            Some(vec![Uuid::from_u128(3)])
        );
    }

    #[test]
    fn references_sort_as_people_read_them() {
        let mut refs = vec!["A1.10", "A2.1", "A1.2", "A1.1"];
        refs.sort_by(|a, b| natural(a, b));
        assert_eq!(refs, ["A1.1", "A1.2", "A1.10", "A2.1"]);
    }
}
