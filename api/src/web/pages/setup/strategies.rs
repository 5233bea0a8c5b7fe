//! Strategies, for administrators: the list, a form to add one, and each
//! strategy's page, where its details and partners are edited and its
//! ambitions, commitments and actions are listed with what may be done to
//! each.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Path, Query};
use askama::Template;
use chrono::NaiveDate;
use uuid::Uuid;

use super::super::{Done, chrome, first};
use super::fields::{
    Choice, Difference, Fields, Wording, as_shown, chosen_names, date_words, differences, ids,
    kind_words, status_label,
};
use crate::concurrency::Precondition;
use crate::domain::{AllowedAction, StatementKind, StrategyStatus};
use crate::error::AppError;
use crate::paging::MAX_LIMIT;
use crate::services::Ctx;
use crate::services::actions::{self, ActionQuery, ActionView};
use crate::services::organisations::{self, OrganisationQuery, OrganisationView};
use crate::services::statements::{self, StatementView};
use crate::services::strategies::{self, CreateStrategy, StrategyView, UpdateStrategy};
use crate::state::AppState;
use crate::web::csrf::Posted;
use crate::web::format::{self, Chrome, Section};
use crate::web::forms::{DateParts, Errors, given, sentence};
use crate::web::respond::{PageError, page, see_other};
use crate::web::session::SignedIn;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // `new` before `{id}`, which would otherwise take it.
    cfg.route("/admin/strategies", web::get().to(list))
        .route("/admin/strategies", web::post().to(create))
        .route("/admin/strategies/new", web::get().to(new))
        .route("/admin/strategies/{id}", web::get().to(show))
        .route("/admin/strategies/{id}", web::post().to(save));
}

#[derive(Template)]
#[template(path = "web/setup/strategies.html")]
struct ListPage {
    chrome: Chrome,
    strategies: Vec<StrategyView>,
}

impl ListPage {
    fn date(&self, day: &NaiveDate) -> String {
        format::date(day)
    }
}

async fn list(
    state: Data<AppState>,
    signed: SignedIn,
    done: Query<Done>,
) -> Result<HttpResponse, PageError> {
    let strategies = strategies::for_setup(&state.pool, &signed.ctx).await?;
    let data = ListPage {
        chrome: chrome(&signed, Section::Admin, &done),
        strategies,
    };
    Ok(page(StatusCode::OK, &data)?)
}

/// The strategy form as typed.
#[derive(Debug, Default, Clone)]
struct StrategyForm {
    title: String,
    vision: String,
    period_start: DateParts,
    period_end: DateParts,
    status: String,
    partners: Vec<String>,
    version: Option<i32>,
}

impl StrategyForm {
    fn read(fields: &Fields) -> StrategyForm {
        StrategyForm {
            title: fields.text("title"),
            vision: fields.text("vision"),
            period_start: fields.date("period_start"),
            period_end: fields.date("period_end"),
            status: fields.text("status"),
            partners: fields.all("partner_ids"),
            version: fields.version(),
        }
    }

    fn of(strategy: &StrategyView) -> StrategyForm {
        StrategyForm {
            title: strategy.title.clone(),
            vision: strategy.vision.clone(),
            period_start: DateParts::of(strategy.period_start),
            period_end: DateParts::of(strategy.period_end),
            status: strategy.status.as_str().to_owned(),
            partners: strategy.partners.iter().map(|o| o.id.to_string()).collect(),
            version: Some(strategy.version),
        }
    }

    /// What the service is asked for, or what is missing or unreadable.
    fn parse(&self) -> Result<Typed, Errors> {
        let mut errors = Errors::none();
        if self.title.trim().is_empty() {
            errors.add("title", "Enter the strategy's title");
        }
        let start = self
            .period_start
            .parse("the first day of the strategy")
            .map_err(|m| errors.add("period_start", m))
            .ok();
        let end = self
            .period_end
            .parse("the last day of the strategy")
            .map_err(|m| errors.add("period_end", m))
            .ok();
        let status = self
            .status
            .parse::<StrategyStatus>()
            .map_err(|_| errors.add("status", "Select the strategy's status"))
            .ok();
        let partners = ids(&self.partners)
            .map_err(|_| errors.add("partner_ids", "Select partners from the list"));
        match (start, end, status, partners) {
            (Some(period_start), Some(period_end), Some(status), Ok(partner_ids))
                if !errors.any() =>
            {
                Ok(Typed {
                    period_start,
                    period_end,
                    status,
                    partner_ids,
                })
            }
            _ => Err(errors),
        }
    }

