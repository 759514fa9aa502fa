//! Submitting proof: the only way a task becomes done.

use crate::decide::step_window;
use crate::materialize::rotation_updates;
use crate::{Actor, Engine, EngineError, Upload};
use jiff::{SignedDuration, Timestamp};
use proofline_core::PersonId;
use proofline_core::corrective;
use proofline_core::escalation::{Parties, Target, resolve_or_chain};
use proofline_core::process::{ProcessDefinition, TaskStep};
use proofline_core::proof::{self, EarlierPhoto, Evidence, Exception, ProofRule, photo_flags, photos_in};
use proofline_core::task::{self, TaskState};
use proofline_core::{SubmissionId, TaskId};
use proofline_store::{Completion, Handoff, StoreError, TaskQuery, TaskRecord};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// How many earlier submissions of a step a new photo is compared with.
const EARLIER_SUBMISSIONS: u32 = 200;

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
        let step = definition.task_step(task.step_index).ok_or(EngineError::NotFound)?;
        let requirements = step.proof();
        let approval = proof::approval(requirements);
        let to_state =
            task::after_submission(task.state, approval.is_some()).map_err(|e| EngineError::Conflict(e.to_string()))?;

        let prepared = self.prepare_uploads(actor.org, uploads, requirements).await?;
        let mut evidence = Evidence { values, ..Evidence::default() };
        for p in &prepared {
            evidence.files.entry(p.key.clone()).or_default().push(p.file.clone());
        }
        let mut accepted = proof::check(requirements, &evidence, now).map_err(EngineError::Proof)?;
        if prepared.iter().any(|p| p.thumbnail.is_some()) {
            let earlier = self.earlier_photos(&task).await?;
            for req in requirements.iter().filter(|r| matches!(r.rule, ProofRule::Photo { .. })) {
                let photos = evidence.files.get(&req.key).map(Vec::as_slice).unwrap_or_default();
                let name = req.label.as_deref().unwrap_or(&req.key);
                accepted.exceptions.extend(photo_flags(&req.key, name, photos, task.opens_at, now, &earlier));
            }
        }

        for p in &prepared {
            let stored = [(&p.file.sha256, &p.file.content_type, &p.bytes)];
            let thumb = p.thumbnail.as_ref().zip(p.file.thumbnail.as_ref());
            let thumb_type = "image/jpeg".to_string();
            let thumb = thumb.map(|(bytes, sha)| (sha, &thumb_type, bytes));
            for (sha, content_type, bytes) in stored.into_iter().chain(thumb) {
                self.blobs
                    .put(sha, bytes)
                    .await
                    .map_err(|e| EngineError::Store(StoreError::Other(format!("storing evidence: {e}"))))?;
                self.store.record_blob(sha, content_type, bytes.len() as u64, now).await?;
            }
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
        let reasons = match (&step, corrective::source_step(task.step_index)) {
            (TaskStep::Step(s), None) => s
                .corrective
                .as_ref()
                .map(|c| corrective::reasons(c, requirements, &accepted.exceptions))
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let follow_up = self.follow_up(&task, &definition, reasons, now).await?;
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
            follow_up,
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

    /// Photos submitted earlier for the same step of the same process (other tasks), to
    /// recognize a picture sent again.
    async fn earlier_photos(&self, task: &TaskRecord) -> Result<Vec<EarlierPhoto>, EngineError> {
        let earlier = self.store.recent_evidence(task.org, task.process, task.step_index, EARLIER_SUBMISSIONS).await?;
        Ok(earlier
            .into_iter()
            .filter(|e| e.task != task.id)
            .flat_map(|e| {
                photos_in(&e.evidence).into_iter().map(move |photo| EarlierPhoto {
                    upload_sha256: photo.upload_sha256().to_string(),
                    perceptual: photo.perceptual.as_deref().and_then(|h| u64::from_str_radix(h, 16).ok()),
                    at: e.at,
                    task: e.task.0,
                })
            })
            .collect())
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
        let approver = resolve_or_chain(by, &definition.escalation, parties, now, roster);
        Ok(Handoff { approver, due_at: now + window, rotations: rotation_updates(&mut rosters) })
    }
}
