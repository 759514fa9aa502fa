//! Plain text read into blocks: numbered lines ("1.", "2)", "Step 3:"), bulleted lines
//! ("-", "*", "•"), their indentation as depth, short lines that stand alone as headings.

use super::document::{Block, BlockKind, Document};

pub fn read_text(source: &str) -> Document {
    let mut document = Document::default();
    let lines: Vec<&str> = source.lines().collect();
    // Indentation of the list items seen so far, to turn widths into depths.
    let mut indents: Vec<usize> = Vec::new();
    let mut paragraph: Option<(usize, String)> = None;
    for (index, raw) in lines.iter().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            flush(&mut document, &mut paragraph);
            continue;
        }
        let indent = raw.len() - raw.trim_start().len();
        if let Some((ordered, rest)) = list_marker(trimmed) {
            flush(&mut document, &mut paragraph);
            while indents.last().is_some_and(|&i| i > indent) {
                indents.pop();
            }
            if indents.last() != Some(&indent) {
                indents.push(indent);
            }
            let depth = u8::try_from(indents.len() - 1).unwrap_or(u8::MAX);
            let (task, rest) = task_box(rest);
            document.push(Block::new(BlockKind::Item { depth, ordered, task }, rest, line));
            continue;
        }
        let alone = index == 0 || lines[index - 1].trim().is_empty();
        let next = lines.get(index + 1).map(|n| n.trim()).unwrap_or("");
        if let Some(level) = heading_level(trimmed, alone, next) {
            flush(&mut document, &mut paragraph);
            indents.clear();
            document.push(Block::new(BlockKind::Heading { level }, trimmed.trim_end_matches(':'), line));
            continue;
        }
        if is_underline(trimmed) {
            continue;
        }
        match &mut paragraph {
            Some((_, text)) => {
                text.push('\n');
                text.push_str(trimmed);
            }
            None => paragraph = Some((line, trimmed.to_string())),
        }
    }
    flush(&mut document, &mut paragraph);
    document
}

fn flush(document: &mut Document, paragraph: &mut Option<(usize, String)>) {
    if let Some((line, text)) = paragraph.take() {
        document.push(Block::new(BlockKind::Paragraph, &text, line));
    }
}

/// "1. Do", "2) Do", "Step 3: Do", "a. Do", "- Do", "* Do", "• Do": whether numbered, and the rest.
pub fn list_marker(line: &str) -> Option<(bool, &str)> {
    for bullet in ["- ", "* ", "• ", "◦ ", "▪ ", "– ", "+ "] {
        if let Some(rest) = line.strip_prefix(bullet) {
            return Some((false, rest.trim_start()));
        }
    }
    let lower = line.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("step ") {
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 {
            let after = &line["step ".len() + digits..];
            let after = after.trim_start_matches([':', '.', ')', ' ', '-', '–']);
            return Some((true, after));
        }
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let letter = digits == 0 && line.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    let width = if letter { 1 } else { digits };
    if width == 0 || width > 3 {
        return None;
    }
    let rest = &line[width..];
    let rest = rest.strip_prefix(['.', ')'])?;
    (rest.starts_with(' ') && !rest.trim().is_empty()).then(|| (true, rest.trim_start()))
}

/// "[ ] Do" and "[x] Do" in task lists.
pub fn task_box(text: &str) -> (bool, &str) {
    for open in ["[ ] ", "[x] ", "[X] "] {
        if let Some(rest) = text.strip_prefix(open) {
            return (true, rest);
        }
    }
    (false, text)
}

/// An underlined line, or a short line standing alone (in capitals, ending in a colon, or
/// followed by a blank line or a list) reads as a heading.
fn heading_level(line: &str, alone: bool, next: &str) -> Option<u8> {
    if is_underline(next) {
        return Some(if next.starts_with('=') { 1 } else { 2 });
    }
    let words = line.split_whitespace().count();
    // "Owner: Shift lead" is a field, not a heading.
    if !alone || words > 8 || line.ends_with(['.', ',', ';']) || line.contains(": ") {
        return None;
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

    #[test]
    fn numbered_and_bulleted_lines_become_items_with_depth() {
        let doc = read_text(
            "OPENING CHECKLIST\n\nOwner: Shift lead\n\n1. Unlock the back door\n2) Check the fridge\n   - below 5 °C\nStep 3: Count the till\n",
        );
        let kinds: Vec<_> = doc.blocks.iter().map(|b| (b.kind, b.text.as_str(), b.line)).collect();
        assert_eq!(
            kinds,
            [
                (BlockKind::Heading { level: 2 }, "OPENING CHECKLIST", 1),
                (BlockKind::Paragraph, "Owner: Shift lead", 3),
                (BlockKind::Item { depth: 0, ordered: true, task: false }, "Unlock the back door", 5),
                (BlockKind::Item { depth: 0, ordered: true, task: false }, "Check the fridge", 6),
                (BlockKind::Item { depth: 1, ordered: false, task: false }, "below 5 °C", 7),
                (BlockKind::Item { depth: 0, ordered: true, task: false }, "Count the till", 8),
            ]
        );
    }

    #[test]
    fn sentences_with_numbers_are_not_list_items() {
        assert_eq!(list_marker("2026 was a good year."), None);
        assert_eq!(list_marker("5.5 degrees"), None);
        assert_eq!(list_marker("and then"), None);
        assert_eq!(list_marker("a) first"), Some((true, "first")));
    }
}
