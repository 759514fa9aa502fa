//! Calendar periods (local ISO weeks, months, years) and a cache that finds an instant's
//! period without converting every instant to local time.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// A calendar period in a given zone. Weeks start on Monday (ISO 8601).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Week,
    Month,
    Year,
}

impl Period {
    pub const ALL: [Period; 3] = [Period::Week, Period::Month, Period::Year];

    pub fn as_str(self) -> &'static str {
        match self {
            Period::Week => "week",
            Period::Month => "month",
            Period::Year => "year",
        }
    }

    pub fn parse(text: &str) -> Option<Period> {
        Period::ALL.into_iter().find(|p| p.as_str() == text)
    }

    /// The span from the start of the period `count - 1` periods before the one holding
    /// `now` (local midnight in `zone`) up to `now`: "the last 12 weeks", whole weeks.
    pub fn recent(self, count: u32, now: Timestamp, zone: &TimeZone) -> (Timestamp, Timestamp) {
        let today = now.to_zoned(zone.clone()).date();
        let mut start = self.start_of(today);
        for _ in 1..count.max(1) {
            start = self.start_of(start.checked_sub(1.day()).unwrap_or(Date::MIN));
        }
        let from = zone.to_ambiguous_timestamp(start.to_datetime(Time::midnight())).compatible().ok();
        (from.unwrap_or(now), now)
    }

    /// The first local day of the period that contains `date`.
    pub fn start_of(self, date: Date) -> Date {
        match self {
            Period::Week => {
                let back = i64::from(date.weekday().to_monday_zero_offset());
                date.checked_sub(back.days()).unwrap_or(Date::MIN)
            }
            Period::Month => date.first_of_month(),
            Period::Year => date.first_of_year(),
        }
    }

    /// The first local day of the period after the one starting on `start`.
    fn next_start(self, start: Date) -> Option<Date> {
        let step = match self {
            Period::Week => 7.days(),
            Period::Month => 1.month(),
            Period::Year => 1.year(),
        };
        start.checked_add(step).ok()
    }
}

/// One period as instants: `[starts_at, ends_at)`, starting at local midnight of `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bounds {
    pub start: Date,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
}

/// Finds the period of an instant, numbering periods in the order they were first seen.
///
/// Converting an instant to local time means a time zone lookup; a period's bounds are
/// computed once, and later instants are matched against the bounds: the last period hit
/// first (history usually arrives in time order), then a binary search over the rest.
pub(crate) struct Periods<'z> {
    zone: &'z TimeZone,
    period: Period,
    /// Ids of the known periods, ordered by start.
    sorted: Vec<u32>,
    /// Bounds by id.
    bounds: Vec<Bounds>,
    last: Option<u32>,
}

impl<'z> Periods<'z> {
    pub fn new(zone: &'z TimeZone, period: Period) -> Self {
        Periods { zone, period, sorted: Vec::new(), bounds: Vec::new(), last: None }
    }

    /// The id of the period containing `at`; ids are dense, starting at 0.
    pub fn locate(&mut self, at: Timestamp) -> u32 {
        if let Some(id) = self.last
            && self.contains(id, at)
        {
            return id;
        }
        let pos = self.sorted.partition_point(|&id| self.bounds[id as usize].starts_at <= at);
        if pos > 0 && self.contains(self.sorted[pos - 1], at) {
            let id = self.sorted[pos - 1];
            self.last = Some(id);
            return id;
        }
        let id = self.bounds.len() as u32;
        self.bounds.push(self.bounds_of(at));
        self.sorted.insert(pos, id);
        self.last = Some(id);
        id
    }

    pub fn bounds(&self, id: u32) -> Bounds {
        self.bounds[id as usize]
    }

    /// Known period ids, oldest first.
    pub fn in_order(&self) -> &[u32] {
        &self.sorted
    }

    pub fn count(&self) -> usize {
        self.bounds.len()
    }

    fn contains(&self, id: u32, at: Timestamp) -> bool {
        let b = &self.bounds[id as usize];
        b.starts_at <= at && at < b.ends_at
    }

    fn bounds_of(&self, at: Timestamp) -> Bounds {
        let start = self.period.start_of(self.zone.to_datetime(at).date());
        let starts_at = self.midnight(start).unwrap_or(Timestamp::MIN).min(at);
        let ends_at = self.period.next_start(start).and_then(|next| self.midnight(next)).unwrap_or(Timestamp::MAX);
        Bounds { start, starts_at, ends_at: ends_at.max(at) }
    }

    /// The first instant of a local day: when a DST gap swallows midnight, the day starts
    /// at the end of the gap.
    fn midnight(&self, date: Date) -> Option<Timestamp> {
        self.zone.to_ambiguous_timestamp(date.to_datetime(Time::midnight())).compatible().ok()
    }
}

#[cfg(test)]
mod recent_tests {
    use super::*;

    #[test]
    fn recent_periods_start_at_local_midnight_of_whole_periods() {
        let zone = TimeZone::get("Europe/Berlin").unwrap();
        let now: Timestamp = "2026-11-29T10:00:00Z".parse().unwrap(); // a Sunday
        let (from, to) = Period::Week.recent(2, now, &zone);
        assert_eq!(from, "2026-11-15T23:00:00Z".parse::<Timestamp>().unwrap(), "Monday 16 Nov, 00:00 in Berlin");
        assert_eq!(to, now);
        let (from, _) = Period::Month.recent(12, now, &zone);
        assert_eq!(from, "2025-11-30T23:00:00Z".parse::<Timestamp>().unwrap(), "1 Dec 2025, 00:00 in Berlin");
        let (from, _) = Period::Year.recent(1, now, &zone);
        assert_eq!(from, "2025-12-31T23:00:00Z".parse::<Timestamp>().unwrap());
        assert_eq!(Period::parse("month"), Some(Period::Month));
        assert_eq!(Period::parse("decade"), None);
    }
}
