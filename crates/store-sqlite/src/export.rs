//! The evidence export's reads on SQLite.

use crate::records::run;
use crate::rows::ms;
use crate::{SqliteStore, db};
use async_trait::async_trait;
use jiff::Timestamp;
use proofline_core::{OrgId, ProcessId};
use proofline_store::{ExportStore, Result, RunRecord};

#[async_trait]
impl ExportStore for SqliteStore {
    async fn runs_between(
        &self,
        org: OrgId,
        process: ProcessId,
        from: Timestamp,
        to: Timestamp,
        limit: u32,
    ) -> Result<Vec<RunRecord>> {
        // The limit is written in, not bound (see the crate's note on plans).
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT * FROM runs WHERE org_id = ?1 AND process_id = ?2 AND scheduled_for >= ?3 AND scheduled_for < ?4 \
             ORDER BY scheduled_for, id LIMIT {limit}"
        )))
        .bind(org.0)
        .bind(process.0)
        .bind(ms(from))
        .bind(ms(to))
        .fetch_all(&self.reader)
        .await
        .map_err(db)?;
        rows.iter().map(run).collect()
    }
}
