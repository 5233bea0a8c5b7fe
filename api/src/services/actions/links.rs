//! What a request about an action may name: organisations that are partners
//! of its strategy, ambitions and commitments of that strategy, plausible
//! dates, each supporter once.

use std::collections::HashSet;

use chrono::NaiveDate;
use uuid::Uuid;

use crate::db::{Conn, statements, strategies};
use crate::domain::StatementKind;
use crate::domain::validation::{FieldError, span_errors};
use crate::error::AppError;
use crate::services::input::valid;

/// Most organisations or statements one request may link to an action.
pub const MAX_LINKS: usize = 100;

/// Checks that organisations are partners of the strategy and statements
/// belong to it and are of the right kind.
async fn check_belongs(
    conn: &mut Conn,
    strategy_id: Uuid,
    organisations: &[(&str, Uuid)],
    links: &[(&str, StatementKind, Uuid)],
) -> Result<(), AppError> {
    let partners: HashSet<Uuid> = strategies::partners(conn, &[strategy_id])
        .await?
        .remove(&strategy_id)
        .unwrap_or_default()
        .into_iter()
        .map(|o| o.id)
        .collect();
    let mut errors = Vec::new();
    for (field, id) in organisations {
        if !partners.contains(id) {
            errors.push(FieldError::new(
                *field,
                "must be a partner organisation of the strategy",
            ));
        }
    }
    let ids: Vec<Uuid> = links.iter().map(|(_, _, id)| *id).collect();
    let found = statements::refs(conn, &ids).await?;
    for (field, kind, id) in links {
        let ok = found
            .iter()
            .any(|s| s.id == *id && s.kind == *kind && s.strategy_id == strategy_id);
        if !ok {
            errors.push(FieldError::new(
                *field,
                format!("must be {} of the strategy", kind_phrase(*kind)),
            ));
        }
    }
    valid(errors)
}

fn kind_phrase(kind: StatementKind) -> &'static str {
    match kind {
        StatementKind::Ambition => "an ambition",
        StatementKind::Commitment => "a commitment",
    }
}

/// The (field, id) pairs of organisations named in a request.
pub fn named_organisations(lead: Option<Uuid>, supporting: Option<&[Uuid]>) -> Vec<(String, Uuid)> {
    let mut named: Vec<(String, Uuid)> = lead
        .map(|id| ("lead_organisation_id".to_owned(), id))
        .into_iter()
        .collect();
    for (i, id) in supporting.unwrap_or_default().iter().enumerate() {
        named.push((format!("supporting_organisation_ids[{i}]"), *id));
    }
    named
}

/// The (field, kind, id) triples of the statements named in a request.
pub fn named_links(
    ambitions: Option<&[Uuid]>,
    commitments: Option<&[Uuid]>,
) -> Vec<(String, StatementKind, Uuid)> {
    let mut named = Vec::new();
    for (i, id) in ambitions.unwrap_or_default().iter().enumerate() {
        named.push((format!("ambition_ids[{i}]"), StatementKind::Ambition, *id));
    }
    for (i, id) in commitments.unwrap_or_default().iter().enumerate() {
        named.push((
            format!("commitment_ids[{i}]"),
            StatementKind::Commitment,
            *id,
        ));
    }
    named
}

/// Checks the organisations and statements a request names, by field.
pub async fn check_request(
    conn: &mut Conn,
    strategy_id: Uuid,
    organisations: &[(String, Uuid)],
    links: &[(String, StatementKind, Uuid)],
) -> Result<(), AppError> {
    let organisations: Vec<(&str, Uuid)> = organisations
        .iter()
        .map(|(f, id)| (f.as_str(), *id))
        .collect();
    let links: Vec<(&str, StatementKind, Uuid)> = links
        .iter()
        .map(|(f, k, id)| (f.as_str(), *k, *id))
        .collect();
    check_belongs(conn, strategy_id, &organisations, &links).await
}

/// A plausible start and target date, in that order.
pub fn check_dates(start: Option<NaiveDate>, target: Option<NaiveDate>) -> Result<(), AppError> {
    valid(span_errors(("start_date", start), ("target_date", target)))
}

/// Removes duplicates and the lead from a list of supporters.
pub fn dedup(ids: Vec<Uuid>, lead: Uuid) -> Vec<Uuid> {
    let mut seen = HashSet::new();
    ids.into_iter()
        .filter(|id| *id != lead && seen.insert(*id))
        .collect()
}
