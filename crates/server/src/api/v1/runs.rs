//! Runs: one execution of a process, scheduled, started by hand or by an event.

use super::enums::RunStateDoc;
use super::tasks::TaskView;
use crate::AppState;
use crate::auth::{Caller, Worker};
use crate::error::ApiError;
use crate::extract::{ApiPath, IdempotencyKey};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use proofline_core::{OrgId, PersonId, ProcessId, RunId};
use proofline_engine::EngineError;
use proofline_store::{RunRecord, RunState, TaskQuery};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// A run with its tasks, one per step.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunView {
    #[schema(value_type = i64)]
    pub id: RunId,
    #[schema(value_type = i64)]
    pub process: ProcessId,
    pub version: u32,
    pub scheduled_for: Timestamp,
    /// `schedule`, `manual` or `event:NAME`.
    pub trigger: String,
    #[schema(value_type = Option<i64>)]
    pub started_by: Option<PersonId>,
    #[schema(value_type = RunStateDoc)]
    pub state: RunState,
    /// Why a run was skipped.
    pub reason: Option<String>,
    pub tasks: Vec<TaskView>,
}

impl RunView {
    pub async fn load(state: &AppState, org: OrgId, run: RunRecord) -> Result<RunView, EngineError> {
        let query = TaskQuery { run: Some(run.id), ..TaskQuery::default() };
        let mut tasks = state.engine.store.list_tasks(org, &query).await?;
        tasks.sort_by_key(|t| t.step_index);
        Ok(RunView {
            id: run.id,
            process: run.process,
            version: run.version,
            scheduled_for: run.scheduled_for,
            trigger: run.trigger,
            started_by: run.started_by,
            state: run.state,
            reason: run.reason,
            tasks: TaskView::many(state, tasks).await?,
        })
    }
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_one)).routes(routes!(trigger))
}

/// One run with its tasks.
#[utoipa::path(get, operation_id = "get_run", path = "/runs/{id}", tag = "runs",
    params(("id" = i64, Path, description = "Run id")),
    responses((status = 200, body = RunView)))]
async fn get_one(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<RunId>,
) -> Result<Json<RunView>, ApiError> {
    let run = state.engine.store.get_run(actor.org, id).await?;
    Ok(Json(RunView::load(&state, actor.org, run).await?))
}

/// Starts a run of every active process triggered by event `name` ("after every
/// delivery"), for other systems to call (anyone but auditors). Send an
/// `Idempotency-Key`: a retried call answers 200 with the runs the first one started.
#[utoipa::path(post, operation_id = "trigger_event", path = "/events/{name}", tag = "runs",
    params(("name" = String, Path, description = "The event, as processes name it in their cadence"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried call start nothing new")),
    responses((status = 201, body = Vec<RunView>), (status = 200, body = Vec<RunView>, description = "Started earlier with this key"),
        (status = 422, description = "No active process starts on this event")))]
async fn trigger(
    State(state): State<AppState>,
    Worker(actor): Worker,
    ApiPath(name): ApiPath<String>,
    IdempotencyKey(key): IdempotencyKey,
) -> Result<(StatusCode, Json<Vec<RunView>>), ApiError> {
    let started = state.engine.trigger_event(actor, name.trim(), key.as_deref()).await?;
    let status = if started.iter().any(|s| s.created) { StatusCode::CREATED } else { StatusCode::OK };
    let mut runs = Vec::with_capacity(started.len());
    for start in started {
        runs.push(RunView::load(&state, actor.org, start.run).await?);
    }
    Ok((status, Json(runs)))
}
