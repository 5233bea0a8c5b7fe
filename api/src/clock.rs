//! The one clock of the service, in the board's time zone.
//!
//! Every operation reads the time from the clock its caller's context
//! carries. A live request carries the real clock; the demo carries a clock
//! that stands at each moment of the history it writes; a test can carry a
//! clock it sets by hand. Dates that people mean (today, overdue, the first
//! and last day of a period, "as at the end of this day") are dates in the
//! board's time zone, not in UTC: in British Summer Time, 00:30 on 1 July
//! is already July, though it is 23:30 on 30 June in UTC.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, Days, LocalResult, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// The board's time zone when none is configured.
pub const DEFAULT_TIME_ZONE: Tz = chrono_tz::Europe::London;

/// Where the time comes from, in one time zone.
#[derive(Debug, Clone)]
pub struct Clock {
    source: Source,
    zone: Tz,
}

#[derive(Debug, Clone)]
enum Source {
    /// The real time.
    System,
    /// A moment that does not move: history written after the fact.
    Fixed(DateTime<Utc>),
    /// A moment that moves only when set, shared by every copy of the
    /// clock: for tests that step through the calendar.
    Manual(Arc<RwLock<DateTime<Utc>>>),
}

impl Clock {
    /// The real time, in `zone`.
    pub fn system(zone: Tz) -> Clock {
        Clock {
            source: Source::System,
            zone,
        }
    }

    /// A clock that always reads `at`, in `zone`.
    pub fn fixed(at: DateTime<Utc>, zone: Tz) -> Clock {
        Clock {
            source: Source::Fixed(at),
            zone,
        }
    }

    /// A clock that reads `at` until `set` moves it; its copies move with it.
    pub fn manual(at: DateTime<Utc>, zone: Tz) -> Clock {
        Clock {
            source: Source::Manual(Arc::new(RwLock::new(at))),
            zone,
        }
    }

    /// Moves a manual clock (and its copies) to `at`; other clocks stay.
    pub fn set(&self, at: DateTime<Utc>) {
        if let Source::Manual(moment) = &self.source {
            *moment.write().unwrap_or_else(|e| e.into_inner()) = at;
        }
    }

    /// The same clock standing at `at`: for writing history after the fact.
    pub fn at(&self, at: DateTime<Utc>) -> Clock {
        Clock::fixed(at, self.zone)
    }

    /// The board's time zone.
    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// The moment the clock reads now.
    pub fn now(&self) -> DateTime<Utc> {
        self.set_moment().unwrap_or_else(Utc::now)
    }

    /// The moment a clock that is not the real time stands at. The real
    /// time has none: a write that must take its place in history in
    /// commit order reads the database's clock instead (see
    /// `services::Ctx::stamp`).
    pub fn set_moment(&self) -> Option<DateTime<Utc>> {
        match &self.source {
            Source::System => None,
            Source::Fixed(at) => Some(*at),
            Source::Manual(moment) => Some(*moment.read().unwrap_or_else(|e| e.into_inner())),
        }
    }

    /// Today's date where the board is.
    pub fn today(&self) -> NaiveDate {
        self.local_date(self.now())
    }

    /// The date where the board is at moment `at`.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.zone).date_naive()
    }

    /// The first moment of `day` where the board is.
    pub fn start_of_day(&self, day: NaiveDate) -> DateTime<Utc> {
        start_of_day(self.zone, day)
    }

    /// The first moment after `day` where the board is: a review "as at
    /// the end of" a day includes everything before it.
    pub fn end_of_day(&self, day: NaiveDate) -> DateTime<Utc> {
        match day.checked_add_days(Days::new(1)) {
            Some(next) => start_of_day(self.zone, next),
            None => DateTime::<Utc>::MAX_UTC,
        }
    }
}

