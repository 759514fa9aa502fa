//! Processes and systems as people read them: each process with its owner, cadence and
//! next occurrences in its zone, steps with their proof and SOP, escalation chain and
//! versions; a run's timeline of every event; systems with their processes.

use super::cards::{TaskCard, cards};
use super::forms::{CsrfOnly, WebForm, WebPath};
use super::page::{Chrome, OkQuery, PageError, When, render};
use super::redirect;
use super::session::Viewer;
use super::story::{self, Line, Names};
use super::{markdown, people::assignee_words, people::target_words};
use crate::AppState;
use crate::evidence::{EvidenceQuery, evidence_zip};
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use proofline_core::cadence::Cadence;
use proofline_core::process::ProcessDefinition;
use proofline_core::{ProcessId, RunId};
use proofline_store::{ProcessRecord, TaskQuery};
use serde::Serialize;

#[derive(Serialize)]
struct ProcessRow {
    id: i64,
    name: String,
    status: &'static str,
    owner: String,
    cadence: String,
    steps: usize,
    next: Option<When>,
}

#[derive(Serialize)]
struct ListPage {
    chrome: Chrome,
    processes: Vec<ProcessRow>,
}

/// The cadence in a line: the rule as written, an event's name, or "started by hand".
fn cadence_words(cadence: &Cadence) -> String {
    match cadence {
        Cadence::Schedule(schedule) => match schedule.cron() {
            Some(cron) => format!("cron {cron} ({})", schedule.zone_name()),
            None => {
                schedule.to_ical().lines().find(|l| l.starts_with("RRULE:")).unwrap_or_default().to_string()
                    + &format!(" ({})", schedule.zone_name())
            }
        },
        Cadence::Event { name } => format!("after each \u{201c}{name}\u{201d} event"),
        Cadence::Manual => "started by hand".to_string(),
    }
}

pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Html<String>, PageError> {
    let store = &state.engine.store;
    let org = viewer.actor.org;
    let names = Names::new(store.list_people(org).await?.into_iter().map(|p| (p.id, p.name)));
    let now = state.engine.now();
    let mut processes: Vec<ProcessRecord> = store.list_processes(org).await?;
    processes.sort_by_key(|p| p.definition.name.to_lowercase());
    let rows = processes
        .into_iter()
        .map(|p| ProcessRow {
            id: p.id.0,
            status: p.status.as_str(),
            owner: names.of(p.definition.owner),
            cadence: cadence_words(&p.definition.cadence),
            steps: p.definition.steps.len(),
            next: p.next_run_at.map(|at| When::new(at, &viewer.zone, now)),
            name: p.definition.name,
        })
        .collect();
    render("processes.html", ListPage { chrome: Chrome::new(&viewer, "processes"), processes: rows })
}

#[derive(Serialize)]
struct StepView {
    number: usize,
    title: String,
    assignee: String,
    opens_after: String,
    due_after: String,
    depends_on: Vec<usize>,
    proof: Vec<String>,
    sop_html: String,
    sop_url: Option<String>,
}

#[derive(Serialize)]
struct VersionView {
    version: u32,
    when: When,
    changes: Vec<String>,
}

#[derive(Serialize)]
struct DetailPage {
    chrome: Chrome,
    id: i64,
    name: String,
    description_html: String,
    status: &'static str,
    owner: String,
    system: Option<(i64, String)>,
    cadence: String,
    zone: Option<String>,
    upcoming: Vec<When>,
    steps: Vec<StepView>,
    chain: Vec<String>,
    versions: Vec<VersionView>,
    can_start: bool,
    /// The export form's default period: the last 30 days up to today.
    export_from: String,
    export_to: String,
}

pub async fn detail(
    State(state): State<AppState>,
    viewer: Viewer,
    WebPath(id): WebPath<i64>,
    Query(query): Query<OkQuery>,
) -> Result<Html<String>, PageError> {
    let store = &state.engine.store;
    let org = viewer.actor.org;
    let process = store.get_process(org, ProcessId(id)).await?;
    let people = store.list_people(org).await?;
    let names = Names::new(people.iter().map(|p| (p.id, p.name.clone())));
    let roles = store.list_roles(org).await?;
    let now = state.engine.now();
    let today = now.to_zoned(viewer.zone.clone()).date();
    let d = &process.definition;
    let (zone, upcoming) = match &d.cadence {
        Cadence::Schedule(s) => (
            Some(s.zone_name().to_string()),
            s.upcoming(now, 5).iter().map(|o| When::new(o.timestamp(), s.zone(), now)).collect(),
        ),
        _ => (None, Vec::new()),
    };
    let system = match d.system {
        Some(system) => store.get_system(org, system).await.ok().map(|s| (s.id.0, s.name)),
        None => None,
    };
    let versions = store.list_versions(org, process.id).await?;
    let mut version_views: Vec<VersionView> = versions
        .iter()
        .enumerate()
        .map(|(i, v)| VersionView {
            version: v.version,
            when: When::new(v.created_at, &viewer.zone, now),
            changes: match i.checked_sub(1).and_then(|p| versions.get(p)) {
                Some(previous) => changes(&previous.definition, &v.definition, &names),
                None => vec!["First version.".to_string()],
            },
        })
        .collect();
    version_views.reverse();
    let page = DetailPage {
        chrome: Chrome::new(&viewer, "processes").with_notice(query.ok.as_deref()),
        id,
        name: d.name.clone(),
        description_html: markdown::to_safe_html(&d.description),
        status: process.status.as_str(),
        owner: names.of(d.owner),
        system,
        cadence: cadence_words(&d.cadence),
        zone,
        upcoming,
        steps: d
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| StepView {
                number: i + 1,
                title: s.title.clone(),
                assignee: assignee_words(s.assignee, &names, &roles),
                opens_after: s.opens_after.to_string(),
                due_after: s.due_after.to_string(),
                depends_on: s.depends_on.iter().map(|d| d + 1).collect(),
                proof: s.proof.iter().map(|r| r.describe()).collect(),
                sop_html: markdown::to_safe_html(&s.sop),
                sop_url: s.sop_url.clone().filter(|u| u.starts_with("https://") || u.starts_with("http://")),
            })
            .collect(),
        chain: d
            .escalation
            .levels()
            .iter()
            .map(|l| format!("{} after {}", target_words(l.to, &names, &roles), l.window))
            .collect(),
        versions: version_views,
        can_start: viewer.can_work() && process.status.as_str() == "active",
        export_from: (today - jiff::ToSpan::days(30)).to_string(),
        export_to: today.to_string(),
    };
    render("process.html", page)
}

