//! An SOP as the scan reads it, whatever format it came in: headings, list items with
//! their depth, paragraphs and table rows, each with the line it starts on so findings
//! can point at the text.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BlockKind {
    /// A heading, 1 the largest.
    Heading {
        level: u8,
    },
    /// A list item; depth 0 at the top, `ordered` for numbered lists, `task` for "[ ]".
    Item {
        depth: u8,
        ordered: bool,
        task: bool,
    },
    Paragraph,
    /// A table row; `header` for the first row of a table.
    Row {
        header: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Block {
    #[serde(flatten)]
    pub kind: BlockKind,
    /// The block's own words on one line (a list item without its nested items).
    pub text: String,
    /// Where in `text` each line after the first begins, when the source broke the block
    /// over lines: "Owner: Shift lead" and "Every morning…" joined in one paragraph are
    /// still two lines, so a field's value ends where its line does.
    #[serde(skip)]
    pub breaks: Vec<usize>,
    /// A table row's cells.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<String>,
    /// 1-based line the block starts on in the source.
    pub line: usize,
}

impl Block {
    /// A block of `text`, whose line breaks ('\n') are kept as `breaks`.
    pub fn new(kind: BlockKind, text: &str, line: usize) -> Block {
        let mut joined = String::new();
        let mut breaks = Vec::new();
        for part in text.split('\n').map(tidy).filter(|p| !p.is_empty()) {
            if !joined.is_empty() {
                joined.push(' ');
                breaks.push(joined.len());
            }
            joined.push_str(&part);
        }
        Block { kind, text: joined, breaks, cells: Vec::new(), line }
    }

    /// The block's words line by line, as the source broke them.
    pub fn lines(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.breaks.iter().copied());
        let ends = self.breaks.iter().map(|b| b - 1).chain(std::iter::once(self.text.len()));
        starts.zip(ends).map(|(start, end)| &self.text[start..end])
    }

    pub fn heading_level(&self) -> Option<u8> {
        match self.kind {
            BlockKind::Heading { level } => Some(level),
            _ => None,
        }
    }

    pub fn item_depth(&self) -> Option<u8> {
        match self.kind {
            BlockKind::Item { depth, .. } => Some(depth),
            _ => None,
        }
    }
}

/// A document read into blocks, with the title its metadata gave, if any.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Document {
    pub title: Option<String>,
    pub blocks: Vec<Block>,
}

impl Document {
    pub fn push(&mut self, block: Block) {
        if !block.text.is_empty() || !block.cells.is_empty() {
            self.blocks.push(block);
        }
    }
}

/// Collapses runs of whitespace and trims, so words compare as written.
pub fn tidy(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// At most `chars` characters, cut at a word with an ellipsis. Only the first `chars` are
/// looked at, so clipping a long text costs no more than clipping a short one.
pub fn clip(text: &str, chars: usize) -> String {
    let text = text.trim();
    if text.chars().nth(chars).is_none() {
        return text.to_string();
    }
    let cut: String = text.chars().take(chars.saturating_sub(1)).collect();
    let at = cut.rfind(' ').filter(|&i| i > chars / 2).unwrap_or(cut.len());
    format!("{}…", cut[..at].trim_end())
}

/// Where each line of a text starts, so the line of any byte offset is a binary search:
/// counting newlines from the top for every Markdown event made a 1 MB scan quadratic.
pub struct Lines(Vec<usize>);

impl Lines {
    pub fn of(text: &str) -> Lines {
        Lines(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i).collect())
    }

    /// The 1-based line of byte `offset`.
    pub fn at(&self, offset: usize) -> usize {
        self.0.partition_point(|&newline| newline < offset) + 1
    }
}

/// Gathers blocks from a reader's stream of starts, words and ends (Markdown events, an
/// HTML tree walked in order), so each reader only says where blocks begin and end.
#[derive(Debug, Default)]
pub struct Builder {
    document: Document,
    current: Option<(BlockKind, String, usize)>,
    row: Option<(bool, Vec<String>, usize)>,
    cell: Option<String>,
}

impl Builder {
    /// Ends the block being gathered and starts another.
    pub fn start(&mut self, kind: BlockKind, line: usize) {
        self.finish();
        self.current = Some((kind, String::new(), line));
    }

    /// Starts a paragraph unless words are already being gathered (a paragraph inside a
    /// list item belongs to the item).
    pub fn start_paragraph(&mut self, line: usize) {
        if self.current.is_none() {
            self.current = Some((BlockKind::Paragraph, String::new(), line));
        }
    }

    /// Where the source breaks a line inside a block (a soft break, `<br>`).
    pub fn line_break(&mut self) {
        match (&mut self.cell, &mut self.current) {
            (Some(cell), _) => cell.push(' '),
            (None, Some((_, text, _))) if self.row.is_none() => text.push('\n'),
            _ => {}
        }
    }

