//! The engine figures on PostgreSQL (`bench --postgres URL`), with one instance and with
//! three: each instance is an engine with a pool of its own, as separate processes would
//! be, on a scratch database created on the server and dropped afterwards.

use super::{definition, figure, insert_tasks, organization};
use jiff::{SignedDuration, Timestamp};
use proofline_core::process::ProcessStatus;
use proofline_core::{OrgId, PersonId};
use proofline_engine::{Clock, Engine, EngineConfig, LocalBlobs, ManualClock, SystemClock};
use proofline_store::{Store, TaskQuery};
use proofline_store_postgres::{PostgresStore, create_database, drop_database};
use serde_json::json;
use std::sync::Arc;
use std::time::Instant;

const INSTANCE_COUNTS: [usize; 2] = [1, 3];

/// A database of the benchmark's own, dropped at the end.
struct Scratch {
    server: String,
    name: String,
    url: String,
}

impl Scratch {
    async fn new(server: &str, label: &str) -> anyhow::Result<Scratch> {
        let name = format!("proofline_bench_{label}_{:08x}", fastrand::u32(..));
        let url = create_database(server, &name).await?;
        Ok(Scratch { server: server.to_string(), name, url })
    }

    async fn drop(self) -> anyhow::Result<()> {
        Ok(drop_database(&self.server, &self.name).await?)
    }

    /// `count` engines, each with a pool of its own, sharing `clock`.
    async fn engines(&self, count: usize, clock: Arc<dyn Clock>, dir: &std::path::Path) -> anyhow::Result<Vec<Engine>> {
        let mut engines = Vec::with_capacity(count);
        for _ in 0..count {
            let store: Arc<dyn Store> = Arc::new(PostgresStore::connect(&self.url).await?);
            let blobs = Arc::new(LocalBlobs::new(dir.join("blobs")));
            engines.push(Engine::new(store, clock.clone(), blobs, EngineConfig::default()));
        }
        Ok(engines)
    }
}

/// Runs `unit` on every engine at once; returns the summed result and the seconds taken.
async fn together<F, Fut>(engines: &[Engine], unit: F) -> anyhow::Result<(u64, f64)>
where
    F: Fn(Engine) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<u64>> + Send + 'static,
{
    let started = Instant::now();
    let handles: Vec<_> = engines.iter().map(|e| tokio::spawn(unit(e.clone()))).collect();
    let mut total = 0;
    for handle in handles {
        total += handle.await??;
    }
    Ok((total, started.elapsed().as_secs_f64()))
}

pub async fn run(args: &super::BenchArgs, server: &str, dir: &std::path::Path) -> anyhow::Result<()> {
    materialize(args, server, dir).await?;
    escalate(args, server, dir).await?;
    deadlines(args, server, dir).await
}

/// The same processes fall due once a day: one instance makes a day's runs, then three.
async fn materialize(args: &super::BenchArgs, server: &str, dir: &std::path::Path) -> anyhow::Result<()> {
    let scratch = Scratch::new(server, "materialize").await?;
    let t0: Timestamp = "2026-06-01T00:00:00Z".parse()?;
    let clock = ManualClock::new(t0);
    let engines = scratch.engines(3, Arc::new(clock.clone()), dir).await?;
    let owner = organization(&*engines[0].store).await?;
    let def = definition(owner.person, "DTSTART:20260601T003000Z\nRRULE:FREQ=DAILY")?;
    let first: Timestamp = "2026-06-01T00:30:00Z".parse()?;
    // Created a few at a time: one by one, a round trip each, would take minutes.
    let mut pending = Vec::new();
    for i in 0..args.processes {
        let store = engines[i as usize % engines.len()].store.clone();
        let def = def.clone();
        pending.push(tokio::spawn(async move {
            store.create_process(owner.org, &format!("p{i}"), ProcessStatus::Active, &def, Some(first), t0).await
        }));
        if pending.len() == 64 {
            for p in pending.drain(..) {
                p.await??;
            }
        }
    }
    for p in pending {
        p.await??;
    }
    for (day, instances) in INSTANCE_COUNTS.into_iter().enumerate() {
        let now = t0 + SignedDuration::from_hours(24 * day as i64);
        clock.set(now);
        let (runs, seconds) =
            together(&engines[..instances], move |e| async move { Ok(e.materialize_once(now).await?.runs) }).await?;
        figure(
            "materialize_runs_per_sec",
            runs as f64 / seconds,
            "runs/s",
            json!({"backend": "postgres", "instances": instances, "processes": args.processes, "runs": runs,
                   "seconds": seconds, "budget": "100000 processes in < 5 s"}),
        );
    }
    drop(engines);
    scratch.drop().await
}

