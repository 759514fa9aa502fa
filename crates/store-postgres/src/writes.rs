//! Statements every transition shares: appending to the event log, writing notices (the
//! outbox, in the transaction of the change they tell of) and saving role rotations.

use crate::db;
use crate::rows::ms;
use jiff::Timestamp;
use proofline_store::{Result, RotationUpdate};
use serde_json::{Value, json};

/// Inserts events given as a JSON array of objects keyed like the record set below.
const INSERT_EVENTS: &str = "INSERT INTO events (org_id, at, kind, task_id, run_id, process_id, actor_id, from_state, to_state, from_holder, to_holder, data)
     SELECT e.org, e.at, e.kind, e.task, e.run, e.process, e.actor, e.from_state, e.to_state, e.from_holder, e.to_holder, COALESCE(e.data, '{}')
     FROM jsonb_to_recordset($1::jsonb) AS e(org bigint, at bigint, kind text, task bigint, run bigint, process bigint, actor bigint,
                                             from_state text, to_state text, from_holder bigint, to_holder bigint, data jsonb)";

/// Inserts notices given as a JSON array of objects; a key the organization already has
/// is skipped.
const INSERT_NOTICES: &str =
    "INSERT INTO notices (org_id, person_id, kind, key, task_id, run_id, process_id, data, created_at)
     SELECT n.org, n.person, n.kind, n.key, n.task, n.run, n.process, COALESCE(n.data, '{}'), $2
     FROM jsonb_to_recordset($1::jsonb) AS n(org bigint, person bigint, kind text, key text, task bigint, run bigint,
                                             process bigint, data jsonb)
     ON CONFLICT (org_id, key) DO NOTHING";

pub(crate) async fn insert_events(conn: &mut sqlx::PgConnection, events: Vec<Value>) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    sqlx::query(INSERT_EVENTS).bind(Value::Array(events)).execute(conn).await.map_err(db)?;
    Ok(())
}

/// Returns how many of the notices were new.
pub(crate) async fn insert_notices(conn: &mut sqlx::PgConnection, notices: Vec<Value>, now: Timestamp) -> Result<u64> {
    if notices.is_empty() {
        return Ok(0);
    }
    let done = sqlx::query(INSERT_NOTICES).bind(Value::Array(notices)).bind(ms(now)).execute(conn).await.map_err(db)?;
    Ok(done.rows_affected())
}

pub(crate) async fn save_rotations(conn: &mut sqlx::PgConnection, rotations: &[RotationUpdate]) -> Result<()> {
    if rotations.is_empty() {
        return Ok(());
    }
    let wire: Vec<Value> =
        rotations.iter().map(|r| json!({"org": r.org.0, "role": r.role.0, "cursor": r.cursor})).collect();
    sqlx::query(
        "UPDATE roles SET cursor = u.cursor
         FROM jsonb_to_recordset($1::jsonb) AS u(org bigint, role bigint, cursor bigint)
         WHERE roles.org_id = u.org AND roles.id = u.role",
    )
    .bind(Value::Array(wire))
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}