/// The process's runs in a period with their proof, as a zip (managers, owners, auditors).
pub async fn evidence(
    State(state): State<AppState>,
    viewer: Viewer,
    WebPath(id): WebPath<i64>,
    Query(query): Query<EvidenceQuery>,
) -> Result<Response, PageError> {
    Ok(evidence_zip(&state, viewer.actor, ProcessId(id), &query, "web").await?)
}

/// What changed from one version to the next, in words.
fn changes(before: &ProcessDefinition, after: &ProcessDefinition, names: &Names) -> Vec<String> {
    let mut out = Vec::new();
    if before.name != after.name {
        out.push(format!("Renamed from \u{201c}{}\u{201d} to \u{201c}{}\u{201d}.", before.name, after.name));
    }
    if before.owner != after.owner {
        out.push(format!("Owner changed from {} to {}.", names.of(before.owner), names.of(after.owner)));
    }
    if before.cadence != after.cadence {
        out.push(format!("Cadence changed to {}.", cadence_words(&after.cadence)));
    }
    if before.escalation != after.escalation {
        out.push("Escalation chain changed.".to_string());
    }
    for (i, step) in after.steps.iter().enumerate() {
        match before.steps.iter().position(|b| b.title == step.title) {
            None => out.push(format!("Step {} \u{201c}{}\u{201d} added.", i + 1, step.title)),
            Some(j) => {
                let old = &before.steps[j];
                if j != i {
                    out.push(format!("Step \u{201c}{}\u{201d} moved from {} to {}.", step.title, j + 1, i + 1));
                }
                if old.proof != step.proof {
                    out.push(format!("Step \u{201c}{}\u{201d}: proof changed.", step.title));
                }
                if old.sop != step.sop || old.sop_url != step.sop_url {
                    out.push(format!("Step \u{201c}{}\u{201d}: SOP text changed.", step.title));
                }
                if old.assignee != step.assignee
                    || old.due_after != step.due_after
                    || old.opens_after != step.opens_after
                {
                    out.push(format!("Step \u{201c}{}\u{201d}: assignee or timing changed.", step.title));
                }
            }
        }
    }
    for step in &before.steps {
        if !after.steps.iter().any(|a| a.title == step.title) {
            out.push(format!("Step \u{201c}{}\u{201d} removed.", step.title));
        }
    }
    if out.is_empty() {
        out.push("Details changed.".to_string());
    }
    out
}

/// Starts a run by hand from the process page.
pub async fn start(
    State(state): State<AppState>,
    viewer: Viewer,
    WebPath(id): WebPath<i64>,
    WebForm(form): WebForm<CsrfOnly>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let started = state.engine.start_run(viewer.actor, ProcessId(id), None, None).await?;
    Ok(redirect(&format!("/runs/{}?ok=started", started.run.id)))
}

#[derive(Serialize)]
struct RunTask {
    card: TaskCard,
    holder: String,
    story: Vec<Line>,
}

#[derive(Serialize)]
struct RunPage {
    chrome: Chrome,
    id: i64,
    process: (i64, String),
    state: &'static str,
    scheduled_for: When,
    trigger: String,
    started_by: Option<String>,
    tasks: Vec<RunTask>,
}

pub async fn run(
    State(state): State<AppState>,
    viewer: Viewer,
    WebPath(id): WebPath<i64>,
    Query(query): Query<OkQuery>,
) -> Result<Html<String>, PageError> {
    let store = &state.engine.store;
    let org = viewer.actor.org;
    let run = store.get_run(org, RunId(id)).await?;
    let process = store.get_process(org, run.process).await?;
    let names = Names::new(store.list_people(org).await?.into_iter().map(|p| (p.id, p.name)));
    let now = state.engine.now();
    let mut tasks = store.list_tasks(org, &TaskQuery { run: Some(run.id), ..TaskQuery::default() }).await?;
    tasks.sort_by_key(|t| t.step_index);
    let holders: Vec<_> = tasks.iter().map(|t| t.holder).collect();
    let mut views = Vec::new();
    for (card, holder) in cards(&state, &viewer, tasks).await?.into_iter().zip(holders) {
        let events = store.task_history(org, proofline_core::TaskId(card.id)).await?;
        views.push(RunTask { card, holder: names.of(holder), story: story::lines(&events, &names, &viewer.zone, now) });
    }
    let page = RunPage {
        chrome: Chrome::new(&viewer, "processes").with_notice(query.ok.as_deref()),
        id,
        process: (process.id.0, process.definition.name),
        state: run.state.as_str(),
        scheduled_for: When::new(run.scheduled_for, &viewer.zone, now),
        trigger: run.trigger,
        started_by: run.started_by.map(|p| names.of(p)),
        tasks: views,
    };
    render("run.html", page)
}
