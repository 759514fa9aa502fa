//! Repeated failures found in finished work, each tested against its baseline so one bad
//! day is not a pattern.
//!
//! Every detector tests a count (or a trend) against what its baseline predicts and keeps
//! a candidate only when the test survives a Bonferroni correction over every test of its
//! kind in the process ("family"), and when a minimum sample and effect size are met.
//! `Finding::p_value` is that corrected p-value.

mod chain;
mod clusters;
mod drift;
mod finding;
mod lead;
mod people;
mod rows;
mod sentence;
pub mod stats;
mod steps;

pub use finding::*;

use crate::history::{Facts, Outcome, Reading};
use crate::ids::ProcessId;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use rows::Rows;
use sentence::Names;

/// Thresholds of detection. The defaults aim at "an owner would agree this is a pattern"
/// while pure noise at a steady miss rate yields (almost) nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Family-wise significance per kind of pattern per process (Bonferroni).
    pub significance: f64,
    /// StepMisses: a step's last `window` runs are compared with the process's baseline.
    pub window: usize,
    /// Fewer runs (or readings, or missed tasks) than this in a window: no test.
    pub min_window: usize,
    /// StepMisses, PersonMisses, clusters, rejections: fewer events than this are never a pattern.
    pub min_events: usize,
    /// StepMisses: this many misses in a row at the end of the window are tested on their own.
    pub streak: usize,
    /// Baselines need at least this many samples.
    pub min_baseline: usize,
    /// Baseline rates are never taken below this, so a spotless past does not turn two
    /// misses into a pattern.
    pub rate_floor: f64,
    /// PersonMisses and clusters look at the work due in this span before `now`.
    pub horizon: SignedDuration,
    /// PersonMisses: minimum counted tasks of the person, and of their peers together.
    pub min_person_tasks: usize,
    pub min_peer_tasks: usize,
    /// PersonMisses and clusters: the rate must also be at least this many times the baseline.
    pub min_ratio: f64,
    /// Rejections: runs in the window, and the least rejection rate assumed as baseline.
    pub rejection_window: usize,
    pub rejection_floor: f64,
    /// BrokenChain: the step's last missed tasks looked at, and the share of them a working
    /// chain may still lose.
    pub chain_window: usize,
    pub chain_healthy_rate: f64,
    /// Drift: the last readings fitted, and the fewest readings worth fitting.
    pub drift_window: usize,
    pub min_readings: usize,
    /// LeadTime: the last finished runs tested for a trend, the fewest worth testing, and
    /// the least growth reported.
    pub lead_window: usize,
    pub min_lead_runs: usize,
    pub lead_min_increase: SignedDuration,
    /// Length of a finding's chart, and the most runs listed as evidence.
    pub series_len: usize,
    pub max_runs: usize,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            significance: 0.01,
            window: 8,
            min_window: 5,
            min_events: 3,
            streak: 3,
            min_baseline: 20,
            rate_floor: 0.02,
            horizon: SignedDuration::from_hours(16 * 7 * 24),
            min_person_tasks: 15,
            min_peer_tasks: 40,
            min_ratio: 2.0,
            rejection_window: 16,
            rejection_floor: 0.05,
            chain_window: 10,
            chain_healthy_rate: 0.3,
            drift_window: 20,
            min_readings: 8,
            lead_window: 24,
            min_lead_runs: 10,
            lead_min_increase: SignedDuration::from_mins(15),
            series_len: 24,
            max_runs: 50,
        }
    }
}

/// Patterns of one process, from all its finished tasks (any order) and readings (any order).
pub fn detect_process(
    facts: &Facts,
    process: ProcessId,
    outcomes: &[Outcome],
    readings: &[Reading],
    now: Timestamp,
    settings: &Settings,
) -> Vec<Finding> {
    let names = Names::new(facts, process);
    let zone = facts.processes.get(&process).map_or(TimeZone::UTC, |facts| facts.zone.clone());
    let context = Context { process, names, settings, now, zone: &zone };
    let rows = Rows::new(outcomes, process, &zone, context.horizon_start());
    let mut findings = Vec::new();
    if !rows.rows.is_empty() {
        findings.extend(steps::step_misses(&context, &rows));
        findings.extend(steps::rejections(&context, &rows));
        findings.extend(chain::broken_chain(&context, &rows));
        findings.extend(people::person_misses(&context, &rows));
        findings.extend(clusters::clusters(&context, &rows, facts));
        findings.extend(lead::lead_time(&context, &rows));
    }
    findings.extend(drift::drift(&context, readings));
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.key.cmp(&b.key)));
    findings
}

/// What every detector needs besides the rows.
pub(crate) struct Context<'a> {
    pub process: ProcessId,
    pub names: Names<'a>,
    pub settings: &'a Settings,
    pub now: Timestamp,
    pub zone: &'a TimeZone,
}

impl Context<'_> {
    /// A raw p-value from one of `tests` tests of a family, corrected; `None` when it is
    /// not significant.
    pub fn corrected(&self, raw: f64, tests: usize) -> Option<f64> {
        let corrected = (raw * tests.max(1) as f64).min(1.0);
        (corrected <= self.settings.significance).then_some(corrected)
    }

    /// Seconds since the epoch from which work counts for horizon-based detectors.
    pub fn horizon_start(&self) -> i64 {
        self.now.as_second() - self.settings.horizon.as_secs()
    }

    /// The newest `max_runs` runs, oldest first and without repeats.
    pub fn evidence_runs(&self, runs: impl DoubleEndedIterator<Item = crate::ids::RunId>) -> Vec<crate::ids::RunId> {
        let mut newest_first: Vec<_> = Vec::new();
        for run in runs.rev() {
            if newest_first.len() == self.settings.max_runs {
                break;
            }
            if !newest_first.contains(&run) {
                newest_first.push(run);
            }
        }
        newest_first.reverse();
        newest_first
    }
}

/// Severity from the corrected p-value, raised one level when the effect is plainly large.
pub(crate) fn severity(p_value: f64, large_effect: bool) -> Severity {
    match (p_value <= 1e-5, p_value <= 1e-3 || large_effect) {
        (true, _) if large_effect => Severity::High,
        (_, true) => Severity::Medium,
        _ => Severity::Low,
    }
}

#[cfg(test)]
mod tests;
