//! Statements every transition shares: appending to the event log, writing notices (the
//! outbox, in the transaction of the change they tell of) and saving role rotations.

use crate::rows::ms;
use crate::{db, other};
use jiff::Timestamp;
use proofline_core::audit::ChainHead;
use proofline_store::{FollowUp, Result, RotationUpdate, audit};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// An event's columns as the chain covers them.
pub(crate) const EVENT_CHAIN_COLUMNS: &str = "id, org_id, seq, at, kind, task_id, run_id, process_id, actor_id, from_state, to_state, \
     from_holder, to_holder, data, prev_hash, hash";

/// Inserts events given as a JSON array of objects with the events table's columns.
const INSERT_EVENTS: &str = "INSERT INTO events (org_id, at, kind, task_id, run_id, process_id, actor_id, from_state, to_state, from_holder, to_holder, data, seq, prev_hash, hash)
     SELECT value ->> 'org', value ->> 'at', value ->> 'kind', value ->> 'task', value ->> 'run', value ->> 'process', value ->> 'actor',
            value ->> 'from_state', value ->> 'to_state', value ->> 'from_holder', value ->> 'to_holder', COALESCE(value -> 'data', '{}'),
            value ->> 'seq', value ->> 'prev_hash', value ->> 'hash'
     FROM jsonb_each(?1)";

/// Inserts notices given as a JSON array of objects (org, person, kind, key, task, run,
/// process, data); a key the organization already has is skipped.
const INSERT_NOTICES: &str =
    "INSERT INTO notices (org_id, person_id, kind, key, task_id, run_id, process_id, data, created_at)
     SELECT value ->> 'org', value ->> 'person', value ->> 'kind', value ->> 'key', value ->> 'task', value ->> 'run',
            value ->> 'process', COALESCE(value -> 'data', '{}'), ?2
     FROM jsonb_each(?1) WHERE true
     ON CONFLICT (org_id, key) DO NOTHING";

/// Appends events to their organizations' hash chains. The one writer connection makes
/// reading a head and moving it one step, with no other writer in between.
pub(crate) async fn insert_events(conn: &mut sqlx::SqliteConnection, mut events: Vec<Value>) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    let orgs = serde_json::to_string(&audit::orgs_of(&events)).map_err(other)?;
    let rows: Vec<(i64, i64, String)> =
        sqlx::query_as("SELECT org_id, seq, hash FROM audit_heads WHERE org_id IN (SELECT value FROM json_each(?1))")
            .bind(&orgs)
            .fetch_all(&mut *conn)
            .await
            .map_err(db)?;
    let mut heads: BTreeMap<i64, ChainHead> =
        rows.into_iter().map(|(org, seq, hash)| (org, ChainHead { org, seq, hash })).collect();
    audit::link(&mut events, &mut heads)?;
    sqlx::query(INSERT_EVENTS)
        .bind(serde_json::to_string(&events).map_err(other)?)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    let heads: Vec<Value> = heads.values().map(|h| json!([h.org, h.seq, h.hash])).collect();
    sqlx::query(
        "INSERT INTO audit_heads (org_id, seq, hash) SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?1) WHERE true
         ON CONFLICT (org_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
    )
    .bind(serde_json::to_string(&heads).map_err(other)?)
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

/// Returns how many of the notices were new.
pub(crate) async fn insert_notices(
    conn: &mut sqlx::SqliteConnection,
    notices: &[Value],
    now: Timestamp,
) -> Result<u64> {
    if notices.is_empty() {
        return Ok(0);
    }
    let done = sqlx::query(INSERT_NOTICES)
        .bind(serde_json::to_string(notices).map_err(other)?)
        .bind(ms(now))
        .execute(conn)
        .await
        .map_err(db)?;
    Ok(done.rows_affected())
}

pub(crate) async fn save_rotations(conn: &mut sqlx::SqliteConnection, rotations: &[RotationUpdate]) -> Result<()> {
    for r in rotations {
        sqlx::query("UPDATE roles SET cursor = ?3 WHERE org_id = ?1 AND id = ?2")
            .bind(r.org.0)
            .bind(r.role.0)
            .bind(i64::from(r.cursor))
            .execute(&mut *conn)
            .await
            .map_err(db)?;
    }
    Ok(())
}

/// Opens a corrective action in the run of its source task (once per step per run: a
/// second call for the same step leaves the first in place).
pub(crate) async fn insert_follow_up(conn: &mut sqlx::SqliteConnection, f: &FollowUp, now: Timestamp) -> Result<()> {
    let opened = sqlx::query(
        "INSERT INTO tasks (org_id, run_id, process_id, version, step_index, title, state, holder_id, assignee_id, blocked,
                            scheduled_for, opens_at, due_at, window_ms, first_due_at, remind_at)
         SELECT t.org_id, t.run_id, t.process_id, t.version, ?2, ?3, 'open', ?4, ?4, 0, t.scheduled_for, ?5, ?6, ?7, ?6,
                CASE WHEN o.due_soon_ms > 0 AND ?6 - o.due_soon_ms > ?5 THEN ?6 - o.due_soon_ms END
         FROM tasks t JOIN orgs o ON o.id = t.org_id WHERE t.id = ?1
         ON CONFLICT (run_id, step_index) DO NOTHING
         RETURNING id, org_id, run_id, process_id, holder_id, rev, due_at",
    )
    .bind(f.source.0)
    .bind(i64::from(f.step_index))
    .bind(&f.title)
    .bind(f.holder.0)
    .bind(ms(now))
    .bind(ms(f.due_at))
    .bind(f.window_ms)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db)?;
    let Some(opened) = opened else { return Ok(()) };
    let opened = crate::records::touched(&opened)?;
    let (event, notice) = f.records(&opened, now);
    insert_events(&mut *conn, vec![event]).await?;
    insert_notices(&mut *conn, &[notice], now).await?;
    save_rotations(&mut *conn, &f.rotations).await?;
    sqlx::query("UPDATE runs SET state = 'active' WHERE id = ?1 AND state = 'done'")
        .bind(opened.run)
        .execute(conn)
        .await
        .map_err(db)?;
    Ok(())
}
