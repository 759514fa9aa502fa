//! `proofline bench`: the engine's budgets measured on a temporary SQLite file (and, with
//! `--postgres`, on PostgreSQL with one and three instances), one JSON line per figure.
//! Run it on a release build: `cargo run --release -- bench`.

mod history;
mod outbox;
mod postgres;
mod sinks;
mod web;

/// The web figures sign in this many people, so at least as many must exist.
const VISITORS_AT_LEAST: u32 = 65;

use crate::user_error;
use jiff::{SignedDuration, Timestamp};
use proofline_core::access::Access;
use proofline_core::outage::Disposition;
use proofline_core::process::{ProcessDefinition, ProcessStatus};
use proofline_core::roster::Roster;
use proofline_core::{OrgId, PersonId, ProcessId};
use proofline_engine::{Actor, Engine, EngineConfig, LocalBlobs, ManualClock, SystemClock, plan_run};
use proofline_store::{PersonFields, Store};
use proofline_store_sqlite::SqliteStore;
use serde_json::json;
use std::sync::Arc;
use std::time::Instant;

#[derive(clap::Args)]
pub struct BenchArgs {
    /// Active processes to materialize runs for.
    #[arg(long, default_value_t = 100_000)]
    pub processes: u32,
    /// Overdue tasks to escalate (and open tasks during the deadline test).
    #[arg(long, default_value_t = 1_000_000)]
    pub tasks: u32,
    /// Tasks falling due while the real loop runs, for the deadline-to-move delay.
    #[arg(long, default_value_t = 20_000)]
    pub due_during_loop: u32,
    /// Notices for the outbox throughput figures (each becomes one email and one webhook).
    #[arg(long, default_value_t = 5_000)]
    pub messages: u32,
    /// Open tasks in the database while the web pages are measured.
    #[arg(long, default_value_t = 100_000)]
    pub web_tasks: u32,
    /// People those tasks are spread over (each page lists web_tasks / web_people).
    #[arg(long, default_value_t = 10_000)]
    pub web_people: u32,
    /// Processes of the finished history that pattern detection reads.
    #[arg(long, default_value_t = 1_000)]
    pub history_processes: u32,
    /// Finished runs (one task each) per process of that history.
    #[arg(long, default_value_t = 10_000)]
    pub history_runs: u32,
    /// Run only one part: `engine` (materialize, escalate, deadlines), `outbox`, `web` or
    /// `history` (pattern detection and figures).
    #[arg(long, value_parser = ["engine", "outbox", "web", "history"])]
    pub only: Option<String>,
    /// Also measure the engine figures on PostgreSQL, with one instance and with three:
    /// a server URL (`postgres://user@host/db`) on which scratch databases are created
    /// and dropped.
    #[arg(long, value_name = "URL")]
    pub postgres: Option<String>,
}

fn figure(name: &str, value: f64, unit: &str, extra: serde_json::Value) {
    let mut line = json!({"figure": name, "value": (value * 100.0).round() / 100.0, "unit": unit});
    if let (Some(line), Some(extra)) = (line.as_object_mut(), extra.as_object()) {
        line.extend(extra.clone());
    }
    println!("{line}");
}

/// Starts a new peak-memory measurement (Linux: writing 5 to clear_refs resets VmHWM).
fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Resident memory now and at its peak, in MB, from /proc (Linux).
fn memory_mb() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// CPU time this process has used so far, in seconds (Linux: /proc/self/stat counts
/// user and system time in ticks of 1/100 s).
fn cpu_seconds() -> f64 {
    cpu_seconds_of("/proc/self/stat")
}

/// CPU time of the calling thread alone, in seconds.
fn thread_cpu_seconds() -> f64 {
    cpu_seconds_of("/proc/thread-self/stat")
}

fn cpu_seconds_of(path: &str) -> f64 {
    let stat = std::fs::read_to_string(path).unwrap_or_default();
    // The command name in parentheses may hold spaces; the fields after it do not.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: Vec<f64> = after_name.split_whitespace().skip(11).take(2).filter_map(|t| t.parse().ok()).collect();
    ticks.iter().sum::<f64>() / 100.0
}

async fn setup(
    dir: &std::path::Path,
    name: &str,
    clock: Arc<dyn proofline_engine::Clock>,
) -> anyhow::Result<(Engine, Actor, Arc<SqliteStore>)> {
    let url = format!("sqlite://{}", dir.join(format!("{name}.db")).display());
    let sqlite = Arc::new(SqliteStore::connect(&url).await?);
    let store: Arc<dyn Store> = sqlite.clone();
    let owner = organization(&*store).await?;
    let engine = Engine::new(store, clock, Arc::new(LocalBlobs::new(dir.join("blobs"))), EngineConfig::default());
    Ok((engine, owner, sqlite))
}

