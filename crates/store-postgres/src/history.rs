//! History on PostgreSQL: finished work and readings for detection and metrics, and the
//! patterns found, kept with what people decided.

use crate::rows::{get, get_json, get_opt_ts, get_ts, ms, parse, to_json, ts};
use crate::{PostgresStore, db};
use async_trait::async_trait;
use jiff::Timestamp;
use proofline_core::history::{Moved, Outcome, Reading};
use proofline_core::pattern::{Finding, PatternKind, Severity};
use proofline_core::task::TaskState;
use proofline_core::{EventId, OrgId, PersonId, ProcessId, RunId, TaskId};
use proofline_store::{
    EARLIER_NOTE, FADED_NOTE, HistoryChanges, HistoryStore, KnownPattern, PatternChanges, PatternDecision,
    PatternEvidence, PatternQuery, PatternRecord, PatternState, PatternWrite, Result, StoreError, plan_pattern_save,
};
use sqlx::postgres::PgRow;

/// Event kinds after which a process's history reads differently.
const CHANGING: [&str; 9] =
    ["completed", "approved", "rejected", "unresolved", "escalated", "returned", "skipped", "cancelled", "closed"];

/// Ending states as small integers, so a long history reads without a string per row.
const OUTCOME_STATES: [TaskState; 4] =
    [TaskState::Done, TaskState::Unresolved, TaskState::Cancelled, TaskState::Skipped];

const PATTERN_COLUMNS: &str = "id, org_id, key, kind, process_id, step_index, person_id, severity, sentence, first_seen, \
     last_seen, evidence, state, note, decided_by, decided_at, opened_at, detected_at";

/// One row of [`HistoryStore::outcomes`], in select order.
type OutcomeRow = (i64, i64, i64, i64, i64, i64, i64, i64, i32, Option<i64>, i64, i64);

