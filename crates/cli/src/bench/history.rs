//! Pattern detection and metric queries over ten million finished tasks: the first full
//! look, a look when nothing changed, and the figures of a process and of every system.

use super::{definition, figure, people, setup};
use jiff::{SignedDuration, Timestamp};
use proofline_core::ProcessId;
use proofline_core::metrics::Period;
use proofline_core::process::ProcessStatus;
use proofline_engine::SystemClock;
use proofline_store::SystemFields;
use proofline_store_sqlite::SyntheticHistory;
use serde_json::json;
use std::sync::Arc;
use std::time::Instant;

/// Systems the processes are spread over.
const SYSTEMS: usize = 10;

pub async fn run(dir: &std::path::Path, processes: u32, runs: u32) -> anyhow::Result<()> {
    let (engine, owner, sqlite) = setup(dir, "history", Arc::new(SystemClock)).await?;
    let crew = people(engine.store.as_ref(), owner.org, 20).await?;
    let mut def = definition(owner.person, "manual")?;
    let now = Timestamp::now();
    // Every process in one of ten systems, all nested under one: the roll-up counts each
    // process in its own system and again in the top one.
    let system = |key: String, parent| SystemFields {
        name: key.clone(),
        key,
        goal: String::new(),
        owner: owner.person,
        parent,
        software: Vec::new(),
        goals: Vec::new(),
    };
    let top = engine.store.create_system(owner.org, &system("all".into(), None)).await?;
    let mut systems = Vec::with_capacity(SYSTEMS);
    for s in 0..SYSTEMS {
        systems.push(engine.store.create_system(owner.org, &system(format!("s{s}"), Some(top))).await?);
    }
    let mut ids: Vec<ProcessId> = Vec::with_capacity(processes as usize);
    for i in 0..processes {
        def.system = Some(systems[i as usize % SYSTEMS]);
        ids.push(
            engine.store.create_process(owner.org, &format!("h{i}"), ProcessStatus::Active, &def, None, now).await?,
        );
    }
    let span = engine.config.history_window - SignedDuration::from_hours(1);
    let spec = SyntheticHistory {
        org: owner.org,
        processes: ids.clone(),
        people: crew[1..].to_vec(),
        runs,
        start: now - span,
        gap: span / i32::try_from(runs.max(1))?,
        window: SignedDuration::from_mins(30),
    };
    let seeding = Instant::now();
    let tasks = sqlite.write_synthetic_history(&spec).await?;
    sqlite.checkpoint().await?;
    eprintln!("bench: wrote {tasks} finished tasks in {:.1} s", seeding.elapsed().as_secs_f64());

    let (started, cpu_from) = (Instant::now(), super::cpu_seconds());
    let found = engine.detect_all(now).await?;
    let seconds = started.elapsed().as_secs_f64();
    let cpu = super::cpu_seconds() - cpu_from;
    figure(
        "pattern_detection_seconds",
        seconds,
        "s",
        json!({"tasks": tasks, "processes": found.processes, "patterns_opened": found.changes.opened,
               "cpu_seconds": cpu, "budget": "10000000 tasks in < 3 s"}),
    );

    let started = Instant::now();
    let again = engine.detect_once(now).await?;
    figure(
        "pattern_detection_unchanged_ms",
        started.elapsed().as_secs_f64() * 1000.0,
        "ms",
        json!({"processes_read": again.processes, "note": "a look when no work ended since the last"}),
    );

    let started = Instant::now();
    let numbers = engine.process_numbers(owner.org, ids[0], Period::Week, now - span, now).await?;
    figure(
        "process_weeks_ms",
        started.elapsed().as_secs_f64() * 1000.0,
        "ms",
        json!({"weeks": numbers.periods.len(), "tasks": runs}),
    );

    let (started, cpu_from) = (Instant::now(), super::cpu_seconds());
    let months = engine.system_numbers(owner.org, Period::Month, now - span, now).await?;
    figure(
        "system_months_seconds",
        started.elapsed().as_secs_f64(),
        "s",
        json!({"tasks": tasks, "system_periods": months.len(), "cpu_seconds": super::cpu_seconds() - cpu_from,
               "budget": "< 3 s"}),
    );

    let (started, cpu_from) = (Instant::now(), super::cpu_seconds());
    let people_figures = engine.people_numbers(owner.org, now - span, now).await?;
    figure(
        "people_figures_seconds",
        started.elapsed().as_secs_f64(),
        "s",
        json!({"tasks": tasks, "people": people_figures.len(), "cpu_seconds": super::cpu_seconds() - cpu_from,
               "budget": "< 3 s"}),
    );
    Ok(())
}
