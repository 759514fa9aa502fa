//! Stages split by role, as SOP tools export a swimlane: a stage ("Before production")
//! with a short label per role under it ("Cook", "Volunteer") and each role's list. The
//! labels that repeat from stage to stage are roles; the stage is the step, and the
//! roles' items are its checklist, each with its role.

use super::document::{Block, BlockKind};
use super::sections::is_label;
use std::collections::{HashMap, HashSet};

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

/// The longest a label may be. A role's name is copied into each of its items, so one
/// line of thousands of characters named over a long list would fill memory.
const LABEL_CHARS: usize = 100;

/// A short line standing alone, as a title or a role name is.
fn stands_alone(block: &Block) -> bool {
    block.kind == BlockKind::Paragraph && block.text.chars().nth(LABEL_CHARS).is_none() && is_label(&block.text)
}

/// `lists` holds each list's item indexes into `blocks`. Nothing is found unless at least
/// three lists sit under labels that repeat, and two different labels repeat.
pub fn stages(blocks: &[Block], lists: &[Vec<usize>]) -> Vec<Stage> {
    // Every look-up below is in a set or a map made once: a document of thousands of lists
    // must not compare each list with all the others.
    let label: Vec<bool> = blocks.iter().map(stands_alone).collect();
    let label_of = |list: &Vec<usize>| {
        let first = *list.first()?;
        let before = first.checked_sub(1)?;
        label.get(before).copied().unwrap_or(false).then_some(before)
    };
    let labels: Vec<Option<usize>> = lists.iter().map(label_of).collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for &i in labels.iter().flatten() {
        *counts.entry(blocks[i].text.as_str()).or_default() += 1;
    }
    let roles: HashSet<&str> = counts.iter().filter(|(_, n)| **n >= 2).map(|(t, _)| *t).collect();
    let labelled = labels.iter().flatten().filter(|&&i| roles.contains(blocks[i].text.as_str())).count();
    if roles.len() < 2 || labelled < 3 {
        return Vec::new();
    }
    // A stage's name is said once; a line that recurs ("No app used") is a note.
    let mut said: HashMap<&str, usize> = HashMap::new();
    for (block, _) in blocks.iter().zip(&label).filter(|(_, label)| **label) {
        *said.entry(block.text.as_str()).or_default() += 1;
    }
    let names_a_stage =
        |i: usize| label[i] && said.get(blocks[i].text.as_str()) == Some(&1) && !is_number(&blocks[i].text);
    let mut found: Vec<Stage> = Vec::new();
    let mut known: HashMap<(usize, &str), usize> = HashMap::new();
    for (index, (list, label)) in lists.iter().zip(&labels).enumerate() {
        let Some(label) = label.filter(|&i| roles.contains(blocks[i].text.as_str())) else { continue };
        // The stage: the nearest label above that is said only once, before any heading.
        let stage = (0..label)
            .rev()
            .take(STAGE_REACH)
            .take_while(|&i| blocks[i].heading_level().is_none())
            .find(|&i| names_a_stage(i));
        let Some(stage) = stage else { continue };
        let role = &blocks[label].text;
        let base = list.iter().filter_map(|&i| blocks[i].item_depth()).min().unwrap_or(0);
        let items = list
            .iter()
            .filter(|&&i| blocks[i].item_depth() == Some(base))
            .map(|&i| format!("{role}: {}", blocks[i].text));
        match known.get(&(blocks[stage].line, blocks[stage].text.as_str())) {
            Some(&at) => {
                found[at].items.extend(items);
                found[at].lists.push(index);
            }
            None => {
                known.insert((blocks[stage].line, blocks[stage].text.as_str()), found.len());
                found.push(Stage {
                    title: blocks[stage].text.clone(),
                    line: blocks[stage].line,
                    items: items.collect(),
                    lists: vec![index],
                });
            }
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
    fn thousands_of_stages_and_roles_are_gathered_in_linear_time() {
        // Each list's role was looked up in a list of all roles, and its stage among all
        // stages found: 20,000 stages took a minute in a debug build.
        let mut blocks = Vec::new();
        let mut lists = Vec::new();
        for k in 0..20_000 {
            blocks.push(para(&format!("Stage {k}"), blocks.len() + 1));
            for role in ["Cook", "Aide"] {
                blocks.push(para(&format!("{role} {}", k / 2), blocks.len() + 1));
                lists.push(vec![blocks.len()]);
                blocks.push(item("Wash up.", blocks.len() + 1));
            }
        }
        let started = std::time::Instant::now();
        let found = stages(&blocks, &lists);
        assert!(started.elapsed().as_secs() < 5, "took {:?}", started.elapsed());
        assert_eq!(found.len(), 20_000);
        assert_eq!(found[7].items, ["Cook 3: Wash up.", "Aide 3: Wash up."]);
    }

    #[test]
    fn a_line_too_long_for_a_name_is_no_role() {
        // A role's name is copied into each of its items: a 100 KB line over a list of
        // 25,000 items took 2.5 GB.
        let long = "R".repeat(LABEL_CHARS + 1);
        let mut blocks = vec![para("Prep", 1)];
        for (n, role) in [long.as_str(), "Aide", long.as_str(), "Aide"].into_iter().enumerate() {
            blocks.push(para(role, n + 2));
            blocks.push(item("Wash up.", n + 2));
        }
        let lists = vec![vec![2], vec![4], vec![6], vec![8]];
        assert_eq!(stages(&blocks, &lists), []);
        let fits = "R".repeat(LABEL_CHARS);
        for i in [1, 5] {
            blocks[i] = para(&fits, i);
        }
        assert_eq!(stages(&blocks, &lists)[0].items.len(), 4);
    }

    #[test]
    fn lists_under_labels_that_do_not_repeat_are_left_alone() {
        let blocks = vec![para("Daily", 1), item("Wipe", 2), para("Weekly", 3), item("Scrub", 4)];
        assert_eq!(stages(&blocks, &[vec![1], vec![3]]), []);
    }
}
