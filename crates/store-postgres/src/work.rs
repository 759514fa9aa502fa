//! Runs, tasks, submissions and events on PostgreSQL. Engine writes are set-based: a batch
//! travels as one JSONB parameter, is unpacked by `jsonb_to_recordset` and applied by one
//! statement per table. Every transition is a compare-and-set, so several engines may
//! work on one database: whoever loses a race changes nothing.

use crate::rows::{get, get_json, get_opt_ts, get_ts, ms, parse, ts};
use crate::{PostgresStore, db, retrying};
use async_trait::async_trait;
use jiff::Timestamp;
use proofline_core::escalation::Move;
use proofline_core::task::TaskState;
use proofline_core::{OrgId, PersonId, ProcessId, RunId, SubmissionId, TaskId};
use proofline_store::*;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};

use crate::records::{EVENT_COLUMNS, RUN_COLUMNS, TASK_COLUMNS, event, run, task, touched};
use crate::writes::{insert_events, insert_notices, save_rotations};

/// Tasks whose window has closed (`$1`: now), for a caller to order and limit.
pub(crate) const DUE_TASKS: &str =
    "SELECT id, org_id, process_id, version, holder_id, assignee_id, level, due_at, rev, state, submitted_by FROM tasks
     WHERE state IN ('open', 'submitted') AND due_at <= $1";

/// Scheduled processes due before the horizon (`$1`), for a caller to order and limit.
pub(crate) const DUE_PROCESSES: &str = "SELECT id, org_id, version, next_run_at FROM processes
     WHERE status = 'active' AND next_run_at IS NOT NULL AND next_run_at <= $1";

pub(crate) fn due_task(row: &sqlx::postgres::PgRow) -> Result<DueTask> {
    Ok(DueTask {
        id: TaskId(get(row, "id")?),
        org: OrgId(get(row, "org_id")?),
        process: ProcessId(get(row, "process_id")?),
        version: get::<i64>(row, "version")? as u32,
        holder: PersonId(get(row, "holder_id")?),
        assignee: PersonId(get(row, "assignee_id")?),
        level: get::<i64>(row, "level")? as u32,
        due_at: get_ts(row, "due_at")?,
        rev: get(row, "rev")?,
        state: parse(TaskState::parse(&get::<String>(row, "state")?), "state", "")?,
        submitter: get::<Option<i64>>(row, "submitted_by")?.map(PersonId),
    })
}

pub(crate) fn due_process(row: &sqlx::postgres::PgRow) -> Result<DueProcess> {
    Ok(DueProcess {
        org: OrgId(get(row, "org_id")?),
        id: ProcessId(get(row, "id")?),
        version: get::<i64>(row, "version")? as u32,
        next_run_at: get_ts(row, "next_run_at")?,
    })
}

