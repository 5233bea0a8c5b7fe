//! Paging of lists: the parameters every list accepts, a checked page
//! request with the position to continue after, one page of results, and
//! the opaque cursor that carries the position between requests.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::AppError;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 500;

/// Paging and incremental-sync parameters every list accepts.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// How many items to return (1 to 500, default 50).
    #[param(minimum = 1, maximum = 500, default = 50)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only items changed at or after this time (RFC 3339).
    pub updated_since: Option<DateTime<Utc>>,
}

/// A validated page request, with the decoded position to continue after.
#[derive(Debug, Clone)]
pub struct PageRequest<K> {
    pub limit: i64,
    pub after: Option<K>,
    pub updated_since: Option<DateTime<Utc>>,
}

impl PageParams {
    /// Checks the limit and decodes the cursor into the list's sort key.
    pub fn request<K: DeserializeOwned>(&self) -> Result<PageRequest<K>, AppError> {
        let limit = checked_limit(self.limit)?;
        let after = self.cursor.as_deref().map(decode_cursor).transpose()?;
        Ok(PageRequest {
            limit,
            after,
            updated_since: self.updated_since,
        })
    }
}

impl<K> PageRequest<K> {
    /// The first `limit` items, for internal callers.
    pub fn first(limit: i64) -> Self {
        PageRequest {
            limit,
            after: None,
            updated_since: None,
        }
    }

    /// Rows to fetch: one more than the page, to learn whether another follows.
    pub fn fetch(&self) -> i64 {
        self.limit + 1
    }

    /// Cuts the over-fetched rows to a page and computes the next cursor from
    /// the last item kept.
    pub fn page<R, T>(
        &self,
        mut rows: Vec<R>,
        key: impl Fn(&R) -> K,
        view: impl FnMut(R) -> T,
    ) -> Page<T>
    where
        K: Serialize,
    {
        let more = rows.len() as i64 > self.limit;
        rows.truncate(self.limit as usize);
        let next_cursor = if more {
            rows.last().map(|last| encode_cursor(&key(last)))
        } else {
            None
        };
        Page {
            items: rows.into_iter().map(view).collect(),
            next_cursor,
        }
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

pub fn encode_cursor<K: Serialize>(key: &K) -> String {
    let json = serde_json::to_vec(key).expect("cursor keys serialise");
    URL_SAFE_NO_PAD.encode(json)
}

pub fn decode_cursor<K: DeserializeOwned>(cursor: &str) -> Result<K, AppError> {
    let invalid = || AppError::BadRequest("the cursor is not one this service issued".into());
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    serde_json::from_slice(&bytes).map_err(|_| invalid())
}

/// A page size asked for, or the default, within 1 to `MAX_LIMIT`.
pub fn checked_limit(limit: Option<i64>) -> Result<i64, AppError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if (1..=MAX_LIMIT).contains(&limit) {
        Ok(limit)
    } else {
        Err(AppError::BadRequest(format!(
            "limit must be between 1 and {MAX_LIMIT}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_forgeries() {
        let key = ("Nottinghamshire Police".to_string(), 7_i32);
        let cursor = encode_cursor(&key);
        assert_eq!(decode_cursor::<(String, i32)>(&cursor).unwrap(), key);
        assert!(decode_cursor::<(String, i32)>("not a cursor!").is_err());
        assert!(decode_cursor::<(String, i32)>(&encode_cursor(&"other")).is_err());
    }

    #[test]
    fn limits_are_bounded() {
        let params = |limit| PageParams {
            limit: Some(limit),
            ..Default::default()
        };
        assert!(params(0).request::<i32>().is_err());
        assert!(params(501).request::<i32>().is_err());
        assert_eq!(params(500).request::<i32>().unwrap().limit, 500);
        assert_eq!(
            PageParams::default().request::<i32>().unwrap().limit,
            DEFAULT_LIMIT
        );
    }

    #[test]
    fn a_page_reports_a_cursor_only_when_more_rows_follow() {
        let request = PageParams {
            limit: Some(2),
            ..Default::default()
        }
        .request::<i32>()
        .unwrap();
        let full: Page<i32> = request.page(vec![1, 2, 3], |n| *n, |n| n);
        assert_eq!(full.items, vec![1, 2]);
        assert_eq!(decode_cursor::<i32>(&full.next_cursor.unwrap()).unwrap(), 2);
        let last: Page<i32> = request.page(vec![1, 2], |n| *n, |n| n);
        assert!(last.next_cursor.is_none());
    }
}
