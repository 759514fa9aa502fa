//! Figures: a process by week, month or year; every system rolled up with its nested
//! systems, with how each system's goals fared; every person. Each as JSON or as CSV for a
//! spreadsheet.

use crate::AppState;
use crate::auth::Overseer;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::numbers::{people_csv, process_csv, span, system_csv};
use axum::Json;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use proofline_core::ProcessId;
use proofline_core::metrics::{Direction, KpiSeries, Period, PersonFigures, ProcessPeriod, SystemPeriod};
use proofline_engine::{Actor, GoalCheck};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SpanQuery {
    /// `week`, `month` or `year` (default `week` for a process, `month` for systems).
    pub period: Option<String>,
    /// A date (local midnight) or an instant; default: the start of the last 12 weeks,
    /// 12 months or 3 years.
    pub from: Option<String>,
    /// A date or an instant; default: now.
    pub to: Option<String>,
}

/// A process's figures: one entry per period with runs, each numeric proof field as a
/// series, and when misses happen.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcessMetricsView {
    #[schema(value_type = i64)]
    pub process: ProcessId,
    /// The zone the periods follow (the process's schedule's).
    pub zone: String,
    pub from: Timestamp,
    pub to: Timestamp,
    /// Oldest first: `start`, `starts_at`, `ends_at`, `figures` (runs_due, runs_on_time,
    /// runs_late, runs_unresolved, runs_skipped, on_time_rate, escalations by level,
    /// exceptions, rejections, lead_time_median_secs, lead_time_p90_secs) and `kpis`.
    #[schema(value_type = Vec<Object>)]
    pub periods: Vec<ProcessPeriod>,
    /// Every reading of each numeric proof field, with its label, unit and range.
    #[schema(value_type = Vec<Object>)]
    pub kpis: Vec<KpiSeries>,
    /// Misses by local weekday (Monday first) and hour of the deadline.
    pub misses: Vec<Vec<u32>>,
}

/// A system's figures for one period, its nested systems included.
#[derive(Debug, Serialize, ToSchema)]
pub struct SystemMetricsView {
    pub name: String,
    #[schema(value_type = Object)]
    #[serde(flatten)]
    pub period: SystemPeriod,
    /// Each of the system's goals judged for this period, in the system's order.
    pub goals: Vec<GoalStatusView>,
}

/// One goal in one period. `value`, `met` and `gap` are null when the period has no such
/// value (nothing due, no readings).
#[derive(Debug, Serialize, ToSchema)]
pub struct GoalStatusView {
    pub name: String,
    /// In the source's unit: a fraction for `on_time_rate`, seconds for lead times.
    pub value: Option<f64>,
    pub target: f64,
    /// `at_least` or `at_most`.
    #[schema(value_type = String)]
    pub direction: Direction,
    pub met: Option<bool>,
    /// How far the value falls short of the target: positive when missed, zero or negative
    /// (the margin) when met.
    pub gap: Option<f64>,
}

impl From<GoalCheck> for GoalStatusView {
    fn from(check: GoalCheck) -> GoalStatusView {
        GoalStatusView {
            name: check.goal.name,
            value: check.value,
            target: check.goal.target,
            direction: check.goal.direction,
            met: check.status.map(|s| s.met),
            gap: check.status.map(|s| s.gap),
        }
    }
}

/// A person's figures over the span.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonMetricsView {
    pub name: String,
    #[schema(value_type = Object)]
    #[serde(flatten)]
    pub figures: PersonFigures,
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(process_metrics))
        .routes(routes!(process_metrics_csv))
        .routes(routes!(system_metrics))
        .routes(routes!(system_metrics_csv))
        .routes(routes!(people_metrics))
        .routes(routes!(people_metrics_csv))
}

fn period_of(query: &SpanQuery, default: Period) -> Result<Period, ApiError> {
    match query.period.as_deref() {
        None => Ok(default),
        Some(text) => {
            Period::parse(text.trim()).ok_or_else(|| ApiError::invalid_field("period", "must be week, month or year"))
        }
    }
}

fn span_of(
    query: &SpanQuery,
    period: Period,
    state: &AppState,
    zone: &TimeZone,
) -> Result<(Timestamp, Timestamp), ApiError> {
    span(period, query.from.as_deref(), query.to.as_deref(), state.engine.now(), zone)
        .map_err(|(field, message)| ApiError::invalid_field(field, message))
}

fn csv_file(name: &str, body: String) -> Response {
    (
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        body,
    )
        .into_response()
}

async fn load_process(
    state: &AppState,
    actor: Actor,
    id: ProcessId,
    query: &SpanQuery,
) -> Result<ProcessMetricsView, ApiError> {
    let period = period_of(query, Period::Week)?;
    let engine = &state.engine;
    let process = engine.store.get_process(actor.org, id).await?;
    let zone = engine.process_zone(actor.org, &process.definition).await?;
    let (from, to) = span_of(query, period, state, &zone)?;
    let numbers = engine.process_numbers(actor.org, id, period, from, to).await?;
    Ok(ProcessMetricsView {
        process: id,
        zone: numbers.zone.iana_name().unwrap_or("UTC").to_string(),
        from,
        to,
        periods: numbers.periods,
        kpis: numbers.kpis,
        misses: numbers.misses.iter().map(|day| day.to_vec()).collect(),
    })
}

/// A process's figures by week (or month, year) over a span.
#[utoipa::path(get, operation_id = "process_metrics", path = "/processes/{id}/metrics", tag = "metrics",
    params(("id" = i64, Path, description = "Process id"), SpanQuery),
    responses((status = 200, body = ProcessMetricsView)))]
