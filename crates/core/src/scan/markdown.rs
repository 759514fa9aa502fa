//! Markdown read into blocks with pulldown-cmark: headings (setext too), nested and task
//! lists, tables; YAML front matter gives the title; code, HTML and kramdown attribute
//! lines (`{:toc}`) are not words a person follows. Lines Markdown leaves in a paragraph
//! but a person meant as a list ("• Do", "Step 2: Do") are read as the plain text reader
//! reads them.

use super::document::{BlockKind, Builder, Document, Lines, tidy};
use super::text::{list_marker, read_text};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

pub fn read_markdown(source: &str) -> Document {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    let mut out = Builder::default();
    let lines = Lines::of(source);
    // Open lists: whether each is numbered.
    let mut lists: Vec<bool> = Vec::new();
    let mut metadata = false;
    let mut skip = 0usize;
    for (event, range) in Parser::new_ext(source, options).into_offset_iter() {
        let line = lines.at(range.start);
        match event {
            Event::Start(Tag::MetadataBlock(_)) => metadata = true,
            Event::End(TagEnd::MetadataBlock(_)) => metadata = false,
            Event::Text(text) if metadata => {
                if let Some(title) = front_matter_title(&text) {
                    out.set_title(title);
                }
            }
            Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock) => skip += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::HtmlBlock) => skip = skip.saturating_sub(1),
            _ if skip > 0 => {}
            Event::Start(Tag::Heading { level, .. }) => out.start(BlockKind::Heading { level: level as u8 }, line),
            Event::Start(Tag::List(first)) => {
                out.finish();
                lists.push(first.is_some());
            }
            Event::End(TagEnd::List(_)) => {
                out.finish();
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                let depth = u8::try_from(lists.len().saturating_sub(1)).unwrap_or(u8::MAX);
                let ordered = lists.last().copied().unwrap_or(false);
                out.start(BlockKind::Item { depth, ordered, task: false }, line);
            }
            Event::TaskListMarker(_) => out.mark_task(),
            Event::Start(Tag::Paragraph) => out.start_paragraph(line),
            Event::End(TagEnd::Paragraph) => out.end_paragraph(),
            Event::End(TagEnd::Heading(_) | TagEnd::Item) => out.finish(),
            // A table's head holds its cells directly, as one row.
            Event::Start(Tag::TableHead) => out.start_row(true, line),
            Event::End(TagEnd::TableHead) => out.end_row(),
            Event::Start(Tag::TableRow) => out.start_row(false, line),
            Event::End(TagEnd::TableRow) => out.end_row(),
            Event::Start(Tag::TableCell) => out.start_cell(),
            Event::End(TagEnd::TableCell) => out.end_cell(),
            Event::Text(text) | Event::Code(text) if !is_attribute_line(&text) => out.words(&text, line),
            Event::SoftBreak | Event::HardBreak => out.line_break(),
            _ => {}
        }
    }
    pasted_lists(out.build())
}

/// Paragraphs whose lines are list items to a person ("• Wipe", "Step 2: Mop") become
/// those items; a paragraph with one such line in the middle of prose stays as it is.
fn pasted_lists(document: Document) -> Document {
    let mut blocks = Vec::with_capacity(document.blocks.len());
    for block in document.blocks {
        let lines: Vec<&str> = block.lines().collect();
        let marked = lines.iter().filter(|l| list_marker(l).is_some()).count();
        let listed = block.kind == BlockKind::Paragraph
            && (marked >= 2 || lines.first().is_some_and(|l| list_marker(l).is_some()));
        if !listed {
            blocks.push(block);
            continue;
        }
        for mut read in read_text(&lines.join("\n")).blocks {
            read.line += block.line - 1;
            // Sections are Markdown's to make: a short line here is a paragraph.
            if read.heading_level().is_some() {
                read.kind = BlockKind::Paragraph;
            }
            blocks.push(read);
        }
    }
    Document { blocks, ..document }
}

/// `title: …` in YAML front matter, unquoted.
fn front_matter_title(yaml: &str) -> Option<String> {
    yaml.lines().find_map(|line| {
        let value = line.strip_prefix("title:")?.trim().trim_matches(['"', '\'']);
        (!value.is_empty()).then(|| tidy(value))
    })
}

/// kramdown's `{:toc}` and `{:.no_toc}` attach attributes; they are not words.
fn is_attribute_line(text: &str) -> bool {
    let text = text.trim();
    text.starts_with("{:") && text.ends_with('}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_nest_and_tables_keep_their_cells() {
        let doc = read_markdown(
            "---\ntitle: Closing\n---\n\nClosing\n=======\n\n1. Lock the door\n   - back door\n2. Count the till\n\n- [ ] Tick me\n\n| Step | Who |\n|---|---|\n| Mop | Ana |\n\n```\ncode\n```\n{:toc}\n",
        );
        assert_eq!(doc.title.as_deref(), Some("Closing"));
        let blocks: Vec<_> = doc.blocks.iter().map(|b| (b.kind, b.text.as_str(), b.line)).collect();
        assert_eq!(
            blocks,
            [
                (BlockKind::Heading { level: 1 }, "Closing", 5),
                (BlockKind::Item { depth: 0, ordered: true, task: false }, "Lock the door", 8),
                (BlockKind::Item { depth: 1, ordered: false, task: false }, "back door", 9),
                (BlockKind::Item { depth: 0, ordered: true, task: false }, "Count the till", 10),
                (BlockKind::Item { depth: 0, ordered: false, task: true }, "Tick me", 12),
                (BlockKind::Row { header: true }, "Step | Who", 14),
                (BlockKind::Row { header: false }, "Mop | Ana", 16),
            ]
        );
        assert_eq!(doc.blocks[6].cells, ["Mop", "Ana"]);
    }
}
