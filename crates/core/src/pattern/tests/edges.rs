//! Edge cases: nothing to go on, work that was never owed, bad readings, missing facts,
//! input order, and local time across DST.

use super::generator::{Plant, Rng, Shape, generate, zone};
use super::wording::{DANA, ELI, PROCESS, closing_facts, day, task};
use crate::history::{Facts, Reading};
use crate::ids::ProcessId;
use crate::pattern::rows::LocalClock;
use crate::pattern::{PatternKind, Settings, detect_process};
use crate::task::TaskState;
use jiff::{SignedDuration, Timestamp};

fn detect(facts: &Facts, outcomes: &[crate::history::Outcome], readings: &[Reading], now: Timestamp) -> Vec<String> {
    detect_process(facts, PROCESS, outcomes, readings, now, &Settings::default()).into_iter().map(|f| f.key).collect()
}

/// Step 4 missed in the last six runs of forty.
fn failing_history() -> Vec<crate::history::Outcome> {
    (0..40)
        .flat_map(|run| {
            (0..4).map(move |step| task(run, step, if step == 3 { DANA } else { ELI }, step == 3 && run >= 34))
        })
        .collect()
}

#[test]
fn empty_input_finds_nothing() {
    assert!(detect(&closing_facts(4), &[], &[], day(0)).is_empty());
    assert!(detect(&Facts::default(), &[], &[], day(0)).is_empty());
}

#[test]
fn one_run_is_never_a_pattern_even_when_everything_was_missed() {
    let outcomes: Vec<_> = (0..4).map(|step| task(0, step, DANA, true)).collect();
    assert!(detect(&closing_facts(4), &outcomes, &[], day(1)).is_empty());
}

#[test]
fn a_single_bad_day_is_not_a_pattern() {
    let mut outcomes: Vec<_> = (0..60).flat_map(|run| (0..4).map(move |step| task(run, step, ELI, false))).collect();
    for outcome in outcomes.iter_mut().filter(|o| o.run.0 == 57) {
        outcome.moves = 2;
        outcome.state = TaskState::Unresolved;
        outcome.completed_at = None;
    }
    assert!(detect(&closing_facts(4), &outcomes, &[], day(60)).is_empty());
}

#[test]
fn cancelled_and_skipped_tasks_are_not_misses() {
    let outcomes = failing_history();
    assert!(detect(&closing_facts(4), &outcomes, &[], day(40)).contains(&"step_misses:12:3".to_string()));
    let mut never_owed = outcomes.clone();
    for (i, outcome) in never_owed.iter_mut().filter(|o| o.step == 3 && o.run.0 >= 34).enumerate() {
        outcome.state = if i % 2 == 0 { TaskState::Cancelled } else { TaskState::Skipped };
    }
    assert!(detect(&closing_facts(4), &never_owed, &[], day(40)).is_empty());
}

#[test]
fn other_processes_in_the_input_change_nothing() {
    let outcomes = failing_history();
    let alone = detect(&closing_facts(4), &outcomes, &[], day(40));
    let mut mixed = outcomes.clone();
    mixed.extend(outcomes.iter().map(|o| crate::history::Outcome { process: ProcessId(99), ..missed_everything(o) }));
    assert_eq!(detect(&closing_facts(4), &mixed, &[], day(40)), alone);
}

/// A copy of `o` as another process would have it: every task missed.
fn missed_everything(o: &crate::history::Outcome) -> crate::history::Outcome {
    crate::history::Outcome { moves: 2, state: TaskState::Unresolved, completed_at: None, ..o.clone() }
}

#[test]
fn input_order_does_not_change_the_findings() {
    let history = generate(7, ProcessId(7), 120, Shape::Daily, Some(Plant::StepMisses));
    let first = detect_process(
        &history.facts,
        history.process,
        &history.outcomes,
        &history.readings,
        history.now,
        &Settings::default(),
    );
    let (mut outcomes, mut readings) = (history.outcomes.clone(), history.readings.clone());
    let mut rng = Rng::new(99);
    rng.shuffle(&mut outcomes);
    rng.shuffle(&mut readings);
    let second =
        detect_process(&history.facts, history.process, &outcomes, &readings, history.now, &Settings::default());
    assert_eq!(first, second);
    assert!(!first.is_empty());
}

