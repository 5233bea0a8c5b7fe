//! User accounts, managed by administrators.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel_async::AsyncConnection;
use garde::Validate;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::audit::{Event, insert_audited, record};
use super::context::{Ctx, authorize, missing};
use super::input::{nullable, trimmed, validate};
use super::locked::{Target, Written};
use crate::auth::password;
use crate::concurrency::Precondition;
use crate::db::Pool;
use crate::db::organisations::{self as organisations, OrganisationRef};
use crate::db::users::{self as store, NewUser, User, UserChanges, UserFilter};
use crate::db::{Conn, browser_sessions};
use crate::domain::validation::{NAME_MAX, normalise_email, not_blank, password_policy, printable};
use crate::domain::{Actor, AllowedAction, Entity, Role, allowed, permissions};
use crate::error::AppError;
use crate::paging::{Page, PageParams};

const ENTITY: Entity = Entity::User;
const FORBIDDEN: &str = "only administrators can manage users";

/// A user account. Personal data is limited to name, email and organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub(crate) id: Uuid,
    #[schema(example = "police@example.org")]
    pub(crate) email: String,
    #[schema(example = "Board member, Nottinghamshire Police")]
    pub(crate) name: String,
    pub(crate) role: Role,
    pub(crate) organisation: Option<OrganisationRef>,
    pub(crate) active: bool,
    /// The password was set by an administrator: until its holder chooses
    /// their own, their sign-ins may only read `/api/v1/me` and change the
    /// password.
    pub(crate) must_change_password: bool,
    /// When the holder's name and email were erased (then the name is a
    /// pseudonym and the email a placeholder); null otherwise.
    pub(crate) erased_at: Option<DateTime<Utc>>,
    pub(crate) version: i32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    /// What the caller may do with this account.
    #[schema(example = json!(["update", "erase"]))]
    pub(crate) allowed_actions: Vec<AllowedAction>,
}

impl UserView {
    pub(crate) fn new(row: User, organisation: Option<OrganisationRef>, actor: &Actor) -> Self {
        Self {
            allowed_actions: allowed::for_user(actor, row.id, row.erased_at.is_some()),
            id: row.id,
            email: row.email,
            name: row.name,
            role: row.role,
            organisation,
            active: row.active,
            must_change_password: row.must_change_password,
            erased_at: row.erased_at,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

// Described by its fields in the API description, which would take a
// `///` comment here as its own description.
#[allow(missing_docs)]
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    #[garde(email, length(max = 254))]
    #[schema(example = "police@example.org")]
    pub(crate) email: String,
    #[garde(length(chars, min = 1, max = NAME_MAX), custom(not_blank), custom(printable))]
    pub(crate) name: String,
    #[garde(skip)]
    pub(crate) role: Role,
    /// Required for members; optional for other roles.
    #[garde(skip)]
    pub(crate) organisation_id: Option<Uuid>,
    /// The initial password, 12 to 128 characters. Its holder must change
    /// it at their first sign-in.
    #[garde(custom(password_policy))]
    #[schema(value_type = String, format = Password)]
    pub(crate) password: SecretString,
}

/// Fields to change; absent fields stay as they are. Deactivating a user,
/// or changing their password, role or organisation, ends their sessions.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"role": "viewer", "organisation_id": null}))]
pub struct UpdateUser {
    #[garde(length(chars, min = 1, max = NAME_MAX), custom(not_blank), custom(printable))]
    pub(crate) name: Option<String>,
    #[garde(skip)]
    pub(crate) role: Option<Role>,
    /// `null` removes the organisation (not allowed for members).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    #[garde(skip)]
    pub(crate) organisation_id: Option<Option<Uuid>>,
    #[garde(skip)]
    pub(crate) active: Option<bool>,
    /// A new password, 12 to 128 characters. Set for someone else, its
    /// holder must change it at their next sign-in.
    #[garde(inner(custom(password_policy)))]
    #[schema(value_type = Option<String>, format = Password)]
    pub(crate) password: Option<SecretString>,
}

/// Which accounts a list holds.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    pub(crate) role: Option<Role>,
    pub(crate) organisation_id: Option<Uuid>,
    pub(crate) active: Option<bool>,
    /// Only users whose name or email contains this text.
    pub(crate) q: Option<String>,
}

/// Builds views for rows, naming their organisations with one query.
pub(crate) async fn views(
    conn: &mut Conn,
    rows: Vec<User>,
    actor: &Actor,
) -> Result<Vec<UserView>, AppError> {
    let ids: Vec<Uuid> = rows.iter().filter_map(|u| u.organisation_id).collect();
    let names: HashMap<Uuid, OrganisationRef> = organisations::refs(conn, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let org = row.organisation_id.and_then(|id| names.get(&id).cloned());
            UserView::new(row, org, actor)
        })
        .collect())
}