#[async_trait]
impl HistoryStore for PostgresStore {
    async fn history_changes(&self, after: EventId, limit: u32) -> Result<HistoryChanges> {
        // Event ids come from a sequence, taken at insert and not at commit: a writer still
        // in flight may commit an id below `through` after this read. Its process is then
        // looked at again on its next change, or by a full pass (`all_processes`).
        let through: Option<i64> = sqlx::query_scalar(
            "SELECT max(id) FROM (SELECT id FROM events WHERE id > $1 ORDER BY id LIMIT $2) AS read",
        )
        .bind(after.0)
        .bind(i64::from(if limit == 0 { 100_000 } else { limit }))
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        let Some(through) = through else { return Ok(HistoryChanges::default()) };
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT DISTINCT org_id, process_id FROM events
             WHERE id > $1 AND id <= $2 AND process_id IS NOT NULL AND kind = ANY($3)
             ORDER BY org_id, process_id",
        )
        .bind(after.0)
        .bind(through)
        .bind(&CHANGING[..])
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        let processes = rows.into_iter().map(|(org, process)| (OrgId(org), ProcessId(process))).collect();
        Ok(HistoryChanges { processes, through: Some(EventId(through)) })
    }

    async fn all_processes(&self) -> Result<Vec<(OrgId, ProcessId)>> {
        let rows: Vec<(i64, i64)> = sqlx::query_as("SELECT org_id, id FROM processes ORDER BY org_id, id")
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        Ok(rows.into_iter().map(|(org, id)| (OrgId(org), ProcessId(id))).collect())
    }

    async fn outcomes(&self, org: OrgId, process: ProcessId, from: Timestamp, to: Timestamp) -> Result<Vec<Outcome>> {
        // Read off `tasks_history` (migration 0006): one range of one index per process.
        let rows: Vec<OutcomeRow> = sqlx::query_as(
            "SELECT id, run_id, step_index, scheduled_for, opens_at, COALESCE(first_due_at, opens_at + window_ms),
                    assignee_id, level,
                    CASE state WHEN 'done' THEN 0 WHEN 'unresolved' THEN 1 WHEN 'cancelled' THEN 2 ELSE 3 END,
                    completed_at, returns, exceptions
             FROM tasks
             WHERE process_id = $1 AND state IN ('done', 'unresolved', 'cancelled', 'skipped')
               AND scheduled_for >= $2 AND scheduled_for < $3 AND org_id = $4",
        )
        .bind(process.0)
        .bind(ms(from))
        .bind(ms(to))
        .bind(org.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        Ok(rows.into_iter().map(|row| outcome(process, row)).collect())
    }

    async fn readings(&self, org: OrgId, process: ProcessId, from: Timestamp, to: Timestamp) -> Result<Vec<Reading>> {
        let rows: Vec<(i64, i64, i64, i64, i64, f64)> = sqlx::query_as(
            "SELECT step_index, field, task_id, run_id, at, value FROM readings
             WHERE process_id = $1 AND at >= $2 AND at < $3 AND org_id = $4 ORDER BY at",
        )
        .bind(process.0)
        .bind(ms(from))
        .bind(ms(to))
        .bind(org.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        Ok(rows
            .into_iter()
            .map(|(step, field, task, run, at, value)| Reading {
                process,
                step: small(step),
                field: small(field),
                task: TaskId(task),
                run: RunId(run),
                at: ts(at),
                value,
            })
            .collect())
    }

    async fn moves(&self, org: OrgId, from: Timestamp, to: Timestamp) -> Result<Vec<Moved>> {
        let rows: Vec<(i64, i64, i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT task_id, process_id, at, from_holder, to_holder, COALESCE((data ->> 'level')::bigint, 0)
             FROM events WHERE org_id = $1 AND kind IN ('escalated', 'unresolved') AND at >= $2 AND at < $3
               AND from_holder IS NOT NULL AND to_holder IS NOT NULL
             ORDER BY id",
        )
        .bind(org.0)
        .bind(ms(from))
        .bind(ms(to))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        Ok(rows
            .into_iter()
            .map(|(task, process, at, from, to, level)| Moved {
                task: TaskId(task),
                process: ProcessId(process),
                at: ts(at),
                from: PersonId(from),
                to: PersonId(to),
                level: u8::try_from(level).unwrap_or(u8::MAX),
            })
            .collect())
    }

    async fn latest_event(&self) -> Result<EventId> {
        let id: Option<i64> =
            sqlx::query_scalar("SELECT max(id) FROM events").fetch_one(&self.pool).await.map_err(db)?;
        Ok(EventId(id.unwrap_or(0)))
    }

    async fn detection_mark(&self) -> Result<EventId> {
        let mark: i64 = sqlx::query_scalar("SELECT event_id FROM detection_mark WHERE id = 1")
            .fetch_one(&self.pool)
            .await
            .map_err(db)?;
        Ok(EventId(mark))
    }

    async fn set_detection_mark(&self, mark: EventId) -> Result<()> {
        // Several engines may detect at once: one that read less never moves the mark back.
        sqlx::query("UPDATE detection_mark SET event_id = $1 WHERE id = 1 AND event_id < $1")
            .bind(mark.0)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn save_patterns(
        &self,
        org: OrgId,
        process: ProcessId,
        findings: &[Finding],
        now: Timestamp,
    ) -> Result<PatternChanges> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        // A second engine saving the same process's findings would read the same known keys
        // and then insert a new one twice. The process row's lock makes it wait, and its
        // read below then sees what the first committed. NO KEY UPDATE leaves runs and tasks
        // of the process free to be inserted meanwhile; a schedule advance waits the few
        // statements this takes.
        sqlx::query("SELECT id FROM processes WHERE org_id = $1 AND id = $2 FOR NO KEY UPDATE")
            .bind(org.0)
            .bind(process.0)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        // Locked as read: an owner deciding on one of them meanwhile waits, and decides on
        // what this pass leaves, rather than this pass overwriting the decision.
        let known: Vec<(i64, String, String, Option<i64>)> = sqlx::query_as(
            "SELECT id, key, state, decided_at FROM patterns WHERE org_id = $1 AND process_id = $2 FOR NO KEY UPDATE",
        )
        .bind(org.0)
        .bind(process.0)
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
        let known: Vec<KnownPattern> = known
            .into_iter()
            .map(|(id, key, state, decided_at)| KnownPattern {
                id,
                key,
                resolved: state == PatternState::Resolved.as_str(),
                decided_at: decided_at.map(ts),
            })
            .collect();
        let (writes, changes) = plan_pattern_save(&known, findings);
        let mut faded: Vec<i64> = Vec::new();
        for write in writes {
            match write {
                PatternWrite::Open(finding) => {
                    sqlx::query(
                        "INSERT INTO patterns (org_id, key, kind, process_id, step_index, person_id, severity, sentence,
                                               first_seen, last_seen, evidence, state, opened_at, detected_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'open', $12, $12)",
                    )
                    .bind(org.0)
                    .bind(&finding.key)
                    .bind(finding.kind.as_str())
                    .bind(process.0)
                    .bind(finding.step.map(i64::from))
                    .bind(finding.person.map(|p| p.0))
                    .bind(finding.severity.as_str())
                    .bind(&finding.sentence)
                    .bind(ms(finding.first_seen))
                    .bind(ms(finding.last_seen))
                    .bind(to_json(&PatternEvidence::of(finding))?)
                    .bind(ms(now))
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                }
                PatternWrite::Update { id, finding, reopen } => {
                    sqlx::query(
                        "UPDATE patterns SET severity = $2, sentence = $3, first_seen = $4, last_seen = $5, evidence = $6,
                                             person_id = $7, detected_at = $8,
                                             state = CASE WHEN $9 THEN 'open' ELSE state END,
                                             note = CASE WHEN $9 THEN NULL ELSE note END,
                                             decided_by = CASE WHEN $9 THEN NULL ELSE decided_by END,
                                             decided_at = CASE WHEN $9 THEN NULL ELSE decided_at END,
                                             opened_at = CASE WHEN $9 THEN $8 ELSE opened_at END
                         WHERE id = $1",
                    )
                    .bind(id)
                    .bind(finding.severity.as_str())
                    .bind(&finding.sentence)
                    .bind(ms(finding.first_seen))
                    .bind(ms(finding.last_seen))
                    .bind(to_json(&PatternEvidence::of(finding))?)
                    .bind(finding.person.map(|p| p.0))
                    .bind(ms(now))
                    .bind(reopen)
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                }
                PatternWrite::Fade(id) => faded.push(id),
            }
        }
        if !faded.is_empty() {
            sqlx::query(
                "UPDATE patterns SET state = 'resolved', note = $2 || COALESCE($4 || note, ''), decided_by = NULL, decided_at = $3
                 WHERE id = ANY($1)",
            )
            .bind(&faded)
            .bind(FADED_NOTE)
            .bind(ms(now))
            .bind(EARLIER_NOTE)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(changes)
    }

    async fn pattern_counts(&self) -> Result<Vec<(PatternState, Severity, u64)>> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT state, severity, count(*) FROM patterns GROUP BY state, severity ORDER BY state, severity",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        Ok(rows
            .into_iter()
            .filter_map(|(state, severity, n)| {
                Some((PatternState::parse(&state)?, Severity::parse(&severity)?, u64::try_from(n).unwrap_or(0)))
            })
            .collect())
    }

    async fn list_patterns(&self, org: OrgId, query: &PatternQuery) -> Result<Vec<PatternRecord>> {
        let states: Vec<&str> = if query.states.is_empty() {
            PatternState::ALL.iter().map(|s| s.as_str()).collect()
        } else {
            query.states.iter().map(|s| s.as_str()).collect()
        };
        // As in the task list: only a filter given appears as a condition.
        let process = if query.process.is_some() { "process_id = $3" } else { "$3::bigint IS NULL" };
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {PATTERN_COLUMNS} FROM patterns
             WHERE org_id = $1 AND state = ANY($2) AND {process}
             ORDER BY CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, last_seen DESC, id
             LIMIT $4"
        )))
        .bind(org.0)
        .bind(&states)
        .bind(query.process.map(|p| p.0))
        .bind(if query.limit == 0 { 500 } else { i64::from(query.limit) })
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(pattern).collect()
    }

    async fn get_pattern(&self, org: OrgId, id: i64) -> Result<PatternRecord> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {PATTERN_COLUMNS} FROM patterns WHERE org_id = $1 AND id = $2"
        )))
        .bind(org.0)
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound)?;
        pattern(&row)
    }

    async fn decide_pattern(&self, d: &PatternDecision) -> Result<PatternRecord> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE patterns SET state = $3, note = $4, decided_by = $5, decided_at = $6,
                                 opened_at = CASE WHEN $3 = 'open' AND state <> 'open' THEN $6 ELSE opened_at END
             WHERE org_id = $1 AND id = $2 RETURNING {PATTERN_COLUMNS}"
        )))
        .bind(d.org.0)
        .bind(d.pattern)
        .bind(d.state.as_str())
        .bind(&d.note)
        .bind(d.by.0)
        .bind(ms(d.now))
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound)?;
        pattern(&row)
    }
}

