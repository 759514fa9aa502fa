//! A run told for an auditor: its tasks, who held them, the proof given with its files and
//! flags, approvals and rejections, escalations, and every event, times in the
//! organization's zone. The same view feeds the HTML report and the PDF.

use super::RunEvidence;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use proofline_core::PersonId;
use proofline_core::process::ProcessDefinition;
use proofline_store::{EventRecord, Org, ProcessRecord, SubmissionRecord, VerdictState};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// The organization's people by id, for naming who acted.
pub(crate) struct Names(pub HashMap<PersonId, String>);

impl Names {
    pub fn of(&self, id: PersonId) -> String {
        self.0.get(&id).cloned().unwrap_or_else(|| format!("person {id}"))
    }

    fn of_opt(&self, id: Option<PersonId>) -> String {
        id.map_or_else(|| "Proofline".to_string(), |id| self.of(id))
    }
}

/// A stored file as evidence names it.
pub(crate) struct FileRef<'a> {
    pub sha256: &'a str,
    pub content_type: &'a str,
    pub size: Option<u64>,
    pub name: Option<&'a str>,
    pub thumbnail: Option<&'a str>,
}

/// Stored files anywhere in a piece of evidence: objects with a hash and a type.
pub(crate) fn files_in(value: &Value) -> Box<dyn Iterator<Item = FileRef<'_>> + '_> {
    match value {
        Value::Array(items) => Box::new(items.iter().flat_map(files_in)),
        Value::Object(map) => {
            match (map.get("sha256").and_then(Value::as_str), map.get("content_type").and_then(Value::as_str)) {
                (Some(sha256), Some(content_type)) => Box::new(std::iter::once(FileRef {
                    sha256,
                    content_type,
                    size: map.get("size").and_then(Value::as_u64),
                    name: map.get("name").and_then(Value::as_str),
                    thumbnail: map.get("thumbnail").and_then(Value::as_str),
                })),
                _ => Box::new(map.values().flat_map(files_in)),
            }
        }
        _ => Box::new(std::iter::empty()),
    }
}

/// Where an evidence file went in the archive, or why it is not there.
#[derive(Debug, Clone)]
pub(crate) struct FileState {
    pub path: Option<String>,
    pub content_type: Option<String>,
    pub size: Option<u64>,
    pub missing: Option<String>,
}

impl FileState {
    pub fn missing(content_type: Option<String>, size: Option<u64>, why: &str) -> FileState {
        FileState { path: None, content_type, size, missing: Some(why.to_string()) }
    }
}

/// What every report of one export shares.
pub(crate) struct Context<'a> {
    pub process: &'a ProcessRecord,
    pub org: &'a Org,
    pub zone: &'a TimeZone,
    pub names: &'a Names,
    pub definitions: &'a HashMap<(proofline_core::ProcessId, u32), Arc<ProcessDefinition>>,
    pub files: &'a BTreeMap<String, FileState>,
    pub generated_at: Timestamp,
    pub generated_by: String,
    pub from: Timestamp,
    pub to: Timestamp,
}

#[derive(Debug, Serialize)]
pub(crate) struct RunView {
    pub id: i64,
    pub process: String,
    pub scheduled: String,
    pub state: &'static str,
    pub version: u32,
    pub trigger: String,
    pub started_by: Option<String>,
    pub reason: Option<String>,
    pub tasks: Vec<TaskView>,
}

#[derive(Debug, Serialize)]
pub(crate) struct TaskView {
    pub id: i64,
    /// "Step 2", or "Corrective action for step 2".
    pub step: String,
    pub title: String,
    pub state: &'static str,
    pub assignee: String,
    pub holder: String,
    pub opens: String,
    pub due: String,
    pub completed: Option<String>,
    pub submissions: Vec<SubmissionView>,
    pub escalations: Vec<EscalationView>,
    pub timeline: Vec<LineView>,
}

#[derive(Debug, Serialize)]
pub(crate) struct SubmissionView {
    pub id: i64,
    pub by: String,
    pub at: String,
    pub items: Vec<ItemView>,
    pub exceptions: Vec<String>,
    pub verdict: Option<String>,
    pub rejected: bool,
}

#[derive(Debug, Serialize)]
pub(crate) struct ItemView {
    pub label: String,
    pub text: Option<String>,
    pub files: Vec<FileView>,
}

