//! Statements every transition shares: appending to the event log, writing notices (the
//! outbox, in the transaction of the change they tell of) and saving role rotations.

use crate::db;
use crate::rows::ms;
use jiff::Timestamp;
use proofline_core::audit::{ChainHead, GENESIS};
use proofline_store::{FollowUp, Result, RotationUpdate, audit};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Inserts events given as a JSON array of objects keyed like the record set below.
const INSERT_EVENTS: &str = "INSERT INTO events (org_id, at, kind, task_id, run_id, process_id, actor_id, from_state, to_state, from_holder, to_holder, data, seq, prev_hash, hash)
     SELECT e.org, e.at, e.kind, e.task, e.run, e.process, e.actor, e.from_state, e.to_state, e.from_holder, e.to_holder, COALESCE(e.data, '{}'),
            e.seq, e.prev_hash, e.hash
     FROM jsonb_to_recordset($1::jsonb) AS e(org bigint, at bigint, kind text, task bigint, run bigint, process bigint, actor bigint,
                                             from_state text, to_state text, from_holder bigint, to_holder bigint, data jsonb,
                                             seq bigint, prev_hash text, hash text)";

/// An event's columns as the chain covers them.
pub(crate) const EVENT_CHAIN_COLUMNS: &str = "id, org_id, seq, at, kind, task_id, run_id, process_id, actor_id, from_state, to_state, \
     from_holder, to_holder, data::text AS data, prev_hash, hash";

/// Inserts notices given as a JSON array of objects; a key the organization already has
/// is skipped.
const INSERT_NOTICES: &str =
    "INSERT INTO notices (org_id, person_id, kind, key, task_id, run_id, process_id, data, created_at)
     SELECT n.org, n.person, n.kind, n.key, n.task, n.run, n.process, COALESCE(n.data, '{}'), $2
     FROM jsonb_to_recordset($1::jsonb) AS n(org bigint, person bigint, kind text, key text, task bigint, run bigint,
                                             process bigint, data jsonb)
     ON CONFLICT (org_id, key) DO NOTHING";

/// Appends events to their organizations' hash chains. Each organization's head row is
/// locked (in ascending order) until the transaction ends, so writers append one at a time.
pub(crate) async fn insert_events(conn: &mut sqlx::PgConnection, mut events: Vec<Value>) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    let orgs = audit::orgs_of(&events);
    sqlx::query(
        "INSERT INTO audit_heads (org_id, seq, hash) SELECT o, 0, $2 FROM unnest($1::bigint[]) AS o ORDER BY o
         ON CONFLICT (org_id) DO NOTHING",
    )
    .bind(&orgs)
    .bind(GENESIS)
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    let rows: Vec<(i64, i64, String)> =
        sqlx::query_as("SELECT org_id, seq, hash FROM audit_heads WHERE org_id = ANY($1) ORDER BY org_id FOR UPDATE")
            .bind(&orgs)
            .fetch_all(&mut *conn)
            .await
            .map_err(db)?;
    let mut heads: BTreeMap<i64, ChainHead> =
        rows.into_iter().map(|(org, seq, hash)| (org, ChainHead { org, seq, hash })).collect();
    audit::link(&mut events, &mut heads)?;
    sqlx::query(INSERT_EVENTS).bind(Value::Array(events)).execute(&mut *conn).await.map_err(db)?;
    let heads: Vec<Value> = heads.values().map(|h| json!({"org": h.org, "seq": h.seq, "hash": h.hash})).collect();
    sqlx::query(
        "UPDATE audit_heads SET seq = h.seq, hash = h.hash
         FROM jsonb_to_recordset($1::jsonb) AS h(org bigint, seq bigint, hash text) WHERE audit_heads.org_id = h.org",
    )
    .bind(Value::Array(heads))
    .execute(conn)
    .await
    .map_err(db)?;
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

/// Opens a corrective action in the run of its source task (once per step per run: a
/// second call for the same step leaves the first in place).
pub(crate) async fn insert_follow_up(conn: &mut sqlx::PgConnection, f: &FollowUp, now: Timestamp) -> Result<()> {
    let opened = sqlx::query(
        "INSERT INTO tasks (org_id, run_id, process_id, version, step_index, title, state, holder_id, assignee_id, blocked,
                            scheduled_for, opens_at, due_at, window_ms, first_due_at, remind_at)
         SELECT t.org_id, t.run_id, t.process_id, t.version, $2, $3, 'open', $4, $4, FALSE, t.scheduled_for, $5, $6, $7, $6,
                CASE WHEN o.due_soon_ms > 0 AND $6 - o.due_soon_ms > $5 THEN $6 - o.due_soon_ms END
         FROM tasks t JOIN orgs o ON o.id = t.org_id WHERE t.id = $1
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
    insert_notices(&mut *conn, vec![notice], now).await?;
    save_rotations(&mut *conn, &f.rotations).await?;
    sqlx::query("UPDATE runs SET state = 'active' WHERE id = $1 AND state = 'done'")
        .bind(opened.run)
        .execute(conn)
        .await
        .map_err(db)?;
    Ok(())
}
