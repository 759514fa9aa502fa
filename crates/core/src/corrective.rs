//! Corrective actions: when a step's evidence shows something wrong (a reading out of
//! range, a checklist item that failed, proof an approver rejected), the step can open a
//! follow-up task in the same run: someone to put it right, by when, with what proof.
//! It is a task like any other, so it escalates through the process's chain.

use crate::escalation::Target;
use crate::proof::{self, ProofRequirement};
use crate::span::Span;
use serde::{Deserialize, Serialize};

/// Tasks at `step_index` ≥ this are the corrective action of step `step_index - OFFSET`;
/// a run holds at most one per step.
pub const OFFSET: u32 = 10_000;

/// What opens a corrective action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// A number outside its range.
    OutOfRange,
    /// A checklist item marked as failed.
    FailedItem,
    /// An approver rejected the proof.
    Rejected,
}

impl Trigger {
    pub const ALL: [Trigger; 3] = [Trigger::OutOfRange, Trigger::FailedItem, Trigger::Rejected];
}

fn every_trigger() -> Vec<Trigger> {
    Trigger::ALL.to_vec()
}

/// A step's corrective action, as configured on the step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Corrective {
    /// The follow-up's title; "Put right: <step>" when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// How to put it right, in Markdown.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sop: String,
    /// Who does it: a person, a role, the step assignee's manager or the process owner.
    pub assignee: Target,
    /// How long they have from when it opens.
    pub due_after: Span,
    /// The proof it is done.
    pub proof: Vec<ProofRequirement>,
    /// What opens it; all three when absent.
    #[serde(default = "every_trigger")]
    pub on: Vec<Trigger>,
}

impl Corrective {
    /// Fills in proof keys; returns problems as (field, message), fields relative to the
    /// corrective action.
    pub fn normalize(&mut self) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if self.due_after == Span::ZERO {
            problems.push(("due_after".into(), "a corrective action needs time to be done".into()));
        }
        if self.proof.is_empty() {
            problems.push(("proof".into(), "a corrective action needs proof, as every task does".into()));
        }
        if proof::approval(&self.proof).is_some() {
            problems.push(("proof".into(), "a corrective action cannot itself wait for approval".into()));
        }
        for (j, message) in proof::normalize(&mut self.proof) {
            problems.push((format!("proof[{j}]"), message));
        }
        if self.on.is_empty() {
            problems.push(("on".into(), "say what opens it: out_of_range, failed_item or rejected".into()));
        }
        if let Some(title) = &self.title
            && title.trim().is_empty()
        {
            self.title = None;
        }
        problems
    }

    /// The follow-up's title for a step called `step`.
    pub fn title_for(&self, step: &str) -> String {
        self.title.clone().unwrap_or_else(|| format!("Put right: {step}"))
    }
}

/// Whether a task's step index names a corrective action, and of which step.
pub fn source_step(step_index: u32) -> Option<u32> {
    step_index.checked_sub(OFFSET)
}

/// The reasons to open `corrective` given a submission's exceptions (by requirement key)
/// and the step's requirements; empty when none of its triggers fired.
pub fn reasons(
    corrective: &Corrective,
    requirements: &[ProofRequirement],
    exceptions: &[proof::Exception],
) -> Vec<String> {
    exceptions
        .iter()
        .filter(|e| {
            let rule = requirements.iter().find(|r| r.key == e.key).map(|r| &r.rule);
            match rule {
                Some(proof::ProofRule::Number { .. }) => corrective.on.contains(&Trigger::OutOfRange),
                Some(proof::ProofRule::Checklist { .. }) => corrective.on.contains(&Trigger::FailedItem),
                _ => false,
            }
        })
        .map(|e| e.message.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proof::{Exception, ProofRule};
    use serde_json::json;

    fn corrective(on: serde_json::Value) -> Corrective {
        let mut c: Corrective = serde_json::from_value(json!({
            "assignee": "manager", "due_after": "2h", "proof": [{"kind": "text"}], "on": on,
        }))
        .unwrap();
        assert!(c.normalize().is_empty());
        c
    }

    fn requirements() -> Vec<ProofRequirement> {
        let mut r: Vec<ProofRequirement> = serde_json::from_value(json!([
            {"kind": "number", "min": 0, "max": 5}, {"kind": "checklist", "items": ["Seal intact"]}, {"kind": "photo"}
        ]))
        .unwrap();
        proof::normalize(&mut r);
        r
    }

    #[test]
    fn only_the_configured_triggers_open_it() {
        let exceptions = [
            Exception { key: "number".into(), message: "7 °C is above the maximum 5 °C".into() },
            Exception { key: "checklist".into(), message: "failed: Seal intact".into() },
            Exception { key: "photo".into(), message: "no capture time".into() },
        ];
        let all = corrective(json!(["out_of_range", "failed_item", "rejected"]));
        assert_eq!(reasons(&all, &requirements(), &exceptions).len(), 2, "photo flags open nothing");
        let readings = corrective(json!(["out_of_range"]));
        assert_eq!(reasons(&readings, &requirements(), &exceptions), ["7 °C is above the maximum 5 °C"]);
        assert!(reasons(&corrective(json!(["rejected"])), &requirements(), &exceptions).is_empty());
    }

    #[test]
    fn a_corrective_action_is_checked_like_a_step() {
        let mut c: Corrective = serde_json::from_value(json!({
            "assignee": "owner", "due_after": "0s", "proof": [{"kind": "approval", "by": "owner"}], "on": [],
        }))
        .unwrap();
        let fields: Vec<String> = c.normalize().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["due_after", "proof", "on"]);
        assert!(matches!(c.proof[0].rule, ProofRule::Approval { .. }));
        assert_eq!(source_step(OFFSET + 2), Some(2));
        assert_eq!(source_step(2), None);
        assert_eq!(c.title_for("Fridge"), "Put right: Fridge");
    }
}
