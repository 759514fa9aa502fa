//! Connected endpoints: signed webhooks to other systems, Slack and Teams channels. The
//! signing secret is shown when an endpoint is created or its secret rotated, never again.

use super::enums::{ChannelDoc, NoticeKindDoc};
use crate::AppState;
use crate::auth::Manager;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, NoQuery};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use proofline_core::notice::{Channel, NoticeKind};
use proofline_engine::EndpointInput;
use proofline_store::EndpointRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// An endpoint as listed; its secret is never shown here.
#[derive(Debug, Serialize, ToSchema)]
pub struct EndpointView {
    pub id: i64,
    #[schema(value_type = ChannelDoc)]
    pub channel: Channel,
    pub name: String,
    pub url: String,
    /// The event types it receives; empty means all that endpoints receive.
    #[schema(value_type = Vec<NoticeKindDoc>)]
    pub events: Vec<NoticeKind>,
    pub active: bool,
    pub created_at: Timestamp,
}

impl From<EndpointRecord> for EndpointView {
    fn from(e: EndpointRecord) -> EndpointView {
        EndpointView {
            id: e.id,
            channel: e.channel,
            name: e.name,
            url: e.url,
            events: e.events,
            active: e.active,
            created_at: e.created_at,
        }
    }
}

/// An endpoint with the secret its receiver verifies signatures with (webhooks only).
#[derive(Debug, Serialize, ToSchema)]
pub struct EndpointWithSecret {
    #[serde(flatten)]
    pub endpoint: EndpointView,
    /// `whsec_…`; shown only in this answer. Null for Slack and Teams.
    pub secret: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointBody {
    #[schema(value_type = ChannelDoc)]
    pub channel: Channel,
    pub name: String,
    /// Where to POST: the receiver's URL, or the chat tool's incoming-webhook URL.
    pub url: String,
    #[serde(default)]
    #[schema(value_type = Vec<NoticeKindDoc>)]
    pub events: Vec<NoticeKind>,
    #[serde(default = "yes")]
    #[schema(default = true)]
    pub active: bool,
    /// On update: issue a new signing secret (the old one stops working at once).
    #[serde(default)]
    pub rotate_secret: bool,
}

fn yes() -> bool {
    true
}

impl EndpointBody {
    fn into_input(self) -> (EndpointInput, bool) {
        let input = EndpointInput {
            channel: self.channel,
            name: self.name,
            url: self.url,
            events: self.events,
            active: self.active,
        };
        (input, self.rotate_secret)
    }
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(get_one, replace, delete))
}

fn with_secret(endpoint: EndpointRecord, secret: String) -> EndpointWithSecret {
    EndpointWithSecret { endpoint: endpoint.into(), secret: (!secret.is_empty()).then_some(secret) }
}

/// The organization's endpoints (managers).
#[utoipa::path(get, operation_id = "list_endpoints", path = "/endpoints", tag = "notifications",
    responses((status = 200, body = Vec<EndpointView>)))]
async fn list(
    State(state): State<AppState>,
    Manager(actor): Manager,
    _: NoQuery,
) -> Result<Json<Vec<EndpointView>>, ApiError> {
    let endpoints = state.engine.store.list_endpoints(actor.org).await?;
    Ok(Json(endpoints.into_iter().map(EndpointView::from).collect()))
}

/// Connects an endpoint (managers); a webhook's answer carries its signing secret.
#[utoipa::path(post, operation_id = "create_endpoint", path = "/endpoints", tag = "notifications",
    request_body = EndpointBody, responses((status = 201, body = EndpointWithSecret)))]
async fn create(
    State(state): State<AppState>,
    Manager(actor): Manager,
    ApiJson(body): ApiJson<EndpointBody>,
) -> Result<(StatusCode, Json<EndpointWithSecret>), ApiError> {
    if body.rotate_secret {
        return Err(ApiError::invalid_field("rotate_secret", "a new endpoint gets a fresh secret anyway"));
    }
    let (input, _) = body.into_input();
    let (id, secret) = state.engine.create_endpoint(actor, input).await?;
    let endpoint = state.engine.store.get_endpoint(actor.org, id).await?;
    Ok((StatusCode::CREATED, Json(with_secret(endpoint, secret))))
}

/// One endpoint (managers).
#[utoipa::path(get, operation_id = "get_endpoint", path = "/endpoints/{id}", tag = "notifications",
    params(("id" = i64, Path, description = "Endpoint id")), responses((status = 200, body = EndpointView)))]
async fn get_one(
    State(state): State<AppState>,
    Manager(actor): Manager,
    ApiPath(id): ApiPath<i64>,
    _: NoQuery,
) -> Result<Json<EndpointView>, ApiError> {
    Ok(Json(state.engine.store.get_endpoint(actor.org, id).await?.into()))
}

/// Replaces an endpoint's settings (managers). The secret is kept unless `rotate_secret`;
/// the answer shows it only when it was rotated.
#[utoipa::path(put, operation_id = "replace_endpoint", path = "/endpoints/{id}", tag = "notifications",
    params(("id" = i64, Path, description = "Endpoint id")),
    request_body = EndpointBody, responses((status = 200, body = EndpointWithSecret)))]
async fn replace(
    State(state): State<AppState>,
    Manager(actor): Manager,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<EndpointBody>,
) -> Result<Json<EndpointWithSecret>, ApiError> {
    let (input, rotate) = body.into_input();
    let issued = state.engine.update_endpoint(actor, id, input, rotate).await?;
    let endpoint = state.engine.store.get_endpoint(actor.org, id).await?;
    Ok(Json(EndpointWithSecret { endpoint: endpoint.into(), secret: issued }))
}

/// Disconnects an endpoint (managers); deliveries still waiting for it fail.
#[utoipa::path(delete, operation_id = "delete_endpoint", path = "/endpoints/{id}", tag = "notifications",
    params(("id" = i64, Path, description = "Endpoint id")), responses((status = 204)))]
async fn delete(
    State(state): State<AppState>,
    Manager(actor): Manager,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    state.engine.store.delete_endpoint(actor.org, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
