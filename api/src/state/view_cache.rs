//! Dashboards, trends and reports as they were served, kept in memory so
//! that asking again costs one read of the change position. An entry is
//! named by everything its content depends on: the view, the strategy, the
//! query, the position of the last committed change and the board's day,
//! and for a view of the present also the minute, since its day counts
//! (days at a rating, days since a report) and its `as_at` move with the
//! time. Who asks is not in the name: these views show the same to
//! everyone who may see the strategy, and that is checked before the cache
//! is asked. Each instance keeps its own; a write anywhere moves the
//! position, so an instance never serves a view older than the data.

use std::future::Future;
use std::sync::Arc;

use actix_web::web::Bytes;
use chrono::{DateTime, NaiveDate, Utc};
use moka::future::Cache;
use uuid::Uuid;

/// Which view an entry holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    Dashboard,
    Trend,
    Report,
}

impl View {
    /// Its name in the hit and miss counts.
    pub fn label(self) -> &'static str {
        match self {
            View::Dashboard => "dashboard",
            View::Trend => "trend",
            View::Report => "report",
        }
    }
}

/// What an entry's content depends on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ViewKey {
    view: View,
    strategy_id: Uuid,
    /// The query's parameters, decoded and sorted.
    query: Vec<(String, String)>,
    /// The position of the last committed change.
    position: i64,
    /// Today, where the board is.
    day: NaiveDate,
    /// For a view that may describe the present, the minute it was
    /// computed in (minutes since the epoch).
    minute: Option<i64>,
}

impl ViewKey {
    /// The key of `view` of a strategy for a request's query string, with
    /// the data at `position` on the board's `day`, at the instant `now`.
    pub fn new(
        view: View,
        strategy_id: Uuid,
        query_string: &str,
        position: i64,
        day: NaiveDate,
        now: DateTime<Utc>,
    ) -> ViewKey {
        let mut query: Vec<(String, String)> = serde_urlencoded::from_str(query_string)
            .unwrap_or_else(|_| vec![(String::new(), query_string.to_owned())]);
        query.sort();
        let minute = describes_present(view, &query, day).then(|| now.timestamp().div_euclid(60));
        ViewKey {
            view,
            strategy_id,
            query,
            position,
            day,
            minute,
        }
    }

    fn weight(&self) -> usize {
        self.query.iter().map(|(k, v)| k.len() + v.len()).sum()
    }
}

/// Whether a view with this query may describe the present: all but the
/// trend (closed periods and current ratings only) and a day before
/// today. A period may still be open, so a period's view counts as present.
fn describes_present(view: View, query: &[(String, String)], day: NaiveDate) -> bool {
    if view == View::Trend {
        return false;
    }
    let past_day = query.iter().any(|(name, value)| {
        name == "as_at" && value.parse::<NaiveDate>().is_ok_and(|as_at| as_at < day)
    });
    !past_day
}

/// A view as served: its body and the headers that go with it.
#[derive(Debug)]
pub struct Served {
    /// The media type of `body`.
    pub content_type: &'static str,
    pub body: Bytes,
    /// The name to save it under, when it is meant to be downloaded.
    pub file_name: Option<String>,
    /// A self-contained page, to be served under the policy that lets
    /// nothing load or run.
    pub self_contained_page: bool,
}

/// Memory an entry takes beside its body and query, roughly.
const ENTRY_OVERHEAD: usize = 160;

/// The views kept, bounded by the bytes they take; absent when off.
pub struct ViewCache {
    cache: Option<Cache<ViewKey, Arc<Served>>>,
}

impl ViewCache {
    /// A cache of at most `megabytes` of views; none at all for 0.
    pub fn new(megabytes: u64) -> ViewCache {
        let cache = (megabytes > 0).then(|| {
            Cache::builder()
                .max_capacity(megabytes.saturating_mul(1024 * 1024))
                .weigher(|key: &ViewKey, served: &Arc<Served>| {
                    let bytes = ENTRY_OVERHEAD
                        + key.weight()
                        + served.body.len()
                        + served.file_name.as_ref().map_or(0, String::len);
                    u32::try_from(bytes).unwrap_or(u32::MAX)
                })
                .build()
        });
        ViewCache { cache }
    }

