//! A process definition: the versioned content of a process (owner, cadence, steps with
//! their proof, escalation chain) and the validation that keeps it runnable.

use crate::cadence::Cadence;
use crate::corrective::{self, Corrective};
use crate::escalation::{EscalationChain, Target};
use crate::proof::{self, ProofRequirement};
use crate::span::Span;
use crate::{PersonId, RoleId, SystemId};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ProcessStatus {
    /// Being written; nothing runs.
    #[default]
    Draft,
    Active,
    /// Kept, but no new runs start.
    Paused,
}

impl ProcessStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ProcessStatus::Draft => "draft",
            ProcessStatus::Active => "active",
            ProcessStatus::Paused => "paused",
        }
    }

    pub fn parse(text: &str) -> Option<ProcessStatus> {
        [ProcessStatus::Draft, ProcessStatus::Active, ProcessStatus::Paused].into_iter().find(|s| s.as_str() == text)
    }
}

/// Who a step is first assigned to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Assignee {
    Person(PersonId),
    Role(RoleId),
}

impl From<Assignee> for Target {
    fn from(a: Assignee) -> Target {
        match a {
            Assignee::Person(p) => Target::Person(p),
            Assignee::Role(r) => Target::Role(r),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub title: String,
    /// The SOP for this step, in Markdown.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sop: String,
    /// Or a link to the SOP kept in other software.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sop_url: Option<String>,
    pub assignee: Assignee,
    /// When the step opens, counted from the run's start.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub opens_after: Span,
    /// When the step is due, counted from the run's start.
    pub due_after: Span,
    /// Earlier steps (by position, from 0) that must be done before this one opens.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<usize>,
    pub proof: Vec<ProofRequirement>,
    /// The follow-up a bad reading, a failed item or rejected proof opens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrective: Option<Corrective>,
}

fn is_zero(span: &Span) -> bool {
    *span == Span::ZERO
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessDefinition {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub owner: PersonId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<SystemId>,
    pub cadence: Cadence,
    pub steps: Vec<Step>,
    pub escalation: EscalationChain,
}

/// One thing wrong with a definition, with the path of the field it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

pub const MAX_STEPS: usize = 200;

/// A task's instructions: a step of the process, or the corrective action of one.
#[derive(Debug, Clone, Copy)]
pub enum TaskStep<'a> {
    Step(&'a Step),
    Corrective { step: &'a Step, corrective: &'a Corrective },
}

impl<'a> TaskStep<'a> {
    pub fn proof(&self) -> &'a [ProofRequirement] {
        match self {
            TaskStep::Step(step) => &step.proof,
            TaskStep::Corrective { corrective, .. } => &corrective.proof,
        }
    }

    pub fn sop(&self) -> &'a str {
        match self {
            TaskStep::Step(step) => &step.sop,
            TaskStep::Corrective { corrective, .. } => &corrective.sop,
        }
    }

    pub fn sop_url(&self) -> Option<&'a str> {
        match self {
            TaskStep::Step(step) => step.sop_url.as_deref(),
            TaskStep::Corrective { .. } => None,
        }
    }

    /// How long the task has from when it opens.
    pub fn window(&self) -> Span {
        match self {
            TaskStep::Step(step) => Span::from_millis(step.due_after.as_millis() - step.opens_after.as_millis()),
            TaskStep::Corrective { corrective, .. } => corrective.due_after,
        }
    }
}

impl ProcessDefinition {
    /// What step `index` asks for as proof, in words a person reads in a message or a
    /// calendar ("Number (0 to 5 °C): Fridge"); empty for a step that does not exist.
    pub fn proof_words(&self, index: usize) -> Vec<String> {
        self.steps.get(index).map(|step| step.proof.iter().map(|r| r.describe()).collect()).unwrap_or_default()
    }

