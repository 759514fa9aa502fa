//! Runs, tasks, submissions and the event log: the engine's working set.

use crate::Result;
use crate::claims::{EscalationClaim, MaterializeClaim, ReadClaim};
use async_trait::async_trait;
use jiff::Timestamp;
use proofline_core::escalation::Move;
use proofline_core::proof::Exception;
use proofline_core::task::TaskState;
use proofline_core::{OrgId, PersonId, ProcessId, RoleId, RunId, SubmissionId, TaskId};
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunState {
    Active,
    Done,
    Skipped,
}

impl RunState {
    pub fn as_str(self) -> &'static str {
        match self {
            RunState::Active => "active",
            RunState::Done => "done",
            RunState::Skipped => "skipped",
        }
    }

    pub fn parse(text: &str) -> Option<RunState> {
        [RunState::Active, RunState::Done, RunState::Skipped].into_iter().find(|s| s.as_str() == text)
    }
}

/// A task to create with its run.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTask {
    pub step_index: u32,
    pub title: String,
    pub state: TaskState,
    /// A step it depends on is not done yet.
    pub blocked: bool,
    pub holder: PersonId,
    pub opens_at: Timestamp,
    pub due_at: Timestamp,
    /// How long the holder gets once the task opens, if it opens late.
    pub window_ms: i64,
}

/// A run to create. Identity is `(process, scheduled_for)`: creating it twice is a no-op.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRun {
    pub org: OrgId,
    pub process: ProcessId,
    pub version: u32,
    pub scheduled_for: Timestamp,
    /// `schedule`, `manual` or `event:NAME`.
    pub trigger: String,
    /// Who started it by hand or by API call.
    pub started_by: Option<PersonId>,
    pub state: RunState,
    /// Why a run was skipped.
    pub reason: Option<String>,
    /// Given by the system that asked for the run: a second run with the same key for
    /// the same process is not created.
    pub idempotency_key: Option<String>,
    pub tasks: Vec<NewTask>,
}

/// Moving a process's schedule forward, guarded by the value the engine read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScheduleAdvance {
    pub process: ProcessId,
    pub expected: Option<Timestamp>,
    pub next_run_at: Option<Timestamp>,
}

/// A role's rotation after picks were made.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RotationUpdate {
    pub org: OrgId,
    pub role: RoleId,
    pub cursor: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct MaterializeOutcome {
    pub runs: u64,
    pub tasks: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DueProcess {
    pub org: OrgId,
    pub id: ProcessId,
    pub version: u32,
    pub next_run_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskRecord {
    pub id: TaskId,
    pub org: OrgId,
    pub run: RunId,
    pub process: ProcessId,
    pub version: u32,
    pub step_index: u32,
    pub title: String,
    pub state: TaskState,
    pub holder: PersonId,
    /// Who held it at level 0 ("manager" in a chain means theirs).
    pub assignee: PersonId,
    /// 0 for the first holder, then the chain level it has climbed to.
    pub level: u32,
    pub blocked: bool,
    pub scheduled_for: Timestamp,
    pub opens_at: Timestamp,
    pub due_at: Timestamp,
    pub completed_at: Option<Timestamp>,
    /// Bumped by every change; transitions compare-and-set on it.
    pub rev: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunRecord {
    pub id: RunId,
    pub org: OrgId,
    pub process: ProcessId,
    pub version: u32,
    pub scheduled_for: Timestamp,
    pub trigger: String,
    pub started_by: Option<PersonId>,
    pub state: RunState,
    pub reason: Option<String>,
    pub idempotency_key: Option<String>,
}

/// A task whose window has closed, with what the engine needs to move it.
#[derive(Debug, Clone, PartialEq)]
pub struct DueTask {
    pub id: TaskId,
    pub org: OrgId,
    pub process: ProcessId,
    pub version: u32,
    pub holder: PersonId,
    pub assignee: PersonId,
    pub level: u32,
    pub due_at: Timestamp,
    pub rev: i64,
    /// `Open`, or `Submitted` when an approval was not given in time.
    pub state: TaskState,
    /// Whoever submitted the evidence awaiting approval: never its approver.
    pub submitter: Option<PersonId>,
}

/// One escalation decision, applied only if the task is still as the engine read it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaskMove {
    pub task: TaskId,
    pub org: OrgId,
    pub rev: i64,
    pub missed_by: PersonId,
    pub from_level: u32,
    pub missed_due_at: Timestamp,
    pub outcome: Move,
    /// `Open`, or `Submitted` for an approval that moves on (it stays submitted).
    pub from_state: TaskState,
    /// Whoever submitted the evidence awaiting approval.
    pub submitter: Option<PersonId>,
}

/// Proof accepted for a task.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub org: OrgId,
    pub task: TaskId,
    /// The task as the submitter saw it; a different rev means someone else moved it.
    pub rev: i64,
    pub from_state: TaskState,
    pub to_state: TaskState,
    pub by: PersonId,
    /// Who held the task when the proof came in.
    pub holder: PersonId,
    /// For evidence that needs approval: who approves it, and by when.
    pub handoff: Option<Handoff>,
    pub evidence: Value,
    pub exceptions: Vec<Exception>,
    /// Numeric readings by the position of their requirement in the step, kept apart so
    /// metrics and drift detection need not parse evidence.
    pub readings: Vec<(u16, f64)>,
    /// Tasks of the same run whose dependencies this completion satisfies.
    pub unblock: Vec<TaskId>,
    /// A corrective action the evidence calls for.
    pub follow_up: Option<FollowUp>,
    pub now: Timestamp,
}

/// A corrective action, opened in the transaction of the change that called for it.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowUp {
    /// `corrective::OFFSET` plus the source step's index: one per step per run.
    pub step_index: u32,
    pub title: String,
    pub holder: PersonId,
    pub due_at: Timestamp,
    pub window_ms: i64,
    /// The task whose evidence called for it.
    pub source: TaskId,
    /// What was wrong, in the words of the exceptions or the rejection.
    pub reasons: Vec<String>,
    /// Role rotations that moved in picking the holder.
    pub rotations: Vec<RotationUpdate>,
}

