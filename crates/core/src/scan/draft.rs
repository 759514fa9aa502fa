//! From blocks to a draft process: its title, owner, cadence and steps, each step with the
//! proof its words suggest and its sub-steps as checklist items.

use super::cadence::{GuessedCadence, find_cadences};
use super::document::{Block, BlockKind, Document};
use super::proof_hint::{ProofHint, suggest_proofs};
use super::sections::{Sections, is_not_steps};
use super::stages::stages;
use super::verbs::opens_with_verb;
use serde::Serialize;
use std::collections::HashSet;

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

pub fn draft(document: &Document) -> Draft {
    let blocks = &document.blocks;
    let title = title(document);
    Draft { owner: owner(blocks), cadences: cadences(blocks, &title), steps: steps(blocks), title }
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
        .or_else(|| document.blocks.first().map(|b| b.text.split_whitespace().take(8).collect::<Vec<_>>().join(" ")))
        .unwrap_or_else(|| "Untitled SOP".to_string())
}

fn owner(blocks: &[Block]) -> Option<Quote> {
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
    let who = clip(&after[..end], 8);
    (!who.is_empty()).then_some(who)
}

/// "Owner: Shift lead" and the like, at the start of a line or table row.
fn labelled_owner(text: &str) -> Option<String> {
    let (label, value) = text.split_once(':')?;
    let label = label.trim().trim_matches(['*', '_']).to_lowercase();
    let value = value.trim().trim_matches(['*', '_']).trim();
    (OWNER_LABELS.contains(&label.as_str()) && !value.is_empty()).then(|| clip(value, 12))
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
                return Some(clip(subject, 8));
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
    let who: Vec<&str> = after[..end].split_whitespace().take(12).collect();
    let who = who.join(" ");
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
                    return Some(Quote { text: clip(value, 8), line: block.line });
                }
            }
            _ => column = None,
        }
    }
    None
}

fn clip(text: &str, words: usize) -> String {
    text.split_whitespace().take(words).collect::<Vec<_>>().join(" ")
}

