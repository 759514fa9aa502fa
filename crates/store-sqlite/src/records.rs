//! Decoding rows of the work tables (tasks, runs, events) into records.

use crate::rows::{Columns, InOrder, get, get_ts, json, parse};
use proofline_core::task::TaskState;
use proofline_core::{OrgId, PersonId, ProcessId, RunId, TaskId};
use proofline_store::{EventRecord, Result, RunRecord, RunState, TaskRecord, Touched};
use sqlx::sqlite::SqliteRow;

pub(crate) const TASK_COLUMNS: &str = "id, org_id, run_id, process_id, version, step_index, title, state, holder_id, assignee_id, level, blocked, scheduled_for, opens_at, due_at, completed_at, rev";

/// A task from a row that selected [`TASK_COLUMNS`] first, in that order.
pub(crate) fn task(row: &impl Columns) -> Result<TaskRecord> {
    let mut column = InOrder::new(row);
    Ok(TaskRecord {
        id: TaskId(column.i64()?),
        org: OrgId(column.i64()?),
        run: RunId(column.i64()?),
        process: ProcessId(column.i64()?),
        version: column.u32()?,
        step_index: column.u32()?,
        title: column.string()?,
        state: {
            let state = column.string()?;
            parse(TaskState::parse(&state), "state", &state)?
        },
        holder: PersonId(column.i64()?),
        assignee: PersonId(column.i64()?),
        level: column.u32()?,
        blocked: column.bool()?,
        scheduled_for: column.instant()?,
        opens_at: column.instant()?,
        due_at: column.instant()?,
        completed_at: column.opt_instant()?,
        rev: column.i64()?,
    })
}

pub(crate) fn run(row: &SqliteRow) -> Result<RunRecord> {
    let state: String = get(row, "state")?;
    Ok(RunRecord {
        id: RunId(get(row, "id")?),
        org: OrgId(get(row, "org_id")?),
        process: ProcessId(get(row, "process_id")?),
        version: get::<i64>(row, "version")? as u32,
        scheduled_for: get_ts(row, "scheduled_for")?,
        trigger: get(row, "trigger")?,
        started_by: get::<Option<i64>>(row, "started_by")?.map(PersonId),
        state: parse(RunState::parse(&state), "state", &state)?,
        reason: get(row, "reason")?,
        idempotency_key: get(row, "idempotency_key")?,
    })
}

pub(crate) fn event(row: &SqliteRow) -> Result<EventRecord> {
    Ok(EventRecord {
        id: get(row, "id")?,
        at: get_ts(row, "at")?,
        kind: get(row, "kind")?,
        task: get::<Option<i64>>(row, "task_id")?.map(TaskId),
        run: get::<Option<i64>>(row, "run_id")?.map(RunId),
        process: get::<Option<i64>>(row, "process_id")?.map(ProcessId),
        actor: get::<Option<i64>>(row, "actor_id")?.map(PersonId),
        from_state: get(row, "from_state")?,
        to_state: get(row, "to_state")?,
        from_holder: get::<Option<i64>>(row, "from_holder")?.map(PersonId),
        to_holder: get::<Option<i64>>(row, "to_holder")?.map(PersonId),
        data: json(&get::<String>(row, "data")?, "data")?,
    })
}

/// The task a transition changed, from a `RETURNING` clause naming its id, org_id,
/// run_id, process_id, holder_id, rev and due_at.
pub(crate) fn touched(row: &SqliteRow) -> Result<Touched> {
    Ok(Touched {
        org: get(row, "org_id")?,
        task: get(row, "id")?,
        run: get(row, "run_id")?,
        process: get(row, "process_id")?,
        holder: get(row, "holder_id")?,
        rev: get(row, "rev")?,
        due_at: get(row, "due_at")?,
    })
}
