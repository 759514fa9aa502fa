//! The personal calendar feed as iCalendar (RFC 5545): `POST /me/calendar` hands out a
//! secret address, and calendar apps fetch it without a token.
//!
//! Work is written as events (VEVENT), which every calendar app shows in a subscribed
//! feed; tasks (VTODO) are hidden by most of them. A short window is shown whole, from
//! when the step opens to when it is due; a long one as half an hour ending at the
//! deadline, so a week-long window does not cover the week.

use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiPath;
use axum::Json;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};
use jiff::{SignedDuration, Timestamp};
use proofline_core::task::TaskState;
use proofline_engine::{CalendarEntry, CalendarFeed};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Windows up to this long are shown whole.
const WHOLE_WINDOW: SignedDuration = SignedDuration::from_hours(12);
const DEADLINE_SLOT: SignedDuration = SignedDuration::from_mins(30);

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarAddress {
    /// Subscribe to this in a calendar app. Anyone with it sees your work: keep it secret.
    pub url: String,
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(reset)).routes(routes!(feed))
}

/// A new secret address for my calendar feed; the previous one stops working.
#[utoipa::path(post, operation_id = "reset_my_calendar", path = "/me/calendar", tag = "notifications",
    responses((status = 200, body = CalendarAddress)))]
async fn reset(State(state): State<AppState>, Caller(actor): Caller) -> Result<Json<CalendarAddress>, ApiError> {
    Ok(Json(CalendarAddress { url: state.engine.reset_calendar(actor).await? }))
}

/// A calendar feed (text/calendar). The secret in the address is the credential.
#[utoipa::path(get, operation_id = "calendar_feed", path = "/calendar/{file}", tag = "notifications", security(()),
    params(("file" = String, Path, description = "The secret file name, `cal_….ics`")),
    responses((status = 200, content_type = "text/calendar", body = String)))]
async fn feed(State(state): State<AppState>, ApiPath(file): ApiPath<String>) -> Result<impl IntoResponse, ApiError> {
    let secret = file.strip_suffix(".ics").unwrap_or(&file);
    if !secret.starts_with("cal_") || secret.len() > 100 {
        return Err(ApiError::not_found("no calendar at this address"));
    }
    let feed = state.engine.calendar(secret).await.map_err(|e| match e {
        proofline_engine::EngineError::NotFound => {
            ApiError::not_found("no calendar at this address; it may have been replaced")
        }
        other => other.into(),
    })?;
    let body = render(&feed, state.engine.now());
    Ok(([(CONTENT_TYPE, "text/calendar; charset=utf-8"), (CACHE_CONTROL, "private, max-age=300")], body))
}

fn utc(at: Timestamp) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(at.as_millisecond()).unwrap_or_default()
}

/// The feed as iCalendar text, every time in UTC.
pub fn render(feed: &CalendarFeed, now: Timestamp) -> String {
    let mut calendar = Calendar::empty();
    calendar.append_property(("VERSION", "2.0"));
    calendar.append_property(("PRODID", "-//Proofline//Calendar feed//EN"));
    calendar.append_property(("CALSCALE", "GREGORIAN"));
    calendar.append_property(("METHOD", "PUBLISH"));
    calendar.name(&feed.name);
    calendar.ttl(&chrono::Duration::minutes(15));
    for entry in &feed.entries {
        calendar.push(event(entry, now));
    }
    calendar.done().to_string()
}

fn event(entry: &CalendarEntry, now: Timestamp) -> Event {
    let start = if entry.due_at.duration_since(entry.opens_at) <= WHOLE_WINDOW {
        entry.opens_at.min(entry.due_at)
    } else {
        entry.due_at - DEADLINE_SLOT
    };
    let summary = match entry.state {
        Some(TaskState::Unresolved) => format!("Unresolved: {} ({})", entry.title, entry.process),
        Some(TaskState::Submitted) => format!("Awaiting approval: {} ({})", entry.title, entry.process),
        _ => format!("{} ({})", entry.title, entry.process),
    };
    let mut description = Vec::new();
    if entry.state.is_none() {
        description.push("Scheduled: it opens for you when the run starts.".to_string());
    }
    if !entry.proof.is_empty() {
        description.push(format!("Proof: {}", entry.proof.join("; ")));
    }
    description.push(entry.url.clone());
    let status = if entry.state.is_none() { EventStatus::Tentative } else { EventStatus::Confirmed };
    Event::with_uid(&entry.uid)
        .timestamp(utc(now))
        .sequence(entry.sequence)
        .summary(&summary)
        .description(&description.join("\n"))
        .starts(utc(start))
        .ends(utc(entry.due_at))
        .url(&entry.url)
        .status(status)
        .done()
}
