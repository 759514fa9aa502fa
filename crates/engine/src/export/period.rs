//! The period an export covers, as people type it: days in the organization's zone with
//! the last day included, or exact RFC 3339 instants with the end excluded.

use crate::EngineError;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// Runs scheduled in `[from, to)`, with the days that name the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportPeriod {
    pub from: Timestamp,
    pub to: Timestamp,
    pub first_day: Date,
    pub last_day: Date,
}

/// A bound from `text`: a day (the start of it, or for the end the start of the next
/// day, so the day is included) or an instant, with the day it falls on in `zone`.
fn bound(field: &str, text: &str, zone: &TimeZone, end: bool) -> Result<(Timestamp, Date), EngineError> {
    let text = text.trim();
    let bad = || {
        EngineError::invalid(
            field,
            format!("{text:?} is neither a date (2026-01-31) nor an instant (2026-01-31T08:00:00Z)"),
        )
    };
    if let Ok(day) = text.parse::<Date>() {
        let start = if end { day.checked_add(1.day()).map_err(|_| bad())? } else { day };
        return Ok((start.to_zoned(zone.clone()).map_err(|_| bad())?.timestamp(), day));
    }
    let at: Timestamp = text.parse().map_err(|_| bad())?;
    // An instant that ends a period at midnight names the day before it.
    let named = if end { at - jiff::SignedDuration::from_nanos(1) } else { at };
    Ok((at, named.to_zoned(zone.clone()).date()))
}

impl ExportPeriod {
    /// Reads both ends and refuses an empty, reversed or overlong period.
    pub fn parse(from: &str, to: &str, zone: &TimeZone) -> Result<ExportPeriod, EngineError> {
        let (from, first_day) = bound("from", from, zone, false)?;
        let (to, last_day) = bound("to", to, zone, true)?;
        super::check_export_range(from, to)?;
        Ok(ExportPeriod { from, to, first_day, last_day })
    }

    /// `evidence-<process key>-<first day>-<last day>.zip`: safe in a path and in a
    /// Content-Disposition header, since process keys are lowercase letters, digits and dashes.
    pub fn file_name(&self, process_key: &str) -> String {
        format!("evidence-{process_key}-{}-{}.zip", self.first_day, self.last_day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_local_and_the_last_one_is_included() {
        let zone = TimeZone::get("Europe/Berlin").unwrap();
        let p = ExportPeriod::parse("2026-01-05", "2026-01-11", &zone).unwrap();
        assert_eq!(p.from, "2026-01-04T23:00:00Z".parse::<Timestamp>().unwrap());
        assert_eq!(p.to, "2026-01-11T23:00:00Z".parse::<Timestamp>().unwrap());
        assert_eq!(p.file_name("opening"), "evidence-opening-2026-01-05-2026-01-11.zip");
        let exact = ExportPeriod::parse("2026-01-04T23:00:00Z", "2026-01-11T23:00:00Z", &zone).unwrap();
        assert_eq!((exact.from, exact.to, exact.last_day), (p.from, p.to, p.last_day));
    }

    #[test]
    fn nonsense_and_reversed_periods_are_refused() {
        let zone = TimeZone::UTC;
        for (from, to) in [("yesterday", "2026-01-01"), ("2026-01-05", "2026-01-04"), ("2025-01-01", "2026-12-31")] {
            assert!(matches!(ExportPeriod::parse(from, to, &zone), Err(EngineError::Invalid(_))), "{from}..{to}");
        }
        assert!(ExportPeriod::parse("2026-01-05", "2026-01-05", &zone).is_ok(), "one whole day");
    }
}
