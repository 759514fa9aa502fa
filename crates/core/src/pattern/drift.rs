//! Numeric readings that trend toward or out of their allowed range.
//!
//! Two tests over a field's last `drift_window` readings, either may raise the finding:
//! - trend: least-squares slope with a one-sided t-test toward the limit it heads for,
//!   kept only when the line is already past the limit or would cross it within as long
//!   again as the window took (a tiny but steady slope years from the limit is not news);
//! - out of range: the count of out-of-range readings against the field's earlier
//!   out-of-range rate (floored), binomial.
//!
//! A field without a range has nothing to drift out of and is not tested; NaN and
//! infinite readings are ignored.

use super::sentence::{reading, time_until};
use super::stats::{binomial_upper_tail, least_squares, student_t_upper_tail};
use super::{Context, Finding, PatternKind, Point, severity};
use crate::history::{FieldFacts, Reading};

const SECONDS_PER_DAY: f64 = 86_400.0;

struct Trend {
    upward: bool,
    limit: f64,
    fitted_now: f64,
    days_to_cross: f64,
    p: f64,
}

pub fn drift(cx: &Context, readings: &[Reading]) -> Vec<Finding> {
    let mut mine: Vec<&Reading> = readings.iter().filter(|r| r.process == cx.process && r.value.is_finite()).collect();
    mine.sort_by_key(|r| (r.step, r.field, r.at, r.task));
    let mut groups: Vec<&[&Reading]> = Vec::new();
    for group in mine.chunk_by(|a, b| (a.step, a.field) == (b.step, b.field)) {
        groups.push(group);
    }
    let mut tests = 0;
    let mut candidates = Vec::new();
    for group in groups {
        let Some(field) = cx.names.field(group[0].step, group[0].field) else { continue };
        if field.min.is_none() && field.max.is_none() || group.len() < cx.settings.min_readings {
            continue;
        }
        tests += 1;
        let n = cx.settings.drift_window.min(group.len());
        let (earlier, window) = group.split_at(group.len() - n);
        let trend = trend(window, field);
        let out_count = window.iter().filter(|r| outside(field, r.value)).count();
        let baseline = if earlier.len() >= cx.settings.min_baseline {
            earlier.iter().filter(|r| outside(field, r.value)).count() as f64 / earlier.len() as f64
        } else {
            0.0
        }
        .max(cx.settings.rate_floor);
        let out_p =
            if out_count >= cx.settings.min_events && out_count as f64 / n as f64 >= cx.settings.min_ratio * baseline {
                binomial_upper_tail(out_count as u64, n as u64, baseline)
            } else {
                1.0
            };
        if trend.is_none() && out_count == 0 {
            continue;
        }
        let trend_p = trend.as_ref().map_or(1.0, |t| t.p);
        let raw_p = (2.0 * trend_p.min(out_p)).min(1.0);
        candidates.push((window, field, trend.filter(|t| t.p <= out_p), out_count, raw_p));
    }
    candidates
        .into_iter()
        .filter_map(|(window, field, trend, out_count, raw_p)| {
            let p_value = cx.corrected(raw_p, tests)?;
            Some(finding(cx, window, field, trend, out_count, p_value))
        })
        .collect()
}

fn outside(field: &FieldFacts, value: f64) -> bool {
    field.min.is_some_and(|min| value < min) || field.max.is_some_and(|max| value > max)
}

fn trend(window: &[&Reading], field: &FieldFacts) -> Option<Trend> {
    let last = window.last()?.at;
    let points: Vec<(f64, f64)> =
        window.iter().map(|r| (r.at.duration_since(last).as_secs_f64() / SECONDS_PER_DAY, r.value)).collect();
    let span_days = -points[0].0;
    let line = least_squares(&points)?;
    let (upward, limit) = if line.slope > 0.0 {
        (true, field.max?)
    } else if line.slope < 0.0 {
        (false, field.min?)
    } else {
        return None;
    };
    let fitted_now = line.intercept;
    let headroom = if upward { limit - fitted_now } else { fitted_now - limit };
    let days_to_cross = (headroom / line.slope.abs()).max(0.0);
    if days_to_cross > span_days {
        return None;
    }
    let p = student_t_upper_tail(line.t.abs(), line.df);
    Some(Trend { upward, limit, fitted_now, days_to_cross, p })
}

fn finding(
    cx: &Context,
    window: &[&Reading],
    field: &FieldFacts,
    trend: Option<Trend>,
    out_count: usize,
    p_value: f64,
) -> Finding {
    let first = window[0];
    let last = window[window.len() - 1];
    let unit = field.unit.as_deref();
    let label = if field.label.trim().is_empty() { "the reading".to_string() } else { field.label.clone() };
    let subject = cx.names.subject(first.step);
    let n = window.len();
    let (sentence, evidence, large): (String, Vec<&Reading>, bool) = match &trend {
        Some(t) => {
            let (direction, bound) = if t.upward { ("up", "maximum") } else { ("down", "minimum") };
            let limit = reading(t.limit, unit);
            let sentence = if t.days_to_cross <= 0.0 {
                format!(
                    "{subject}: {label} has drifted {direction} past its {bound} of {limit} over the last {n} readings \
                     — about {} now.",
                    reading(t.fitted_now, unit)
                )
            } else {
                format!(
                    "{subject}: {label} is drifting {direction} toward its {bound} of {limit} — about {} now, out of \
                     range in {} at this pace.",
                    reading(t.fitted_now, unit),
                    time_until(t.days_to_cross)
                )
            };
            let span = last.at.duration_since(first.at).as_secs_f64() / SECONDS_PER_DAY;
            (sentence, window.to_vec(), t.days_to_cross * 4.0 <= span || outside(field, last.value))
        }
        None => {
            let allowed = match (field.min, field.max) {
                (Some(min), Some(max)) => format!("{}–{}", reading(min, None), reading(max, unit)),
                (Some(min), None) => format!("at least {}", reading(min, unit)),
                (None, Some(max)) => format!("up to {}", reading(max, unit)),
                (None, None) => "any value".to_string(),
            };
            let sentence = format!(
                "{subject}: {out_count} of the last {n} readings of {label} were out of range (allowed {allowed})."
            );
            let evidence = window.iter().filter(|r| outside(field, r.value)).copied().collect();
            (sentence, evidence, out_count * 2 >= n || outside(field, last.value))
        }
    };
    let series_start = window.len().saturating_sub(cx.settings.series_len);
    Finding {
        key: format!("drift:{}:{}:{}", cx.process, first.step, first.field),
        kind: PatternKind::Drift,
        process: cx.process,
        step: Some(first.step),
        person: None,
        severity: severity(p_value, large),
        sentence,
        first_seen: evidence[0].at,
        last_seen: evidence[evidence.len() - 1].at,
        runs: cx.evidence_runs(evidence.iter().map(|r| r.run)),
        p_value,
        series: window[series_start..].iter().map(|r| Point { at: r.at, value: r.value }).collect(),
        range: Some((field.min, field.max)),
    }
}
