//! Processes and versions on SQLite.

use crate::rows::{get, get_opt_ts, get_ts, json, ms, parse};
use crate::{SqliteStore, db, other};
use async_trait::async_trait;
use jiff::Timestamp;
use proofline_core::process::{ProcessDefinition, ProcessStatus};
use proofline_core::{OrgId, ProcessId};
use proofline_store::*;
use sqlx::sqlite::SqliteRow;
use std::collections::HashMap;

const SELECT_PROCESS: &str =
    "SELECT p.id, p.org_id, p.key, p.status, p.version, p.next_run_at, p.updated_at, v.definition
     FROM processes p JOIN process_versions v ON v.process_id = p.id AND v.version = p.version";

fn process(row: &SqliteRow) -> Result<ProcessRecord> {
    let status: String = get(row, "status")?;
    Ok(ProcessRecord {
        id: ProcessId(get(row, "id")?),
        org: OrgId(get(row, "org_id")?),
        key: get(row, "key")?,
        status: parse(ProcessStatus::parse(&status), "status", &status)?,
        version: get::<i64>(row, "version")? as u32,
        definition: json(&get::<String>(row, "definition")?, "definition")?,
        next_run_at: get_opt_ts(row, "next_run_at")?,
        updated_at: get_ts(row, "updated_at")?,
    })
}

#[async_trait]
impl ProcessStore for SqliteStore {
    async fn create_process(
        &self,
        org: OrgId,
        key: &str,
        status: ProcessStatus,
        definition: &ProcessDefinition,
        next_run_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<ProcessId> {
        let mut tx = self.writer.begin().await.map_err(db)?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO processes (org_id, key, status, version, next_run_at, updated_at) VALUES (?1, ?2, ?3, 1, ?4, ?5) RETURNING id",
        )
        .bind(org.0)
        .bind(key)
        .bind(status.as_str())
        .bind(next_run_at.map(ms))
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        sqlx::query(
            "INSERT INTO process_versions (process_id, version, definition, created_at) VALUES (?1, 1, ?2, ?3)",
        )
        .bind(id)
        .bind(serde_json::to_string(definition).map_err(other)?)
        .bind(ms(now))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(ProcessId(id))
    }

    async fn save_version(
        &self,
        org: OrgId,
        id: ProcessId,
        definition: &ProcessDefinition,
        next_run_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<u32> {
        let mut tx = self.writer.begin().await.map_err(db)?;
        let version: i64 = sqlx::query_scalar(
            "UPDATE processes SET version = version + 1, next_run_at = ?3, updated_at = ?4 WHERE org_id = ?1 AND id = ?2 RETURNING version",
        )
        .bind(org.0)
        .bind(id.0)
        .bind(next_run_at.map(ms))
        .bind(ms(now))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound)?;
        sqlx::query(
            "INSERT INTO process_versions (process_id, version, definition, created_at) VALUES (?1, ?2, ?3, ?4)",
        )
        .bind(id.0)
        .bind(version)
        .bind(serde_json::to_string(definition).map_err(other)?)
        .bind(ms(now))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(version as u32)
    }

    async fn set_status(
        &self,
        org: OrgId,
        id: ProcessId,
        status: ProcessStatus,
        next_run_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE processes SET status = ?3, next_run_at = ?4, updated_at = ?5 WHERE org_id = ?1 AND id = ?2",
        )
        .bind(org.0)
        .bind(id.0)
        .bind(status.as_str())
        .bind(next_run_at.map(ms))
        .bind(ms(now))
        .execute(&self.writer)
        .await
        .map_err(db)?;
        if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    async fn get_process(&self, org: OrgId, id: ProcessId) -> Result<ProcessRecord> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT_PROCESS} WHERE p.org_id = ?1 AND p.id = ?2")))
            .bind(org.0)
            .bind(id.0)
            .fetch_one(&self.reader)
            .await
            .map_err(db)?;
        process(&row)
    }

    async fn find_process_by_key(&self, org: OrgId, key: &str) -> Result<Option<ProcessRecord>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT_PROCESS} WHERE p.org_id = ?1 AND p.key = ?2")))
            .bind(org.0)
            .bind(key)
            .fetch_optional(&self.reader)
            .await
            .map_err(db)?;
        row.as_ref().map(process).transpose()
    }

    async fn list_processes(&self, org: OrgId) -> Result<Vec<ProcessRecord>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT_PROCESS} WHERE p.org_id = ?1 ORDER BY p.key")))
            .bind(org.0)
            .fetch_all(&self.reader)
            .await
            .map_err(db)?;
        rows.iter().map(process).collect()
    }

    async fn list_versions(&self, org: OrgId, id: ProcessId) -> Result<Vec<VersionRecord>> {
        let rows = sqlx::query(
            "SELECT v.version, v.definition, v.created_at FROM process_versions v JOIN processes p ON p.id = v.process_id
             WHERE p.org_id = ?1 AND p.id = ?2 ORDER BY v.version",
        )
        .bind(org.0)
        .bind(id.0)
        .fetch_all(&self.reader)
        .await
        .map_err(db)?;
        if rows.is_empty() {
            return Err(StoreError::NotFound);
        }
        rows.iter()
            .map(|row| {
                Ok(VersionRecord {
                    version: get::<i64>(row, "version")? as u32,
                    definition: json(&get::<String>(row, "definition")?, "definition")?,
                    created_at: get_ts(row, "created_at")?,
                })
            })
            .collect()
    }

    async fn get_definitions(
        &self,
        versions: &[(ProcessId, u32)],
    ) -> Result<HashMap<(ProcessId, u32), ProcessDefinition>> {
        let wanted: Vec<[i64; 2]> = versions.iter().map(|(p, v)| [p.0, i64::from(*v)]).collect();
        let rows = sqlx::query(
            "SELECT v.process_id, v.version, v.definition FROM process_versions v
             JOIN jsonb_each(?1) j ON v.process_id = j.value ->> 0 AND v.version = j.value ->> 1",
        )
        .bind(serde_json::to_string(&wanted).map_err(other)?)
        .fetch_all(&self.reader)
        .await
        .map_err(db)?;
        rows.iter()
            .map(|row| {
                let key = (ProcessId(get(row, "process_id")?), get::<i64>(row, "version")? as u32);
                Ok((key, json(&get::<String>(row, "definition")?, "definition")?))
            })
            .collect()
    }
}
