//! Deliveries on SQLite: routing notices into them, claiming them under a lease, recording
//! how attempts ended. The single writer connection serializes claims, so two engines on
//! one file never take the same row.

use crate::rows::{get, get_opt_ts, get_ts, limit_or, ms, parse, ts};
use crate::writes::insert_events;
use crate::{SqliteStore, db, other};
use jiff::Timestamp;
use proofline_core::OrgId;
use proofline_core::notice::{Channel, NoticeKind};
use proofline_store::*;
use serde_json::{Value, json};
use sqlx::sqlite::SqliteRow;

/// A delivery that failed for good: its organization, task, run, process and details.
type Failure = (i64, Option<i64>, Option<i64>, Option<i64>, String);

/// A delivery's columns (`deliveries` as `d`) and its notice's kind.
const DELIVERY_COLUMNS: &str =
    "d.id, d.org_id, d.notice_id, d.channel, d.endpoint_id, d.destination, d.address, d.dedupe_key,
    d.subject, d.body, d.html, d.state, d.attempts, d.next_attempt_at, d.last_error, d.sent_at, d.created_at";

/// The same, unqualified: a RETURNING clause names only the table it changes.
const RETURNED_COLUMNS: &str =
    "id, org_id, notice_id, channel, endpoint_id, destination, address, dedupe_key, subject, body,
    html, state, attempts, next_attempt_at, last_error, sent_at, created_at";

fn delivery(row: &SqliteRow) -> Result<DeliveryRecord> {
    let kind: String = get(row, "kind")?;
    let channel: String = get(row, "channel")?;
    let state: String = get(row, "state")?;
    Ok(DeliveryRecord {
        id: get(row, "id")?,
        org: OrgId(get(row, "org_id")?),
        notice: get(row, "notice_id")?,
        kind: parse(NoticeKind::parse(&kind), "kind", &kind)?,
        channel: parse(Channel::parse(&channel), "channel", &channel)?,
        endpoint: get(row, "endpoint_id")?,
        destination: get(row, "destination")?,
        address: get(row, "address")?,
        dedupe_key: get(row, "dedupe_key")?,
        subject: get(row, "subject")?,
        body: get(row, "body")?,
        html: get(row, "html")?,
        state: parse(DeliveryState::parse(&state), "state", &state)?,
        attempts: get::<i64>(row, "attempts")? as u32,
        next_attempt_at: get_ts(row, "next_attempt_at")?,
        last_error: get(row, "last_error")?,
        sent_at: get_opt_ts(row, "sent_at")?,
        created_at: get_ts(row, "created_at")?,
    })
}

