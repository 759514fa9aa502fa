//! Defining processes: validation against the organization, versioning, and runs started
//! by hand or by an event.

use crate::{Actor, Engine, EngineError};
use jiff::Timestamp;
use proofline_core::escalation::Target;
use proofline_core::outage::Disposition;
use proofline_core::process::{Assignee, FieldError, ProcessDefinition, ProcessStatus};
use proofline_core::{Cadence, OrgId, ProcessId};
use proofline_store::RunRecord;
use std::collections::HashSet;

/// The result of saving a definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcessChange {
    pub id: ProcessId,
    pub version: u32,
    /// False when the definition was identical and no version was made.
    pub changed: bool,
}

pub(crate) fn require_manager(actor: Actor) -> Result<(), EngineError> {
    if actor.access.can_manage() {
        Ok(())
    } else {
        Err(EngineError::Forbidden("only managers and owners can change processes".into()))
    }
}

pub fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 64
        && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !key.starts_with('-')
}

/// When an active process's next scheduled run falls, counting from `now`.
pub fn first_run_at(definition: &ProcessDefinition, status: ProcessStatus, now: Timestamp) -> Option<Timestamp> {
    match (&definition.cadence, status) {
        (Cadence::Schedule(schedule), ProcessStatus::Active) => schedule.next_after(now).map(|o| o.timestamp()),
        _ => None,
    }
}

impl Engine {
    /// Normalizes `definition` and checks every person, role and system it names exists
    /// in the organization.
    pub async fn validate_definition(&self, org: OrgId, definition: &mut ProcessDefinition) -> Result<(), EngineError> {
        let mut errors = definition.normalize();
        let people: HashSet<_> = self.store.list_people(org).await?.into_iter().map(|p| p.id).collect();
        let roles: HashSet<_> = self.store.list_roles(org).await?.into_iter().map(|r| r.id).collect();
        let mut err = |field: String, message: String| errors.push(FieldError { field, message });
        if !people.contains(&definition.owner) {
            err("owner".into(), format!("no person {} in this organization", definition.owner));
        }
        if let Some(system) = definition.system
            && self.store.get_system(org, system).await.is_err()
        {
            err("system".into(), format!("no system {system} in this organization"));
        }
        for (i, step) in definition.steps.iter().enumerate() {
            match step.assignee {
                Assignee::Person(p) if !people.contains(&p) => {
                    err(format!("steps[{i}].assignee"), format!("no person {p} in this organization"))
                }
                Assignee::Role(r) if !roles.contains(&r) => {
                    err(format!("steps[{i}].assignee"), format!("no role {r} in this organization"))
                }
                _ => {}
            }
            if let Some(corrective) = &step.corrective {
                let field = || format!("steps[{i}].corrective.assignee");
                match corrective.assignee {
                    Target::Person(p) if !people.contains(&p) => {
                        err(field(), format!("no person {p} in this organization"))
                    }
                    Target::Role(r) if !roles.contains(&r) => err(field(), format!("no role {r} in this organization")),
                    _ => {}
                }
            }
            if let Some((by, _)) = proofline_core::proof::approval(&step.proof) {
                let field = || format!("steps[{i}].proof.approval.by");
                match by {
                    Target::Person(p) if !people.contains(&p) => {
                        err(field(), format!("no person {p} in this organization"))
                    }
                    Target::Role(r) if !roles.contains(&r) => err(field(), format!("no role {r} in this organization")),
                    _ => {}
                }
            }
        }
        for (i, level) in definition.escalation.levels().iter().enumerate() {
            match level.to {
                Target::Person(p) if !people.contains(&p) => {
                    err(format!("escalation[{i}].to"), format!("no person {p} in this organization"))
                }
                Target::Role(r) if !roles.contains(&r) => {
                    err(format!("escalation[{i}].to"), format!("no role {r} in this organization"))
                }
                _ => {}
            }
        }
        if errors.is_empty() { Ok(()) } else { Err(EngineError::Invalid(errors)) }
    }

    pub async fn create_process(
        &self,
        actor: Actor,
        key: &str,
        status: ProcessStatus,
        mut definition: ProcessDefinition,
    ) -> Result<ProcessChange, EngineError> {
        require_manager(actor)?;
        if !valid_key(key) {
            return Err(EngineError::invalid(
                "key",
                "use 1–64 lowercase letters, digits and dashes, e.g. \"opening-checklist\"",
            ));
        }
        self.validate_definition(actor.org, &mut definition).await?;
        let now = self.now();
        let next = first_run_at(&definition, status, now);
        let id =
            self.store.create_process(actor.org, key, status, &definition, next, now).await.map_err(|e| match e {
                proofline_store::StoreError::Conflict(_) => {
                    EngineError::Conflict(format!("a process with key {key:?} already exists"))
                }
                other => other.into(),
            })?;
        Ok(ProcessChange { id, version: 1, changed: true })
    }

    /// Saves a new version when the definition differs from the current one.
    pub async fn update_process(
        &self,
        actor: Actor,
        id: ProcessId,
        mut definition: ProcessDefinition,
    ) -> Result<ProcessChange, EngineError> {
        require_manager(actor)?;
        let current = self.store.get_process(actor.org, id).await?;
        self.validate_definition(actor.org, &mut definition).await?;
        if definition == current.definition {
            return Ok(ProcessChange { id, version: current.version, changed: false });
        }
        let now = self.now();
        let next = if definition.cadence == current.definition.cadence {
            current.next_run_at
        } else {
            first_run_at(&definition, current.status, now)
        };
        let version = self.store.save_version(actor.org, id, &definition, next, now).await?;
        Ok(ProcessChange { id, version, changed: true })
    }

