//! `/admin`: the areas of the service's set-up the caller may work in.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Query};
use askama::Template;

use super::{Changed, admin_chrome};
use crate::services::administration::{self, Area};
use crate::web::format::Chrome;
use crate::web::respond::{PageError, page};
use crate::web::session::SignedIn;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin", web::get().to(show));
}

/// One area on the index: where it is, what it is called, what it is for.
struct Entry {
    href: &'static str,
    title: &'static str,
    description: &'static str,
}

fn entry(area: Area) -> Entry {
    let (href, title, description) = match area {
        Area::Strategies => (
            "/admin/strategies",
            "The strategy and its actions",
            "Strategies, their ambitions, commitments and partners, and the actions of the delivery plan.",
        ),
        Area::Organisations => (
            "/admin/organisations",
            "Organisations",
            "The partner organisations that sit on the board and own its actions.",
        ),
        Area::Users => (
            "/admin/users",
            "Users",
            "Accounts: create them, change a role or organisation, deactivate.",
        ),
        Area::Tokens => (
            "/admin/tokens",
            "System tokens",
            "Read-only credentials for other systems, such as a council's dashboard.",
        ),
        Area::Webhooks => (
            "/admin/webhooks",
            "Webhooks",
            "Other systems' addresses that receive every change as it happens, signed, and how delivery to each is going.",
        ),
        Area::Jobs => (
            "/admin/jobs",
            "Failed deliveries",
            "Queued work, such as an email or a webhook delivery, that failed every attempt: why, and a way to try it again.",
        ),
        Area::Audit => (
            "/admin/audit",
            "Audit trail",
            "Every change: who made it, when, and the record before and after.",
        ),
        Area::Import => (
            "/admin/import",
            "Import a delivery plan",
            "Add a strategy's actions from a spreadsheet saved as CSV.",
        ),
    };
    Entry {
        href,
        title,
        description,
    }
}

#[derive(Template)]
#[template(path = "web/admin/index.html")]
struct IndexPage {
    chrome: Chrome,
    entries: Vec<Entry>,
}

async fn show(signed: SignedIn, changed: Query<Changed>) -> Result<HttpResponse, PageError> {
    let areas = administration::areas(&signed.ctx)?;
    let data = IndexPage {
        chrome: admin_chrome(&signed, &changed),
        entries: areas.into_iter().map(entry).collect(),
    };
    Ok(page(StatusCode::OK, &data)?)
}