    /// The service's refusal, worded for this form.
    fn refused(&self, error: AppError) -> Result<Errors, AppError> {
        match error {
            // The one conflict of a strategy's change: dropping a partner
            // that has work in it.
            AppError::Conflict(message) => {
                let mut errors = Errors::none();
                errors.add("partner_ids", sentence(&message));
                Ok(errors)
            }
            other => Ok(as_shown(Errors::from_refusal(other)?, WORDING)),
        }
    }
}

/// The strategy's fields as the service's messages name them.
const WORDING: Wording = Wording {
    asks: &[],
    labels: &[
        ("period_start", "the first day"),
        ("period_end", "the last day"),
    ],
};

/// The parts of the form that are not plain text, read.
struct Typed {
    period_start: NaiveDate,
    period_end: NaiveDate,
    status: StrategyStatus,
    partner_ids: Vec<Uuid>,
}

fn status_words(status: &str) -> String {
    status
        .parse::<StrategyStatus>()
        .map_or_else(|_| "Not chosen".to_owned(), |s| status_label(&s).to_owned())
}

/// Every organisation, ticked when the form names it a partner.
fn partner_choices(organisations: &[OrganisationView], form: &StrategyForm) -> Vec<Choice> {
    organisations
        .iter()
        .map(|o| Choice::of(o.id, o.name.clone(), &form.partners))
        .collect()
}

fn status_choices(form: &StrategyForm) -> Vec<Choice> {
    StrategyStatus::ALL
        .iter()
        .map(|status| {
            let hint = match status {
                StrategyStatus::Draft => "Being set up. Only a draft strategy can be deleted.",
                StrategyStatus::Active => {
                    "The board's strategy now: partners report on its actions."
                }
                StrategyStatus::Archived => "Finished. Kept with its history for reports.",
            };
            Choice {
                hint,
                ..Choice::of(
                    status.as_str(),
                    status_label(status),
                    std::slice::from_ref(&form.status),
                )
            }
        })
        .collect()
}

async fn all_organisations(state: &AppState, ctx: &Ctx) -> Result<Vec<OrganisationView>, AppError> {
    Ok(organisations::list(
        &state.pool,
        ctx,
        OrganisationQuery::default(),
        &first(MAX_LIMIT),
    )
    .await?
    .items)
}

#[derive(Template)]
#[template(path = "web/setup/strategy_new.html")]
struct NewPage {
    chrome: Chrome,
    form: StrategyForm,
    errors: Errors,
    organisations: Vec<Choice>,
    statuses: Vec<Choice>,
}

async fn new_page(
    state: &AppState,
    signed: &SignedIn,
    form: StrategyForm,
    errors: Errors,
) -> Result<HttpResponse, PageError> {
    // The list refuses anyone who may not set strategies up.
    strategies::for_setup(&state.pool, &signed.ctx).await?;
    let organisations = all_organisations(state, &signed.ctx).await?;
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let data = NewPage {
        chrome: chrome(signed, Section::Admin, &Done::default()),
        organisations: partner_choices(&organisations, &form),
        statuses: status_choices(&form),
        form,
        errors,
    };
    Ok(page(status, &data)?)
}

async fn new(state: Data<AppState>, signed: SignedIn) -> Result<HttpResponse, PageError> {
    let form = StrategyForm {
        status: StrategyStatus::Draft.as_str().to_owned(),
        ..Default::default()
    };
    new_page(&state, &signed, form, Errors::none()).await
}

