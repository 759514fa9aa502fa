//! Approvals: evidence that needs a second person is accepted or sent back by someone
//! other than whoever submitted it.

use crate::decide::step_window;
use crate::{Actor, Engine, EngineError};
use proofline_core::TaskId;
use proofline_core::escalation::Target;
use proofline_core::proof;
use proofline_core::task::TaskState;
use proofline_store::{StoreError, SubmissionRecord, TaskRecord, Verdict, VerdictOutcome, VerdictState};

/// The longest reason or note a verdict keeps.
const MAX_REASON_CHARS: usize = 2_000;

impl Engine {
    /// Accepts the evidence waiting on `task`: the task is done.
    pub async fn approve(&self, actor: Actor, task: TaskId, note: &str) -> Result<TaskRecord, EngineError> {
        self.give_verdict(actor, task, note, true).await
    }

    /// Sends the evidence waiting on `task` back to whoever submitted it, with the reason;
    /// they have the step's full window again, and missing it escalates as before.
    pub async fn reject(&self, actor: Actor, task: TaskId, reason: &str) -> Result<TaskRecord, EngineError> {
        self.give_verdict(actor, task, reason, false).await
    }

    /// The submission that waits for a verdict on `task`, if any.
    pub async fn pending_submission(
        &self,
        actor: Actor,
        task: TaskId,
    ) -> Result<Option<SubmissionRecord>, EngineError> {
        let submissions = self.store.submissions(actor.org, task).await?;
        Ok(submissions.into_iter().rev().find(|s| s.verdict.as_ref().is_some_and(|v| v.state == VerdictState::Pending)))
    }

    async fn give_verdict(
        &self,
        actor: Actor,
        id: TaskId,
        words: &str,
        approved: bool,
    ) -> Result<TaskRecord, EngineError> {
        let words = words.trim();
        if words.chars().count() > MAX_REASON_CHARS || (!approved && words.is_empty()) {
            return Err(EngineError::invalid("reason", "say in 1 to 2000 characters what must be redone"));
        }
        let task = self.store.get_task(actor.org, id).await?;
        if !matches!(task.state, TaskState::Submitted | TaskState::Unresolved) {
            return Err(EngineError::Conflict(format!(
                "the task is {}; there is no proof waiting for approval",
                task.state
            )));
        }
        let Some(submission) = self.pending_submission(actor, id).await? else {
            return Err(EngineError::Conflict("there is no proof waiting for approval on this task".into()));
        };
        if submission.by == actor.person {
            return Err(EngineError::Forbidden("you submitted this proof; someone else must approve it".into()));
        }
        let definition = self.definitions.get(task.process, task.version).await?;
        let approver_target =
            definition.task_step(task.step_index).and_then(|s| proof::approval(s.proof())).map(|(by, _)| by);
        if !self.may_approve(actor, &task, approver_target).await? {
            return Err(EngineError::Forbidden(
                "only the approver this step names, whoever holds the approval now, or a manager can give a verdict"
                    .into(),
            ));
        }
        let now = self.now();
        let follow_up = if !approved && Engine::corrective_on_rejection(&definition, &task) {
            let by = self.store.get_person(actor.org, actor.person).await.map(|p| p.name).unwrap_or_default();
            self.follow_up(&task, &definition, vec![format!("{by} rejected the proof: {words}")], now).await?
        } else {
            None
        };
        let (outcome, unblock) = if approved {
            (VerdictOutcome::Approved, self.unblocked_by(&task, &definition).await?)
        } else {
            let due_at = now + step_window(&definition, task.step_index);
            (VerdictOutcome::Rejected { to: submission.by, due_at }, Vec::new())
        };
        let verdict = Verdict {
            org: actor.org,
            task: id,
            rev: task.rev,
            submission: submission.id,
            submitter: submission.by,
            by: actor.person,
            outcome,
            reason: words.to_string(),
            unblock,
            follow_up,
            now,
        };
        self.store.give_verdict(&verdict).await.map_err(|e| match e {
            StoreError::Conflict(_) => EngineError::Conflict(
                "the task changed while you were deciding (it may have moved to another approver); reload it".into(),
            ),
            other => other.into(),
        })?;
        if approved {
            self.open_once(now).await?;
        }
        Ok(self.store.get_task(actor.org, id).await?)
    }

    /// Whether `actor` may approve or reject what waits on `task` (not whether they
    /// submitted it: that is checked against the submission).
    pub async fn may_judge(&self, actor: Actor, task: &TaskRecord) -> Result<bool, EngineError> {
        let definition = self.definitions.get(task.process, task.version).await?;
        let target = definition.task_step(task.step_index).and_then(|s| proof::approval(s.proof())).map(|(by, _)| by);
        self.may_approve(actor, task, target).await
    }

    async fn may_approve(&self, actor: Actor, task: &TaskRecord, target: Option<Target>) -> Result<bool, EngineError> {
        if !actor.access.can_work() {
            return Ok(false);
        }
        if actor.access.can_manage() || task.holder == actor.person {
            return Ok(true);
        }
        Ok(match target {
            Some(Target::Person(p)) => p == actor.person,
            Some(Target::Role(role)) => self.store.get_role(actor.org, role).await?.members.contains(&actor.person),
            _ => false,
        })
    }
}
