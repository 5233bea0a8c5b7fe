//! Raw SQL that stays prepared.
//!
//! diesel never caches the prepared statement of a `sql_query`, since its
//! text could be built at run time and the cache would grow without bound.
//! The service's raw queries are constants, so each is prepared once per
//! connection instead of once per request: PostgreSQL parses and plans it
//! once (with `plan_cache_mode = force_generic_plan`, see `connect`).

use diesel::QueryResult;
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};

/// Wraps a `sql_query` whose text is a constant, so its prepared statement
/// is kept in the connection's statement cache (keyed by the text).
#[derive(Debug, Clone)]
pub struct Prepared<Q>(pub Q);

impl<Q: QueryFragment<Pg>> QueryFragment<Pg> for Prepared<Q> {
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &Pg) -> QueryResult<bool> {
        Ok(true)
    }
}

impl<Q> QueryId for Prepared<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: Query> Query for Prepared<Q> {
    type SqlType = Q::SqlType;
}
