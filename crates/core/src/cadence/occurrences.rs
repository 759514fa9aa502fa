//! Turning the wall-clock times of a rule into instants in its zone.
//!
//! A wall time that falls in a DST gap is read with the offset in force before the gap
//! (so 02:30 on a spring-forward night happens at 03:30 new time); one that occurs twice
//! is the first of the two (RFC 5545 §3.3.5). Rules finer than a day follow real time
//! instead: an hourly rule fires in both copies of a repeated hour and once, not twice,
//! after a skipped one.

use super::Schedule;
use super::ical::{Stride, Until, from_chrono};
use jiff::{Timestamp, Zoned, civil};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// How far a later wall time can map before an earlier one: more than any DST shift.
const REORDER_WINDOW_SECS: i64 = 3 * 3_600;
/// Room kept before a fast-forwarded DTSTART so zone offsets can never skip an occurrence.
const FAST_FORWARD_MARGIN_DAYS: i64 = 2;

/// One occurrence: the wall time the rule names, and the instant it denotes in the zone.
/// They differ only when the wall time falls in a DST gap.
#[derive(Debug, Clone, PartialEq)]
pub struct Occurrence {
    pub wall: civil::DateTime,
    pub at: Zoned,
}

impl Occurrence {
    pub fn timestamp(&self) -> Timestamp {
        self.at.timestamp()
    }
}

pub struct Occurrences<'a> {
    schedule: &'a Schedule,
    inner: rrule::RRuleSetIter,
    emitted: u32,
    last: Option<Timestamp>,
    pending: BinaryHeap<Reverse<(Timestamp, civil::DateTime)>>,
    exhausted: bool,
    /// Instants before this can no longer be preceded by anything still to come.
    bound: Option<Timestamp>,
}

impl<'a> Occurrences<'a> {
    pub(super) fn new(schedule: &'a Schedule, after: Option<Timestamp>) -> Self {
        let shifted = match (after, schedule.rule.count) {
            (Some(after), None) => fast_forward(schedule, after).and_then(|start| schedule.rule.set_from(start)),
            _ => None,
        };
        let inner = match &shifted {
            Some(set) => set.into_iter(),
            None => (&schedule.rule.set).into_iter(),
        };
        Occurrences {
            schedule,
            inner,
            emitted: 0,
            last: None,
            pending: BinaryHeap::new(),
            exhausted: false,
            bound: None,
        }
    }

    fn emit(&mut self, at: Timestamp, wall: civil::DateTime) -> Option<Occurrence> {
        if let Some(Until::Instant(until)) = self.schedule.rule.until
            && at > until
        {
            self.exhausted = true;
            self.pending.clear();
            return None;
        }
        if self.last.is_some_and(|last| at <= last) {
            return None;
        }
        self.last = Some(at);
        self.emitted += 1;
        Some(Occurrence { wall, at: at.to_zoned(self.schedule.zone.clone()) })
    }
}

impl Iterator for Occurrences<'_> {
    type Item = Occurrence;

    fn next(&mut self) -> Option<Occurrence> {
        let rule = &self.schedule.rule;
        loop {
            if rule.count.is_some_and(|count| self.emitted >= count) {
                return None;
            }
            if let Some(&Reverse((first, first_wall))) = self.pending.peek() {
                let safe = self.exhausted || self.bound.is_some_and(|bound| first < bound);
                if safe {
                    self.pending.pop();
                    match self.emit(first, first_wall) {
                        Some(z) => return Some(z),
                        None => continue,
                    }
                }
            }
            if self.exhausted {
                if self.pending.is_empty() {
                    return None;
                }
                continue;
            }
            let Some(wall) = self.inner.next().as_ref().and_then(from_chrono) else {
                self.exhausted = true;
                continue;
            };
            if let Some(Until::Wall(until)) = rule.until
                && wall > until
            {
                self.exhausted = true;
                continue;
            }
            if self.schedule.exdates.contains(&wall) {
                continue;
            }
            let Ok(ambiguous) = self.schedule.zone.to_ambiguous_zoned(wall).compatible() else {
                continue;
            };
            let at = ambiguous.timestamp();
            if rule.sub_daily {
                self.pending.push(Reverse((at, wall)));
                if let Ok(later) = self.schedule.zone.to_ambiguous_zoned(wall).later() {
                    self.pending.push(Reverse((later.timestamp(), wall)));
                }
                self.bound = Some(at - jiff::SignedDuration::from_secs(REORDER_WINDOW_SECS));
                continue;
            }
            if let Some(z) = self.emit(at, wall) {
                return Some(z);
            }
        }
    }
}

/// A later DTSTART on the rule's period grid, shortly before `after`, so finding the next
/// occurrence does not walk every occurrence since the process began.
fn fast_forward(schedule: &Schedule, after: Timestamp) -> Option<civil::DateTime> {
    let start = schedule.start;
    let target = after.to_zoned(schedule.zone.clone()).datetime();
    let target = target.checked_sub(jiff::Span::new().days(FAST_FORWARD_MARGIN_DAYS)).ok()?;
    if target <= start {
        return None;
    }
    let shifted = match schedule.rule.stride {
        Stride::None => return None,
        Stride::Seconds(step) => {
            let elapsed = wall_seconds(target) - wall_seconds(start);
            let seconds = elapsed.div_euclid(step) * step;
            start.checked_add(jiff::SignedDuration::from_secs(seconds)).ok()?
        }
        Stride::Days(step) => {
            let days = (wall_seconds(target) - wall_seconds(start)).div_euclid(86_400);
            start.checked_add(jiff::Span::new().days(days.div_euclid(step) * step)).ok()?
        }
        Stride::Months(step) => {
            let months = (i64::from(target.year()) * 12 + i64::from(target.month()))
                - (i64::from(start.year()) * 12 + i64::from(start.month()))
                - 1;
            if months <= 0 {
                return None;
            }
            start.checked_add(jiff::Span::new().months(months.div_euclid(step) * step)).ok()?
        }
    };
    (shifted > start).then_some(shifted)
}

fn wall_seconds(dt: civil::DateTime) -> i64 {
    dt.to_zoned(jiff::tz::TimeZone::UTC).map(|z| z.timestamp().as_second()).unwrap_or(0)
}