async fn create(
    state: Data<AppState>,
    posted: Posted<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let form = StrategyForm::read(&Fields::new(form));
    let errors = match form.parse() {
        Ok(typed) => {
            let input = CreateStrategy {
                title: form.title.clone(),
                vision: given(&form.vision),
                period_start: typed.period_start,
                period_end: typed.period_end,
                status: Some(typed.status),
                partner_ids: Some(typed.partner_ids),
            };
            match strategies::create(&state.pool, &signed.ctx, input).await {
                Ok(created) => {
                    return Ok(see_other(&format!(
                        "/admin/strategies/{}?done=strategy-created",
                        created.id
                    )));
                }
                Err(error) => form.refused(error)?,
            }
        }
        Err(errors) => errors,
    };
    new_page(&state, &signed, form, errors).await
}

#[derive(Template)]
#[template(path = "web/setup/strategy.html")]
struct StrategyPage {
    chrome: Chrome,
    strategy: StrategyView,
    form: StrategyForm,
    errors: Errors,
    /// After a stale form: where the strategy as saved differs from it.
    conflict: Option<Vec<Difference>>,
    organisations: Vec<Choice>,
    statuses: Vec<Choice>,
    ambitions: Vec<StatementView>,
    commitments: Vec<StatementView>,
    actions: Vec<ActionView>,
    archived: Vec<ActionView>,
}

impl StrategyPage {
    fn date(&self, day: &NaiveDate) -> String {
        format::date(day)
    }

    fn may(&self, what: AllowedAction) -> bool {
        self.strategy.allowed_actions.contains(&what)
    }

    fn may_edit(&self, statement: &StatementView) -> bool {
        statement.allowed_actions.contains(&AllowedAction::Update)
    }

    fn may_delete(&self, statement: &StatementView) -> bool {
        statement.allowed_actions.contains(&AllowedAction::Delete)
    }

    fn may_restore(&self, action: &ActionView) -> bool {
        action.allowed_actions.contains(&AllowedAction::Unarchive)
    }

    /// The ambitions, then the commitments.
    fn parts(&self) -> [Part<'_>; 2] {
        let part = |kind, list, create| {
            let words = kind_words(kind);
            Part {
                path: words.path,
                heading: words.heading,
                noun: words.noun,
                article: words.article,
                list,
                may_add: self.may(create),
            }
        };
        [
            part(
                StatementKind::Ambition,
                &self.ambitions,
                AllowedAction::CreateAmbition,
            ),
            part(
                StatementKind::Commitment,
                &self.commitments,
                AllowedAction::CreateCommitment,
            ),
        ]
    }
}

/// A list of the strategy's statements of one kind.
struct Part<'a> {
    path: &'static str,
    heading: &'static str,
    noun: &'static str,
    article: &'static str,
    list: &'a [StatementView],
    may_add: bool,
}

/// What the strategy's page reads besides the strategy.
struct Contents {
    organisations: Vec<OrganisationView>,
    ambitions: Vec<StatementView>,
    commitments: Vec<StatementView>,
    actions: Vec<ActionView>,
    archived: Vec<ActionView>,
}

async fn contents(state: &AppState, ctx: &Ctx, id: Uuid) -> Result<Contents, AppError> {
    let statements_of = async |kind| {
        statements::list(&state.pool, ctx, id, kind, &first(MAX_LIMIT))
            .await
            .map(|p| p.items)
    };
    let actions_of = async |archived| {
        let query = ActionQuery {
            strategy_id: Some(id),
            archived: Some(archived),
            ..Default::default()
        };
        actions::list(&state.pool, ctx, query, &first(MAX_LIMIT))
            .await
            .map(|p| p.items)
    };
    Ok(Contents {
        organisations: all_organisations(state, ctx).await?,
        ambitions: statements_of(StatementKind::Ambition).await?,
        commitments: statements_of(StatementKind::Commitment).await?,
        actions: actions_of(false).await?,
        archived: actions_of(true).await?,
    })
}

