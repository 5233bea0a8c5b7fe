//! The delivery plan as a spreadsheet: one row per action, with ambitions
//! and commitments by number and organisations by name, so an administrator
//! can write it by hand. Export and import use the same columns, so an
//! exported plan imports into another strategy unchanged.

pub mod resolve;
pub mod sheet;

use std::cmp::Ordering;
use std::collections::HashMap;

use csv::Writer;
use diesel_async::AsyncConnection;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

pub use sheet::{COLUMNS, MAX_ROWS, PlanRow, parse};

use self::sheet::row_error;

use self::resolve::{Resolved, Vocabulary, resolve};
use super::actions::insert;
use super::actions::links::{check_dates, dedup};
use super::context::{Ctx, authorize, missing, visible};
use super::input::validate;
use crate::db::actions::{self as store, NewAction};
use crate::db::{self, Pool, statements, strategies};
use crate::domain::spreadsheet::{cell, with_bom};
use crate::domain::{StatementKind, permissions};
use crate::error::AppError;

/// What an import stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResult {
    /// How many actions were created.
    pub(crate) created: usize,
    /// Their references, in the order of the sheet.
    pub(crate) references: Vec<String>,
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

/// The strategy's live plan (archived actions left out) as a sheet that
/// `import` reads back.
pub async fn export(pool: &Pool, ctx: &Ctx, strategy_id: Uuid) -> Result<Vec<u8>, AppError> {
    visible(&ctx.actor, strategy_id, "strategy")?;
    let mut conn = pool.get().await?;
    strategies::find(&mut conn, strategy_id)
        .await
        .map_err(missing("strategy"))?;
    let mut actions = store::for_strategy(&mut conn, strategy_id).await?;
    actions.retain(|a| a.archived_at.is_none());
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
    use std::collections::HashSet;

    use chrono::NaiveDate;

    use super::resolve::*;
    use super::sheet::*;
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