impl SqliteStore {
    pub(crate) async fn route(&self, notices: &[i64], deliveries: &[NewDelivery], now: Timestamp) -> Result<u64> {
        let wire: Vec<Value> = deliveries
            .iter()
            .map(|d| {
                json!({
                    "org": d.org.0, "notice": d.notice, "channel": d.channel.as_str(), "endpoint": d.endpoint,
                    "destination": d.destination, "address": d.address, "dedupe_key": d.dedupe_key, "subject": d.subject,
                    "body": d.body, "html": d.html, "not_before": ms(d.not_before),
                })
            })
            .collect();
        let mut tx = self.writer.begin().await.map_err(db)?;
        // An endpoint removed since routing read it leaves the delivery without one, which
        // the sender reports as a permanent failure.
        let created = sqlx::query(
            "INSERT INTO deliveries (org_id, notice_id, channel, endpoint_id, destination, address, dedupe_key, subject, body, html,
                                     state, attempts, next_attempt_at, created_at)
             SELECT value ->> 'org', value ->> 'notice', value ->> 'channel',
                    (SELECT e.id FROM endpoints e WHERE e.id = value ->> 'endpoint' AND e.org_id = value ->> 'org'),
                    value ->> 'destination', value ->> 'address', value ->> 'dedupe_key', value ->> 'subject', value ->> 'body',
                    value ->> 'html', 'pending', 0, value ->> 'not_before', ?2
             FROM jsonb_each(?1) WHERE true
             ON CONFLICT (dedupe_key) DO NOTHING",
        )
        .bind(Value::Array(wire).to_string())
        .bind(ms(now))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        sqlx::query(
            "UPDATE notices SET routed_at = ?2 WHERE routed_at IS NULL AND id IN (SELECT value FROM json_each(?1))",
        )
        .bind(serde_json::to_string(notices).map_err(other)?)
        .bind(ms(now))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(created.rows_affected())
    }

    /// One statement on the single writer connection: nobody else claims in between.
    pub(crate) async fn claim(&self, claim: &Claim<'_>) -> Result<Vec<DeliveryRecord>> {
        if claim.limit == 0 {
            return Ok(Vec::new());
        }
        let (limit, scan) = (claim.limit, claim.scan());
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = ?2
             WHERE id IN (
                 SELECT id FROM (
                     SELECT id, next_attempt_at,
                            ROW_NUMBER() OVER (PARTITION BY destination ORDER BY next_attempt_at, id) AS nth
                     FROM (SELECT id, destination, next_attempt_at FROM deliveries
                           WHERE state = 'pending' AND next_attempt_at <= ?1
                                 AND destination NOT IN (SELECT value FROM json_each(?3))
                           ORDER BY next_attempt_at, id LIMIT {scan}))
                 WHERE ?4 = 0 OR nth <= ?4
                 ORDER BY next_attempt_at, id LIMIT {limit})
             RETURNING {RETURNED_COLUMNS}, (SELECT n.kind FROM notices n WHERE n.id = deliveries.notice_id) AS kind"
        )))
        .bind(ms(claim.now))
        .bind(ms(claim.lease_until))
        .bind(serde_json::to_string(claim.busy).map_err(other)?)
        .bind(i64::from(claim.per_destination))
        .fetch_all(&self.writer)
        .await
        .map_err(db)?;
        let mut claimed = rows.iter().map(delivery).collect::<Result<Vec<_>>>()?;
        claimed.sort_by_key(|d| d.id);
        Ok(claimed)
    }

    pub(crate) async fn finish(&self, outcomes: &[AttemptOutcome], now: Timestamp) -> Result<u64> {
        if outcomes.is_empty() {
            return Ok(0);
        }
        let wire: Vec<Value> = outcomes
            .iter()
            .map(|o| {
                let (result, at, error) = match &o.result {
                    AttemptResult::Sent => ("sent", None, None),
                    AttemptResult::Retry { at, error } => ("retry", Some(ms(*at)), Some(error)),
                    AttemptResult::Failed { error } => ("failed", None, Some(error)),
                };
                json!({"id": o.delivery, "attempt": o.attempt, "result": result, "at": at, "error": error})
            })
            .collect();
        let mut tx = self.writer.begin().await.map_err(db)?;
        // Only the claim that is still current may report: after its lease ran out and the
        // row was claimed again, the attempt count moved on.
        let finished: Vec<(i64, String)> = sqlx::query_as(
            "UPDATE deliveries SET
                 state = CASE j.value ->> 'result' WHEN 'retry' THEN 'pending' ELSE j.value ->> 'result' END,
                 sent_at = CASE j.value ->> 'result' WHEN 'sent' THEN ?2 ELSE deliveries.sent_at END,
                 next_attempt_at = CASE j.value ->> 'result' WHEN 'retry' THEN j.value ->> 'at' ELSE deliveries.next_attempt_at END,
                 last_error = CASE j.value ->> 'result' WHEN 'sent' THEN NULL ELSE j.value ->> 'error' END
             FROM jsonb_each(?1) j
             WHERE deliveries.id = j.value ->> 'id' AND deliveries.state = 'pending' AND deliveries.attempts = j.value ->> 'attempt'
             RETURNING deliveries.id, deliveries.state",
        )
        .bind(Value::Array(wire).to_string())
        .bind(ms(now))
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
        let failed: Vec<i64> = finished.iter().filter(|(_, state)| state == "failed").map(|(id, _)| *id).collect();
        if !failed.is_empty() {
            let failed = serde_json::to_string(&failed).map_err(other)?;
            // The audit log keeps the failure; every active owner and manager hears of it.
            let failures: Vec<Failure> = sqlx::query_as(
                "SELECT d.org_id, n.task_id, n.run_id, n.process_id,
                        json_object('delivery', d.id, 'channel', d.channel, 'address', d.address, 'attempts', d.attempts,
                                    'error', d.last_error, 'notice_kind', n.kind)
                 FROM deliveries d JOIN notices n ON n.id = d.notice_id
                 WHERE d.id IN (SELECT value FROM json_each(?1))
                 ORDER BY d.id",
            )
            .bind(&failed)
            .fetch_all(&mut *tx)
            .await
            .map_err(db)?;
            let mut events = Vec::with_capacity(failures.len());
            for (org, task, run, process, data) in failures {
                let data: Value = serde_json::from_str(&data).map_err(other)?;
                events.push(json!({
                    "org": org, "at": ms(now), "kind": "delivery_failed", "task": task, "run": run, "process": process,
                    "data": data,
                }));
            }
            insert_events(&mut tx, events).await?;
            sqlx::query(
                "INSERT INTO notices (org_id, person_id, kind, key, task_id, run_id, process_id, data, created_at)
                 SELECT d.org_id, p.id, 'delivery.failed', 'delivery.failed:' || d.id || ':' || p.id, n.task_id, n.run_id,
                        n.process_id,
                        json_object('delivery', d.id, 'channel', d.channel, 'address', d.address, 'attempts', d.attempts,
                                    'error', d.last_error, 'notice_kind', n.kind),
                        ?2
                 FROM deliveries d JOIN notices n ON n.id = d.notice_id
                      JOIN people p ON p.org_id = d.org_id AND p.active = 1 AND p.access IN ('owner', 'manager')
                 WHERE d.id IN (SELECT value FROM json_each(?1))
                 ORDER BY d.id, p.id
                 ON CONFLICT (org_id, key) DO NOTHING",
            )
            .bind(&failed)
            .bind(ms(now))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(finished.len() as u64)
    }

    pub(crate) async fn deliveries(&self, org: OrgId, query: &DeliveryQuery) -> Result<Vec<DeliveryRecord>> {
        let limit = limit_or(query.limit, 100);
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {DELIVERY_COLUMNS}, n.kind FROM deliveries d JOIN notices n ON n.id = d.notice_id
             WHERE d.org_id = ?1 AND (?2 IS NULL OR d.state = ?2) AND (?3 IS NULL OR d.id = ?3)
             ORDER BY d.id DESC LIMIT {limit}"
        )))
        .bind(org.0)
        .bind(query.state.map(DeliveryState::as_str))
        .bind(query.id)
        .fetch_all(&self.reader)
        .await
        .map_err(db)?;
        rows.iter().map(delivery).collect()
    }

    pub(crate) async fn requeue(&self, org: OrgId, id: i64, now: Timestamp) -> Result<()> {
        let state: Option<String> = sqlx::query_scalar(
            "UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = ?3
             WHERE org_id = ?1 AND id = ?2 AND state = 'failed'
             RETURNING state",
        )
        .bind(org.0)
        .bind(id)
        .bind(ms(now))
        .fetch_optional(&self.writer)
        .await
        .map_err(db)?;
        if state.is_some() {
            return Ok(());
        }
        let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM deliveries WHERE org_id = ?1 AND id = ?2)")
            .bind(org.0)
            .bind(id)
            .fetch_one(&self.writer)
            .await
            .map_err(db)?;
        if exists {
            Err(StoreError::Conflict("only a failed delivery can be retried".into()))
        } else {
            Err(StoreError::NotFound)
        }
    }

    pub(crate) async fn next_delivery(&self) -> Result<Option<Timestamp>> {
        let next: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(t) FROM (
                SELECT MIN(next_attempt_at) AS t FROM deliveries WHERE state = 'pending'
                UNION ALL SELECT * FROM (SELECT created_at FROM notices WHERE routed_at IS NULL ORDER BY id LIMIT 1))",
        )
        .fetch_one(&self.reader)
        .await
        .map_err(db)?;
        Ok(next.map(ts))
    }
}
