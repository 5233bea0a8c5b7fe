//! `/admin/webhooks/{id}`: one webhook, its delivery log, and what an
//! administrator does with it: disable or enable it, give it a new
//! secret, delete it after a page that says what that does.

use std::collections::HashMap;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Path, Query};
use askama::Template;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use uuid::Uuid;

use super::webhooks::{SecretPage, receives, strategy_titles};
use super::{Changed, admin_chrome};
use crate::concurrency::Precondition;
use crate::error::AppError;
use crate::http::webhook_policy;
use crate::paging::PageParams;
use crate::services::webhooks::{self, DeliveryView, UpdateWebhook, WebhookView};
use crate::state::AppState;
use crate::web::csrf::Posted;
use crate::web::format::{self, Chrome};
use crate::web::respond::{PageError, page, see_other};
use crate::web::session::SignedIn;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/webhooks/{id}", web::get().to(show))
        .route("/admin/webhooks/{id}/enabled", web::post().to(enable))
        .route("/admin/webhooks/{id}/secret", web::post().to(rotate))
        .route("/admin/webhooks/{id}/delete", web::get().to(confirm))
        .route("/admin/webhooks/{id}/delete", web::post().to(delete));
}

#[derive(Template)]
#[template(path = "web/admin/webhook.html")]
struct ShowPage {
    chrome: Chrome,
    e: WebhookView,
    receives: String,
    deliveries: Vec<DeliveryView>,
    zone: Tz,
    /// Someone changed it after the form was read: shown as it is now.
    conflict: bool,
}

impl ShowPage {
    fn moment(&self, at: &DateTime<Utc>) -> String {
        format::moment(at, &self.zone)
    }
}

async fn show_page(
    state: &AppState,
    signed: &SignedIn,
    id: Uuid,
    changed: &Changed,
    conflict: bool,
) -> Result<HttpResponse, PageError> {
    let e = webhooks::get(&state.pool, &signed.ctx, id).await?;
    let paging = PageParams {
        limit: Some(50),
        cursor: None,
        updated_since: None,
    };
    let deliveries = webhooks::deliveries(&state.pool, &signed.ctx, id, &paging)
        .await?
        .items;
    let titles: HashMap<Uuid, String> = strategy_titles(state, signed)
        .await?
        .into_iter()
        .map(|s| (s.id, s.title))
        .collect();
    let data = ShowPage {
        chrome: admin_chrome(signed, changed),
        receives: receives(&e, &titles),
        e,
        deliveries,
        zone: signed.ctx.clock.zone(),
        conflict,
    };
    let status = if conflict {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    Ok(page(status, &data)?)
}

async fn show(
    state: Data<AppState>,
    signed: SignedIn,
    id: Path<Uuid>,
    changed: Query<Changed>,
) -> Result<HttpResponse, PageError> {
    show_page(&state, &signed, *id, &changed, false).await
}

#[derive(Debug, Deserialize)]
struct EnableForm {
    version: i32,
    enabled: bool,
}

async fn enable(
    state: Data<AppState>,
    id: Path<Uuid>,
    posted: Posted<EnableForm>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let input = UpdateWebhook {
        enabled: Some(form.enabled),
        ..UpdateWebhook::default()
    };
    let precondition = Precondition::assume(form.version);
    let policy = webhook_policy(&state);
    match webhooks::update(&state.pool, &signed.ctx, policy, *id, precondition, input).await {
        Ok(_) => {
            let done = if form.enabled { "enabled" } else { "disabled" };
            Ok(see_other(&format!(
                "/admin/webhooks/{id}?done=webhook-{done}"
            )))
        }
        Err(AppError::PreconditionFailed) => {
            show_page(&state, &signed, *id, &Changed::default(), true).await
        }
        Err(error) => Err(error.into()),
    }
}

#[derive(Debug, Deserialize)]
struct VersionForm {
    version: i32,
}

async fn rotate(
    state: Data<AppState>,
    id: Path<Uuid>,
    posted: Posted<VersionForm>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let precondition = Precondition::assume(form.version);
    match webhooks::rotate_secret(&state.pool, &signed.ctx, *id, precondition).await {
        Ok(shown) => {
            let data = SecretPage {
                chrome: admin_chrome(&signed, &Changed::default()),
                shown,
                rotated: true,
            };
            Ok(page(StatusCode::OK, &data)?)
        }
        Err(AppError::PreconditionFailed) => {
            show_page(&state, &signed, *id, &Changed::default(), true).await
        }
        Err(error) => Err(error.into()),
    }
}

#[derive(Template)]
#[template(path = "web/admin/webhook_delete.html")]
struct DeletePage {
    chrome: Chrome,
    e: WebhookView,
}

async fn confirm(
    state: Data<AppState>,
    signed: SignedIn,
    id: Path<Uuid>,
) -> Result<HttpResponse, PageError> {
    let e = webhooks::get(&state.pool, &signed.ctx, *id).await?;
    let data = DeletePage {
        chrome: admin_chrome(&signed, &Changed::default()),
        e,
    };
    Ok(page(StatusCode::OK, &data)?)
}

async fn delete(
    state: Data<AppState>,
    id: Path<Uuid>,
    posted: Posted<VersionForm>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let precondition = Precondition::assume(form.version);
    match webhooks::delete(&state.pool, &signed.ctx, *id, precondition).await {
        Ok(()) => Ok(see_other("/admin/webhooks?done=webhook-deleted")),
        Err(AppError::PreconditionFailed) => {
            show_page(&state, &signed, *id, &Changed::default(), true).await
        }
        Err(error) => Err(error.into()),
    }
}
