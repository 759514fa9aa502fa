//! Changing who is in the organization: the checks every door (API, web, CLI) shares.

use crate::valid_key;
use crate::{Actor, Engine, EngineError};
use proofline_core::access::Access;
use proofline_core::metrics::{Goal, GoalSource};
use proofline_core::process::FieldError;
use proofline_core::proof::ProofRule;
use proofline_core::{PersonId, ProcessId, SystemId};
use proofline_store::{PersonFields, ProcessRecord, StoreError, System, SystemFields};

impl Engine {
    /// Adds a person (`id` None) or replaces one. Managers only; only owners make or
    /// change owners. Returns the person's id.
    pub async fn save_person(
        &self,
        actor: Actor,
        id: Option<PersonId>,
        mut fields: PersonFields,
    ) -> Result<PersonId, EngineError> {
        if !actor.access.can_manage() {
            return Err(EngineError::Forbidden("only managers and owners can change people".into()));
        }
        if fields.access == Access::Owner && actor.access != Access::Owner {
            return Err(EngineError::Forbidden("only owners can make someone an owner".into()));
        }
        if let Some(id) = id {
            let current = self.store.get_person(actor.org, id).await?;
            if current.access == Access::Owner && actor.access != Access::Owner {
                return Err(EngineError::Forbidden("only owners can change an owner's details".into()));
            }
        }
        let mut problems = name_and_email_problems(&mut fields);
        let mut problem = |field: &str, message: String| problems.push(FieldError { field: field.into(), message });
        if let Some(manager) = fields.manager {
            if Some(manager) == id {
                problem("manager", "a person cannot be their own manager".into());
            } else if self.store.get_person(actor.org, manager).await.is_err() {
                problem("manager", format!("no person {manager} in this organization"));
            }
        }
        if !problems.is_empty() {
            return Err(EngineError::Invalid(problems));
        }
        let saved = match id {
            None => self.store.create_person(actor.org, &fields).await,
            Some(id) => self.store.update_person(actor.org, id, &fields).await.map(|()| id),
        };
        saved.map_err(|e| match e {
            StoreError::Conflict(_) => {
                EngineError::Conflict("someone in this organization already has that email address".into())
            }
            other => other.into(),
        })
    }
}

/// Trims a person's name and email and says what is wrong with them.
pub(crate) fn name_and_email_problems(fields: &mut PersonFields) -> Vec<FieldError> {
    let mut problems = Vec::new();
    let mut problem = |field: &str, message: String| problems.push(FieldError { field: field.into(), message });
    fields.name = fields.name.trim().to_string();
    fields.email = fields.email.trim().to_string();
    for (field, value, max) in [("name", &fields.name, 200), ("email", &fields.email, 254)] {
        if value.is_empty() {
            problem(field, "must not be blank".into());
        } else if value.chars().count() > max {
            problem(field, format!("at most {max} characters"));
        }
    }
    let looks_like_email = fields
        .email
        .split_once('@')
        .is_some_and(|(user, host)| !user.is_empty() && host.contains('.') && !host.contains('@'))
        && !fields.email.contains(char::is_whitespace);
    if !fields.email.is_empty() && !looks_like_email {
        problem("email", "not an email address (name@example.com)".into());
    }
    problems
}

impl Engine {
    /// Adds a system (`id` None) or replaces one (managers only): a unique key, an owner
    /// of this organization, a parent that exists and is not the system itself or below it,
    /// and goals Proofline can measure.
    pub async fn save_system(
        &self,
        actor: Actor,
        id: Option<SystemId>,
        mut fields: SystemFields,
    ) -> Result<SystemId, EngineError> {
        if !actor.access.can_manage() {
            return Err(EngineError::Forbidden("only managers and owners can change systems".into()));
        }
        let systems = self.store.list_systems(actor.org).await?;
        if let Some(id) = id
            && !systems.iter().any(|s| s.id == id)
        {
            return Err(EngineError::NotFound);
        }
        let mut problems = Vec::new();
        let mut problem = |field: &str, message: String| problems.push(FieldError { field: field.into(), message });
        fields.key = fields.key.trim().to_string();
        fields.name = fields.name.trim().to_string();
        fields.goal = fields.goal.trim().to_string();
        fields.software = fields.software.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
        if !valid_key(&fields.key) {
            problem("key", "use 1–64 lowercase letters, digits and dashes, e.g. \"kitchen\"".into());
        }
        if fields.name.is_empty() {
            problem("name", "must not be blank".into());
        } else if fields.name.chars().count() > 200 {
            problem("name", "at most 200 characters".into());
        }
        if self.store.get_person(actor.org, fields.owner).await.is_err() {
            problem("owner", format!("no person {} in this organization", fields.owner));
        }
        if let Some(parent) = fields.parent {
            if !systems.iter().any(|s| s.id == parent) {
                problem("parent", format!("no system {parent} in this organization"));
            } else if id.is_some_and(|me| ancestors(&systems, parent).contains(&me)) {
                problem("parent", "a system cannot sit inside itself".into());
            }
        }
        // Processes are read only when a goal needs one: most systems have none that do.
        let processes = if fields.goals.iter().any(|g| matches!(g.source, GoalSource::KpiMean { .. })) {
            self.store.list_processes(actor.org).await?
        } else {
            Vec::new()
        };
        check_goals(&mut fields.goals, &processes, &mut problems);
        if !problems.is_empty() {
            return Err(EngineError::Invalid(problems));
        }
        let saved = match id {
            None => self.store.create_system(actor.org, &fields).await,
            Some(id) => self.store.update_system(actor.org, id, &fields).await.map(|()| id),
        };
        saved.map_err(|e| match e {
            StoreError::Conflict(_) => EngineError::Conflict("a system with that key already exists".into()),
            other => other.into(),
        })
    }
}