/// Each different cadence the text states, where it first says it; when it states none,
/// what its kind of document implies (an onboarding checklist runs when someone joins).
fn cadences(blocks: &[Block], title: &str) -> Vec<FoundCadence> {
    let mut all: Vec<FoundCadence> = Vec::new();
    // A set, so that a text stating thousands of different cadences does not compare each
    // with all those found before it.
    let mut seen: HashSet<GuessedCadence> = HashSet::new();
    for block in blocks {
        for guess in find_cadences(&block.text) {
            if seen.insert(guess.cadence.clone()) {
                all.push(FoundCadence { phrase: guess.phrase, cadence: guess.cadence, line: block.line });
            }
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

/// A run of list items with nothing else between them, and the section it sits in.
struct List {
    /// Indexes into the blocks.
    items: Vec<usize>,
    in_step_section: bool,
    under_step_heading: bool,
}

/// Steps are the top-level items of the lists (and the rows of the step tables) in the
/// sections that hold work. When some sections are named for steps ("Checklist",
/// "Procedure", "Daily tasks"), only their lists count: the rest is detail. Lists whose
/// items mostly do not open with a verb list criteria ("Dairy products"), not work. A
/// document with neither lists nor tables has its headings as steps.
fn steps(blocks: &[Block]) -> Vec<DraftStep> {
    let sections = Sections::of(blocks);
    let lists: Vec<List> = lists(blocks, &sections).into_iter().filter(|l| l.in_step_section).collect();
    let mut chosen: Vec<Vec<DraftStep>> = lists.iter().map(|l| list_steps(blocks, &sections, l)).collect();
    let items: Vec<Vec<usize>> = lists.iter().map(|l| l.items.clone()).collect();
    for stage in stages(blocks, &items) {
        for (n, &list) in stage.lists.iter().enumerate() {
            chosen[list].clear();
            if n == 0 {
                let section = sections.name(blocks, items[list][0]);
                let mut made = step(&stage.title, stage.line, section);
                for hint in stage.items.iter().flat_map(|i| suggest_proofs(i)) {
                    if !made.proofs.iter().any(|p| p.kind == hint.kind) {
                        made.proofs.push(hint);
                    }
                }
                made.items = stage.items.clone();
                chosen[list].push(made);
            }
        }
    }
    // Sections named for steps hold the work when they list a few steps of their own.
    let named: usize = lists.iter().zip(&chosen).filter(|(l, _)| l.under_step_heading).map(|(_, s)| s.len()).sum();
    if named >= 3 {
        for (list, made) in lists.iter().zip(&mut chosen) {
            if !list.under_step_heading {
                made.clear();
            }
        }
    }
    // Sections titled with what to do ("Review expiring certificates") are the steps
    // themselves, their lists the details.
    if named < 3 && action_headings(blocks, &sections) {
        return heading_steps(blocks, &sections);
    }
    let mut steps: Vec<DraftStep> = chosen.into_iter().flatten().collect();
    steps.extend(table_steps(blocks, &sections));
    if steps.is_empty() {
        steps = heading_steps(blocks, &sections);
    }
    steps
}

/// At least three headings in the working sections, most of them opening with a verb.
fn action_headings(blocks: &[Block], sections: &Sections) -> bool {
    let candidates: Vec<&Block> = step_headings(blocks, sections).into_iter().map(|i| &blocks[i]).collect();
    // "DO" alone heads rules, not an action.
    let verbs = candidates.iter().filter(|b| opens_with_verb(&b.text) && b.text.split_whitespace().count() > 1).count();
    verbs >= 3 && verbs * 2 >= candidates.len()
}

/// Indexes of the headings that could be steps: in working sections, not the title (the
/// one heading of the largest size, when there is one).
fn step_headings(blocks: &[Block], sections: &Sections) -> Vec<usize> {
    let top = blocks.iter().filter_map(Block::heading_level).min().unwrap_or(1);
    let titled = blocks.iter().filter(|b| b.heading_level() == Some(top)).count() == 1;
    blocks
        .iter()
        .enumerate()
        .filter(|(i, b)| match b.heading_level() {
            Some(level) => !(titled && level == top) && sections.in_step_section(*i) && !is_not_steps(&b.text),
            None => false,
        })
        .map(|(i, _)| i)
        .collect()
}

/// One list's steps: its shallowest items, or under an item that only labels a group
/// ("General information:"), the items of that group; deeper items are checklist items.
/// A list whose would-be steps mostly do not open with a verb gives none.
fn list_steps(blocks: &[Block], sections: &Sections, list: &List) -> Vec<DraftStep> {
    let depth_of = |i: usize| blocks[i].item_depth().unwrap_or(0);
    let base = list.items.iter().map(|&i| depth_of(i)).min().unwrap_or(0);
    // The depth that holds steps under each label item.
    let mut step_depth = base;
    let mut picks: Vec<(usize, bool)> = Vec::new();
    for &i in &list.items {
        let depth = depth_of(i);
        if depth == base {
            step_depth = base;
        }
        if is_label(&blocks[i].text) {
            step_depth = depth + 1;
            continue;
        }
        if depth < step_depth {
            step_depth = depth;
        }
        picks.push((i, depth == step_depth));
    }
    let tops: Vec<usize> = picks.iter().filter(|(_, top)| *top).map(|(i, _)| *i).collect();
    let verbs = tops.iter().filter(|&&i| reads_as_work(&blocks[i].text)).count();
    if tops.len() >= 2 && verbs * 2 < tops.len() {
        return Vec::new();
    }
    let mut steps: Vec<DraftStep> = Vec::new();
    for (i, top) in picks {
        let block = &blocks[i];
        if top {
            steps.push(step(&block.text, block.line, sections.name(blocks, i)));
        } else if let Some(last) = steps.last_mut() {
            last.items.push(block.text.clone());
            if last.proofs.is_empty() {
                last.proofs = suggest_proofs(&block.text);
            }
        }
    }
    steps
}

fn lists(blocks: &[Block], sections: &Sections) -> Vec<List> {
    let names_steps: Vec<bool> = blocks.iter().map(|b| b.heading_level().is_some() && names_steps(&b.text)).collect();
    let mut lists: Vec<List> = Vec::new();
    let mut previous_item = false;
    for (i, block) in blocks.iter().enumerate() {
        let is_item = block.item_depth().is_some();
        if is_item && previous_item {
            if let Some(list) = lists.last_mut() {
                list.items.push(i);
            }
        } else if is_item {
            lists.push(List {
                items: vec![i],
                in_step_section: sections.in_step_section(i),
                under_step_heading: sections.above(i).any(|heading| names_steps[heading]),
            });
        }
        previous_item = is_item;
    }
    lists
}

/// Headings that say their section is the work: "Checklist", "Procedure", "Daily tasks".
fn names_steps(heading: &str) -> bool {
    let lower = heading.to_lowercase();
    ["checklist", "steps", "procedure", "instructions", "tasks", "actions", "routine", "workflow", "process flow"]
        .iter()
        .any(|w| lower.contains(w))
        && !lower.contains("additional")
}

/// "General rules:" and "Chemical inventory (requirements by EHS):" head the items after
/// them; "Clean the lab spaces:" is a step whose items follow. A table of contents is
/// neither.
fn is_label(text: &str) -> bool {
    let contents = text.trim().eq_ignore_ascii_case("table of contents");
    contents || (text.ends_with(':') && text.split_whitespace().count() <= 12 && !opens_with_verb(text))
}

/// Opens with a verb or a condition ("If the alarm sounds, …"), or says what must be
/// done ("All chemicals must be entered …").
fn reads_as_work(text: &str) -> bool {
    let lower = text.to_lowercase();
    opens_with_verb(text)
        || ["if ", "when ", "once ", "after ", "before "].iter().any(|w| lower.starts_with(w))
        || [" must ", " should ", " shall ", " needs to ", " has to "].iter().any(|w| lower.contains(w))
}

/// Rows of tables with a step column (or, lacking one, their first column) in sections
/// that hold work.
fn table_steps(blocks: &[Block], sections: &Sections) -> Vec<DraftStep> {
    let mut steps = Vec::new();
    let mut step_column: Option<usize> = None;
    for (i, block) in blocks.iter().enumerate() {
        match block.kind {
            BlockKind::Row { header: true } => step_column = block.cells.iter().position(|c| is_step_column(c)),
            BlockKind::Row { header: false } if sections.in_step_section(i) => {
                let column = step_column.unwrap_or(0);
                if let Some(text) = block.cells.get(column).filter(|t| !t.trim().is_empty()) {
                    let title = row_title(text, &block.cells, column);
                    let mut made = step(&title, block.line, sections.name(blocks, i));
                    made.proofs = suggest_proofs(&block.cells.join(". "));
                    steps.push(made);
                }
            }
            _ => {}
        }
    }
    steps
}

/// A row naming a thing ("Rods") with what to do in another cell ("Wipe with a clean
/// paper towel. …") is titled with both: "Rods: Wipe with a clean paper towel."
fn row_title(name: &str, cells: &[String], column: usize) -> String {
    if opens_with_verb(name) {
        return name.to_string();
    }
    let doing = cells.iter().enumerate().find(|(i, c)| *i != column && opens_with_verb(c)).map(|(_, c)| c);
    match doing {
        Some(doing) => {
            let first = doing.split_inclusive(". ").next().unwrap_or(doing).trim();
            format!("{name}: {first}")
        }
        None => name.to_string(),
    }
}

fn is_step_column(cell: &str) -> bool {
    let lower = cell.trim().to_lowercase();
    ["step", "task", "action", "activity", "what", "procedure"].iter().any(|w| lower.starts_with(w))
}

fn step(text: &str, line: usize, section: Option<String>) -> DraftStep {
    DraftStep { title: text.to_string(), line, section, items: Vec::new(), proofs: suggest_proofs(text) }
}

/// Headings below the title, each with the words under it read for proof and its list
/// items kept as checklist items.
fn heading_steps(blocks: &[Block], sections: &Sections) -> Vec<DraftStep> {
    let chosen = step_headings(blocks, sections);
    // Headings below the steps' own level ("Is the alert a false positive?") detail them.
    let level = chosen.iter().filter_map(|&i| blocks[i].heading_level()).min();
    let mut is_step = vec![false; blocks.len()];
    chosen.iter().for_each(|&i| is_step[i] = true);
    let mut steps: Vec<DraftStep> = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        if is_step[i] && block.heading_level() == level {
            steps.push(step(&block.text, block.line, sections.name(blocks, i)));
            continue;
        }
        if is_step[i] {
            if let Some(last) = steps.last_mut() {
                last.items.push(block.text.clone());
            }
            continue;
        }
        if block.heading_level().is_some() || !sections.in_step_section(i) {
            continue;
        }
        if let Some(last) = steps.last_mut() {
            if block.item_depth().is_some() {
                last.items.push(block.text.clone());
            }
            if last.proofs.is_empty() {
                last.proofs = suggest_proofs(&block.text);
            }
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_of_different_cadences_are_each_kept_once_in_linear_time() {
        // Each cadence found was compared with every one found before it: 30,000 took 6 s
        // in a debug build.
        let at = |n: usize| format!("every {} days at {}:{:02}. ", n % 999 + 1, n / 999 % 24, n / (999 * 24));
        let text: String = (0..30_000).map(at).collect();
        let blocks =
            [Block::new(BlockKind::Paragraph, &text, 1), Block::new(BlockKind::Paragraph, "every 2 days at 0:00", 2)];
        let started = std::time::Instant::now();
        let found = cadences(&blocks, "Checks");
        assert!(started.elapsed().as_secs() < 5, "took {:?}", started.elapsed());
        assert_eq!(found.len(), 30_000);
        assert_eq!(found[1].phrase, "every 2 days at 0:00");
        assert_eq!(
            found[1].cadence,
            GuessedCadence::Schedule { rule: "FREQ=DAILY;INTERVAL=2;BYHOUR=0;BYMINUTE=0".into() }
        );
    }
}