/// A million overdue tasks: one instance moves them from the first level, then three
/// move them from the second.
async fn escalate(args: &super::BenchArgs, server: &str, dir: &std::path::Path) -> anyhow::Result<()> {
    let scratch = Scratch::new(server, "escalate").await?;
    let t0: Timestamp = "2026-06-01T00:00:00Z".parse()?;
    let clock = ManualClock::new(t0);
    let engines = scratch.engines(3, Arc::new(clock.clone()), dir).await?;
    let owner = organization(&*engines[0].store).await?;
    let def = definition(owner.person, "manual")?;
    let process = engines[0].store.create_process(owner.org, "overdue", ProcessStatus::Active, &def, None, t0).await?;
    insert_tasks(&engines[0], owner.org, process, &def, args.tasks, t0, |_| t0).await?;
    engines[0].open_once(t0).await?;
    let mut now = t0;
    for instances in INSTANCE_COUNTS {
        // Past the window the last move gave (1h).
        now = now + SignedDuration::from_hours(1) + SignedDuration::from_secs(1);
        clock.set(now);
        let (moved, seconds) =
            together(&engines[..instances], move |e| async move { Ok(e.escalate_once(now).await?) }).await?;
        figure(
            "escalate_tasks_per_sec",
            moved as f64 / seconds,
            "tasks/s",
            json!({"backend": "postgres", "instances": instances, "tasks": args.tasks, "moved": moved,
                   "seconds": seconds, "budget": "1000000 in < 10 s (SQLite)"}),
        );
    }
    drop(engines);
    scratch.drop().await
}

/// The real loop on every instance, with a million open tasks, while some fall due one
/// by one: how long after its deadline each moved.
async fn deadlines(args: &super::BenchArgs, server: &str, dir: &std::path::Path) -> anyhow::Result<()> {
    let scratch = Scratch::new(server, "deadlines").await?;
    let t0: Timestamp = "2026-06-01T00:00:00Z".parse()?;
    let engines = scratch.engines(3, Arc::new(SystemClock), dir).await?;
    let owner = organization(&*engines[0].store).await?;
    let def = definition(owner.person, "manual")?;
    let process = engines[0].store.create_process(owner.org, "open", ProcessStatus::Active, &def, None, t0).await?;
    let soon = args.due_during_loop;
    let far = Timestamp::now() + SignedDuration::from_hours(24 * 30);
    insert_tasks(&engines[0], owner.org, process, &def, args.tasks.saturating_sub(soon * 2), t0, |_| far).await?;
    engines[0].open_once(Timestamp::now()).await?;
    for instances in INSTANCE_COUNTS {
        let now = Timestamp::now();
        let spread_ms = 20_000i64;
        let due =
            move |i: u32| now + SignedDuration::from_millis(5_000 + i64::from(i) * spread_ms / i64::from(soon.max(1)));
        insert_tasks(&engines[0], owner.org, process, &def, soon, now, due).await?;
        engines[0].open_once(Timestamp::now()).await?;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let loops: Vec<_> = engines[..instances]
            .iter()
            .map(|e| {
                let (engine, stopped) = (e.clone(), stopped.clone());
                tokio::spawn(async move { engine.run(stopped).await })
            })
            .collect();
        tokio::time::sleep(std::time::Duration::from_millis(5_000 + spread_ms as u64 + 2_000)).await;
        let _ = stop.send(true);
        for handle in loops {
            let _ = handle.await;
        }
        let delays = move_delays(&*engines[0].store, owner.org, PersonId(owner.person.0 + 2), now, soon, &due).await?;
        let p =
            |q: f64| delays.get(((delays.len() as f64 * q).ceil() as usize).saturating_sub(1)).copied().unwrap_or(-1);
        figure(
            "deadline_to_move_p99",
            p(0.99) as f64,
            "ms",
            json!({"backend": "postgres", "instances": instances, "open_tasks": args.tasks, "moved": delays.len(),
                   "expected": soon, "p50_ms": p(0.5), "max_ms": delays.last(), "budget": "<= 1000 ms"}),
        );
    }
    drop(engines);
    scratch.drop().await
}

/// Milliseconds from deadline to move of the tasks inserted at `since` that moved to
/// `to`, sorted. A moved task is due one window (1h) after it moved.
async fn move_delays(
    store: &dyn Store,
    org: OrgId,
    to: PersonId,
    since: Timestamp,
    soon: u32,
    due: &dyn Fn(u32) -> Timestamp,
) -> anyhow::Result<Vec<i64>> {
    let query = TaskQuery { holder: Some(to), limit: soon * 3 + 10, ..Default::default() };
    let moved = store.list_tasks(org, &query).await?;
    let mut delays: Vec<i64> = moved
        .iter()
        // Stored instants are whole milliseconds; `since` may carry more.
        .filter(|t| t.scheduled_for.as_millisecond() >= since.as_millisecond())
        .map(|t| {
            let moved_at = t.due_at - SignedDuration::from_hours(1);
            let i = (t.scheduled_for.as_millisecond() - since.as_millisecond()) as u32;
            moved_at.duration_since(due(i)).as_millis() as i64
        })
        .collect();
    delays.sort_unstable();
    Ok(delays)
}
