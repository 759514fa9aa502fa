//! Stages split by role, as SOP tools export a swimlane: a stage ("Before production")
//! with a short label per role under it ("Cook", "Volunteer") and each role's list. The
//! labels that repeat from stage to stage are roles; the stage is the step, and the
//! roles' items are its checklist, each with its role.

use super::document::{Block, BlockKind};
use super::sections::is_label;
use std::collections::HashMap;

/// How far above a role's label its stage is looked for, in blocks: a stage holds a few
/// roles with their lists, and the walk must stay short in a document of thousands.
const STAGE_REACH: usize = 200;

/// A stage found above role-labelled lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub title: String,
    pub line: usize,
    /// "Cook: Assess ingredient availability."
    pub items: Vec<String>,
    /// Indexes (into the lists given) of the lists it gathers.
    pub lists: Vec<usize>,
}

/// A short line standing alone, as a title or a role name is.
fn stands_alone(block: &Block) -> bool {
    block.kind == BlockKind::Paragraph && is_label(&block.text)
}

/// `lists` holds each list's item indexes into `blocks`. Nothing is found unless at least
/// three lists sit under labels that repeat, and two different labels repeat.
pub fn stages(blocks: &[Block], lists: &[Vec<usize>]) -> Vec<Stage> {
    let label_of = |list: &Vec<usize>| {
        let first = *list.first()?;
        let before = blocks.get(first.checked_sub(1)?)?;
        stands_alone(before).then_some(first - 1)
    };
    let labels: Vec<Option<usize>> = lists.iter().map(label_of).collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for &i in labels.iter().flatten() {
        *counts.entry(blocks[i].text.as_str()).or_default() += 1;
    }
    let roles: Vec<&str> = counts.iter().filter(|(_, n)| **n >= 2).map(|(t, _)| *t).collect();
    let labelled = labels.iter().flatten().filter(|&&i| roles.contains(&blocks[i].text.as_str())).count();
    if roles.len() < 2 || labelled < 3 {
        return Vec::new();
    }
    // A stage's name is said once; a line that recurs ("No app used") is a note.
    let mut said: HashMap<&str, usize> = HashMap::new();
    for block in blocks.iter().filter(|b| stands_alone(b)) {
        *said.entry(block.text.as_str()).or_default() += 1;
    }
    let names_a_stage = |b: &Block| stands_alone(b) && said.get(b.text.as_str()) == Some(&1) && !is_number(&b.text);
    let mut found: Vec<Stage> = Vec::new();
    for (index, (list, label)) in lists.iter().zip(&labels).enumerate() {
        let Some(label) = label.filter(|&i| roles.contains(&blocks[i].text.as_str())) else { continue };
        // The stage: the nearest label above that is said only once, before any heading.
        let stage = (0..label)
            .rev()
            .take(STAGE_REACH)
            .take_while(|&i| blocks[i].heading_level().is_none())
            .find(|&i| names_a_stage(&blocks[i]));
        let Some(stage) = stage else { continue };
        let role = &blocks[label].text;
        let base = list.iter().filter_map(|&i| blocks[i].item_depth()).min().unwrap_or(0);
        let items = list
            .iter()
            .filter(|&&i| blocks[i].item_depth() == Some(base))
            .map(|&i| format!("{role}: {}", blocks[i].text));
        match found.iter_mut().find(|s| s.line == blocks[stage].line && s.title == blocks[stage].text) {
            Some(known) => {
                known.items.extend(items);
                known.lists.push(index);
            }
            None => found.push(Stage {
                title: blocks[stage].text.clone(),
                line: blocks[stage].line,
                items: items.collect(),
                lists: vec![index],
            }),
        }
    }
    found
}

/// "1" or "2." alone: a stage's number, not its name.
fn is_number(text: &str) -> bool {
    let digits = text.trim_end_matches('.');
    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(text: &str, line: usize) -> Block {
        Block::new(BlockKind::Paragraph, text, line)
    }

    fn item(text: &str, line: usize) -> Block {
        Block::new(BlockKind::Item { depth: 0, ordered: false, task: false }, text, line)
    }

    #[test]
    fn roles_that_repeat_under_each_stage_make_the_stage_the_step() {
        let blocks = vec![
            para("1", 1),
            para("Before production", 2),
            para("Cook", 3),
            item("Assess ingredients.", 4),
            para("Volunteer", 5),
            item("Cut vegetables.", 6),
            para("2", 7),
            para("Cooking", 8),
            para("Cook", 9),
            item("Cook the recipe.", 10),
            item("Record the core temperature.", 11),
            para("Volunteer", 12),
            item("Assist the cook.", 13),
        ];
        let lists = vec![vec![3], vec![5], vec![9, 10], vec![12]];
        let found = stages(&blocks, &lists);
        let titles: Vec<(&str, usize)> = found.iter().map(|s| (s.title.as_str(), s.items.len())).collect();
        assert_eq!(titles, [("Before production", 2), ("Cooking", 3)]);
        assert_eq!(found[1].items[1], "Cook: Record the core temperature.");
        assert_eq!(found[1].lists, [2, 3]);
    }

    #[test]
    fn lists_under_labels_that_do_not_repeat_are_left_alone() {
        let blocks = vec![para("Daily", 1), item("Wipe", 2), para("Weekly", 3), item("Scrub", 4)];
        assert_eq!(stages(&blocks, &[vec![1], vec![3]]), []);
    }
}
