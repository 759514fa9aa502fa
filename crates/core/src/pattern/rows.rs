//! Finished tasks of one process in the compact, per-step order every detector reads, with
//! the local weekday and hour worked out once per task.

use crate::history::Outcome;
use crate::ids::{PersonId, ProcessId, RunId};
use crate::task::TaskState;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use std::ops::Range;

const SECONDS_PER_DAY: i64 = 86_400;
const RADIX_BITS: u32 = 11;

/// One counted task (done or unresolved); cancelled and skipped work was never owed.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    pub step: u16,
    pub scheduled: i64,
    pub due: i64,
    /// When it was done, `i64::MIN` when it never was.
    pub completed: i64,
    /// Tie-break between tasks of the same instant, so the order never depends on input order.
    pub task: i64,
    pub run: RunId,
    pub assignee: PersonId,
    /// Index into the caller's outcomes, for exact instants when a finding is written.
    pub source: u32,
    pub rejections: u16,
    pub moves: u8,
    pub missed: bool,
    pub unresolved: bool,
    /// Local weekday of the first deadline, Monday = 0 (only for rows due from `local_from`).
    pub weekday: u8,
    /// Local hour of the first deadline (only for rows due from `local_from`).
    pub hour: u8,
}

/// The counted tasks of one process, grouped by step and oldest first within a step.
pub struct Rows<'a> {
    pub outcomes: &'a [Outcome],
    pub rows: Vec<Row>,
    /// Each step's contiguous slice of `rows`, by step.
    pub steps: Vec<(u16, Range<usize>)>,
    pub misses: usize,
    /// The longest time from a run's start to a task's first deadline, so horizon
    /// searches by start instant stay exact.
    longest_due_offset: i64,
}

impl<'a> Rows<'a> {
    /// Only rows due from `local_from` on get their local weekday and hour: only the
    /// recent horizon needs them, and it spares the zone lookups for years of history.
    pub fn new(outcomes: &'a [Outcome], process: ProcessId, zone: &TimeZone, local_from: i64) -> Rows<'a> {
        // Order compact keys rather than whole rows: (step, second) packed in one integer
        // and radix sorted in linear time (the task id breaks the rare ties); rows are
        // then built once, in order.
        let (mut first_second, mut last_second, mut last_step) = (i64::MAX, i64::MIN, 0u16);
        let mut order: Vec<(u64, u32)> = Vec::with_capacity(outcomes.len());
        for (index, outcome) in outcomes.iter().enumerate() {
            if outcome.process == process && outcome.counts() {
                let second = outcome.scheduled_for.as_second();
                (first_second, last_second) = (first_second.min(second), last_second.max(second));
                last_step = last_step.max(outcome.step);
                order.push((second as u64, index as u32));
            }
        }
        let span = last_second.wrapping_sub(first_second) as u64 + 1;
        for (key, index) in &mut order {
            let step = u64::from(outcomes[*index as usize].step);
            *key = step * span + (*key as i64 - first_second) as u64;
        }
        radix_sort(&mut order, u64::from(last_step) * span + span);
        for group in order.chunk_by_mut(|a, b| a.0 == b.0).filter(|group| group.len() > 1) {
            group.sort_unstable_by_key(|&(_, index)| outcomes[index as usize].task);
        }
        let mut rows: Vec<Row> = order
            .iter()
            .map(|&(_, index)| {
                let outcome = &outcomes[index as usize];
                Row {
                    step: outcome.step,
                    scheduled: outcome.scheduled_for.as_second(),
                    due: outcome.due_at.as_second(),
                    completed: outcome.completed_at.map_or(i64::MIN, |at| at.as_second()),
                    task: outcome.task.0,
                    run: outcome.run,
                    assignee: outcome.assignee,
                    source: index,
                    rejections: outcome.rejections,
                    moves: outcome.moves,
                    missed: outcome.missed(),
                    unresolved: outcome.state == TaskState::Unresolved,
                    weekday: 0,
                    hour: 0,
                }
            })
            .collect();
        drop(order);
        // After sorting, each step's instants ascend, so the zone is looked up a few
        // times per step instead of once per task.
        let mut clock = LocalClock::new(zone);
        for row in rows.iter_mut().filter(|row| row.due >= local_from) {
            (row.weekday, row.hour) = clock.weekday_and_hour(row.due);
        }
        let mut steps: Vec<(u16, Range<usize>)> = Vec::new();
        for (index, row) in rows.iter().enumerate() {
            match steps.last_mut() {
                Some((step, range)) if *step == row.step => range.end = index + 1,
                _ => steps.push((row.step, index..index + 1)),
            }
        }
        let misses = rows.iter().filter(|row| row.missed).count();
        let longest_due_offset = rows.iter().map(|row| row.due - row.scheduled).max().unwrap_or(0).max(0);
        Rows { outcomes, rows, steps, misses, longest_due_offset }
    }

    /// The rows of one step's slice whose first deadline is at or after `since`, found by
    /// binary search rather than a scan of the whole history.
    pub fn due_since(&self, range: &Range<usize>, since: i64) -> impl Iterator<Item = &Row> {
        let slice = &self.rows[range.clone()];
        let start = slice.partition_point(|row| row.scheduled < since.saturating_sub(self.longest_due_offset));
        slice[start..].iter().filter(move |row| row.due >= since)
    }

    pub fn outcome(&self, row: &Row) -> &'a Outcome {
        &self.outcomes[row.source as usize]
    }

