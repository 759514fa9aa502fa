//! The outbox on PostgreSQL: notices, reminders, each person's in-app list and the activity
//! digests count. Deliveries live in `deliveries.rs`, endpoints and settings in
//! `settings.rs`; this is where the port is implemented.

use crate::records::{TASK_COLUMNS, task, touched};
use crate::rows::{get, get_opt_ts, get_ts, ms, parse};
use crate::writes::insert_notices;
use crate::{PostgresStore, db};
use async_trait::async_trait;
use jiff::Timestamp;
use proofline_core::notice::{NoticeKind, NotifySettings, Preferences};
use proofline_core::{OrgId, PersonId, ProcessId, RunId, TaskId};
use proofline_store::*;
use serde_json::{Value, json};
use sqlx::postgres::PgRow;

const NOTICE_COLUMNS: &str = "id, org_id, person_id, kind, key, task_id, run_id, process_id, data, created_at, read_at";

fn notice(row: &PgRow) -> Result<NoticeRecord> {
    let kind: String = get(row, "kind")?;
    Ok(NoticeRecord {
        id: get(row, "id")?,
        org: OrgId(get(row, "org_id")?),
        person: get::<Option<i64>>(row, "person_id")?.map(PersonId),
        kind: parse(NoticeKind::parse(&kind), "kind", &kind)?,
        key: get(row, "key")?,
        task: get::<Option<i64>>(row, "task_id")?.map(TaskId),
        run: get::<Option<i64>>(row, "run_id")?.map(RunId),
        process: get::<Option<i64>>(row, "process_id")?.map(ProcessId),
        data: get(row, "data")?,
        created_at: get_ts(row, "created_at")?,
        read_at: get_opt_ts(row, "read_at")?,
    })
}

fn limit_or(limit: u32, default: i64) -> i64 {
    if limit == 0 { default } else { i64::from(limit) }
}

#[async_trait]
impl NoticeStore for PostgresStore {
    async fn add_notices(&self, notices: &[NewNotice], now: Timestamp) -> Result<u64> {
        let wire: Vec<Value> = notices
            .iter()
            .map(|n| {
                json!({
                    "org": n.org.0, "person": n.person.map(|p| p.0), "kind": n.kind, "key": n.key, "task": n.task.map(|t| t.0),
                    "run": n.run.map(|r| r.0), "process": n.process.map(|p| p.0), "data": n.data,
                })
            })
            .collect();
        let mut conn = self.pool.acquire().await.map_err(db)?;
        insert_notices(&mut conn, wire, now).await
    }

