//! The organisation's pledges: one against each commitment of each
//! strategy it is a partner of, a gap where there is none, and a form to
//! write or revise each, with its earlier versions.

use std::collections::HashMap;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Path, Query};
use askama::Template;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use uuid::Uuid;

use super::{Done, chrome, first};
use crate::concurrency::Precondition;
use crate::domain::{AllowedAction, Rag, StatementKind};
use crate::error::AppError;
use crate::paging::MAX_LIMIT;
use crate::services::Ctx;
use crate::services::pledges::{self, PledgeQuery, PledgeView, WritePledge};
use crate::services::statements::{self, StatementView};
use crate::state::AppState;
use crate::web::csrf::Posted;
use crate::web::format::{self, Chrome, Section};
use crate::web::forms::Errors;
use crate::web::respond::{PageError, page, see_other};
use crate::web::session::SignedIn;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/pledges", web::get().to(list))
        .route("/pledges/{commitment}", web::get().to(show))
        .route("/pledges/{commitment}", web::post().to(write));
}

/// A commitment and the organisation's pledge against it, if any.
pub struct PledgeRow {
    pub commitment: StatementView,
    pub pledge: Option<PledgeView>,
}

/// Each commitment of the strategies the organisation is a partner of,
/// with its pledge (from `pledges`, the organisation's) or a gap.
pub async fn rows(
    state: &AppState,
    ctx: &Ctx,
    organisation: Uuid,
    pledges: Vec<PledgeView>,
) -> Result<Vec<PledgeRow>, AppError> {
    let commitments =
        statements::of_partner(&state.pool, ctx, organisation, StatementKind::Commitment).await?;
    let mut by_commitment: HashMap<Uuid, PledgeView> =
        pledges.into_iter().map(|p| (p.commitment.id, p)).collect();
    Ok(commitments
        .into_iter()
        .map(|commitment| PledgeRow {
            pledge: by_commitment.remove(&commitment.id),
            commitment,
        })
        .collect())
}

fn organisation_of(signed: &SignedIn) -> Result<Uuid, AppError> {
    signed.ctx.actor.organisation_id().ok_or_else(|| {
        AppError::Forbidden("only members of an organisation write its pledges".into())
    })
}

#[derive(Template)]
#[template(path = "web/pledges.html")]
struct PledgesPage {
    chrome: Chrome,
    rows: Vec<PledgeRow>,
}

async fn list(
    state: Data<AppState>,
    signed: SignedIn,
    done: Query<Done>,
) -> Result<HttpResponse, PageError> {
    let organisation = organisation_of(&signed)?;
    let query = PledgeQuery {
        organisation_id: Some(organisation),
        ..Default::default()
    };
    let pledges = pledges::list(&state.pool, &signed.ctx, query, &first(MAX_LIMIT))
        .await?
        .items;
    let data = PledgesPage {
        chrome: chrome(&signed, Section::Pledges, &done),
        rows: rows(&state, &signed.ctx, organisation, pledges).await?,
    };
    Ok(page(StatusCode::OK, &data)?)
}

#[derive(Debug, Default, Deserialize)]
struct PledgeForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    rag: String,
    #[serde(default)]
    version: Option<i32>,
}

#[derive(Template)]
#[template(path = "web/pledge.html")]
struct PledgePage {
    chrome: Chrome,
    commitment: StatementView,
    pledge: Option<PledgeView>,
    form: PledgeForm,
    errors: Errors,
    conflict: bool,
    zone: Tz,
}

impl PledgePage {
    fn when(&self, at: &DateTime<Utc>) -> String {
        format::moment(at, &self.zone)
    }

    fn can_write(&self) -> bool {
        self.pledge
            .as_ref()
            .is_none_or(|p| p.allowed_actions.contains(&AllowedAction::Update))
    }

    fn ratings(&self) -> &'static [Rag] {
        Rag::ALL
    }
}

async fn current(
    state: &AppState,
    ctx: &Ctx,
    organisation: Uuid,
    commitment: Uuid,
) -> Result<Option<PledgeView>, AppError> {
    match pledges::get(&state.pool, ctx, organisation, commitment).await {
        Ok(pledge) => Ok(Some(pledge)),
        Err(AppError::NotFound(_)) => Ok(None),
        Err(other) => Err(other),
    }
}

/// The pledge page: the commitment, the pledge as it stands, and the form
/// (as stored, or as typed when it came back).
async fn pledge_page(
    state: &AppState,
    signed: &SignedIn,
    commitment: Uuid,
    typed: Option<PledgeForm>,
    errors: Errors,
    conflict: bool,
) -> Result<PledgePage, AppError> {
    let organisation = organisation_of(signed)?;
    let commitment = statements::get(
        &state.pool,
        &signed.ctx,
        commitment,
        StatementKind::Commitment,
    )
    .await?;
    let pledge = current(state, &signed.ctx, organisation, commitment.id).await?;
    let version = pledge.as_ref().map(|p| p.version);
    let form = match typed {
        // After a conflict the form names the version now stored, so
        // sending it again replaces that one.
        Some(typed) if conflict => PledgeForm { version, ..typed },
        Some(typed) => typed,
        None => PledgeForm {
            text: pledge.as_ref().map(|p| p.text.clone()).unwrap_or_default(),
            rag: pledge
                .as_ref()
                .map(|p| p.rag.as_str().to_owned())
                .unwrap_or_default(),
            version,
        },
    };
    Ok(PledgePage {
        chrome: chrome(signed, Section::Pledges, &Done::default()),
        commitment,
        pledge,
        form,
        errors,
        conflict,
        zone: state.clock.zone(),
    })
}

async fn show(
    state: Data<AppState>,
    signed: SignedIn,
    commitment: Path<Uuid>,
) -> Result<HttpResponse, PageError> {
    let data = pledge_page(&state, &signed, *commitment, None, Errors::none(), false).await?;
    Ok(page(StatusCode::OK, &data)?)
}

async fn write(
    state: Data<AppState>,
    commitment: Path<Uuid>,
    posted: Posted<PledgeForm>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let organisation = organisation_of(&signed)?;
    let mut errors = Errors::none();
    let mut conflict = false;
    let rag = match form.rag.as_str() {
        "" => Ok(None),
        text => text.parse::<Rag>().map(Some),
    };
    match rag {
        Ok(rag) => {
            let input = WritePledge {
                text: form.text.clone(),
                rag,
            };
            let precondition = form
                .version
                .map_or_else(Precondition::none, Precondition::assume);
            let written = pledges::write(
                &state.pool,
                &signed.ctx,
                organisation,
                *commitment,
                precondition,
                input,
            )
            .await;
            match written {
                Ok(_) => return Ok(see_other("/pledges?done=pledge")),
                Err(AppError::PreconditionFailed | AppError::PreconditionRequired) => {
                    conflict = true
                }
                Err(error) => errors = Errors::from_refusal(error)?,
            }
        }
        Err(_) => errors.add(
            "rag",
            "Select how the organisation is meeting this commitment",
        ),
    }
    let data = pledge_page(&state, &signed, *commitment, Some(form), errors, conflict).await?;
    let status = if conflict {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(page(status, &data)?)
}
