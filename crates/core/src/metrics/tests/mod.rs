//! Shared fixtures for the metrics tests: a café in Berlin and its people.

mod person;
mod system;
mod week;

use crate::history::{Facts, FieldFacts, Outcome, ProcessFacts, Reading, StepFacts};
use crate::ids::{PersonId, ProcessId, RunId, TaskId};
use crate::task::TaskState;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use std::collections::HashMap;

const MIA: PersonId = PersonId(10);
const BEN: PersonId = PersonId(11);
const SAM: PersonId = PersonId(12);
const FRIDGE: ProcessId = ProcessId(1);

fn berlin() -> TimeZone {
    TimeZone::get("Europe/Berlin").unwrap()
}

/// A Berlin wall-clock time, e.g. "2024-01-08T07:00".
fn local(text: &str) -> Timestamp {
    text.parse::<jiff::civil::DateTime>().unwrap().to_zoned(berlin()).unwrap().timestamp()
}

fn minutes(n: i64) -> SignedDuration {
    SignedDuration::from_mins(n)
}

/// The fridge check: step 0 reads the fridge (0–5 °C), step 1 signs the sheet off.
fn cafe_facts() -> Facts {
    let fridge = FieldFacts { label: "Fridge".into(), unit: Some("°C".into()), min: Some(0.0), max: Some(5.0) };
    let steps = vec![
        StepFacts { title: "Read the fridge".into(), fields: HashMap::from([(0, fridge)]) },
        StepFacts { title: "Sign the sheet".into(), fields: HashMap::new() },
    ];
    let process = ProcessFacts { name: "Fridge check".into(), zone: berlin(), system: None, steps, chain_levels: 2 };
    Facts { processes: HashMap::from([(FRIDGE, process)]), ..Facts::default() }
}

/// A task of `run` at local `scheduled`; step `s` is due `s + 1` hours after the start,
/// held first by Mia (step 0) or Ben (step 1), done `done_after` minutes after the start.
fn task(
    process: ProcessId,
    run: i64,
    step: u16,
    scheduled: &str,
    state: TaskState,
    done_after: Option<i64>,
    moves: u8,
) -> Outcome {
    let scheduled_for = local(scheduled);
    Outcome {
        task: TaskId(run * 10 + i64::from(step)),
        run: RunId(run),
        process,
        step,
        scheduled_for,
        opens_at: scheduled_for,
        due_at: scheduled_for + SignedDuration::from_hours(i64::from(step) + 1),
        assignee: if step == 0 { MIA } else { BEN },
        moves,
        state,
        completed_at: done_after.map(|m| scheduled_for + minutes(m)),
        rejections: 0,
        exceptions: 0,
    }
}

fn done(process: ProcessId, run: i64, step: u16, scheduled: &str, after: i64) -> Outcome {
    task(process, run, step, scheduled, TaskState::Done, Some(after), 0)
}

fn reading(run: i64, at: &str, value: f64) -> Reading {
    Reading { process: FRIDGE, step: 0, field: 0, task: TaskId(run * 10), run: RunId(run), at: local(at), value }
}

/// Three weeks of fridge checks in January 2024.
fn cafe_history() -> (Vec<Outcome>, Vec<Reading>) {
    use TaskState::*;
    let mut outcomes = vec![
        // Week of 8 January: on time; late after one move; skipped by an outage.
        done(FRIDGE, 1, 0, "2024-01-08T07:00", 10),
        done(FRIDGE, 1, 1, "2024-01-08T07:00", 30),
        task(FRIDGE, 2, 0, "2024-01-10T07:00", Done, Some(105), 1),
        done(FRIDGE, 2, 1, "2024-01-10T07:00", 120),
        task(FRIDGE, 3, 0, "2024-01-12T07:00", Skipped, None, 0),
        task(FRIDGE, 3, 1, "2024-01-12T07:00", Skipped, None, 0),
        // Week of 15 January: unresolved after two moves (sign-off cancelled); two on time.
        task(FRIDGE, 4, 0, "2024-01-15T07:00", Unresolved, None, 2),
        task(FRIDGE, 4, 1, "2024-01-15T07:00", Cancelled, None, 0),
        done(FRIDGE, 5, 0, "2024-01-17T07:00", 5),
        done(FRIDGE, 5, 1, "2024-01-17T07:00", 20),
        done(FRIDGE, 6, 0, "2024-01-19T07:00", 15),
        done(FRIDGE, 6, 1, "2024-01-19T07:00", 45),
        // Week of 22 January: on time; a Sunday-night run finished after Monday midnight.
        done(FRIDGE, 7, 0, "2024-01-22T07:00", 5),
        done(FRIDGE, 7, 1, "2024-01-22T07:00", 10),
        done(FRIDGE, 8, 0, "2024-01-28T23:30", 40),
        done(FRIDGE, 8, 1, "2024-01-28T23:30", 40),
    ];
    outcomes[8].exceptions = 1; // run 5 read 7.5 °C
    outcomes[12].rejections = 1; // run 7's first photo was blurry
    let readings = vec![
        reading(1, "2024-01-08T07:10", 3.0),
        reading(2, "2024-01-10T08:45", 4.0),
        reading(5, "2024-01-17T07:05", 7.5),
        reading(6, "2024-01-19T07:15", -1.0),
        reading(7, "2024-01-22T07:05", 2.0),
        reading(8, "2024-01-29T00:10", 4.5),
    ];
    (outcomes, readings)
}
