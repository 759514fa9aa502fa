//! Tasks: one step of one run, held by one person. Reading a task shows its SOP, the
//! proof it needs, what was submitted and everything that happened to it.

use super::enums::TaskStateDoc;
use crate::AppState;
use crate::auth::{Caller, Manager};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, NoQuery};
use axum::Json;
use axum::extract::State;
use jiff::Timestamp;
use proofline_core::process::ProcessDefinition;
use proofline_core::proof::{Exception, ProofRequirement};
use proofline_core::task::TaskState;
use proofline_core::{PersonId, ProcessId, RunId, SubmissionId, TaskId};
use proofline_engine::EngineError;
use proofline_store::{EventRecord, SubmissionRecord, TaskRecord, VerdictRecord};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// A task with what its holder needs to know to do it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskView {
    #[schema(value_type = i64)]
    pub id: TaskId,
    #[schema(value_type = i64)]
    pub run: RunId,
    #[schema(value_type = i64)]
    pub process: ProcessId,
    pub process_name: String,
    /// The process version the run follows.
    pub version: u32,
    pub step_index: u32,
    /// The step's title.
    pub title: String,
    #[schema(value_type = TaskStateDoc)]
    pub state: TaskState,
    #[schema(value_type = i64)]
    pub holder: PersonId,
    /// Who held it first.
    #[schema(value_type = i64)]
    pub assignee: PersonId,
    /// 0 for the first holder, then the escalation level it has climbed to.
    pub level: u32,
    /// Waiting on an earlier step.
    pub blocked: bool,
    pub scheduled_for: Timestamp,
    pub opens_at: Timestamp,
    pub due_at: Timestamp,
    pub completed_at: Option<Timestamp>,
    /// The proof the step requires, each addressed by its `key` in submissions.
    #[schema(value_type = Vec<Object>)]
    pub proof: Vec<ProofRequirement>,
}

impl TaskView {
    pub fn new(task: TaskRecord, definition: Option<&ProcessDefinition>) -> TaskView {
        let step = definition.and_then(|d| d.task_step(task.step_index));
        TaskView {
            id: task.id,
            run: task.run,
            process: task.process,
            process_name: definition.map(|d| d.name.clone()).unwrap_or_default(),
            version: task.version,
            step_index: task.step_index,
            title: task.title,
            state: task.state,
            holder: task.holder,
            assignee: task.assignee,
            level: task.level,
            blocked: task.blocked,
            scheduled_for: task.scheduled_for,
            opens_at: task.opens_at,
            due_at: task.due_at,
            completed_at: task.completed_at,
            proof: step.map(|s| s.proof().to_vec()).unwrap_or_default(),
        }
    }

    /// Views of `tasks`, reading each process version they follow once.
    pub async fn many(state: &AppState, tasks: Vec<TaskRecord>) -> Result<Vec<TaskView>, EngineError> {
        let definitions = state.engine.definitions_of(&tasks).await?;
        Ok(tasks
            .into_iter()
            .map(|t| {
                let definition = definitions.get(&(t.process, t.version)).map(|d| &**d);
                TaskView::new(t, definition)
            })
            .collect())
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExceptionView {
    pub key: String,
    pub message: String,
}

impl From<Exception> for ExceptionView {
    fn from(e: Exception) -> ExceptionView {
        ExceptionView { key: e.key, message: e.message }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionView {
    #[schema(value_type = i64)]
    pub id: SubmissionId,
    #[schema(value_type = i64)]
    pub by: PersonId,
    pub at: Timestamp,
    /// The accepted evidence by requirement key (files as their SHA-256 and type).
    #[schema(value_type = Object)]
    pub evidence: Value,
    /// Evidence accepted but worth a look, e.g. a reading out of range.
    pub exceptions: Vec<ExceptionView>,
    /// For a step that needs approval: `pending`, `approved` or `rejected`, who gave
    /// the verdict, when, and why.
    #[schema(value_type = Option<Object>)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<VerdictRecord>,
}

impl From<SubmissionRecord> for SubmissionView {
    fn from(s: SubmissionRecord) -> SubmissionView {
        SubmissionView {
            id: s.id,
            by: s.by,
            at: s.at,
            evidence: s.evidence,
            exceptions: s.exceptions.into_iter().map(Into::into).collect(),
            verdict: s.verdict,
        }
    }
}

/// A task with its SOP and submissions.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskDetail {
    #[serde(flatten)]
    pub task: TaskView,
    /// The step's SOP, in Markdown.
    pub sop: String,
    pub sop_url: Option<String>,
    pub submissions: Vec<SubmissionView>,
}

/// One entry of a task's audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    pub id: i64,
    pub at: Timestamp,
    /// created, opened, escalated, unresolved, completed…
    pub kind: String,
    /// Who acted; null when the engine did.
    #[schema(value_type = Option<i64>)]
    pub actor: Option<PersonId>,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    #[schema(value_type = Option<i64>)]
    pub from_holder: Option<PersonId>,
    #[schema(value_type = Option<i64>)]
    pub to_holder: Option<PersonId>,
    #[schema(value_type = Object)]
    pub data: Value,
}

impl From<EventRecord> for EventView {
    fn from(e: EventRecord) -> EventView {
        EventView {
            id: e.id,
            at: e.at,
            kind: e.kind,
            actor: e.actor,
            from_state: e.from_state,
            to_state: e.to_state,
            from_holder: e.from_holder,
            to_holder: e.to_holder,
            data: e.data,
        }
    }
}

/// Why work is sent back.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnBody {
    /// What must be redone, for the holder to read (1–2000 characters).
    #[schema(example = "The photo is blurry; the lock is not visible.")]
    pub reason: String,
}

/// An approver's note with an approval (optional, up to 2000 characters).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveBody {
    #[serde(default)]
    pub note: String,
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_one))
        .routes(routes!(history))
        .routes(routes!(send_back))
        .routes(routes!(approve))
        .routes(routes!(reject))
}

