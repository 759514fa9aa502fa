//! HTML read into blocks: exports of SOP tools and wiki pages. The tree is walked in order
//! without recursion, so deeply nested markup cannot exhaust the stack; scripts, styles,
//! navigation and forms carry no steps.

use super::document::{BlockKind, Builder, Document, tidy};
use ego_tree::iter::Edge;
use scraper::{Html, Node};

/// Elements whose contents are not words a person follows.
const SKIPPED: [&str; 11] =
    ["script", "style", "noscript", "template", "svg", "nav", "head", "select", "button", "iframe", "object"];

/// Elements that hold a paragraph's words.
const PARAGRAPHS: [&str; 10] =
    ["p", "div", "section", "article", "blockquote", "dd", "dt", "figcaption", "main", "pre"];

pub mod depth;

pub fn read_html(source: &str) -> Document {
    let html = Html::parse_document(source);
    let mut out = Builder::default();
    let mut lists: Vec<bool> = Vec::new();
    let mut skip = 0usize;
    let mut in_head = 0usize;
    let mut in_title = false;
    // HTML keeps no line numbers; blocks are numbered in reading order instead, which
    // still orders findings and lets a person find the words quoted with them.
    let mut order = 0usize;
    for edge in html.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(element) => {
                    let name = element.name();
                    if name == "title" {
                        in_title = true;
                    }
                    if name == "thead" {
                        in_head += 1;
                    }
                    if SKIPPED.contains(&name) {
                        skip += 1;
                    }
                    if skip > 0 {
                        continue;
                    }
                    order += 1;
                    match name {
                        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                            let level = name[1..].parse().unwrap_or(2);
                            out.start(BlockKind::Heading { level }, order);
                        }
                        "ul" | "ol" | "menu" => {
                            out.finish();
                            lists.push(name == "ol");
                        }
                        "li" => {
                            let depth = u8::try_from(lists.len().saturating_sub(1)).unwrap_or(u8::MAX);
                            let ordered = lists.last().copied().unwrap_or(false);
                            out.start(BlockKind::Item { depth, ordered, task: false }, order);
                        }
                        "input" if element.attr("type").is_some_and(|t| t.eq_ignore_ascii_case("checkbox")) => {
                            out.mark_task();
                        }
                        "tr" => {
                            let header = in_head > 0
                                || node.children().filter_map(|c| c.value().as_element()).all(|e| e.name() == "th");
                            out.start_row(header, order);
                        }
                        "td" | "th" => out.start_cell(),
                        "br" => out.line_break(),
                        _ if PARAGRAPHS.contains(&name) => {
                            out.end_paragraph();
                            out.start_paragraph(order);
                        }
                        _ => {}
                    }
                }
                Node::Text(text) if in_title => out.set_title(tidy(text)),
                Node::Text(text) if skip == 0 => out.words(text, order),
                _ => {}
            },
            Edge::Close(node) => {
                let Node::Element(element) = node.value() else { continue };
                let name = element.name();
                if name == "title" {
                    in_title = false;
                }
                if name == "thead" {
                    in_head = in_head.saturating_sub(1);
                }
                if SKIPPED.contains(&name) {
                    skip = skip.saturating_sub(1);
                    continue;
                }
                if skip > 0 {
                    continue;
                }
                match name {
                    "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "li" => out.finish(),
                    "ul" | "ol" | "menu" => {
                        out.finish();
                        lists.pop();
                    }
                    "tr" => out.end_row(),
                    "td" | "th" => {
                        out.words(" ", order);
                        out.end_cell();
                    }
                    _ if PARAGRAPHS.contains(&name) => out.end_paragraph(),
                    _ => {}
                }
            }
        }
    }
    out.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exported_page_reads_as_headings_lists_and_tables() {
        let doc = read_html(
            "<html><head><title>Closing</title><style>p { color: red }</style></head><body>\
             <nav><a href=/>Home</a></nav><h1>Closing checklist</h1><p>Owner: <b>Shift lead</b></p>\
             <ol><li>Lock the <em>back</em> door<ul><li><input type=checkbox> key in safe</li></ul></li>\
             <li>Count the till</li></ol>\
             <table><thead><tr><th>Step</th><th>Who</th></tr></thead><tbody><tr><td>Mop</td><td>Ana</td></tr></tbody></table>\
             <script>alert(1)</script></body></html>",
        );
        assert_eq!(doc.title.as_deref(), Some("Closing"));
        let blocks: Vec<_> = doc.blocks.iter().map(|b| (b.kind, b.text.as_str())).collect();
        assert_eq!(
            blocks,
            [
                (BlockKind::Heading { level: 1 }, "Closing checklist"),
                (BlockKind::Paragraph, "Owner: Shift lead"),
                (BlockKind::Item { depth: 0, ordered: true, task: false }, "Lock the back door"),
                (BlockKind::Item { depth: 1, ordered: false, task: true }, "key in safe"),
                (BlockKind::Item { depth: 0, ordered: true, task: false }, "Count the till"),
                (BlockKind::Row { header: true }, "Step | Who"),
                (BlockKind::Row { header: false }, "Mop | Ana"),
            ]
        );
    }

    #[test]
    fn deeply_nested_markup_reads_without_overflowing() {
        // As deep as the scan lets through (`depth::check`).
        let deep = format!("{}<li>deep</li>{}", "<div><ul>".repeat(490), "</ul></div>".repeat(490));
        let doc = read_html(&deep);
        assert!(doc.blocks.iter().any(|b| b.text == "deep"));
    }
}
