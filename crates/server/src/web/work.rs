//! My work and the task page: what is mine now, soonest due first, and a task with its
//! SOP, the proof it needs captured right there, what was submitted and its story.

use super::cards::{TaskCard, cards};
use super::forms::{WebForm, WebPath};
use super::page::{Chrome, OkQuery, PageError, When, render, render_with_status};
use super::proof::{ProofField, ProofInput, read_proof_form};
use super::session::Viewer;
use super::story::{self, Line, Names};
use super::{markdown, redirect};
use crate::AppState;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};
use proofline_core::TaskId;
use proofline_core::task::TaskState;
use proofline_engine::EngineError;
use proofline_store::{SubmissionRecord, TaskQuery, TaskRecord, VerdictState};
use serde::Serialize;
use serde_json::Value;

#[derive(Serialize)]
struct WorkPage {
    chrome: Chrome,
    sections: [Section; 3],
}

#[derive(Serialize)]
struct Section {
    id: &'static str,
    heading: &'static str,
    cards: Vec<TaskCard>,
    /// What to say when there are no cards; a section without it is left out when empty.
    empty: Option<&'static str>,
}

pub async fn my_work(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<OkQuery>,
) -> Result<Html<String>, PageError> {
    let states = vec![TaskState::Open, TaskState::Unresolved, TaskState::Submitted, TaskState::Waiting];
    let tasks = state
        .engine
        .store
        .list_tasks(viewer.actor.org, &TaskQuery { holder: Some(viewer.actor.person), states, ..TaskQuery::default() })
        .await?;
    let (mut now, mut submitted, mut later) = (Vec::new(), Vec::new(), Vec::new());
    for card in cards(&state, &viewer, tasks).await? {
        match card.state {
            "open" | "unresolved" => now.push(card),
            "submitted" => submitted.push(card),
            _ => later.push(card),
        }
    }
    later.truncate(20);
    let empty_now = "Nothing is waiting for you. New work appears here when it opens.";
    let page = WorkPage {
        chrome: Chrome::new(&viewer, "work").with_notice(query.ok.as_deref()),
        sections: [
            Section { id: "now", heading: "To do now", cards: now, empty: Some(empty_now) },
            Section { id: "submitted", heading: "To approve", cards: submitted, empty: None },
            Section { id: "later", heading: "Coming up", cards: later, empty: None },
        ],
    };
    render("work.html", page)
}

#[derive(Serialize)]
struct EvidenceItem {
    label: String,
    /// A value as text (a reading, a note, ticked items).
    text: Option<String>,
    files: Vec<FileLink>,
}

#[derive(Serialize)]
struct FileLink {
    url: String,
    /// A photo's small preview, when it has one.
    thumb_url: Option<String>,
    name: String,
    image: bool,
}

#[derive(Serialize)]
struct SubmissionView {
    by: String,
    when: When,
    items: Vec<EvidenceItem>,
    exceptions: Vec<String>,
    /// "Waiting for approval", "Approved by Ben", "Sent back by Ben: …".
    verdict: Option<String>,
    /// The verdict refused it.
    rejected: bool,
}

#[derive(Serialize)]
struct TaskPage {
    chrome: Chrome,
    task: TaskCard,
    run: i64,
    process_id: i64,
    holder: String,
    sop_html: String,
    sop_url: Option<String>,
    /// The viewer may submit proof now.
    can_submit: bool,
    /// The viewer may reassign, extend or close it.
    can_decide: bool,
    /// The viewer may approve or send back the proof that waits for approval.
    can_judge: bool,
    /// Who submitted the proof that waits for approval.
    pending_by: Option<String>,
    fields: Vec<ProofField>,
    errors: Vec<String>,
    submissions: Vec<SubmissionView>,
    story: Vec<Line>,
    people: Vec<(i64, String)>,
}

pub async fn task_page(
    State(state): State<AppState>,
    viewer: Viewer,
    WebPath(id): WebPath<i64>,
    Query(query): Query<OkQuery>,
) -> Result<Html<String>, PageError> {
    let page = task_view(&state, &viewer, TaskId(id), &ProofInput::default()).await?;
    let page = TaskPage { chrome: page.chrome.with_notice(query.ok.as_deref()), ..page };
    render("task.html", page)
}

