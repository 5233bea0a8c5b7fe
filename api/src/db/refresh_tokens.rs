//! Refresh tokens, by family. See the migration for the rotation scheme.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

use super::Conn;
use super::schema::refresh_tokens;

/// A refresh token, stored as a digest of its secret.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens, check_for_backend(diesel::pg::Pg))]
pub struct RefreshToken {
    pub(crate) id: Uuid,
    pub(crate) family_id: Uuid,
    pub(crate) user_id: Uuid,
    pub(crate) expires_at: DateTime<Utc>,
    pub(crate) rotated_at: Option<DateTime<Utc>>,
    pub(crate) revoked_at: Option<DateTime<Utc>>,
}

/// A new refresh token to store.
#[derive(Debug, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct NewRefreshToken {
    pub(crate) id: Uuid,
    pub(crate) family_id: Uuid,
    pub(crate) user_id: Uuid,
    pub(crate) token_hash: Vec<u8>,
    pub(crate) expires_at: DateTime<Utc>,
}

/// Stores a refresh token.
pub async fn insert(conn: &mut Conn, new: &NewRefreshToken) -> QueryResult<usize> {
    diesel::insert_into(refresh_tokens::table)
        .values(new)
        .execute(conn)
        .await
}

/// The token with this digest, locked for the rest of the transaction so a
/// token presented twice at once is rotated only once.
pub async fn find_by_hash_for_update(
    conn: &mut Conn,
    hash: &[u8],
) -> QueryResult<Option<RefreshToken>> {
    refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(hash))
        .select(RefreshToken::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// Marks a refresh token used: presenting it again revokes its family.
pub async fn mark_rotated(conn: &mut Conn, id: Uuid) -> QueryResult<usize> {
    diesel::update(refresh_tokens::table.find(id))
        .set(refresh_tokens::rotated_at.eq(diesel::dsl::now))
        .execute(conn)
        .await
}

/// Revokes every token of a family.
pub async fn revoke_family(conn: &mut Conn, family_id: Uuid) -> QueryResult<usize> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(diesel::dsl::now))
    .execute(conn)
    .await
}

/// Ends every session of a user.
pub async fn revoke_user(conn: &mut Conn, user_id: Uuid) -> QueryResult<usize> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(diesel::dsl::now))
    .execute(conn)
    .await
}
