//! Statements every transition shares: appending to the event log, writing notices (the
//! outbox, in the transaction of the change they tell of) and saving role rotations.

use crate::rows::ms;
use crate::{db, other};
use jiff::Timestamp;
use proofline_core::audit::ChainHead;
use proofline_store::{Result, RotationUpdate, audit};
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
