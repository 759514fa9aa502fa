//! A task as one line of a list: what, for which process, due when, needing what proof.

use super::page::{PageError, When};
use super::session::Viewer;
use crate::AppState;
use proofline_core::task::TaskState;
use proofline_store::TaskRecord;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct TaskCard {
    pub id: i64,
    pub title: String,
    pub process: String,
    pub state: &'static str,
    pub due: When,
    /// When waiting work opens.
    pub opens: Option<When>,
    /// When finished work was done or closed.
    pub completed: Option<When>,
    /// Open and past its deadline (the engine moves it on its next pass).
    pub overdue: bool,
    /// It came to its holder because someone before them missed it.
    pub moved: bool,
    pub level: u32,
    /// What proof it needs, in words.
    pub proof: Vec<String>,
}

/// Cards for `tasks`, reading each process version they follow once.
pub async fn cards(state: &AppState, viewer: &Viewer, tasks: Vec<TaskRecord>) -> Result<Vec<TaskCard>, PageError> {
    let definitions = state.engine.definitions_of(&tasks).await?;
    let now = state.engine.now();
    Ok(tasks
        .into_iter()
        .map(|task| {
            let definition = definitions.get(&(task.process, task.version));
            let step = definition.and_then(|d| d.steps.get(task.step_index as usize));
            TaskCard {
                id: task.id.0,
                process: definition.map(|d| d.name.clone()).unwrap_or_default(),
                state: task.state.as_str(),
                due: When::new(task.due_at, &viewer.zone, now),
                opens: (task.state == TaskState::Waiting).then(|| When::new(task.opens_at, &viewer.zone, now)),
                completed: task.completed_at.map(|at| When::new(at, &viewer.zone, now)),
                overdue: task.state == TaskState::Open && task.due_at <= now,
                moved: task.level > 0,
                level: task.level,
                proof: step.map(|s| s.proof.iter().map(|r| r.describe()).collect()).unwrap_or_default(),
                title: task.title,
            }
        })
        .collect())
}
