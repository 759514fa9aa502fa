//! What a manager does with work that could not be resolved, or is about to slip: hand
//! it to someone, give more time, or close it with a reason.

use crate::{Actor, Engine, EngineError};
use jiff::{SignedDuration, Timestamp};
use proofline_core::PersonId;
use proofline_core::TaskId;
use proofline_core::process::ProcessDefinition;
use proofline_core::task::TaskState;
use proofline_store::{Decision, TaskDecision, TaskRecord};

/// A manager's choice before the deadline is settled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DecisionInput {
    /// To someone else; `None` gives them the step's full window from now.
    Reassign {
        to: PersonId,
        due_at: Option<Timestamp>,
    },
    Extend {
        due_at: Timestamp,
    },
    Close,
}

/// How long a task's holder has once it opens (a step's, or a corrective action's); an
/// hour when the step does not say.
pub(crate) fn step_window(definition: &ProcessDefinition, step_index: u32) -> SignedDuration {
    definition
        .task_step(step_index)
        .map(|s| s.window().as_duration())
        .filter(|w| w.is_positive())
        .unwrap_or(SignedDuration::from_hours(1))
}

impl Engine {
    /// Settles an open or unresolved task as a manager decides; returns it as it is now.
    pub async fn decide(
        &self,
        actor: Actor,
        id: TaskId,
        input: DecisionInput,
        reason: &str,
    ) -> Result<TaskRecord, EngineError> {
        if !actor.access.can_manage() {
            return Err(EngineError::Forbidden("only managers and owners can reassign, extend or close work".into()));
        }
        let reason = reason.trim();
        if reason.chars().count() > 2_000 {
            return Err(EngineError::invalid("reason", "keep the reason under 2000 characters"));
        }
        if input == DecisionInput::Close && reason.is_empty() {
            return Err(EngineError::invalid("reason", "say why the work is closed without proof"));
        }
        let task = self.store.get_task(actor.org, id).await?;
        if !matches!(task.state, TaskState::Open | TaskState::Unresolved) {
            return Err(EngineError::Conflict(format!(
                "the task is {}; only open or unresolved work can be reassigned, extended or closed",
                task.state
            )));
        }
        let now = self.now();
        let decision = match input {
            DecisionInput::Reassign { to, due_at } => {
                let person = self.store.get_person(actor.org, to).await.map_err(|e| match e {
                    proofline_store::StoreError::NotFound => EngineError::invalid("to", "no such person here"),
                    other => other.into(),
                })?;
                if !person.active {
                    return Err(EngineError::invalid("to", format!("{} is inactive", person.name)));
                }
                let due_at = match due_at {
                    Some(due_at) => due_at,
                    None => {
                        now + step_window(&*self.definitions.get(task.process, task.version).await?, task.step_index)
                    }
                };
                Decision::Reassign { to, due_at: future(due_at, now)? }
            }
            DecisionInput::Extend { due_at } => Decision::Extend { due_at: future(due_at, now)? },
            DecisionInput::Close => Decision::Close,
        };
        let change = TaskDecision {
            org: actor.org,
            task: id,
            rev: task.rev,
            by: actor.person,
            decision,
            reason: reason.into(),
            now,
        };
        self.store.decide_task(&change).await?;
        Ok(self.store.get_task(actor.org, id).await?)
    }
}

fn future(due_at: Timestamp, now: Timestamp) -> Result<Timestamp, EngineError> {
    if due_at <= now {
        Err(EngineError::invalid("due_at", "the new deadline must be in the future"))
    } else {
        Ok(due_at)
    }
}
