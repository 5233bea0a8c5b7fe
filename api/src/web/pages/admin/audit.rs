//! The audit trail: every change, newest first, filtered by kind of
//! record, by who made it and by a range of days. The filters are a GET
//! form, so the address carries them and a view can be shared.

use std::collections::BTreeMap;
use std::str::FromStr;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Query};
use askama::Template;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use uuid::Uuid;

use super::{Changed, admin_chrome, chosen};
use crate::domain::Entity;
use crate::error::AppError;
use crate::paging::{MAX_LIMIT, PageParams};
use crate::services::administration::{self, Area};
use crate::services::audit_log::{self, AuditEventView, AuditQuery};
use crate::services::changes::{FieldChange, diff};
use crate::services::users::{self, UserQuery, UserView};
use crate::state::AppState;
use crate::web::format::{self, Chrome};
use crate::web::forms::{DateParts, Errors, sentence};
use crate::web::pages::first;
use crate::web::respond::{PageError, page};
use crate::web::session::SignedIn;

const PATH: &str = "/admin/audit";
/// Changes shown on one page.
const PAGE_SIZE: i64 = 50;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(PATH, web::get().to(show));
}

/// The filters as the address carries them.
#[derive(Debug, Default, Deserialize)]
struct Filters {
    #[serde(default)]
    entity: Option<String>,
    #[serde(default)]
    actor_id: Option<String>,
    #[serde(default, rename = "since-day")]
    since_day: String,
    #[serde(default, rename = "since-month")]
    since_month: String,
    #[serde(default, rename = "since-year")]
    since_year: String,
    #[serde(default, rename = "until-day")]
    until_day: String,
    #[serde(default, rename = "until-month")]
    until_month: String,
    #[serde(default, rename = "until-year")]
    until_year: String,
    #[serde(default)]
    cursor: Option<String>,
}

impl Filters {
    fn since(&self) -> DateParts {
        DateParts::new(
            self.since_day.clone(),
            self.since_month.clone(),
            self.since_year.clone(),
        )
    }

    fn until(&self) -> DateParts {
        DateParts::new(
            self.until_day.clone(),
            self.until_month.clone(),
            self.until_year.clone(),
        )
    }

    /// The filters given, as the address's fields (blank ones left out).
    fn pairs<'a>(&'a self, actor_id: Option<&'a str>) -> Vec<(&'static str, &'a str)> {
        [
            ("entity", chosen(&self.entity)),
            ("actor_id", actor_id.unwrap_or(chosen(&self.actor_id))),
            ("since-day", self.since_day.trim()),
            ("since-month", self.since_month.trim()),
            ("since-year", self.since_year.trim()),
            ("until-day", self.until_day.trim()),
            ("until-month", self.until_month.trim()),
            ("until-year", self.until_year.trim()),
        ]
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .collect()
    }

    /// A day typed in full, none when all its boxes are blank.
    fn day(
        parts: DateParts,
        field: &str,
        what: &str,
        errors: &mut Errors,
    ) -> Option<chrono::NaiveDate> {
        if [&parts.day, &parts.month, &parts.year]
            .iter()
            .all(|p| p.trim().is_empty())
        {
            return None;
        }
        parts
            .parse(what)
            .map_err(|message| errors.add(field, message))
            .ok()
    }

    /// The query the filters ask for, or what is wrong with them.
    fn read(&self, signed: &SignedIn, errors: &mut Errors) -> AuditQuery {
        let entity = match chosen(&self.entity) {
            "" => None,
            text => Entity::from_str(text)
                .map_err(|_| errors.add("entity", "Choose a kind of record from the list"))
                .ok(),
        };
        let actor_id = match chosen(&self.actor_id) {
            "" => None,
            text => Uuid::parse_str(text)
                .map_err(|_| errors.add("actor_id", "Choose a person from the list"))
                .ok(),
        };
        let clock = &signed.ctx.clock;
        let since = Self::day(self.since(), "since", "the first day", errors)
            .map(|day| clock.start_of_day(day));
        let until = Self::day(self.until(), "until", "the last day", errors)
            .map(|day| clock.end_of_day(day));
        AuditQuery {
            entity,
            entity_id: None,
            actor_id,
            since,
            until,
        }
    }

    fn any(&self) -> bool {
        !self.pairs(None).is_empty()
    }

    /// The address of these filters (with `actor_id` for the one given),
    /// continuing after `cursor`.
    fn address<'a>(&'a self, actor_id: Option<&'a str>, cursor: Option<&'a str>) -> String {
        let mut pairs = self.pairs(actor_id);
        if let Some(cursor) = cursor {
            pairs.push(("cursor", cursor));
        }
        if pairs.is_empty() {
            PATH.to_owned()
        } else {
            let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
            format!("{PATH}?{query}")
        }
    }
}