#[async_trait]
impl WorkStore for PostgresStore {
    async fn due_processes(&self, horizon: Timestamp, limit: u32) -> Result<Vec<DueProcess>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{DUE_PROCESSES} ORDER BY next_run_at, id LIMIT $2")))
            .bind(ms(horizon))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter().map(due_process).collect()
    }

    async fn claim_due_processes(&self, horizon: Timestamp, limit: u32) -> Result<Box<dyn MaterializeClaim + '_>> {
        Ok(Box::new(crate::claims::claim_processes(&self.pool, horizon, limit).await?))
    }

    async fn claim_escalations(&self, now: Timestamp, limit: u32) -> Result<Box<dyn EscalationClaim + '_>> {
        Ok(Box::new(crate::claims::claim_tasks(&self.pool, now, limit).await?))
    }

    async fn materialize(
        &self,
        runs: &[NewRun],
        advances: &[ScheduleAdvance],
        rotations: &[RotationUpdate],
        now: Timestamp,
    ) -> Result<MaterializeOutcome> {
        retrying(|| async {
            let mut tx = self.pool.begin().await.map_err(db)?;
            let outcome = materialize_in(&mut tx, runs, advances, rotations, now).await?;
            tx.commit().await.map_err(db)?;
            Ok(outcome)
        })
        .await
    }

    async fn open_ready(&self, now: Timestamp, limit: u32) -> Result<u64> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        // Tasks another engine is opening are skipped, not waited for. The locking read is a
        // CTE, evaluated once: as a sub-select PostgreSQL may run it again per row and
        // overrun the limit. The holder hears "due soon" the organization's lead time before
        // the deadline, unless that instant has already passed (or the lead time is zero).
        let opened = sqlx::query(
            "WITH picked AS (SELECT id FROM tasks WHERE state = 'waiting' AND NOT blocked AND opens_at <= $1
                             ORDER BY opens_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
             UPDATE tasks SET state = 'open', due_at = GREATEST(tasks.due_at, $1 + tasks.window_ms), rev = tasks.rev + 1,
                              first_due_at = COALESCE(tasks.first_due_at, GREATEST(tasks.due_at, $1 + tasks.window_ms)),
                              remind_at = CASE WHEN o.due_soon_ms > 0
                                                    AND GREATEST(tasks.due_at, $1 + tasks.window_ms) - o.due_soon_ms > $1
                                               THEN GREATEST(tasks.due_at, $1 + tasks.window_ms) - o.due_soon_ms END
             FROM orgs o, picked
             WHERE o.id = tasks.org_id AND tasks.id = picked.id AND tasks.state = 'waiting'
             RETURNING tasks.id, tasks.org_id, tasks.run_id, tasks.process_id, tasks.holder_id, tasks.due_at, tasks.rev",
        )
        .bind(ms(now))
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
        let mut events = Vec::with_capacity(opened.len());
        let mut notices = Vec::with_capacity(opened.len());
        for row in &opened {
            let (event, notice) = touched(row)?.opened(now);
            events.push(event);
            notices.push(notice);
        }
        insert_events(&mut tx, events).await?;
        insert_notices(&mut tx, notices, now).await?;
        tx.commit().await.map_err(db)?;
        Ok(opened.len() as u64)
    }

    async fn due_for_escalation(&self, now: Timestamp, limit: u32) -> Result<Vec<DueTask>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{DUE_TASKS} ORDER BY due_at, id LIMIT $2")))
            .bind(ms(now))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        rows.iter().map(due_task).collect()
    }

    async fn apply_moves(&self, moves: &[TaskMove], rotations: &[RotationUpdate], now: Timestamp) -> Result<u64> {
        if moves.is_empty() {
            return Ok(0);
        }
        retrying(|| async {
            let mut tx = self.pool.begin().await.map_err(db)?;
            let applied = apply_moves_in(&mut tx, moves, rotations, now).await?;
            tx.commit().await.map_err(db)?;
            Ok(applied)
        })
        .await
    }

    async fn next_wakeup(&self, horizon_ms: i64) -> Result<Option<Timestamp>> {
        let next: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(t) FROM (
                SELECT MIN(due_at) AS t FROM tasks WHERE state = 'open'
                UNION ALL SELECT MIN(opens_at) FROM tasks WHERE state = 'waiting' AND NOT blocked
                UNION ALL SELECT MIN(next_run_at) - $1 FROM processes WHERE status = 'active' AND next_run_at IS NOT NULL
             ) AS wakeups",
        )
        .bind(horizon_ms)
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        Ok(next.map(ts))
    }

    async fn get_run(&self, org: OrgId, id: RunId) -> Result<RunRecord> {
        let row =
            sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {RUN_COLUMNS} FROM runs WHERE org_id = $1 AND id = $2")))
                .bind(org.0)
                .bind(id.0)
                .fetch_one(&self.pool)
                .await
                .map_err(db)?;
        run(&row)
    }

    async fn find_run(&self, org: OrgId, process: ProcessId, scheduled_for: Timestamp) -> Result<Option<RunRecord>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {RUN_COLUMNS} FROM runs WHERE org_id = $1 AND process_id = $2 AND scheduled_for = $3"
        )))
        .bind(org.0)
        .bind(process.0)
        .bind(ms(scheduled_for))
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        row.as_ref().map(run).transpose()
    }

    async fn find_run_by_key(&self, org: OrgId, process: ProcessId, key: &str) -> Result<Option<RunRecord>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {RUN_COLUMNS} FROM runs WHERE org_id = $1 AND process_id = $2 AND idempotency_key = $3"
        )))
        .bind(org.0)
        .bind(process.0)
        .bind(key)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        row.as_ref().map(run).transpose()
    }

    async fn get_task(&self, org: OrgId, id: TaskId) -> Result<TaskRecord> {
        let row =
            sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {TASK_COLUMNS} FROM tasks WHERE org_id = $1 AND id = $2")))
                .bind(org.0)
                .bind(id.0)
                .fetch_one(&self.pool)
                .await
                .map_err(db)?;
        task(&row)
    }

    async fn list_tasks(&self, org: OrgId, q: &TaskQuery) -> Result<Vec<TaskRecord>> {
        let states: Vec<&str> = q.states.iter().map(|s| s.as_str()).collect();
        // Only the filters given appear as conditions, so each shape gets a plan that uses
        // the index for them rather than one generic plan that scans.
        let holder = if q.holder.is_some() { "holder_id = $2" } else { "$2::bigint IS NULL" };
        let run = if q.run.is_some() { "run_id = $3" } else { "$3::bigint IS NULL" };
        let state = if states.is_empty() { "cardinality($4::text[]) = 0" } else { "state = ANY($4)" };
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {TASK_COLUMNS} FROM tasks
             WHERE org_id = $1 AND {holder} AND {run} AND {state}
             ORDER BY due_at, id LIMIT $5"
        )))
        .bind(org.0)
        .bind(q.holder.map(|p| p.0))
        .bind(q.run.map(|r| r.0))
        .bind(&states)
        .bind(if q.limit == 0 { 1000 } else { i64::from(q.limit) })
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(task).collect()
    }

    async fn complete_task(&self, completion: &Completion) -> Result<SubmissionId> {
        retrying(|| self.complete(completion)).await
    }

    async fn return_task(&self, change: &TaskReturn) -> Result<()> {
        retrying(|| self.send_back(change)).await
    }

    async fn decide_task(&self, decision: &TaskDecision) -> Result<()> {
        retrying(|| self.decide(decision)).await
    }

    async fn give_verdict(&self, verdict: &Verdict) -> Result<()> {
        retrying(|| self.verdict(verdict)).await
    }

    async fn submissions(&self, org: OrgId, task: TaskId) -> Result<Vec<SubmissionRecord>> {
        let rows = sqlx::query(
            "SELECT id, task_id, person_id, at, evidence, exceptions, verdict, verdict_by, verdict_at, verdict_reason
             FROM submissions WHERE org_id = $1 AND task_id = $2 ORDER BY id",
        )
        .bind(org.0)
        .bind(task.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter()
            .map(|row| {
                Ok(SubmissionRecord {
                    id: SubmissionId(get(row, "id")?),
                    task: TaskId(get(row, "task_id")?),
                    by: PersonId(get(row, "person_id")?),
                    at: get_ts(row, "at")?,
                    evidence: get(row, "evidence")?,
                    exceptions: get_json(row, "exceptions")?,
                    verdict: match get::<Option<String>>(row, "verdict")? {
                        None => None,
                        Some(text) => Some(VerdictRecord {
                            state: parse(VerdictState::parse(&text), "verdict", &text)?,
                            by: get::<Option<i64>>(row, "verdict_by")?.map(PersonId),
                            at: get_opt_ts(row, "verdict_at")?,
                            reason: get(row, "verdict_reason")?,
                        }),
                    },
                })
            })
            .collect()
    }

    async fn recent_evidence(
        &self,
        org: OrgId,
        process: ProcessId,
        step: u32,
        limit: u32,
    ) -> Result<Vec<EarlierEvidence>> {
        let rows: Vec<(i64, i64, Value)> = sqlx::query_as(
            "SELECT s.task_id, s.at, s.evidence FROM submissions s JOIN tasks t ON t.id = s.task_id
             WHERE t.org_id = $1 AND t.process_id = $2 AND t.step_index = $3
             ORDER BY s.id DESC LIMIT $4",
        )
        .bind(org.0)
        .bind(process.0)
        .bind(i64::from(step))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        Ok(rows
            .into_iter()
            .map(|(task, at, evidence)| EarlierEvidence { task: TaskId(task), at: ts(at), evidence })
            .collect())
    }

    async fn task_history(&self, org: OrgId, task: TaskId) -> Result<Vec<EventRecord>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE org_id = $1 AND task_id = $2 ORDER BY id"
        )))
        .bind(org.0)
        .bind(task.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(event).collect()
    }

    async fn record_blob(&self, sha256: &str, content_type: &str, size: u64, now: Timestamp) -> Result<()> {
        sqlx::query(
            "INSERT INTO blobs (sha256, content_type, size, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(sha256)
        .bind(content_type)
        .bind(size as i64)
        .bind(ms(now))
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }
}

