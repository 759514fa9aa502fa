//! Opening corrective actions: when a step's evidence shows something wrong and the step
//! says what to do about it, a follow-up task opens in the same run for whoever the step
//! names, due after its own window, and escalates through the process's chain.

use crate::materialize::rotation_updates;
use crate::{Engine, EngineError};
use jiff::Timestamp;
use proofline_core::corrective::{self, OFFSET};
use proofline_core::escalation::{Parties, resolve_or_chain};
use proofline_core::process::ProcessDefinition;
use proofline_store::{FollowUp, TaskRecord};
use std::collections::HashMap;

impl Engine {
    /// The corrective action `task`'s step calls for, given what was wrong (`reasons`),
    /// or None when the step has none, nothing was wrong, or `task` is itself one.
    pub(crate) async fn follow_up(
        &self,
        task: &TaskRecord,
        definition: &ProcessDefinition,
        reasons: Vec<String>,
        now: Timestamp,
    ) -> Result<Option<FollowUp>, EngineError> {
        if reasons.is_empty() || corrective::source_step(task.step_index).is_some() {
            return Ok(None);
        }
        let Some(step) = definition.steps.get(task.step_index as usize) else { return Ok(None) };
        let Some(action) = &step.corrective else { return Ok(None) };
        let mut rosters = HashMap::new();
        let roster = self.roster(&mut rosters, task.org).await?;
        let parties = Parties { assignee: task.assignee, owner: definition.owner, submitter: None };
        let holder = resolve_or_chain(action.assignee, &definition.escalation, parties, now, roster);
        let window = action.due_after.as_duration();
        Ok(Some(FollowUp {
            step_index: OFFSET + task.step_index,
            title: action.title_for(&step.title),
            holder,
            due_at: now + window,
            window_ms: window.as_millis() as i64,
            source: task.id,
            reasons,
            rotations: rotation_updates(&mut rosters),
        }))
    }

    /// Whether `task`'s step opens a corrective action when its proof is rejected.
    pub(crate) fn corrective_on_rejection(definition: &ProcessDefinition, task: &TaskRecord) -> bool {
        definition
            .steps
            .get(task.step_index as usize)
            .and_then(|s| s.corrective.as_ref())
            .is_some_and(|c| c.on.contains(&corrective::Trigger::Rejected))
    }
}
