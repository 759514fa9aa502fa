//! Processes that finish later and later.
//!
//! Lead time of a run = when its last task was done minus the run's scheduled instant.
//! Only runs where every counted task was done have one (a run with an unresolved task
//! never finished; StepMisses and BrokenChain speak for those). Lateness against the
//! due times was the alternative, but lead time is what the owner experiences ("the
//! store opens later") and needs no per-step offsets.
//!
//! Trend: seasonal Mann–Kendall over the last `lead_window` finished runs of each local
//! start hour (rank based, so one very late run is not a trend; seasonal, so evening
//! rounds that always take longer than morning ones are not a trend either), reported
//! only when the seasonal Theil–Sen line grows by at least `lead_min_increase` and by half
//! the early lead time.

use super::rows::{LocalClock, Rows};
use super::sentence::duration;
use super::stats::{median, seasonal_mann_kendall_increasing, seasonal_theil_sen};
use super::{Context, Finding, PatternKind, Point, severity};
use crate::ids::RunId;
use jiff::Timestamp;

#[derive(Clone, Copy)]
struct RunRow {
    scheduled: i64,
    run: RunId,
    completed: i64,
    unresolved: bool,
    source: u32,
}

struct RunLead {
    run: RunId,
    scheduled: Timestamp,
    finished: i64,
    minutes: f64,
}

pub fn lead_time(cx: &Context, rows: &Rows) -> Vec<Finding> {
    let settings = cx.settings;
    let seasons = recent_leads(cx, rows);
    let longest = seasons.iter().map(Vec::len).max().unwrap_or(0);
    if longest < settings.min_lead_runs.max(3) {
        return Vec::new();
    }
    let minutes: Vec<Vec<f64>> =
        seasons.iter().map(|season| season.iter().map(|lead| lead.minutes).collect()).collect();
    let slices: Vec<&[f64]> = minutes.iter().map(Vec::as_slice).collect();
    let (slope, intercept) = seasonal_theil_sen(&slices);
    let from = intercept.max(0.0);
    let to = intercept + slope * (longest - 1) as f64;
    let mut early: Vec<f64> = slices.iter().flat_map(|season| &season[..season.len() / 2]).copied().collect();
    let needed = (settings.lead_min_increase.as_secs_f64() / 60.0).max(0.5 * median(&mut early));
    if to - from < needed {
        return Vec::new();
    }
    let Some(p_value) = cx.corrected(seasonal_mann_kendall_increasing(&slices), 1) else {
        return Vec::new();
    };
    let mut leads: Vec<&RunLead> = seasons.iter().flatten().collect();
    leads.sort_by_key(|lead| (lead.scheduled, lead.run));
    let last = leads[leads.len() - 1];
    let sentence = format!(
        "{} is finishing later and later: over the last {} runs the time from the scheduled start to the last step \
         done grew from about {} to {}.",
        cx.names.process(),
        leads.len(),
        duration(from),
        duration(to),
    );
    let series_start = leads.len().saturating_sub(settings.series_len);
    vec![Finding {
        key: format!("lead_time:{}", cx.process),
        kind: PatternKind::LeadTime,
        process: cx.process,
        step: None,
        person: None,
        severity: severity(p_value, to >= 2.0 * from.max(1.0)),
        sentence,
        first_seen: leads[0].scheduled,
        last_seen: Timestamp::from_second(last.finished).unwrap_or(last.scheduled),
        runs: cx.evidence_runs(leads.iter().map(|lead| lead.run)),
        p_value,
        series: leads[series_start..].iter().map(|lead| Point { at: lead.scheduled, value: lead.minutes }).collect(),
        range: None,
    }]
}

/// The last `lead_window` finished runs of each local start hour, oldest first.
///
/// Each run has at most one task per step, so the process's last d runs are all among
/// the last d rows of every step: reading those tails is enough, and keeps this
/// independent of how long the history is.
fn recent_leads(cx: &Context, rows: &Rows) -> Vec<Vec<RunLead>> {
    let window = cx.settings.lead_window;
    let mut clock = LocalClock::new(cx.zone);
    let Some((_, sample)) = rows.steps.first() else { return Vec::new() };
    let mut start_hours = [false; 24];
    for row in &rows.rows[sample.end.saturating_sub(2 * window).max(sample.start)..sample.end] {
        start_hours[usize::from(clock.weekday_and_hour(row.scheduled).1)] = true;
    }
    let depth = 2 * window * start_hours.iter().filter(|&&seen| seen).count().max(1);
    let mut tail: Vec<RunRow> = Vec::with_capacity(depth * rows.steps.len());
    for (_, range) in &rows.steps {
        let start = range.end.saturating_sub(depth).max(range.start);
        tail.extend(rows.rows[start..range.end].iter().map(|row| RunRow {
            scheduled: row.scheduled,
            run: row.run,
            completed: row.completed,
            unresolved: row.unresolved,
            source: row.source,
        }));
    }
    tail.sort_unstable_by_key(|row| (row.scheduled, row.run));
    let runs: Vec<&[RunRow]> = tail.chunk_by(|a, b| a.run == b.run).collect();
    let mut seasons: Vec<(u8, Vec<RunLead>)> = Vec::new();
    for tasks in &runs[runs.len().saturating_sub(depth)..] {
        if tasks.iter().any(|task| task.unresolved || task.completed == i64::MIN) {
            continue;
        }
        let first = tasks[0];
        let finished = tasks.iter().map(|task| task.completed).max().unwrap_or(first.completed);
        let hour = clock.weekday_and_hour(first.scheduled).1;
        let lead = RunLead {
            run: first.run,
            scheduled: rows.outcomes[first.source as usize].scheduled_for,
            finished,
            minutes: (finished - first.scheduled) as f64 / 60.0,
        };
        match seasons.iter_mut().find(|(season, _)| *season == hour) {
            Some((_, leads)) => leads.push(lead),
            None => seasons.push((hour, vec![lead])),
        }
    }
    seasons.sort_by_key(|(hour, _)| *hour);
    seasons
        .into_iter()
        .map(|(_, mut leads)| {
            leads.drain(..leads.len().saturating_sub(window));
            leads
        })
        .collect()
}