#[test]
fn nan_readings_are_ignored() {
    let history = generate(3, ProcessId(7), 120, Shape::Daily, Some(Plant::Drift));
    let run = |readings: &[Reading]| {
        detect_process(&history.facts, history.process, &history.outcomes, readings, history.now, &Settings::default())
    };
    let clean = run(&history.readings);
    assert!(clean.iter().any(|f| f.kind == PatternKind::Drift));
    let mut noisy = history.readings.clone();
    for (i, reading) in history.readings.iter().enumerate().filter(|(i, _)| i % 3 == 0) {
        let value = if i % 2 == 0 { f64::NAN } else { f64::INFINITY };
        noisy.push(Reading { value, at: reading.at + SignedDuration::from_secs(1), ..reading.clone() });
    }
    assert_eq!(run(&noisy), clean);
    let all_nan: Vec<Reading> = history.readings.iter().map(|r| Reading { value: f64::NAN, ..r.clone() }).collect();
    assert!(!run(&all_nan).iter().any(|f| f.kind == PatternKind::Drift));
}

#[test]
fn a_reading_without_a_range_cannot_drift_out_of_it() {
    let mut history = generate(3, ProcessId(7), 120, Shape::Daily, Some(Plant::Drift));
    let run = |facts: &Facts| {
        detect_process(facts, history.process, &history.outcomes, &history.readings, history.now, &Settings::default())
    };
    let drift = run(&history.facts).into_iter().find(|f| f.kind == PatternKind::Drift).expect("planted drift");
    assert_eq!(drift.range, Some((Some(0.0), Some(5.0))));
    let process = history.facts.processes.get_mut(&history.process).unwrap();
    let field = process.steps[1].fields.get_mut(&0).unwrap();
    (field.min, field.max) = (None, None);
    assert!(!run(&history.facts).iter().any(|f| f.kind == PatternKind::Drift));
    history.facts.processes.get_mut(&history.process).unwrap().steps[1].fields.clear();
    assert!(!run(&history.facts).iter().any(|f| f.kind == PatternKind::Drift));
}

#[test]
fn unknown_process_and_people_get_plain_names() {
    let findings = detect_process(&Facts::default(), PROCESS, &failing_history(), &[], day(40), &Settings::default());
    let finding = findings.iter().find(|f| f.kind == PatternKind::StepMisses).unwrap();
    assert_eq!(
        finding.sentence,
        "Process 12, step 4 was missed in 6 of the last 8 runs, the last 6 in a row — usually by person 1."
    );
}

#[test]
fn local_weekday_and_hour_follow_the_zone_across_dst() {
    let zone = zone();
    let mut clock = LocalClock::new(&zone);
    let start: Timestamp = "2024-01-01T00:00:00Z".parse().unwrap();
    // Every 37 minutes for two years crosses four DST changes at odd offsets.
    for i in 0..(2 * 365 * 24 * 60 / 37) {
        let at = start + SignedDuration::from_mins(37 * i);
        let zoned = at.to_zoned(zone.clone());
        let expected = (zoned.weekday().to_monday_zero_offset() as u8, zoned.hour() as u8);
        assert_eq!(clock.weekday_and_hour(at.as_second()), expected, "{zoned}");
    }
    // Going backwards in time must not reuse a stale stretch.
    let summer: Timestamp = "2024-07-01T12:00:00Z".parse().unwrap();
    let winter: Timestamp = "2024-01-15T12:00:00Z".parse().unwrap();
    assert_eq!(clock.weekday_and_hour(summer.as_second()), (0, 8));
    assert_eq!(clock.weekday_and_hour(winter.as_second()), (0, 7));
}

#[test]
fn permissive_settings_never_report_a_pattern_without_evidence() {
    let settings = Settings { significance: 2.0, min_events: 0, streak: 0, ..Settings::default() };
    for plant in super::generator::PLANTS {
        let history = generate(5, ProcessId(7), 60, super::generator::shape_for(plant), Some(plant));
        for finding in detect_process(
            &history.facts,
            history.process,
            &history.outcomes,
            &history.readings,
            history.now,
            &settings,
        ) {
            assert!(!finding.runs.is_empty(), "{}", finding.key);
        }
    }
}