#[derive(Debug, Serialize)]
pub(crate) struct FileView {
    pub name: String,
    pub sha256: String,
    pub content_type: String,
    /// Relative to the run's report.
    pub href: Option<String>,
    pub thumb_href: Option<String>,
    pub missing: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct EscalationView {
    pub at: String,
    pub missed_by: String,
    pub moved_to: String,
    pub level: u64,
    /// The chain ran out: the task waits for someone to settle it.
    pub exhausted: bool,
}

#[derive(Debug, Serialize)]
pub(crate) struct LineView {
    pub at: String,
    pub text: String,
    pub quote: Option<String>,
    pub bad: bool,
}

/// A run's line in the index and the manifest.
#[derive(Debug, Serialize)]
pub(crate) struct RunSummary {
    pub id: i64,
    pub scheduled: String,
    pub state: &'static str,
    pub tasks: usize,
    pub done: usize,
    pub flags: usize,
    pub escalations: usize,
    pub report: String,
    pub pdf: Option<String>,
}

impl RunSummary {
    pub fn to_json(&self) -> Value {
        json!({"id": self.id, "scheduled": self.scheduled, "state": self.state, "report": self.report, "pdf": self.pdf})
    }
}

impl RunView {
    pub fn title_line(&self) -> String {
        format!("{} - run {} - {}", self.process, self.id, self.scheduled)
    }

    pub fn summary(&self, pdf: bool) -> RunSummary {
        let report = format!("runs/{}/report.html", self.id);
        RunSummary {
            id: self.id,
            scheduled: self.scheduled.clone(),
            state: self.state,
            tasks: self.tasks.len(),
            done: self.tasks.iter().filter(|t| t.state == "done").count(),
            flags: self.tasks.iter().flat_map(|t| &t.submissions).map(|s| s.exceptions.len()).sum(),
            escalations: self.tasks.iter().map(|t| t.escalations.len()).sum(),
            report,
            pdf: pdf.then(|| format!("runs/{}/report.pdf", self.id)),
        }
    }
}

impl Context<'_> {
    pub fn when(&self, at: Timestamp) -> String {
        at.to_zoned(self.zone.clone()).strftime("%Y-%m-%d %H:%M %Z").to_string()
    }

    pub fn run_view(&self, run: &RunEvidence) -> RunView {
        let r = &run.run;
        RunView {
            id: r.id.0,
            process: self.process.definition.name.clone(),
            scheduled: self.when(r.scheduled_for),
            state: r.state.as_str(),
            version: r.version,
            trigger: r.trigger.clone(),
            started_by: r.started_by.map(|p| self.names.of(p)),
            reason: r.reason.clone(),
            tasks: run
                .tasks
                .iter()
                .map(|t| {
                    let task = &t.task;
                    let step =
                        self.definitions.get(&(task.process, task.version)).and_then(|d| d.task_step(task.step_index));
                    let requirements = step.map(|s| s.proof()).unwrap_or_default();
                    TaskView {
                        id: task.id.0,
                        step: match proofline_core::corrective::source_step(task.step_index) {
                            Some(source) => format!("Corrective action for step {}", source + 1),
                            None => format!("Step {}", task.step_index + 1),
                        },
                        title: task.title.clone(),
                        state: task.state.as_str(),
                        assignee: self.names.of(task.assignee),
                        holder: self.names.of(task.holder),
                        opens: self.when(task.opens_at),
                        due: self.when(task.due_at),
                        completed: task.completed_at.map(|at| self.when(at)),
                        submissions: t.submissions.iter().map(|s| self.submission_view(s, requirements)).collect(),
                        escalations: t.events.iter().filter_map(|e| self.escalation(e)).collect(),
                        timeline: t.events.iter().map(|e| self.line(e)).collect(),
                    }
                })
                .collect(),
        }
    }

