//! Evidence retention on PostgreSQL: which submissions are past their organization's
//! retention, and marking one purged with its event, in one transaction.

use crate::rows::ms;
use crate::writes::insert_events;
use crate::{PostgresStore, db};
use async_trait::async_trait;
use jiff::Timestamp;
use proofline_core::{OrgId, SubmissionId, TaskId};
use proofline_store::{ExpiredEvidence, Result, RetentionStore, StoreError};

const DAY_MS: i64 = 86_400_000;

#[async_trait]
impl RetentionStore for PostgresStore {
    async fn retention_days(&self, org: OrgId) -> Result<Option<u32>> {
        let days: Option<i32> = sqlx::query_scalar("SELECT retention_days FROM orgs WHERE id = $1")
            .bind(org.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?
            .ok_or(StoreError::NotFound)?;
        Ok(days.and_then(|d| u32::try_from(d).ok()))
    }

    async fn set_retention_days(&self, org: OrgId, days: Option<u32>) -> Result<()> {
        let done = sqlx::query("UPDATE orgs SET retention_days = $2 WHERE id = $1")
            .bind(org.0)
            .bind(days.and_then(|d| i32::try_from(d).ok()))
            .execute(&self.pool)
            .await
            .map_err(db)?;
        if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    async fn expired_evidence(&self, now: Timestamp, limit: u32) -> Result<Vec<ExpiredEvidence>> {
        let rows: Vec<(i64, i64, i64, i64, i32)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT s.org_id, s.id, s.task_id, s.at, o.retention_days
             FROM orgs o JOIN submissions s ON s.org_id = o.id AND s.purged_at IS NULL
             WHERE o.retention_days IS NOT NULL AND s.at < $1 - o.retention_days::bigint * {DAY_MS}
             ORDER BY s.at, s.id LIMIT {limit}"
        )))
        .bind(ms(now))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        Ok(rows
            .into_iter()
            .map(|(org, submission, task, at, days)| ExpiredEvidence {
                org: OrgId(org),
                submission: SubmissionId(submission),
                task: TaskId(task),
                at: crate::rows::ts(at),
                retention_days: u32::try_from(days).unwrap_or(u32::MAX),
            })
            .collect())
    }

    async fn purge_evidence(&self, e: &ExpiredEvidence, now: Timestamp) -> Result<Option<Vec<String>>> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let marked =
            sqlx::query("UPDATE submissions SET purged_at = $3 WHERE org_id = $1 AND id = $2 AND purged_at IS NULL")
                .bind(e.org.0)
                .bind(e.submission.0)
                .bind(ms(now))
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        if marked.rows_affected() == 0 {
            return Ok(None);
        }
        let files: Vec<String> =
            sqlx::query_scalar("SELECT sha256 FROM submission_files WHERE submission_id = $1 ORDER BY sha256")
                .bind(e.submission.0)
                .fetch_all(&mut *tx)
                .await
                .map_err(db)?;
        // A file another submission still keeps (in any organization: files are shared by
        // hash) stays until that one is purged too.
        let unneeded: Vec<String> = sqlx::query_scalar(
            "SELECT f.sha256 FROM submission_files f WHERE f.submission_id = $1
             AND NOT EXISTS (SELECT 1 FROM submission_files o JOIN submissions s ON s.id = o.submission_id
                             WHERE o.sha256 = f.sha256 AND s.purged_at IS NULL)
             ORDER BY f.sha256",
        )
        .bind(e.submission.0)
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
        let (run, process): (i64, i64) = sqlx::query_as("SELECT run_id, process_id FROM tasks WHERE id = $1")
            .bind(e.task.0)
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
        insert_events(&mut tx, vec![e.event(run, process, &files, now)]).await?;
        tx.commit().await.map_err(db)?;
        Ok(Some(unneeded))
    }
}