/// Evidence that waits for a second person: the task goes to them until `due_at`.
#[derive(Debug, Clone, PartialEq)]
pub struct Handoff {
    pub approver: PersonId,
    pub due_at: Timestamp,
    /// Role rotations that moved in picking the approver.
    pub rotations: Vec<RotationUpdate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubmissionRecord {
    pub id: SubmissionId,
    pub task: TaskId,
    pub by: PersonId,
    pub at: Timestamp,
    pub evidence: Value,
    pub exceptions: Vec<Exception>,
    /// `None` when the step needs no approval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<VerdictRecord>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerdictState {
    Pending,
    Approved,
    Rejected,
}

impl VerdictState {
    pub fn as_str(self) -> &'static str {
        match self {
            VerdictState::Pending => "pending",
            VerdictState::Approved => "approved",
            VerdictState::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Option<VerdictState> {
        [VerdictState::Pending, VerdictState::Approved, VerdictState::Rejected].into_iter().find(|v| v.as_str() == text)
    }
}

/// Where a submission that needs approval stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerdictRecord {
    pub state: VerdictState,
    pub by: Option<PersonId>,
    pub at: Option<Timestamp>,
    pub reason: Option<String>,
}

/// An approver's answer to evidence awaiting approval; applied only if the task is still
/// as they saw it and the submission still pending.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub org: OrgId,
    pub task: TaskId,
    pub rev: i64,
    pub submission: SubmissionId,
    /// Who submitted the evidence: credited with the work once it is approved.
    pub submitter: PersonId,
    pub by: PersonId,
    pub outcome: VerdictOutcome,
    /// Required for a rejection; optional words with an approval.
    pub reason: String,
    /// Tasks of the same run an approval lets start.
    pub unblock: Vec<TaskId>,
    /// A corrective action a rejection calls for.
    pub follow_up: Option<FollowUp>,
    pub now: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum VerdictOutcome {
    Approved,
    /// Back to `to` (the submitter) with a fresh deadline.
    Rejected {
        to: PersonId,
        due_at: Timestamp,
    },
}

/// A submission's evidence with where and when it came in, for comparing new evidence
/// with what a step received before.
#[derive(Debug, Clone, PartialEq)]
pub struct EarlierEvidence {
    pub task: TaskId,
    pub at: Timestamp,
    pub evidence: Value,
}

/// One entry of the append-only audit log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventRecord {
    pub id: i64,
    pub at: Timestamp,
    pub kind: String,
    pub task: Option<TaskId>,
    pub run: Option<RunId>,
    pub process: Option<ProcessId>,
    /// The person who acted; `None` when the engine did.
    pub actor: Option<PersonId>,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    pub from_holder: Option<PersonId>,
    pub to_holder: Option<PersonId>,
    pub data: Value,
}

/// A reviewer sends finished or submitted work back to its holder with a reason; the task
/// opens again with a fresh window.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskReturn {
    pub org: OrgId,
    pub task: TaskId,
    /// The task as the reviewer saw it.
    pub rev: i64,
    pub by: PersonId,
    pub reason: String,
    pub due_at: Timestamp,
    pub now: Timestamp,
}

/// What a manager decides for open or unresolved work.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    /// Hand it to someone else, who has until `due_at`.
    Reassign { to: PersonId, due_at: Timestamp },
    /// Keep the holder and give them until `due_at`.
    Extend { due_at: Timestamp },
    /// Close it without proof; the reason stays in the record.
    Close,
}

