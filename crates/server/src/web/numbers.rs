//! Numbers on the web. A process: on-time rate by period, each numeric proof field as a
//! trend with its allowed range, when misses happen, the figures as a table and as CSV.
//! Systems: each rolled up with its nested systems, by month or year, with its goals.

use super::charts::{Allowed, Heatmap, LineChart, RateChart, heatmap, line_chart, rate_chart};
use super::forms::WebPath;
use super::goals::{GoalLine, goal_line};
use super::page::{Chrome, PageError, render};
use super::patterns::{self, PatternItem};
use super::session::Viewer;
use crate::AppState;
use crate::numbers::{process_csv, span, system_csv};
use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use proofline_core::ProcessId;
use proofline_core::metrics::{Figures, Period, SystemPeriod, duration_words, rate_words};
use proofline_engine::{GoalCheck, ProcessNumbers};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
pub struct NumbersQuery {
    period: Option<String>,
    /// The people page's span.
    pub weeks: Option<String>,
}

#[derive(Serialize)]
struct Row {
    label: String,
    due: u32,
    on_time: u32,
    late: u32,
    unresolved: u32,
    skipped: u32,
    rate: String,
    escalated: u32,
    exceptions: u64,
    lead_median: String,
    lead_p90: String,
}

#[derive(Serialize)]
struct NumbersPage {
    chrome: Chrome,
    id: i64,
    name: String,
    period: &'static str,
    periods: [&'static str; 3],
    zone: String,
    rates: RateChart,
    kpis: Vec<LineChart>,
    misses: Heatmap,
    rows: Vec<Row>,
    patterns: Vec<PatternItem>,
}

fn period_label(period: Period, start: Date) -> String {
    match period {
        Period::Week => start.strftime("%-d %b").to_string(),
        Period::Month => start.strftime("%b %Y").to_string(),
        Period::Year => start.year().to_string(),
    }
}

fn row(period: Period, start: Date, f: &Figures) -> Row {
    Row {
        label: period_label(period, start),
        due: f.runs_due,
        on_time: f.runs_on_time,
        late: f.runs_late,
        unresolved: f.runs_unresolved,
        skipped: f.runs_skipped,
        rate: rate_words(f.on_time_rate),
        escalated: f.escalations.first().copied().unwrap_or(0),
        exceptions: f.exceptions,
        lead_median: f.lead_time_median_secs.map(duration_words).unwrap_or_default(),
        lead_p90: f.lead_time_p90_secs.map(duration_words).unwrap_or_default(),
    }
}

async fn load(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    query: &NumbersQuery,
) -> Result<(Period, String, ProcessNumbers), PageError> {
    viewer.require_oversight()?;
    let period = match query.period.as_deref() {
        None | Some("") => Period::Week,
        Some(text) => Period::parse(text).ok_or_else(|| PageError::bad_request("Show weeks, months or years."))?,
    };
    let org = viewer.actor.org;
    let process = state.engine.store.get_process(org, ProcessId(id)).await?;
    let zone = state.engine.process_zone(org, &process.definition).await?;
    let (from, to) = span(period, None, None, state.engine.now(), &zone).map_err(|(_, m)| PageError::bad_request(m))?;
    let numbers = state.engine.process_numbers(org, ProcessId(id), period, from, to).await?;
    Ok((period, process.definition.name, numbers))
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    WebPath(id): WebPath<i64>,
    Query(query): Query<NumbersQuery>,
) -> Result<Html<String>, PageError> {
    let (period, name, numbers) = load(&state, &viewer, id, &query).await?;
    let rates: Vec<(String, Option<f64>)> =
        numbers.periods.iter().map(|p| (period_label(period, p.start), p.figures.on_time_rate)).collect();
    let kpis = numbers
        .kpis
        .iter()
        .map(|k| {
            let readings: Vec<_> = k.points.iter().map(|p| (p.at, p.value)).collect();
            let title = format!("Step {}: {}", k.step + 1, k.label);
            let allowed = Allowed::from((k.range_min, k.range_max));
            line_chart(&title, &readings, allowed, k.unit.as_deref().unwrap_or(""), &numbers.zone)
        })
        .collect();
    let mut rows: Vec<Row> = numbers.periods.iter().map(|p| row(period, p.start, &p.figures)).collect();
    rows.reverse();
    let open = patterns::open_items(&state, &viewer, Some(ProcessId(id))).await?;
    render(
        "numbers.html",
        NumbersPage {
            chrome: Chrome::new(&viewer, "processes"),
            id,
            name,
            period: period.as_str(),
            periods: Period::ALL.map(Period::as_str),
            zone: numbers.zone.iana_name().unwrap_or("UTC").to_string(),
            rates: rate_chart("On time, by period", &rates),
            kpis,
            misses: heatmap("Misses by weekday and hour", &numbers.misses),
            rows,
            patterns: open,
        },
    )
}

pub async fn csv(
    State(state): State<AppState>,
    viewer: Viewer,
    WebPath(id): WebPath<i64>,
    Query(query): Query<NumbersQuery>,
) -> Result<Response, PageError> {
    let (period, _, numbers) = load(&state, &viewer, id, &query).await?;
    let body = process_csv(&numbers.periods, &numbers.kpis);
    let name = format!("attachment; filename=\"process-{id}-{}s.csv\"", period.as_str());
    Ok(([(CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (CONTENT_DISPOSITION, name)], body).into_response())
}

#[derive(Serialize)]
struct SystemNumbers {
    id: i64,
    name: String,
    rates: RateChart,
    rows: Vec<Row>,
    /// Each goal against the latest period with runs.
    goals: Vec<GoalLine>,
}

#[derive(Serialize)]
struct SystemsNumbersPage {
    chrome: Chrome,
    period: &'static str,
    periods: [&'static str; 2],
    zone: String,
    systems: Vec<SystemNumbers>,
}

/// Every system's periods by month (or year) over the default span, in the
/// organization's zone, and that zone's name.
async fn systems_numbers(
    state: &AppState,
    viewer: &Viewer,
    query: &NumbersQuery,
) -> Result<(Period, String, Vec<SystemPeriod>), PageError> {
    viewer.require_oversight()?;
    let period = match query.period.as_deref() {
        None | Some("") | Some("month") => Period::Month,
        Some("year") => Period::Year,
        Some(_) => return Err(PageError::bad_request("Show months or years.")),
    };
    let org = viewer.actor.org;
    let zone_name = state.engine.store.get_org(org).await?.zone;
    let zone = TimeZone::get(&zone_name).unwrap_or(TimeZone::UTC);
    let (from, to) = span(period, None, None, state.engine.now(), &zone).map_err(|(_, m)| PageError::bad_request(m))?;
    Ok((period, zone_name, state.engine.system_numbers(org, period, from, to).await?))
}

pub async fn systems_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<NumbersQuery>,
) -> Result<Response, PageError> {
    let (period, _, all) = systems_numbers(&state, &viewer, &query).await?;
    let names = state.engine.store.list_systems(viewer.actor.org).await?.into_iter().map(|s| (s.id, s.name)).collect();
    let body = system_csv(&all, &names);
    let name = format!("attachment; filename=\"systems-{}s.csv\"", period.as_str());
    Ok(([(CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (CONTENT_DISPOSITION, name)], body).into_response())
}

pub async fn systems_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<NumbersQuery>,
) -> Result<Html<String>, PageError> {
    let (period, zone_name, all) = systems_numbers(&state, &viewer, &query).await?;
    let org = viewer.actor.org;
    let now = state.engine.now();
    let listed = state.engine.store.list_systems(org).await?;
    // One list per entry of `all`, in the same order.
    let checks = state.engine.goal_checks(org, &listed, &all).await?;
    let mut systems: Vec<SystemNumbers> = listed
        .into_iter()
        .map(|system| {
            let own: Vec<&SystemPeriod> = all.iter().filter(|p| p.system == system.id).collect();
            let rates: Vec<(String, Option<f64>)> =
                own.iter().map(|p| (period_label(period, p.start), p.figures.on_time_rate)).collect();
            let mut rows: Vec<Row> = own.iter().map(|p| row(period, p.start, &p.figures)).collect();
            rows.reverse();
            let latest = all.iter().rposition(|p| p.system == system.id);
            let goals = match latest {
                Some(i) => {
                    let p = &all[i];
                    let when = if p.starts_at <= now && now < p.ends_at {
                        format!("this {}", period.as_str())
                    } else {
                        format!("in {}", period_label(period, p.start))
                    };
                    checks[i].iter().map(|c| goal_line(c, &when)).collect()
                }
                None => system
                    .goals
                    .iter()
                    .map(|g| goal_line(&GoalCheck { goal: g.clone(), value: None, status: None }, "yet"))
                    .collect(),
            };
            SystemNumbers {
                id: system.id.0,
                rates: rate_chart(&format!("{}: on time", system.name), &rates),
                name: system.name,
                rows,
                goals,
            }
        })
        .collect();
    systems.sort_by_key(|s| s.name.to_lowercase());
    render(
        "systems_numbers.html",
        SystemsNumbersPage {
            chrome: Chrome::new(&viewer, "systems"),
            period: period.as_str(),
            periods: ["month", "year"],
            zone: zone_name,
            systems,
        },
    )
}
