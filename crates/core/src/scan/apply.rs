//! A scan made into a draft process definition for a person to correct in the editor:
//! nothing runs until they activate it.

use super::Scan;
use super::cadence::{GuessedCadence, preferred};
use super::document::clip;
use super::draft::DraftStep;
use super::proof_hint::requirement;
use crate::PersonId;
use crate::cadence::{Cadence, Schedule};
use crate::escalation::EscalationChain;
use crate::process::{Assignee, MAX_STEPS, ProcessDefinition, Step};
use crate::proof::{ProofRequirement, ProofRule};
use crate::span::Span;
use jiff::civil::Date;

/// Whose the draft is and where it runs.
#[derive(Debug, Clone)]
pub struct DraftFor {
    /// The process owner: a person the SOP named, or the person scanning.
    pub owner: PersonId,
    /// Who does the steps until someone says otherwise.
    pub assignee: Assignee,
    /// The organization's time zone, for the schedule.
    pub zone: String,
    /// The first day a schedule may start.
    pub starts: Date,
}

/// Steps get an hour, and missed work goes to the owner after another hour, until a
/// person sets the real windows.
const STEP_WINDOW_SECS: i64 = 3600;
/// Step titles are short; the full words go into the step's SOP text.
const TITLE_CHARS: usize = 120;

pub fn definition(scan: &Scan, target: &DraftFor) -> ProcessDefinition {
    let draft = &scan.draft;
    let mut description = String::from("Drafted by the SOP scan.");
    if let Some(owner) = &draft.owner {
        description.push_str(&format!(" The SOP names its owner as \"{}\".", owner.text));
    }
    let steps: Vec<Step> = draft.steps.iter().take(MAX_STEPS).map(|s| step(s, target.assignee)).collect();
    ProcessDefinition {
        name: clip(&draft.title, TITLE_CHARS),
        description,
        owner: target.owner,
        system: None,
        cadence: cadence(scan, target),
        steps,
        escalation: EscalationChain::owner_after(Span::from_secs(STEP_WINDOW_SECS)),
    }
}

/// The cadence the SOP mainly runs on (see `preferred`); the others it states are named in the
/// scan's findings, for a person to split into processes of their own.
fn cadence(scan: &Scan, target: &DraftFor) -> Cadence {
    let draft = &scan.draft;
    for i in preferred(&draft.title, draft.cadences.iter().map(|c| &c.cadence)) {
        match &draft.cadences[i].cadence {
            GuessedCadence::Schedule { rule } => {
                let (hour, minute) = (part(rule, "BYHOUR").unwrap_or(9), part(rule, "BYMINUTE").unwrap_or(0));
                let start = format!(
                    "DTSTART;TZID={}:{}T{hour:02}{minute:02}00\nRRULE:{rule}",
                    target.zone,
                    target.starts.strftime("%Y%m%d")
                );
                if let Ok(schedule) = Schedule::parse(&start, None) {
                    return Cadence::Schedule(Box::new(schedule));
                }
            }
            GuessedCadence::Event { trigger } => return Cadence::Event { name: trigger.clone() },
        }
    }
    Cadence::Manual
}

/// The first value of an RRULE part holding one number.
fn part(rule: &str, name: &str) -> Option<u32> {
    rule.split(';').find_map(|p| p.strip_prefix(name)?.strip_prefix('=')?.split(',').next()?.parse().ok())
}

fn step(found: &DraftStep, assignee: Assignee) -> Step {
    let mut proof: Vec<ProofRequirement> = Vec::new();
    for (i, hint) in found.proofs.iter().enumerate() {
        let key = format!("{}_{}", hint.kind.as_str(), i + 1);
        if let Some(req) = requirement(hint, &key)
            && !proof.iter().any(|p| p.rule.kind() == req.rule.kind())
        {
            proof.push(req);
        }
    }
    if proof.is_empty() {
        // The scan says this step has nothing checkable; until a person chooses, its
        // sub-steps are ticked one by one, or the doer says what was done.
        let rule = if found.items.is_empty() {
            ProofRule::Text { min_length: 10 }
        } else {
            ProofRule::Checklist { items: found.items.iter().map(|i| clip(i, TITLE_CHARS)).collect() }
        };
        let label = if found.items.is_empty() { Some("What was done".to_string()) } else { None };
        proof.push(ProofRequirement { key: String::new(), label, rule });
    }
    let mut sop = found.title.clone();
    for item in &found.items {
        sop.push_str("\n- ");
        sop.push_str(item);
    }
    Step {
        title: clip(&found.title, TITLE_CHARS),
        sop,
        sop_url: None,
        assignee,
        opens_after: Span::ZERO,
        due_after: Span::from_secs(STEP_WINDOW_SECS),
        depends_on: Vec::new(),
        proof,
        corrective: None,
    }
}
