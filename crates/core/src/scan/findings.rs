//! What a draft lacks, each finding pointing at the text it comes from, and a score out
//! of 100 made of named parts, so the number explains itself.

use super::document::Document;
use super::draft::{Draft, DraftStep};
use super::proof_hint::{HintKind, ProofHint, requirement};
use crate::process::MAX_STEPS;
use serde::Serialize;
use std::collections::HashSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    NoOwner,
    NoCadence,
    NoSteps,
    /// A step with nothing a person could check afterwards.
    UnverifiableStep,
    /// "Make sure everything is fine", "as needed".
    VagueStep,
    /// Several actions in one step.
    CompoundStep,
    /// Several people, several cadences or too many steps for one sitting: a process.
    ScopeTooBig,
    NoEscalation,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScanFinding {
    pub kind: FindingKind,
    pub message: String,
    /// The line of the text it is about, when it is about one place.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
}

/// One part of the score: what it rewards, points earned of points possible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScorePart {
    pub part: &'static str,
    pub earned: u32,
    pub possible: u32,
    pub why: String,
}

/// More steps than one person does in one sitting.
pub const MAX_SOP_STEPS: usize = 15;

/// Words that leave the doer to guess what done means.
const VAGUE: [&str; 14] = [
    "make sure everything",
    "everything is fine",
    "as needed",
    "as necessary",
    "if necessary",
    "as required",
    "as appropriate",
    "where appropriate",
    "when appropriate",
    "if needed",
    "etc",
    "and so on",
    "properly",
    "regularly",
];

/// Verbs that hand a matter to someone.
const HAND_OVER: [&str; 14] = [
    "alert", "ask", "call", "contact", "email", "inform", "message", "notify", "page", "phone", "report", "ring",
    "tell", "text",
];

/// People a matter goes up to.
const IN_CHARGE: [&str; 16] = [
    "boss",
    "chief",
    "commander",
    "coordinator",
    "director",
    "duty",
    "foreman",
    "head",
    "lead",
    "leader",
    "management",
    "manager",
    "officer",
    "on-call",
    "owner",
    "supervisor",
];

/// Words that say the work could not be done.
const FAILING: [&str; 11] =
    ["cannot", "can't", "couldn't", "fail", "failed", "fails", "missed", "not", "unable", "unsure", "wrong"];

pub fn findings(document: &Document, draft: &Draft) -> Vec<ScanFinding> {
    let mut out = Vec::new();
    if draft.owner.is_none() {
        out.push(whole(
            FindingKind::NoOwner,
            "No owner or role is named: add a line such as \"Owner: Kitchen manager\".",
        ));
    }
    if draft.cadences.is_empty() {
        out.push(whole(
            FindingKind::NoCadence,
            "Nothing says when this runs: add e.g. \"every weekday at 7am\" or \"after each delivery\".",
        ));
    }
    if draft.steps.is_empty() {
        out.push(whole(FindingKind::NoSteps, "No steps found: write them as a numbered list."));
    }
    for step in &draft.steps {
        step_findings(step, &mut out);
    }
    scope(draft, &mut out);
    if draft.steps.len() > MAX_STEPS {
        out.push(whole(
            FindingKind::ScopeTooBig,
            &format!(
                "{} steps found; a process holds at most {MAX_STEPS}, so a draft keeps the first {MAX_STEPS}.",
                draft.steps.len()
            ),
        ));
    }
    if !draft.steps.is_empty() && !document.blocks.iter().any(|b| names_escalation(&b.text)) {
        out.push(whole(
            FindingKind::NoEscalation,
            "Nothing says who takes over when a step is missed: name the next person in the chain.",
        ));
    }
    out
}

/// Whether the words say who takes over: "escalate", a call to someone in charge ("notify
/// the shift lead", "page the on-call engineer"), or whom to tell when the work cannot be
/// done ("If the fridge cannot be fixed, contact the supplier"). Telling someone is not
/// enough ("Inform the supplier of the order"): it must go up, or follow a failure.
fn names_escalation(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.split_inclusive(['.', ';', '!', '?']).any(|sentence| {
        let words: Vec<&str> = sentence
            .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
            .filter(|w| !w.is_empty())
            .collect();
        let escalates = words.iter().any(|w| w.starts_with("escalat"));
        let up = words.iter().enumerate().any(|(i, w)| {
            HAND_OVER.contains(w)
                && words[i + 1..]
                    .iter()
                    .take(6)
                    .enumerate()
                    .any(|(j, n)| IN_CHARGE.contains(n) || (*n == "on" && words.get(i + 2 + j) == Some(&"call")))
        });
        let conditional = words.first().is_some_and(|w| matches!(*w, "if" | "when" | "unless" | "should"));
        let failed = words.iter().any(|w| FAILING.contains(w));
        let tells = words.iter().any(|w| HAND_OVER.contains(w));
        escalates || up || (conditional && failed && tells)
    })
}