    async fn due_reminders(&self, now: Timestamp, limit: u32) -> Result<Vec<TaskRecord>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {TASK_COLUMNS} FROM tasks WHERE state = 'open' AND remind_at IS NOT NULL AND remind_at <= $1
             ORDER BY remind_at, id LIMIT $2"
        )))
        .bind(ms(now))
        .bind(limit_or(limit, 1000))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(task).collect()
    }

    async fn remind(&self, tasks: &[(TaskId, i64)], now: Timestamp) -> Result<u64> {
        if tasks.is_empty() {
            return Ok(0);
        }
        let wire: Vec<Value> = tasks.iter().map(|(id, rev)| json!({"id": id.0, "rev": rev})).collect();
        let mut tx = self.pool.begin().await.map_err(db)?;
        // Not a change of the task's state, so `rev` stays: a submission racing the reminder
        // must not be refused because of it.
        let reminded = sqlx::query(
            "UPDATE tasks SET remind_at = NULL
             FROM jsonb_to_recordset($1::jsonb) AS r(id bigint, rev bigint)
             WHERE tasks.id = r.id AND tasks.rev = r.rev AND tasks.state = 'open' AND tasks.remind_at IS NOT NULL
             RETURNING tasks.id, tasks.org_id, tasks.run_id, tasks.process_id, tasks.holder_id, tasks.rev, tasks.due_at",
        )
        .bind(Value::Array(wire))
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
        let notices = reminded.iter().map(|row| Ok(touched(row)?.due_soon())).collect::<Result<Vec<_>>>()?;
        insert_notices(&mut tx, notices, now).await?;
        tx.commit().await.map_err(db)?;
        Ok(reminded.len() as u64)
    }

    async fn unrouted_notices(&self, limit: u32) -> Result<Vec<NoticeRecord>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {NOTICE_COLUMNS} FROM notices WHERE routed_at IS NULL ORDER BY id LIMIT $1"
        )))
        .bind(limit_or(limit, 500))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(notice).collect()
    }

    async fn route_notices(&self, notices: &[i64], deliveries: &[NewDelivery], now: Timestamp) -> Result<u64> {
        self.route(notices, deliveries, now).await
    }

    async fn claim_deliveries(&self, claim: &Claim<'_>) -> Result<Vec<DeliveryRecord>> {
        self.claim(claim).await
    }

    async fn finish_deliveries(&self, outcomes: &[AttemptOutcome], now: Timestamp) -> Result<u64> {
        self.finish(outcomes, now).await
    }

    async fn list_deliveries(&self, org: OrgId, query: &DeliveryQuery) -> Result<Vec<DeliveryRecord>> {
        self.deliveries(org, query).await
    }

    async fn retry_delivery(&self, org: OrgId, id: i64, now: Timestamp) -> Result<()> {
        self.requeue(org, id, now).await
    }

    async fn next_delivery_at(&self) -> Result<Option<Timestamp>> {
        self.next_delivery().await
    }

    async fn list_notices(
        &self,
        org: OrgId,
        person: PersonId,
        unread_only: bool,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<NoticeRecord>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {NOTICE_COLUMNS} FROM notices
             WHERE org_id = $1 AND person_id = $2 AND ($3::bigint IS NULL OR id < $3) AND (NOT $4 OR read_at IS NULL)
             ORDER BY id DESC LIMIT $5"
        )))
        .bind(org.0)
        .bind(person.0)
        .bind(before)
        .bind(unread_only)
        .bind(limit_or(limit, 100))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(notice).collect()
    }

    async fn unread_count(&self, org: OrgId, person: PersonId) -> Result<u64> {
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM notices WHERE org_id = $1 AND person_id = $2 AND read_at IS NULL")
                .bind(org.0)
                .bind(person.0)
                .fetch_one(&self.pool)
                .await
                .map_err(db)?;
        Ok(count as u64)
    }

    async fn mark_read(&self, org: OrgId, person: PersonId, ids: &[i64], now: Timestamp) -> Result<u64> {
        let done = sqlx::query(
            "UPDATE notices SET read_at = $3
             WHERE org_id = $1 AND person_id = $2 AND read_at IS NULL AND (cardinality($4::bigint[]) = 0 OR id = ANY($4))",
        )
        .bind(org.0)
        .bind(person.0)
        .bind(ms(now))
        .bind(ids)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(done.rows_affected())
    }

    async fn create_endpoint(&self, org: OrgId, fields: &EndpointFields, now: Timestamp) -> Result<i64> {
        self.insert_endpoint(org, fields, now).await
    }

    async fn update_endpoint(&self, org: OrgId, id: i64, fields: &EndpointFields) -> Result<()> {
        self.replace_endpoint(org, id, fields).await
    }

    async fn delete_endpoint(&self, org: OrgId, id: i64) -> Result<()> {
        self.remove_endpoint(org, id).await
    }

    async fn get_endpoint(&self, org: OrgId, id: i64) -> Result<EndpointRecord> {
        self.endpoints(org, Some(id)).await?.pop().ok_or(StoreError::NotFound)
    }

    async fn list_endpoints(&self, org: OrgId) -> Result<Vec<EndpointRecord>> {
        self.endpoints(org, None).await
    }

    async fn notify_settings(&self, org: OrgId) -> Result<NotifySettings> {
        self.org_settings(org).await
    }

    async fn set_notify_settings(&self, org: OrgId, settings: &NotifySettings) -> Result<()> {
        self.save_org_settings(org, settings).await
    }

    async fn preferences(&self, org: OrgId, person: PersonId) -> Result<Preferences> {
        self.person_preferences(org, person).await
    }

    async fn set_preferences(&self, org: OrgId, person: PersonId, preferences: &Preferences) -> Result<()> {
        self.save_person_preferences(org, person, preferences).await
    }

    async fn set_calendar_secret(&self, org: OrgId, person: PersonId, sha256: &str) -> Result<()> {
        self.save_calendar_secret(org, person, sha256).await
    }

    async fn find_calendar(&self, sha256: &str) -> Result<Option<(OrgId, PersonId)>> {
        self.calendar_owner(sha256).await
    }

    async fn person_activity(
        &self,
        org: OrgId,
        person: PersonId,
        since: Timestamp,
        until: Timestamp,
    ) -> Result<PersonActivity> {
        let (completed, missed, moved_to): (i64, i64, i64) = sqlx::query_as(
            "SELECT COUNT(*) FILTER (WHERE (kind = 'completed' AND actor_id = $2) OR (kind = 'approved' AND (data ->> 'submitted_by')::bigint = $2)),
                    COUNT(*) FILTER (WHERE kind IN ('escalated', 'unresolved') AND from_holder = $2),
                    COUNT(*) FILTER (WHERE kind = 'escalated' AND to_holder = $2)
             FROM events
             WHERE org_id = $1 AND at >= $3 AND at < $4 AND kind IN ('completed', 'approved', 'escalated', 'unresolved')",
        )
        .bind(org.0)
        .bind(person.0)
        .bind(ms(since))
        .bind(ms(until))
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        Ok(PersonActivity { completed: completed as u64, missed: missed as u64, moved_to: moved_to as u64 })
    }

    async fn process_activity(&self, org: OrgId, since: Timestamp, until: Timestamp) -> Result<Vec<ProcessActivity>> {
        let rows: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT process_id, COUNT(*) FILTER (WHERE kind IN ('completed', 'approved')), COUNT(*) FILTER (WHERE kind = 'escalated'),
                    COUNT(*) FILTER (WHERE kind = 'unresolved')
             FROM events
             WHERE org_id = $1 AND at >= $2 AND at < $3 AND kind IN ('completed', 'approved', 'escalated', 'unresolved')
               AND process_id IS NOT NULL
             GROUP BY process_id ORDER BY process_id",
        )
        .bind(org.0)
        .bind(ms(since))
        .bind(ms(until))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        Ok(rows
            .into_iter()
            .map(|(process, completed, moved, unresolved)| ProcessActivity {
                process: ProcessId(process),
                completed: completed as u64,
                moved: moved as u64,
                unresolved: unresolved as u64,
            })
            .collect())
    }
}
