//! The plan sheet's columns and how a sheet is read: every cell that can be
//! checked without the database is checked, and every problem is named by
//! row and column.

use chrono::NaiveDate;
use csv::{ReaderBuilder, StringRecord};

use crate::domain::spreadsheet::{BOM, uncell};
use crate::domain::validation::FieldError;

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
    pub(crate) line: usize,
    pub(crate) reference: String,
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) ambitions: Vec<i32>,
    pub(crate) commitments: Vec<i32>,
    pub(crate) lead: String,
    pub(crate) supporting: Vec<String>,
    pub(crate) start_date: Option<NaiveDate>,
    pub(crate) target_date: Option<NaiveDate>,
}

/// An error in one cell, named by row and column.
pub fn row_error(line: usize, column: &str, message: impl Into<String>) -> FieldError {
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
        match record {
            Ok(record) => rows.push(read_row(&record, line, &mut errors)),
            Err(e) => errors.push(FieldError::new(format!("row {line}"), e.to_string())),
        }
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

/// Reads one row, adding what is wrong with its cells to `errors`.
fn read_row(record: &StringRecord, line: usize, errors: &mut Vec<FieldError>) -> PlanRow {
    let field = |n: usize| uncell(record.get(n).unwrap_or("").trim()).to_owned();
    let row = PlanRow {
        line,
        reference: field(0),
        title: field(1),
        description: field(2),
        ambitions: parse_numbers(line, "ambitions", &field(3), errors),
        commitments: parse_numbers(line, "commitments", &field(4), errors),
        lead: field(5),
        supporting: split_list(&field(6)).map(str::to_owned).collect(),
        start_date: parse_date(line, "start_date", &field(7), errors),
        target_date: parse_date(line, "target_date", &field(8), errors),
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
    row
}
