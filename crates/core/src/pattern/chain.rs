//! Escalation chains that keep running out: of a step's last missed tasks, most climbed
//! every level and still ended unresolved, so the chain itself is broken.
//!
//! The baseline is absolute (`chain_healthy_rate`: a working chain recovers most of what
//! reaches it) rather than the process's own rate: the chain belongs to the process, so a
//! chain broken for every step would otherwise hide itself. Processes without a chain
//! have nothing to break; their misses are StepMisses.

use super::rows::{Row, Rows};
use super::stats::binomial_upper_tail;
use super::steps::tail_series;
use super::{Context, Finding, PatternKind, severity};

pub fn broken_chain(cx: &Context, rows: &Rows) -> Vec<Finding> {
    let settings = cx.settings;
    let levels = cx.names.chain_levels();
    if levels == 0 {
        return Vec::new();
    }
    let exhausted = |row: &Row| row.unresolved && row.moves >= levels;
    let mut tests = 0;
    let mut candidates = Vec::new();
    let mut missed: Vec<Row> = Vec::with_capacity(settings.chain_window);
    for (step, range) in &rows.steps {
        // The last `chain_window` misses, read from the end: no need to walk all history.
        missed.clear();
        missed.extend(
            rows.rows[range.clone()].iter().rev().filter(|row| row.missed).take(settings.chain_window).copied(),
        );
        missed.reverse();
        let n = settings.chain_window.min(missed.len());
        if n < settings.min_window {
            continue;
        }
        tests += 1;
        let window = &missed[missed.len() - n..];
        let lost = window.iter().filter(|row| exhausted(row)).count();
        if lost == 0 || lost < settings.min_events {
            continue;
        }
        let raw_p = binomial_upper_tail(lost as u64, n as u64, settings.chain_healthy_rate);
        candidates.push((*step, range.clone(), window.to_vec(), lost, raw_p));
    }
    candidates
        .into_iter()
        .filter_map(|(step, range, window, lost, raw_p)| {
            let p_value = cx.corrected(raw_p, tests)?;
            let n = window.len();
            let lost_rows: Vec<&Row> = window.iter().filter(|row| exhausted(row)).collect();
            let how_many = if lost == n { format!("all of the last {n}") } else { format!("{lost} of the last {n}") };
            let sentence = format!(
                "{}: {how_many} misses went through the whole escalation chain and still ended unresolved — the \
                 chain itself needs fixing.",
                cx.names.subject(step),
            );
            Some(Finding {
                key: format!("broken_chain:{}:{step}", cx.process),
                kind: PatternKind::BrokenChain,
                process: cx.process,
                step: Some(step),
                person: None,
                severity: severity(p_value, lost * 4 >= n * 3),
                sentence,
                first_seen: rows.due_at(lost_rows[0]),
                last_seen: rows.due_at(lost_rows[lost_rows.len() - 1]),
                runs: cx.evidence_runs(lost_rows.iter().map(|row| row.run)),
                p_value,
                series: tail_series(rows, &rows.rows[range], cx.settings.series_len, |row| {
                    if exhausted(row) { 1.0 } else { 0.0 }
                }),
                range: None,
            })
        })
        .collect()
}
