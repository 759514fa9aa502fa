//! The process editor: name, owner, system, cadence (a phrase, cron or an RRULE, previewed in
//! the process's zone as it is typed), steps with SOP, assignee, timing and proof, and the
//! escalation chain. Works without script: adding, removing and moving steps posts the
//! form back and shows it again unsaved; the script adds dragging and the live preview.
//! Saving an existing process stores a new version; runs already started keep theirs.

use super::cadence::{Preview, preview, schedule};
use super::forms::{WebForm, WebPath};
use super::page::{Chrome, PageError, field_words, render_with_status};
use super::proof_text::{self, Directory};
use super::redirect;
use super::session::Viewer;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use proofline_core::ProcessId;
use proofline_core::cadence::Cadence;
use proofline_core::escalation::Target;
use proofline_core::process::{Assignee, ProcessDefinition, ProcessStatus};
use proofline_engine::EngineError;
use serde::Serialize;
use serde_json::{Value, json};

#[derive(Debug, Clone, Default, Serialize)]
pub struct StepDraft {
    title: String,
    sop: String,
    /// `person:ID` or `role:ID`.
    assignee: String,
    opens_after: String,
    due_after: String,
    /// Step numbers (from 1) it waits for, comma-separated.
    depends_on: String,
    /// One requirement per line, see `proof_text`.
    proof: String,
    /// The step's corrective action as JSON, carried through an edit unchanged (the editor
    /// does not shape it yet; process files and the API do).
    corrective: String,
    /// The corrective action's title, to show that one is configured.
    corrective_title: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct LevelDraft {
    /// `manager`, `owner`, `person:ID` or `role:ID`.
    to: String,
    window: String,
}

/// The editor's form as typed, before it is a definition.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Draft {
    name: String,
    key: String,
    description: String,
    owner: String,
    system: String,
    status: String,
    /// `schedule`, `event` or `manual`.
    cadence: String,
    rule: String,
    zone: String,
    event: String,
    steps: Vec<StepDraft>,
    levels: Vec<LevelDraft>,
}

fn target_value(target: Target) -> String {
    match target {
        Target::Person(p) => format!("person:{p}"),
        Target::Role(r) => format!("role:{r}"),
        Target::Manager => "manager".into(),
        Target::Owner => "owner".into(),
    }
}

fn target_json(value: &str) -> Option<Value> {
    match value.split_once(':') {
        Some(("person", id)) => id.parse::<i64>().ok().map(|id| json!({"person": id})),
        Some(("role", id)) => id.parse::<i64>().ok().map(|id| json!({"role": id})),
        None if value == "manager" || value == "owner" => Some(json!(value)),
        _ => None,
    }
}

impl Draft {
    fn blank(viewer: &Viewer, org_zone: &str) -> Draft {
        Draft {
            owner: viewer.actor.person.0.to_string(),
            status: "draft".into(),
            cadence: "schedule".into(),
            rule: "every weekday at 7am".into(),
            zone: org_zone.to_string(),
            steps: vec![StepDraft {
                assignee: format!("person:{}", viewer.actor.person),
                opens_after: "0m".into(),
                due_after: "1h".into(),
                proof: "photo".into(),
                ..StepDraft::default()
            }],
            levels: vec![
                LevelDraft { to: "manager".into(), window: "30m".into() },
                LevelDraft { to: "owner".into(), window: "1h".into() },
            ],
            ..Draft::default()
        }
    }

