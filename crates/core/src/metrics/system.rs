//! A system's monthly and annual figures, rolled up from the raw outcomes of its own
//! processes and of every system nested under it.

use super::period::{Period, Periods};
use super::tally::{Figures, Runs, Tally};
use crate::history::Outcome;
use crate::ids::{ProcessId, SystemId};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use std::collections::HashMap;

/// A system as the roll-up sees it: where it hangs and which processes it holds directly.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SystemNode {
    pub id: SystemId,
    pub parent: Option<SystemId>,
    pub processes: Vec<ProcessId>,
}

/// One period of one system, its own processes and all nested systems' together.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SystemPeriod {
    pub system: SystemId,
    pub period: Period,
    /// The period's first local day in the organization's zone.
    pub start: Date,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub figures: Figures,
}

/// Every system's periods: systems in input order, each system's periods oldest first,
/// only periods in which its subtree had runs.
///
/// Rolled up from outcomes rather than from process weeks because weeks do not tile
/// months, and because a median cannot be summed: the lead times of the whole subtree
/// are pooled. A process listed under a system and again under one of its descendants
/// counts once. A parent link that loops back (a system placed in its own subtree) is
/// followed only once. Outcomes of processes in no system are ignored.
pub fn system_periods(
    systems: &[SystemNode],
    outcomes: &[Outcome],
    period: Period,
    zone: &TimeZone,
) -> Vec<SystemPeriod> {
    let mut rollup = SystemRollup::new(systems, period, zone);
    rollup.add(outcomes);
    rollup.finish()
}

/// [`system_periods`] fed a process at a time, so an organization's history never has
/// to be in memory at once: each process's outcomes are folded into tallies per
/// process and period as they come, in any order of processes.
pub struct SystemRollup<'z> {
    systems: Vec<SystemNode>,
    period: Period,
    group_of: HashMap<ProcessId, u32>,
    periods: Periods<'z>,
    tallies: Vec<Vec<Option<Tally>>>,
}

impl<'z> SystemRollup<'z> {
    pub fn new(systems: &[SystemNode], period: Period, zone: &'z TimeZone) -> SystemRollup<'z> {
        let mut group_of: HashMap<ProcessId, u32> = HashMap::new();
        for process in systems.iter().flat_map(|s| &s.processes) {
            let next = group_of.len() as u32;
            group_of.entry(*process).or_insert(next);
        }
        let tallies = vec![Vec::new(); group_of.len()];
        SystemRollup { systems: systems.to_vec(), period, group_of, periods: Periods::new(zone, period), tallies }
    }

    /// Whether `process` counts toward any system; others need not be read at all.
    pub fn counts(&self, process: ProcessId) -> bool {
        self.group_of.contains_key(&process)
    }

    /// Folds in outcomes holding every task of each run they mention (a whole process's
    /// span, or several processes' together).
    pub fn add(&mut self, outcomes: &[Outcome]) {
        let mut runs = Runs::new();
        let mut last: Option<(ProcessId, Option<u32>)> = None;
        for outcome in outcomes {
            let group = match last {
                Some((process, group)) if process == outcome.process => group,
                _ => {
                    let group = self.group_of.get(&outcome.process).copied();
                    last = Some((outcome.process, group));
                    group
                }
            };
            let Some(group) = group else { continue };
            let id = self.periods.locate(outcome.scheduled_for);
            let row = &mut self.tallies[group as usize];
            if row.len() <= id as usize {
                row.resize(id as usize + 1, None);
            }
            row[id as usize].get_or_insert_default().add_task(outcome);
            runs.add(outcome, || (id, group));
        }
        for run in runs.finish() {
            if let Some(tally) = &mut self.tallies[run.group as usize][run.period as usize] {
                tally.add_run(&run);
            }
        }
    }

    /// Every system's periods, as [`system_periods`] returns them.
    pub fn finish(self) -> Vec<SystemPeriod> {
        let systems = &self.systems;
        let mut children: HashMap<SystemId, Vec<usize>> = HashMap::new();
        for (index, node) in systems.iter().enumerate() {
            if let Some(parent) = node.parent {
                children.entry(parent).or_default().push(index);
            }
        }
        let mut out = Vec::new();
        for (index, system) in systems.iter().enumerate() {
            let groups = subtree_groups(systems, &children, index, &self.group_of);
            for &id in self.periods.in_order() {
                let mut rolled: Option<Tally> = None;
                for &group in &groups {
                    if let Some(Some(tally)) = self.tallies[group as usize].get(id as usize) {
                        rolled.get_or_insert_default().merge(tally);
                    }
                }
                let Some(rolled) = rolled else { continue };
                let bounds = self.periods.bounds(id);
                out.push(SystemPeriod {
                    system: system.id,
                    period: self.period,
                    start: bounds.start,
                    starts_at: bounds.starts_at,
                    ends_at: bounds.ends_at,
                    figures: rolled.finish(),
                });
            }
        }
        out
    }
}

/// The process groups of `systems[root]` and of every system below it, each once.
fn subtree_groups(
    systems: &[SystemNode],
    children: &HashMap<SystemId, Vec<usize>>,
    root: usize,
    group_of: &HashMap<ProcessId, u32>,
) -> Vec<u32> {
    // The visited marks are what stops a cycle: each system is expanded at most once.
    let mut visited = vec![false; systems.len()];
    let mut in_subtree = vec![false; group_of.len()];
    let mut stack = vec![root];
    visited[root] = true;
    while let Some(index) = stack.pop() {
        for process in &systems[index].processes {
            in_subtree[group_of[process] as usize] = true;
        }
        for &child in children.get(&systems[index].id).into_iter().flatten() {
            if !visited[child] {
                visited[child] = true;
                stack.push(child);
            }
        }
    }
    (0..group_of.len() as u32).filter(|&g| in_subtree[g as usize]).collect()
}
