//! Plain text read into blocks: numbered lines ("1.", "2)", "Step 3:"), bulleted lines
//! ("-", "*", "•", and the glyphs a PDF or a Word export leaves: "", "o", "▪"), their
//! indentation as depth, short lines that stand alone as headings. A line that follows an
//! item without a blank line continues it; lines under an instruction ending in a colon
//! are its sub-items.

use super::document::{Block, BlockKind, Document};
use super::verbs::is_instruction;

/// A list marker read off the start of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marker<'a> {
    pub ordered: bool,
    /// The level a word processor gives the glyph: 0 for "•" and numbers, 1 for "o",
    /// 2 for "▪", so a pasted list whose indentation was lost still nests.
    pub rank: u8,
    /// The words after it; empty for "Step 3" alone on its line.
    pub rest: &'a str,
}

/// Bullets and the level each stands for. A PDF's Symbol-font bullets arrive as private
/// use characters (U+F0B7, U+F0A7).
const BULLETS: [(char, u8); 15] = [
    ('-', 0),
    ('*', 0),
    ('+', 0),
    ('•', 0),
    ('●', 0),
    ('\u{f0b7}', 0),
    ('➢', 0),
    ('►', 0),
    ('–', 0),
    ('o', 1),
    ('◦', 1),
    ('○', 1),
    ('▪', 2),
    ('■', 2),
    ('\u{f0a7}', 2),
];

/// The block being gathered.
struct Open {
    kind: BlockKind,
    line: usize,
    text: String,
}

impl Open {
    fn depth(&self) -> Option<u8> {
        match self.kind {
            BlockKind::Item { depth, .. } => Some(depth),
            _ => None,
        }
    }
}

pub fn read_text(source: &str) -> Document {
    let mut document = Document::default();
    let lines: Vec<&str> = source.lines().collect();
    // The (indentation, glyph rank) of each open list level, to turn them into depths.
    let mut levels: Vec<(usize, u8)> = Vec::new();
    let mut open: Option<Open> = None;
    // The depth of an item whose following lines are its sub-items: an instruction ending
    // in a colon, or a short title with its details under it ("Step 1 – Prepare").
    let mut leading: Option<u8> = None;
    // The last step number seen alone on its line ("1", "2"), so only the next one is.
    let mut counted = 0;
    let mut index = 0;
    while index < lines.len() {
        let raw = lines[index];
        let line = index + 1;
        index += 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            flush(&mut document, &mut open);
            leading = None;
            continue;
        }
        // "## Daily": Markdown's heading marks, common enough in pasted text, and how a
        // PDF's text marks lines set large or bold.
        if let Some((level, heading)) = marked_heading(trimmed) {
            flush(&mut document, &mut open);
            levels.clear();
            leading = None;
            document.push(Block::new(BlockKind::Heading { level }, heading, line));
            continue;
        }
        let indent = width(raw);
        let next = lines.get(index).map(|n| n.trim()).unwrap_or("");
        // Step numbers alone on their line, as some tools export them: "1", then the step.
        let digits = trimmed.len() <= 3 && trimmed.chars().all(|c| c.is_ascii_digit());
        let number = trimmed.parse::<u32>().ok().filter(|&n| digits && (n == 1 || n == counted + 1));
        let numbered = number.filter(|_| !next.is_empty() && list_marker(next).is_none());
        if let Some(n) = numbered {
            counted = n;
        }
        if let Some(marker) =
            numbered.map(|_| Marker { ordered: true, rank: 0, rest: "" }).or_else(|| list_marker(trimmed))
        {
            flush(&mut document, &mut open);
            let mut rest = marker.rest.to_string();
            // "Step 3" alone on its line: the instruction is on the next.
            if rest.is_empty() {
                match lines.get(index).map(|n| n.trim()) {
                    Some(next) if !next.is_empty() && list_marker(next).is_none() => {
                        rest = next.to_string();
                        index += 1;
                    }
                    _ => continue,
                }
            }
            let depth = depth(&mut levels, (indent, marker.rank));
            let (task, words) = task_box(&rest);
            let kind = BlockKind::Item { depth, ordered: marker.ordered, task };
            leading = leads(words).then_some(depth);
            open = Some(Open { kind, line, text: words.to_string() });
            continue;
        }
        if let Some(depth) = leading.filter(|_| !stands_apart(trimmed, next)) {
            // Under "Promote the replica:", each line is a thing to do for it.
            flush(&mut document, &mut open);
            let kind = BlockKind::Item { depth: depth.saturating_add(1), ordered: false, task: false };
            document.push(Block::new(kind, trimmed, line));
            continue;
        }
        if let Some(item) = open.as_mut().filter(|o| o.depth().is_some())
            && !stands_apart(trimmed, next)
        {
            let last = item.text.rsplit('\n').next().unwrap_or("");
            if wraps(last, trimmed) {
                item.text.push('\n');
                item.text.push_str(trimmed);
                continue;
            }
            // A new sentence under a short or finished item details it.
            let depth = item.depth().unwrap_or(0);
            flush(&mut document, &mut open);
            leading = Some(depth);
            let kind = BlockKind::Item { depth: depth.saturating_add(1), ordered: false, task: false };
            document.push(Block::new(kind, trimmed, line));
            continue;
        }
        if leads(trimmed) && !next.is_empty() && (list_marker(next).is_none() || width(lines[index]) > indent) {
            // An instruction whose details follow on the next lines is an item of its own.
            flush(&mut document, &mut open);
            let depth = depth(&mut levels, (indent, 0));
            leading = Some(depth);
            open =
                Some(Open { kind: BlockKind::Item { depth, ordered: false, task: false }, line, text: trimmed.into() });
            continue;
        }
        leading = None;
        // A line set apart from the item above it starts afresh.
        if open.as_ref().is_some_and(|o| o.depth().is_some()) {
            flush(&mut document, &mut open);
        }
        let alone = open.is_none();
        let first = document.blocks.is_empty() && open.is_none();
        if !leads(trimmed)
            && let Some(level) = heading_level(trimmed, alone, next, first)
        {
            flush(&mut document, &mut open);
            levels.clear();
            document.push(Block::new(BlockKind::Heading { level }, trimmed.trim_end_matches(':'), line));
            continue;
        }
        if is_underline(trimmed) {
            continue;
        }
        match &mut open {
            Some(paragraph) => {
                paragraph.text.push('\n');
                paragraph.text.push_str(trimmed);
            }
            None => open = Some(Open { kind: BlockKind::Paragraph, line, text: trimmed.to_string() }),
        }
    }
    flush(&mut document, &mut open);
    document
}

