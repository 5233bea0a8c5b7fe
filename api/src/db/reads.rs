//! Where reads go: a streaming replica when one is configured, is close
//! enough behind the primary and has replayed the reader's last write; the
//! primary otherwise.
//!
//! A write's position in the primary's write-ahead log (its LSN) names the
//! state it left. A replica that has replayed past that position shows the
//! write; one that has not would show the state before it, so the reader is
//! sent to the primary instead.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::str::FromStr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use diesel::QueryableByName;
use diesel::sql_types::{Nullable, Text};

use super::Pool;

/// A position in the primary's write-ahead log, as PostgreSQL writes it
/// (`16/B374D848`: the high and low 32 bits in hexadecimal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Lsn(pub u64);

impl fmt::Display for Lsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:X}/{:X}", self.0 >> 32, self.0 & 0xFFFF_FFFF)
    }
}

impl FromStr for Lsn {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        let (high, low) = text.trim().split_once('/').ok_or(())?;
        let part = |p: &str| {
            if p.is_empty() || p.len() > 8 {
                return Err(());
            }
            u32::from_str_radix(p, 16).map_err(|_| ())
        };
        Ok(Lsn((u64::from(part(high)?) << 32) | u64::from(part(low)?)))
    }
}

#[derive(QueryableByName)]
struct Position {
    #[diesel(sql_type = Nullable<Text>)]
    lsn: Option<String>,
}

