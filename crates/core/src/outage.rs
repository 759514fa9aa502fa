//! What to do with occurrences found late: after downtime, occurrences whose whole window
//! passed are recorded as skipped rather than dumped on people; the current one opens.

use crate::span::Span;
use jiff::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// Runs as scheduled: deadlines count from the occurrence.
    OnTime,
    /// The current occurrence, found after its window passed: deadlines count from now.
    Late,
    /// Its window passed while nobody could act: recorded, never assigned.
    SkippedByOutage,
}

/// Decides each occurrence's fate. `occurrences` are ascending; `window` is how long after
/// its start a run's last step is due.
pub fn dispositions(occurrences: &[Timestamp], now: Timestamp, window: Span) -> Vec<Disposition> {
    let current = occurrences.iter().rposition(|at| *at <= now);
    occurrences
        .iter()
        .enumerate()
        .map(|(i, at)| {
            let window_passed = *at + window.as_duration() < now;
            match (window_passed, Some(i) == current) {
                (false, _) => Disposition::OnTime,
                (true, true) => Disposition::Late,
                (true, false) => Disposition::SkippedByOutage,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Disposition::*;

    #[test]
    fn after_three_days_down_old_runs_are_skipped_and_the_current_one_opens() {
        let day =
            |d: i64| "2026-01-01T07:00:00Z".parse::<Timestamp>().unwrap() + jiff::SignedDuration::from_hours(24 * d);
        let occurrences = [day(0), day(1), day(2), day(3), day(4)];
        let now = day(3) + jiff::SignedDuration::from_hours(5);
        let got = dispositions(&occurrences, now, Span::from_secs(3600));
        assert_eq!(got, [SkippedByOutage, SkippedByOutage, SkippedByOutage, Late, OnTime]);
    }

    #[test]
    fn a_run_still_inside_its_window_is_on_time() {
        let at: Timestamp = "2026-01-01T07:00:00Z".parse().unwrap();
        let now = at + jiff::SignedDuration::from_mins(30);
        assert_eq!(dispositions(&[at], now, Span::from_secs(3600)), [OnTime]);
    }
}