fn marked_heading(line: &str) -> Option<(u8, &str)> {
    let hashes = line.chars().take_while(|&c| c == '#').count();
    let rest = line[hashes..].strip_prefix(' ')?.trim();
    ((1..=6).contains(&hashes) && !rest.is_empty()).then(|| (hashes as u8, rest.trim_end_matches(':')))
}

fn flush(document: &mut Document, open: &mut Option<Open>) {
    if let Some(block) = open.take() {
        document.push(Block::new(block.kind, &block.text, block.line));
    }
}

/// Columns of indentation, a tab counted as four.
fn width(raw: &str) -> usize {
    raw.chars().take_while(|c| c.is_whitespace()).map(|c| if c == '\t' { 4 } else { 1 }).sum()
}

/// The depth of a list level, keeping `levels` to the ones still open.
fn depth(levels: &mut Vec<(usize, u8)>, level: (usize, u8)) -> u8 {
    while levels.last().is_some_and(|&l| l > level) {
        levels.pop();
    }
    if levels.last() != Some(&level) {
        levels.push(level);
    }
    u8::try_from(levels.len() - 1).unwrap_or(u8::MAX)
}

/// "Promote the replica:": an instruction whose details follow.
fn leads(text: &str) -> bool {
    text.ends_with(':') && text.split_whitespace().count() > 1 && is_instruction(text)
}

/// Whether `line` carries on `last`, a line the source wrapped: it opens in lower case, or
/// `last` is a long line that stops mid-sentence.
fn wraps(last: &str, line: &str) -> bool {
    let lower = line.chars().next().is_some_and(|c| !c.is_uppercase());
    lower || (!last.ends_with(['.', '!', '?', ':', ';']) && last.split_whitespace().count() >= 5)
}

/// A line right after an item that is not part of it: a heading in capitals, a label
/// ending in a colon, or a line underlined.
fn stands_apart(line: &str, next: &str) -> bool {
    let letters: Vec<char> = line.chars().filter(|c| c.is_alphabetic()).collect();
    let capitals = letters.len() >= 3 && letters.iter().all(|c| c.is_uppercase());
    let short = line.split_whitespace().count() <= 8;
    is_underline(next) || (short && (capitals || (line.ends_with(':') && !leads(line))))
}

