//! History on SQLite: finished work and readings read straight off the file for
//! detection and metrics, and the patterns found, kept with what people decided.

use crate::direct::failed;
use crate::outcome_days::{day_of, small, unpack_day};
use crate::rows::{InOrder, json, limit_or, ms, parse, ts};
use crate::{SqliteStore, db, other};
use async_trait::async_trait;
use jiff::Timestamp;
use proofline_core::history::{Moved, Outcome, Reading};
use proofline_core::pattern::{Finding, PatternKind, Severity};
use proofline_core::{EventId, OrgId, PersonId, ProcessId, RunId, TaskId};
use proofline_store::{
    EARLIER_NOTE, FADED_NOTE, HistoryChanges, HistoryStore, KnownPattern, PatternChanges, PatternDecision,
    PatternEvidence, PatternQuery, PatternRecord, PatternState, PatternWrite, Result, StoreError, plan_pattern_save,
};
use sqlx::sqlite::SqliteRow;

/// Event kinds after which a process's history reads differently.
const CHANGING: &str =
    "'completed', 'approved', 'rejected', 'unresolved', 'escalated', 'returned', 'skipped', 'cancelled', 'closed'";

/// A process's finished work, a day to a row (migration 0007).
const OUTCOME_DAYS: &str =
    "SELECT day, entries FROM outcome_days WHERE process_id = ?1 AND day >= ?2 AND day <= ?3 AND org_id = ?4";

/// The most outcomes a read reserves room for up front.
const MAX_RESERVED: usize = 1 << 20;

const PATTERN_COLUMNS: &str = "id, org_id, key, kind, process_id, step_index, person_id, severity, sentence, first_seen, \
     last_seen, evidence, state, note, decided_by, decided_at, opened_at, detected_at";

#[async_trait]
impl HistoryStore for SqliteStore {
    async fn history_changes(&self, after: EventId, limit: u32) -> Result<HistoryChanges> {
        let limit = limit_or(limit, 100_000);
        self.direct.read(|conn| {
            let through: Option<i64> = conn
                .query_row(
                    &format!("SELECT max(id) FROM (SELECT id FROM events WHERE id > ?1 ORDER BY id LIMIT {limit})"),
                    [after.0],
                    |row| row.get(0),
                )
                .map_err(failed)?;
            let Some(through) = through else { return Ok(HistoryChanges::default()) };
            let mut statement = conn
                .prepare_cached(&format!(
                    "SELECT DISTINCT org_id, process_id FROM events
                     WHERE id > ?1 AND id <= ?2 AND process_id IS NOT NULL AND kind IN ({CHANGING})
                     ORDER BY org_id, process_id"
                ))
                .map_err(failed)?;
            let processes = statement
                .query_map([after.0, through], |row| Ok((OrgId(row.get(0)?), ProcessId(row.get(1)?))))
                .map_err(failed)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(failed)?;
            Ok(HistoryChanges { processes, through: Some(EventId(through)) })
        })
    }

    async fn all_processes(&self) -> Result<Vec<(OrgId, ProcessId)>> {
        let rows: Vec<(i64, i64)> = sqlx::query_as("SELECT org_id, id FROM processes ORDER BY org_id, id")
            .fetch_all(&self.reader)
            .await
            .map_err(db)?;
        Ok(rows.into_iter().map(|(org, id)| (OrgId(org), ProcessId(id))).collect())
    }

    async fn outcomes(&self, org: OrgId, process: ProcessId, from: Timestamp, to: Timestamp) -> Result<Vec<Outcome>> {
        self.direct.read(|conn| {
            let mut statement = conn.prepare_cached(OUTCOME_DAYS).map_err(failed)?;
            let (from, to) = (ms(from), ms(to));
            let mut rows = statement.query((process.0, day_of(from), day_of(to), org.0)).map_err(failed)?;
            let mut outcomes = Vec::new();
            while let Some(row) = rows.next().map_err(failed)? {
                let day: i64 = row.get(0).map_err(failed)?;
                let entries =
                    row.get_ref(1).map_err(failed)?.as_bytes().map_err(|e| StoreError::Other(e.to_string()))?;
                if outcomes.capacity() == 0 {
                    // Guess the whole window from its first day: growing a list of ten
                    // thousand outcomes step by step copied it over and over.
                    let per_day = entries.iter().filter(|&&b| b == b';').count();
                    let days = usize::try_from(day_of(to).saturating_sub(day) + 1).unwrap_or(1);
                    outcomes.reserve(per_day.saturating_mul(days).min(MAX_RESERVED));
                }
                unpack_day(process, day, entries, (from, to), &mut outcomes)?;
            }
            Ok(outcomes)
        })
    }

