//! A process's key metrics per local week (or month, or year): how its runs went and what
//! its numeric proof fields read.

use super::kpi::{KpiAcc, KpiStats, field_facts};
use super::period::{Period, Periods};
use super::tally::{Figures, Runs, Tally};
use crate::history::{Facts, Outcome, Reading};
use crate::ids::ProcessId;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use std::collections::HashMap;

/// One period of one process.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ProcessPeriod {
    pub process: ProcessId,
    pub period: Period,
    /// The period's first local day: a Monday for weeks.
    pub start: Date,
    /// Local midnight of `start`, and of the next period's first day.
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub figures: Figures,
    /// One entry per numeric field read this period, by (step, field).
    pub kpis: Vec<KpiStats>,
}

/// A process's week: the shape the weekly review reads.
pub type ProcessWeek = ProcessPeriod;

/// The process's weeks, oldest first: local ISO weeks (Monday midnight to Monday midnight)
/// in the process's zone, so a week is 167 or 169 hours long across a DST change.
///
/// A run belongs to the week of its `scheduled_for`; a reading to the week it was taken
/// in (`at`), as the trend chart plots it, so a Sunday-night run read after midnight
/// counts its run in one week and its reading in the next. Weeks with neither runs nor
/// readings are left out rather than shown as zeros. An unknown process is reported in UTC.
pub fn process_weeks(
    facts: &Facts,
    process: ProcessId,
    outcomes: &[Outcome],
    readings: &[Reading],
) -> Vec<ProcessWeek> {
    let zone = facts.processes.get(&process).map_or(TimeZone::UTC, |p| p.zone.clone());
    process_periods(facts, process, outcomes, readings, Period::Week, &zone)
}

/// The process's periods of the given kind in `zone`, oldest first; see [`process_weeks`].
pub fn process_periods(
    facts: &Facts,
    process: ProcessId,
    outcomes: &[Outcome],
    readings: &[Reading],
    period: Period,
    zone: &TimeZone,
) -> Vec<ProcessPeriod> {
    let mut periods = Periods::new(zone, period);
    let mut tallies: Vec<Tally> = Vec::new();
    let mut runs = Runs::new();
    for outcome in outcomes.iter().filter(|o| o.process == process) {
        let id = periods.locate(outcome.scheduled_for);
        if tallies.len() < periods.count() {
            tallies.resize_with(periods.count(), Tally::default);
        }
        tallies[id as usize].add_task(outcome);
        runs.add(outcome, || (id, 0));
    }
    for run in runs.finish() {
        tallies[run.period as usize].add_run(&run);
    }

    // Readings mostly come field by field in time order: the last field's slot is tried
    // before the map.
    let mut slots: HashMap<(u32, u16, u16), usize> = HashMap::new();
    let mut accs: Vec<((u32, u16, u16), KpiAcc)> = Vec::new();
    let mut last: Option<((u32, u16, u16), usize)> = None;
    for reading in readings.iter().filter(|r| r.process == process) {
        let key = (periods.locate(reading.at), reading.step, reading.field);
        let slot = match last {
            Some((known, slot)) if known == key => slot,
            _ => *slots.entry(key).or_insert_with(|| {
                accs.push((key, KpiAcc::new(field_facts(facts, process, key.1, key.2))));
                accs.len() - 1
            }),
        };
        last = Some((key, slot));
        accs[slot].1.add(reading.at, reading.value);
    }
    tallies.resize_with(periods.count(), Tally::default);

    let mut stats: Vec<Vec<KpiStats>> = vec![Vec::new(); periods.count()];
    accs.sort_unstable_by_key(|(key, _)| *key);
    for ((id, step, field), acc) in accs {
        stats[id as usize].push(acc.finish(step, field));
    }

    let levels = facts.processes.get(&process).map_or(0, |p| usize::from(p.chain_levels));
    let mut tallies: Vec<Option<Tally>> = tallies.into_iter().map(Some).collect();
    periods
        .in_order()
        .iter()
        .map(|&id| {
            let bounds = periods.bounds(id);
            let mut tally = tallies[id as usize].take().unwrap_or_default();
            tally.pad_levels(levels);
            ProcessPeriod {
                process,
                period,
                start: bounds.start,
                starts_at: bounds.starts_at,
                ends_at: bounds.ends_at,
                figures: tally.finish(),
                kpis: std::mem::take(&mut stats[id as usize]),
            }
        })
        .collect()
}