    fn of(key: &str, status: ProcessStatus, d: &ProcessDefinition, org_zone: &str, directory: &Directory) -> Draft {
        let (cadence, rule, zone, event) = match &d.cadence {
            Cadence::Schedule(s) => {
                let rule = s.cron().map_or_else(|| s.to_ical(), str::to_string);
                ("schedule", rule, s.zone_name().to_string(), String::new())
            }
            Cadence::Event { name } => ("event", String::new(), org_zone.to_string(), name.clone()),
            Cadence::Manual => ("manual", String::new(), org_zone.to_string(), String::new()),
        };
        Draft {
            name: d.name.clone(),
            key: key.to_string(),
            description: d.description.clone(),
            owner: d.owner.0.to_string(),
            system: d.system.map(|s| s.0.to_string()).unwrap_or_default(),
            status: status.as_str().into(),
            cadence: cadence.into(),
            rule,
            zone,
            event,
            steps: d
                .steps
                .iter()
                .map(|s| StepDraft {
                    title: s.title.clone(),
                    sop: s.sop.clone(),
                    assignee: match s.assignee {
                        Assignee::Person(p) => format!("person:{p}"),
                        Assignee::Role(r) => format!("role:{r}"),
                    },
                    opens_after: s.opens_after.to_string(),
                    due_after: s.due_after.to_string(),
                    depends_on: s.depends_on.iter().map(|i| (i + 1).to_string()).collect::<Vec<_>>().join(", "),
                    proof: s.proof.iter().map(|r| proof_text::to_line(r, directory)).collect::<Vec<_>>().join("\n"),
                    corrective: s.corrective.as_ref().and_then(|c| serde_json::to_string(c).ok()).unwrap_or_default(),
                    corrective_title: s.corrective.as_ref().map(|c| c.title_for(&s.title)).unwrap_or_default(),
                })
                .collect(),
            levels: d
                .escalation
                .levels()
                .iter()
                .map(|l| LevelDraft { to: target_value(l.to), window: l.window.to_string() })
                .collect(),
        }
    }

    /// Reads the posted fields: `name`, …, `step.N.title`, `level.N.window`.
    fn from_fields(fields: &[(String, String)]) -> Draft {
        let mut draft = Draft::default();
        for (name, value) in fields {
            let value = value.replace("\r\n", "\n");
            let mut parts = name.splitn(3, '.');
            match (parts.next(), parts.next().and_then(|i| i.parse::<usize>().ok()), parts.next()) {
                (Some("step"), Some(i), Some(field)) if i < proofline_core::process::MAX_STEPS => {
                    if draft.steps.len() <= i {
                        draft.steps.resize(i + 1, StepDraft::default());
                    }
                    let step = &mut draft.steps[i];
                    match field {
                        "title" => step.title = value,
                        "sop" => step.sop = value,
                        "assignee" => step.assignee = value,
                        "opens_after" => step.opens_after = value,
                        "due_after" => step.due_after = value,
                        "depends_on" => step.depends_on = value,
                        "proof" => step.proof = value,
                        "corrective" => step.corrective = value,
                        _ => {}
                    }
                }
                (Some("level"), Some(i), Some(field)) if i < 20 => {
                    if draft.levels.len() <= i {
                        draft.levels.resize(i + 1, LevelDraft::default());
                    }
                    match field {
                        "to" => draft.levels[i].to = value,
                        "window" => draft.levels[i].window = value,
                        _ => {}
                    }
                }
                _ => match name.as_str() {
                    "name" => draft.name = value,
                    "key" => draft.key = value,
                    "description" => draft.description = value,
                    "owner" => draft.owner = value,
                    "system" => draft.system = value,
                    "status" => draft.status = value,
                    "cadence" => draft.cadence = value,
                    "rule" => draft.rule = value,
                    "zone" => draft.zone = value,
                    "event" => draft.event = value,
                    _ => {}
                },
            }
        }
        draft
    }

    /// Carries out an editing button: add, remove or move a step or a level.
    fn apply(&mut self, op: &str) {
        let index = |prefix: &str| op.strip_prefix(prefix).and_then(|i| i.parse::<usize>().ok());
        if op == "add-step" && self.steps.len() < proofline_core::process::MAX_STEPS {
            let assignee = self.steps.last().map(|s| s.assignee.clone()).unwrap_or_default();
            self.steps.push(StepDraft {
                assignee,
                opens_after: "0m".into(),
                due_after: "1h".into(),
                ..StepDraft::default()
            });
        } else if op == "add-level" && self.levels.len() < 20 {
            self.levels.push(LevelDraft { to: "owner".into(), window: "1h".into() });
        } else if let Some(i) = index("remove-step:").filter(|i| *i < self.steps.len() && self.steps.len() > 1) {
            self.steps.remove(i);
        } else if let Some(i) = index("remove-level:").filter(|i| *i < self.levels.len() && self.levels.len() > 1) {
            self.levels.remove(i);
        } else if let Some(i) = index("up:").filter(|i| *i > 0 && *i < self.steps.len()) {
            self.steps.swap(i - 1, i);
        } else if let Some(i) = index("down:").filter(|i| i + 1 < self.steps.len()) {
            self.steps.swap(i, i + 1);
        }
    }

