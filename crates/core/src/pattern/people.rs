//! People who miss comparable work far more often than their peers.
//!
//! Comparable work is the same process over the recent horizon, compared step by step.
//! Effect size: a person's expected misses are the sum, over the tasks they held, of their
//! peers' miss rate on that step. A step where peers have few samples borrows the peers' process-wide
//! rate (shrinkage toward the pooled rate), so the test pools over steps exactly as far as
//! the per-step samples are too small, and someone who mostly holds the hardest step is
//! not blamed for its difficulty. Steps nobody else holds are left out (nothing to
//! compare with; a problem there is the step's and shows as StepMisses).
//!
//! Test: conditional on each step's total misses, the person's count is a sum of
//! hypergeometrics; it is bounded by one binomial over all those misses with the person's
//! expected share, so the sampling noise of the peers' rates is accounted for.

use super::rows::{IdMap, Row, Rows};
use super::sentence::count;
use super::stats::binomial_upper_tail;
use super::{Context, Finding, PatternKind, Point, severity};
use crate::ids::PersonId;

/// How many peer samples a step's own rate weighs as much as the pooled rate.
const SHRINK_SAMPLES: f64 = 10.0;
/// Peers must have done a step this often for it to count as comparable work.
const MIN_PEER_TASKS_ON_STEP: u32 = 5;
/// Beyond the ratio, the person's rate must exceed the expected one by this much.
const MIN_EXCESS_RATE: f64 = 0.1;

#[derive(Default, Clone, Copy)]
struct Tally {
    tasks: u32,
    misses: u32,
}

struct Candidate {
    person: PersonId,
    tasks: u32,
    misses: u32,
    expected_rate: f64,
    main_step: Option<u16>,
    raw_p: f64,
}

pub fn person_misses(cx: &Context, rows: &Rows) -> Vec<Finding> {
    let settings = cx.settings;
    let since = cx.horizon_start();
    let step_count = rows.steps.len();
    let mut index: IdMap<PersonId, usize> = IdMap::default();
    let mut people: Vec<PersonId> = Vec::new();
    // tallies[person * step_count + step position]
    let mut tallies: Vec<Tally> = Vec::new();
    let mut step_totals = vec![Tally::default(); step_count];
    for (position, (_, range)) in rows.steps.iter().enumerate() {
        for row in rows.due_since(range, since) {
            let person = *index.entry(row.assignee).or_insert_with(|| {
                people.push(row.assignee);
                tallies.resize(people.len() * step_count, Tally::default());
                people.len() - 1
            });
            let tally = &mut tallies[person * step_count + position];
            tally.tasks += 1;
            tally.misses += u32::from(row.missed);
            step_totals[position].tasks += 1;
            step_totals[position].misses += u32::from(row.missed);
        }
    }
    let all_tasks: u32 = step_totals.iter().map(|t| t.tasks).sum();
    let all_misses: u32 = step_totals.iter().map(|t| t.misses).sum();
    let mut tests = 0;
    let mut candidates = Vec::new();
    for (person_index, &person) in people.iter().enumerate() {
        let own = &tallies[person_index * step_count..(person_index + 1) * step_count];
        let own_tasks: u32 = own.iter().map(|t| t.tasks).sum();
        let own_misses: u32 = own.iter().map(|t| t.misses).sum();
        let peer_tasks = all_tasks - own_tasks;
        if peer_tasks == 0 {
            continue;
        }
        let pooled = f64::from(all_misses - own_misses) / f64::from(peer_tasks);
        let (mut tasks, mut misses, mut expected) = (0u32, 0u32, 0.0);
        let (mut comparable_peer_tasks, mut all_step_misses, mut conditional_expected) = (0u32, 0u32, 0.0);
        for (mine, total) in own.iter().zip(&step_totals) {
            let peer_tasks = total.tasks - mine.tasks;
            // Work nobody else does is not comparable: the step itself may be the problem.
            if peer_tasks < MIN_PEER_TASKS_ON_STEP {
                continue;
            }
            let peer_misses = f64::from(total.misses - mine.misses);
            let rate = (peer_misses + SHRINK_SAMPLES * pooled) / (f64::from(peer_tasks) + SHRINK_SAMPLES);
            tasks += mine.tasks;
            misses += mine.misses;
            expected += f64::from(mine.tasks) * rate.max(settings.rate_floor);
            comparable_peer_tasks += peer_tasks;
            all_step_misses += total.misses;
            conditional_expected += f64::from(total.misses) * f64::from(mine.tasks) / f64::from(total.tasks);
        }
        if (tasks as usize) < settings.min_person_tasks || (comparable_peer_tasks as usize) < settings.min_peer_tasks {
            continue;
        }
        tests += 1;
        let expected_rate = expected / f64::from(tasks);
        let rate = f64::from(misses) / f64::from(tasks);
        if misses == 0
            || (misses as usize) < settings.min_events
            || rate < settings.min_ratio * expected_rate
            || rate - expected_rate < MIN_EXCESS_RATE
        {
            continue;
        }
        // The peers' rates are estimates too, so test conditionally on each step's misses:
        // with no difference between people, the person's share of a step's misses is
        // their share of its tasks (hypergeometric, bounded here by a binomial).
        let share = (conditional_expected / f64::from(all_step_misses)).min(1.0);
        let raw_p = binomial_upper_tail(u64::from(misses), u64::from(all_step_misses), share);
        let main_step = own
            .iter()
            .zip(&rows.steps)
            .max_by_key(|(tally, (step, _))| (tally.misses, std::cmp::Reverse(*step)))
            .filter(|(tally, _)| tally.misses * 3 >= own_misses * 2)
            .map(|(_, (step, _))| *step);
        candidates.push(Candidate { person, tasks, misses, expected_rate, main_step, raw_p });
    }
    candidates
        .into_iter()
        .filter_map(|candidate| {
            let p_value = cx.corrected(candidate.raw_p, tests)?;
            Some(finding(cx, rows, &candidate, p_value))
        })
        .collect()
}