async fn task_view(state: &AppState, viewer: &Viewer, id: TaskId, input: &ProofInput) -> Result<TaskPage, PageError> {
    let store = &state.engine.store;
    let org = viewer.actor.org;
    let task = store.get_task(org, id).await?;
    let definitions = state.engine.definitions_of(std::slice::from_ref(&task)).await?;
    let step = definitions.get(&(task.process, task.version)).and_then(|d| d.task_step(task.step_index));
    let people = store.list_people(org).await?;
    let names = Names::new(people.iter().map(|p| (p.id, p.name.clone())));
    let now = state.engine.now();
    let events = store.task_history(org, id).await?;
    let submissions = store.submissions(org, id).await?;
    let pending =
        submissions.iter().rev().find(|s| s.verdict.as_ref().is_some_and(|v| v.state == VerdictState::Pending));
    let accepts_proof = matches!(task.state, TaskState::Open | TaskState::Unresolved) && pending.is_none();
    let may_act = viewer.can_work() && (task.holder == viewer.actor.person || viewer.can_manage());
    let can_submit = accepts_proof && may_act;
    let can_decide = accepts_proof && viewer.can_manage();
    let can_judge = match pending {
        Some(s) if s.by != viewer.actor.person => state.engine.may_judge(viewer.actor, &task).await?,
        _ => false,
    };
    let pending_by = pending.map(|s| names.of(s.by));
    let fields = step.map(|s| s.proof().iter().map(|r| ProofField::new(r, input)).collect()).unwrap_or_default();
    let requirements = step.map(|s| s.proof()).unwrap_or_default();
    let (holder, run, process_id) = (names.of(task.holder), task.run.0, task.process.0);
    let mut card = cards(state, viewer, vec![task]).await?;
    Ok(TaskPage {
        chrome: Chrome::new(viewer, "work"),
        task: card.pop().ok_or_else(PageError::not_found)?,
        run,
        process_id,
        holder,
        sop_html: markdown::to_safe_html(step.map(|s| s.sop()).unwrap_or_default()),
        sop_url: step
            .and_then(|s| s.sop_url())
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
            .map(str::to_string),
        can_submit,
        can_decide,
        can_judge,
        pending_by,
        fields,
        errors: input.errors.iter().map(|(_, message)| message.clone()).collect(),
        submissions: submissions
            .iter()
            .rev()
            .map(|s| submission_view(s, id, requirements, &names, viewer, now))
            .collect(),
        story: story::lines(&events, &names, &viewer.zone, now),
        people: people.iter().filter(|p| p.active).map(|p| (p.id.0, p.name.clone())).collect(),
    })
}

fn submission_view(
    s: &SubmissionRecord,
    task: TaskId,
    requirements: &[proofline_core::proof::ProofRequirement],
    names: &Names,
    viewer: &Viewer,
    now: jiff::Timestamp,
) -> SubmissionView {
    let label_of =
        |key: &str| requirements.iter().find(|r| r.key == key).map_or_else(|| key.to_string(), |r| r.describe());
    let items = s
        .evidence
        .as_object()
        .map(|map| {
            map.iter()
                .map(|(key, value)| {
                    let files: Vec<FileLink> = files_in(value)
                        .map(|f| FileLink {
                            url: format!("/tasks/{task}/evidence/{}", f.sha256),
                            thumb_url: f.thumbnail.map(|t| format!("/tasks/{task}/evidence/{t}")),
                            name: f.name.unwrap_or_else(|| f.content_type.to_string()),
                            image: f.content_type.starts_with("image/"),
                        })
                        .collect();
                    let text = files.is_empty().then(|| value_text(value));
                    EvidenceItem { label: label_of(key), text, files }
                })
                .collect()
        })
        .unwrap_or_default();
    let verdict = s.verdict.as_ref().map(|v| {
        let by = v.by.map(|p| names.of(p)).unwrap_or_default();
        match (v.state, v.reason.as_deref()) {
            (VerdictState::Pending, _) => "Waiting for approval".to_string(),
            (VerdictState::Approved, None) => format!("Approved by {by}"),
            (VerdictState::Approved, Some(note)) => format!("Approved by {by}: {note}"),
            (VerdictState::Rejected, reason) => format!("Sent back by {by}: {}", reason.unwrap_or_default()),
        }
    });
    SubmissionView {
        by: names.of(s.by),
        when: When::new(s.at, &viewer.zone, now),
        items,
        exceptions: s.exceptions.iter().map(|e| e.message.clone()).collect(),
        verdict,
        rejected: s.verdict.as_ref().is_some_and(|v| v.state == VerdictState::Rejected),
    }
}

/// A stored file as evidence names it.
struct FileRef<'a> {
    sha256: &'a str,
    content_type: &'a str,
    name: Option<String>,
    thumbnail: Option<&'a str>,
}

/// Stored files anywhere in a piece of evidence.
fn files_in(value: &Value) -> Box<dyn Iterator<Item = FileRef<'_>> + '_> {
    match value {
        Value::Array(items) => Box::new(items.iter().flat_map(files_in)),
        Value::Object(map) => {
            match (map.get("sha256").and_then(Value::as_str), map.get("content_type").and_then(Value::as_str)) {
                (Some(sha256), Some(content_type)) => Box::new(std::iter::once(FileRef {
                    sha256,
                    content_type,
                    name: map.get("name").and_then(Value::as_str).map(str::to_string),
                    thumbnail: map.get("thumbnail").and_then(Value::as_str),
                })),
                _ => Box::new(std::iter::empty()),
            }
        }
        _ => Box::new(std::iter::empty()),
    }
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(value_text).collect::<Vec<_>>().join("; "),
        Value::Object(map) if map.contains_key("failed") => {
            let list = |key: &str| map.get(key).map(value_text).unwrap_or_default();
            format!("Done: {}. Failed: {}", list("done"), list("failed"))
        }
        Value::Object(map) => match (map.get("value"), map.get("name")) {
            (Some(v), _) => value_text(v),
            (None, Some(name)) => format!("Signed: {}", value_text(name)),
            _ => value.to_string(),
        },
        other => other.to_string(),
    }
}

