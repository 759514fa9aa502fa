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
use crate::rows::{InOrder, limit_or, parse};
use proofline_core::access::Access;
use proofline_core::task::TaskState;
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
/// How much of the database file each read connection maps into memory.
const MMAP_BYTES: i64 = 2 << 30;

pub(crate) struct DirectReader {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

pub(crate) fn failed(e: rusqlite::Error) -> StoreError {
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
        // History reads scan whole indexes; mapped pages are read without a system call
        // and a copy each. SQLite caps this at its compiled-in maximum.
        conn.pragma_update(None, "mmap_size", MMAP_BYTES).map_err(failed)?;
        Ok(conn)
    }

    /// Runs `read` on an idle connection (or a new one) and keeps the connection.
    pub(crate) fn read<T>(&self, read: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
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
    /// States are written as literals so that the live ones can use `tasks_live`.
    pub(crate) fn tasks(&self, org: OrgId, q: &TaskQuery) -> Result<Vec<TaskRecord>> {
        let (sql, values) = task_query(org, q);
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

/// The statement and its values for [`DirectReader::tasks`].
fn task_query(org: OrgId, q: &TaskQuery) -> (String, Vec<Value>) {
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
        conditions.push(state_condition(&q.states));
    }
    let limit = limit_or(q.limit, 1000);
    let sql = format!(
        "SELECT {TASK_COLUMNS} FROM tasks WHERE {} ORDER BY due_at, id LIMIT {limit}",
        conditions.join(" AND ")
    );
    (sql, values)
}

/// The states of work still to be done, in the order migration 0005 names them.
const LIVE: [TaskState; 4] = [TaskState::Open, TaskState::Unresolved, TaskState::Submitted, TaskState::Waiting];

/// The condition on `states`, as SQL literals (our own fixed words, never user text).
/// When all of them are live, it also names the live states exactly as `tasks_live`'s
/// condition does, which is what lets SQLite use that index.
fn state_condition(states: &[TaskState]) -> String {
    let literals =
        |states: &[TaskState]| states.iter().map(|s| format!("'{}'", s.as_str())).collect::<Vec<_>>().join(", ");
    let all_live = states.iter().all(|s| LIVE.contains(s));
    let every_live = LIVE.iter().all(|s| states.contains(s));
    match (all_live, every_live) {
        (true, true) => format!("state IN ({})", literals(&LIVE)),
        (true, false) => format!("state IN ({}) AND state IN ({})", literals(&LIVE), literals(states)),
        _ => format!("state IN ({})", literals(states)),
    }
}

fn access(column: &mut InOrder<'_, rusqlite::Row<'_>>) -> Result<Access> {
    let text = column.string()?;
    parse(Access::parse(&text), "access", &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_states_are_named_as_the_index_names_them() {
        let asked = [TaskState::Waiting, TaskState::Submitted, TaskState::Open, TaskState::Unresolved];
        assert_eq!(state_condition(&asked), "state IN ('open', 'unresolved', 'submitted', 'waiting')");
        assert_eq!(
            state_condition(&[TaskState::Open, TaskState::Waiting]),
            "state IN ('open', 'unresolved', 'submitted', 'waiting') AND state IN ('open', 'waiting')"
        );
        assert_eq!(state_condition(&[TaskState::Done, TaskState::Open]), "state IN ('done', 'open')");
    }

    /// How SQLite would run the task list for `q`, on the schema the migrations build.
    fn plan(q: &TaskQuery) -> String {
        let conn = Connection::open_in_memory().unwrap();
        for migration in sqlx::migrate!("./migrations").iter() {
            conn.execute_batch(migration.sql.as_str()).unwrap();
        }
        let (sql, values) = task_query(OrgId(1), q);
        let mut statement = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let steps = statement.query_map(params_from_iter(values), |row| row.get::<_, String>(3)).unwrap();
        steps.map(|s| s.unwrap()).collect::<Vec<_>>().join("; ")
    }

    #[test]
    fn a_persons_live_work_is_read_in_deadline_order_straight_off_an_index() {
        let mine = |states: &[TaskState]| TaskQuery {
            holder: Some(PersonId(7)),
            states: states.to_vec(),
            ..TaskQuery::default()
        };
        let my_work = plan(&mine(&LIVE));
        assert!(my_work.contains("tasks_live") && !my_work.contains("TEMP B-TREE"), "{my_work}");
        let api = plan(&mine(&[TaskState::Open, TaskState::Unresolved, TaskState::Waiting]));
        assert!(api.contains("tasks_live") && !api.contains("TEMP B-TREE"), "{api}");
        let done = plan(&mine(&[TaskState::Done]));
        assert!(done.contains("tasks_holder"), "finished work uses the general index: {done}");
    }
}
