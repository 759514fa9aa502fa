//! Patterns on the web: the open ones on Needs you with a small chart each, a list of all
//! of them by state, and a page per pattern with its evidence and the owner's decisions.

use super::charts::{Allowed, LineChart, Sparkline, line_chart, sparkline};
use super::forms::{WebForm, WebPath};
use super::page::{Chrome, OkQuery, PageError, When, render};
use super::redirect;
use super::session::Viewer;
use super::story::Names;
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use jiff::Timestamp;
use proofline_core::ProcessId;
use proofline_core::pattern::{PatternKind, Point};
use proofline_core::proof::ProofRule;
use proofline_store::{PatternQuery, PatternRecord, PatternState};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A pattern as one entry of a list.
#[derive(Debug, Serialize)]
pub struct PatternItem {
    pub id: i64,
    pub severity: &'static str,
    pub kind: &'static str,
    pub sentence: String,
    pub process: (i64, String),
    pub state: &'static str,
    pub note: Option<String>,
    /// Who decided last and when; "Proofline" when detection did.
    pub decided: Option<(String, When)>,
    pub first_seen: When,
    pub last_seen: When,
    pub runs: usize,
    pub spark: Sparkline,
}

/// What kind of failure a pattern is, as a heading.
fn kind_words(kind: PatternKind) -> &'static str {
    match kind {
        PatternKind::StepMisses => "Missed again and again",
        PatternKind::PersonMisses => "One person misses more",
        PatternKind::Weekday => "Misses on one weekday",
        PatternKind::HourOfDay => "Misses at one hour",
        PatternKind::Shift => "Misses on one shift",
        PatternKind::Rejections => "Proof sent back again and again",
        PatternKind::Drift => "A reading drifting",
        PatternKind::LeadTime => "Finishing later and later",
        PatternKind::BrokenChain => "Escalation chain ends unresolved",
    }
}

/// The unit of the reading a drift pattern is about (its key ends with the field).
fn unit_of(pattern: &PatternRecord, units: &HashMap<(ProcessId, u16, u16), String>) -> String {
    let field = pattern.key.rsplit(':').next().and_then(|f| f.parse::<u16>().ok());
    match (pattern.kind, pattern.step, field) {
        (PatternKind::Drift, Some(step), Some(field)) => units.get(&(pattern.process, step, field)).cloned(),
        _ => None,
    }
    .unwrap_or_default()
}

/// Names, process names and reading units the items of one page need, read once.
struct Lookup {
    names: Names,
    processes: HashMap<ProcessId, String>,
    units: HashMap<(ProcessId, u16, u16), String>,
}

impl Lookup {
    async fn load(state: &AppState, viewer: &Viewer) -> Result<Lookup, PageError> {
        let store = &state.engine.store;
        let org = viewer.actor.org;
        let names = Names::new(store.list_people(org).await?.into_iter().map(|p| (p.id, p.name)));
        let mut processes = HashMap::new();
        let mut units = HashMap::new();
        for process in store.list_processes(org).await? {
            for (s, step) in process.definition.steps.iter().enumerate() {
                for (f, req) in step.proof.iter().enumerate() {
                    if let (ProofRule::Number { unit: Some(unit), .. }, Ok(s), Ok(f)) =
                        (&req.rule, u16::try_from(s), u16::try_from(f))
                    {
                        units.insert((process.id, s, f), unit.clone());
                    }
                }
            }
            processes.insert(process.id, process.definition.name);
        }
        Ok(Lookup { names, processes, units })
    }

    fn item(&self, pattern: PatternRecord, viewer: &Viewer, now: Timestamp) -> PatternItem {
        let unit = unit_of(&pattern, &self.units);
        let allowed = pattern.range.map(Allowed::from).unwrap_or_default();
        PatternItem {
            id: pattern.id,
            severity: pattern.severity.as_str(),
            kind: kind_words(pattern.kind),
            process: (pattern.process.0, self.processes.get(&pattern.process).cloned().unwrap_or_default()),
            state: pattern.state.as_str(),
            decided: pattern.decided_at.map(|at| {
                let who = pattern.decided_by.map_or_else(|| "Proofline".to_string(), |p| self.names.of(p));
                (who, When::new(at, &viewer.zone, now))
            }),
            note: pattern.note,
            first_seen: When::new(pattern.first_seen, &viewer.zone, now),
            last_seen: When::new(pattern.last_seen, &viewer.zone, now),
            runs: pattern.runs.len(),
            spark: sparkline(&pattern.series, allowed, &unit),
            sentence: pattern.sentence,
        }
    }
}

/// The open patterns, for the owner's Needs-you page.
/// Open patterns, most severe first: the organization's, or one process's.
pub async fn open_items(
    state: &AppState,
    viewer: &Viewer,
    process: Option<ProcessId>,
) -> Result<Vec<PatternItem>, PageError> {
    let query = PatternQuery { states: vec![PatternState::Open], process, limit: 50 };
    let patterns = state.engine.store.list_patterns(viewer.actor.org, &query).await?;
    if patterns.is_empty() {
        return Ok(Vec::new());
    }
    let lookup = Lookup::load(state, viewer).await?;
    let now = state.engine.now();
    Ok(patterns.into_iter().map(|p| lookup.item(p, viewer, now)).collect())
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    state: Option<String>,
    ok: Option<String>,
}

