//! Steps that fail in their recent runs: missed in k of the last n runs (or several in a
//! row), or proof sent back again and again.
//!
//! Baseline: the process's rate over everything outside the step's window (its other
//! steps and the step's own earlier runs). One number serves both readings of "worse than
//! usual": a step that just got worse, and a step that is chronically worse than the rest.

use super::rows::{Row, Rows};
use super::sentence::count;
use super::stats::binomial_upper_tail;
use super::{Context, Finding, PatternKind, Point, severity};

struct Candidate<'r> {
    step: u16,
    window: &'r [Row],
    history: &'r [Row],
    events: usize,
    streak: usize,
    raw_p: f64,
}

pub fn step_misses(cx: &Context, rows: &Rows) -> Vec<Finding> {
    let settings = cx.settings;
    let mut tests = 0;
    let mut candidates = Vec::new();
    for (step, range) in &rows.steps {
        let history = &rows.rows[range.clone()];
        let n = settings.window.min(history.len());
        if n < settings.min_window {
            continue;
        }
        let window = &history[history.len() - n..];
        let (rate, samples) = rows.miss_rate_without(window);
        if samples < settings.min_baseline {
            continue;
        }
        tests += 1;
        let baseline = rate.max(settings.rate_floor);
        let misses = window.iter().filter(|row| row.missed).count();
        let streak = window.iter().rev().take_while(|row| row.missed).count();
        if misses == 0 {
            continue;
        }
        let big_enough = misses >= settings.min_events && misses as f64 / n as f64 >= settings.min_ratio * baseline;
        let count_p = if big_enough { binomial_upper_tail(misses as u64, n as u64, baseline) } else { 1.0 };
        let streak_p = if streak >= settings.streak { baseline.powi(streak as i32) } else { 1.0 };
        // Two tests per step (count and streak): correct for both.
        let raw_p = (2.0 * count_p.min(streak_p)).min(1.0);
        candidates.push(Candidate { step: *step, window, history, events: misses, streak, raw_p });
    }
    candidates
        .into_iter()
        .filter_map(|candidate| {
            let p_value = cx.corrected(candidate.raw_p, tests)?;
            Some(step_misses_finding(cx, rows, &candidate, p_value))
        })
        .collect()
}

fn step_misses_finding(cx: &Context, rows: &Rows, candidate: &Candidate, p_value: f64) -> Finding {
    let n = candidate.window.len();
    let missed: Vec<&Row> = candidate.window.iter().filter(|row| row.missed).collect();
    let how_many = if candidate.events == n {
        format!("in all of the last {}", count(n, "run", "runs"))
    } else {
        format!("in {} of the last {n} runs", candidate.events)
    };
    let in_a_row = if candidate.streak >= cx.settings.streak && candidate.streak < n {
        format!(", the last {} in a row", candidate.streak)
    } else {
        String::new()
    };
    let sentence = format!(
        "{} was missed {how_many}{in_a_row}{}.",
        cx.names.subject(candidate.step),
        cx.names.usually_by(missed.iter().map(|row| row.assignee))
    );
    let large = candidate.events * 4 >= n * 3 || candidate.streak >= 5;
    Finding {
        key: format!("step_misses:{}:{}", cx.process, candidate.step),
        kind: PatternKind::StepMisses,
        process: cx.process,
        step: Some(candidate.step),
        person: None,
        severity: severity(p_value, large),
        sentence,
        first_seen: rows.due_at(missed[0]),
        last_seen: rows.due_at(missed[missed.len() - 1]),
        runs: cx.evidence_runs(missed.iter().map(|row| row.run)),
        p_value,
        series: tail_series(rows, candidate.history, cx.settings.series_len, |row| f64::from(u8::from(row.missed))),
        range: None,
    }
}

pub fn rejections(cx: &Context, rows: &Rows) -> Vec<Finding> {
    let settings = cx.settings;
    let rejected_total = rows.rows.iter().filter(|row| row.rejections > 0).count();
    let mut tests = 0;
    let mut candidates = Vec::new();
    for (step, range) in &rows.steps {
        let history = &rows.rows[range.clone()];
        let n = settings.rejection_window.min(history.len());
        if n < settings.min_window {
            continue;
        }
        let window = &history[history.len() - n..];
        let rejected = window.iter().filter(|row| row.rejections > 0).count();
        let samples = rows.rows.len() - n;
        if samples < settings.min_baseline {
            continue;
        }
        tests += 1;
        let baseline = ((rejected_total - rejected) as f64 / samples as f64).max(settings.rejection_floor);
        if rejected == 0
            || rejected < settings.min_events
            || (rejected as f64 / n as f64) < settings.min_ratio * baseline
        {
            continue;
        }
        let raw_p = binomial_upper_tail(rejected as u64, n as u64, baseline);
        candidates.push(Candidate { step: *step, window, history, events: rejected, streak: 0, raw_p });
    }
    candidates
        .into_iter()
        .filter_map(|candidate| {
            let p_value = cx.corrected(candidate.raw_p, tests)?;
            Some(rejections_finding(cx, rows, &candidate, p_value))
        })
        .collect()
}

fn rejections_finding(cx: &Context, rows: &Rows, candidate: &Candidate, p_value: f64) -> Finding {
    let n = candidate.window.len();
    let rejected: Vec<&Row> = candidate.window.iter().filter(|row| row.rejections > 0).collect();
    let times: usize = rejected.iter().map(|row| usize::from(row.rejections)).sum();
    let whose = match super::sentence::usual_person(rejected.iter().map(|row| row.assignee)) {
        Some(person) => format!(" — usually {}'s proof", cx.names.person(person)),
        None => String::new(),
    };
    let sentence = format!(
        "{}: proof was sent back in {} of the last {n} runs ({} in all){whose}.",
        cx.names.subject(candidate.step),
        candidate.events,
        count(times, "rejection", "rejections"),
    );
    Finding {
        key: format!("rejections:{}:{}", cx.process, candidate.step),
        kind: PatternKind::Rejections,
        process: cx.process,
        step: Some(candidate.step),
        person: None,
        severity: severity(p_value, candidate.events * 2 >= n),
        sentence,
        first_seen: rows.due_at(rejected[0]),
        last_seen: rows.due_at(rejected[rejected.len() - 1]),
        runs: cx.evidence_runs(rejected.iter().map(|row| row.run)),
        p_value,
        series: tail_series(rows, candidate.history, cx.settings.series_len, |row| f64::from(row.rejections)),
        range: None,
    }
}

/// The last `len` rows of a step as chart points at their scheduled instants.
pub fn tail_series(rows: &Rows, history: &[Row], len: usize, value: impl Fn(&Row) -> f64) -> Vec<Point> {
    let start = history.len().saturating_sub(len);
    history[start..].iter().map(|row| Point { at: rows.scheduled_for(row), value: value(row) }).collect()
}
