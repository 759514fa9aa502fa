//! Materialize: turn due occurrences of active processes into runs and tasks, exactly
//! once per (process, occurrence), and advance each process's schedule.

use crate::{Engine, EngineError};
use jiff::Timestamp;
use proofline_core::escalation::{Parties, resolve};
use proofline_core::outage::{Disposition, dispositions};
use proofline_core::process::ProcessDefinition;
use proofline_core::roster::Roster;
use proofline_core::task::TaskState;
use proofline_core::{Cadence, OrgId, PersonId, ProcessId};
use proofline_store::{MaterializeOutcome, NewRun, NewTask, RotationUpdate, RunState, ScheduleAdvance};
use std::collections::HashMap;
use std::collections::hash_map::Entry;

/// Occurrences handled per process per batch; the rest follow in the next batch.
const MAX_OCCURRENCES_PER_BATCH: usize = 500;
/// Batches per pass, so one pass always ends.
const MAX_BATCHES_PER_PASS: usize = 1_000;

/// Builds one run of `definition` starting at `base` (the occurrence, or now when late).
#[allow(clippy::too_many_arguments)]
pub fn plan_run(
    org: OrgId,
    process: ProcessId,
    version: u32,
    definition: &ProcessDefinition,
    scheduled_for: Timestamp,
    base: Timestamp,
    disposition: Disposition,
    trigger: &str,
    started_by: Option<PersonId>,
    roster: &mut Roster,
) -> NewRun {
    let skipped = disposition == Disposition::SkippedByOutage;
    let owner = definition.owner;
    let tasks = definition
        .steps
        .iter()
        .enumerate()
        .map(|(index, step)| {
            let opens_at = base + step.opens_after.as_duration();
            let holder = if skipped {
                owner
            } else {
                let parties = Parties { assignee: owner, owner, submitter: None };
                resolve(step.assignee.into(), parties, opens_at, None, roster)
                    .or_else(|| {
                        definition
                            .escalation
                            .levels()
                            .iter()
                            .find_map(|l| resolve(l.to, parties, opens_at, None, roster))
                    })
                    .unwrap_or(owner)
            };
            NewTask {
                step_index: index as u32,
                title: step.title.clone(),
                state: if skipped { TaskState::Skipped } else { TaskState::Waiting },
                blocked: !step.depends_on.is_empty(),
                holder,
                opens_at,
                due_at: base + step.due_after.as_duration(),
                window_ms: step.due_after.as_millis() - step.opens_after.as_millis(),
            }
        })
        .collect();
    NewRun {
        org,
        process,
        version,
        scheduled_for,
        trigger: trigger.to_string(),
        started_by,
        state: if skipped { RunState::Skipped } else { RunState::Active },
        idempotency_key: None,
        reason: skipped.then(|| "Proofline was not running during this occurrence's whole window".to_string()),
        tasks,
    }
}

pub(crate) fn rotation_updates(rosters: &mut HashMap<OrgId, Roster>) -> Vec<RotationUpdate> {
    rosters.iter_mut().flat_map(|(org, roster)| roster_rotations(*org, roster)).collect()
}

/// The cursors of the roles whose turn moved in `roster`, clearing the record of them.
pub(crate) fn roster_rotations(org: OrgId, roster: &mut Roster) -> Vec<RotationUpdate> {
    let touched: Vec<_> = roster.touched_roles.drain(..).collect();
    touched
        .into_iter()
        .filter_map(|role| roster.roles.get(&role).map(|r| RotationUpdate { org, role, cursor: r.cursor }))
        .collect()
}

impl Engine {
    pub(crate) async fn roster<'a>(
        &self,
        rosters: &'a mut HashMap<OrgId, Roster>,
        org: OrgId,
    ) -> Result<&'a mut Roster, EngineError> {
        Ok(match rosters.entry(org) {
            Entry::Occupied(entry) => entry.into_mut(),
            Entry::Vacant(entry) => entry.insert(self.store.load_roster(org).await?),
        })
    }

    /// Creates runs for every occurrence due before now + horizon.
    pub async fn materialize_once(&self, now: Timestamp) -> Result<MaterializeOutcome, EngineError> {
        let horizon = now + self.config.horizon;
        let mut total = MaterializeOutcome::default();
        let mut rosters: HashMap<OrgId, Roster> = HashMap::new();
        for _ in 0..MAX_BATCHES_PER_PASS {
            let claim = self.store.claim_due_processes(horizon, self.config.batch).await?;
            let due = claim.processes();
            if due.is_empty() {
                break;
            }
            let claimed = due.len();
            let wanted: Vec<_> = due.iter().map(|p| (p.id, p.version)).collect();
            let definitions = self.definitions.get_many(&wanted).await?;
            let mut runs = Vec::new();
            let mut advances = Vec::new();
            for process in due {
                let Some(definition) = definitions.get(&(process.id, process.version)) else {
                    continue;
                };
                let Cadence::Schedule(schedule) = &definition.cadence else {
                    advances.push(ScheduleAdvance {
                        process: process.id,
                        expected: Some(process.next_run_at),
                        next_run_at: None,
                    });
                    continue;
                };
                let mut occurrences = vec![process.next_run_at];
                let mut next = None;
                for occurrence in schedule.after(process.next_run_at) {
                    let at = occurrence.timestamp();
                    if at > horizon || occurrences.len() >= MAX_OCCURRENCES_PER_BATCH {
                        next = Some(at);
                        break;
                    }
                    occurrences.push(at);
                }
                if next.is_none() && occurrences.len() >= MAX_OCCURRENCES_PER_BATCH {
                    next =
                        schedule.next_after(*occurrences.last().unwrap_or(&process.next_run_at)).map(|o| o.timestamp());
                }
                // When more past occurrences follow this chunk, none in it is the current one.
                let mut considered = occurrences.clone();
                considered.extend(next.filter(|n| *n <= now));
                let fates = dispositions(&considered, now, definition.window());
                let roster = self.roster(&mut rosters, process.org).await?;
                for (at, fate) in occurrences.iter().zip(fates) {
                    let base = if fate == Disposition::Late { now } else { *at };
                    runs.push(plan_run(
                        process.org,
                        process.id,
                        process.version,
                        definition,
                        *at,
                        base,
                        fate,
                        "schedule",
                        None,
                        roster,
                    ));
                }
                advances.push(ScheduleAdvance {
                    process: process.id,
                    expected: Some(process.next_run_at),
                    next_run_at: next,
                });
            }
            let rotations = rotation_updates(&mut rosters);
            let outcome = claim.apply(&runs, &advances, &rotations, now).await?;
            total.runs += outcome.runs;
            total.tasks += outcome.tasks;
            if (claimed as u32) < self.config.batch {
                break;
            }
        }
        Ok(total)
    }
}