pub(crate) async fn view(conn: &mut Conn, row: User, actor: &Actor) -> Result<UserView, AppError> {
    Ok(views(conn, vec![row], actor).await?.remove(0))
}

/// A page of accounts, by email (administrators).
pub async fn list(
    pool: &Pool,
    ctx: &Ctx,
    query: UserQuery,
    page: &PageParams,
) -> Result<Page<UserView>, AppError> {
    authorize(permissions::can_manage_users(&ctx.actor), FORBIDDEN)?;
    let page = page.request()?;
    let filter = UserFilter {
        role: query.role,
        organisation_id: query.organisation_id,
        active: query.active,
        q: query.q,
    };
    let mut conn = pool.get().await?;
    let rows = store::list(&mut conn, &filter, &page).await?;
    let next = page.page(rows, |row| row.email.clone(), |row| row);
    Ok(Page {
        items: views(&mut conn, next.items, &ctx.actor).await?,
        next_cursor: next.next_cursor,
    })
}

/// One account (administrators, and the account's holder).
pub async fn get(pool: &Pool, ctx: &Ctx, id: Uuid) -> Result<UserView, AppError> {
    authorize(permissions::can_manage_users(&ctx.actor), FORBIDDEN)?;
    let mut conn = pool.get().await?;
    let row = store::find(&mut conn, id)
        .await
        .map_err(missing(ENTITY.noun()))?;
    view(&mut conn, row, &ctx.actor).await
}

/// Checks the role and organisation a user would end up with.
async fn check_membership(
    conn: &mut Conn,
    role: Role,
    organisation_id: Option<Uuid>,
) -> Result<(), AppError> {
    match organisation_id {
        None if role == Role::Member => Err(AppError::validation(
            "organisation_id",
            "a member must belong to an organisation",
        )),
        None => Ok(()),
        Some(id) => match organisations::find(conn, id).await {
            Ok(_) => Ok(()),
            Err(diesel::result::Error::NotFound) => Err(AppError::validation(
                "organisation_id",
                "no organisation has this id",
            )),
            Err(other) => Err(other.into()),
        },
    }
}

/// Checks a new account and hashes its password.
async fn new_user(
    conn: &mut Conn,
    input: CreateUser,
    must_change_password: bool,
) -> Result<NewUser, AppError> {
    validate(&input)?;
    check_membership(conn, input.role, input.organisation_id).await?;
    Ok(NewUser {
        id: Uuid::now_v7(),
        email: normalise_email(&input.email),
        name: trimmed(&input.name),
        role: input.role,
        organisation_id: input.organisation_id,
        password_hash: password::hash(input.password).await?,
        must_change_password,
    })
}

/// Creates an account (administrators). The administrator chose its
/// password, so its holder must choose their own at first sign-in.
pub async fn create(pool: &Pool, ctx: &Ctx, input: CreateUser) -> Result<UserView, AppError> {
    create_account(pool, ctx, input, true).await
}

/// Creates a demo account as an administrator would, but with the password
/// printed for everyone trying the service, which it keeps.
pub(crate) async fn create_demo_account(
    pool: &Pool,
    ctx: &Ctx,
    input: CreateUser,
) -> Result<UserView, AppError> {
    create_account(pool, ctx, input, false).await
}

