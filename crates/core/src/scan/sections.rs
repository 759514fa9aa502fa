//! Which parts of an SOP hold its steps: sections about purpose, scope, references or
//! rules are read for owner and cadence but are not work to do.

use super::document::{Block, BlockKind};

/// Heading words of sections that are not steps.
const NOT_STEPS: [&str; 29] = [
    "purpose",
    "scope",
    "definition",
    "reference",
    "see also",
    "resources",
    "background",
    "introduction",
    "overview",
    "related",
    "contact",
    "glossary",
    "revision",
    "history",
    "printing",
    "table of contents",
    "do not",
    "don't",
    "general rules",
    "responsibilit",
    "roles",
    "further reading",
    "links",
    "prerequisite",
    "page information",
    "document information",
    "document control",
    "change log",
    "optional",
];

pub fn is_not_steps(heading: &str) -> bool {
    let lower = heading.to_lowercase();
    NOT_STEPS.iter().any(|words| lower.contains(words))
}

/// For each block, the heading texts above it, outermost first.
pub fn headings_above(blocks: &[Block]) -> Vec<Vec<(u8, String)>> {
    let mut open: Vec<(u8, String)> = Vec::new();
    let mut out = Vec::with_capacity(blocks.len());
    for block in blocks {
        if let BlockKind::Heading { level } = block.kind {
            while open.last().is_some_and(|(l, _)| *l >= level) {
                open.pop();
            }
            out.push(open.clone());
            open.push((level, block.text.clone()));
        } else {
            out.push(open.clone());
        }
    }
    out
}

/// Whether a block lies in a section of steps.
pub fn in_step_section(headings: &[(u8, String)]) -> bool {
    !headings.iter().any(|(_, text)| is_not_steps(text))
}

/// A few words standing for what follows rather than saying something: "General rules:",
/// "Cook", "Before production", "Replenish for next shift". Not a sentence, and not a
/// lone dash.
pub fn is_label(text: &str) -> bool {
    let name = text.trim().trim_end_matches(':').trim_end();
    let words = name.split_whitespace().count();
    (1..=10).contains(&words)
        && !name.ends_with(['.', '!', '?', ';'])
        && !name.contains(": ")
        && name.chars().any(char::is_alphanumeric)
}