    /// Ends the current block when it is a paragraph; inside an item, or in a table cell
    /// that holds several paragraphs, separates words.
    pub fn end_paragraph(&mut self) {
        if let Some(cell) = &mut self.cell {
            cell.push(' ');
            return;
        }
        match &mut self.current {
            Some((BlockKind::Paragraph, ..)) => self.finish(),
            Some((_, text, _)) => text.push('\n'),
            None => {}
        }
    }

    pub fn finish(&mut self) {
        if let Some((kind, text, line)) = self.current.take() {
            self.document.push(Block::new(kind, &text, line));
        }
    }

    pub fn mark_task(&mut self) {
        if let Some((BlockKind::Item { task, .. }, ..)) = &mut self.current {
            *task = true;
        }
    }

    /// Words, to the open cell or block; words outside any block start a paragraph. Line
    /// breaks in them are spaces: only `line_break` says the source broke a line.
    pub fn words(&mut self, text: &str, line: usize) {
        let text = &text.replace(['\n', '\r'], " ");
        if let Some(cell) = &mut self.cell {
            cell.push_str(text);
            return;
        }
        if self.row.is_some() {
            return;
        }
        if self.current.is_none() {
            if text.trim().is_empty() {
                return;
            }
            self.current = Some((BlockKind::Paragraph, String::new(), line));
        }
        if let Some((_, words, _)) = &mut self.current {
            words.push_str(text);
        }
    }

    pub fn start_row(&mut self, header: bool, line: usize) {
        self.finish();
        self.row = Some((header, Vec::new(), line));
    }

    pub fn start_cell(&mut self) {
        self.cell = Some(String::new());
    }

    pub fn end_cell(&mut self) {
        if let (Some((_, cells, _)), Some(text)) = (&mut self.row, self.cell.take()) {
            cells.push(tidy(&text));
        }
    }

    pub fn end_row(&mut self) {
        self.end_cell();
        if let Some((header, cells, line)) = self.row.take() {
            let mut block = Block::new(BlockKind::Row { header }, &cells.join(" | "), line);
            block.cells = cells;
            self.document.push(block);
        }
    }

    pub fn set_title(&mut self, title: String) {
        self.document.title.get_or_insert(title);
    }

    pub fn build(mut self) -> Document {
        self.finish();
        self.end_row();
        self.document
    }
}

impl Document {
    /// The blocks written back as Markdown, so a document read from Word can be shown,
    /// corrected and scanned again as text.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let mut previous: Option<BlockKind> = None;
        for block in &self.blocks {
            // Items follow items and rows follow rows directly; anything else is a new
            // Markdown block, after a blank line.
            let together = matches!(
                (previous, block.kind),
                (Some(BlockKind::Item { .. }), BlockKind::Item { .. })
                    | (Some(BlockKind::Row { .. }), BlockKind::Row { .. })
            );
            if previous.is_some() && !together {
                out.push('\n');
            }
            match block.kind {
                BlockKind::Heading { level } => {
                    out.push_str(&"#".repeat(usize::from(level.clamp(1, 6))));
                    out.push(' ');
                    out.push_str(&block.text);
                }
                BlockKind::Item { depth, ordered, task } => {
                    let indent = "   ".repeat(usize::from(depth.min(8)));
                    out.push_str(&indent);
                    out.push_str(if ordered { "1. " } else { "- " });
                    if task {
                        out.push_str("[ ] ");
                    }
                    // Continuation lines are indented past the marker to stay in the item.
                    out.push_str(&block.lines().collect::<Vec<_>>().join(&format!("\n{indent}   ")));
                }
                BlockKind::Paragraph => out.push_str(&block.lines().collect::<Vec<_>>().join("\n")),
                BlockKind::Row { header } => {
                    out.push_str("| ");
                    out.push_str(&block.cells.iter().map(|c| c.replace('|', "/")).collect::<Vec<_>>().join(" | "));
                    out.push_str(" |");
                    if header {
                        out.push('\n');
                        out.push_str(&"|---".repeat(block.cells.len().max(1)));
                        out.push('|');
                    }
                }
            }
            out.push('\n');
            previous = Some(block.kind);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_keeps_the_lines_its_source_broke_it_into() {
        let block = Block::new(BlockKind::Paragraph, "Owner:  Shift lead\n\n Every morning \n", 3);
        assert_eq!(block.text, "Owner: Shift lead Every morning");
        assert_eq!(block.lines().collect::<Vec<_>>(), ["Owner: Shift lead", "Every morning"]);
        let doc = Document { title: None, blocks: vec![block] };
        assert_eq!(doc.to_markdown(), "Owner: Shift lead\nEvery morning\n", "shown again, it reads the same");
    }
}
