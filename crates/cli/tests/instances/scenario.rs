//! The sweep the fault tests disturb: thousands of tasks whose window has closed, each
//! climbing a two-level chain with two-second windows, and hundreds of scheduled
//! processes to materialize; a webhook endpoint hears every move. `check` then holds the
//! database to what must be true however the sweep was interrupted.

use jiff::{SignedDuration, Timestamp};
use proofline_core::access::Access;
use proofline_core::notice::{Channel, NoticeKind};
use proofline_core::outage::Disposition;
use proofline_core::process::{ProcessDefinition, ProcessStatus};
use proofline_core::roster::Roster;
use proofline_core::{OrgId, PersonId, ProcessId};
use proofline_engine::{Actor, EndpointInput, Engine, EngineConfig, LocalBlobs, SystemClock, plan_run, verify_chains};
use proofline_store::{PersonFields, Store};
use proofline_store_postgres::PostgresStore;
use serde_json::json;
use sqlx::PgPool;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Escalation levels every task climbs: to the second person, to the third, then
/// unresolved with the owner.
const MOVES_PER_TASK: i64 = 3;
/// The scheduled processes run every ten minutes from their first instant.
const EVERY: SignedDuration = SignedDuration::from_mins(10);

pub struct Seeded {
    pub sweep: ProcessId,
    pub scheduled: Vec<ProcessId>,
    pub first_run: Timestamp,
    pub tasks: i64,
    store: Arc<dyn Store>,
}

async fn person(store: &dyn Store, org: OrgId, name: &str, access: Access) -> PersonId {
    let fields = PersonFields {
        name: name.into(),
        email: format!("{}@fault.test", name.to_lowercase()),
        access,
        manager: None,
        away_until: None,
        active: true,
    };
    store.create_person(org, &fields).await.expect("a person")
}

fn definition(value: serde_json::Value) -> ProcessDefinition {
    serde_json::from_value(value).expect("a valid process definition")
}

pub async fn seed(url: &str, sink_url: &str, tasks: u32, processes: u32) -> Seeded {
    let store: Arc<dyn Store> = Arc::new(PostgresStore::connect(url).await.expect("PostgreSQL connects"));
    let now = Timestamp::now();
    let org = store.create_org("Fault line", "UTC").await.expect("an org");
    let owner = person(&*store, org, "Olga", Access::Owner).await;
    let first = person(&*store, org, "Ana", Access::Member).await;
    let second = person(&*store, org, "Ben", Access::Member).await;
    let third = person(&*store, org, "Cara", Access::Member).await;
    let blobs = Arc::new(LocalBlobs::new(std::env::temp_dir().join("proofline-fault-blobs")));
    let engine = Engine::new(store.clone(), Arc::new(SystemClock), blobs, EngineConfig::default());
    let actor = Actor { org, person: owner, access: Access::Owner };
    let endpoint = EndpointInput {
        channel: Channel::Webhook,
        name: "Sink".into(),
        url: sink_url.into(),
        events: vec![NoticeKind::TaskMoved, NoticeKind::TaskUnresolved],
        active: true,
    };
    engine.create_endpoint(actor, endpoint).await.expect("a webhook endpoint");

    let sweep_definition = definition(json!({
        "name": "Fault sweep", "owner": owner.0, "cadence": {"kind": "manual"},
        "steps": [{"title": "Check", "assignee": {"person": first.0}, "due_after": "1h", "proof": [{"kind": "signature"}]}],
        "escalation": [{"to": {"person": second.0}, "window": "2s"}, {"to": {"person": third.0}, "window": "2s"}]
    }));
    let sweep = store.create_process(org, "sweep", ProcessStatus::Active, &sweep_definition, None, now).await.unwrap();
    let mut roster = Roster::default();
    let mut batch = Vec::new();
    for i in 0..tasks {
        let at = now + SignedDuration::from_millis(i64::from(i));
        let mut run =
            plan_run(org, sweep, 1, &sweep_definition, at, at, Disposition::OnTime, "test", None, &mut roster);
        for task in &mut run.tasks {
            task.opens_at = now - SignedDuration::from_secs(2);
            task.due_at = now - SignedDuration::from_secs(1);
            task.window_ms = 0;
        }
        batch.push(run);
        if batch.len() == 5_000 || i + 1 == tasks {
            store.materialize(&batch, &[], &[], now).await.expect("tasks inserted");
            batch.clear();
        }
    }

    let first_run = Timestamp::from_second(now.as_second() - now.as_second() % 60 + 60).expect("a minute");
    let dtstart = first_run.strftime("%Y%m%dT%H%M%SZ");
    let scheduled_definition = definition(json!({
        "name": "Fault schedule", "owner": owner.0,
        "cadence": {"kind": "schedule", "rule": format!("DTSTART:{dtstart}\nRRULE:FREQ=MINUTELY;INTERVAL=10")},
        "steps": [{"title": "Log", "assignee": {"person": first.0}, "due_after": "1h", "proof": [{"kind": "signature"}]}],
        "escalation": [{"to": "owner", "window": "1h"}]
    }));
    let mut scheduled = Vec::new();
    for i in 0..processes {
        let id = store
            .create_process(org, &format!("s{i}"), ProcessStatus::Active, &scheduled_definition, Some(first_run), now)
            .await
            .expect("a scheduled process");
        scheduled.push(id);
    }
    Seeded { sweep, scheduled, first_run, tasks: i64::from(tasks), store }
}

