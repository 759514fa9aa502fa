//! Synthetic history for the benchmark: millions of finished runs written by SQLite
//! itself, since creating them through the engine would take longer than measuring them.

use crate::{SqliteStore, db};
use jiff::{SignedDuration, Timestamp};
use proofline_core::{OrgId, PersonId, ProcessId};
use proofline_store::StoreError;

/// What to write: for each process, `runs` runs of one step, `gap` apart from `start`,
/// done by the people in turn; about one in eight missed (moved once, done late) and
/// one in fifty unresolved, decided by a hash of the run's id so every run is the same
/// each time.
#[derive(Debug, Clone)]
pub struct SyntheticHistory {
    pub org: OrgId,
    pub processes: Vec<ProcessId>,
    pub people: Vec<PersonId>,
    pub runs: u32,
    pub start: Timestamp,
    pub gap: SignedDuration,
    /// How long each step's holder has.
    pub window: SignedDuration,
}

impl SqliteStore {
    /// Writes the history of [`SyntheticHistory`]; returns how many tasks it wrote.
    pub async fn write_synthetic_history(&self, spec: &SyntheticHistory) -> Result<u64, StoreError> {
        let processes =
            serde_json::to_string(&spec.processes.iter().map(|p| p.0).collect::<Vec<_>>()).map_err(crate::other)?;
        let people =
            serde_json::to_string(&spec.people.iter().map(|p| p.0).collect::<Vec<_>>()).map_err(crate::other)?;
        let mut tx = self.writer.begin().await.map_err(db)?;
        sqlx::query(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?3)
             INSERT INTO runs (org_id, process_id, version, scheduled_for, trigger, state, created_at)
             SELECT ?1, p.value, 1, ?4 + n.i * ?5, 'schedule', 'done', ?4 FROM json_each(?2) p, n",
        )
        .bind(spec.org.0)
        .bind(&processes)
        .bind(i64::from(spec.runs))
        .bind(spec.start.as_millisecond())
        .bind(spec.gap.as_millis() as i64)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let written = sqlx::query(
            "INSERT INTO tasks (org_id, run_id, process_id, version, step_index, title, state, holder_id, assignee_id,
                                level, scheduled_for, opens_at, due_at, window_ms, first_due_at, completed_at)
             SELECT org_id, id, process_id, 1, 0, 'Check',
                    CASE WHEN h < 20 THEN 'unresolved' ELSE 'done' END,
                    holder, holder, CASE WHEN h < 20 THEN 2 WHEN h < 125 THEN 1 ELSE 0 END,
                    scheduled_for, scheduled_for, scheduled_for + ?3, ?3, scheduled_for + ?3,
                    CASE WHEN h < 20 THEN NULL WHEN h < 125 THEN scheduled_for + ?3 * 3 / 2
                         ELSE scheduled_for + ?3 / 2 END
             FROM (SELECT r.id, r.org_id, r.process_id, r.scheduled_for, (r.id * 2654435761) % 1000 AS h,
                          json_extract(?2, '$[' || (r.id % json_array_length(?2)) || ']') AS holder
                   FROM runs r WHERE r.org_id = ?1)",
        )
        .bind(spec.org.0)
        .bind(&people)
        .bind(spec.window.as_millis() as i64)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        tx.commit().await.map_err(db)?;
        Ok(written)
    }
}