    /// The definition this draft describes, or every problem with it.
    fn definition(&self, directory: &Directory) -> Result<ProcessDefinition, Vec<String>> {
        let mut problems = Vec::new();
        let cadence = match self.cadence.as_str() {
            "schedule" => match schedule(&self.rule, &self.zone) {
                Ok(s) => serde_json::to_value(Cadence::Schedule(Box::new(s))).unwrap_or(Value::Null),
                Err(e) => {
                    problems.push(format!("Cadence: {e}"));
                    Value::Null
                }
            },
            "event" if !self.event.trim().is_empty() => json!({"kind": "event", "name": self.event.trim()}),
            "event" => {
                problems.push("Cadence: name the event that starts a run (e.g. delivery).".into());
                Value::Null
            }
            _ => json!({"kind": "manual"}),
        };
        let mut steps = Vec::new();
        for (i, s) in self.steps.iter().enumerate() {
            let n = i + 1;
            let mut proof = Vec::new();
            for line in s.proof.lines().filter(|l| !l.trim().is_empty()) {
                match proof_text::parse_line(line, directory) {
                    Ok(requirement) => proof.push(requirement),
                    Err(e) => problems.push(format!("Step {n}, proof: {e}")),
                }
            }
            let assignee = target_json(&s.assignee).filter(|v| !v.is_string());
            if assignee.is_none() {
                problems.push(format!("Step {n}: choose who does it."));
            }
            let mut depends_on = Vec::new();
            for part in s.depends_on.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                match part.parse::<usize>() {
                    Ok(d) if d >= 1 && d < n => depends_on.push(d - 1),
                    _ => problems.push(format!("Step {n}: it can only wait for earlier steps (1 to {}).", n - 1)),
                }
            }
            let mut step = json!({
                "title": s.title.trim(), "sop": s.sop.trim(), "assignee": assignee,
                "opens_after": span_or_zero(&s.opens_after), "due_after": s.due_after.trim(),
                "depends_on": depends_on, "proof": proof,
            });
            if !s.corrective.trim().is_empty() {
                match serde_json::from_str::<Value>(&s.corrective) {
                    Ok(corrective) => step["corrective"] = corrective,
                    Err(_) => problems.push(format!("Step {n}: its corrective action could not be read back.")),
                }
            }
            steps.push(step);
        }
        let mut levels = Vec::new();
        for (i, l) in self.levels.iter().enumerate() {
            match target_json(&l.to) {
                Some(to) => levels.push(json!({"to": to, "window": l.window.trim()})),
                None => problems.push(format!("Escalation level {}: choose where the work goes.", i + 1)),
            }
        }
        let system = self.system.trim().parse::<i64>().ok();
        let owner = self.owner.trim().parse::<i64>().ok();
        if owner.is_none() {
            problems.push("Choose the process owner.".into());
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let definition = json!({
            "name": self.name.trim(), "description": self.description.trim(), "owner": owner, "system": system,
            "cadence": cadence, "steps": steps, "escalation": levels,
        });
        serde_json::from_value(definition).map_err(|e| vec![plain_serde(&e.to_string())])
    }
}

fn span_or_zero(text: &str) -> String {
    if text.trim().is_empty() { "0m".into() } else { text.trim().to_string() }
}

/// serde's message without its position suffix, which means nothing to a person.
fn plain_serde(message: &str) -> String {
    let message = message.split(" at line ").next().unwrap_or(message);
    format!("Not saved: {message}.")
}

#[derive(Serialize)]
struct EditorPage {
    chrome: Chrome,
    /// Editing an existing process (its id), or making a new one.
    id: Option<i64>,
    draft: Draft,
    problems: Vec<String>,
    people: Vec<(i64, String)>,
    roles: Vec<(i64, String)>,
    systems: Vec<(i64, String)>,
    preview: Preview,
}

async fn editor_page(
    state: &AppState,
    viewer: &Viewer,
    id: Option<i64>,
    draft: Draft,
    problems: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let store = &state.engine.store;
    let org = viewer.actor.org;
    let people = store.list_people(org).await?.into_iter().filter(|p| p.active).map(|p| (p.id.0, p.name)).collect();
    let roles = store.list_roles(org).await?.into_iter().map(|r| (r.id.0, r.name)).collect();
    let systems = store.list_systems(org).await?.into_iter().map(|s| (s.id.0, s.name)).collect();
    let preview =
        if draft.cadence == "schedule" { preview(state, &draft.rule, &draft.zone) } else { Preview::default() };
    let page =
        EditorPage { chrome: Chrome::new(viewer, "processes"), id, draft, problems, people, roles, systems, preview };
    Ok(render_with_status(status, "editor.html", page)?.into_response())
}