fn finding(cx: &Context, rows: &Rows, candidate: &Candidate, p_value: f64) -> Finding {
    let since = cx.horizon_start();
    let mut held: Vec<&Row> = rows
        .steps
        .iter()
        .flat_map(|(_, range)| rows.due_since(range, since))
        .filter(|row| row.assignee == candidate.person)
        .collect();
    held.sort_by_key(|row| (row.scheduled, row.task));
    let missed: Vec<&Row> = held.iter().copied().filter(|row| row.missed).collect();
    let rate = f64::from(candidate.misses) / f64::from(candidate.tasks);
    let mostly = match candidate.main_step {
        Some(step) => format!(" — mostly {}", cx.names.step(step)),
        None => String::new(),
    };
    let sentence = format!(
        "{} missed {} of {} in {} over the last {} weeks ({}%), against {}% for others on the same steps{mostly}.",
        cx.names.person(candidate.person),
        candidate.misses,
        count(candidate.tasks as usize, "task", "tasks"),
        cx.names.process(),
        cx.settings.horizon.as_hours() / (24 * 7),
        (rate * 100.0).round(),
        (candidate.expected_rate * 100.0).round(),
    );
    let series_start = held.len().saturating_sub(cx.settings.series_len);
    Finding {
        key: format!("person_misses:{}:{}", cx.process, candidate.person),
        kind: PatternKind::PersonMisses,
        process: cx.process,
        step: candidate.main_step,
        person: Some(candidate.person),
        severity: severity(p_value, rate >= 3.0 * candidate.expected_rate),
        sentence,
        first_seen: rows.due_at(missed[0]),
        last_seen: rows.due_at(missed[missed.len() - 1]),
        runs: cx.evidence_runs(missed.iter().map(|row| row.run)),
        p_value,
        series: held[series_start..]
            .iter()
            .map(|row| Point { at: rows.scheduled_for(row), value: f64::from(u8::from(row.missed)) })
            .collect(),
        range: None,
    }
}
