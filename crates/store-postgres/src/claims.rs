//! Claims on PostgreSQL: due rows locked `FOR UPDATE SKIP LOCKED` in a transaction that
//! stays open while the engine decides, and commits with its decisions. Other engines'
//! claims pass the locked rows by and take the next ones, so several instances split a
//! sweep without a leader. A claim dropped unapplied, or held by an instance that dies,
//! rolls back and frees its rows at once.

use crate::db;
use crate::rows::ms;
use crate::work::{DUE_PROCESSES, DUE_TASKS, apply_moves_in, due_process, due_task, materialize_in};
use async_trait::async_trait;
use jiff::Timestamp;
use proofline_store::{
    DueProcess, DueTask, EscalationClaim, MaterializeClaim, MaterializeOutcome, NewRun, Result, RotationUpdate,
    ScheduleAdvance, TaskMove,
};
use sqlx::postgres::PgRow;
use sqlx::{PgPool, Postgres, Transaction};

pub(crate) struct TaskClaim {
    tx: Transaction<'static, Postgres>,
    tasks: Vec<DueTask>,
}

pub(crate) struct ProcessClaim {
    tx: Transaction<'static, Postgres>,
    processes: Vec<DueProcess>,
}

pub(crate) async fn claim_tasks(pool: &PgPool, now: Timestamp, limit: u32) -> Result<TaskClaim> {
    let sql = format!("{DUE_TASKS} ORDER BY due_at, id LIMIT $2 FOR UPDATE SKIP LOCKED");
    let (tx, tasks) = lock_due(pool, sql, now, limit, due_task).await?;
    Ok(TaskClaim { tx, tasks })
}

pub(crate) async fn claim_processes(pool: &PgPool, horizon: Timestamp, limit: u32) -> Result<ProcessClaim> {
    let sql = format!("{DUE_PROCESSES} ORDER BY next_run_at, id LIMIT $2 FOR UPDATE SKIP LOCKED");
    let (tx, processes) = lock_due(pool, sql, horizon, limit, due_process).await?;
    Ok(ProcessClaim { tx, processes })
}

/// Runs a locking read (`$1` the instant, `$2` the limit) in a new transaction, which
/// holds the rows until it ends.
async fn lock_due<Row>(
    pool: &PgPool,
    sql: String,
    at: Timestamp,
    limit: u32,
    read: fn(&PgRow) -> Result<Row>,
) -> Result<(Transaction<'static, Postgres>, Vec<Row>)> {
    let mut tx = pool.begin().await.map_err(db)?;
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(ms(at))
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?;
    let rows = rows.iter().map(read).collect::<Result<_>>()?;
    Ok((tx, rows))
}

#[async_trait]
impl EscalationClaim for TaskClaim {
    fn tasks(&self) -> &[DueTask] {
        &self.tasks
    }

    async fn apply(self: Box<Self>, moves: &[TaskMove], rotations: &[RotationUpdate], now: Timestamp) -> Result<u64> {
        let mut tx = self.tx;
        let applied = apply_moves_in(&mut tx, moves, rotations, now).await?;
        tx.commit().await.map_err(db)?;
        Ok(applied)
    }
}

#[async_trait]
impl MaterializeClaim for ProcessClaim {
    fn processes(&self) -> &[DueProcess] {
        &self.processes
    }

    async fn apply(
        self: Box<Self>,
        runs: &[NewRun],
        advances: &[ScheduleAdvance],
        rotations: &[RotationUpdate],
        now: Timestamp,
    ) -> Result<MaterializeOutcome> {
        let mut tx = self.tx;
        let outcome = materialize_in(&mut tx, runs, advances, rotations, now).await?;
        tx.commit().await.map_err(db)?;
        Ok(outcome)
    }
}