async fn position(pool: &Pool, sql: &'static str) -> Result<Option<Lsn>, String> {
    // In scope here only: its `load` would shadow the atomics' elsewhere.
    use diesel_async::RunQueryDsl;
    let mut conn = pool.get().await.map_err(|e| e.to_string())?;
    let row = diesel::sql_query(sql)
        .get_result::<Position>(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
    row.lsn
        .map(|text| text.parse().map_err(|()| format!("unreadable LSN {text}")))
        .transpose()
}

/// The primary's position past every record inserted, even a commit not
/// yet flushed (asynchronous commit): what names a write.
async fn inserted_position(pool: &Pool) -> Result<Lsn, String> {
    position(pool, "SELECT pg_current_wal_insert_lsn()::text AS lsn")
        .await?
        .ok_or_else(|| "the primary has no WAL position".to_owned())
}

/// The end of what the primary has written: what a replica that has
/// everything has replayed (the insert position may stand a page header
/// further on, so an idle replica would never seem to catch up with it).
async fn written_position(pool: &Pool) -> Result<Lsn, String> {
    position(pool, "SELECT pg_current_wal_lsn()::text AS lsn")
        .await?
        .ok_or_else(|| "the primary has no WAL position".to_owned())
}

/// How far a replica has replayed; an error if it is not a replica.
async fn replayed_position(pool: &Pool) -> Result<Lsn, String> {
    position(pool, "SELECT pg_last_wal_replay_lsn()::text AS lsn")
        .await?
        .ok_or_else(|| "DATABASE_READ_URL is not a streaming replica (not in recovery)".to_owned())
}

/// The connections reads may use.
pub struct Reads {
    primary: Pool,
    replica: Option<Replica>,
}

/// A replica and what is known of it.
struct Replica {
    pool: Pool,
    /// How far behind the primary it may be and still serve reads.
    max_lag: Duration,
    /// Whether it answered and was close enough at the last look.
    usable: AtomicBool,
    /// How far it had replayed at the last look.
    replayed: AtomicU64,
    /// The position of each recent caller's last write, by a digest of
    /// their credentials, for callers that do not send it back.
    recent: Mutex<HashMap<u64, Lsn>>,
    hasher: RandomState,
}

impl Replica {
    /// Whether it has replayed up to `after`, asking it again if it had not
    /// at the last look.
    async fn has_replayed(&self, after: Option<Lsn>) -> bool {
        let Some(after) = after else {
            return true;
        };
        if Lsn(self.replayed.load(Ordering::Acquire)) >= after {
            return true;
        }
        match replayed_position(&self.pool).await {
            Ok(replayed) => {
                self.replayed.fetch_max(replayed.0, Ordering::AcqRel);
                replayed >= after
            }
            Err(_) => false,
        }
    }
}

/// At most this many callers' last writes are remembered; beyond it the
/// ones the replica has replayed are forgotten first.
const RECENT_WRITERS: usize = 10_000;

impl Reads {
    /// Reads from the primary alone.
    pub fn primary_only(primary: Pool) -> Reads {
        Reads {
            primary,
            replica: None,
        }
    }

    /// Reads from `replica` while it is at most `max_lag` behind the
    /// primary. It is not used until `watch` has looked at it.
    pub fn with_replica(primary: Pool, replica: Pool, max_lag: Duration) -> Reads {
        Reads {
            primary,
            replica: Some(Replica {
                pool: replica,
                max_lag,
                usable: AtomicBool::new(false),
                replayed: AtomicU64::new(0),
                recent: Mutex::new(HashMap::new()),
                hasher: RandomState::new(),
            }),
        }
    }

    /// Whether a replica is configured.
    pub fn has_replica(&self) -> bool {
        self.replica.is_some()
    }

    /// The primary's position now, which covers every write committed
    /// before the call.
    pub async fn written(&self) -> Result<Lsn, String> {
        inserted_position(&self.primary).await
    }

    /// Remembers that the caller known by `credential` wrote up to `lsn`.
    pub fn remember(&self, credential: &[u8], lsn: Lsn) {
        let Some(replica) = &self.replica else {
            return;
        };
        let key = replica.hasher.hash_one(credential);
        let mut recent = replica.recent.lock().expect("recent writes lock");
        if recent.len() >= RECENT_WRITERS {
            let replayed = Lsn(replica.replayed.load(Ordering::Relaxed));
            recent.retain(|_, written| *written > replayed);
            if recent.len() >= RECENT_WRITERS {
                recent.clear();
            }
        }
        let entry = recent.entry(key).or_insert(lsn);
        *entry = (*entry).max(lsn);
    }

    /// The last write remembered for the caller known by `credential`.
    pub fn recalled(&self, credential: &[u8]) -> Option<Lsn> {
        let replica = self.replica.as_ref()?;
        let key = replica.hasher.hash_one(credential);
        let recent = replica.recent.lock().expect("recent writes lock");
        recent.get(&key).copied()
    }

    /// The pool a read that must show every write up to `after` uses: the
    /// replica when it is usable and has replayed that far (asking it again
    /// if it had not at the last look), otherwise the primary.
    pub async fn pool_for(&self, after: Option<Lsn>) -> &Pool {
        let Some(replica) = &self.replica else {
            return &self.primary;
        };
        if !replica.usable.load(Ordering::Acquire) || !replica.has_replayed(after).await {
            return &self.primary;
        }
        // A replica that has gone refuses connections at once; until the
        // next look marks it unusable, its reads go to the primary.
        match replica.pool.get().await {
            Ok(_) => &replica.pool,
            Err(_) => {
                replica.usable.store(false, Ordering::Release);
                &self.primary
            }
        }
    }

    /// Looks at the primary and the replica every `every`, for as long as
    /// the process runs, deciding whether the replica may serve reads.
    /// Without a replica it returns at once.
    pub async fn watch(&self, every: Duration) {
        let Some(replica) = &self.replica else {
            return;
        };
        let mut lag = LagWindow::default();
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_verdict: Option<Result<(), String>> = None;
        loop {
            ticks.tick().await;
            let verdict = self.look(replica, &mut lag).await;
            replica.usable.store(verdict.is_ok(), Ordering::Release);
            if last_verdict.as_ref() != Some(&verdict) {
                match &verdict {
                    Ok(()) => tracing::info!("reads go to the replica"),
                    Err(why) => tracing::warn!(reason = %why, "reads go to the primary"),
                }
                last_verdict = Some(verdict);
            }
        }
    }

    async fn look(&self, replica: &Replica, lag: &mut LagWindow) -> Result<(), String> {
        let now = Instant::now();
        if let Ok(primary) = written_position(&self.primary).await {
            lag.record(now, primary, replica.max_lag);
        }
        let replayed = replayed_position(&replica.pool)
            .await
            .map_err(|e| format!("the replica does not answer: {e}"))?;
        replica.replayed.fetch_max(replayed.0, Ordering::AcqRel);
        // A write the replica has replayed no longer needs remembering.
        replica
            .recent
            .lock()
            .expect("recent writes lock")
            .retain(|_, written| *written > replayed);
        if lag.within(now, replayed, replica.max_lag) {
            Ok(())
        } else {
            Err(format!(
                "the replica is more than {} ms behind",
                replica.max_lag.as_millis()
            ))
        }
    }
}

/// The primary's recent positions, to tell whether a replica has replayed
/// what the primary had written `max_lag` ago.
#[derive(Debug, Default)]
struct LagWindow {
    samples: VecDeque<(Instant, Lsn)>,
}

impl LagWindow {
    fn record(&mut self, at: Instant, primary: Lsn, max_lag: Duration) {
        self.samples.push_back((at, primary));
        // Keep the newest sample at least max_lag old, and all after it.
        while self.samples.len() > 1 && at.duration_since(self.samples[1].0) >= max_lag {
            self.samples.pop_front();
        }
    }

    /// Whether `replayed` covers what the primary had written `max_lag`
    /// before `now` (or, until the window is that long, at its start).
    fn within(&self, now: Instant, replayed: Lsn, max_lag: Duration) -> bool {
        let due = self
            .samples
            .iter()
            .rev()
            .find(|(at, _)| now.duration_since(*at) >= max_lag)
            .or_else(|| self.samples.front());
        due.is_none_or(|(_, position)| replayed >= *position)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_read_and_print_as_postgresql_writes_them() {
        let lsn: Lsn = "16/B374D848".parse().unwrap();
        assert_eq!(lsn, Lsn((0x16 << 32) | 0xB374_D848));
        assert_eq!(lsn.to_string(), "16/B374D848");
        assert_eq!("0/0".parse::<Lsn>(), Ok(Lsn(0)));
        for bad in ["", "0", "/1", "1/", "x/1", "1/2/3", "123456789/0", "-1/0"] {
            assert!(bad.parse::<Lsn>().is_err(), "{bad}");
        }
        assert!(Lsn(0x1_0000_0000) > "0/FFFFFFFF".parse().unwrap());
    }

    #[test]
    fn a_replica_is_close_enough_when_it_has_what_the_primary_had_max_lag_ago() {
        let start = Instant::now();
        let max_lag = Duration::from_secs(5);
        let at = |s: u64| start + Duration::from_secs(s);
        let mut window = LagWindow::default();
        // Nothing known of the primary yet.
        assert!(window.within(at(0), Lsn(0), max_lag));
        window.record(at(0), Lsn(100), max_lag);
        window.record(at(3), Lsn(200), max_lag);
        // Younger than max_lag: the replica must have the window's start.
        assert!(!window.within(at(3), Lsn(99), max_lag));
        assert!(window.within(at(3), Lsn(100), max_lag));
        window.record(at(6), Lsn(300), max_lag);
        window.record(at(9), Lsn(400), max_lag);
        // At 9 s, the primary had 200 at 3 s (6 s ago) and 300 at 6 s (3 s ago).
        assert!(!window.within(at(9), Lsn(199), max_lag));
        assert!(window.within(at(9), Lsn(200), max_lag));
        // An idle primary: a replica that has everything is never behind.
        for s in 10..30 {
            window.record(at(s), Lsn(400), max_lag);
        }
        assert!(window.within(at(29), Lsn(400), max_lag));
        assert!(window.samples.len() <= 7);
    }
}
