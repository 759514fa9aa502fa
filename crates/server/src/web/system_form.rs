//! Adding and changing a system: its key, name, goal, owner, the system it belongs to,
//! the software it runs on and its measurable goals, typed as rows without script.

use super::forms::{WebForm, WebPath};
use super::goals::{Measure, built_in_measures, form_scale, parse_source, source_value};
use super::page::{Chrome, PageError, field_words, render_with_status};
use super::redirect;
use super::session::Viewer;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use proofline_core::metrics::{Direction, Goal, GoalSource};
use proofline_core::process::FieldError;
use proofline_core::proof::ProofRule;
use proofline_core::{PersonId, SystemId};
use proofline_engine::EngineError;
use proofline_store::{ProcessRecord, SystemFields};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Empty rows offered below the goals a system has, so that adding one needs no script.
const EMPTY_GOAL_ROWS: usize = 2;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SystemForm {
    #[serde(rename = "_csrf", default, skip_serializing)]
    csrf: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    goal: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    parent: String,
    /// Comma-separated.
    #[serde(default)]
    software: String,
    /// Everything else posted: the goal rows as `goal_{row}_{part}`, read by [`posted_rows`].
    /// Flattened because a URL-encoded form has no lists.
    #[serde(flatten, skip_serializing)]
    posted: BTreeMap<String, String>,
    /// The rows the page shows, as typed.
    #[serde(skip_deserializing)]
    goals: Vec<GoalRow>,
}

/// One goal as the form shows and posts it: the target in the measure's form unit.
#[derive(Debug, Clone, Serialize)]
struct GoalRow {
    name: String,
    measure: String,
    direction: String,
    target: String,
    unit: String,
}

impl Default for GoalRow {
    fn default() -> GoalRow {
        GoalRow {
            name: String::new(),
            measure: source_value(&GoalSource::OnTimeRate),
            direction: "at_least".into(),
            target: String::new(),
            unit: String::new(),
        }
    }
}

impl GoalRow {
    /// A row without a name and a target is one the manager left empty (or cleared).
    fn is_blank(&self) -> bool {
        self.name.trim().is_empty() && self.target.trim().is_empty()
    }

    fn from_goal(goal: &Goal) -> GoalRow {
        // Six decimals keep a round trip exact for anything typed by hand (100 s is 1.666667
        // minutes) without showing floating-point noise.
        let target = ((goal.target * form_scale(&goal.source)) * 1e6).round() / 1e6;
        GoalRow {
            name: goal.name.clone(),
            measure: source_value(&goal.source),
            direction: match goal.direction {
                Direction::AtLeast => "at_least".into(),
                Direction::AtMost => "at_most".into(),
            },
            target: format!("{target}"),
            unit: goal.unit.clone().unwrap_or_default(),
        }
    }

    /// The goal the row stands for. A target that is not a number becomes NaN, so the
    /// engine reports it where it reports every other goal problem.
    fn to_goal(&self) -> Option<Goal> {
        let source = parse_source(&self.measure)?;
        let typed = self.target.trim().replace(',', ".").parse::<f64>().unwrap_or(f64::NAN);
        Some(Goal {
            name: self.name.clone(),
            unit: Some(self.unit.clone()),
            target: typed / form_scale(&source),
            direction: if self.direction == "at_most" { Direction::AtMost } else { Direction::AtLeast },
            source,
        })
    }
}

/// The goal rows posted, in row order.
fn posted_rows(posted: &BTreeMap<String, String>) -> Vec<GoalRow> {
    let mut rows: BTreeMap<usize, GoalRow> = BTreeMap::new();
    for (key, value) in posted {
        let Some((row, part)) = key.strip_prefix("goal_").and_then(|rest| rest.split_once('_')) else { continue };
        let Ok(row) = row.parse::<usize>() else { continue };
        let goal = rows.entry(row).or_default();
        match part {
            "name" => goal.name = value.clone(),
            "measure" => goal.measure = value.clone(),
            "direction" => goal.direction = value.clone(),
            "target" => goal.target = value.clone(),
            "unit" => goal.unit = value.clone(),
            _ => {}
        }
    }
    rows.into_values().collect()
}

/// The rows to show: every row with something in it, in order, then empty ones to fill in.
fn with_empty_rows(mut rows: Vec<GoalRow>) -> Vec<GoalRow> {
    rows.retain(|r| !r.is_blank());
    rows.extend(std::iter::repeat_with(GoalRow::default).take(EMPTY_GOAL_ROWS));
    rows
}

/// The measures of the select: the built-in figures, then the mean of each number a step
/// asks for, then anything a row names that is neither (so that it is not lost silently).
fn measures(processes: &[ProcessRecord], rows: &[GoalRow]) -> Vec<Measure> {
    let mut all = built_in_measures();
    for process in processes {
        for (position, step) in process.definition.steps.iter().enumerate() {
            for (field, proof) in step.proof.iter().enumerate() {
                let ProofRule::Number { unit, .. } = &proof.rule else { continue };
                let (Ok(step_index), Ok(field)) = (u16::try_from(position), u16::try_from(field)) else { continue };
                let what = proof.label.as_deref().filter(|l| !l.trim().is_empty()).unwrap_or(&proof.key);
                let unit = unit.as_deref().map(|u| format!(", {u}")).unwrap_or_default();
                all.push(Measure {
                    value: source_value(&GoalSource::KpiMean { process: process.id, step: step_index, field }),
                    label: format!("Mean of {what}{unit} ({}, step {})", process.definition.name, position + 1),
                });
            }
        }
    }
    for row in rows {
        if !all.iter().any(|m| m.value == row.measure) {
            all.push(Measure { value: row.measure.clone(), label: "Not measurable here: choose another".into() });
        }
    }
    all
}

