//! What to do: the steps of a draft, read from lists, step tables or action headings, in
//! the sections that hold work.

use super::DraftStep;
use super::tables::{is_number, table_steps};
use crate::scan::document::{Block, BlockKind};
use crate::scan::proof_hint::suggest_proofs;
use crate::scan::sections::{Sections, is_label, is_not_steps};
use crate::scan::stages::stages;
use crate::scan::text::list_marker;
use crate::scan::verbs::{is_instruction, opens_with_verb};

/// A run of list items with nothing else between them, and the section it sits in.
struct List {
    /// Indexes into the blocks.
    items: Vec<usize>,
    in_step_section: bool,
    under_step_heading: bool,
    /// The paragraph just before it when that is an instruction ending in a colon ("Check
    /// the following:"): what the items may complete.
    lead_in: Option<usize>,
}

/// Steps are the top-level items of the lists (and the rows of the step tables) in the
/// sections that hold work. When some sections are named for steps ("Checklist",
/// "Procedure", "Daily tasks"), only their lists count: the rest is detail. Bulleted lists
/// whose items mostly do not open with a verb list criteria ("Dairy products"), not work. A
/// document with neither lists nor tables has its headings as steps; failing those, any
/// list's items, and failing any list, the lines that give an instruction.
pub(super) fn steps(blocks: &[Block]) -> Vec<DraftStep> {
    let sections = Sections::of(blocks);
    let lists: Vec<List> = lists(blocks, &sections).into_iter().filter(|l| l.in_step_section).collect();
    let mut chosen: Vec<Vec<DraftStep>> = lists.iter().map(|l| list_steps(blocks, &sections, l, true)).collect();
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
    // A document that lists anything lists its steps somewhere, even when no rule above
    // found them there: a draft with none helps nobody correct it.
    if steps.is_empty() {
        let every = self::lists(blocks, &sections);
        steps = every.iter().flat_map(|l| list_steps(blocks, &sections, l, false)).collect();
    }
    if steps.is_empty() {
        steps = instruction_lines(blocks, &sections);
    }
    if steps.is_empty() {
        // Items that only label groups ("Notes:") are still all the list there is.
        let items = blocks.iter().enumerate().filter(|(_, b)| b.item_depth().is_some());
        steps = items.map(|(i, b)| step(&b.text, b.line, sections.name(blocks, i))).collect();
    }
    // Lists and tables are gathered apart; the steps are done in the order written.
    steps.sort_by_key(|s| s.line);
    steps
}

/// Text pasted without any list: its lines that give an instruction ("Turn on the ovens.",
/// "Monday: mop the floors") are the steps.
fn instruction_lines(blocks: &[Block], sections: &Sections) -> Vec<DraftStep> {
    let mut steps = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        if block.kind != BlockKind::Paragraph || !sections.in_step_section(i) {
            continue;
        }
        for (n, line) in block.lines().enumerate() {
            let said = line.split_once(": ").filter(|(label, _)| label.split_whitespace().count() <= 3);
            if is_instruction(said.map_or(line, |(_, rest)| rest)) {
                steps.push(step(line, block.line + n, sections.name(blocks, i)));
            }
        }
    }
    steps
}

/// Up to the end of its first sentence.
fn first_sentence(text: &str) -> &str {
    text.find(". ").map_or(text, |end| &text[..=end])
}

/// "Step 2: Enter the supplier" without its number.
fn unnumbered(text: &str) -> &str {
    list_marker(text).filter(|m| m.ordered && !m.rest.is_empty()).map_or(text, |m| m.rest)
}

/// At least three headings in the working sections, most of them opening with a verb.
fn action_headings(blocks: &[Block], sections: &Sections) -> bool {
    let candidates: Vec<&Block> = step_headings(blocks, sections).into_iter().map(|i| &blocks[i]).collect();
    // "DO" alone heads rules, not an action.
    let verbs = candidates
        .iter()
        .map(|b| unnumbered(&b.text))
        .filter(|t| opens_with_verb(t) && t.split_whitespace().count() > 1)
        .count();
    verbs >= 3 && verbs * 2 >= candidates.len()
}

/// Indexes of the headings that could be steps: in working sections, not the title (the
/// one heading of the largest size, when there is one), and not a heading that only names
/// the steps under it ("Daily maintenance checklist").
fn step_headings(blocks: &[Block], sections: &Sections) -> Vec<usize> {
    let top = blocks.iter().filter_map(Block::heading_level).min().unwrap_or(1);
    let titled = blocks.iter().filter(|b| b.heading_level() == Some(top)).count() == 1;
    blocks
        .iter()
        .enumerate()
        .filter(|(i, b)| match b.heading_level() {
            Some(level) => {
                !(titled && level == top)
                    && sections.in_step_section(*i)
                    && !is_not_steps(&b.text)
                    && (!names_steps(&b.text) || is_instruction(&b.text))
            }
            None => false,
        })
        .map(|(i, _)| i)
        .collect()
}