/// "1. Do", "2) Do", "(3) Do", "Step 3: Do", "a. Do", "- Do", "• Do", "o Do": the marker
/// and the rest, after any spaces or tabs.
pub fn list_marker(line: &str) -> Option<Marker<'_>> {
    let first = line.chars().next()?;
    if let Some(&(_, rank)) = BULLETS.iter().find(|(b, _)| *b == first) {
        let after = &line[first.len_utf8()..];
        // ASCII marks and "o" start words too ("-5 °C", "ok"): they need a space after.
        let spaced = after.starts_with(char::is_whitespace);
        if (spaced || !(first.is_ascii() || first == '–')) && !after.trim().is_empty() {
            return Some(Marker { ordered: false, rank, rest: after.trim_start() });
        }
        return None;
    }
    let lower = line.to_ascii_lowercase();
    for word in ["step", "task"] {
        let Some(rest) = lower.strip_prefix(word) else { continue };
        let spaces = rest.len() - rest.trim_start().len();
        let digits = rest[spaces..].chars().take_while(char::is_ascii_digit).count();
        if spaces > 0 && digits > 0 {
            let after = &line[word.len() + spaces + digits..];
            if after.is_empty() || after.starts_with([':', '.', ')', ' ', '\t', '-', '–']) {
                let rest = after.trim_start_matches([':', '.', ')', '-', '–']).trim_start();
                let rest = rest.trim_start_matches([':', '-', '–']).trim_start();
                return Some(Marker { ordered: true, rank: 0, rest });
            }
        }
    }
    let inner = line.strip_prefix('(').unwrap_or(line);
    let digits = inner.chars().take_while(char::is_ascii_digit).count();
    let first = inner.chars().next().filter(|c| c.is_ascii_alphabetic() && digits == 0);
    let width = if first.is_some() { 1 } else { digits };
    if width == 0 || width > 3 {
        return None;
    }
    let rest = inner[width..].strip_prefix(['.', ')'])?;
    if rest.is_empty() && first.is_none() {
        // "3." alone on its line, its words on the next.
        return Some(Marker { ordered: true, rank: 0, rest });
    }
    let rest = rest.strip_prefix(char::is_whitespace).map(str::trim_start).filter(|r| !r.is_empty())?;
    // "A. Clean the taps" is lettered; "J. Smith will call" is a name.
    let lettered = first.is_none_or(|c| c.is_ascii_lowercase() || is_instruction(rest));
    lettered.then_some(Marker { ordered: true, rank: 0, rest })
}

/// "[ ] Do" and "[x] Do" in task lists; "☐ Do" as a Word checklist pastes.
pub fn task_box(text: &str) -> (bool, &str) {
    for open in ["[ ]", "[x]", "[X]", "☐", "☑", "☒"] {
        if let Some(rest) = text.strip_prefix(open).filter(|r| r.starts_with(char::is_whitespace)) {
            return (true, rest.trim_start());
        }
    }
    (false, text)
}

/// An underlined line, or a short line standing alone (in capitals, ending in a colon, or
/// followed by a blank line or a list) reads as a heading; the `first` line of the text,
/// when short and no sentence, is its title.
fn heading_level(line: &str, alone: bool, next: &str, first: bool) -> Option<u8> {
    if is_underline(next) {
        return Some(if next.starts_with('=') { 1 } else { 2 });
    }
    let words = line.split_whitespace().count();
    // "Owner: Shift lead" is a field, not a heading.
    if !alone || words > 8 || line.ends_with(['.', ',', ';']) || line.contains(": ") {
        return None;
    }
    if first && !line.ends_with(':') {
        return Some(1);
    }
    let letters: Vec<char> = line.chars().filter(|c| c.is_alphabetic()).collect();
    let capitals = letters.len() >= 3 && letters.iter().all(|c| c.is_uppercase());
    let stands_alone = words <= 6 && (next.is_empty() || list_marker(next).is_some());
    (capitals || line.ends_with(':') || stands_alone).then_some(2)
}

