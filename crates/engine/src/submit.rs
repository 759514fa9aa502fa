//! Submitting proof: the only way a task becomes done.

use crate::blobs::{sha256_hex, sniff};
use crate::decide::step_window;
use crate::materialize::rotation_updates;
use crate::{Actor, Engine, EngineError, Upload};
use jiff::{SignedDuration, Timestamp};
use proofline_core::PersonId;
use proofline_core::escalation::{Parties, Target, resolve};
use proofline_core::process::ProcessDefinition;
use proofline_core::proof::{self, Evidence, Exception, StoredFile};
use proofline_core::task::{self, TaskState};
use proofline_core::{SubmissionId, TaskId};
use proofline_store::{Completion, Handoff, StoreError, TaskQuery, TaskRecord};
use serde_json::{Map, Value};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
pub struct SubmitOutcome {
    pub submission: SubmissionId,
    pub state: TaskState,
    pub exceptions: Vec<Exception>,
}

impl Engine {
    /// Checks `values` and `uploads` against the task's step and, if every requirement is
    /// met, completes the task. Races with escalation are settled by compare-and-set.
    pub async fn submit_proof(
        &self,
        actor: Actor,
        task_id: TaskId,
        values: Map<String, Value>,
        uploads: Vec<Upload>,
    ) -> Result<SubmitOutcome, EngineError> {
        let now = self.now();
        let task = self.store.get_task(actor.org, task_id).await?;
        if task.holder != actor.person && !actor.access.can_manage() {
            return Err(EngineError::Forbidden(
                "this task is held by someone else; only its holder or a manager can submit proof".into(),
            ));
        }
        if !actor.access.can_work() {
            return Err(EngineError::Forbidden("auditors cannot submit proof".into()));
        }
        let definition = self.definitions.get(task.process, task.version).await?;
        let step = definition.steps.get(task.step_index as usize).ok_or(EngineError::NotFound)?;
        let approval = proof::approval(&step.proof);
        let to_state =
            task::after_submission(task.state, approval.is_some()).map_err(|e| EngineError::Conflict(e.to_string()))?;

        let mut evidence = Evidence { values, ..Evidence::default() };
        let mut accepted_files = Vec::new();
        for upload in uploads {
            if upload.bytes.len() > self.config.max_upload_bytes {
                return Err(EngineError::TooLarge(format!(
                    "{:?} is larger than the {} MB limit",
                    upload.filename.unwrap_or_default(),
                    self.config.max_upload_bytes / 1_048_576
                )));
            }
            let content_type = sniff(&upload.bytes).map_err(|reason| {
                EngineError::Proof(vec![proof::ProofProblem {
                    key: upload.key.clone(),
                    message: format!("{}: {reason}", upload.filename.as_deref().unwrap_or("upload")),
                }])
            })?;
            let sha256 = sha256_hex(&upload.bytes);
            let file = StoredFile {
                sha256,
                content_type,
                size: upload.bytes.len() as u64,
                name: upload.filename.clone(),
                captured_at: None,
            };
            evidence.files.entry(upload.key.clone()).or_default().push(file.clone());
            accepted_files.push((file, upload.bytes));
        }
        let accepted = proof::check(&step.proof, &evidence, now).map_err(EngineError::Proof)?;

        for (file, bytes) in &accepted_files {
            self.blobs
                .put(&file.sha256, bytes)
                .await
                .map_err(|e| EngineError::Store(StoreError::Other(format!("storing evidence: {e}"))))?;
            self.store.record_blob(&file.sha256, &file.content_type, file.size, now).await?;
        }

        let unblock =
            if to_state == TaskState::Done { self.unblocked_by(&task, &definition).await? } else { Vec::new() };

        let handoff = match approval {
            Some((by, window)) => {
                let window = window.map_or_else(|| step_window(&definition, task.step_index), |w| w.as_duration());
                Some(self.pick_approver(&task, &definition, by, actor.person, now, window).await?)
            }
            None => None,
        };
        let completion = Completion {
            org: actor.org,
            task: task.id,
            rev: task.rev,
            from_state: task.state,
            to_state,
            by: actor.person,
            holder: task.holder,
            handoff,
            evidence: accepted.record,
            exceptions: accepted.exceptions.clone(),
            readings: accepted.readings,
            unblock,
            now,
        };
        let submission = self.store.complete_task(&completion).await.map_err(|e| match e {
            StoreError::Conflict(_) => EngineError::Conflict(
                "the task changed while you were submitting (it may have moved to the next person); reload it".into(),
            ),
            other => other.into(),
        })?;
        // Dependents unblocked just now may open at once.
        self.open_once(now).await?;
        Ok(SubmitOutcome { submission, state: to_state, exceptions: accepted.exceptions })
    }

    /// The waiting tasks of `task`'s run that may start once it is done.
    pub(crate) async fn unblocked_by(
        &self,
        task: &TaskRecord,
        definition: &ProcessDefinition,
    ) -> Result<Vec<TaskId>, EngineError> {
        let siblings =
            self.store.list_tasks(task.org, &TaskQuery { run: Some(task.run), ..TaskQuery::default() }).await?;
        let done: Vec<u32> = siblings
            .iter()
            .filter(|t| t.state == TaskState::Done || t.state == TaskState::Skipped || t.id == task.id)
            .map(|t| t.step_index)
            .collect();
        Ok(siblings
            .iter()
            .filter(|t| t.blocked && t.state == TaskState::Waiting)
            .filter(|t| {
                definition
                    .steps
                    .get(t.step_index as usize)
                    .is_some_and(|s| s.depends_on.iter().all(|d| done.contains(&(*d as u32))))
            })
            .map(|t| t.id)
            .collect())
    }

    /// Who approves `submitter`'s evidence: the step's approver, else the first level of
    /// the chain that has someone available, else the process owner. Never the submitter.
    async fn pick_approver(
        &self,
        task: &TaskRecord,
        definition: &ProcessDefinition,
        by: Target,
        submitter: PersonId,
        now: Timestamp,
        window: SignedDuration,
    ) -> Result<Handoff, EngineError> {
        let mut rosters = HashMap::new();
        let roster = self.roster(&mut rosters, task.org).await?;
        let parties = Parties { assignee: task.assignee, owner: definition.owner, submitter: Some(submitter) };
        let approver = resolve(by, parties, now, None, roster)
            .or_else(|| definition.escalation.levels().iter().find_map(|l| resolve(l.to, parties, now, None, roster)))
            .unwrap_or(definition.owner);
        Ok(Handoff { approver, due_at: now + window, rotations: rotation_updates(&mut rosters) })
    }
}
