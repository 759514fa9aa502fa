//! Cadence previews: what a rule or cron expression means, as its next occurrences in
//! local and UTC time, before anyone saves it on a process.

use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use axum::Json;
use axum::extract::State;
use jiff::Timestamp;
use proofline_core::{CadenceError, Schedule};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const DEFAULT_COUNT: u32 = 10;
pub const MAX_COUNT: u32 = 100;

/// One occurrence.
#[derive(Debug, Serialize, ToSchema)]
pub struct OccurrenceView {
    /// The instant in the schedule's zone, RFC 3339 with its offset.
    #[schema(example = "2026-01-05T07:00:00+01:00")]
    pub local: String,
    pub utc: Timestamp,
}

/// A schedule's next occurrences.
#[derive(Debug, Serialize, ToSchema)]
pub struct OccurrencesView {
    /// The IANA zone the rule is read in.
    pub zone: String,
    /// The schedule as canonical iCalendar text (DTSTART + RRULE).
    pub rule: String,
    /// The cron expression it came from, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cron: Option<String>,
    pub occurrences: Vec<OccurrenceView>,
}

impl OccurrencesView {
    pub fn of(schedule: &Schedule, after: Timestamp, count: u32) -> OccurrencesView {
        let occurrences = schedule
            .upcoming(after, count as usize)
            .into_iter()
            .map(|o| OccurrenceView {
                local: o.timestamp().display_with_offset(o.at.offset()).to_string(),
                utc: o.timestamp(),
            })
            .collect();
        OccurrencesView {
            zone: schedule.zone_name().to_string(),
            rule: schedule.to_ical(),
            cron: schedule.cron().map(str::to_string),
            occurrences,
        }
    }
}

/// How many occurrences to list: 10 unless asked, at most 100.
pub fn count(asked: Option<u32>) -> Result<u32, ApiError> {
    match asked.unwrap_or(DEFAULT_COUNT) {
        n @ 1..=MAX_COUNT => Ok(n),
        _ => Err(ApiError::invalid_field("count", format!("ask for 1 to {MAX_COUNT} occurrences"))),
    }
}

/// A rule or a cron expression to preview.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewBody {
    /// iCalendar text: a DTSTART line and an RRULE line.
    #[schema(example = "DTSTART;TZID=Europe/Berlin:20260105T070000\nRRULE:FREQ=DAILY")]
    pub rule: Option<String>,
    /// A five-field cron expression, or `@daily` and friends.
    #[schema(example = "0 7 * * 1-5")]
    pub cron: Option<String>,
    /// The IANA zone; defaults to the organization's.
    #[schema(example = "Europe/Berlin")]
    pub tz: Option<String>,
    #[schema(default = 10, maximum = 100, minimum = 1)]
    pub count: Option<u32>,
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(preview))
}

/// The next occurrences of a rule or cron expression after now.
#[utoipa::path(post, operation_id = "preview_cadence", path = "/cadence/preview", tag = "cadence", request_body = PreviewBody,
    responses((status = 200, body = OccurrencesView)))]
async fn preview(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiJson(body): ApiJson<PreviewBody>,
) -> Result<Json<OccurrencesView>, ApiError> {
    let count = count(body.count)?;
    let zone = match body.tz.map(|z| z.trim().to_string()) {
        Some(zone) if !zone.is_empty() => zone,
        _ => state.engine.store.get_org(actor.org).await?.zone,
    };
    let now = state.engine.now();
    let schedule = match (body.rule.as_deref(), body.cron.as_deref()) {
        (Some(rule), None) => {
            Schedule::parse(rule, Some(&zone)).map_err(|e| ApiError::invalid_field("rule", e.to_string()))?
        }
        (None, Some(cron)) => Schedule::from_cron(cron, &zone).map_err(|e| match e {
            CadenceError::UnknownZone(_) => ApiError::invalid_field("tz", e.to_string()),
            e => ApiError::invalid_field("cron", e.to_string()),
        })?,
        _ => {
            return Err(ApiError::invalid_field(
                "rule",
                "give either a rule or a cron expression, not both and not neither",
            ));
        }
    };
    Ok(Json(OccurrencesView::of(&schedule, now, count)))
}
