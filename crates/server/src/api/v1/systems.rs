//! Systems: the parts of the business processes belong to, with an owner, a goal in words
//! and measurable goals.

use crate::AppState;
use crate::auth::{Caller, Manager};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, NoQuery};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use proofline_core::metrics::Goal;
use proofline_core::{PersonId, SystemId};
use proofline_store::{System, SystemFields};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Debug, Serialize, ToSchema)]
pub struct SystemView {
    #[schema(value_type = i64)]
    pub id: SystemId,
    pub key: String,
    pub name: String,
    pub goal: String,
    #[schema(value_type = i64)]
    pub owner: PersonId,
    #[schema(value_type = Option<i64>)]
    pub parent: Option<SystemId>,
    /// The software the system runs on.
    pub software: Vec<String>,
    /// Measurable targets, at most 20. Each is `{"name", "unit" (optional), "target",
    /// "direction": "at_least" | "at_most", "source": {"kind": ...}}`, where `kind` is one of
    /// `on_time_rate` (a fraction from 0 to 1), `runs_due`, `runs_on_time`, `runs_late`,
    /// `runs_unresolved`, `escalations`, `exceptions`, `rejections`, `lead_time_median_secs`,
    /// `lead_time_p90_secs`, or `kpi_mean` with `process`, `step` and `field` (positions from
    /// 0) naming a number the step's proof asks for. Each is judged per period of the
    /// system's figures (`GET /systems/metrics`).
    #[schema(value_type = Vec<Object>)]
    pub goals: Vec<Goal>,
}

impl From<System> for SystemView {
    fn from(s: System) -> SystemView {
        SystemView {
            id: s.id,
            key: s.key,
            name: s.name,
            goal: s.goal,
            owner: s.owner,
            parent: s.parent,
            software: s.software,
            goals: s.goals,
        }
    }
}

/// A system as created or replaced.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemBody {
    /// 1–64 lowercase letters, digits and dashes.
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub goal: String,
    #[schema(value_type = i64)]
    pub owner: PersonId,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub parent: Option<SystemId>,
    #[serde(default)]
    pub software: Vec<String>,
    /// Measurable targets, at most 20; none when left out. Each is `{"name", "unit" (optional), "target",
    /// "direction": "at_least" | "at_most", "source": {"kind": ...}}`, where `kind` is one of
    /// `on_time_rate` (a fraction from 0 to 1), `runs_due`, `runs_on_time`, `runs_late`,
    /// `runs_unresolved`, `escalations`, `exceptions`, `rejections`, `lead_time_median_secs`,
    /// `lead_time_p90_secs`, or `kpi_mean` with `process`, `step` and `field` (positions from
    /// 0) naming a number the step's proof asks for. Each is judged per period of the
    /// system's figures (`GET /systems/metrics`).
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub goals: Vec<Goal>,
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(get_one, replace))
}

fn fields(body: SystemBody) -> SystemFields {
    SystemFields {
        key: body.key,
        name: body.name,
        goal: body.goal,
        owner: body.owner,
        parent: body.parent,
        software: body.software,
        goals: body.goals,
    }
}

/// Every system of the organization.
#[utoipa::path(get, operation_id = "list_systems", path = "/systems", tag = "systems",
    responses((status = 200, body = Vec<SystemView>)))]
async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    _: NoQuery,
) -> Result<Json<Vec<SystemView>>, ApiError> {
    let systems = state.engine.store.list_systems(actor.org).await?;
    Ok(Json(systems.into_iter().map(SystemView::from).collect()))
}

/// Adds a system (managers only).
#[utoipa::path(post, operation_id = "create_system", path = "/systems", tag = "systems", request_body = SystemBody,
    responses((status = 201, body = SystemView)))]
async fn create(
    State(state): State<AppState>,
    Manager(actor): Manager,
    ApiJson(body): ApiJson<SystemBody>,
) -> Result<(StatusCode, Json<SystemView>), ApiError> {
    let id = state.engine.save_system(actor, None, fields(body)).await?;
    let system = state.engine.store.get_system(actor.org, id).await?;
    Ok((StatusCode::CREATED, Json(system.into())))
}

/// One system.
#[utoipa::path(get, operation_id = "get_system", path = "/systems/{id}", tag = "systems",
    params(("id" = i64, Path, description = "System id")),
    responses((status = 200, body = SystemView)))]
async fn get_one(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<SystemId>,
) -> Result<Json<SystemView>, ApiError> {
    Ok(Json(state.engine.store.get_system(actor.org, id).await?.into()))
}

/// Replaces a system (managers only).
#[utoipa::path(put, operation_id = "replace_system", path = "/systems/{id}", tag = "systems", request_body = SystemBody,
    params(("id" = i64, Path, description = "System id")),
    responses((status = 200, body = SystemView)))]
async fn replace(
    State(state): State<AppState>,
    Manager(actor): Manager,
    ApiPath(id): ApiPath<SystemId>,
    ApiJson(body): ApiJson<SystemBody>,
) -> Result<Json<SystemView>, ApiError> {
    state.engine.save_system(actor, Some(id), fields(body)).await?;
    Ok(Json(state.engine.store.get_system(actor.org, id).await?.into()))
}