    pub fn due_at(&self, row: &Row) -> Timestamp {
        self.outcome(row).due_at
    }

    pub fn scheduled_for(&self, row: &Row) -> Timestamp {
        self.outcome(row).scheduled_for
    }

    /// The process's miss rate over everything except `excluded`, with its sample size.
    pub fn miss_rate_without(&self, excluded: &[Row]) -> (f64, usize) {
        let excluded_misses = excluded.iter().filter(|row| row.missed).count();
        let samples = self.rows.len() - excluded.len();
        if samples == 0 {
            return (0.0, 0);
        }
        ((self.misses - excluded_misses) as f64 / samples as f64, samples)
    }
}

/// Stable LSD radix sort by key, touching only as many digits as `limit` needs.
fn radix_sort(items: &mut Vec<(u64, u32)>, limit: u64) {
    let bits = u64::BITS - limit.leading_zeros();
    let mut buffer = vec![(0u64, 0u32); items.len()];
    let mut shift = 0;
    while shift < bits {
        let digit = |key: u64| ((key >> shift) & ((1 << RADIX_BITS) - 1)) as usize;
        let mut starts = [0usize; 1 << RADIX_BITS];
        for &(key, _) in items.iter() {
            starts[digit(key)] += 1;
        }
        let mut total = 0;
        for start in starts.iter_mut() {
            (*start, total) = (total, total + *start);
        }
        for &item in items.iter() {
            let slot = &mut starts[digit(item.0)];
            buffer[*slot] = item;
            *slot += 1;
        }
        std::mem::swap(items, &mut buffer);
        shift += RADIX_BITS;
    }
}

/// Local weekday and hour from UTC seconds. The zone's offset is looked up once per
/// stretch between two transitions, so a sorted history costs a handful of lookups
/// instead of one per task.
pub struct LocalClock<'z> {
    zone: &'z TimeZone,
    valid_from: i64,
    valid_until: i64,
    offset: i64,
}

impl<'z> LocalClock<'z> {
    pub fn new(zone: &'z TimeZone) -> LocalClock<'z> {
        LocalClock { zone, valid_from: 1, valid_until: 0, offset: 0 }
    }

    pub fn offset_at(&mut self, second: i64) -> i64 {
        if second < self.valid_from || second >= self.valid_until {
            self.refresh(second);
        }
        self.offset
    }

    pub fn weekday_and_hour(&mut self, second: i64) -> (u8, u8) {
        let local = second + self.offset_at(second);
        let days = local.div_euclid(SECONDS_PER_DAY);
        // 1970-01-01 was a Thursday (Monday = 0 makes it 3).
        let weekday = (days + 3).rem_euclid(7) as u8;
        let hour = (local.rem_euclid(SECONDS_PER_DAY) / 3600) as u8;
        (weekday, hour)
    }

    fn refresh(&mut self, second: i64) {
        let Ok(at) = Timestamp::from_second(second) else {
            self.offset = 0;
            return;
        };
        self.offset = i64::from(self.zone.to_offset(at).seconds());
        // `preceding` yields transitions strictly before its argument: start one second on
        // so a transition exactly at `second` counts as the start of this stretch.
        let next_second = Timestamp::from_second(second.saturating_add(1)).unwrap_or(at);
        self.valid_from = self.zone.preceding(next_second).next().map_or(i64::MIN, |t| t.timestamp().as_second());
        self.valid_until = self.zone.following(at).next().map_or(i64::MAX, |t| t.timestamp().as_second());
        if self.valid_from > second || self.valid_until <= second {
            // Never trust a stretch that does not contain the instant: look up every time.
            self.valid_from = second;
            self.valid_until = second + 1;
        }
    }
}

/// Hashing for small integer ids: a multiply is plenty (ids are not attacker-chosen
/// inside a pure computation) and far cheaper than SipHash per task.
#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*byte)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_i64(&mut self, value: i64) {
        self.0 = (self.0 ^ value as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29);
    }
}

pub type IdMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<IdHasher>>;
