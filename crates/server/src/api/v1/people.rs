//! People of the organization: who does the work, who manages whom, who is away.

use super::enums::AccessDoc;
use crate::AppState;
use crate::auth::{Caller, Manager};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, NoQuery};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use proofline_core::PersonId;
use proofline_core::access::Access;
use proofline_store::{Person, PersonFields};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonView {
    #[schema(value_type = i64)]
    pub id: PersonId,
    pub name: String,
    pub email: String,
    #[schema(value_type = AccessDoc)]
    pub access: Access,
    /// Who missed work escalates to when a chain says "manager".
    #[schema(value_type = Option<i64>)]
    pub manager: Option<PersonId>,
    /// Escalation and roles skip the person until then.
    pub away_until: Option<Timestamp>,
    pub active: bool,
}

impl From<Person> for PersonView {
    fn from(p: Person) -> PersonView {
        PersonView {
            id: p.id,
            name: p.name,
            email: p.email,
            access: p.access,
            manager: p.manager,
            away_until: p.away_until,
            active: p.active,
        }
    }
}

/// A person as created or replaced.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonBody {
    pub name: String,
    pub email: String,
    #[serde(default)]
    #[schema(value_type = AccessDoc, default = "member")]
    pub access: Access,
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub manager: Option<PersonId>,
    /// RFC 3339, or null when present.
    #[serde(default)]
    pub away_until: Option<Timestamp>,
    #[serde(default = "yes")]
    #[schema(default = true)]
    pub active: bool,
}

fn yes() -> bool {
    true
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(get_one, replace))
}

fn fields(body: PersonBody) -> PersonFields {
    PersonFields {
        name: body.name,
        email: body.email,
        access: body.access,
        manager: body.manager,
        away_until: body.away_until,
        active: body.active,
    }
}

/// Everyone in the organization.
#[utoipa::path(get, operation_id = "list_people", path = "/people", tag = "people",
    responses((status = 200, body = Vec<PersonView>)))]
async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    _: NoQuery,
) -> Result<Json<Vec<PersonView>>, ApiError> {
    let people = state.engine.store.list_people(actor.org).await?;
    Ok(Json(people.into_iter().map(PersonView::from).collect()))
}

/// Adds a person (managers only).
#[utoipa::path(post, operation_id = "create_person", path = "/people", tag = "people", request_body = PersonBody,
    responses((status = 201, body = PersonView), (status = 409, description = "Email taken")))]
async fn create(
    State(state): State<AppState>,
    Manager(actor): Manager,
    ApiJson(body): ApiJson<PersonBody>,
) -> Result<(StatusCode, Json<PersonView>), ApiError> {
    let id = state.engine.save_person(actor, None, fields(body)).await?;
    let person = state.engine.store.get_person(actor.org, id).await?;
    Ok((StatusCode::CREATED, Json(person.into())))
}

/// One person.
#[utoipa::path(get, operation_id = "get_person", path = "/people/{id}", tag = "people",
    params(("id" = i64, Path, description = "Person id")),
    responses((status = 200, body = PersonView)))]
async fn get_one(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<PersonId>,
) -> Result<Json<PersonView>, ApiError> {
    let person = state.engine.store.get_person(actor.org, id).await?;
    Ok(Json(person.into()))
}

/// Replaces a person's details (managers only; an owner's record only by an owner).
#[utoipa::path(put, operation_id = "replace_person", path = "/people/{id}", tag = "people", request_body = PersonBody,
    params(("id" = i64, Path, description = "Person id")),
    responses((status = 200, body = PersonView)))]
async fn replace(
    State(state): State<AppState>,
    Manager(actor): Manager,
    ApiPath(id): ApiPath<PersonId>,
    ApiJson(body): ApiJson<PersonBody>,
) -> Result<Json<PersonView>, ApiError> {
    state.engine.save_person(actor, Some(id), fields(body)).await?;
    Ok(Json(state.engine.store.get_person(actor.org, id).await?.into()))
}
