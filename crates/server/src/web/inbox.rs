//! Needs you: the owner's page of work that could not be resolved, each with its story
//! and one-click decisions (do it, reassign, extend, close with a reason), and the open
//! patterns: failures that keep coming back.

use super::cards::{TaskCard, cards};
use super::forms::{WebForm, WebPath};
use super::page::{Chrome, OkQuery, PageError, render, safe_next};
use super::patterns::{self, PatternItem};
use super::redirect;
use super::session::Viewer;
use super::story::{self, Line, Names};
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use jiff::SignedDuration;
use proofline_core::task::TaskState;
use proofline_core::{PersonId, TaskId};
use proofline_engine::DecisionInput;
use proofline_store::TaskQuery;
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct Item {
    card: TaskCard,
    holder: String,
    /// Who had it last before its current holder: "extend" gives them more time.
    missed_by: Option<(i64, String)>,
    story: Vec<Line>,
}

#[derive(Serialize)]
struct InboxPage {
    chrome: Chrome,
    mine: Vec<Item>,
    /// Unresolved work other owners hold (managers see it too, to step in).
    others: Vec<Item>,
    /// Open patterns: repeated failures the owner should look into.
    patterns: Vec<PatternItem>,
    people: Vec<(i64, String)>,
    extensions: [(&'static str, &'static str); 4],
}

/// The choices for "extend", as (value, words).
const EXTENSIONS: [(&str, &str); 4] = [("1h", "1 hour"), ("4h", "4 hours"), ("1d", "1 day"), ("3d", "3 days")];

pub async fn needs_you(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<OkQuery>,
) -> Result<Html<String>, PageError> {
    let store = &state.engine.store;
    let org = viewer.actor.org;
    let unresolved = TaskQuery { states: vec![TaskState::Unresolved], ..TaskQuery::default() };
    let tasks = store.list_tasks(org, &unresolved).await?;
    let people = store.list_people(org).await?;
    let names = Names::new(people.iter().map(|p| (p.id, p.name.clone())));
    let now = state.engine.now();
    let holders: Vec<PersonId> = tasks.iter().map(|t| t.holder).collect();
    let mut mine = Vec::new();
    let mut others = Vec::new();
    for (card, holder) in cards(&state, &viewer, tasks).await?.into_iter().zip(holders) {
        let is_mine = holder == viewer.actor.person;
        if !is_mine && !viewer.can_manage() {
            continue;
        }
        let events = store.task_history(org, TaskId(card.id)).await?;
        // Unresolved work sits with its owner, often the chain's last level; more time
        // goes to the last person before them who had it.
        let missed_by =
            events.iter().rev().filter_map(|e| e.from_holder).find(|p| *p != holder).map(|p| (p.0, names.of(p)));
        let story = story::lines(&events, &names, &viewer.zone, now);
        let item = Item { card, holder: names.of(holder), missed_by, story };
        if is_mine { mine.push(item) } else { others.push(item) }
    }
    let patterns =
        if viewer.actor.access.can_oversee() { patterns::open_items(&state, &viewer, None).await? } else { Vec::new() };
    render(
        "inbox.html",
        InboxPage {
            chrome: Chrome::new(&viewer, "inbox").with_notice(query.ok.as_deref()),
            mine,
            others,
            patterns,
            people: people.iter().filter(|p| p.active).map(|p| (p.id.0, p.name.clone())).collect(),
            extensions: EXTENSIONS,
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct DecideForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    action: String,
    to: Option<String>,
    by: Option<String>,
    #[serde(default)]
    reason: String,
    back: Option<String>,
}

pub async fn decide(
    State(state): State<AppState>,
    viewer: Viewer,
    WebPath(id): WebPath<i64>,
    WebForm(form): WebForm<DecideForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    viewer.require_manager()?;
    let (input, code) = match form.action.as_str() {
        "take" => (DecisionInput::Reassign { to: viewer.actor.person, due_at: None }, "reassigned"),
        "reassign" => {
            let to =
                person(form.to.as_deref()).ok_or_else(|| PageError::bad_request("Choose whom to give the work to."))?;
            (DecisionInput::Reassign { to, due_at: None }, "reassigned")
        }
        "extend" => {
            let by = form.by.as_deref().and_then(extension);
            let due_at =
                state.engine.now() + by.ok_or_else(|| PageError::bad_request("Choose how long to extend by."))?;
            // Unresolved work sits with its owner; more time goes to whoever last had it.
            match person(form.to.as_deref()) {
                Some(to) => (DecisionInput::Reassign { to, due_at: Some(due_at) }, "extended"),
                None => (DecisionInput::Extend { due_at }, "extended"),
            }
        }
        "close" => (DecisionInput::Close, "closed"),
        _ => return Err(PageError::bad_request("Unknown action.")),
    };
    let reason =
        if form.action == "take" && form.reason.trim().is_empty() { "Done by the owner" } else { &form.reason };
    state.engine.decide(viewer.actor, TaskId(id), input, reason).await?;
    if form.action == "take" {
        return Ok(redirect(&format!("/tasks/{id}")));
    }
    let back = safe_next(form.back.as_deref());
    let back = if back == "/" { "/inbox".to_string() } else { back };
    let sep = if back.contains('?') { '&' } else { '?' };
    Ok(redirect(&format!("{back}{sep}ok={code}")))
}

fn person(value: Option<&str>) -> Option<PersonId> {
    value.and_then(|v| v.trim().parse::<i64>().ok()).map(PersonId)
}

fn extension(value: &str) -> Option<SignedDuration> {
    match value {
        "1h" => Some(SignedDuration::from_hours(1)),
        "4h" => Some(SignedDuration::from_hours(4)),
        "1d" => Some(SignedDuration::from_hours(24)),
        "3d" => Some(SignedDuration::from_hours(72)),
        _ => None,
    }
}