/// An engine problem with a goal in the form's words: which row, which box.
fn goal_problem(error: &FieldError, rows: &[GoalRow]) -> Option<String> {
    let rest = error.field.strip_prefix("goals[")?;
    let (index, part) = rest.split_once(']')?;
    let row = index.parse::<usize>().ok().filter(|&i| i < rows.len())?;
    let part = part.trim_start_matches('.');
    let (what, message) = match part.split('.').next().unwrap_or_default() {
        "name" => ("name", error.message.clone()),
        "unit" => ("unit", error.message.clone()),
        // The engine speaks of fractions; the form takes percent.
        "target"
            if rows[row].measure == source_value(&GoalSource::OnTimeRate) && error.message != "must be a number" =>
        {
            ("target", "enter a percentage from 0 to 100".into())
        }
        "target" => ("target", error.message.clone()),
        _ => ("measure", error.message.clone()),
    };
    Some(format!("Goal {}, {what}: {message}", row + 1))
}

#[derive(Serialize)]
struct SystemPage {
    chrome: Chrome,
    id: Option<i64>,
    form: SystemForm,
    people: Vec<(i64, String)>,
    systems: Vec<(i64, String)>,
    measures: Vec<Measure>,
    problems: Vec<String>,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    id: Option<SystemId>,
    mut form: SystemForm,
    problems: Vec<String>,
) -> Result<Response, PageError> {
    let store = &state.engine.store;
    let org = viewer.actor.org;
    form.goals = with_empty_rows(std::mem::take(&mut form.goals));
    let measures = measures(&store.list_processes(org).await?, &form.goals);
    let people = store.list_people(org).await?.into_iter().filter(|p| p.active).map(|p| (p.id.0, p.name)).collect();
    let systems =
        store.list_systems(org).await?.into_iter().filter(|s| Some(s.id) != id).map(|s| (s.id.0, s.name)).collect();
    let status = if problems.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = SystemPage {
        chrome: Chrome::new(viewer, "systems"),
        id: id.map(|i| i.0),
        form,
        people,
        systems,
        measures,
        problems,
    };
    Ok(render_with_status(status, "system.html", page)?.into_response())
}

pub async fn new_form(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    viewer.require_manager()?;
    let form = SystemForm { owner: viewer.actor.person.0.to_string(), ..SystemForm::default() };
    page(&state, &viewer, None, form, Vec::new()).await
}

pub async fn edit_form(
    State(state): State<AppState>,
    viewer: Viewer,
    WebPath(id): WebPath<i64>,
) -> Result<Response, PageError> {
    viewer.require_manager()?;
    let system = state.engine.store.get_system(viewer.actor.org, SystemId(id)).await?;
    let form = SystemForm {
        csrf: String::new(),
        key: system.key,
        name: system.name,
        goal: system.goal,
        owner: system.owner.0.to_string(),
        parent: system.parent.map(|p| p.0.to_string()).unwrap_or_default(),
        software: system.software.join(", "),
        posted: BTreeMap::new(),
        goals: system.goals.iter().map(GoalRow::from_goal).collect(),
    };
    page(&state, &viewer, Some(SystemId(id)), form, Vec::new()).await
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    WebForm(form): WebForm<SystemForm>,
) -> Result<Response, PageError> {
    save(&state, &viewer, None, form).await
}

pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    WebPath(id): WebPath<i64>,
    WebForm(form): WebForm<SystemForm>,
) -> Result<Response, PageError> {
    state.engine.store.get_system(viewer.actor.org, SystemId(id)).await?;
    save(&state, &viewer, Some(SystemId(id)), form).await
}

async fn save(
    state: &AppState,
    viewer: &Viewer,
    id: Option<SystemId>,
    mut form: SystemForm,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    viewer.require_manager()?;
    // Empty rows are dropped here, so a goal's index is its row on the page shown back.
    form.goals = posted_rows(&form.posted);
    form.goals.retain(|r| !r.is_blank());
    let mut goals = Vec::new();
    let mut unknown = Vec::new();
    for (row, typed) in form.goals.iter().enumerate() {
        match typed.to_goal() {
            Some(goal) => goals.push(goal),
            None => unknown.push(format!("Goal {}, measure: choose one from the list", row + 1)),
        }
    }
    if !unknown.is_empty() {
        return page(state, viewer, id, form, unknown).await;
    }
    let fields = SystemFields {
        key: form.key.clone(),
        name: form.name.clone(),
        goal: form.goal.clone(),
        owner: PersonId(form.owner.trim().parse().unwrap_or_default()),
        parent: form.parent.trim().parse::<i64>().ok().map(SystemId),
        software: form.software.split(',').map(str::to_string).collect(),
        goals,
    };
    match state.engine.save_system(viewer.actor, id, fields).await {
        Ok(saved) => Ok(redirect(&format!("/systems?ok=saved#system-{saved}"))),
        Err(EngineError::Invalid(errors)) => {
            let problems = errors
                .iter()
                .map(|e| {
                    goal_problem(e, &form.goals).unwrap_or_else(|| format!("{}: {}", field_words(&e.field), e.message))
                })
                .collect();
            page(state, viewer, id, form, problems).await
        }
        Err(EngineError::Conflict(message)) => page(state, viewer, id, form, vec![message]).await,
        Err(e) => Err(e.into()),
    }
}
