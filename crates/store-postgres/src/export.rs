//! The evidence export's reads on PostgreSQL.

use crate::records::{RUN_COLUMNS, run};
use crate::rows::ms;
use crate::{PostgresStore, db};
use async_trait::async_trait;
use jiff::Timestamp;
use proofline_core::{OrgId, ProcessId};
use proofline_store::{ExportStore, Result, RunRecord};

#[async_trait]
impl ExportStore for PostgresStore {
    async fn runs_between(
        &self,
        org: OrgId,
        process: ProcessId,
        from: Timestamp,
        to: Timestamp,
        limit: u32,
    ) -> Result<Vec<RunRecord>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {RUN_COLUMNS} FROM runs WHERE org_id = $1 AND process_id = $2 AND scheduled_for >= $3 \
             AND scheduled_for < $4 ORDER BY scheduled_for, id LIMIT $5"
        )))
        .bind(org.0)
        .bind(process.0)
        .bind(ms(from))
        .bind(ms(to))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(run).collect()
    }
}
