//! Processes: their versioned definitions, status, schedule preview and manual starts.
//! The rules (validation, versioning, who may start what) live in the engine.

use super::cadence::{OccurrencesView, count};
use super::enums::ProcessStatusDoc;
use super::runs::RunView;
use crate::AppState;
use crate::auth::{Caller, Manager, Worker};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, ApiQuery, IdempotencyKey, NoQuery, OptionalJson};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use proofline_core::process::{ProcessDefinition, ProcessStatus};
use proofline_core::{Cadence, ProcessId};
use proofline_engine::ProcessChange;
use proofline_store::{ProcessRecord, VersionRecord};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// A process in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcessSummary {
    #[schema(value_type = i64)]
    pub id: ProcessId,
    pub key: String,
    pub name: String,
    #[schema(value_type = ProcessStatusDoc)]
    pub status: ProcessStatus,
    pub version: u32,
    /// When the next scheduled run is created; null when nothing is scheduled.
    pub next_run_at: Option<Timestamp>,
    pub updated_at: Timestamp,
}

/// A process with its current definition.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcessView {
    #[schema(value_type = i64)]
    pub id: ProcessId,
    pub key: String,
    #[schema(value_type = ProcessStatusDoc)]
    pub status: ProcessStatus,
    pub version: u32,
    /// Name, owner, cadence, steps with their proof, escalation chain.
    #[schema(value_type = Object)]
    pub definition: ProcessDefinition,
    pub next_run_at: Option<Timestamp>,
    pub updated_at: Timestamp,
}

impl From<ProcessRecord> for ProcessView {
    fn from(p: ProcessRecord) -> ProcessView {
        ProcessView {
            id: p.id,
            key: p.key,
            status: p.status,
            version: p.version,
            definition: p.definition,
            next_run_at: p.next_run_at,
            updated_at: p.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProcessBody {
    /// A stable handle: 1–64 lowercase letters, digits and dashes.
    #[schema(example = "opening-checklist")]
    pub key: String,
    #[serde(default)]
    #[schema(value_type = ProcessStatusDoc, default = "draft")]
    pub status: ProcessStatus,
    #[schema(value_type = Object)]
    pub definition: ProcessDefinition,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DefinitionBody {
    #[schema(value_type = Object)]
    pub definition: ProcessDefinition,
}

/// The outcome of saving a definition.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeView {
    #[schema(value_type = i64)]
    pub id: ProcessId,
    pub version: u32,
    /// False when the definition was identical and no version was made.
    pub changed: bool,
}

impl From<ProcessChange> for ChangeView {
    fn from(c: ProcessChange) -> ChangeView {
        ChangeView { id: c.id, version: c.version, changed: c.changed }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    #[schema(value_type = ProcessStatusDoc)]
    pub status: ProcessStatus,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VersionView {
    pub version: u32,
    pub created_at: Timestamp,
    #[schema(value_type = Object)]
    pub definition: ProcessDefinition,
}

impl From<VersionRecord> for VersionView {
    fn from(v: VersionRecord) -> VersionView {
        VersionView { version: v.version, created_at: v.created_at, definition: v.definition }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OccurrencesQuery {
    /// How many (1–100, default 10).
    pub count: Option<u32>,
}

/// Optional body of a manual start.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartRunBody {
    /// For event-triggered processes: the event's name.
    pub event: Option<String>,
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, replace))
        .routes(routes!(set_status))
        .routes(routes!(versions))
        .routes(routes!(occurrences))
        .routes(routes!(start_run))
}

/// Every process of the organization.
#[utoipa::path(get, operation_id = "list_processes", path = "/processes", tag = "processes",
    responses((status = 200, body = Vec<ProcessSummary>)))]
async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    _: NoQuery,
) -> Result<Json<Vec<ProcessSummary>>, ApiError> {
    let processes = state.engine.store.list_processes(actor.org).await?;
    Ok(Json(
        processes
            .into_iter()
            .map(|p| ProcessSummary {
                id: p.id,
                key: p.key,
                name: p.definition.name,
                status: p.status,
                version: p.version,
                next_run_at: p.next_run_at,
                updated_at: p.updated_at,
            })
            .collect(),
    ))
}

/// Creates a process at version 1 (managers only).
#[utoipa::path(post, operation_id = "create_process", path = "/processes", tag = "processes", request_body = CreateProcessBody,
    responses((status = 201, body = ProcessView), (status = 409, description = "Key taken")))]
async fn create(
    State(state): State<AppState>,
    Manager(actor): Manager,
    ApiJson(body): ApiJson<CreateProcessBody>,
) -> Result<(StatusCode, Json<ProcessView>), ApiError> {
    let engine = &state.engine;
    let change = engine.create_process(actor, body.key.trim(), body.status, body.definition).await?;
    let process = engine.store.get_process(actor.org, change.id).await?;
    Ok((StatusCode::CREATED, Json(process.into())))
}

