//! The reads behind every page view and API call — who a session or token speaks for,
//! and a person's task list — run right on the calling thread over a few read-only
//! connections of their own.
//!
//! Through sqlx each query is handed to the connection's worker thread and each row
//! handed back, two thread wake-ups per query and one per row; at page-view rates those
//! hand-offs were most of the CPU spent. These reads are index-backed and bounded by a
//! `LIMIT`, so they finish in microseconds and holding the async worker that long is
//! cheaper than waking another thread. Both drivers link the same SQLite library, so
//! its locks and write-ahead log are shared as for any two connections of one process.

use crate::records::{TASK_COLUMNS, task};
use crate::rows::{InOrder, parse};
use proofline_core::access::Access;
use proofline_core::{OrgId, PersonId, TokenId};
use proofline_store::{Result, SessionRecord, StoreError, TaskQuery, TaskRecord, TokenOwner};
use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags, params_from_iter};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

/// Idle connections kept; a read finding none opens one. Reads never wait on each
/// other, so at most one per thread running them is ever in use.
const KEEP_IDLE: usize = 4;

pub(crate) struct DirectReader {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

fn failed(e: rusqlite::Error) -> StoreError {
    StoreError::Other(e.to_string())
}

impl DirectReader {
    pub(crate) fn new(path: PathBuf) -> DirectReader {
        DirectReader { path, idle: Mutex::new(Vec::new()) }
    }

    fn open(&self) -> Result<Connection> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(&self.path, flags).map_err(failed)?;
        conn.busy_timeout(Duration::from_secs(10)).map_err(failed)?;
        conn.pragma_update(None, "cache_size", -16000).map_err(failed)?;
        Ok(conn)
    }

    /// Runs `read` on an idle connection (or a new one) and keeps the connection.
    fn read<T>(&self, read: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let taken = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match taken {
            Some(conn) => conn,
            None => self.open()?,
        };
        let result = read(&conn);
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < KEEP_IDLE {
            idle.push(conn);
        }
        result
    }

    pub(crate) fn session(&self, id_sha256: &str, now_ms: i64) -> Result<Option<SessionRecord>> {
        self.read(|conn| {
            let mut statement = conn
                .prepare_cached(
                    "SELECT s.org_id, s.person_id, p.access, s.csrf, s.expires_at, p.name, o.name AS org_name,
                            COALESCE(json_extract(p.preferences, '$.zone'), o.zone) AS zone
                     FROM sessions s JOIN people p ON p.id = s.person_id AND p.org_id = s.org_id
                     JOIN orgs o ON o.id = s.org_id
                     WHERE s.id_sha256 = ?1 AND s.expires_at > ?2 AND p.active = 1",
                )
                .map_err(failed)?;
            let mut rows = statement.query((id_sha256, now_ms)).map_err(failed)?;
            let Some(row) = rows.next().map_err(failed)? else { return Ok(None) };
            let mut column = InOrder::new(row);
            Ok(Some(SessionRecord {
                org: OrgId(column.i64()?),
                person: PersonId(column.i64()?),
                access: access(&mut column)?,
                csrf: column.string()?,
                expires_at: column.instant()?,
                name: column.string()?,
                org_name: column.string()?,
                zone: column.string()?,
            }))
        })
    }

    pub(crate) fn token_owner(&self, secret_sha256: &str) -> Result<Option<TokenOwner>> {
        self.read(|conn| {
            let mut statement = conn
                .prepare_cached(
                    "SELECT t.id, t.org_id, t.person_id, p.access FROM tokens t JOIN people p ON p.id = t.person_id
                     WHERE t.secret_sha256 = ?1 AND t.revoked_at IS NULL AND p.active = 1",
                )
                .map_err(failed)?;
            let mut rows = statement.query([secret_sha256]).map_err(failed)?;
            let Some(row) = rows.next().map_err(failed)? else { return Ok(None) };
            let mut column = InOrder::new(row);
            Ok(Some(TokenOwner {
                token: TokenId(column.i64()?),
                org: OrgId(column.i64()?),
                person: PersonId(column.i64()?),
                access: access(&mut column)?,
            }))
        })
    }

    /// Tasks matching `q`, soonest due first. Only the filters given appear as
    /// conditions, so the planner picks the index for them; the limit is part of the
    /// text because a bound one makes SQLite plan the statement again on every run.
    pub(crate) fn tasks(&self, org: OrgId, q: &TaskQuery) -> Result<Vec<TaskRecord>> {
        let mut values = vec![Value::Integer(org.0)];
        let mut conditions = vec![String::from("org_id = ?1")];
        if let Some(holder) = q.holder {
            values.push(Value::Integer(holder.0));
            conditions.push(format!("holder_id = ?{}", values.len()));
        }
        if let Some(run) = q.run {
            values.push(Value::Integer(run.0));
            conditions.push(format!("run_id = ?{}", values.len()));
        }
        if !q.states.is_empty() {
            let mut slots = Vec::with_capacity(q.states.len());
            for state in &q.states {
                values.push(Value::Text(state.as_str().to_string()));
                slots.push(format!("?{}", values.len()));
            }
            conditions.push(format!("state IN ({})", slots.join(", ")));
        }
        let limit = if q.limit == 0 { 1000 } else { q.limit };
        let sql = format!(
            "SELECT {TASK_COLUMNS} FROM tasks WHERE {} ORDER BY due_at, id LIMIT {limit}",
            conditions.join(" AND ")
        );
        self.read(|conn| {
            let mut statement = conn.prepare_cached(&sql).map_err(failed)?;
            let mut rows = statement.query(params_from_iter(values)).map_err(failed)?;
            let mut tasks = Vec::new();
            while let Some(row) = rows.next().map_err(failed)? {
                tasks.push(task(row)?);
            }
            Ok(tasks)
        })
    }
}

fn access(column: &mut InOrder<'_, rusqlite::Row<'_>>) -> Result<Access> {
    let text = column.string()?;
    parse(Access::parse(&text), "access", &text)
}