    fn submission_view(
        &self,
        s: &SubmissionRecord,
        requirements: &[proofline_core::proof::ProofRequirement],
    ) -> SubmissionView {
        let label_of =
            |key: &str| requirements.iter().find(|r| r.key == key).map_or_else(|| key.to_string(), |r| r.describe());
        let items = s
            .evidence
            .as_object()
            .map(|map| {
                map.iter()
                    .map(|(key, value)| {
                        let files: Vec<FileView> = files_in(value).map(|f| self.file_view(&f)).collect();
                        let text = files.is_empty().then(|| value_text(value));
                        ItemView { label: label_of(key), text, files }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let verdict = s.verdict.as_ref().map(|v| {
            let by = v.by.map(|p| self.names.of(p)).unwrap_or_default();
            let at = v.at.map(|at| format!(" on {}", self.when(at))).unwrap_or_default();
            match (v.state, v.reason.as_deref()) {
                (VerdictState::Pending, _) => "Waiting for approval".to_string(),
                (VerdictState::Approved, None) => format!("Approved by {by}{at}"),
                (VerdictState::Approved, Some(note)) => format!("Approved by {by}{at}: {note}"),
                (VerdictState::Rejected, reason) => {
                    format!("Rejected (sent back) by {by}{at}: {}", reason.unwrap_or_default())
                }
            }
        });
        SubmissionView {
            id: s.id.0,
            by: self.names.of(s.by),
            at: self.when(s.at),
            items,
            exceptions: s.exceptions.iter().map(|e| e.message.clone()).collect(),
            verdict,
            rejected: s.verdict.as_ref().is_some_and(|v| v.state == VerdictState::Rejected),
        }
    }

    fn file_view(&self, f: &FileRef<'_>) -> FileView {
        let state = self.files.get(f.sha256);
        let href = state.and_then(|s| s.path.as_ref()).map(|p| format!("../../{p}"));
        let thumb_href =
            f.thumbnail.and_then(|t| self.files.get(t)).and_then(|s| s.path.as_ref()).map(|p| format!("../../{p}"));
        FileView {
            name: f.name.map_or_else(|| f.content_type.to_string(), str::to_string),
            sha256: f.sha256.to_string(),
            content_type: f.content_type.to_string(),
            href,
            thumb_href,
            missing: state.and_then(|s| s.missing.clone()),
        }
    }

    fn escalation(&self, e: &EventRecord) -> Option<EscalationView> {
        let exhausted = match e.kind.as_str() {
            "escalated" => false,
            "unresolved" => true,
            _ => return None,
        };
        Some(EscalationView {
            at: self.when(e.at),
            missed_by: self.names.of_opt(e.from_holder),
            moved_to: self.names.of_opt(e.to_holder),
            level: e.data.get("level").and_then(Value::as_u64).unwrap_or(0),
            exhausted,
        })
    }

    fn line(&self, e: &EventRecord) -> LineView {
        let names = self.names;
        let (to, from, by) = (names.of_opt(e.to_holder), names.of_opt(e.from_holder), names.of_opt(e.actor));
        let due = || {
            e.data
                .get("due_at")
                .and_then(Value::as_i64)
                .and_then(|ms| Timestamp::from_millisecond(ms).ok())
                .map(|at| self.when(at))
                .unwrap_or_default()
        };
        let level = e.data.get("level").and_then(Value::as_u64).unwrap_or(0);
        let (text, bad) = match e.kind.as_str() {
            "created" => (format!("Scheduled for {to}."), false),
            "skipped" => ("Skipped: its whole window passed while Proofline was not running.".to_string(), false),
            "opened" => (format!("Opened for {to}, due {}.", due()), false),
            "escalated" => (format!("{from} missed the deadline. Moved to {to} (escalation level {level})."), true),
            "unresolved" => {
                (format!("{from} missed the deadline and the chain is exhausted. Now with {to} to settle."), true)
            }
            "submitted" => (format!("{by} submitted proof; it waits for approval."), false),
            "completed" => (format!("{by} completed it with proof."), false),
            "approved" => (format!("{by} approved the proof."), false),
            "corrective" => (format!("Opened for {to} to put right, due {}.", due()), true),
            "evidence_purged" => ("Its evidence files were deleted under the retention policy.".to_string(), false),
            "rejected" => (format!("{by} rejected the proof and sent it back to {to}."), true),
            "returned" => (format!("{by} sent it back to {to}."), true),
            "reassigned" => (format!("{by} reassigned it from {from} to {to}, due {}.", due()), false),
            "extended" => (format!("{by} gave {to} until {}.", due()), false),
            "closed" => (format!("{by} closed it without proof."), true),
            other => (format!("{other} ({by})."), false),
        };
        let reasons = || {
            let listed = e.data.get("reasons").and_then(Value::as_array)?;
            Some(listed.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("; ")).filter(|r| !r.is_empty())
        };
        let quote =
            e.data.get("reason").and_then(Value::as_str).filter(|r| !r.is_empty()).map(str::to_string).or_else(reasons);
        LineView { at: self.when(e.at), text, quote, bad }
    }
}

/// A value as a person reads it: a reading, a note, ticked items, a signature's name.
fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(value_text).collect::<Vec<_>>().join("; "),
        Value::Object(map) => match (map.get("value"), map.get("name")) {
            (Some(v), _) => value_text(v),
            (None, Some(name)) => format!("Signed: {}", value_text(name)),
            _ => value.to_string(),
        },
        other => other.to_string(),
    }
}