/// One process with its current definition.
#[utoipa::path(get, operation_id = "get_process", path = "/processes/{id}", tag = "processes",
    params(("id" = i64, Path, description = "Process id")),
    responses((status = 200, body = ProcessView)))]
async fn get_one(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<ProcessId>,
) -> Result<Json<ProcessView>, ApiError> {
    Ok(Json(state.engine.store.get_process(actor.org, id).await?.into()))
}

/// Saves a new definition; a new version is made only when it differs (managers only).
#[utoipa::path(put, operation_id = "replace_process_definition", path = "/processes/{id}", tag = "processes", request_body = DefinitionBody,
    params(("id" = i64, Path, description = "Process id")),
    responses((status = 200, body = ChangeView)))]
async fn replace(
    State(state): State<AppState>,
    Manager(actor): Manager,
    ApiPath(id): ApiPath<ProcessId>,
    ApiJson(body): ApiJson<DefinitionBody>,
) -> Result<Json<ChangeView>, ApiError> {
    let change = state.engine.update_process(actor, id, body.definition).await?;
    Ok(Json(change.into()))
}

/// Activates, pauses or returns a process to draft (managers only).
#[utoipa::path(post, operation_id = "set_process_status", path = "/processes/{id}/status", tag = "processes", request_body = StatusBody,
    params(("id" = i64, Path, description = "Process id")),
    responses((status = 200, body = ProcessView)))]
async fn set_status(
    State(state): State<AppState>,
    Manager(actor): Manager,
    ApiPath(id): ApiPath<ProcessId>,
    ApiJson(body): ApiJson<StatusBody>,
) -> Result<Json<ProcessView>, ApiError> {
    let engine = &state.engine;
    engine.set_process_status(actor, id, body.status).await?;
    Ok(Json(engine.store.get_process(actor.org, id).await?.into()))
}

/// Every version of the definition, oldest first.
#[utoipa::path(get, operation_id = "list_process_versions", path = "/processes/{id}/versions", tag = "processes",
    params(("id" = i64, Path, description = "Process id")),
    responses((status = 200, body = Vec<VersionView>)))]
async fn versions(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<ProcessId>,
    _: NoQuery,
) -> Result<Json<Vec<VersionView>>, ApiError> {
    let store = &state.engine.store;
    store.get_process(actor.org, id).await?;
    let versions = store.list_versions(actor.org, id).await?;
    Ok(Json(versions.into_iter().map(VersionView::from).collect()))
}

/// The process's next occurrences after now, in its zone.
#[utoipa::path(get, operation_id = "process_occurrences", path = "/processes/{id}/occurrences", tag = "processes",
    params(("id" = i64, Path, description = "Process id"), OccurrencesQuery),
    responses((status = 200, body = OccurrencesView),
        (status = 409, description = "The process is not scheduled")))]
async fn occurrences(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<ProcessId>,
    ApiQuery(query): ApiQuery<OccurrencesQuery>,
) -> Result<Json<OccurrencesView>, ApiError> {
    let count = count(query.count)?;
    let process = state.engine.store.get_process(actor.org, id).await?;
    match &process.definition.cadence {
        Cadence::Schedule(schedule) => Ok(Json(OccurrencesView::of(schedule, state.engine.now(), count))),
        Cadence::Event { name } => {
            Err(ApiError::conflict(format!("this process is not scheduled: it starts on the event {name:?}")))
        }
        Cadence::Manual => Err(ApiError::conflict("this process is not scheduled: it starts only by hand")),
    }
}

/// Starts a run now, by hand or for an event (anyone but auditors). With an
/// `Idempotency-Key` header, a repeated request answers 200 with the run the first one
/// started instead of starting another.
#[utoipa::path(post, operation_id = "start_run", path = "/processes/{id}/runs", tag = "processes",
    request_body(content = Option<StartRunBody>, description = "Optional; `event` for event-triggered processes"),
    params(("id" = i64, Path, description = "Process id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request start one run, not two")),
    responses((status = 201, body = RunView), (status = 200, body = RunView, description = "Started earlier with this key"),
        (status = 409, description = "The process is not active")))]
async fn start_run(
    State(state): State<AppState>,
    Worker(actor): Worker,
    ApiPath(id): ApiPath<ProcessId>,
    IdempotencyKey(key): IdempotencyKey,
    OptionalJson(body): OptionalJson<StartRunBody>,
) -> Result<(StatusCode, Json<RunView>), ApiError> {
    let event = body.and_then(|b| b.event);
    let start = state.engine.start_run(actor, id, event.as_deref(), key.as_deref()).await?;
    let status = if start.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(RunView::load(&state, actor.org, start.run).await?)))
}