/// Proof from the task page's form; a refusal shows the page again with what is wrong
/// and what was typed.
pub async fn submit(
    State(state): State<AppState>,
    viewer: Viewer,
    WebPath(id): WebPath<i64>,
    form: Multipart,
) -> Result<Response, PageError> {
    let id = TaskId(id);
    let (input, uploads) = read_proof_form(form).await?;
    viewer.check_csrf(&input.csrf)?;
    let values = input.values();
    let refused = match state.engine.submit_proof(viewer.actor, id, values, uploads).await {
        Ok(outcome) => {
            let code = if outcome.state == TaskState::Done { "done" } else { "submitted" };
            return Ok(redirect(&format!("/work?ok={code}")));
        }
        Err(EngineError::Proof(problems)) => problems.into_iter().map(|p| (p.key, p.message)).collect(),
        Err(EngineError::Invalid(errors)) => errors.into_iter().map(|e| (e.field, e.message)).collect(),
        Err(e) => return Err(e.into()),
    };
    let input = ProofInput { errors: refused, ..input };
    let page = task_view(&state, &viewer, id, &input).await?;
    Ok(render_with_status(StatusCode::UNPROCESSABLE_ENTITY, "task.html", page)?.into_response())
}

#[derive(Debug, serde::Deserialize)]
pub struct VerdictForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    action: String,
    #[serde(default)]
    reason: String,
}

/// An approver's verdict from the task page: approve, or send back with a reason.
pub async fn verdict(
    State(state): State<AppState>,
    viewer: Viewer,
    WebPath(id): WebPath<i64>,
    WebForm(form): WebForm<VerdictForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let id = TaskId(id);
    let code = match form.action.as_str() {
        "approve" => {
            state.engine.approve(viewer.actor, id, &form.reason).await?;
            "approved"
        }
        "reject" => {
            state.engine.reject(viewer.actor, id, &form.reason).await?;
            "rejected"
        }
        _ => return Err(PageError::bad_request("Unknown action.")),
    };
    Ok(redirect(&format!("/work?ok={code}")))
}

/// An evidence file of a task in the viewer's organization. Images show inline; anything
/// else downloads, so an uploaded HTML file can never run as a page of ours.
pub async fn evidence(
    State(state): State<AppState>,
    viewer: Viewer,
    WebPath((id, sha256)): WebPath<(i64, String)>,
) -> Result<Response, PageError> {
    let store = &state.engine.store;
    let task: TaskRecord = store.get_task(viewer.actor.org, TaskId(id)).await?;
    let submissions = store.submissions(viewer.actor.org, task.id).await?;
    // Evidence is an object of values by requirement key; files sit inside the values.
    // A photo's thumbnail is served as the small JPEG it is.
    let found = submissions.iter().flat_map(|s| s.evidence.as_object().into_iter().flat_map(|m| m.values())).find_map(
        |value| {
            files_in(value).find_map(|f| match (f.sha256 == sha256, f.thumbnail == Some(sha256.as_str())) {
                (true, _) => Some((f.content_type.to_string(), f.name)),
                (false, true) => Some(("image/jpeg".to_string(), Some("thumbnail.jpg".to_string()))),
                _ => None,
            })
        },
    );
    let Some((content_type, name)) = found else { return Err(PageError::not_found()) };
    let bytes = state.engine.blobs.get(&sha256).await.map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => PageError::Status(
            StatusCode::GONE,
            "This file was deleted under the organization's evidence retention; its record and hash remain.".into(),
        ),
        _ => PageError::Internal(format!("evidence {sha256}: {e}")),
    })?;
    let inline = matches!(content_type.as_str(), "image/jpeg" | "image/png" | "image/webp" | "image/gif");
    let safe_name: String = name
        .unwrap_or_else(|| "evidence".into())
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "._- ".contains(*c))
        .collect();
    let disposition = if inline { "inline".to_string() } else { format!("attachment; filename=\"{safe_name}\"") };
    Ok((
        [
            (CONTENT_TYPE, if inline { content_type } else { "application/octet-stream".to_string() }),
            (CONTENT_DISPOSITION, disposition),
            (CACHE_CONTROL, "private, max-age=31536000, immutable".to_string()),
        ],
        bytes,
    )
        .into_response())
}