/// Local midnight of `day` in `zone`, or the first moment of the day where
/// a change of the clocks skips midnight.
fn start_of_day(zone: Tz, day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    (0..=24)
        .find_map(|hour| {
            match zone.from_local_datetime(&(midnight + chrono::Duration::hours(hour))) {
                LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => {
                    Some(at.with_timezone(&Utc))
                }
                LocalResult::None => None,
            }
        })
        .unwrap_or_else(|| midnight.and_utc())
}

/// Reads a time zone by its IANA name (`Europe/London`).
pub fn parse_zone(name: &str) -> Result<Tz, String> {
    name.parse::<Tz>().map_err(|_| {
        format!("{name:?} is not a time zone name of the IANA database, such as Europe/London")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn london_at(text: &str) -> Clock {
        Clock::fixed(utc(text), DEFAULT_TIME_ZONE)
    }

    #[test]
    fn today_is_the_boards_date_not_utcs() {
        // 00:30 on 1 July in British Summer Time.
        assert_eq!(
            london_at("2025-06-30T23:30:00Z").today(),
            date("2025-07-01")
        );
        // 00:30 on 1 January in Greenwich Mean Time.
        assert_eq!(
            london_at("2025-01-01T00:30:00Z").today(),
            date("2025-01-01")
        );
        assert_eq!(
            london_at("2024-12-31T23:30:00Z").today(),
            date("2024-12-31")
        );
    }

    #[test]
    fn a_day_ends_at_local_midnight_on_both_sides_of_summer_time() {
        let clock = Clock::system(DEFAULT_TIME_ZONE);
        assert_eq!(
            clock.end_of_day(date("2025-03-31")),
            utc("2025-03-31T23:00:00Z")
        );
        assert_eq!(
            clock.end_of_day(date("2025-12-31")),
            utc("2026-01-01T00:00:00Z")
        );
        // The days the clocks change are 23 and 25 hours long.
        assert_eq!(
            clock.start_of_day(date("2025-03-30")),
            utc("2025-03-30T00:00:00Z")
        );
        assert_eq!(
            clock.end_of_day(date("2025-03-30")),
            utc("2025-03-30T23:00:00Z")
        );
        assert_eq!(
            clock.start_of_day(date("2025-10-26")),
            utc("2025-10-25T23:00:00Z")
        );
        assert_eq!(
            clock.end_of_day(date("2025-10-26")),
            utc("2025-10-27T00:00:00Z")
        );
    }

    #[test]
    fn a_zone_whose_clocks_skip_midnight_starts_the_day_at_one() {
        // Chile moves its clocks forward at midnight.
        let santiago: Tz = "America/Santiago".parse().unwrap();
        let start = start_of_day(santiago, date("2024-09-08"));
        assert_eq!(start, utc("2024-09-08T04:00:00Z"));
        assert_eq!(
            start.with_timezone(&santiago).format("%H:%M").to_string(),
            "01:00"
        );
    }

    #[test]
    fn a_manual_clock_moves_with_its_copies_and_a_fixed_one_stands() {
        let clock = Clock::manual(utc("2025-03-31T22:30:00Z"), DEFAULT_TIME_ZONE);
        let copy = clock.clone();
        clock.set(utc("2025-03-31T23:30:00Z"));
        assert_eq!(copy.now(), utc("2025-03-31T23:30:00Z"));
        assert_eq!(copy.today(), date("2025-04-01"));
        let fixed = copy.at(utc("2020-01-01T00:00:00Z"));
        clock.set(utc("2026-01-01T00:00:00Z"));
        assert_eq!(fixed.now(), utc("2020-01-01T00:00:00Z"));
        assert!(Clock::system(DEFAULT_TIME_ZONE).set_moment().is_none());
    }

    #[test]
    fn zones_are_read_by_name() {
        assert_eq!(parse_zone("Europe/London").unwrap(), DEFAULT_TIME_ZONE);
        assert!(parse_zone("Mars/Olympus_Mons").is_err());
    }
}