fn whole(kind: FindingKind, message: &str) -> ScanFinding {
    ScanFinding { kind, message: message.to_string(), line: None, quote: None }
}

fn at(kind: FindingKind, step: &DraftStep, message: String) -> ScanFinding {
    ScanFinding { kind, message, line: Some(step.line), quote: Some(step.title.clone()) }
}

fn step_findings(step: &DraftStep, out: &mut Vec<ScanFinding>) {
    let lower = step.title.to_lowercase();
    if let Some(vague) = VAGUE.iter().find(|w| contains_words(&lower, w)) {
        out.push(at(FindingKind::VagueStep, step, format!("\"{vague}\" leaves the doer to guess what done means.")));
    }
    if !step.proofs.iter().any(drafted) {
        let message = if step.proofs.iter().any(|p| p.kind == HintKind::Approval) {
            "Only a sign-off is named, and a process cannot require an approval yet: ask for a photo, a reading, a \
             file or a signature."
        } else {
            "Nothing here can be checked afterwards: ask for a photo, a reading or a file."
        };
        out.push(at(FindingKind::UnverifiableStep, step, message.to_string()));
    }
    let sentences = step.title.split(". ").filter(|s| s.split_whitespace().count() >= 3).count();
    if sentences >= 2 || lower.contains(" then ") || lower.contains("; ") {
        out.push(at(FindingKind::CompoundStep, step, "This is several steps in one: split it.".to_string()));
    }
}

/// Whether a hint becomes proof in the drafted process (see `apply`), so the score counts
/// what a person will actually be asked for.
fn drafted(hint: &ProofHint) -> bool {
    requirement(hint, "").is_some()
}