/// An organization with an owner and the two people the bench chain names.
async fn organization(store: &dyn Store) -> anyhow::Result<Actor> {
    let org = store.create_org("Bench", "UTC").await?;
    let mut ids = Vec::new();
    for name in ["owner", "first", "second"] {
        let fields = PersonFields {
            name: name.into(),
            email: format!("{name}@bench.test"),
            access: Access::Owner,
            manager: None,
            away_until: None,
            active: true,
        };
        ids.push(store.create_person(org, &fields).await?);
    }
    Ok(Actor { org, person: ids[0], access: Access::Owner })
}

/// `count` people `Person 0…`, emails `p0@bench.test…`; the first owns the organization.
async fn people(store: &dyn Store, org: OrgId, count: u32) -> anyhow::Result<Vec<PersonId>> {
    let mut people = Vec::with_capacity(count as usize);
    for i in 0..count {
        let fields = PersonFields {
            name: format!("Person {i}"),
            email: format!("p{i}@bench.test"),
            access: if i == 0 { Access::Owner } else { Access::Member },
            manager: None,
            away_until: None,
            active: true,
        };
        people.push(store.create_person(org, &fields).await?);
    }
    Ok(people)
}

fn definition(owner: PersonId, rule: &str) -> anyhow::Result<ProcessDefinition> {
    Ok(serde_json::from_value(json!({
        "name": "Bench", "owner": owner.0,
        "cadence": if rule == "manual" { json!({"kind": "manual"}) } else { json!({"kind": "schedule", "rule": rule}) },
        "steps": [{"title": "Check", "assignee": {"person": owner.0 + 1}, "due_after": "1h", "proof": [{"kind": "signature"}]}],
        "escalation": [{"to": {"person": owner.0 + 2}, "window": "1h"}, {"to": "owner", "window": "1h"}]
    }))?)
}

/// Inserts `count` runs of one process, one task each, due at `due(i)`.
async fn insert_tasks(
    engine: &Engine,
    org: OrgId,
    process: ProcessId,
    def: &ProcessDefinition,
    count: u32,
    start: Timestamp,
    due: impl Fn(u32) -> Timestamp,
) -> anyhow::Result<()> {
    let mut roster = Roster::default();
    let mut batch = Vec::with_capacity(10_000);
    for i in 0..count {
        let scheduled = start + SignedDuration::from_millis(i64::from(i));
        let mut run =
            plan_run(org, process, 1, def, scheduled, scheduled, Disposition::OnTime, "bench", None, &mut roster);
        // Runs need distinct instants; every task opens at `start` whatever its run's.
        for task in &mut run.tasks {
            task.holder = def.owner;
            task.opens_at = start;
            task.due_at = due(i);
            task.window_ms = 0;
        }
        batch.push(run);
        if batch.len() == 10_000 || i + 1 == count {
            engine.store.materialize(&batch, &[], &[], start).await?;
            batch.clear();
        }
    }
    Ok(())
}

pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    if cfg!(debug_assertions) {
        eprintln!("warning: this is a debug build; budgets are for `cargo run --release -- bench`");
    }
    if args.processes == 0 || args.tasks == 0 || args.due_during_loop > args.tasks {
        return Err(user_error("--processes and --tasks must be positive, --due-during-loop at most --tasks"));
    }
    let dir = tempfile::tempdir()?;
    let (idle, _) = memory_mb();
    figure("idle_resident_memory", idle, "MB", json!({"budget": "< 30"}));
    let wanted = |part: &str| args.only.as_deref().is_none_or(|only| only == part);
    if wanted("engine") {
        engine_figures(&args, dir.path()).await?;
        if let Some(server) = &args.postgres {
            postgres::run(&args, server, dir.path()).await?;
        }
    }
    if wanted("outbox") {
        outbox::run(dir.path(), args.messages.max(1)).await?;
    }
    if wanted("history") {
        history::run(dir.path(), args.history_processes.max(1), args.history_runs.max(1)).await?;
    }
    if wanted("web") {
        web::run(dir.path(), args.web_tasks.max(1), args.web_people.max(VISITORS_AT_LEAST)).await?;
    }
    Ok(())
}

