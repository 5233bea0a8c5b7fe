//! Importing a delivery plan: choose the strategy, send the sheet saved as
//! CSV. The import stores every row or none; when it refuses, every
//! problem is listed by row and column so the sheet can be put right.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Data};
use askama::Template;
use uuid::Uuid;

use super::{Changed, admin_chrome};
use crate::domain::validation::FieldError;
use crate::error::AppError;
use crate::paging::MAX_LIMIT;
use crate::services::administration::{self, Area};
use crate::services::plan_csv::{self, COLUMNS, ImportResult};
use crate::services::strategies::{self, StrategyQuery, StrategyView};
use crate::state::AppState;
use crate::web::format::Chrome;
use crate::web::forms::{Errors, sentence};
use crate::web::pages::first;
use crate::web::respond::{PageError, page};
use crate::web::session::SignedIn;
use crate::web::upload::Uploaded;

const PATH: &str = "/admin/import";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(PATH, web::get().to(show))
        .route(PATH, web::post().to(import));
}

/// One problem with the sheet, where a spreadsheet shows it.
struct SheetError {
    /// The row number a spreadsheet shows, the header being row 1.
    row: Option<String>,
    column: String,
    message: String,
}

impl SheetError {
    /// Reads a field error the import named by row and column (`row 3:
    /// lead`), by row (`row 3`), or not at all (the whole file).
    fn of(error: FieldError) -> SheetError {
        let Some(place) = error.field.strip_prefix("row ") else {
            // The import's messages about the file follow its name.
            let message = if error.field == "file" {
                format!("The file {}", error.message)
            } else {
                sentence(&error.message)
            };
            return SheetError {
                row: None,
                column: error.field,
                message,
            };
        };
        let message = sentence(&error.message);
        let (row, column) = place.split_once(": ").unwrap_or((place, ""));
        SheetError {
            row: Some(row.to_owned()),
            column: column.to_owned(),
            message,
        }
    }
}

/// Every problem an import was refused with, or the error itself when it
/// is not about the sheet.
fn sheet_errors(error: AppError) -> Result<Vec<SheetError>, AppError> {
    match error {
        AppError::Validation(errors) => Ok(errors.into_iter().map(SheetError::of).collect()),
        // A row refused as it was stored (a reference taken meanwhile).
        AppError::Item { path, error } => {
            let found = match *error {
                AppError::Validation(errors) => errors,
                other => vec![FieldError::new("", other.to_string())],
            };
            Ok(found
                .into_iter()
                .map(|e| {
                    let field = if e.field.is_empty() {
                        path.clone()
                    } else {
                        format!("{path}: {}", e.field)
                    };
                    SheetError::of(FieldError::new(field, e.message))
                })
                .collect())
        }
        other => Err(other),
    }
}

#[derive(Template)]
#[template(path = "web/admin/import.html")]
struct ImportPage {
    chrome: Chrome,
    strategies: Vec<StrategyView>,
    strategy_id: String,
    /// The name of the file refused.
    file_name: Option<String>,
    errors: Errors,
    /// What was wrong in the sheet's rows.
    rows: Vec<SheetError>,
}

impl ImportPage {
    fn columns(&self) -> &'static [&'static str] {
        &COLUMNS
    }
}

async fn render(
    state: &AppState,
    signed: &SignedIn,
    strategy_id: String,
    file_name: Option<String>,
    errors: Errors,
    rows: Vec<SheetError>,
) -> Result<HttpResponse, PageError> {
    let query = StrategyQuery {
        status: None,
        partner_id: None,
        q: None,
    };
    let strategies = strategies::list(&state.pool, &signed.ctx, query, &first(MAX_LIMIT))
        .await?
        .items;
    let status = if errors.any() || !rows.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let data = ImportPage {
        chrome: admin_chrome(signed, &Changed::default()),
        strategies,
        strategy_id,
        file_name,
        errors,
        rows,
    };
    Ok(page(status, &data)?)
}

async fn show(state: Data<AppState>, signed: SignedIn) -> Result<HttpResponse, PageError> {
    administration::enter(&signed.ctx, Area::Import)?;
    render(
        &state,
        &signed,
        String::new(),
        None,
        Errors::none(),
        Vec::new(),
    )
    .await
}

#[derive(Template)]
#[template(path = "web/admin/imported.html")]
struct ImportedPage {
    chrome: Chrome,
    strategy: StrategyView,
    result: ImportResult,
}

async fn import(state: Data<AppState>, uploaded: Uploaded) -> Result<HttpResponse, PageError> {
    let Uploaded {
        signed,
        fields,
        file,
    } = uploaded;
    let chosen = fields
        .get("strategy_id")
        .map(|id| id.trim().to_owned())
        .unwrap_or_default();
    let mut errors = Errors::none();
    let strategy_id = chosen.parse::<Uuid>().ok();
    if strategy_id.is_none() {
        errors.add(
            "strategy_id",
            "Choose the strategy to import the actions into",
        );
    }
    if file.is_none() {
        errors.add("file", "Choose the CSV file of the delivery plan");
    }
    let file_name = file.as_ref().map(|f| f.name.clone());
    let mut rows = Vec::new();
    match (strategy_id, file) {
        (Some(strategy_id), Some(file)) => {
            match plan_csv::import(&state.pool, &signed.ctx, strategy_id, &file.bytes).await {
                Ok(result) => {
                    let strategy = strategies::get(&state.pool, &signed.ctx, strategy_id).await?;
                    let data = ImportedPage {
                        chrome: admin_chrome(&signed, &Changed::default()),
                        strategy,
                        result,
                    };
                    return Ok(page(StatusCode::CREATED, &data)?);
                }
                Err(AppError::NotFound(_)) => {
                    errors.add("strategy_id", "Choose a strategy from the list");
                }
                Err(error) => {
                    for problem in sheet_errors(error)? {
                        match problem.row {
                            // The file as a whole: not UTF-8, empty, too long.
                            None => errors.add("file", problem.message),
                            Some(_) => rows.push(problem),
                        }
                    }
                    if !rows.is_empty() {
                        errors.add(
                            "sheet-errors",
                            format!(
                                "The sheet has {} problem{}; nothing was imported. Put them right, then choose the file again",
                                rows.len(),
                                if rows.len() == 1 { "" } else { "s" }
                            ),
                        );
                    }
                }
            }
        }
        // Nothing to send; the page is still shown only to those the
        // import is open to.
        _ => administration::enter(&signed.ctx, Area::Import)?,
    }
    render(&state, &signed, chosen, file_name, errors, rows).await
}
