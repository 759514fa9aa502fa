//! Systems: the parts of the business processes belong to, with an owner and a goal.

use super::{Problems, people_of};
use crate::AppState;
use crate::auth::{Caller, Manager};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, NoQuery};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use proofline_core::{PersonId, SystemId};
use proofline_engine::{Actor, valid_key};
use proofline_store::{StoreError, System, SystemFields};
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
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(get_one, replace))
}

/// Checks the body; `id` is the system being replaced.
async fn fields(
    state: &AppState,
    actor: Actor,
    id: Option<SystemId>,
    body: SystemBody,
) -> Result<SystemFields, ApiError> {
    let store = &*state.engine.store;
    let mut problems = Problems::default();
    let key = body.key.trim().to_string();
    if !valid_key(&key) {
        problems.add("key", "use 1–64 lowercase letters, digits and dashes, e.g. \"kitchen\"");
    }
    let name = problems.text("name", &body.name, 200);
    if !people_of(store, actor.org).await?.contains(&body.owner) {
        let owner = body.owner;
        problems.add("owner", format!("no person {owner} in this organization"));
    }
    if let Some(parent) = body.parent {
        let systems = store.list_systems(actor.org).await?;
        if !systems.iter().any(|s| s.id == parent) {
            problems.add("parent", format!("no system {parent} in this organization"));
        } else if id.is_some_and(|me| ancestors(&systems, parent).contains(&me)) {
            problems.add("parent", "a system cannot sit inside itself");
        }
    }
    let software: Vec<String> = body.software.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
    problems.finish()?;
    Ok(SystemFields { key, name, goal: body.goal.trim().to_string(), owner: body.owner, parent: body.parent, software })
}

/// `start` and every system above it, stopping at a loop.
fn ancestors(systems: &[System], start: SystemId) -> Vec<SystemId> {
    let mut chain = vec![start];
    let mut at = start;
    while let Some(parent) = systems.iter().find(|s| s.id == at).and_then(|s| s.parent) {
        if chain.contains(&parent) {
            break;
        }
        chain.push(parent);
        at = parent;
    }
    chain
}

fn key_taken(e: StoreError) -> ApiError {
    match e {
        StoreError::Conflict(_) => ApiError::conflict("a system with that key already exists"),
        other => other.into(),
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
    let fields = fields(&state, actor, None, body).await?;
    let store = &state.engine.store;
    let id = store.create_system(actor.org, &fields).await.map_err(key_taken)?;
    let system = store.get_system(actor.org, id).await?;
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
    let store = &state.engine.store;
    store.get_system(actor.org, id).await?;
    let fields = fields(&state, actor, Some(id), body).await?;
    store.update_system(actor.org, id, &fields).await.map_err(key_taken)?;
    Ok(Json(store.get_system(actor.org, id).await?.into()))
}