/// Creates runs, their tasks and events, advances schedules and saves rotations on `conn`,
/// inside the caller's transaction.
pub(crate) async fn materialize_in(
    tx: &mut sqlx::PgConnection,
    runs: &[NewRun],
    advances: &[ScheduleAdvance],
    rotations: &[RotationUpdate],
    now: Timestamp,
) -> Result<MaterializeOutcome> {
    // Only processes whose schedule is still where this engine read it may create runs:
    // a second engine that got there first has already advanced it (the row lock makes
    // the loser wait, then re-check `expected` against the winner's value).
    let advance_json: Vec<Value> = advances
        .iter()
        .map(|a| json!({"id": a.process.0, "expected": a.expected.map(ms), "next": a.next_run_at.map(ms)}))
        .collect();
    let advanced: Vec<i64> = sqlx::query_scalar(
        "UPDATE processes SET next_run_at = a.next
             FROM jsonb_to_recordset($1::jsonb) AS a(id bigint, expected bigint, next bigint)
             WHERE processes.id = a.id AND processes.next_run_at IS NOT DISTINCT FROM a.expected
             RETURNING processes.id",
    )
    .bind(Value::Array(advance_json))
    .fetch_all(&mut *tx)
    .await
    .map_err(db)?;
    let advanced: HashSet<i64> = advanced.into_iter().collect();
    let runs: Vec<&NewRun> = runs
        .iter()
        .filter(|r| advanced.contains(&r.process.0) || !advances.iter().any(|a| a.process == r.process))
        .collect();
    let run_json: Vec<Value> = runs
            .iter()
            .map(|r| {
                json!({"org": r.org.0, "process": r.process.0, "version": r.version, "at": ms(r.scheduled_for), "trigger": r.trigger,
                       "started_by": r.started_by.map(|p| p.0), "state": r.state.as_str(), "reason": r.reason,
                       "key": r.idempotency_key})
            })
            .collect();
    // A run that exists for the instant, or for the idempotency key, is skipped: with no
    // conflict target the clause covers both unique indexes.
    let created = sqlx::query(
            "INSERT INTO runs (org_id, process_id, version, scheduled_for, trigger, started_by, state, reason, idempotency_key, created_at)
             SELECT r.org, r.process, r.version, r.at, r.trigger, r.started_by, r.state, r.reason, r.key, $2
             FROM jsonb_to_recordset($1::jsonb) AS r(org bigint, process bigint, version bigint, at bigint, trigger text,
                                                     started_by bigint, state text, reason text, key text)
             ON CONFLICT DO NOTHING
             RETURNING id, process_id, scheduled_for",
        )
        .bind(Value::Array(run_json))
        .bind(ms(now))
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
    let mut run_ids: HashMap<(i64, i64), i64> = HashMap::new();
    for row in &created {
        run_ids.insert((get(row, "process_id")?, get(row, "scheduled_for")?), get(row, "id")?);
    }
    let mut task_json = Vec::new();
    for run in &runs {
        let Some(run_id) = run_ids.get(&(run.process.0, ms(run.scheduled_for))) else {
            continue;
        };
        for t in &run.tasks {
            task_json.push(json!({
                    "org": run.org.0, "run": run_id, "process": run.process.0, "version": run.version, "step": t.step_index,
                    "title": t.title, "state": t.state.as_str(), "holder": t.holder.0, "blocked": t.blocked,
                    "scheduled_for": ms(run.scheduled_for), "opens_at": ms(t.opens_at), "due_at": ms(t.due_at), "window_ms": t.window_ms,
                }));
        }
    }
    let tasks = sqlx::query(
            "INSERT INTO tasks (org_id, run_id, process_id, version, step_index, title, state, holder_id, assignee_id, blocked,
                                scheduled_for, opens_at, due_at, window_ms, first_due_at)
             SELECT t.org, t.run, t.process, t.version, t.step, t.title, t.state, t.holder, t.holder, t.blocked,
                    t.scheduled_for, t.opens_at, t.due_at, t.window_ms, CASE WHEN t.state = 'open' THEN t.due_at END
             FROM jsonb_to_recordset($1::jsonb) AS t(org bigint, run bigint, process bigint, version bigint, step bigint, title text,
                                                     state text, holder bigint, blocked boolean, scheduled_for bigint,
                                                     opens_at bigint, due_at bigint, window_ms bigint)
             RETURNING id, org_id, run_id, process_id, state, holder_id",
        )
        .bind(Value::Array(task_json))
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
    let mut events = Vec::with_capacity(tasks.len());
    for row in &tasks {
        let state: String = get(row, "state")?;
        events.push(json!({
                "org": get::<i64>(row, "org_id")?, "at": ms(now), "kind": if state == "skipped" { "skipped" } else { "created" },
                "task": get::<i64>(row, "id")?, "run": get::<i64>(row, "run_id")?, "process": get::<i64>(row, "process_id")?,
                "to_state": state, "to_holder": get::<i64>(row, "holder_id")?,
                "data": if state == "skipped" { json!({"reason": "outage"}) } else { json!({}) },
            }));
    }
    insert_events(tx, events).await?;
    save_rotations(tx, rotations).await?;
    Ok(MaterializeOutcome { runs: created.len() as u64, tasks: tasks.len() as u64 })
}

