//! Statements every transition shares: appending to the event log, writing notices (the
//! outbox, in the transaction of the change they tell of) and saving role rotations.

use crate::rows::ms;
use crate::{db, other};
use jiff::Timestamp;
use proofline_store::{Result, RotationUpdate};
use serde_json::Value;

/// Inserts events given as a JSON array of objects with the events table's columns.
const INSERT_EVENTS: &str = "INSERT INTO events (org_id, at, kind, task_id, run_id, process_id, actor_id, from_state, to_state, from_holder, to_holder, data)
     SELECT value ->> 'org', value ->> 'at', value ->> 'kind', value ->> 'task', value ->> 'run', value ->> 'process', value ->> 'actor',
            value ->> 'from_state', value ->> 'to_state', value ->> 'from_holder', value ->> 'to_holder', COALESCE(value -> 'data', '{}')
     FROM jsonb_each(?1)";

/// Inserts notices given as a JSON array of objects (org, person, kind, key, task, run,
/// process, data); a key the organization already has is skipped.
const INSERT_NOTICES: &str =
    "INSERT INTO notices (org_id, person_id, kind, key, task_id, run_id, process_id, data, created_at)
     SELECT value ->> 'org', value ->> 'person', value ->> 'kind', value ->> 'key', value ->> 'task', value ->> 'run',
            value ->> 'process', COALESCE(value -> 'data', '{}'), ?2
     FROM jsonb_each(?1) WHERE true
     ON CONFLICT (org_id, key) DO NOTHING";

pub(crate) async fn insert_events(conn: &mut sqlx::SqliteConnection, events: &[Value]) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    sqlx::query(INSERT_EVENTS).bind(serde_json::to_string(events).map_err(other)?).execute(conn).await.map_err(db)?;
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