    async fn readings(&self, org: OrgId, process: ProcessId, from: Timestamp, to: Timestamp) -> Result<Vec<Reading>> {
        self.direct.read(|conn| {
            let mut statement = conn
                .prepare_cached(
                    "SELECT step_index, field, task_id, run_id, at, value FROM readings
                     WHERE process_id = ?1 AND at >= ?2 AND at < ?3 AND org_id = ?4 ORDER BY at",
                )
                .map_err(failed)?;
            let mut rows = statement.query((process.0, ms(from), ms(to), org.0)).map_err(failed)?;
            let mut readings = Vec::new();
            while let Some(row) = rows.next().map_err(failed)? {
                readings.push(Reading {
                    process,
                    step: small(row.get(0).map_err(failed)?),
                    field: small(row.get(1).map_err(failed)?),
                    task: TaskId(row.get(2).map_err(failed)?),
                    run: RunId(row.get(3).map_err(failed)?),
                    at: ts(row.get(4).map_err(failed)?),
                    value: row.get(5).map_err(failed)?,
                });
            }
            Ok(readings)
        })
    }

    async fn moves(&self, org: OrgId, from: Timestamp, to: Timestamp) -> Result<Vec<Moved>> {
        let rows: Vec<(i64, i64, i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT task_id, process_id, at, from_holder, to_holder, COALESCE(json_extract(data, '$.level'), 0)
             FROM events WHERE org_id = ?1 AND kind IN ('escalated', 'unresolved') AND at >= ?2 AND at < ?3
               AND from_holder IS NOT NULL AND to_holder IS NOT NULL
             ORDER BY id",
        )
        .bind(org.0)
        .bind(ms(from))
        .bind(ms(to))
        .fetch_all(&self.reader)
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
            sqlx::query_scalar("SELECT max(id) FROM events").fetch_one(&self.reader).await.map_err(db)?;
        Ok(EventId(id.unwrap_or(0)))
    }

    async fn detection_mark(&self) -> Result<EventId> {
        let mark: i64 = sqlx::query_scalar("SELECT event_id FROM detection_mark WHERE id = 1")
            .fetch_one(&self.reader)
            .await
            .map_err(db)?;
        Ok(EventId(mark))
    }

    async fn set_detection_mark(&self, mark: EventId) -> Result<()> {
        sqlx::query("UPDATE detection_mark SET event_id = ?1 WHERE id = 1 AND event_id < ?1")
            .bind(mark.0)
            .execute(&self.writer)
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
        let mut tx = self.writer.begin().await.map_err(db)?;
        let known: Vec<(i64, String, String, Option<i64>)> =
            sqlx::query_as("SELECT id, key, state, decided_at FROM patterns WHERE org_id = ?1 AND process_id = ?2")
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
        for write in writes {
            match write {
                PatternWrite::Open(finding) => {
                    sqlx::query(
                        "INSERT INTO patterns (org_id, key, kind, process_id, step_index, person_id, severity, sentence,
                                               first_seen, last_seen, evidence, state, opened_at, detected_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'open', ?12, ?12)",
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
                    .bind(serde_json::to_string(&PatternEvidence::of(finding)).map_err(other)?)
                    .bind(ms(now))
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                }
                PatternWrite::Update { id, finding, reopen } => {
                    sqlx::query(
                        "UPDATE patterns SET severity = ?2, sentence = ?3, first_seen = ?4, last_seen = ?5, evidence = ?6,
                                             person_id = ?7, detected_at = ?8,
                                             state = CASE WHEN ?9 THEN 'open' ELSE state END,
                                             note = CASE WHEN ?9 THEN NULL ELSE note END,
                                             decided_by = CASE WHEN ?9 THEN NULL ELSE decided_by END,
                                             decided_at = CASE WHEN ?9 THEN NULL ELSE decided_at END,
                                             opened_at = CASE WHEN ?9 THEN ?8 ELSE opened_at END
                         WHERE id = ?1",
                    )
                    .bind(id)
                    .bind(finding.severity.as_str())
                    .bind(&finding.sentence)
                    .bind(ms(finding.first_seen))
                    .bind(ms(finding.last_seen))
                    .bind(serde_json::to_string(&PatternEvidence::of(finding)).map_err(other)?)
                    .bind(finding.person.map(|p| p.0))
                    .bind(ms(now))
                    .bind(reopen)
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                }
                PatternWrite::Fade(id) => {
                    sqlx::query(
                        "UPDATE patterns SET state = 'resolved', note = ?2 || COALESCE(?4 || note, ''), decided_by = NULL, decided_at = ?3
                         WHERE id = ?1",
                    )
                    .bind(id)
                    .bind(FADED_NOTE)
                    .bind(ms(now))
                    .bind(EARLIER_NOTE)
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                }
            }
        }
        tx.commit().await.map_err(db)?;
        Ok(changes)
    }

