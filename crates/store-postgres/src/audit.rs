//! The event log's hash chain on PostgreSQL: reading it back in order for verification,
//! and chaining the events written before the chain existed.

use crate::rows::get;
use crate::writes::EVENT_CHAIN_COLUMNS;
use crate::{PostgresStore, db};
use async_trait::async_trait;
use proofline_core::OrgId;
use proofline_core::audit::{ChainEvent, ChainHead, StoredEvent};
use proofline_store::audit::StoredEvidence;
use proofline_store::{AuditStore, Result};
use serde_json::{Value, json};
use sqlx::postgres::PgRow;

/// Legacy events chained per statement when the store opens.
const BACKFILL_BATCH: usize = 10_000;

fn stored_event(row: &PgRow) -> Result<StoredEvent> {
    let data: String = get(row, "data")?;
    Ok(StoredEvent {
        id: get(row, "id")?,
        prev_hash: get::<Option<String>>(row, "prev_hash")?.unwrap_or_default(),
        hash: get::<Option<String>>(row, "hash")?.unwrap_or_default(),
        event: ChainEvent {
            org: get(row, "org_id")?,
            seq: get::<Option<i64>>(row, "seq")?.unwrap_or_default(),
            at: get(row, "at")?,
            kind: get(row, "kind")?,
            task: get(row, "task_id")?,
            run: get(row, "run_id")?,
            process: get(row, "process_id")?,
            actor: get(row, "actor_id")?,
            from_state: get(row, "from_state")?,
            to_state: get(row, "to_state")?,
            from_holder: get(row, "from_holder")?,
            to_holder: get(row, "to_holder")?,
            data: serde_json::from_str(&data).unwrap_or(Value::String(data)),
        },
    })
}

#[async_trait]
impl AuditStore for PostgresStore {
    async fn chain_heads(&self) -> Result<Vec<(OrgId, Option<ChainHead>)>> {
        let rows: Vec<(i64, Option<i64>, Option<String>)> = sqlx::query_as(
            "SELECT o.org_id, h.seq, h.hash
             FROM (SELECT DISTINCT org_id FROM events UNION SELECT org_id FROM audit_heads) o
             LEFT JOIN audit_heads h ON h.org_id = o.org_id
             ORDER BY o.org_id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        Ok(rows
            .into_iter()
            .map(|(org, seq, hash)| {
                let head = seq.zip(hash).map(|(seq, hash)| ChainHead { org, seq, hash });
                (OrgId(org), head)
            })
            .collect())
    }

    async fn chain_page(&self, org: OrgId, after_seq: i64, limit: u32) -> Result<Vec<StoredEvent>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {EVENT_CHAIN_COLUMNS} FROM events WHERE org_id = $1 AND seq > $2 ORDER BY seq, id LIMIT {limit}"
        )))
        .bind(org.0)
        .bind(after_seq)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(stored_event).collect()
    }

    async fn unchained_events(&self, org: OrgId, limit: u32) -> Result<Vec<i64>> {
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT id FROM events WHERE org_id = $1 AND seq IS NULL ORDER BY id LIMIT {limit}"
        )))
        .bind(org.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db)
    }

    async fn evidence_of(&self, org: OrgId, submissions: &[i64]) -> Result<Vec<StoredEvidence>> {
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, evidence::text FROM submissions WHERE org_id = $1 AND id = ANY($2)")
                .bind(org.0)
                .bind(submissions)
                .fetch_all(&self.pool)
                .await
                .map_err(db)?;
        Ok(rows
            .into_iter()
            .map(|(submission, evidence)| StoredEvidence {
                submission,
                evidence: serde_json::from_str(&evidence).unwrap_or(Value::String(evidence)),
            })
            .collect())
    }
}

impl PostgresStore {
    /// Chains the events of organizations that have no chain yet (written before
    /// migration 0008), in id order. An organization with a head is never touched again,
    /// so a row slipped in later stays outside the chain, where verification sees it.
    pub(crate) async fn chain_legacy_events(&self) -> Result<()> {
        let orgs: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT org_id FROM events WHERE seq IS NULL
             AND org_id NOT IN (SELECT org_id FROM audit_heads)",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        for org in orgs {
            let mut tx = self.pool.begin().await.map_err(db)?;
            // Another instance opening at the same moment chains the same organization:
            // whoever makes the head row first does it, the other finds it and stops.
            let claimed =
                sqlx::query("INSERT INTO audit_heads (org_id, seq, hash) VALUES ($1, 0, '') ON CONFLICT DO NOTHING")
                    .bind(org)
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
            if claimed.rows_affected() == 0 {
                continue;
            }
            let mut head = ChainHead::start(org);
            loop {
                let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT {EVENT_CHAIN_COLUMNS} FROM events WHERE org_id = $1 AND seq IS NULL ORDER BY id LIMIT {BACKFILL_BATCH}"
                )))
                .bind(org)
                .fetch_all(&mut *tx)
                .await
                .map_err(db)?;
                if rows.is_empty() {
                    break;
                }
                let mut links = Vec::with_capacity(rows.len());
                for row in &rows {
                    let mut stored = stored_event(row)?;
                    let linked = head.append(&mut stored.event);
                    links.push(
                        json!({"id": stored.id, "seq": linked.seq, "prev": linked.prev_hash, "hash": linked.hash}),
                    );
                }
                sqlx::query(
                    "UPDATE events SET seq = l.seq, prev_hash = l.prev, hash = l.hash
                     FROM jsonb_to_recordset($1::jsonb) AS l(id bigint, seq bigint, prev text, hash text)
                     WHERE events.id = l.id",
                )
                .bind(Value::Array(links))
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            }
            sqlx::query("UPDATE audit_heads SET seq = $2, hash = $3 WHERE org_id = $1")
                .bind(org)
                .bind(head.seq)
                .bind(&head.hash)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            tx.commit().await.map_err(db)?;
        }
        Ok(())
    }
}