/// Whole words: "etc" but not "etched".
fn contains_words(text: &str, words: &str) -> bool {
    text.match_indices(words).any(|(i, _)| {
        let before = text[..i].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let after = text[i + words.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        before && after
    })
}

/// How many sections a finding names before it only counts the rest.
const NAMED_SECTIONS: usize = 8;

fn scope(draft: &Draft, out: &mut Vec<ScanFinding>) {
    // In the order they come; a set keeps a draft of thousands of steps from comparing each
    // step's section with every one seen before.
    let mut seen: HashSet<&str> = HashSet::new();
    let sections: Vec<&str> =
        draft.steps.iter().map(|step| step.section.as_deref().unwrap_or("")).filter(|name| seen.insert(name)).collect();
    let several_cadences = draft.cadences.len() > 1;
    if draft.steps.len() > MAX_SOP_STEPS || several_cadences {
        let why = if several_cadences {
            format!("it runs on {} different cadences", draft.cadences.len())
        } else {
            format!("{} steps are more than one sitting", draft.steps.len())
        };
        let split = if sections.len() > 1 {
            let named: Vec<&str> = sections.iter().filter(|s| !s.is_empty()).copied().collect();
            let mut list = named.iter().take(NAMED_SECTIONS).copied().collect::<Vec<_>>().join("; ");
            if named.len() > NAMED_SECTIONS {
                list.push_str(&format!("; and {} more", named.len() - NAMED_SECTIONS));
            }
            format!(" Split it by section: {list}.")
        } else {
            String::new()
        };
        out.push(whole(FindingKind::ScopeTooBig, &format!("This is a process rather than one SOP: {why}.{split}")));
    }
}

/// The score: owner 20, cadence 20, steps 10, proof 30 (by the share of steps with
/// verifiable proof), clear steps 10 (by the share not vague or compound), escalation 10.
pub fn score(draft: &Draft, findings: &[ScanFinding]) -> Vec<ScorePart> {
    let count = |kind| findings.iter().filter(|f| f.kind == kind).count();
    let steps = draft.steps.len();
    let share = |bad: usize, possible: u32| -> u32 {
        if steps == 0 {
            return 0;
        }
        let good = steps.saturating_sub(bad) as f64 / steps as f64;
        (good * f64::from(possible)).round() as u32
    };
    let strong = draft.steps.iter().filter(|s| s.proofs.iter().any(|p| p.kind != HintKind::Text && drafted(p))).count();
    vec![
        part("owner", draft.owner.is_some(), 20, "an owner or role is named", "no owner or role is named"),
        part("cadence", !draft.cadences.is_empty(), 20, "it says when it runs", "nothing says when it runs"),
        part("steps", steps > 0, 10, "the steps are listed", "no steps were found"),
        ScorePart {
            part: "proof",
            earned: share(count(FindingKind::UnverifiableStep), 30),
            possible: 30,
            why: format!(
                "{} of {steps} steps ask for something checkable ({strong} for more than a note)",
                steps - count(FindingKind::UnverifiableStep).min(steps)
            ),
        },
        ScorePart {
            part: "clarity",
            earned: share(count(FindingKind::VagueStep) + count(FindingKind::CompoundStep), 10),
            possible: 10,
            why: format!(
                "{} vague and {} compound steps",
                count(FindingKind::VagueStep),
                count(FindingKind::CompoundStep)
            ),
        },
        part(
            "escalation",
            count(FindingKind::NoEscalation) == 0 && steps > 0,
            10,
            "it says who takes over missed work",
            "nobody takes over missed work",
        ),
    ]
}

fn part(name: &'static str, ok: bool, possible: u32, yes: &str, no: &str) -> ScorePart {
    ScorePart {
        part: name,
        earned: if ok { possible } else { 0 },
        possible,
        why: (if ok { yes } else { no }).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::draft::Draft;

    fn step(title: &str, section: Option<&str>) -> DraftStep {
        DraftStep {
            title: title.to_string(),
            line: 1,
            section: section.map(str::to_string),
            items: vec![],
            proofs: vec![],
        }
    }

    fn draft(steps: Vec<DraftStep>) -> Draft {
        Draft { title: "T".to_string(), owner: None, cadences: vec![], steps }
    }

    fn scope_message(draft: &Draft) -> String {
        let found = findings(&Document::default(), draft);
        found.into_iter().find(|f| f.kind == FindingKind::ScopeTooBig).map(|f| f.message).unwrap_or_default()
    }

    #[test]
    fn a_process_of_many_sections_names_a_few_and_counts_the_rest() {
        // Each step's section was looked up among all seen so far, and the finding listed
        // every one: 20,000 sections made a message of 20,000 names.
        let names: Vec<String> = (0..20_000).map(|i| format!("Section {i}")).collect();
        let steps = names.iter().flat_map(|n| [step("Wipe", Some(n)), step("Mop", Some(n))]).collect();
        let message = scope_message(&draft(steps));
        assert_eq!(
            message,
            "This is a process rather than one SOP: 40000 steps are more than one sitting. Split it by section: \
             Section 0; Section 1; Section 2; Section 3; Section 4; Section 5; Section 6; Section 7; and 19992 more."
        );
    }

    #[test]
    fn a_process_of_a_few_sections_names_them_all_once() {
        let mut steps: Vec<DraftStep> =
            (0..20).map(|i| step("Wipe", Some(if i < 10 { "Daily" } else { "Weekly" }))).collect();
        steps.push(step("Mop", None));
        let message = scope_message(&draft(steps));
        assert!(message.ends_with("Split it by section: Daily; Weekly."), "{message}");
        assert!(!scope_message(&draft((0..20).map(|_| step("Wipe", Some("Daily"))).collect())).contains("Split"));
    }

    #[test]
    fn escalation_is_read_from_who_takes_over_not_from_anyone_told() {
        for says in [
            "Escalate to the next person in PagerDuty.",
            "Notify the shift lead when the fridge is above 5 °C.",
            "Call the on-call engineer.",
            "Page whoever is on call.",
            "If the fridge cannot be fixed, contact the supplier.",
            "Tell your manager.",
        ] {
            assert!(names_escalation(says), "{says}");
        }
        for not in ["Inform the supplier of the order.", "Report the temperature.", "Call the customer back.", ""] {
            assert!(!names_escalation(not), "{not}");
        }
    }
}
