//! The delivery log: every message handed (or still to be handed) to a channel, so a
//! manager can see what failed and why, and send it again once the cause is mended.

use super::enums::{ChannelDoc, DeliveryStateDoc, NoticeKindDoc};
use crate::AppState;
use crate::auth::Manager;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use jiff::Timestamp;
use proofline_core::notice::{Channel, NoticeKind};
use proofline_store::{DeliveryQuery, DeliveryRecord, DeliveryState};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const DEFAULT_PAGE: u32 = 100;
const MAX_PAGE: u32 = 500;

/// One message bound for one channel.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    pub id: i64,
    #[serde(rename = "type")]
    #[schema(value_type = NoticeKindDoc)]
    pub kind: NoticeKind,
    #[schema(value_type = ChannelDoc)]
    pub channel: Channel,
    /// The endpoint it goes to; null for email.
    pub endpoint: Option<i64>,
    /// The mailbox or URL.
    pub address: String,
    pub subject: String,
    #[schema(value_type = DeliveryStateDoc)]
    pub state: DeliveryState,
    pub attempts: u32,
    /// When it is next tried, while pending.
    pub next_attempt_at: Option<Timestamp>,
    pub last_error: Option<String>,
    pub sent_at: Option<Timestamp>,
    pub created_at: Timestamp,
}

impl From<DeliveryRecord> for DeliveryView {
    fn from(d: DeliveryRecord) -> DeliveryView {
        DeliveryView {
            id: d.id,
            kind: d.kind,
            channel: d.channel,
            endpoint: d.endpoint,
            address: d.address,
            subject: d.subject,
            next_attempt_at: (d.state == DeliveryState::Pending).then_some(d.next_attempt_at),
            state: d.state,
            attempts: d.attempts,
            last_error: d.last_error,
            sent_at: d.sent_at,
            created_at: d.created_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeliveryListQuery {
    /// `pending`, `sent` or `failed`; all when left out.
    #[param(value_type = Option<DeliveryStateDoc>)]
    pub state: Option<String>,
    /// How many, newest first (1–500, default 100).
    pub limit: Option<u32>,
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(retry))
}

/// Deliveries, newest first (managers).
#[utoipa::path(get, operation_id = "list_deliveries", path = "/deliveries", tag = "notifications",
    params(DeliveryListQuery), responses((status = 200, body = Vec<DeliveryView>)))]
async fn list(
    State(state): State<AppState>,
    Manager(actor): Manager,
    ApiQuery(query): ApiQuery<DeliveryListQuery>,
) -> Result<Json<Vec<DeliveryView>>, ApiError> {
    let limit = query.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::invalid_field("limit", format!("must be 1 to {MAX_PAGE}")));
    }
    let wanted = match query.state.as_deref() {
        None => None,
        Some(text) => Some(
            DeliveryState::parse(text)
                .ok_or_else(|| ApiError::invalid_field("state", "must be pending, sent or failed"))?,
        ),
    };
    let rows = state.engine.store.list_deliveries(actor.org, &DeliveryQuery { state: wanted, id: None, limit }).await?;
    Ok(Json(rows.into_iter().map(DeliveryView::from).collect()))
}

/// Sends a failed delivery again, with a fresh set of attempts (managers).
#[utoipa::path(post, operation_id = "retry_delivery", path = "/deliveries/{id}/retry", tag = "notifications",
    params(("id" = i64, Path, description = "Delivery id")),
    responses((status = 200, body = DeliveryView), (status = 409, description = "Not failed")))]
async fn retry(
    State(state): State<AppState>,
    Manager(actor): Manager,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DeliveryView>, ApiError> {
    state.engine.retry_delivery(actor, id).await?;
    let query = DeliveryQuery { state: None, id: Some(id), limit: 1 };
    let row = state.engine.store.list_deliveries(actor.org, &query).await?.pop();
    Ok(Json(row.ok_or_else(|| ApiError::not_found("no such delivery"))?.into()))
}
