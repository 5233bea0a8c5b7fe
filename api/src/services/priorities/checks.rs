//! What a priority and an answer may name: the young people's council it
//! comes from, the strategy's statements, its partners and live actions.

use std::collections::HashMap;

use uuid::Uuid;

use crate::db::priorities as store;
use crate::db::statements::{self, StatementRef};
use crate::db::{Conn, organisations, strategies};
use crate::domain::validation::FieldError;
use crate::domain::{Actor, OrganisationKind, Role, StatementKind, permissions};
use crate::error::AppError;
use crate::services::context::{authorize, missing};
use crate::services::input::valid;

/// The organisation a priority is raised for: the caller's own young
/// people's council, or the one an administrator names.
pub(super) async fn raiser(
    conn: &mut Conn,
    actor: &Actor,
    named: Option<Uuid>,
) -> Result<Uuid, AppError> {
    const FORBIDDEN: &str = "only the young people's council (and administrators) raise priorities";
    let own = match actor.organisation_id() {
        Some(id) => Some(
            organisations::find(conn, id)
                .await
                .map_err(missing("organisation"))?,
        ),
        None => None,
    };
    let speaks = own
        .as_ref()
        .is_some_and(|o| o.kind == OrganisationKind::YoungPeoplesVoice);
    authorize(permissions::can_raise_priority(actor, speaks), FORBIDDEN)?;
    if actor.role() != Some(Role::Admin) {
        let own = own
            .map(|o| o.id)
            .ok_or_else(|| AppError::Forbidden(FORBIDDEN.into()))?;
        return match named {
            Some(id) if id != own => Err(AppError::Forbidden(
                "a priority is raised for your own organisation only".into(),
            )),
            _ => Ok(own),
        };
    }
    let id = named.ok_or_else(|| {
        AppError::validation(
            "organisation_id",
            "is required: the young people's council this priority comes from",
        )
    })?;
    match organisations::find(conn, id).await {
        Ok(o) if o.kind == OrganisationKind::YoungPeoplesVoice => Ok(id),
        Ok(_) => Err(AppError::validation(
            "organisation_id",
            "must be an organisation of kind young_peoples_voice",
        )),
        Err(diesel::result::Error::NotFound) => Err(AppError::validation(
            "organisation_id",
            "no organisation has this id",
        )),
        Err(other) => Err(other.into()),
    }
}

/// Every id must name a statement of `kind` in the strategy.
pub(crate) async fn check_statements(
    conn: &mut Conn,
    strategy_id: Uuid,
    field: &str,
    kind: StatementKind,
    ids: &[Uuid],
) -> Result<Vec<FieldError>, AppError> {
    let found: HashMap<Uuid, StatementRef> = statements::refs(conn, ids)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    Ok(ids
        .iter()
        .enumerate()
        .filter(|(_, id)| {
            !found
                .get(id)
                .is_some_and(|s| s.kind == kind && s.strategy_id == strategy_id)
        })
        .map(|(i, _)| {
            let what = match kind {
                StatementKind::Ambition => "an ambition",
                StatementKind::Commitment => "a commitment",
            };
            FieldError::new(
                format!("{field}[{i}]"),
                format!("is not {what} of this strategy"),
            )
        })
        .collect())
}

/// The organisation must be a partner of the strategy and each action one
/// of its live actions.
pub(super) async fn check_answer_links(
    conn: &mut Conn,
    strategy_id: Uuid,
    owner: Option<Uuid>,
    action_ids: Option<&[Uuid]>,
) -> Result<(), AppError> {
    let mut errors = Vec::new();
    if let Some(owner) = owner {
        let partners = strategies::partners(conn, &[strategy_id])
            .await?
            .remove(&strategy_id)
            .unwrap_or_default();
        if !partners.iter().any(|p| p.id == owner) {
            errors.push(FieldError::new(
                "owner_organisation_id",
                "must be a partner organisation of the strategy",
            ));
        }
    }
    if let Some(ids) = action_ids {
        let found = store::action_briefs(conn, ids).await?;
        for (i, id) in ids.iter().enumerate() {
            match found.get(id) {
                Some(a) if a.strategy_id == strategy_id && a.archived_at.is_none() => {}
                Some(a) if a.strategy_id == strategy_id => errors.push(FieldError::new(
                    format!("action_ids[{i}]"),
                    "is archived: link an action of the live plan",
                )),
                _ => errors.push(FieldError::new(
                    format!("action_ids[{i}]"),
                    "is not an action of this strategy",
                )),
            }
        }
    }
    valid(errors)
}

pub(super) fn blank_to_none(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}
