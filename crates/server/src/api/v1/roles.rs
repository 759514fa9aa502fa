//! Roles: work addressed to "Shift lead" rather than to one name, picked among members.

use super::enums::PickRuleDoc;
use super::{Problems, people_of};
use crate::AppState;
use crate::auth::{Caller, Manager};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, NoQuery};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use proofline_core::roles::PickRule;
use proofline_core::{PersonId, RoleId};
use proofline_engine::Actor;
use proofline_store::{Role, RoleFields, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Debug, Serialize, ToSchema)]
pub struct RoleView {
    #[schema(value_type = i64)]
    pub id: RoleId,
    pub name: String,
    #[schema(value_type = PickRuleDoc)]
    pub pick: PickRule,
    /// Members in rotation order.
    #[schema(value_type = Vec<i64>)]
    pub members: Vec<PersonId>,
}

impl From<Role> for RoleView {
    fn from(r: Role) -> RoleView {
        RoleView { id: r.id, name: r.name, pick: r.pick, members: r.members }
    }
}

/// A role as created or replaced.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleBody {
    pub name: String,
    #[serde(default)]
    #[schema(value_type = PickRuleDoc, default = "round_robin")]
    pub pick: PickRule,
    #[serde(default)]
    #[schema(value_type = Vec<i64>)]
    pub members: Vec<PersonId>,
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(get_one, replace))
}

async fn fields(state: &AppState, actor: Actor, body: RoleBody) -> Result<RoleFields, ApiError> {
    let mut problems = Problems::default();
    let name = problems.text("name", &body.name, 200);
    let people = people_of(&*state.engine.store, actor.org).await?;
    for (i, member) in body.members.iter().enumerate() {
        if !people.contains(member) {
            problems.add(format!("members[{i}]"), format!("no person {member} in this organization"));
        } else if body.members[..i].contains(member) {
            problems.add(format!("members[{i}]"), format!("{member} is listed twice"));
        }
    }
    problems.finish()?;
    Ok(RoleFields { name, pick: body.pick, members: body.members })
}

fn name_taken(e: StoreError) -> ApiError {
    match e {
        StoreError::Conflict(_) => ApiError::conflict("a role with that name already exists"),
        other => other.into(),
    }
}

/// Every role of the organization.
#[utoipa::path(get, operation_id = "list_roles", path = "/roles", tag = "roles",
    responses((status = 200, body = Vec<RoleView>)))]
async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    _: NoQuery,
) -> Result<Json<Vec<RoleView>>, ApiError> {
    let roles = state.engine.store.list_roles(actor.org).await?;
    Ok(Json(roles.into_iter().map(RoleView::from).collect()))
}

/// Adds a role (managers only).
#[utoipa::path(post, operation_id = "create_role", path = "/roles", tag = "roles", request_body = RoleBody,
    responses((status = 201, body = RoleView)))]
async fn create(
    State(state): State<AppState>,
    Manager(actor): Manager,
    ApiJson(body): ApiJson<RoleBody>,
) -> Result<(StatusCode, Json<RoleView>), ApiError> {
    let fields = fields(&state, actor, body).await?;
    let store = &state.engine.store;
    let id = store.create_role(actor.org, &fields).await.map_err(name_taken)?;
    let role = store.get_role(actor.org, id).await?;
    Ok((StatusCode::CREATED, Json(role.into())))
}

/// One role.
#[utoipa::path(get, operation_id = "get_role", path = "/roles/{id}", tag = "roles",
    params(("id" = i64, Path, description = "Role id")),
    responses((status = 200, body = RoleView)))]
async fn get_one(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<RoleId>,
) -> Result<Json<RoleView>, ApiError> {
    Ok(Json(state.engine.store.get_role(actor.org, id).await?.into()))
}

/// Replaces a role's name, pick rule and members (managers only).
#[utoipa::path(put, operation_id = "replace_role", path = "/roles/{id}", tag = "roles", request_body = RoleBody,
    params(("id" = i64, Path, description = "Role id")),
    responses((status = 200, body = RoleView)))]
async fn replace(
    State(state): State<AppState>,
    Manager(actor): Manager,
    ApiPath(id): ApiPath<RoleId>,
    ApiJson(body): ApiJson<RoleBody>,
) -> Result<Json<RoleView>, ApiError> {
    let store = &state.engine.store;
    store.get_role(actor.org, id).await?;
    let fields = fields(&state, actor, body).await?;
    store.update_role(actor.org, id, &fields).await.map_err(name_taken)?;
    Ok(Json(store.get_role(actor.org, id).await?.into()))
}
