//! Archiving an action no longer pursued, and restoring it, each from a
//! page that says what it does before anything changes.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Path};
use askama::Template;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use super::super::{Done, Versioned, chrome};
use crate::concurrency::Precondition;
use crate::domain::AllowedAction;
use crate::error::AppError;
use crate::services::actions::{self, ActionView, Include, UpdateAction};
use crate::services::strategies::{self, StrategyView};
use crate::state::AppState;
use crate::web::csrf::Posted;
use crate::web::format::{self, Chrome, Section};
use crate::web::respond::{PageError, page, see_other};
use crate::web::session::SignedIn;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/admin/actions/{id}/archive",
        web::get().to(confirm_archive),
    )
    .route("/admin/actions/{id}/archive", web::post().to(archive))
    .route(
        "/admin/actions/{id}/restore",
        web::get().to(confirm_restore),
    )
    .route("/admin/actions/{id}/restore", web::post().to(restore));
}

#[derive(Template)]
#[template(path = "web/setup/action_archive.html")]
struct ArchivePage {
    chrome: Chrome,
    action: ActionView,
    strategy: StrategyView,
    /// The page restores rather than archives.
    restoring: bool,
    /// The action changed after the page was read.
    conflict: bool,
    zone: Tz,
}

impl ArchivePage {
    fn when(&self, at: &DateTime<Utc>) -> String {
        format::moment(at, &self.zone)
    }

    /// Whether it is already as the page would leave it.
    fn done_already(&self) -> bool {
        self.action.archived != self.restoring
    }

    fn path(&self) -> &'static str {
        if self.restoring { "restore" } else { "archive" }
    }
}

/// The page for one of the two changes, for those the action offers it to.
async fn archive_page(
    state: &AppState,
    signed: &SignedIn,
    id: Uuid,
    restoring: bool,
    conflict: bool,
) -> Result<HttpResponse, PageError> {
    let action = actions::get(&state.pool, &signed.ctx, id, Include::default()).await?;
    let (offered, other) = if restoring {
        (AllowedAction::Unarchive, AllowedAction::Archive)
    } else {
        (AllowedAction::Archive, AllowedAction::Unarchive)
    };
    // Someone who may do the change may also be told it is done already.
    let allowed = &action.allowed_actions;
    if !allowed.contains(&offered) && !allowed.contains(&other) {
        return Err(AppError::Forbidden(
            "only administrators and the chair can archive or restore actions".into(),
        )
        .into());
    }
    let strategy = strategies::get(&state.pool, &signed.ctx, action.strategy_id).await?;
    let section = if strategy.allowed_actions.contains(&AllowedAction::Update) {
        Section::Admin
    } else {
        Section::Plan
    };
    let data = ArchivePage {
        chrome: chrome(signed, section, &Done::default()),
        action,
        strategy,
        restoring,
        conflict,
        zone: state.clock.zone(),
    };
    let status = if conflict {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    Ok(page(status, &data)?)
}

async fn confirm_archive(
    state: Data<AppState>,
    signed: SignedIn,
    id: Path<Uuid>,
) -> Result<HttpResponse, PageError> {
    archive_page(&state, &signed, *id, false, false).await
}

async fn confirm_restore(
    state: Data<AppState>,
    signed: SignedIn,
    id: Path<Uuid>,
) -> Result<HttpResponse, PageError> {
    archive_page(&state, &signed, *id, true, false).await
}

/// Archives (`archived`) or restores the action through the operation
/// behind `PATCH /api/v1/actions/{id}`; a change made meanwhile shows the
/// page again as the action is now.
async fn set_archived(
    state: &AppState,
    posted: Posted<Versioned>,
    id: Uuid,
    archived: bool,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let input = UpdateAction {
        archived: Some(archived),
        ..Default::default()
    };
    let changed = actions::update(
        &state.pool,
        &signed.ctx,
        id,
        Precondition::assume(form.version),
        input,
    )
    .await;
    match changed {
        Ok(_) => {
            let done = if archived {
                "action-archived"
            } else {
                "action-restored"
            };
            Ok(see_other(&format!("/actions/{id}?done={done}")))
        }
        Err(AppError::PreconditionFailed) => {
            archive_page(state, &signed, id, !archived, true).await
        }
        Err(error) => Err(error.into()),
    }
}

async fn archive(
    state: Data<AppState>,
    id: Path<Uuid>,
    posted: Posted<Versioned>,
) -> Result<HttpResponse, PageError> {
    set_archived(&state, posted, *id, true).await
}

async fn restore(
    state: Data<AppState>,
    id: Path<Uuid>,
    posted: Posted<Versioned>,
) -> Result<HttpResponse, PageError> {
    set_archived(&state, posted, *id, false).await
}