fn outcome(process: ProcessId, row: OutcomeRow) -> Outcome {
    let (task, run, step, scheduled_for, opens_at, due_at, assignee, level, state, completed_at, returns, exceptions) =
        row;
    Outcome {
        task: TaskId(task),
        run: RunId(run),
        process,
        step: small(step),
        scheduled_for: ts(scheduled_for),
        opens_at: ts(opens_at),
        due_at: ts(due_at),
        assignee: PersonId(assignee),
        moves: u8::try_from(level).unwrap_or(u8::MAX),
        state: OUTCOME_STATES[state.clamp(0, 3) as usize],
        completed_at: completed_at.map(ts),
        rejections: small(returns),
        exceptions: small(exceptions),
    }
}

fn small(value: i64) -> u16 {
    u16::try_from(value).unwrap_or(u16::MAX)
}

fn pattern(row: &PgRow) -> Result<PatternRecord> {
    let kind: String = get(row, "kind")?;
    let kind = parse(PatternKind::parse(&kind), "kind", &kind)?;
    let severity: String = get(row, "severity")?;
    let severity = parse(Severity::parse(&severity), "severity", &severity)?;
    let state: String = get(row, "state")?;
    let state = parse(PatternState::parse(&state), "state", &state)?;
    let evidence: PatternEvidence = get_json(row, "evidence")?;
    Ok(PatternRecord {
        id: get(row, "id")?,
        org: OrgId(get(row, "org_id")?),
        key: get(row, "key")?,
        kind,
        process: ProcessId(get(row, "process_id")?),
        step: get::<Option<i64>>(row, "step_index")?.map(small),
        person: get::<Option<i64>>(row, "person_id")?.map(PersonId),
        severity,
        sentence: get(row, "sentence")?,
        first_seen: get_ts(row, "first_seen")?,
        last_seen: get_ts(row, "last_seen")?,
        runs: evidence.runs,
        p_value: evidence.p_value,
        series: evidence.series,
        range: evidence.range,
        state,
        note: get(row, "note")?,
        decided_by: get::<Option<i64>>(row, "decided_by")?.map(PersonId),
        decided_at: get_opt_ts(row, "decided_at")?,
        opened_at: get_ts(row, "opened_at")?,
        detected_at: get_ts(row, "detected_at")?,
    })
}
