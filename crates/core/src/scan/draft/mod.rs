//! From blocks to a draft process: its title, owner, cadence and steps, each step with the
//! proof its words suggest and its sub-steps as checklist items. Who owns it is read in
//! `owner`, what to do in `steps` and `tables`.

mod owner;
mod steps;
mod tables;

use super::cadence::{GuessedCadence, find_cadences, gather};
use super::document::{Block, Document, clip};
use super::proof_hint::ProofHint;
use super::sections::is_not_steps;
use serde::Serialize;

/// Words quoted from the source, with the line they start on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quote {
    pub text: String,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DraftStep {
    pub title: String,
    pub line: usize,
    /// The section it sits in, e.g. "Weekly tasks".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// Nested sub-steps, kept as checklist items.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<String>,
    /// Proof suggested by the step's words (and its sub-steps'), strongest first.
    pub proofs: Vec<ProofHint>,
}

/// A cadence the SOP states, with the words and the line it was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FoundCadence {
    pub phrase: String,
    pub cadence: GuessedCadence,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Draft {
    pub title: String,
    pub owner: Option<Quote>,
    pub cadences: Vec<FoundCadence>,
    pub steps: Vec<DraftStep>,
}

/// The longest title read from the first words of a document without headings.
const TITLE_CHARS: usize = 60;

pub fn draft(document: &Document) -> Draft {
    let blocks = &document.blocks;
    let title = title(document);
    Draft { owner: owner::owner(blocks), cadences: cadences(blocks, &title), steps: steps::steps(blocks), title }
}

fn title(document: &Document) -> String {
    let heading = |level: u8| document.blocks.iter().find(|b| b.heading_level() == Some(level));
    heading(1)
        .map(|b| b.text.clone())
        .or_else(|| document.title.clone())
        .or_else(|| {
            // "Purpose and scope" heads a section, not the document.
            let named = |b: &&Block| b.heading_level().is_some() && !is_not_steps(&b.text);
            document.blocks.iter().find(named).map(|b| b.text.clone())
        })
        .or_else(|| document.blocks.first().and_then(|b| b.lines().next()).map(|l| clip(l, TITLE_CHARS)))
        .unwrap_or_else(|| "Untitled SOP".to_string())
}

/// Each different cadence the text states, where it first says it (a phrase that pins one
/// down, as "every Friday at 4pm" does "Weekly cleaning", stands in for it); when it states
/// none, what its kind of document implies (an onboarding checklist runs when someone joins).
fn cadences(blocks: &[Block], title: &str) -> Vec<FoundCadence> {
    let mut all: Vec<FoundCadence> = Vec::new();
    for block in blocks {
        for guess in find_cadences(&block.text) {
            let found = FoundCadence { phrase: guess.phrase, cadence: guess.cadence, line: block.line };
            gather(&mut all, found, |c| &c.cadence);
        }
    }
    if all.is_empty()
        && let Some(trigger) = implied_trigger(title)
    {
        let line = blocks.iter().find(|b| b.text == title).map_or(1, |b| b.line);
        all.push(FoundCadence {
            phrase: title.to_string(),
            cadence: GuessedCadence::Event { trigger: trigger.to_string() },
            line,
        });
    }
    all
}

/// Kinds of SOP whose name says what starts them.
const IMPLIED: [(&[&str], &str); 4] = [
    (&["onboarding", "new hire", "new starter", "new employee", "joiner"], "new team member joins"),
    (&["offboarding", "leaver", "departure", "exit checklist"], "team member leaves"),
    (&["incident response", "incident checklist"], "incident"),
    (&["release checklist", "release process", "release procedure"], "release"),
];

fn implied_trigger(title: &str) -> Option<&'static str> {
    let lower = title.to_lowercase();
    IMPLIED.iter().find(|(words, _)| words.iter().any(|w| lower.contains(w))).map(|(_, trigger)| *trigger)
}

/// The letters of a RACI cell ("R", "R/A", "A, C"), or None when it holds anything else.
fn raci_letters(cell: &str) -> Option<Vec<&str>> {
    let letters: Vec<&str> = cell.split(['/', ',', ' ']).filter(|l| !l.is_empty()).collect();
    (!letters.is_empty() && letters.iter().all(|l| matches!(*l, "R" | "A" | "C" | "I"))).then_some(letters)
}
