//! Who owns or performs an SOP: a labelled line ("Owner: Shift lead"), a sentence that
//! says who is responsible, a RACI table, or whoever is said to lead the work.

use super::Quote;
use crate::scan::document::{Block, BlockKind, clip};

/// The longest owner quoted: a role, not the sentence around it.
const OWNER_CHARS: usize = 80;

/// Labels that introduce who owns or performs an SOP.
const OWNER_LABELS: [&str; 10] = [
    "owner",
    "process owner",
    "responsible",
    "responsible party",
    "performed by",
    "accountable",
    "assigned to",
    "role",
    "who",
    "responsibility",
];

pub(super) fn owner(blocks: &[Block]) -> Option<Quote> {
    let first = |read: fn(&str) -> Option<String>| {
        blocks.iter().find_map(|b| read(&b.text).map(|text| Quote { text, line: b.line }))
    };
    first(|t| labelled_owner(t).or_else(|| responsible_sentence(t)))
        .or_else(|| raci_owner(blocks))
        .or_else(|| first(leader_sentence))
}

/// Who runs the work when nobody is called responsible: "an Incident Commander who will
/// delegate the tasks", "led by the shift manager".
fn leader_sentence(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let markers = [" who will delegate", " who delegates", " who will coordinate", " who coordinates", " who leads"];
    if let Some(at) = markers.iter().filter_map(|m| lower.find(m)).min() {
        let mut named: Vec<&str> = text[..at]
            .split_whitespace()
            .rev()
            .take_while(|w| w.chars().next().is_some_and(char::is_uppercase))
            .take(4)
            .collect();
        named.reverse();
        if !named.is_empty() {
            return Some(named.join(" "));
        }
    }
    let by = ["led by ", "coordinated by ", "owned by "].iter().find_map(|m| lower.find(m).map(|at| at + m.len()))?;
    let after = &text[by..];
    let end = after.find(['.', ';', ',', '(']).unwrap_or(after.len());
    let who = clip(&after[..end], OWNER_CHARS);
    (!who.is_empty()).then_some(who)
}

/// "Owner: Shift lead" and the like, at the start of a line or table row.
fn labelled_owner(text: &str) -> Option<String> {
    let (label, value) = text.split_once(':')?;
    let label = label.trim().trim_matches(['*', '_']).to_lowercase();
    let value = value.trim().trim_matches(['*', '_']).trim();
    (OWNER_LABELS.contains(&label.as_str()) && !value.is_empty()).then(|| clip(value, OWNER_CHARS))
}

/// "The Safety Person is responsible for …", "Cooks are responsible …", "… should be
/// performed each day by the platform operator who …".
fn responsible_sentence(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    for marker in [" is responsible", " are responsible", " is accountable", " are accountable"] {
        if let Some(at) = lower.find(marker) {
            let before = &text[..at];
            let start = before.rfind(['.', '!', '?', ';', ':']).map_or(0, |i| i + 1);
            let subject = before[start..].trim();
            let words = subject.split_whitespace().count();
            if (1..=8).contains(&words) && !subject.eq_ignore_ascii_case("everyone") {
                return Some(clip(subject, OWNER_CHARS));
            }
        }
    }
    // "performed each day by the platform operator who is on the rotation"
    let done = ["performed", "carried out", "completed", "done"].iter().filter_map(|w| lower.find(w)).min()?;
    let by = done + lower[done..].find(" by ")?;
    if lower[done..by].split_whitespace().count() > 5 {
        return None;
    }
    let after = &text[by + 4..];
    let end = after.find(['.', ';', ',', '(']).unwrap_or(after.len());
    let who = clip(after[..end].trim(), OWNER_CHARS);
    (!who.is_empty()).then_some(who)
}

/// A RACI table: the first name in its Responsible (or R) column.
fn raci_owner(blocks: &[Block]) -> Option<Quote> {
    let mut column = None;
    for block in blocks {
        match block.kind {
            BlockKind::Row { header: true } => {
                column = block.cells.iter().position(|c| {
                    let c = c.trim().to_lowercase();
                    c == "responsible" || c == "r" || c == "owner"
                });
            }
            BlockKind::Row { header: false } => {
                if let Some(value) = column.and_then(|c| block.cells.get(c)).filter(|v| !v.trim().is_empty()) {
                    return Some(Quote { text: clip(value, OWNER_CHARS), line: block.line });
                }
            }
            _ => column = None,
        }
    }
    None
}
