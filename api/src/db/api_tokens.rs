//! System tokens: read-only credentials for other systems.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::Serialize;
use uuid::Uuid;

use super::Conn;
use super::schema::api_tokens;
use crate::paging::PageRequest;

/// A token as stored; the secret itself is never kept.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = api_tokens, check_for_backend(diesel::pg::Pg))]
pub struct ApiToken {
    pub(crate) id: Uuid,
    pub(crate) name: String,
    pub(crate) strategy_id: Option<Uuid>,
    pub(crate) created_by: Option<Uuid>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) expires_at: DateTime<Utc>,
    pub(crate) last_used_at: Option<DateTime<Utc>>,
    pub(crate) revoked_at: Option<DateTime<Utc>>,
}

/// A new system token to store (its secret only as a digest).
#[derive(Debug, Insertable)]
#[diesel(table_name = api_tokens)]
pub struct NewApiToken {
    pub(crate) id: Uuid,
    pub(crate) name: String,
    pub(crate) token_hash: Vec<u8>,
    pub(crate) strategy_id: Option<Uuid>,
    pub(crate) created_by: Option<Uuid>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) expires_at: DateTime<Utc>,
}

find_queries!(api_tokens, ApiToken);
insert_query!(api_tokens, ApiToken, NewApiToken);

/// The live token with this digest: not revoked and not expired.
pub async fn find_live_by_hash(conn: &mut Conn, hash: &[u8]) -> QueryResult<Option<ApiToken>> {
    api_tokens::table
        .filter(api_tokens::token_hash.eq(hash))
        .filter(api_tokens::revoked_at.is_null())
        .filter(api_tokens::expires_at.gt(diesel::dsl::now))
        .select(ApiToken::as_select())
        .first(conn)
        .await
        .optional()
}

/// Notes a use. Writes at most once a minute per token, so a system polling
/// hard does not turn every read into a write.
pub async fn touch(conn: &mut Conn, id: Uuid, at: DateTime<Utc>) -> QueryResult<usize> {
    diesel::update(
        api_tokens::table.find(id).filter(
            api_tokens::last_used_at
                .is_null()
                .or(api_tokens::last_used_at.lt(at - chrono::Duration::minutes(1))),
        ),
    )
    .set(api_tokens::last_used_at.eq(at))
    .execute(conn)
    .await
}

/// Revokes a token as of `at`, returning it as stored.
pub async fn revoke(conn: &mut Conn, id: Uuid, at: DateTime<Utc>) -> QueryResult<ApiToken> {
    diesel::update(api_tokens::table.find(id))
        .set(api_tokens::revoked_at.eq(at))
        .returning(ApiToken::as_returning())
        .get_result(conn)
        .await
}

/// Newest first; the cursor is the last id seen (ids are time-ordered).
pub async fn list(conn: &mut Conn, page: &PageRequest<Uuid>) -> QueryResult<Vec<ApiToken>> {
    let mut query = api_tokens::table
        .select(ApiToken::as_select())
        .order(api_tokens::id.desc())
        .limit(page.fetch())
        .into_boxed();
    if let Some(after) = page.after {
        query = query.filter(api_tokens::id.lt(after));
    }
    query.load(conn).await
}