/// People and roles by name, for the proof lines that name an approver.
async fn directory(state: &AppState, org: proofline_core::OrgId) -> Result<Directory, PageError> {
    let store = &state.engine.store;
    Ok(Directory {
        people: store.list_people(org).await?.into_iter().map(|p| (p.id.0, p.name)).collect(),
        roles: store.list_roles(org).await?.into_iter().map(|r| (r.id.0, r.name)).collect(),
    })
}

pub async fn new_form(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    viewer.require_manager()?;
    let zone = state.engine.store.get_org(viewer.actor.org).await?.zone;
    editor_page(&state, &viewer, None, Draft::blank(&viewer, &zone), Vec::new(), StatusCode::OK).await
}

pub async fn edit_form(
    State(state): State<AppState>,
    viewer: Viewer,
    WebPath(id): WebPath<i64>,
) -> Result<Response, PageError> {
    viewer.require_manager()?;
    let process = state.engine.store.get_process(viewer.actor.org, ProcessId(id)).await?;
    let zone = state.engine.store.get_org(viewer.actor.org).await?.zone;
    let directory = directory(&state, viewer.actor.org).await?;
    let draft = Draft::of(&process.key, process.status, &process.definition, &zone, &directory);
    editor_page(&state, &viewer, Some(id), draft, Vec::new(), StatusCode::OK).await
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    WebForm(fields): WebForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    save(state, viewer, None, fields).await
}

pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    WebPath(id): WebPath<i64>,
    WebForm(fields): WebForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    state.engine.store.get_process(viewer.actor.org, ProcessId(id)).await?;
    save(state, viewer, Some(id), fields).await
}

async fn save(
    state: AppState,
    viewer: Viewer,
    id: Option<i64>,
    fields: Vec<(String, String)>,
) -> Result<Response, PageError> {
    let field = |name: &str| fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    viewer.check_csrf(field("_csrf").unwrap_or_default())?;
    viewer.require_manager()?;
    let mut draft = Draft::from_fields(&fields);
    let op = field("op").unwrap_or("save");
    if op != "save" {
        draft.apply(op);
        return editor_page(&state, &viewer, id, draft, Vec::new(), StatusCode::OK).await;
    }
    let refuse = |draft: Draft, problems: Vec<String>| {
        editor_page(&state, &viewer, id, draft, problems, StatusCode::UNPROCESSABLE_ENTITY)
    };
    let directory = directory(&state, viewer.actor.org).await?;
    let definition = match draft.definition(&directory) {
        Ok(definition) => definition,
        Err(problems) => return refuse(draft, problems).await,
    };
    let status = ProcessStatus::parse(&draft.status).unwrap_or_default();
    let outcome = match id {
        None => state.engine.create_process(viewer.actor, draft.key.trim(), status, definition).await.map(|c| c.id),
        Some(id) => {
            let id = ProcessId(id);
            let saved = state.engine.update_process(viewer.actor, id, definition).await;
            match saved {
                Ok(_) => state.engine.set_process_status(viewer.actor, id, status).await.map(|()| id),
                Err(e) => Err(e),
            }
        }
    };
    match outcome {
        Ok(id) => Ok(redirect(&format!("/processes/{id}?ok=saved"))),
        Err(EngineError::Invalid(errors)) => {
            refuse(draft, errors.into_iter().map(|e| format!("{}: {}", field_words(&e.field), e.message)).collect())
                .await
        }
        Err(EngineError::Conflict(message)) => refuse(draft, vec![message]).await,
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buttons_add_remove_and_move_steps() {
        let step = |t: &str| StepDraft { title: t.into(), ..StepDraft::default() };
        let mut draft = Draft { steps: vec![step("a"), step("b"), step("c")], ..Draft::default() };
        draft.apply("down:0");
        draft.apply("up:2");
        let titles: Vec<&str> = draft.steps.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["b", "c", "a"]);
        draft.apply("remove-step:1");
        draft.apply("up:0");
        draft.apply("down:9");
        let titles: Vec<&str> = draft.steps.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["b", "a"]);
        draft.apply("add-step");
        assert_eq!(draft.steps.len(), 3);
    }
}
