//! The task state machine: which moves are allowed from which state.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Where one step of one run stands. A task always has exactly one current holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    /// Not startable yet: its start time has not come or a step it depends on is not done.
    Waiting,
    /// Someone must act: submit proof before the deadline.
    Open,
    /// Proof is in and waits for an approver.
    Submitted,
    /// Done, with the required evidence.
    Done,
    /// Every level of the escalation chain missed it; it sits in the owner's inbox.
    Unresolved,
    /// Withdrawn by a person, with a reason.
    Cancelled,
    /// Never due: e.g. the whole window passed while Proofline was down.
    Skipped,
}

impl TaskState {
    pub const ALL: [TaskState; 7] = [
        TaskState::Waiting,
        TaskState::Open,
        TaskState::Submitted,
        TaskState::Done,
        TaskState::Unresolved,
        TaskState::Cancelled,
        TaskState::Skipped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskState::Waiting => "waiting",
            TaskState::Open => "open",
            TaskState::Submitted => "submitted",
            TaskState::Done => "done",
            TaskState::Unresolved => "unresolved",
            TaskState::Cancelled => "cancelled",
            TaskState::Skipped => "skipped",
        }
    }

    pub fn parse(text: &str) -> Option<TaskState> {
        TaskState::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// No further move is possible.
    pub fn is_final(self) -> bool {
        matches!(self, TaskState::Done | TaskState::Cancelled | TaskState::Skipped)
    }

    /// Proof may be submitted: the task is open, or unresolved and being handled by its owner.
    pub fn accepts_proof(self) -> bool {
        matches!(self, TaskState::Open | TaskState::Unresolved)
    }

    /// The escalation clock runs.
    pub fn escalates(self) -> bool {
        self == TaskState::Open
    }
}

impl fmt::Display for TaskState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a move was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("the task is {0}; proof can only be submitted while it is open")]
    NotAcceptingProof(TaskState),
    #[error("the task is held by someone else")]
    NotHolder,
}

/// The state a task moves to when complete proof is submitted.
pub fn after_submission(state: TaskState, needs_approval: bool) -> Result<TaskState, TransitionError> {
    if !state.accepts_proof() {
        return Err(TransitionError::NotAcceptingProof(state));
    }
    Ok(if needs_approval { TaskState::Submitted } else { TaskState::Done })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_open_or_unresolved_work_accepts_proof() {
        for state in TaskState::ALL {
            let result = after_submission(state, false);
            assert_eq!(result.is_ok(), matches!(state, TaskState::Open | TaskState::Unresolved), "{state}");
        }
        assert_eq!(after_submission(TaskState::Open, true), Ok(TaskState::Submitted));
    }

    #[test]
    fn states_round_trip_through_their_names() {
        for state in TaskState::ALL {
            assert_eq!(TaskState::parse(state.as_str()), Some(state));
        }
        assert_eq!(TaskState::parse("finished"), None);
    }
}