    pub async fn set_process_status(
        &self,
        actor: Actor,
        id: ProcessId,
        status: ProcessStatus,
    ) -> Result<(), EngineError> {
        require_manager(actor)?;
        let current = self.store.get_process(actor.org, id).await?;
        if current.status == status {
            return Ok(());
        }
        let now = self.now();
        let next = first_run_at(&current.definition, status, now);
        self.store.set_status(actor.org, id, status, next, now).await?;
        Ok(())
    }

    /// Starts a run now: by hand (`event` None) or for an event-triggered process. With an
    /// idempotency key, a repeated request returns the run the first one started.
    pub async fn start_run(
        &self,
        actor: Actor,
        id: ProcessId,
        event: Option<&str>,
        idempotency_key: Option<&str>,
    ) -> Result<RunStart, EngineError> {
        if !actor.access.can_work() {
            return Err(EngineError::Forbidden("auditors cannot start runs".into()));
        }
        if let Some(key) = idempotency_key {
            check_idempotency_key(key)?;
            if let Some(run) = self.store.find_run_by_key(actor.org, id, key).await? {
                return Ok(RunStart { run, created: false });
            }
        }
        let process = self.store.get_process(actor.org, id).await?;
        if process.status != ProcessStatus::Active {
            return Err(EngineError::Conflict(format!(
                "the process is {}; activate it before starting runs",
                process.status.as_str()
            )));
        }
        let trigger = match (event, &process.definition.cadence) {
            (Some(name), Cadence::Event { name: expected }) if name == expected => {
                format!("event:{name}")
            }
            (Some(name), Cadence::Event { name: expected }) => {
                return Err(EngineError::invalid(
                    "event",
                    format!("this process starts on event {expected:?}, not {name:?}"),
                ));
            }
            (Some(_), _) => {
                return Err(EngineError::invalid("event", "this process is not started by an event"));
            }
            (None, _) => "manual".to_string(),
        };
        let now = self.now();
        // A run is identified by its process and instant; two starts in the same
        // millisecond (a burst of events) take the next free millisecond instead.
        for nudge in 0..START_ATTEMPTS {
            let at = now + jiff::SignedDuration::from_millis(nudge);
            let mut roster = self.store.load_roster(actor.org).await?;
            let mut run = crate::plan_run(
                actor.org,
                id,
                process.version,
                &process.definition,
                at,
                now,
                Disposition::OnTime,
                &trigger,
                Some(actor.person),
                &mut roster,
            );
            run.idempotency_key = idempotency_key.map(str::to_string);
            let rotations = crate::materialize::roster_rotations(actor.org, &mut roster);
            let outcome = self.store.materialize(&[run], &[], &rotations, now).await?;
            if outcome.runs > 0 {
                self.open_once(now).await?;
                let run = self.store.find_run(actor.org, id, at).await?.ok_or(EngineError::NotFound)?;
                return Ok(RunStart { run, created: true });
            }
            // Someone else with the same key got there between our read and our write.
            if let Some(key) = idempotency_key
                && let Some(run) = self.store.find_run_by_key(actor.org, id, key).await?
            {
                return Ok(RunStart { run, created: false });
            }
        }
        Err(EngineError::Conflict("too many runs of this process were started at this same instant; try again".into()))
    }

    /// Starts a run of every active process of the organization triggered by event `name`
    /// ("delivery"). The idempotency key is applied per process, so a retried call from
    /// another system starts nothing new.
    pub async fn trigger_event(
        &self,
        actor: Actor,
        name: &str,
        idempotency_key: Option<&str>,
    ) -> Result<Vec<RunStart>, EngineError> {
        if !actor.access.can_work() {
            return Err(EngineError::Forbidden("auditors cannot start runs".into()));
        }
        let processes = self.store.list_processes(actor.org).await?;
        let triggered: Vec<_> = processes
            .into_iter()
            .filter(|p| p.status == ProcessStatus::Active)
            .filter(|p| matches!(&p.definition.cadence, Cadence::Event { name: n } if n == name))
            .collect();
        if triggered.is_empty() {
            return Err(EngineError::invalid("event", format!("no active process starts on event {name:?}")));
        }
        let mut started = Vec::with_capacity(triggered.len());
        for process in triggered {
            started.push(self.start_run(actor, process.id, Some(name), idempotency_key).await?);
        }
        Ok(started)
    }
}

/// Milliseconds tried after "now" for a run started by hand or by an event.
const START_ATTEMPTS: i64 = 16;

/// A run that a request asked for, and whether this request created it.
#[derive(Debug, Clone, PartialEq)]
pub struct RunStart {
    pub run: RunRecord,
    pub created: bool,
}

fn check_idempotency_key(key: &str) -> Result<(), EngineError> {
    if key.is_empty() || key.len() > 255 || key.chars().any(|c| c.is_control()) {
        return Err(EngineError::invalid("Idempotency-Key", "must be 1 to 255 characters without control characters"));
    }
    Ok(())
}