async fn process_metrics(
    State(state): State<AppState>,
    Overseer(actor): Overseer,
    ApiPath(id): ApiPath<ProcessId>,
    ApiQuery(query): ApiQuery<SpanQuery>,
) -> Result<Json<ProcessMetricsView>, ApiError> {
    Ok(Json(load_process(&state, actor, id, &query).await?))
}

/// The same figures as CSV: one row per period, four columns per numeric proof field.
#[utoipa::path(get, operation_id = "process_metrics_csv", path = "/processes/{id}/metrics.csv", tag = "metrics",
    params(("id" = i64, Path, description = "Process id"), SpanQuery),
    responses((status = 200, content_type = "text/csv", body = String)))]
async fn process_metrics_csv(
    State(state): State<AppState>,
    Overseer(actor): Overseer,
    ApiPath(id): ApiPath<ProcessId>,
    ApiQuery(query): ApiQuery<SpanQuery>,
) -> Result<Response, ApiError> {
    let view = load_process(&state, actor, id, &query).await?;
    Ok(csv_file(&format!("process-{id}-metrics.csv"), process_csv(&view.periods, &view.kpis)))
}

async fn load_systems(state: &AppState, actor: Actor, query: &SpanQuery) -> Result<Vec<SystemMetricsView>, ApiError> {
    let period = period_of(query, Period::Month)?;
    let zone = state.engine.org_zone(actor.org).await?;
    let (from, to) = span_of(query, period, state, &zone)?;
    let systems = state.engine.store.list_systems(actor.org).await?;
    let periods = state.engine.system_numbers(actor.org, period, from, to).await?;
    let checks = state.engine.goal_checks(actor.org, &systems, &periods).await?;
    let names: std::collections::HashMap<_, _> = systems.into_iter().map(|s| (s.id, s.name)).collect();
    Ok(periods
        .into_iter()
        .zip(checks)
        .map(|(period, checks)| SystemMetricsView {
            name: names.get(&period.system).cloned().unwrap_or_default(),
            period,
            goals: checks.into_iter().map(GoalStatusView::from).collect(),
        })
        .collect())
}

/// Every system's figures by month (or week, year), each including its nested systems.
#[utoipa::path(get, operation_id = "system_metrics", path = "/systems/metrics", tag = "metrics",
    params(SpanQuery), responses((status = 200, body = Vec<SystemMetricsView>)))]
async fn system_metrics(
    State(state): State<AppState>,
    Overseer(actor): Overseer,
    ApiQuery(query): ApiQuery<SpanQuery>,
) -> Result<Json<Vec<SystemMetricsView>>, ApiError> {
    Ok(Json(load_systems(&state, actor, &query).await?))
}

/// The same as CSV: one row per system and period.
#[utoipa::path(get, operation_id = "system_metrics_csv", path = "/systems/metrics.csv", tag = "metrics",
    params(SpanQuery), responses((status = 200, content_type = "text/csv", body = String)))]
async fn system_metrics_csv(
    State(state): State<AppState>,
    Overseer(actor): Overseer,
    ApiQuery(query): ApiQuery<SpanQuery>,
) -> Result<Response, ApiError> {
    let views = load_systems(&state, actor, &query).await?;
    let names = views.iter().map(|v| (v.period.system, v.name.clone())).collect();
    let periods: Vec<SystemPeriod> = views.into_iter().map(|v| v.period).collect();
    Ok(csv_file("systems-metrics.csv", system_csv(&periods, &names)))
}

async fn load_people(state: &AppState, actor: Actor, query: &SpanQuery) -> Result<Vec<PersonMetricsView>, ApiError> {
    let period = period_of(query, Period::Week)?;
    let zone = state.engine.org_zone(actor.org).await?;
    let (from, to) = span_of(query, period, state, &zone)?;
    let names: std::collections::HashMap<_, _> =
        state.engine.store.list_people(actor.org).await?.into_iter().map(|p| (p.id, p.name)).collect();
    let figures = state.engine.people_numbers(actor.org, from, to).await?;
    Ok(figures
        .into_iter()
        .map(|figures| PersonMetricsView { name: names.get(&figures.person).cloned().unwrap_or_default(), figures })
        .collect())
}

/// Each person's on-time rate, and the work moved to them and away from them.
#[utoipa::path(get, operation_id = "people_metrics", path = "/people/metrics", tag = "metrics",
    params(SpanQuery), responses((status = 200, body = Vec<PersonMetricsView>)))]
async fn people_metrics(
    State(state): State<AppState>,
    Overseer(actor): Overseer,
    ApiQuery(query): ApiQuery<SpanQuery>,
) -> Result<Json<Vec<PersonMetricsView>>, ApiError> {
    Ok(Json(load_people(&state, actor, &query).await?))
}

/// The same as CSV: one row per person.
#[utoipa::path(get, operation_id = "people_metrics_csv", path = "/people/metrics.csv", tag = "metrics",
    params(SpanQuery), responses((status = 200, content_type = "text/csv", body = String)))]
async fn people_metrics_csv(
    State(state): State<AppState>,
    Overseer(actor): Overseer,
    ApiQuery(query): ApiQuery<SpanQuery>,
) -> Result<Response, ApiError> {
    let views = load_people(&state, actor, &query).await?;
    let names = views.iter().map(|v| (v.figures.person, v.name.clone())).collect();
    let figures: Vec<PersonFigures> = views.into_iter().map(|v| v.figures).collect();
    Ok(csv_file("people-metrics.csv", people_csv(&figures, &names)))
}
