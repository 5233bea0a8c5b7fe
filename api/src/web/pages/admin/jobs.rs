//! `/admin/jobs`: queued work that failed every attempt (an email, a
//! webhook delivery), each with why its last attempt failed, and a button
//! to queue it again.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Path, Query};
use askama::Template;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use uuid::Uuid;

use super::{Changed, admin_chrome};
use crate::domain::JobState;
use crate::paging::PageParams;
use crate::services::jobs::{self, JobQuery, JobView};
use crate::state::AppState;
use crate::web::csrf::Posted;
use crate::web::format::{self, Chrome};
use crate::web::respond::{PageError, page, see_other};
use crate::web::session::SignedIn;

const LIST: &str = "/admin/jobs";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(LIST, web::get().to(list))
        .route("/admin/jobs/{id}/retry", web::post().to(retry));
}

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    #[serde(default)]
    cursor: Option<String>,
}

#[derive(Template)]
#[template(path = "web/admin/jobs.html")]
struct ListPage {
    chrome: Chrome,
    jobs: Vec<JobView>,
    zone: Tz,
    next: Option<String>,
}

impl ListPage {
    fn moment(&self, at: &DateTime<Utc>) -> String {
        format::moment(at, &self.zone)
    }

    /// What kind of work it was, in words.
    fn kind(&self, job: &JobView) -> String {
        match job.kind.as_str() {
            "mail" => "Email".to_owned(),
            "webhook" => "Webhook delivery".to_owned(),
            other => other.to_owned(),
        }
    }
}

async fn list(
    state: Data<AppState>,
    signed: SignedIn,
    query: Query<ListQuery>,
    changed: Query<Changed>,
) -> Result<HttpResponse, PageError> {
    let paging = PageParams {
        limit: Some(50),
        cursor: query.into_inner().cursor,
        updated_since: None,
    };
    let dead = JobQuery {
        state: Some(JobState::Dead),
    };
    let found = jobs::list(&state.pool, &signed.ctx, dead, &paging).await?;
    let next = found.next_cursor.map(|cursor| {
        let query = serde_urlencoded::to_string([("cursor", cursor)]).unwrap_or_default();
        format!("{LIST}?{query}")
    });
    let data = ListPage {
        chrome: admin_chrome(&signed, &changed),
        zone: signed.ctx.clock.zone(),
        jobs: found.items,
        next,
    };
    Ok(page(StatusCode::OK, &data)?)
}

/// Retrying needs no version: only a dead job can be retried, once.
#[derive(Debug, Deserialize)]
struct RetryForm {}

async fn retry(
    state: Data<AppState>,
    id: Path<Uuid>,
    posted: Posted<RetryForm>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form: _ } = posted;
    jobs::retry(&state.pool, &signed.ctx, *id).await?;
    Ok(see_other(&format!("{LIST}?done=job-retried")))
}
