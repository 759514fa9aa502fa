//! People's numbers on the web: for the last few weeks, how much of the work each person
//! held first was done on time, what was moved to them and what was moved away from them.

use super::numbers::NumbersQuery;
use super::page::{Chrome, PageError, render};
use super::session::Viewer;
use crate::AppState;
use crate::numbers::people_csv;
use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};
use proofline_core::PersonId;
use proofline_core::metrics::{Period, PersonFigures, rate_words};
use serde::Serialize;
use std::collections::HashMap;

/// The spans offered, in weeks.
const SPANS: [u32; 3] = [4, 13, 26];

#[derive(Serialize)]
struct PersonLine {
    id: i64,
    name: String,
    held: u32,
    done_on_time: u32,
    missed: u32,
    rate: String,
    /// Whole percent for the bar; `None` when they held nothing.
    percent: Option<u32>,
    moved_to: u32,
    moved_from: u32,
}

#[derive(Serialize)]
struct PeopleNumbersPage {
    chrome: Chrome,
    weeks: u32,
    spans: [u32; 3],
    zone: String,
    people: Vec<PersonLine>,
}

/// Everyone's figures over the chosen span, with their names.
async fn load(
    state: &AppState,
    viewer: &Viewer,
    query: &NumbersQuery,
) -> Result<(u32, String, Vec<PersonFigures>, HashMap<PersonId, String>), PageError> {
    viewer.require_oversight()?;
    let weeks = match query.weeks.as_deref() {
        None | Some("") => SPANS[0],
        Some(text) => text
            .parse()
            .ok()
            .filter(|w| SPANS.contains(w))
            .ok_or_else(|| PageError::bad_request("Show the last 4, 13 or 26 weeks."))?,
    };
    let org = viewer.actor.org;
    let zone_name = state.engine.store.get_org(org).await?.zone;
    let zone = jiff::tz::TimeZone::get(&zone_name).unwrap_or(jiff::tz::TimeZone::UTC);
    let (from, to) = Period::Week.recent(weeks, state.engine.now(), &zone);
    let figures = state.engine.people_numbers(org, from, to).await?;
    let names = state.engine.store.list_people(org).await?.into_iter().map(|p| (p.id, p.name)).collect();
    Ok((weeks, zone_name, figures, names))
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<NumbersQuery>,
) -> Result<Html<String>, PageError> {
    let (weeks, zone, figures, names) = load(&state, &viewer, &query).await?;
    let mut people: Vec<PersonLine> = figures
        .into_iter()
        .map(|f| PersonLine {
            id: f.person.0,
            name: names.get(&f.person).cloned().unwrap_or_else(|| format!("Person {}", f.person.0)),
            held: f.held,
            done_on_time: f.done_on_time,
            missed: f.missed,
            rate: rate_words(f.on_time_rate),
            percent: f.on_time_rate.map(|r| (r * 100.0).round().clamp(0.0, 100.0) as u32),
            moved_to: f.moved_to,
            moved_from: f.moved_from,
        })
        .collect();
    // Who needs a look first: the lowest on-time rate, then the most work moved away.
    people.sort_by(|a, b| {
        a.percent
            .unwrap_or(101)
            .cmp(&b.percent.unwrap_or(101))
            .then(b.moved_from.cmp(&a.moved_from))
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
    });
    render(
        "people_numbers.html",
        PeopleNumbersPage { chrome: Chrome::new(&viewer, "people"), weeks, spans: SPANS, zone, people },
    )
}

pub async fn csv(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<NumbersQuery>,
) -> Result<Response, PageError> {
    let (weeks, _, figures, names) = load(&state, &viewer, &query).await?;
    let name = format!("attachment; filename=\"people-last-{weeks}-weeks.csv\"");
    let body = people_csv(&figures, &names);
    Ok(([(CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (CONTENT_DISPOSITION, name)], body).into_response())
}
