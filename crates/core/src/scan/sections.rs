//! Which parts of an SOP hold its steps: sections about purpose, scope, references or
//! rules are read for owner and cadence but are not work to do.

use super::document::{Block, clip};

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

/// The most of a heading a step keeps as its section's name. Each step carries the name,
/// so a heading of half a megabyte over thousands of steps was copied into every one.
const SECTION_CHARS: usize = 120;

/// Where each block sits among the headings. The headings above a block are a walk from
/// its innermost one outwards, a step per level, and what they say is read once per
/// heading: copying the headings above for every block, and lowercasing them again for
/// every look-up, took time and memory square in the length of a long heading.
pub struct Sections {
    /// For each block, the innermost heading above it; for a heading, the one around it.
    above: Vec<Option<usize>>,
    /// For each block, whether it lies in a section of steps.
    in_steps: Vec<bool>,
}

impl Sections {
    pub fn of(blocks: &[Block]) -> Sections {
        // The open headings, outermost first: level, index, and whether it or one around it
        // heads a section that is not steps.
        let mut open: Vec<(u8, usize, bool)> = Vec::new();
        let mut above = Vec::with_capacity(blocks.len());
        let mut in_steps = Vec::with_capacity(blocks.len());
        for (i, block) in blocks.iter().enumerate() {
            let level = block.heading_level();
            if let Some(level) = level {
                while open.last().is_some_and(|(l, ..)| *l >= level) {
                    open.pop();
                }
            }
            let outside = open.last().is_some_and(|&(.., not_steps)| not_steps);
            above.push(open.last().map(|&(_, heading, _)| heading));
            in_steps.push(!outside);
            if let Some(level) = level {
                open.push((level, i, outside || is_not_steps(&block.text)));
            }
        }
        Sections { above, in_steps }
    }

    /// The headings above block `i`, innermost first.
    pub fn above(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(self.above[i], |&heading| self.above[heading])
    }

    /// The name of the section block `i` sits in: its innermost heading's words.
    pub fn name(&self, blocks: &[Block], i: usize) -> Option<String> {
        self.above[i].map(|heading| clip(&blocks[heading].text, SECTION_CHARS))
    }

    /// Whether block `i` lies in a section of steps.
    pub fn in_step_section(&self, i: usize) -> bool {
        self.in_steps[i]
    }
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
