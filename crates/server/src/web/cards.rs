//! A task as one line of a list: what, for which process, due when, needing what proof.

use super::page::{PageError, When};
use super::session::Viewer;
use crate::AppState;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use proofline_core::ProcessId;
use proofline_core::task::TaskState;
use proofline_store::TaskRecord;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Serialize)]
pub struct TaskCard {
    pub id: i64,
    pub title: String,
    pub process: String,
    pub state: &'static str,
    /// When it is due, opens or was finished, as the card says it.
    pub when: WhenLine,
    /// It came to its holder because someone before them missed it.
    pub moved: bool,
    pub level: u32,
    /// What proof it needs, in words.
    pub proof: Vec<String>,
}

/// "due Mon 30 Nov, 07:00 (in 2 h)", "overdue · due …", "unresolved · was due …",
/// "opens …", "done …": decided here so templates only print it.
#[derive(Debug, Serialize)]
pub struct WhenLine {
    /// A warning shown before the line ("overdue", "unresolved"); a card with one is
    /// shown in the late style.
    pub badge: Option<&'static str>,
    pub label: &'static str,
    pub at: When,
    /// Whether "(in 2 h)" follows: not for what is finished or already given up on.
    pub relative: bool,
}

impl WhenLine {
    fn of(task: &TaskRecord, zone: &TimeZone, now: Timestamp) -> WhenLine {
        let line = |badge, label, at, relative| WhenLine { badge, label, at: When::new(at, zone, now), relative };
        if let Some(finished) = task.completed_at {
            let label = if task.state == TaskState::Cancelled { "closed" } else { task.state.as_str() };
            return line(None, label, finished, false);
        }
        match task.state {
            TaskState::Waiting => line(None, "opens", task.opens_at, true),
            TaskState::Unresolved => line(Some("unresolved"), "was due", task.due_at, false),
            TaskState::Open if task.due_at <= now => line(Some("overdue"), "due", task.due_at, true),
            _ => line(None, "due", task.due_at, true),
        }
    }
}

/// Cards for `tasks`, reading each process version they follow once and describing
/// each step's proof once, however many of its tasks are listed: copying the words is
/// cheaper than formatting them again.
pub async fn cards(state: &AppState, viewer: &Viewer, tasks: Vec<TaskRecord>) -> Result<Vec<TaskCard>, PageError> {
    let definitions = state.engine.definitions_of(&tasks).await?;
    let now = state.engine.now();
    let mut described: HashMap<(ProcessId, u32, u32), Vec<String>> = HashMap::new();
    Ok(tasks
        .into_iter()
        .map(|task| {
            let definition = definitions.get(&(task.process, task.version));
            let proof = described
                .entry((task.process, task.version, task.step_index))
                .or_insert_with(|| {
                    let step = definition.and_then(|d| d.task_step(task.step_index));
                    step.map(|s| s.proof().iter().map(|r| r.describe()).collect()).unwrap_or_default()
                })
                .clone();
            TaskCard {
                id: task.id.0,
                process: definition.map(|d| d.name.clone()).unwrap_or_default(),
                state: task.state.as_str(),
                when: WhenLine::of(&task, &viewer.zone, now),
                moved: task.level > 0,
                level: task.level,
                proof,
                title: task.title,
            }
        })
        .collect())
}
