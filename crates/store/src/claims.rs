//! Claims: the due rows one engine works on while other engines on the same database
//! pass them by. An engine reads a batch, decides in memory what happens to each row, and
//! applies its decisions through the claim that gave it the rows.
//!
//! A store with one writer (SQLite) claims by reading: the compare-and-set in `apply`
//! already keeps a second writer from undoing or repeating a change. PostgreSQL locks the
//! rows (`FOR UPDATE SKIP LOCKED`) in a transaction that `apply` commits, so engines split
//! the due rows between them instead of racing for the same ones, and a crashed engine's
//! claim ends with its connection.

use crate::Result;
use crate::work::{
    DueProcess, DueTask, MaterializeOutcome, NewRun, RotationUpdate, ScheduleAdvance, TaskMove, WorkStore,
};
use async_trait::async_trait;
use jiff::Timestamp;

/// Tasks whose window has closed, held for one engine until it applies its moves.
#[async_trait]
pub trait EscalationClaim: Send {
    fn tasks(&self) -> &[DueTask];
    /// Applies the moves whose task is still as claimed; returns how many applied.
    async fn apply(self: Box<Self>, moves: &[TaskMove], rotations: &[RotationUpdate], now: Timestamp) -> Result<u64>;
}

/// Processes whose next run is due, held for one engine until it creates their runs.
#[async_trait]
pub trait MaterializeClaim: Send {
    fn processes(&self) -> &[DueProcess];
    /// Creates the runs and advances the schedules, as `WorkStore::materialize` does.
    async fn apply(
        self: Box<Self>,
        runs: &[NewRun],
        advances: &[ScheduleAdvance],
        rotations: &[RotationUpdate],
        now: Timestamp,
    ) -> Result<MaterializeOutcome>;
}

/// A claim that holds no lock: the rows as read, applied through the store's own
/// compare-and-set writes.
pub struct ReadClaim<'a, S: ?Sized, Row> {
    store: &'a S,
    rows: Vec<Row>,
}

impl<'a, S: ?Sized, Row> ReadClaim<'a, S, Row> {
    pub fn new(store: &'a S, rows: Vec<Row>) -> Self {
        ReadClaim { store, rows }
    }
}

#[async_trait]
impl<S: WorkStore + Sync + ?Sized> EscalationClaim for ReadClaim<'_, S, DueTask> {
    fn tasks(&self) -> &[DueTask] {
        &self.rows
    }

    async fn apply(self: Box<Self>, moves: &[TaskMove], rotations: &[RotationUpdate], now: Timestamp) -> Result<u64> {
        self.store.apply_moves(moves, rotations, now).await
    }
}

#[async_trait]
impl<S: WorkStore + Sync + ?Sized> MaterializeClaim for ReadClaim<'_, S, DueProcess> {
    fn processes(&self) -> &[DueProcess] {
        &self.rows
    }

    async fn apply(
        self: Box<Self>,
        runs: &[NewRun],
        advances: &[ScheduleAdvance],
        rotations: &[RotationUpdate],
        now: Timestamp,
    ) -> Result<MaterializeOutcome> {
        self.store.materialize(runs, advances, rotations, now).await
    }
}