async fn create_account(
    pool: &Pool,
    ctx: &Ctx,
    input: CreateUser,
    must_change_password: bool,
) -> Result<UserView, AppError> {
    authorize(permissions::can_manage_users(&ctx.actor), FORBIDDEN)?;
    let mut conn = pool.get().await?;
    let new = new_user(&mut conn, input, must_change_password).await?;
    let row = conn
        .transaction(async |conn| {
            insert_audited(conn, ctx, ENTITY, new.id, &new, store::insert).await
        })
        .await?;
    view(&mut conn, row, &ctx.actor).await
}

/// Creates an account from the server's command line, where nobody is
/// signed in: how the first administrator comes to exist. Whoever runs the
/// server chose the password, so it need not be changed.
pub async fn create_from_command_line(pool: &Pool, input: CreateUser) -> Result<User, AppError> {
    let mut conn = pool.get().await?;
    let new = new_user(&mut conn, input, false).await?;
    conn.transaction(async |conn| {
        let row = store::insert(conn, &new).await?;
        let event = Event::created(ENTITY, row.id);
        record(conn, None, Some("command-line"), event, None, Some(&row)).await?;
        Ok::<_, AppError>(row)
    })
    .await
}

/// Changes an account (administrators; needs the version read).
/// Deactivating it or changing its password, role or organisation ends its
/// sessions; the last active administrator stays one. A password set for
/// someone else must be changed by its holder at their next sign-in.
pub async fn update(
    pool: &Pool,
    ctx: &Ctx,
    id: Uuid,
    precondition: Precondition,
    input: UpdateUser,
) -> Result<UserView, AppError> {
    authorize(permissions::can_manage_users(&ctx.actor), FORBIDDEN)?;
    let expected = precondition.version()?;
    validate(&input)?;
    let password_hash = match input.password {
        Some(password) => Some(password::hash(password).await?),
        None => None,
    };
    let must_change_password = password_hash
        .is_some()
        .then(|| ctx.actor.user_id() != Some(id));
    let changes = UserChanges {
        name: input.name.as_deref().map(trimmed),
        role: input.role,
        organisation_id: input.organisation_id,
        active: input.active,
        password_hash,
        must_change_password,
    };
    let mut conn = pool.get().await?;
    let row = conn
        .transaction(async |conn| {
            Target::new(ENTITY, id)
                .admitted(ctx, Some(expected))
                .write(conn, store::find_for_update, async |conn, before| {
                    if changes.is_empty() {
                        return Ok(Written::Unchanged(before));
                    }
                    check_change(conn, &before, &changes).await?;
                    let after = store::update(conn, id, &changes).await?;
                    let ends_sessions = !after.active
                        || changes.password_hash.is_some()
                        || after.role != before.role
                        || after.organisation_id != before.organisation_id;
                    if ends_sessions {
                        browser_sessions::sign_out_everywhere(conn, id).await?;
                    }
                    Ok(Written::changed(before, after))
                })
                .await
        })
        .await?;
    view(&mut conn, row, &ctx.actor).await
}

/// A change must leave a member in an organisation and the service with an
/// active administrator; an erased account no longer changes.
async fn check_change(
    conn: &mut Conn,
    before: &User,
    changes: &UserChanges,
) -> Result<(), AppError> {
    if before.erased_at.is_some() {
        return Err(AppError::Conflict(ERASED.into()));
    }
    let role = changes.role.unwrap_or(before.role);
    let organisation_id = changes.organisation_id.unwrap_or(before.organisation_id);
    let active = changes.active.unwrap_or(before.active);
    check_membership(conn, role, organisation_id).await?;
    check_admin_remains(conn, before, role == Role::Admin && active).await
}

/// An account that was erased, refused any further change.
pub(crate) const ERASED: &str =
    "this account's personal data was erased; the account can no longer change";

/// The service keeps an active administrator: `before` may stop being one
/// only if another remains.
pub(crate) async fn check_admin_remains(
    conn: &mut Conn,
    before: &User,
    still_admin: bool,
) -> Result<(), AppError> {
    if before.role == Role::Admin
        && before.active
        && !still_admin
        && store::other_active_admins(conn, before.id)
            .await?
            .is_empty()
    {
        return Err(AppError::Conflict(
            "this is the last active administrator; appoint another first".into(),
        ));
    }
    Ok(())
}