    /// The view under `key`, computed by `compute` when absent. Concurrent
    /// requests for one absent key compute it once; a failure is not kept,
    /// and each request that waited on it computes its own answer, so every
    /// caller gets its own error.
    pub async fn get_or_compute<F, Fut, E>(
        &self,
        key: ViewKey,
        compute: F,
    ) -> Result<Arc<Served>, E>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<Served, E>>,
        E: Send + Sync + 'static,
    {
        let Some(cache) = &self.cache else {
            return compute().await.map(Arc::new);
        };
        let view = key.view.label();
        match cache
            .entry(key)
            .or_try_insert_with(async { compute().await.map(Arc::new) })
            .await
        {
            Ok(entry) => {
                let result = if entry.is_fresh() { "miss" } else { "hit" };
                metrics::counter!("view_cache_requests_total", "view" => view, "result" => result)
                    .increment(1);
                Ok(entry.into_value())
            }
            Err(shared) => match Arc::try_unwrap(shared) {
                Ok(error) => Err(error),
                Err(_) => compute().await.map(Arc::new),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    const STRATEGY: Uuid = Uuid::from_u128(7);

    fn key(view: View, query: &str, position: i64, now: &str) -> ViewKey {
        ViewKey::new(view, STRATEGY, query, position, day("2026-12-03"), at(now))
    }

    #[test]
    fn the_order_and_encoding_of_parameters_do_not_matter() {
        let now = "2026-12-03T10:00:00Z";
        assert_eq!(
            key(View::Report, "format=csv&audience=board", 5, now),
            key(View::Report, "audience=board&format=%63sv", 5, now)
        );
        assert_ne!(
            key(View::Report, "format=csv", 5, now),
            key(View::Report, "format=md", 5, now)
        );
    }

    #[test]
    fn a_change_the_view_or_the_strategy_names_another_entry() {
        let now = "2026-12-03T10:00:00Z";
        let first = key(View::Dashboard, "", 5, now);
        assert_ne!(first, key(View::Dashboard, "", 6, now));
        assert_ne!(first, key(View::Report, "", 5, now));
        let other = ViewKey::new(
            View::Dashboard,
            Uuid::from_u128(8),
            "",
            5,
            day("2026-12-03"),
            at(now),
        );
        assert_ne!(first, other);
        let tomorrow = ViewKey::new(View::Dashboard, STRATEGY, "", 5, day("2026-12-04"), at(now));
        assert_ne!(first, tomorrow);
    }

    #[test]
    fn a_view_of_the_present_lasts_a_minute_and_one_of_a_past_day_longer() {
        let (early, late) = ("2026-12-03T10:00:01Z", "2026-12-03T10:00:59Z");
        let later = "2026-12-03T10:01:00Z";
        for query in ["", "as_at=2026-12-03", "period_id=1"] {
            let now = key(View::Dashboard, query, 5, early);
            assert_eq!(now, key(View::Dashboard, query, 5, late), "{query}");
            assert_ne!(now, key(View::Dashboard, query, 5, later), "{query}");
        }
        let past = key(View::Report, "as_at=2026-11-30", 5, early);
        assert_eq!(past, key(View::Report, "as_at=2026-11-30", 5, later));
        assert_eq!(
            key(View::Trend, "", 5, early),
            key(View::Trend, "", 5, later)
        );
    }

    #[actix_web::test]
    async fn concurrent_misses_compute_once_and_failures_are_not_kept() {
        let cache = ViewCache::new(1);
        let runs = AtomicUsize::new(0);
        let compute = || async {
            runs.fetch_add(1, Ordering::SeqCst);
            actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
            Ok::<_, String>(Served {
                content_type: "application/json",
                body: Bytes::from_static(b"{}"),
                file_name: None,
                self_contained_page: false,
            })
        };
        let now = "2026-12-03T10:00:00Z";
        let (a, b) = futures_util::join!(
            cache.get_or_compute(key(View::Trend, "", 1, now), compute),
            cache.get_or_compute(key(View::Trend, "", 1, now), compute)
        );
        assert_eq!(a.unwrap().body, b.unwrap().body);
        assert_eq!(runs.load(Ordering::SeqCst), 1);

        let failing = || async { Err::<Served, _>("no".to_owned()) };
        let failed = cache
            .get_or_compute(key(View::Trend, "", 2, now), failing)
            .await;
        assert_eq!(failed.unwrap_err(), "no");
        cache
            .get_or_compute(key(View::Trend, "", 2, now), compute)
            .await
            .unwrap();
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }

    #[actix_web::test]
    async fn a_cache_of_no_megabytes_computes_every_time() {
        let cache = ViewCache::new(0);
        let runs = AtomicUsize::new(0);
        let compute = || async {
            runs.fetch_add(1, Ordering::SeqCst);
            Ok::<_, String>(Served {
                content_type: "text/csv",
                body: Bytes::from_static(b"a,b"),
                file_name: None,
                self_contained_page: false,
            })
        };
        for _ in 0..2 {
            let key = key(View::Trend, "", 1, "2026-12-03T10:00:00Z");
            cache.get_or_compute(key, compute).await.unwrap();
        }
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }
}