/// A manager settles a task; applied only if the task is still as they saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskDecision {
    pub org: OrgId,
    pub task: TaskId,
    pub rev: i64,
    pub by: PersonId,
    pub decision: Decision,
    /// Why, in the manager's words; shown in the task's story.
    pub reason: String,
    pub now: Timestamp,
}

/// Filters for listing tasks.
#[derive(Debug, Clone, Default)]
pub struct TaskQuery {
    pub holder: Option<PersonId>,
    pub states: Vec<TaskState>,
    pub run: Option<RunId>,
    pub limit: u32,
}

#[async_trait]
pub trait WorkStore {
    /// Active scheduled processes whose next run is due before `horizon`.
    async fn due_processes(&self, horizon: Timestamp, limit: u32) -> Result<Vec<DueProcess>>;
    /// Creates runs (skipping any that exist), their tasks and events, advances schedules
    /// whose `expected` still holds and saves rotations — all in one transaction.
    async fn materialize(
        &self,
        runs: &[NewRun],
        advances: &[ScheduleAdvance],
        rotations: &[RotationUpdate],
        now: Timestamp,
    ) -> Result<MaterializeOutcome>;
    /// Opens waiting, unblocked tasks whose start has come; returns how many.
    async fn open_ready(&self, now: Timestamp, limit: u32) -> Result<u64>;
    /// Open tasks whose window closed at or before `now`, oldest deadline first.
    async fn due_for_escalation(&self, now: Timestamp, limit: u32) -> Result<Vec<DueTask>>;
    /// Applies moves whose task is unchanged since read; returns how many applied.
    async fn apply_moves(&self, moves: &[TaskMove], rotations: &[RotationUpdate], now: Timestamp) -> Result<u64>;
    /// Processes due before `horizon` that no other engine is materializing right now.
    async fn claim_due_processes(&self, horizon: Timestamp, limit: u32) -> Result<Box<dyn MaterializeClaim + '_>>
    where
        Self: Sync,
    {
        Ok(Box::new(ReadClaim::new(self, self.due_processes(horizon, limit).await?)))
    }
    /// Tasks due for escalation that no other engine is moving right now.
    async fn claim_escalations(&self, now: Timestamp, limit: u32) -> Result<Box<dyn EscalationClaim + '_>>
    where
        Self: Sync,
    {
        Ok(Box::new(ReadClaim::new(self, self.due_for_escalation(now, limit).await?)))
    }
    /// The earliest instant at which the engine has something to do.
    async fn next_wakeup(&self, horizon_ms: i64) -> Result<Option<Timestamp>>;

    async fn get_run(&self, org: OrgId, id: RunId) -> Result<RunRecord>;
    /// The run of `process` scheduled for exactly `scheduled_for`, if any.
    async fn find_run(&self, org: OrgId, process: ProcessId, scheduled_for: Timestamp) -> Result<Option<RunRecord>>;
    /// The run of `process` started with this idempotency key, if any.
    async fn find_run_by_key(&self, org: OrgId, process: ProcessId, key: &str) -> Result<Option<RunRecord>>;
    async fn get_task(&self, org: OrgId, id: TaskId) -> Result<TaskRecord>;
    async fn list_tasks(&self, org: OrgId, query: &TaskQuery) -> Result<Vec<TaskRecord>>;
    /// `Conflict` when the task moved since it was read.
    async fn complete_task(&self, completion: &Completion) -> Result<SubmissionId>;
    /// Reopens a done or submitted task for its holder (`Conflict` when it changed since
    /// read), writing a `returned` event and a `task.returned` notice.
    async fn return_task(&self, change: &TaskReturn) -> Result<()>;
    /// Reassigns, extends or closes an open or unresolved task (compare-and-set on `rev`):
    /// `Conflict` when it changed or is in another state, `NotFound` outside the organization.
    async fn decide_task(&self, decision: &TaskDecision) -> Result<()>;
    /// Approves or rejects the pending submission (`Conflict` when the task or the
    /// submission changed since it was read).
    async fn give_verdict(&self, verdict: &Verdict) -> Result<()>;
    async fn submissions(&self, org: OrgId, task: TaskId) -> Result<Vec<SubmissionRecord>>;
    /// The newest `limit` submissions for one step of a process, newest first.
    async fn recent_evidence(
        &self,
        org: OrgId,
        process: ProcessId,
        step: u32,
        limit: u32,
    ) -> Result<Vec<EarlierEvidence>>;
    async fn task_history(&self, org: OrgId, task: TaskId) -> Result<Vec<EventRecord>>;
    /// Remembers a stored evidence file (idempotent by hash).
    async fn record_blob(&self, sha256: &str, content_type: &str, size: u64, now: Timestamp) -> Result<()>;
}
