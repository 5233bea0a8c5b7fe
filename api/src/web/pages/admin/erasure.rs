//! Erasing an account holder's personal data (UK GDPR, right to erasure):
//! a page that says in plain words what erasure does, then the erasure.

use actix_web::HttpResponse;
use actix_web::web::{self, Data, Path};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use super::{Changed, admin_chrome, confirmation_status};
use crate::concurrency::Precondition;
use crate::domain::AllowedAction;
use crate::domain::erasure::pseudonym;
use crate::error::AppError;
use crate::services::erasure;
use crate::services::users::{self, UserView};
use crate::state::AppState;
use crate::web::csrf::Posted;
use crate::web::format::Chrome;
use crate::web::forms::sentence;
use crate::web::respond::{PageError, page, see_other};
use crate::web::session::SignedIn;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/users/{id}/erase", web::get().to(confirm))
        .route("/admin/users/{id}/erase", web::post().to(erase));
}

#[derive(Template)]
#[template(path = "web/admin/user_erase.html")]
struct ErasePage {
    chrome: Chrome,
    user: UserView,
    /// Why the service would not erase the account, when it would not.
    refusal: Option<String>,
    conflict: bool,
}

impl ErasePage {
    /// The kind of name the account will go by (the service numbers it
    /// when another former member of the organisation has it).
    fn pseudonym(&self) -> String {
        let organisation = self.user.organisation.as_ref().map(|o| o.name.as_str());
        pseudonym(organisation, |_| false)
    }
}

fn erase_page(
    signed: &SignedIn,
    user: UserView,
    refusal: Option<String>,
    conflict: bool,
) -> Result<HttpResponse, PageError> {
    let code = confirmation_status(&refusal, conflict);
    let data = ErasePage {
        chrome: admin_chrome(signed, &Changed::default()),
        user,
        refusal,
        conflict,
    };
    Ok(page(code, &data)?)
}

async fn confirm(
    state: Data<AppState>,
    signed: SignedIn,
    id: Path<Uuid>,
) -> Result<HttpResponse, PageError> {
    let user = users::get(&state.pool, &signed.ctx, *id).await?;
    // Only an account the service would erase gets the button; an erased
    // one is shown as such, and one's own is refused as the service would.
    if user.erased_at.is_none() && !user.allowed_actions.contains(&AllowedAction::Erase) {
        return Err(AppError::Forbidden(
            "administrators cannot erase their own account; another administrator must".into(),
        )
        .into());
    }
    erase_page(&signed, user, None, false)
}

#[derive(Debug, Deserialize)]
struct EraseForm {
    version: i32,
}

async fn erase(
    state: Data<AppState>,
    id: Path<Uuid>,
    posted: Posted<EraseForm>,
) -> Result<HttpResponse, PageError> {
    let Posted { signed, form } = posted;
    let precondition = Precondition::assume(form.version);
    let (refusal, conflict) =
        match erasure::erase(&state.pool, &signed.ctx, *id, precondition).await {
            Ok(user) => {
                return Ok(see_other(&format!(
                    "/admin/users/{}?done=user-erased",
                    user.id
                )));
            }
            Err(AppError::Conflict(message)) => (Some(sentence(&message)), false),
            Err(AppError::PreconditionFailed) => (None, true),
            Err(error) => return Err(error.into()),
        };
    let user = users::get(&state.pool, &signed.ctx, *id).await?;
    erase_page(&signed, user, refusal, conflict)
}