/// Applies the moves whose task is unchanged since read, inside the caller's transaction.
pub(crate) async fn apply_moves_in(
    tx: &mut sqlx::PgConnection,
    moves: &[TaskMove],
    rotations: &[RotationUpdate],
    now: Timestamp,
) -> Result<u64> {
    if moves.is_empty() {
        return Ok(0);
    }
    let wire: Vec<Value> = moves
        .iter()
        .map(|m| match m.outcome {
            Move::To { level, holder, due_at } => json!({
                "id": m.task.0, "rev": m.rev, "was": m.from_state.as_str(), "state": m.from_state.as_str(),
                "holder": holder.0, "level": level, "due": ms(due_at),
            }),
            Move::Unresolved { holder } => json!({
                "id": m.task.0, "rev": m.rev, "was": m.from_state.as_str(), "state": "unresolved", "holder": holder.0,
                "level": m.from_level + 1, "due": ms(m.missed_due_at),
            }),
        })
        .collect();
    // Compare-and-set: a task completed or moved since it was read keeps its new state.
    // A concurrent writer holds the row lock; after it commits, rev and state are
    // re-checked against its version and no longer match. A task that moves on gets a
    // reminder before its new deadline; unresolved work none.
    let applied: Vec<(i64, i64, i64)> = sqlx::query_as(
            "UPDATE tasks SET state = m.state, holder_id = m.holder, level = m.level, due_at = m.due, rev = tasks.rev + 1,
                              remind_at = CASE WHEN m.state = 'open' AND o.due_soon_ms > 0 AND m.due - o.due_soon_ms > $2
                                               THEN m.due - o.due_soon_ms END
             FROM jsonb_to_recordset($1::jsonb) AS m(id bigint, rev bigint, was text, state text, holder bigint, level bigint,
                                                     due bigint),
                  orgs o
             WHERE tasks.id = m.id AND tasks.rev = m.rev AND tasks.state = m.was AND o.id = tasks.org_id
             RETURNING tasks.id, tasks.run_id, tasks.process_id",
        )
        .bind(Value::Array(wire))
        .bind(ms(now))
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
    let by_id: HashMap<i64, &TaskMove> = moves.iter().map(|m| (m.task.0, m)).collect();
    let mut events = Vec::with_capacity(applied.len());
    let mut notices = Vec::with_capacity(applied.len());
    for (m, run, process) in applied.iter().filter_map(|(id, run, process)| by_id.get(id).map(|m| (m, run, process))) {
        let (event, notice) = m.records(*run, *process, now);
        events.push(event);
        notices.push(notice);
    }
    insert_events(tx, events).await?;
    insert_notices(tx, notices, now).await?;
    save_rotations(tx, rotations).await?;
    Ok(applied.len() as u64)
}
