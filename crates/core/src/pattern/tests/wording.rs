//! The sentences an owner reads, word for word, on small hand-made histories.

use crate::history::{Facts, Outcome, ProcessFacts, StepFacts};
use crate::ids::{PersonId, ProcessId, RunId, TaskId};
use crate::pattern::sentence::{duration, reading, time_until};
use crate::pattern::{PatternKind, Settings, detect_process};
use crate::task::TaskState;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use std::collections::HashMap;

pub const PROCESS: ProcessId = ProcessId(12);
pub const DANA: PersonId = PersonId(1);
pub const ELI: PersonId = PersonId(2);

pub fn closing_facts(steps: u16) -> Facts {
    let titles = ["Count the till", "Lock the safe", "Lights off", "Photo of locked back door"];
    let steps = (0..steps)
        .map(|i| StepFacts { title: titles[usize::from(i) % 4].to_string(), fields: HashMap::new() })
        .collect();
    let process =
        ProcessFacts { name: "Closing checklist".into(), zone: TimeZone::UTC, system: None, steps, chain_levels: 2 };
    Facts {
        processes: HashMap::from([(PROCESS, process)]),
        people: HashMap::from([(DANA, "Dana".to_string()), (ELI, "Eli".to_string())]),
        shifts: Vec::new(),
    }
}

/// Day 0 is Monday 2025-01-06; runs are due at 19:00 UTC.
pub fn day(day: i64) -> Timestamp {
    "2025-01-06T18:00:00Z".parse::<Timestamp>().unwrap() + SignedDuration::from_hours(24 * day)
}

pub fn task(run: i64, step: u16, assignee: PersonId, missed: bool) -> Outcome {
    let scheduled_for = day(run);
    let due_at = scheduled_for + SignedDuration::from_hours(1);
    Outcome {
        task: TaskId(run * 10 + i64::from(step)),
        run: RunId(run),
        process: PROCESS,
        step,
        scheduled_for,
        opens_at: scheduled_for,
        due_at,
        assignee,
        moves: u8::from(missed),
        state: TaskState::Done,
        completed_at: Some(due_at + SignedDuration::from_mins(if missed { 90 } else { -20 })),
        rejections: 0,
        exceptions: 0,
    }
}

#[test]
fn step_misses_reads_like_the_owner_would_say_it() {
    let mut outcomes = Vec::new();
    for run in 0..40 {
        for step in 0..4 {
            let missed = step == 3 && (run == 32 || run >= 35);
            outcomes.push(task(run, step, if step == 3 { DANA } else { ELI }, missed));
        }
    }
    let findings = detect_process(&closing_facts(4), PROCESS, &outcomes, &[], day(40), &Settings::default());
    let finding = findings.iter().find(|f| f.kind == PatternKind::StepMisses).expect("step misses");
    assert_eq!(
        finding.sentence,
        "Closing checklist, step 4 'Photo of locked back door' was missed in 6 of the last 8 runs, the last 5 in a row \
         — usually by Dana."
    );
    assert_eq!(finding.key, "step_misses:12:3");
    assert_eq!(finding.runs, [32, 35, 36, 37, 38, 39].map(RunId));
    assert_eq!((finding.first_seen, finding.last_seen), (outcomes[32 * 4 + 3].due_at, outcomes[39 * 4 + 3].due_at));
}

#[test]
fn weekday_cluster_names_the_day_the_person_and_the_shift() {
    let mut outcomes = Vec::new();
    for run in 0..120 {
        let friday = run % 7 == 4;
        // Every Friday but one is missed, by Dana who holds Fridays.
        let missed = friday && run != 60;
        outcomes.push(task(run, 3, if friday { DANA } else { ELI }, missed));
    }
    let now = day(120);
    let findings = detect_process(&closing_facts(4), PROCESS, &outcomes, &[], now, &Settings::default());
    let keys: Vec<&str> = findings.iter().map(|f| f.key.as_str()).collect();
    assert!(keys.contains(&"weekday:12:3:fri"), "{keys:?}");
    assert!(!keys.iter().any(|key| key.starts_with("hour:") || key.starts_with("shift:")), "every run is due at 19:00");
    let weekday = findings.iter().find(|f| f.kind == PatternKind::Weekday).unwrap();
    assert_eq!(
        weekday.sentence,
        "Closing checklist, step 4 'Photo of locked back door' was missed on 15 of the last 16 Fridays — usually by \
         Dana (evening shift)."
    );
}

#[test]
fn numbers_are_written_the_way_people_write_them() {
    assert_eq!(duration(42.4), "42 min");
    assert_eq!(duration(125.0), "2 h 5 min");
    assert_eq!(duration(180.0), "3 h");
    assert_eq!(duration(60.0 * 24.0 * 3.0), "3 days");
    assert_eq!(reading(4.5, Some("°C")), "4.5 °C");
    assert_eq!(reading(5.0, Some("°C")), "5 °C");
    assert_eq!(reading(-0.001, None), "0");
    assert_eq!(reading(12.345, Some(" ")), "12.35");
    assert_eq!(time_until(0.01), "less than an hour");
    assert_eq!(time_until(0.5), "about 12 hours");
    assert_eq!(time_until(3.4), "about 3 days");
}