impl Seeded {
    /// Waits until every task is unresolved and every notice routed and delivered.
    pub async fn settled(&self, pool: &PgPool, limit: Duration) -> bool {
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Ok((unresolved, unrouted, undelivered)) = sqlx::query_as::<_, (i64, i64, i64)>(
                "SELECT (SELECT count(*) FROM tasks WHERE process_id = $1 AND state = 'unresolved'),
                        (SELECT count(*) FROM notices WHERE routed_at IS NULL),
                        (SELECT count(*) FROM deliveries WHERE state = 'pending')",
            )
            .bind(self.sweep.0)
            .fetch_one(pool)
            .await
                && unresolved == self.tasks
                && unrouted == 0
                && undelivered == 0
            {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        false
    }

    /// What must hold however often the sweep was interrupted; returns how many webhook
    /// messages arrived more than once (allowed: delivery is at least once).
    pub async fn check(&self, pool: &PgPool, received: &HashMap<String, u32>) -> usize {
        let count = |sql: &'static str| async move {
            sqlx::query_scalar::<_, i64>(sql).bind(self.sweep.0).fetch_one(pool).await.expect(sql)
        };
        assert_eq!(
            count("SELECT count(*) FROM tasks WHERE process_id = $1 AND state = 'unresolved' AND level = 3").await,
            self.tasks,
            "every task climbed the whole chain"
        );
        assert_eq!(
            count("SELECT count(*) FROM events WHERE process_id = $1 AND kind = 'opened'").await,
            self.tasks,
            "every task opened once"
        );
        assert_eq!(
            count(
                "SELECT count(*) FROM (SELECT task_id, data->>'from_level' FROM events
                 WHERE process_id = $1 AND kind IN ('escalated', 'unresolved') GROUP BY 1, 2 HAVING count(*) = 1) once"
            )
            .await,
            self.tasks * MOVES_PER_TASK,
            "every task moved exactly once from each level"
        );
        assert_eq!(
            count("SELECT count(*) FROM events WHERE process_id = $1 AND kind IN ('escalated', 'unresolved')").await,
            self.tasks * MOVES_PER_TASK,
            "no move was made twice"
        );
        assert_eq!(
            count("SELECT count(*) FROM notices WHERE process_id = $1 AND kind IN ('task.moved', 'task.unresolved')")
                .await,
            self.tasks * MOVES_PER_TASK,
            "one notice per move"
        );
        let keys: Vec<String> = sqlx::query_scalar(
            "SELECT d.dedupe_key FROM deliveries d JOIN notices n ON n.id = d.notice_id
             WHERE n.process_id = $1 AND d.channel = 'webhook' AND d.state = 'sent'",
        )
        .bind(self.sweep.0)
        .fetch_all(pool)
        .await
        .expect("deliveries");
        assert_eq!(keys.len() as i64, self.tasks * MOVES_PER_TASK, "one sent webhook per move");
        let missing = keys.iter().filter(|k| !received.contains_key(&proofline_notify::webhook::message_id(k))).count();
        assert_eq!(missing, 0, "every sent webhook reached the receiver");
        self.check_runs(pool).await;
        for report in verify_chains(&*self.store, None).await.expect("the chain reads") {
            assert!(report.broken.is_none(), "the audit chain holds: {:?}", report.broken);
            assert_eq!(Some(report.verified), report.head.map(|h| h.seq), "every event is in the chain");
        }
        received.values().filter(|n| **n > 1).count()
    }

    /// Each scheduled process has one run per occurrence, without gaps, up to where its
    /// schedule now points; each run's task was created once.
    async fn check_runs(&self, pool: &PgPool) {
        let ids: Vec<i64> = self.scheduled.iter().map(|p| p.0).collect();
        let rows: Vec<(i64, i64, Option<i64>)> = sqlx::query_as(
            "SELECT p.id, count(r.id), p.next_run_at FROM processes p LEFT JOIN runs r ON r.process_id = p.id
             WHERE p.id = ANY($1) GROUP BY p.id, p.next_run_at",
        )
        .bind(&ids)
        .fetch_all(pool)
        .await
        .expect("runs per process");
        let distinct: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT process_id, count(DISTINCT scheduled_for), max(scheduled_for) FROM runs
             WHERE process_id = ANY($1) GROUP BY process_id",
        )
        .bind(&ids)
        .fetch_all(pool)
        .await
        .expect("distinct runs");
        let distinct: HashMap<i64, (i64, i64)> = distinct.into_iter().map(|(p, n, last)| (p, (n, last))).collect();
        assert_eq!(rows.len(), ids.len());
        let first = self.first_run.as_millisecond();
        let step = EVERY.as_millis() as i64;
        for (process, runs, next) in rows {
            assert!(runs >= 6, "process {process} has its hour of runs ({runs})");
            let (unique, last) = distinct[&process];
            assert_eq!(unique, runs, "process {process}: one run per instant");
            assert_eq!(last, first + (runs - 1) * step, "process {process}: runs without gaps");
            assert_eq!(next, Some(first + runs * step), "process {process}: the schedule points past its runs");
        }
        let (tasks, created): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM tasks WHERE process_id = ANY($1)),
                    (SELECT count(*) FROM events WHERE process_id = ANY($1) AND kind = 'created')",
        )
        .bind(&ids)
        .fetch_one(pool)
        .await
        .expect("tasks of scheduled runs");
        let runs: i64 = sqlx::query_scalar("SELECT count(*) FROM runs WHERE process_id = ANY($1)")
            .bind(&ids)
            .fetch_one(pool)
            .await
            .expect("runs");
        assert_eq!((tasks, created), (runs, runs), "one task and one 'created' event per run");
    }
}