/// One list's steps: its shallowest items, or under an item that only labels a group
/// ("General information:"), the items of that group; deeper items are checklist items.
/// When `judged`, a bulleted list whose would-be steps mostly do not read as work lists
/// criteria and gives none, or completes the instruction before it ("Check the
/// following:"), which is then the step and the items its checklist. Numbered items are
/// steps whatever their words: numbering says they are done in order.
fn list_steps(blocks: &[Block], sections: &Sections, list: &List, judged: bool) -> Vec<DraftStep> {
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
        if heads_a_group(&blocks[i].text) {
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
    let not_work = verbs * 2 < tops.len();
    if judged && not_work {
        if let Some(lead) = list.lead_in {
            let mut made = step(&blocks[lead].text, blocks[lead].line, sections.name(blocks, lead));
            made.items = list.items.iter().map(|&i| blocks[i].text.clone()).collect();
            if made.proofs.is_empty() {
                made.proofs = made.items.iter().map(|i| suggest_proofs(i)).find(|p| !p.is_empty()).unwrap_or_default();
            }
            return vec![made];
        }
        let numbered = tops.iter().all(|&i| matches!(blocks[i].kind, BlockKind::Item { ordered: true, .. }));
        if tops.len() >= 2 && !numbered {
            return Vec::new();
        }
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
    // Read once per heading: a long heading read again for each of thousands of lists
    // costs time square in the document's length.
    let names: Vec<bool> = blocks.iter().map(|b| b.heading_level().is_some() && names_steps(&b.text)).collect();
    let mut lists: Vec<List> = Vec::new();
    let mut previous_item = false;
    for (i, block) in blocks.iter().enumerate() {
        let is_item = block.item_depth().is_some();
        if is_item && previous_item {
            if let Some(list) = lists.last_mut() {
                list.items.push(i);
            }
        } else if is_item {
            let lead_in = i.checked_sub(1).filter(|&p| {
                let before = &blocks[p];
                before.kind == BlockKind::Paragraph && before.text.ends_with(':') && is_instruction(&before.text)
            });
            // "Optional:" before a list: what may be done is not a step that must be.
            let optional = i.checked_sub(1).is_some_and(|p| {
                blocks[p].item_depth().is_none()
                    && blocks[p].text.get(..8).is_some_and(|w| w.eq_ignore_ascii_case("optional"))
            });
            lists.push(List {
                items: vec![i],
                in_step_section: sections.in_step_section(i) && !optional,
                under_step_heading: sections.above(i).any(|h| names[h]),
                lead_in,
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
fn heads_a_group(text: &str) -> bool {
    text.trim().eq_ignore_ascii_case("table of contents")
        || (text.ends_with(':') && is_label(text) && !is_instruction(text))
}

/// Opens with an instruction, maybe after an adverb ("Immediately inform …"), or a
/// condition ("If the alarm sounds, …"), or says what must be done ("All chemicals must be
/// entered …").
fn reads_as_work(text: &str) -> bool {
    let lower = text.to_lowercase();
    let after_adverb = ["immediately ", "always ", "then ", "also ", "please ", "first ", "next ", "finally "]
        .iter()
        .find_map(|a| lower.strip_prefix(a))
        .unwrap_or(&lower);
    is_instruction(after_adverb)
        || ["if ", "when ", "once ", "after ", "before "].iter().any(|w| lower.starts_with(w))
        || [" must ", " should ", " shall ", " needs to ", " has to "].iter().any(|w| lower.contains(w))
}

/// A step titled with `text`; a colon that introduced its sub-steps is not part of it, nor
/// is a number the draft's order already gives ("Step 2: Enter the supplier").
pub(super) fn step(text: &str, line: usize, section: Option<String>) -> DraftStep {
    let title = unnumbered(text);
    let title = title.strip_suffix(':').unwrap_or(title).trim_end();
    DraftStep { title: title.to_string(), line, section, items: Vec::new(), proofs: suggest_proofs(title) }
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
            // "Step 1" says only where it is: its first sentence says what to do.
            let words = blocks.get(i + 1).filter(|b| is_number(&block.text) && b.heading_level().is_none());
            let title = words.map_or(block.text.as_str(), |b| first_sentence(&b.text));
            steps.push(step(title, block.line, sections.name(blocks, i)));
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