/// One change as the page shows it.
struct Entry {
    event: AuditEventView,
    changes: BTreeMap<String, FieldChange>,
}

#[derive(Template)]
#[template(path = "web/admin/audit.html")]
struct AuditPage {
    chrome: Chrome,
    entries: Vec<Entry>,
    filters: Filters,
    /// The people to choose from; none when the caller may not list
    /// accounts (the chair), who filters by a name in the table instead.
    people: Option<Vec<UserView>>,
    since: DateParts,
    until: DateParts,
    errors: Errors,
    next: Option<String>,
    zone: Tz,
}

impl AuditPage {
    fn entities(&self) -> &'static [Entity] {
        Entity::ALL
    }

    fn is(&self, field: &Option<String>, value: &str) -> bool {
        chosen(field) == value
    }

    fn moment(&self, at: &DateTime<Utc>) -> String {
        format::moment(at, &self.zone)
    }

    fn action(&self, action: &str) -> String {
        match action {
            "create" => "Created".to_owned(),
            "update" => "Changed".to_owned(),
            "delete" => "Deleted".to_owned(),
            "lock" => "Sign-in locked".to_owned(),
            "erase" => "Personal data erased".to_owned(),
            other => sentence(&other.replace('_', " ")),
        }
    }

    fn value(&self, value: &serde_json::Value) -> String {
        match value {
            serde_json::Value::Null => "(none)".to_owned(),
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        }
    }

    /// The address of the changes by one person, with the other filters.
    fn by(&self, actor: &Uuid) -> String {
        self.filters.address(Some(&actor.to_string()), None)
    }

    /// The address of everyone's changes, with the other filters.
    fn everyone(&self) -> String {
        self.filters.address(Some(""), None)
    }

    fn first_page(&self) -> Option<String> {
        self.filters
            .cursor
            .as_ref()
            .map(|_| self.filters.address(None, None))
    }
}

async fn show(
    state: Data<AppState>,
    signed: SignedIn,
    filters: Query<Filters>,
    changed: Query<Changed>,
) -> Result<HttpResponse, PageError> {
    let filters = filters.into_inner();
    let mut errors = Errors::none();
    let query = filters.read(&signed, &mut errors);
    let (events, next) = if errors.any() {
        // Nothing to list with a filter that cannot be read; the page is
        // still shown only to those the trail is open to.
        administration::enter(&signed.ctx, Area::Audit)?;
        (Vec::new(), None)
    } else {
        let paging = PageParams {
            limit: Some(PAGE_SIZE),
            cursor: filters.cursor.clone(),
            updated_since: None,
        };
        let found = audit_log::list(&state.pool, &signed.ctx, query, &paging).await?;
        let next = found
            .next_cursor
            .map(|cursor| filters.address(None, Some(&cursor)));
        (found.items, next)
    };
    let people = match users::list(
        &state.pool,
        &signed.ctx,
        UserQuery::default(),
        &first(MAX_LIMIT),
    )
    .await
    {
        Ok(found) => Some(found.items),
        Err(AppError::Forbidden(_)) => None,
        Err(error) => return Err(error.into()),
    };
    let entries = events
        .into_iter()
        .map(|event| Entry {
            changes: diff(event.before.as_ref(), event.after.as_ref()),
            event,
        })
        .collect();
    let status = if errors.any() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let data = AuditPage {
        chrome: admin_chrome(&signed, &changed),
        entries,
        people,
        since: filters.since(),
        until: filters.until(),
        filters,
        errors,
        next,
        zone: signed.ctx.clock.zone(),
    };
    Ok(page(status, &data)?)
}