    /// Fills in derived values (proof keys) and returns every problem found.
    pub fn normalize(&mut self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let mut err = |field: String, message: String| errors.push(FieldError { field, message });
        if self.name.trim().is_empty() {
            err("name".into(), "a process needs a name".into());
        }
        self.name = self.name.trim().to_string();
        if self.steps.is_empty() {
            err("steps".into(), "a process needs at least one step".into());
        }
        if self.steps.len() > MAX_STEPS {
            err("steps".into(), format!("at most {MAX_STEPS} steps"));
        }
        for (i, step) in self.steps.iter_mut().enumerate() {
            let at = |field: &str| format!("steps[{i}].{field}");
            step.title = step.title.trim().to_string();
            if step.title.is_empty() {
                err(at("title"), "a step needs a title".into());
            }
            if step.due_after <= step.opens_after {
                err(
                    at("due_after"),
                    format!(
                        "the step is due ({}) no later than it opens ({}); give it time",
                        step.due_after, step.opens_after
                    ),
                );
            }
            for &dep in &step.depends_on {
                if dep >= i {
                    err(at("depends_on"), format!("step {i} can only depend on earlier steps, not on {dep}"));
                }
            }
            if step.proof.is_empty() {
                err(at("proof"), "every step needs at least one proof requirement (a photo, a reading, a signature…): a checkbox is not proof".into());
            }
            for (j, message) in proof::normalize(&mut step.proof) {
                err(format!("steps[{i}].proof[{j}]"), message);
            }
            if let Some(corrective) = &mut step.corrective {
                for (field, message) in corrective.normalize() {
                    err(format!("steps[{i}].corrective.{field}"), message);
                }
            }
            if let Some(url) = &step.sop_url
                && !(url.starts_with("https://") || url.starts_with("http://"))
            {
                err(at("sop_url"), "must start with https:// or http://".into());
            }
        }
        errors
    }

    /// What a task at `step_index` asks for: a step, or a step's corrective action.
    pub fn task_step(&self, step_index: u32) -> Option<TaskStep<'_>> {
        match corrective::source_step(step_index) {
            None => self.steps.get(step_index as usize).map(TaskStep::Step),
            Some(source) => {
                let step = self.steps.get(source as usize)?;
                step.corrective.as_ref().map(|c| TaskStep::Corrective { step, corrective: c })
            }
        }
    }

    /// The longest time any step of a run has before it is due: a run's window.
    pub fn window(&self) -> Span {
        self.steps.iter().map(|s| s.due_after).max().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    pub fn sample() -> serde_json::Value {
        json!({
            "name": "Opening checklist",
            "owner": 1,
            "cadence": {"kind": "schedule", "rule": "DTSTART;TZID=Europe/Berlin:20260105T070000\nRRULE:FREQ=DAILY"},
            "steps": [
                {"title": "Fridge temperature", "assignee": {"role": 2}, "due_after": "1h",
                 "proof": [{"kind": "number", "unit": "°C", "min": 0, "max": 5}, {"kind": "photo"}]},
                {"title": "Unlock front door", "assignee": {"person": 3}, "due_after": "90m", "depends_on": [0],
                 "proof": [{"kind": "signature"}]}
            ],
            "escalation": [{"to": "manager", "window": "30m"}, {"to": "owner", "window": "1h"}]
        })
    }

    #[test]
    fn a_complete_definition_normalizes_cleanly() {
        let mut def: ProcessDefinition = serde_json::from_value(sample()).unwrap();
        assert_eq!(def.normalize(), vec![]);
        assert_eq!(def.window(), Span::from_secs(5400));
        assert_eq!(def.steps[0].proof[1].key, "photo");
    }

    #[test]
    fn every_problem_is_reported_with_its_field() {
        let mut value = sample();
        value["name"] = json!(" ");
        value["steps"][0]["due_after"] = json!("0m");
        value["steps"][1]["depends_on"] = json!([1]);
        value["steps"][1]["proof"] = json!([]);
        let mut def: ProcessDefinition = serde_json::from_value(value).unwrap();
        let fields: Vec<String> = def.normalize().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "steps[0].due_after", "steps[1].depends_on", "steps[1].proof"]);
    }

    #[test]
    fn unknown_fields_are_refused_rather_than_ignored() {
        let mut value = sample();
        value["steps"][0]["asignee"] = json!({"person": 1});
        assert!(serde_json::from_value::<ProcessDefinition>(value).is_err());
    }
}
