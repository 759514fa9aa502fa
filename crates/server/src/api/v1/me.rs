//! The signed-in person's view: who they are, the work they hold, and (for process
//! owners) the inbox of tasks nobody resolved.

use super::people::PersonView;
use super::tasks::TaskView;
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::NoQuery;
use axum::Json;
use axum::extract::State;
use jiff::Timestamp;
use proofline_core::PersonId;
use proofline_core::task::TaskState;
use proofline_store::TaskQuery;
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Who a token speaks for.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeView {
    pub person: PersonView,
    pub org: OrgView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgView {
    pub id: i64,
    pub name: String,
    /// The zone for rules written without one.
    pub zone: String,
}

/// A person named in a history.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonRef {
    #[schema(value_type = i64)]
    pub id: PersonId,
    pub name: String,
}

/// One move in a task's life: when, what, and who had it before and after.
#[derive(Debug, Serialize, ToSchema)]
pub struct Move {
    pub at: Timestamp,
    pub kind: String,
    pub from: Option<PersonRef>,
    pub to: Option<PersonRef>,
}

/// An unresolved task with how it got here.
#[derive(Debug, Serialize, ToSchema)]
pub struct InboxItem {
    #[serde(flatten)]
    pub task: TaskView,
    pub history: Vec<Move>,
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(me)).routes(routes!(my_tasks)).routes(routes!(inbox))
}

/// The person and organization the token belongs to.
#[utoipa::path(get, operation_id = "me", path = "/me", tag = "me", responses((status = 200, body = MeView)))]
async fn me(State(state): State<AppState>, Caller(actor): Caller) -> Result<Json<MeView>, ApiError> {
    let store = &state.engine.store;
    let person = store.get_person(actor.org, actor.person).await?;
    let org = store.get_org(actor.org).await?;
    Ok(Json(MeView { person: person.into(), org: OrgView { id: org.id.0, name: org.name, zone: org.zone } }))
}

/// My work: open, unresolved and waiting tasks I hold, soonest due first.
#[utoipa::path(get, operation_id = "my_tasks", path = "/me/tasks", tag = "me",
    responses((status = 200, body = Vec<TaskView>)))]
async fn my_tasks(
    State(state): State<AppState>,
    Caller(actor): Caller,
    _: NoQuery,
) -> Result<Json<Vec<TaskView>>, ApiError> {
    let query = TaskQuery {
        holder: Some(actor.person),
        states: vec![TaskState::Open, TaskState::Unresolved, TaskState::Waiting],
        ..TaskQuery::default()
    };
    let mut tasks = state.engine.store.list_tasks(actor.org, &query).await?;
    tasks.sort_by_key(|t| (t.due_at, t.id));
    Ok(Json(TaskView::many(&state, tasks).await?))
}

/// Tasks every escalation level missed, now held by me as process owner, each with who
/// had it and when it moved.
#[utoipa::path(get, operation_id = "inbox", path = "/inbox", tag = "me",
    responses((status = 200, body = Vec<InboxItem>)))]
async fn inbox(
    State(state): State<AppState>,
    Caller(actor): Caller,
    _: NoQuery,
) -> Result<Json<Vec<InboxItem>>, ApiError> {
    let store = &state.engine.store;
    let query = TaskQuery { holder: Some(actor.person), states: vec![TaskState::Unresolved], ..TaskQuery::default() };
    let tasks = store.list_tasks(actor.org, &query).await?;
    let names: HashMap<PersonId, String> =
        store.list_people(actor.org).await?.into_iter().map(|p| (p.id, p.name)).collect();
    let named = |id: Option<PersonId>| id.map(|id| PersonRef { id, name: names.get(&id).cloned().unwrap_or_default() });
    let mut items = Vec::with_capacity(tasks.len());
    for task in TaskView::many(&state, tasks).await? {
        let events = store.task_history(actor.org, task.id).await?;
        let history = events
            .into_iter()
            .map(|e| Move { at: e.at, kind: e.kind, from: named(e.from_holder), to: named(e.to_holder) })
            .collect();
        items.push(InboxItem { task, history });
    }
    Ok(Json(items))
}