fn is_underline(line: &str) -> bool {
    line.len() >= 3 && (line.chars().all(|c| c == '=') || line.chars().all(|c| c == '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outline(source: &str) -> Vec<(BlockKind, String, usize)> {
        read_text(source).blocks.into_iter().map(|b| (b.kind, b.text, b.line)).collect()
    }

    fn item(depth: u8, ordered: bool) -> BlockKind {
        BlockKind::Item { depth, ordered, task: false }
    }

    #[test]
    fn numbered_and_bulleted_lines_become_items_with_depth() {
        let doc = read_text(
            "OPENING CHECKLIST\n\nOwner: Shift lead\n\n1. Unlock the back door\n2) Check the fridge\n   - below 5 °C\nStep 3: Count the till\n",
        );
        let kinds: Vec<_> = doc.blocks.iter().map(|b| (b.kind, b.text.as_str(), b.line)).collect();
        assert_eq!(
            kinds,
            [
                (BlockKind::Heading { level: 1 }, "OPENING CHECKLIST", 1),
                (BlockKind::Paragraph, "Owner: Shift lead", 3),
                (item(0, true), "Unlock the back door", 5),
                (item(0, true), "Check the fridge", 6),
                (item(1, false), "below 5 °C", 7),
                (item(0, true), "Count the till", 8),
            ]
        );
    }

    #[test]
    fn hash_marked_lines_are_headings_at_their_level() {
        let doc = read_text("# Cleaning\n\n## Daily\n\n- Sweep the floor\n\n#1 priority is safety, so wear gloves.\n");
        let kinds: Vec<_> = doc.blocks.iter().map(|b| (b.kind, b.text.as_str())).collect();
        assert_eq!(kinds[0], (BlockKind::Heading { level: 1 }, "Cleaning"));
        assert_eq!(kinds[1], (BlockKind::Heading { level: 2 }, "Daily"));
        assert_eq!(kinds[3], (BlockKind::Paragraph, "#1 priority is safety, so wear gloves."));
    }

    #[test]
    fn sentences_with_numbers_are_not_list_items() {
        assert_eq!(list_marker("2026 was a good year."), None);
        assert_eq!(list_marker("5.5 degrees"), None);
        assert_eq!(list_marker("and then"), None);
        assert_eq!(list_marker("-5 °C is the limit"), None);
        assert_eq!(list_marker("ok then"), None);
        assert_eq!(list_marker("Stepping stones"), None);
        assert_eq!(list_marker("a) first").map(|m| m.rest), Some("first"));
        assert_eq!(list_marker("1.\tfirst").map(|m| m.rest), Some("first"));
        assert_eq!(list_marker("(2)   second").map(|m| m.rest), Some("second"));
        assert_eq!(list_marker("B. Restock the fridges").map(|m| m.rest), Some("Restock the fridges"));
        assert_eq!(list_marker("Task 2 - Collect the laptop").map(|m| m.rest), Some("Collect the laptop"));
        assert_eq!(list_marker("J. Smith will call"), None);
    }

    #[test]
    fn pasted_lists_keep_their_items_whatever_the_spacing_or_glyph() {
        let pasted = "1.\tUnlock the door\n2.   Check the fridge\n\u{f0b7}\tWipe the counters\no\tfront counter\n\
                      ▪ under the till\n● Mop the floor\n";
        assert_eq!(
            outline(pasted),
            [
                (item(0, true), "Unlock the door".into(), 1),
                (item(0, true), "Check the fridge".into(), 2),
                (item(0, false), "Wipe the counters".into(), 3),
                (item(1, false), "front counter".into(), 4),
                (item(2, false), "under the till".into(), 5),
                (item(0, false), "Mop the floor".into(), 6),
            ]
        );
    }

    #[test]
    fn a_step_number_alone_takes_the_next_line_and_wrapped_lines_continue_their_item() {
        let pasted = "Step 1\nUnlock the back door\nStep 2\nCheck the fridge, and write the\n  temperature on the sheet\n\
                      3.\nCount the till\n\nNotes follow here.\n";
        let read = outline(pasted);
        assert_eq!(
            read,
            [
                (item(0, true), "Unlock the back door".into(), 1),
                (item(0, true), "Check the fridge, and write the temperature on the sheet".into(), 3),
                (item(0, true), "Count the till".into(), 6),
                (BlockKind::Paragraph, "Notes follow here.".into(), 9),
            ]
        );
        let headed = "1. Unlock the door\nWEEKLY\n- Descale the kettle\n";
        assert_eq!(outline(headed)[1], (BlockKind::Heading { level: 2 }, "WEEKLY".into(), 2));
    }

    #[test]
    fn numbers_alone_and_short_titles_take_the_lines_that_follow() {
        let exported = "Reset a password\nOwner: Support lead\n\n1\nClick on \"Admin\".\n2\nClick \"Reset\".\n\n\
                        STEP 3 – Finish\nEmpty the bucket.\nLog the time.\n\nPage 12\n12\nThe end.\n";
        assert_eq!(
            outline(exported),
            [
                (BlockKind::Heading { level: 1 }, "Reset a password".into(), 1),
                (BlockKind::Paragraph, "Owner: Support lead".into(), 2),
                (item(0, true), "Click on \"Admin\".".into(), 4),
                (item(0, true), "Click \"Reset\".".into(), 6),
                (item(0, true), "Finish".into(), 9),
                (item(1, false), "Empty the bucket.".into(), 10),
                (item(1, false), "Log the time.".into(), 11),
                (BlockKind::Paragraph, "Page 12 12 The end.".into(), 13),
            ]
        );
    }

    #[test]
    fn lines_under_an_instruction_ending_in_a_colon_are_its_sub_items() {
        let pasted = "Failover\n\n1. Promote the replica:\n   pg_ctl promote\n   check the lag\n2. Update DNS\n\n\
                      Drain the queue:\n  stop the workers\n";
        assert_eq!(
            outline(pasted),
            [
                (BlockKind::Heading { level: 1 }, "Failover".into(), 1),
                (item(0, true), "Promote the replica:".into(), 3),
                (item(1, false), "pg_ctl promote".into(), 4),
                (item(1, false), "check the lag".into(), 5),
                (item(0, true), "Update DNS".into(), 6),
                (item(0, false), "Drain the queue:".into(), 8),
                (item(1, false), "stop the workers".into(), 9),
            ]
        );
    }
}