async fn engine_figures(args: &BenchArgs, dir: &std::path::Path) -> anyhow::Result<()> {
    let t0: Timestamp = "2026-06-01T00:00:00Z".parse()?;

    // Materialize: every process has an occurrence due now.
    let clock = ManualClock::new(t0);
    let (engine, owner, _) = setup(dir, "materialize", Arc::new(clock.clone())).await?;
    let def = definition(owner.person, "DTSTART:20260601T003000Z\nRRULE:FREQ=DAILY")?;
    for i in 0..args.processes {
        engine
            .store
            .create_process(
                owner.org,
                &format!("p{i}"),
                ProcessStatus::Active,
                &def,
                Some("2026-06-01T00:30:00Z".parse()?),
                t0,
            )
            .await?;
    }
    let started = Instant::now();
    let made = engine.materialize_once(t0).await?;
    let seconds = started.elapsed().as_secs_f64();
    figure(
        "materialize_runs_per_sec",
        made.runs as f64 / seconds,
        "runs/s",
        json!({"processes": args.processes, "runs": made.runs, "seconds": seconds, "budget": "100000 processes in < 5 s"}),
    );

    // Escalate: a million tasks whose window closed.
    drop(engine);
    let (engine, owner, _) = setup(dir, "escalate", Arc::new(ManualClock::new(t0))).await?;
    let def = definition(owner.person, "manual")?;
    let process = engine.store.create_process(owner.org, "overdue", ProcessStatus::Active, &def, None, t0).await?;
    insert_tasks(&engine, owner.org, process, &def, args.tasks, t0, |_| t0).await?;
    engine.open_once(t0).await?;
    let later = t0 + SignedDuration::from_secs(1);
    let started = Instant::now();
    let moved = engine.escalate_once(later).await?;
    let seconds = started.elapsed().as_secs_f64();
    figure(
        "escalate_tasks_per_sec",
        moved as f64 / seconds,
        "tasks/s",
        json!({"tasks": args.tasks, "moved": moved, "seconds": seconds, "budget": "1000000 in < 10 s"}),
    );

    // Deadline to move, with the real loop and clock: most tasks due far ahead, some due
    // one by one over the next seconds. Peak memory is measured for this phase alone.
    drop(engine);
    reset_peak_memory();
    let (engine, owner, sqlite) = setup(dir, "deadlines", Arc::new(SystemClock)).await?;
    let def = definition(owner.person, "manual")?;
    let process = engine.store.create_process(owner.org, "open", ProcessStatus::Active, &def, None, t0).await?;
    let soon = args.due_during_loop;
    let far = Timestamp::now() + SignedDuration::from_hours(24 * 30);
    insert_tasks(&engine, owner.org, process, &def, args.tasks - soon, t0, |_| far).await?;
    engine.open_once(Timestamp::now()).await?;
    sqlite.checkpoint().await?;
    // The tasks that fall due are inserted last, so their deadlines are not already past.
    let now = Timestamp::now();
    let spread_ms = 20_000i64;
    insert_tasks(&engine, owner.org, process, &def, soon, now, |i| {
        now + SignedDuration::from_millis(5_000 + i64::from(i) * spread_ms / i64::from(soon.max(1)))
    })
    .await?;
    engine.open_once(Timestamp::now()).await?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let loop_engine = engine.clone();
    let runner = tokio::spawn(async move { loop_engine.run(stopped).await });
    tokio::time::sleep(std::time::Duration::from_millis(5_000 + spread_ms as u64 + 2_000)).await;
    let _ = stop.send(true);
    let _ = runner.await;
    let moved = engine
        .store
        .list_tasks(
            owner.org,
            &proofline_store::TaskQuery {
                holder: Some(PersonId(owner.person.0 + 2)),
                limit: soon + 10,
                ..Default::default()
            },
        )
        .await?;
    // A moved task is due one window (1h) after it moved; it was due at scheduled_for-based deadline.
    let mut delays: Vec<i64> = moved
        .iter()
        .map(|t| {
            let moved_at = t.due_at - SignedDuration::from_hours(1);
            let i = t.scheduled_for.duration_since(now).as_millis() as i64;
            let was_due = now + SignedDuration::from_millis(5_000 + i * spread_ms / i64::from(soon.max(1)));
            moved_at.duration_since(was_due).as_millis() as i64
        })
        .collect();
    delays.sort_unstable();
    let p = |q: f64| delays.get(((delays.len() as f64 * q).ceil() as usize).saturating_sub(1)).copied().unwrap_or(-1);
    figure(
        "deadline_to_move_p99",
        p(0.99) as f64,
        "ms",
        json!({"open_tasks": args.tasks, "moved": delays.len(), "expected": soon, "p50_ms": p(0.5), "max_ms": delays.last(), "budget": "<= 1000 ms"}),
    );

    let (_, peak) = memory_mb();
    figure("peak_resident_memory", peak, "MB", json!({"open_tasks": args.tasks, "budget": "< 250"}));
    Ok(())
}
