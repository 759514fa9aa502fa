//! Numeric proof fields as KPIs: every reading for trend charts, and per-period summaries.

use crate::history::{Facts, FieldFacts, Reading};
use crate::ids::{ProcessId, RunId, TaskId};
use jiff::Timestamp;

/// Every reading of one numeric field of one step, oldest first.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct KpiSeries {
    pub process: ProcessId,
    pub step: u16,
    /// The proof requirement's position in the step.
    pub field: u16,
    pub label: String,
    pub unit: Option<String>,
    /// The accepted range as the step defines it today.
    pub range_min: Option<f64>,
    pub range_max: Option<f64>,
    pub points: Vec<KpiPoint>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct KpiPoint {
    pub at: Timestamp,
    pub value: f64,
    pub in_range: bool,
    pub run: RunId,
    pub task: TaskId,
}

/// One field's readings within one period.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct KpiStats {
    pub step: u16,
    pub field: u16,
    pub count: u32,
    pub min: f64,
    pub max: f64,
    pub mean: f64,
    /// The most recent reading (by `at`).
    pub last: f64,
    /// Readings outside the field's range today (a reading accepted under an older range
    /// is judged by the current one, so the chart and the count agree).
    pub out_of_range: u32,
}

/// The field as the process defines it today; a field since removed has no label or range.
pub(crate) fn field_facts(facts: &Facts, process: ProcessId, step: u16, field: u16) -> Option<&FieldFacts> {
    facts.processes.get(&process)?.steps.get(usize::from(step))?.fields.get(&field)
}

/// Inside `[min, max]`, either bound optional. NaN is never in range.
pub(crate) fn in_range(value: f64, min: Option<f64>, max: Option<f64>) -> bool {
    !value.is_nan() && min.is_none_or(|min| value >= min) && max.is_none_or(|max| value <= max)
}

/// Every reading of `process`, one series per (step, field) in that order, oldest first.
pub fn kpi_series(facts: &Facts, process: ProcessId, readings: &[Reading]) -> Vec<KpiSeries> {
    let mut all: Vec<KpiSeries> = Vec::new();
    // A process has a handful of numeric fields: a scan beats a map, and readings of one
    // field usually follow each other, so the last one is tried first.
    let mut last = 0;
    for r in readings.iter().filter(|r| r.process == process) {
        let is = |s: &KpiSeries| s.step == r.step && s.field == r.field;
        if !all.get(last).is_some_and(is) {
            last = all.iter().position(is).unwrap_or_else(|| {
                all.push(new_series(facts, process, r.step, r.field));
                all.len() - 1
            });
        }
        let series = &mut all[last];
        let in_range = in_range(r.value, series.range_min, series.range_max);
        series.points.push(KpiPoint { at: r.at, value: r.value, in_range, run: r.run, task: r.task });
    }
    for series in &mut all {
        // Stable, and linear when the store already sent them in time order.
        series.points.sort_by_key(|p| p.at);
    }
    all.sort_unstable_by_key(|s| (s.step, s.field));
    all
}

fn new_series(facts: &Facts, process: ProcessId, step: u16, field: u16) -> KpiSeries {
    let known = field_facts(facts, process, step, field);
    KpiSeries {
        process,
        step,
        field,
        label: known.map(|f| f.label.clone()).unwrap_or_default(),
        unit: known.and_then(|f| f.unit.clone()),
        range_min: known.and_then(|f| f.min),
        range_max: known.and_then(|f| f.max),
        points: Vec::new(),
    }
}

/// One field's readings in one period as they accumulate.
#[derive(Debug, Clone)]
pub(crate) struct KpiAcc {
    range_min: Option<f64>,
    range_max: Option<f64>,
    count: u32,
    sum: f64,
    min: f64,
    max: f64,
    last: f64,
    last_at: Timestamp,
    out_of_range: u32,
}

impl KpiAcc {
    pub fn new(range: Option<&FieldFacts>) -> Self {
        KpiAcc {
            range_min: range.and_then(|f| f.min),
            range_max: range.and_then(|f| f.max),
            count: 0,
            sum: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            last: f64::NAN,
            last_at: Timestamp::MIN,
            out_of_range: 0,
        }
    }

    pub fn add(&mut self, at: Timestamp, value: f64) {
        self.count += 1;
        self.sum += value;
        self.min = self.min.min(value);
        self.max = self.max.max(value);
        if self.count == 1 || at >= self.last_at {
            self.last = value;
            self.last_at = at;
        }
        if !in_range(value, self.range_min, self.range_max) {
            self.out_of_range += 1;
        }
    }

    pub fn finish(&self, step: u16, field: u16) -> KpiStats {
        KpiStats {
            step,
            field,
            count: self.count,
            min: self.min,
            max: self.max,
            mean: self.sum / f64::from(self.count.max(1)),
            last: self.last,
            out_of_range: self.out_of_range,
        }
    }
}