/// The strategy's page: as saved, or with the form as typed when it came
/// back refused or stale.
async fn strategy_page(
    state: &AppState,
    signed: &SignedIn,
    id: Uuid,
    typed: Option<StrategyForm>,
    errors: Errors,
    stale: bool,
    done: &Done,
) -> Result<HttpResponse, PageError> {
    let strategy = strategies::get(&state.pool, &signed.ctx, id).await?;
    if !strategy.allowed_actions.contains(&AllowedAction::Update) {
        return Err(AppError::Forbidden("only administrators can change strategies".into()).into());
    }
    let contents = contents(state, &signed.ctx, id).await?;
    let saved = StrategyForm::of(&strategy);
    let form = match typed {
        // Sent again, the form replaces the version now saved.
        Some(typed) if stale => StrategyForm {
            version: saved.version,
            ..typed
        },
        Some(typed) => typed,
        None => saved.clone(),
    };
    let organisations = partner_choices(&contents.organisations, &form);
    let conflict = stale.then(|| {
        let saved_partners = partner_choices(&contents.organisations, &saved);
        differences(vec![
            ("Title", saved.title.clone(), form.title.clone()),
            ("Vision", saved.vision.clone(), form.vision.clone()),
            (
                "First day",
                date_words(&saved.period_start),
                date_words(&form.period_start),
            ),
            (
                "Last day",
                date_words(&saved.period_end),
                date_words(&form.period_end),
            ),
            (
                "Status",
                status_words(&saved.status),
                status_words(&form.status),
            ),
            (
                "Partners",
                chosen_names(&saved_partners),
                chosen_names(&organisations),
            ),
        ])
    });
    let status = if stale {
        StatusCode::CONFLICT
    } else if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let data = StrategyPage {
        chrome: chrome(signed, Section::Admin, done),
        statuses: status_choices(&form),
        organisations,
        strategy,
        form,
        errors,
        conflict,
        ambitions: contents.ambitions,
        commitments: contents.commitments,
        actions: contents.actions,
        archived: contents.archived,
    };
    Ok(page(status, &data)?)
}

async fn show(
    state: Data<AppState>,
    signed: SignedIn,
    id: Path<Uuid>,
    done: Query<Done>,
) -> Result<HttpResponse, PageError> {
    strategy_page(&state, &signed, *id, None, Errors::none(), false, &done).await
}

/// The change the form asks for: only what differs from the strategy as
/// saved, so saving an unchanged form changes nothing.
fn changes(saved: &StrategyView, form: &StrategyForm, typed: Typed) -> UpdateStrategy {
    let differs = |a: &str, b: &str| a.trim() != b.trim();
    let mut partners = typed.partner_ids.clone();
    partners.sort();
    let mut were: Vec<Uuid> = saved.partners.iter().map(|o| o.id).collect();
    were.sort();
    UpdateStrategy {
        title: differs(&form.title, &saved.title).then(|| form.title.clone()),
        vision: differs(&form.vision, &saved.vision).then(|| form.vision.clone()),
        period_start: (typed.period_start != saved.period_start).then_some(typed.period_start),
        period_end: (typed.period_end != saved.period_end).then_some(typed.period_end),
        status: (typed.status != saved.status).then_some(typed.status),
        partner_ids: (partners != were).then_some(typed.partner_ids),
    }
}

async fn save(
    state: Data<AppState>,
    id: Path<Uuid>,
    posted: Posted<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let id = *id;
    let form = StrategyForm::read(&Fields::new(form));
    let mut stale = false;
    let errors = match form.parse() {
        Ok(typed) => {
            let saved = strategies::get(&state.pool, &signed.ctx, id).await?;
            let input = changes(&saved, &form, typed);
            let precondition = form
                .version
                .map_or_else(Precondition::none, Precondition::assume);
            match strategies::update(&state.pool, &signed.ctx, id, precondition, input).await {
                Ok(_) => {
                    return Ok(see_other(&format!(
                        "/admin/strategies/{id}?done=strategy-saved"
                    )));
                }
                Err(AppError::PreconditionFailed | AppError::PreconditionRequired) => {
                    stale = true;
                    Errors::none()
                }
                Err(error) => form.refused(error)?,
            }
        }
        Err(errors) => errors,
    };
    strategy_page(
        &state,
        &signed,
        id,
        Some(form),
        errors,
        stale,
        &Done::default(),
    )
    .await
}