/// A task with its step's SOP, the proof it needs and the proof submitted.
#[utoipa::path(get, operation_id = "get_task", path = "/tasks/{id}", tag = "tasks",
    params(("id" = i64, Path, description = "Task id")),
    responses((status = 200, body = TaskDetail)))]
async fn get_one(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<TaskId>,
) -> Result<Json<TaskDetail>, ApiError> {
    let store = &state.engine.store;
    let task = store.get_task(actor.org, id).await?;
    let submissions = store.submissions(actor.org, id).await?;
    let definitions = state.engine.definitions_of(std::slice::from_ref(&task)).await?;
    let definition = definitions.get(&(task.process, task.version)).map(|d| &**d);
    let step = definition.and_then(|d| d.task_step(task.step_index));
    Ok(Json(TaskDetail {
        sop: step.map(|s| s.sop().to_string()).unwrap_or_default(),
        sop_url: step.and_then(|s| s.sop_url().map(str::to_string)),
        task: TaskView::new(task, definition),
        submissions: submissions.into_iter().map(Into::into).collect(),
    }))
}

/// Everything that happened to a task, oldest first.
#[utoipa::path(get, operation_id = "task_history", path = "/tasks/{id}/history", tag = "tasks",
    params(("id" = i64, Path, description = "Task id")),
    responses((status = 200, body = Vec<EventView>)))]
async fn history(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<TaskId>,
    _: NoQuery,
) -> Result<Json<Vec<EventView>>, ApiError> {
    let store = &state.engine.store;
    store.get_task(actor.org, id).await?;
    let events = store.task_history(actor.org, id).await?;
    Ok(Json(events.into_iter().map(Into::into).collect()))
}

/// Sends done or submitted work back to its holder with a reason (managers). It opens
/// again with the step's full window, and the holder is told why.
#[utoipa::path(post, operation_id = "return_task", path = "/tasks/{id}/return", tag = "tasks",
    params(("id" = i64, Path, description = "Task id")), request_body = ReturnBody,
    responses((status = 200, body = TaskView), (status = 409, description = "Not done or submitted, or it changed meanwhile")))]
async fn send_back(
    State(state): State<AppState>,
    Manager(actor): Manager,
    ApiPath(id): ApiPath<TaskId>,
    ApiJson(body): ApiJson<ReturnBody>,
) -> Result<Json<TaskView>, ApiError> {
    let task = state.engine.return_task(actor, id, &body.reason).await?;
    let mut views = TaskView::many(&state, vec![task]).await?;
    views.pop().map(Json).ok_or_else(|| ApiError::internal("a returned task has no view"))
}

/// Approves the proof waiting on the task: it is done. The approver is the person the
/// step names, whoever holds the approval now, or a manager; never the submitter.
#[utoipa::path(post, operation_id = "approve_task", path = "/tasks/{id}/approve", tag = "tasks",
    params(("id" = i64, Path, description = "Task id")), request_body = ApproveBody,
    responses((status = 200, body = TaskView), (status = 403, description = "The submitter, or not an approver"),
              (status = 409, description = "No proof waits for approval, or it changed meanwhile")))]
async fn approve(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<TaskId>,
    ApiJson(body): ApiJson<ApproveBody>,
) -> Result<Json<TaskView>, ApiError> {
    let task = state.engine.approve(actor, id, &body.note).await?;
    let mut views = TaskView::many(&state, vec![task]).await?;
    views.pop().map(Json).ok_or_else(|| ApiError::internal("an approved task has no view"))
}

/// Rejects the proof waiting on the task: it goes back to whoever submitted it, with the
/// reason and the step's full window again; missing that escalates as usual.
#[utoipa::path(post, operation_id = "reject_task", path = "/tasks/{id}/reject", tag = "tasks",
    params(("id" = i64, Path, description = "Task id")), request_body = ReturnBody,
    responses((status = 200, body = TaskView), (status = 403, description = "The submitter, or not an approver"),
              (status = 409, description = "No proof waits for approval, or it changed meanwhile")))]
async fn reject(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<TaskId>,
    ApiJson(body): ApiJson<ReturnBody>,
) -> Result<Json<TaskView>, ApiError> {
    let task = state.engine.reject(actor, id, &body.reason).await?;
    let mut views = TaskView::many(&state, vec![task]).await?;
    views.pop().map(Json).ok_or_else(|| ApiError::internal("a rejected task has no view"))
}