    async fn pattern_counts(&self) -> Result<Vec<(PatternState, Severity, u64)>> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT state, severity, count(*) FROM patterns GROUP BY state, severity ORDER BY state, severity",
        )
        .fetch_all(&self.reader)
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
        let limit = limit_or(query.limit, 500);
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {PATTERN_COLUMNS} FROM patterns
             WHERE org_id = ?1 AND state IN (SELECT value FROM json_each(?2)) AND (?3 IS NULL OR process_id = ?3)
             ORDER BY CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, last_seen DESC, id
             LIMIT {limit}"
        )))
        .bind(org.0)
        .bind(serde_json::to_string(&states).map_err(other)?)
        .bind(query.process.map(|p| p.0))
        .fetch_all(&self.reader)
        .await
        .map_err(db)?;
        rows.iter().map(pattern).collect()
    }

    async fn get_pattern(&self, org: OrgId, id: i64) -> Result<PatternRecord> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {PATTERN_COLUMNS} FROM patterns WHERE org_id = ?1 AND id = ?2"
        )))
        .bind(org.0)
        .bind(id)
        .fetch_optional(&self.reader)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound)?;
        pattern(&row)
    }

    async fn decide_pattern(&self, d: &PatternDecision) -> Result<PatternRecord> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE patterns SET state = ?3, note = ?4, decided_by = ?5, decided_at = ?6,
                                 opened_at = CASE WHEN ?3 = 'open' AND state <> 'open' THEN ?6 ELSE opened_at END
             WHERE org_id = ?1 AND id = ?2 RETURNING {PATTERN_COLUMNS}"
        )))
        .bind(d.org.0)
        .bind(d.pattern)
        .bind(d.state.as_str())
        .bind(&d.note)
        .bind(d.by.0)
        .bind(ms(d.now))
        .fetch_optional(&self.writer)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound)?;
        pattern(&row)
    }
}

fn pattern(row: &SqliteRow) -> Result<PatternRecord> {
    let mut column = InOrder::new(row);
    let id = column.i64()?;
    let org = OrgId(column.i64()?);
    let key = column.string()?;
    let kind = column.string()?;
    let kind = parse(PatternKind::parse(&kind), "kind", &kind)?;
    let process = ProcessId(column.i64()?);
    let step = column.opt_i64()?.map(small);
    let person = column.opt_i64()?.map(PersonId);
    let severity = column.string()?;
    let severity = parse(Severity::parse(&severity), "severity", &severity)?;
    let sentence = column.string()?;
    let first_seen = column.instant()?;
    let last_seen = column.instant()?;
    let evidence: PatternEvidence = json(&column.string()?, "evidence")?;
    let state = column.string()?;
    let state = parse(PatternState::parse(&state), "state", &state)?;
    Ok(PatternRecord {
        id,
        org,
        key,
        kind,
        process,
        step,
        person,
        severity,
        sentence,
        first_seen,
        last_seen,
        runs: evidence.runs,
        p_value: evidence.p_value,
        series: evidence.series,
        range: evidence.range,
        state,
        note: column.opt_string()?,
        decided_by: column.opt_i64()?.map(PersonId),
        decided_at: column.opt_instant()?,
        opened_at: column.instant()?,
        detected_at: column.instant()?,
    })
}

#[cfg(test)]
mod tests {
    use super::OUTCOME_DAYS;
    use rusqlite::Connection;

    #[test]
    fn a_process_history_is_one_range_of_its_days() {
        let conn = Connection::open_in_memory().unwrap();
        for migration in sqlx::migrate!("./migrations").iter() {
            conn.execute_batch(migration.sql.as_str()).unwrap();
        }
        let mut statement = conn.prepare(&format!("EXPLAIN QUERY PLAN {OUTCOME_DAYS}")).unwrap();
        let plan: Vec<String> =
            statement.query_map((1, 0, 1, 1), |row| row.get::<_, String>(3)).unwrap().map(|s| s.unwrap()).collect();
        assert_eq!(
            plan,
            ["SEARCH outcome_days USING INDEX sqlite_autoindex_outcome_days_1 (process_id=? AND day>? AND day<?)"]
        );
    }
}