#[derive(Serialize)]
struct ListPage {
    chrome: Chrome,
    state: &'static str,
    states: [&'static str; 3],
    items: Vec<PatternItem>,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    viewer.require_oversight()?;
    let shown = match query.state.as_deref() {
        None | Some("") => PatternState::Open,
        Some(text) => PatternState::parse(text)
            .ok_or_else(|| PageError::bad_request("Show open, acknowledged or resolved patterns."))?,
    };
    let query_store = PatternQuery { states: vec![shown], process: None, limit: 200 };
    let patterns = state.engine.store.list_patterns(viewer.actor.org, &query_store).await?;
    let lookup = Lookup::load(&state, &viewer).await?;
    let now = state.engine.now();
    render(
        "patterns.html",
        ListPage {
            chrome: Chrome::new(&viewer, "patterns").with_notice(query.ok.as_deref()),
            state: shown.as_str(),
            states: PatternState::ALL.map(PatternState::as_str),
            items: patterns.into_iter().map(|p| lookup.item(p, &viewer, now)).collect(),
        },
    )
}

#[derive(Serialize)]
struct EvidenceRun {
    id: i64,
    /// What the run's point says: "missed", "on time", a reading.
    value: String,
    when: When,
}

#[derive(Serialize)]
struct DetailPage {
    chrome: Chrome,
    pattern: PatternItem,
    /// The full chart for a reading; misses are shown by the strip and the run list.
    chart: Option<LineChart>,
    chance: String,
    runs: Vec<EvidenceRun>,
}

/// "about 1 in 2,400": the chance of seeing this by luck alone, in words.
fn chance_words(p_value: f64) -> String {
    if !p_value.is_finite() || p_value <= 0.0 {
        return "less than 1 in a million".to_string();
    }
    let odds = (1.0 / p_value).round();
    if odds >= 1_000_000.0 {
        "less than 1 in a million".to_string()
    } else if odds < 2.0 {
        "better than even".to_string()
    } else {
        format!("about 1 in {}", thousands(odds as u64))
    }
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub async fn detail(
    State(state): State<AppState>,
    viewer: Viewer,
    WebPath(id): WebPath<i64>,
    Query(query): Query<OkQuery>,
) -> Result<Html<String>, PageError> {
    viewer.require_oversight()?;
    let pattern = state.engine.store.get_pattern(viewer.actor.org, id).await?;
    let lookup = Lookup::load(&state, &viewer).await?;
    let now = state.engine.now();
    let unit = unit_of(&pattern, &lookup.units);
    let binary = pattern.series.iter().all(|p| p.value == 0.0 || p.value == 1.0);
    let chart = (!binary && !pattern.series.is_empty()).then(|| {
        let readings: Vec<(Timestamp, f64)> = pattern.series.iter().map(|p| (p.at, p.value)).collect();
        let allowed = pattern.range.map(Allowed::from).unwrap_or_default();
        line_chart(kind_words(pattern.kind), &readings, allowed, &unit, &viewer.zone)
    });
    let runs = evidence_runs(&state, &pattern, binary, &unit, &viewer, now).await?;
    let page = DetailPage {
        chrome: Chrome::new(&viewer, "patterns").with_notice(query.ok.as_deref()),
        chance: chance_words(pattern.p_value),
        chart,
        runs,
        pattern: lookup.item(pattern, &viewer, now),
    };
    render("pattern.html", page)
}

/// The runs that show the pattern, newest first, each at its scheduled time and, when
/// the series has one point per run, with its point ("missed", "6.2 °C").
async fn evidence_runs(
    state: &AppState,
    pattern: &PatternRecord,
    binary: bool,
    unit: &str,
    viewer: &Viewer,
    now: Timestamp,
) -> Result<Vec<EvidenceRun>, PageError> {
    let per_run = pattern.series.len() == pattern.runs.len();
    let words = |point: &Point| match (binary, point.value == 1.0) {
        (true, true) => "missed".to_string(),
        (true, false) => "on time".to_string(),
        (false, _) => format!("{} {unit}", super::charts::format_number(point.value)).trim_end().to_string(),
    };
    let mut runs = Vec::with_capacity(pattern.runs.len());
    for (i, id) in pattern.runs.iter().enumerate() {
        // A run deleted with its process since is left out rather than shown undated.
        let Ok(run) = state.engine.store.get_run(viewer.actor.org, *id).await else { continue };
        let point = per_run.then(|| pattern.series[i]);
        runs.push(EvidenceRun {
            id: id.0,
            value: point.as_ref().map(words).unwrap_or_default(),
            when: When::new(run.scheduled_for, &viewer.zone, now),
        });
    }
    runs.reverse();
    Ok(runs)
}

#[derive(Debug, Deserialize)]
pub struct DecideForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    action: String,
    #[serde(default)]
    note: String,
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
    // Another organization's pattern is not found, whatever the form asked.
    state.engine.store.get_pattern(viewer.actor.org, id).await?;
    let (to, code) = match form.action.as_str() {
        "acknowledge" => (PatternState::Acknowledged, "acknowledged"),
        "resolve" => (PatternState::Resolved, "resolved"),
        "reopen" => (PatternState::Open, "reopened"),
        _ => return Err(PageError::bad_request("Choose acknowledge, resolve or reopen.")),
    };
    state.engine.decide_pattern(viewer.actor, id, to, &form.note).await?;
    let back = super::page::safe_next(form.back.as_deref());
    let back = if back == "/" { format!("/patterns/{id}") } else { back };
    let separator = if back.contains('?') { '&' } else { '?' };
    Ok(redirect(&format!("{back}{separator}ok={code}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chance_reads_as_odds() {
        assert_eq!(chance_words(0.0004), "about 1 in 2,500");
        assert_eq!(chance_words(0.02), "about 1 in 50");
        assert_eq!(chance_words(0.8), "better than even");
        assert_eq!(chance_words(1e-9), "less than 1 in a million");
        assert_eq!(chance_words(f64::NAN), "less than 1 in a million");
    }
}
