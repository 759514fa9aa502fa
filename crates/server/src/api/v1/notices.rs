//! Each person's in-app notification list: everything they were told about, on whichever
//! channels, newest first, read or unread.

use super::enums::NoticeKindDoc;
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use axum::Json;
use axum::extract::State;
use jiff::Timestamp;
use proofline_core::notice::NoticeKind;
use proofline_core::{ProcessId, RunId, TaskId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const DEFAULT_PAGE: u32 = 50;
const MAX_PAGE: u32 = 200;

/// One notice in a person's list.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeView {
    pub id: i64,
    #[serde(rename = "type")]
    #[schema(value_type = NoticeKindDoc)]
    pub kind: NoticeKind,
    /// What happened and what to do, as the email subject says it.
    pub title: String,
    /// Where to act.
    pub url: String,
    #[schema(value_type = Option<i64>)]
    pub task: Option<TaskId>,
    #[schema(value_type = Option<i64>)]
    pub run: Option<RunId>,
    #[schema(value_type = Option<i64>)]
    pub process: Option<ProcessId>,
    pub created_at: Timestamp,
    pub read_at: Option<Timestamp>,
}

/// A page of the list, with how many are unread in all.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticePage {
    pub unread: u64,
    pub items: Vec<NoticeView>,
    /// Pass as `before` for the next (older) page; null on the last page.
    pub next_before: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NoticeQuery {
    /// Only unread notices.
    #[serde(default)]
    pub unread: bool,
    /// Only notices older than this id (from `next_before`).
    pub before: Option<i64>,
    /// How many (1–200, default 50).
    pub limit: Option<u32>,
}

/// Which notices to mark read; leave `ids` out to mark every one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkReadBody {
    #[serde(default)]
    pub ids: Vec<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MarkedView {
    /// How many changed from unread to read.
    pub marked: u64,
    pub unread: u64,
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(mark_read))
}

/// My notifications, newest first.
#[utoipa::path(get, operation_id = "my_notices", path = "/me/notices", tag = "notifications",
    params(NoticeQuery), responses((status = 200, body = NoticePage)))]
async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(query): ApiQuery<NoticeQuery>,
) -> Result<Json<NoticePage>, ApiError> {
    let limit = query.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::invalid_field("limit", format!("must be 1 to {MAX_PAGE}")));
    }
    let engine = &state.engine;
    let notices = engine.store.list_notices(actor.org, actor.person, query.unread, query.before, limit).await?;
    let lines = engine.notice_lines(actor.org, &notices).await?;
    let next_before = (notices.len() as u32 == limit).then(|| notices.last().map(|n| n.id)).flatten();
    let items = notices
        .into_iter()
        .zip(lines)
        .map(|(n, line)| NoticeView {
            id: n.id,
            kind: n.kind,
            title: line.title,
            url: line.url,
            task: n.task,
            run: n.run,
            process: n.process,
            created_at: n.created_at,
            read_at: n.read_at,
        })
        .collect();
    let unread = engine.store.unread_count(actor.org, actor.person).await?;
    Ok(Json(NoticePage { unread, items, next_before }))
}

/// Marks some or all of my notifications read.
#[utoipa::path(post, operation_id = "mark_notices_read", path = "/me/notices/read", tag = "notifications",
    request_body = MarkReadBody, responses((status = 200, body = MarkedView)))]
async fn mark_read(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<MarkReadBody>,
) -> Result<Json<MarkedView>, ApiError> {
    if body.ids.len() > 1_000 {
        return Err(ApiError::invalid_field("ids", "at most 1000 at a time; leave it out to mark everything"));
    }
    let store = &state.engine.store;
    let marked = store.mark_read(actor.org, actor.person, &body.ids, state.engine.now()).await?;
    let unread = store.unread_count(actor.org, actor.person).await?;
    Ok(Json(MarkedView { marked, unread }))
}