/// The most goals one system may carry: enough for a dashboard, few enough to read.
const MOST_GOALS: usize = 20;

/// Trims each goal's name and unit (a blank unit is none) and reports what cannot be
/// measured or compared, with paths like `goals[1].target`.
fn check_goals(goals: &mut [Goal], processes: &[ProcessRecord], problems: &mut Vec<FieldError>) {
    let mut problem = |field: String, message: String| problems.push(FieldError { field, message });
    if goals.len() > MOST_GOALS {
        problem("goals".into(), format!("at most {MOST_GOALS} goals"));
    }
    for (i, goal) in goals.iter_mut().enumerate() {
        let at = |part: &str| format!("goals[{i}].{part}");
        goal.name = goal.name.trim().to_string();
        goal.unit = goal.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()).map(str::to_string);
        if goal.name.is_empty() {
            problem(at("name"), "must not be blank".into());
        } else if goal.name.chars().count() > 120 {
            problem(at("name"), "at most 120 characters".into());
        }
        if goal.unit.as_ref().is_some_and(|u| u.chars().count() > 40) {
            problem(at("unit"), "at most 40 characters".into());
        }
        if !goal.target.is_finite() {
            problem(at("target"), "must be a number".into());
        } else if goal.source == GoalSource::OnTimeRate && !(0.0..=1.0).contains(&goal.target) {
            // A rate is stored as a fraction; 95 here almost certainly meant 95 %.
            problem(at("target"), "an on-time rate is a fraction from 0 to 1 (0.95 for 95 %)".into());
        }
        match &goal.source {
            GoalSource::Manual => problem(
                at("source"),
                "values cannot be entered by hand yet: enter goals that Proofline can measure".into(),
            ),
            GoalSource::KpiMean { process, step, field } => {
                if let Some((part, message)) = kpi_problem(processes, *process, *step, *field) {
                    problem(at(part), message);
                }
            }
            _ => {}
        }
    }
}

/// Why a proof field's mean cannot be measured, and which part of the source says so;
/// `None` when the step of that process asks for a number at that position.
fn kpi_problem(
    processes: &[ProcessRecord],
    process: ProcessId,
    step: u16,
    field: u16,
) -> Option<(&'static str, String)> {
    // Counted from 1 as people read steps; widened so that step 65535 cannot overflow.
    let shown = u32::from(step) + 1;
    let Some(found) = processes.iter().find(|p| p.id == process) else {
        return Some(("source.process", format!("no process {process} in this organization")));
    };
    let name = &found.definition.name;
    let Some(at) = found.definition.steps.get(usize::from(step)) else {
        return Some(("source.step", format!("\"{name}\" has no step {shown}")));
    };
    let numeric = at.proof.get(usize::from(field)).is_some_and(|r| matches!(r.rule, ProofRule::Number { .. }));
    (!numeric).then(|| ("source.field", format!("step {shown} of \"{name}\" asks for no number there")))
}

/// `start` and every system above it, stopping at a loop.
fn ancestors(systems: &[System], start: SystemId) -> Vec<SystemId> {
    let mut chain = vec![start];
    let mut at = start;
    while let Some(parent) = systems.iter().find(|s| s.id == at).and_then(|s| s.parent) {
        if chain.contains(&parent) {
            break;
        }
        chain.push(parent);
        at = parent;
    }
    chain
}
