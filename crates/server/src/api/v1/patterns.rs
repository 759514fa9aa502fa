//! Patterns: repeated failures found in history, with the runs that show them, and what
//! owners decided about each.

use crate::AppState;
use crate::auth::{Manager, Overseer};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use jiff::Timestamp;
use proofline_core::pattern::{PatternKind, Point, Severity};
use proofline_core::{PersonId, ProcessId, RunId};
use proofline_store::{PatternQuery, PatternRecord, PatternState};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// A repeated failure and where the owner has put it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PatternView {
    pub id: i64,
    /// Names the pattern across detection passes, e.g. `step_misses:12:3`.
    pub key: String,
    #[schema(value_type = PatternKindDoc)]
    pub kind: PatternKind,
    #[schema(value_type = i64)]
    pub process: ProcessId,
    /// The step's position (0-based), when the pattern is about one step.
    pub step: Option<u16>,
    #[schema(value_type = Option<i64>)]
    pub person: Option<PersonId>,
    #[schema(value_type = SeverityDoc)]
    pub severity: Severity,
    /// What was found, in plain words.
    pub sentence: String,
    pub first_seen: Timestamp,
    pub last_seen: Timestamp,
    /// The runs that show it, oldest first.
    #[schema(value_type = Vec<i64>)]
    pub runs: Vec<RunId>,
    /// The chance of seeing this much by luck alone.
    pub p_value: f64,
    /// The evidence as a small series: 1 for a miss and 0 for on time, or the readings.
    #[schema(value_type = Vec<PointDoc>)]
    pub series: Vec<Point>,
    /// The allowed range of a reading, as (min, max).
    #[schema(value_type = Option<Vec<Option<f64>>>)]
    pub range: Option<(Option<f64>, Option<f64>)>,
    #[schema(value_type = PatternStateDoc)]
    pub state: PatternState,
    pub note: Option<String>,
    #[schema(value_type = Option<i64>)]
    pub decided_by: Option<PersonId>,
    pub decided_at: Option<Timestamp>,
    pub opened_at: Timestamp,
}

impl From<PatternRecord> for PatternView {
    fn from(p: PatternRecord) -> PatternView {
        PatternView {
            id: p.id,
            key: p.key,
            kind: p.kind,
            process: p.process,
            step: p.step,
            person: p.person,
            severity: p.severity,
            sentence: p.sentence,
            first_seen: p.first_seen,
            last_seen: p.last_seen,
            runs: p.runs,
            p_value: p.p_value,
            series: p.series,
            range: p.range,
            state: p.state,
            note: p.note,
            decided_by: p.decided_by,
            decided_at: p.decided_at,
            opened_at: p.opened_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PatternListQuery {
    /// `open`, `acknowledged` or `resolved`; every state when left out.
    pub state: Option<String>,
    /// Only this process's patterns.
    pub process: Option<i64>,
    /// How many (1–500, default 100).
    pub limit: Option<u32>,
}

/// A new state for a pattern.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatternStateBody {
    /// `open`, `acknowledged` or `resolved`.
    pub state: String,
    /// Required to acknowledge (what is being done) or resolve (what fixed it).
    #[serde(default)]
    pub note: String,
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(get_one)).routes(routes!(set_state))
}

fn state_named(field: &str, text: &str) -> Result<PatternState, ApiError> {
    PatternState::parse(text.trim())
        .ok_or_else(|| ApiError::invalid_field(field, "must be one of open, acknowledged, resolved"))
}

/// Patterns of the organization, most severe and most recent first.
#[utoipa::path(get, operation_id = "list_patterns", path = "/patterns", tag = "patterns",
    params(PatternListQuery), responses((status = 200, body = Vec<PatternView>)))]
async fn list(
    State(state): State<AppState>,
    Overseer(actor): Overseer,
    ApiQuery(query): ApiQuery<PatternListQuery>,
) -> Result<Json<Vec<PatternView>>, ApiError> {
    let limit = query.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::invalid_field("limit", "must be 1 to 500"));
    }
    let states = match query.state.as_deref() {
        Some(text) => vec![state_named("state", text)?],
        None => Vec::new(),
    };
    let query = PatternQuery { states, process: query.process.map(ProcessId), limit };
    let patterns = state.engine.store.list_patterns(actor.org, &query).await?;
    Ok(Json(patterns.into_iter().map(PatternView::from).collect()))
}

/// One pattern with its evidence.
#[utoipa::path(get, operation_id = "get_pattern", path = "/patterns/{id}", tag = "patterns",
    params(("id" = i64, Path, description = "Pattern id")),
    responses((status = 200, body = PatternView), (status = 404, description = "No such pattern here")))]
async fn get_one(
    State(state): State<AppState>,
    Overseer(actor): Overseer,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<PatternView>, ApiError> {
    Ok(Json(state.engine.store.get_pattern(actor.org, id).await?.into()))
}

/// Acknowledges a pattern with what is being done, resolves it with what fixed it, or
/// opens it again (managers and owners). A resolved pattern also opens again by itself
/// when new runs show it.
#[utoipa::path(post, operation_id = "set_pattern_state", path = "/patterns/{id}/state", tag = "patterns",
    params(("id" = i64, Path, description = "Pattern id")), request_body = PatternStateBody,
    responses((status = 200, body = PatternView), (status = 422, description = "Unknown state or missing note")))]
async fn set_state(
    State(state): State<AppState>,
    Manager(actor): Manager,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<PatternStateBody>,
) -> Result<Json<PatternView>, ApiError> {
    let new_state = state_named("state", &body.state)?;
    Ok(Json(state.engine.decide_pattern(actor, id, new_state, &body.note).await?.into()))
}

/// What kind of repeated failure a pattern is.
#[derive(ToSchema)]
#[schema(as = PatternKind, rename_all = "snake_case")]
#[allow(dead_code)]
pub enum PatternKindDoc {
    StepMisses,
    PersonMisses,
    Weekday,
    HourOfDay,
    Shift,
    Rejections,
    Drift,
    LeadTime,
    BrokenChain,
}

#[derive(ToSchema)]
#[schema(as = Severity, rename_all = "snake_case")]
#[allow(dead_code)]
pub enum SeverityDoc {
    Low,
    Medium,
    High,
}

#[derive(ToSchema)]
#[schema(as = PatternState, rename_all = "snake_case")]
#[allow(dead_code)]
pub enum PatternStateDoc {
    Open,
    Acknowledged,
    Resolved,
}

/// One point of a pattern's evidence.
#[derive(ToSchema)]
#[schema(as = Point)]
#[allow(dead_code)]
pub struct PointDoc {
    at: Timestamp,
    value: f64,
}
