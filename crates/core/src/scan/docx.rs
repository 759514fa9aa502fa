//! Word documents (DOCX) read into blocks: the body's paragraphs with their heading and
//! list styles, numbered and bulleted lists with their level, and tables. A DOCX is a zip
//! archive; only `word/document.xml` is read, and only up to a size, so a zip bomb ends
//! in a plain error rather than a full disk or memory.

use super::document::{BlockKind, Builder, Document};
use super::{MAX_TEXT_BYTES, ScanError};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::io::{Cursor, Read};

/// The most an uploaded DOCX may weigh.
pub const MAX_DOCX_BYTES: usize = 20 << 20;
/// The most its body may unpack to.
const MAX_BODY_BYTES: u64 = 16 << 20;

pub fn read_docx(bytes: &[u8]) -> Result<Document, ScanError> {
    if bytes.len() > MAX_DOCX_BYTES {
        return Err(ScanError::TooLarge { bytes: bytes.len(), limit: MAX_DOCX_BYTES });
    }
    let unreadable = |why: &str| ScanError::Unreadable(format!("not a readable Word document (.docx): {why}"));
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| unreadable("the file is damaged or is not a Word file"))?;
    let body = archive.by_name("word/document.xml").map_err(|_| unreadable("it has no word/document.xml"))?;
    let mut xml = String::new();
    body.take(MAX_BODY_BYTES + 1).read_to_string(&mut xml).map_err(|e| unreadable(&e.to_string()))?;
    if xml.len() as u64 > MAX_BODY_BYTES {
        return Err(ScanError::Unreadable(format!(
            "the document's text unpacks to more than {} MB; an SOP is a few pages",
            MAX_BODY_BYTES >> 20
        )));
    }
    let document = read_body(&xml).map_err(|e| unreadable(&e))?;
    // Markup aside, a body of 16 MB can still hold far more words than may be pasted;
    // they are held to the same limit, since every later step of the scan reads them.
    let bytes: usize = document.blocks.iter().map(|b| b.text.len()).sum();
    if bytes > MAX_TEXT_BYTES {
        return Err(ScanError::TooLarge { bytes, limit: MAX_TEXT_BYTES });
    }
    Ok(document)
}

/// What the paragraph being read is, from its properties.
#[derive(Default)]
struct Paragraph {
    heading: Option<u8>,
    list_level: Option<u8>,
    numbered: bool,
    words: String,
}

fn read_body(xml: &str) -> Result<Document, String> {
    let mut reader = Reader::from_str(xml);
    let mut out = Builder::default();
    let mut paragraph: Option<Paragraph> = None;
    let mut in_text = false;
    // Paragraph count stands in for line numbers; tables and rows in reading order.
    let mut count = 0usize;
    let mut first_row = false;
    let mut cell_depth = 0usize;
    loop {
        let event = reader.read_event().map_err(|e| e.to_string())?;
        match event {
            Event::Start(e) if name(&e) == "w:p" => {
                count += 1;
                paragraph = Some(Paragraph::default());
            }
            // `<w:p/>`: an empty paragraph, with no end to wait for.
            Event::Empty(e) if name(&e) == "w:p" => count += 1,
            Event::Start(e) | Event::Empty(e) => match name(&e) {
                "w:pStyle" => {
                    if let (Some(p), Some(style)) = (&mut paragraph, value(&e)) {
                        style_of(&style, p);
                    }
                }
                "w:ilvl" => {
                    if let Some(p) = &mut paragraph {
                        p.list_level = Some(value(&e).and_then(|v| v.parse().ok()).unwrap_or(0));
                    }
                }
                "w:numPr" => {
                    if let Some(p) = &mut paragraph {
                        p.list_level.get_or_insert(0);
                    }
                }
                "w:t" => in_text = true,
                "w:tab" | "w:br" | "w:cr" => {
                    if let Some(p) = &mut paragraph {
                        p.words.push(if name(&e) == "w:tab" { ' ' } else { '\n' });
                    }
                }
                "w:tbl" => first_row = true,
                "w:tr" => {
                    out.start_row(first_row, count + 1);
                    first_row = false;
                }
                "w:tc" => {
                    cell_depth += 1;
                    out.start_cell();
                }
                _ => {}
            },
            Event::Text(text) if in_text => {
                if let Some(p) = &mut paragraph {
                    p.words.push_str(&text.xml10_content());
                }
            }
            Event::GeneralRef(reference) if in_text => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match reference.xml10_content().as_ref() {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    },
                };
                if let (Some(p), Some(c)) = (&mut paragraph, resolved) {
                    p.words.push(c);
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "w:t" => in_text = false,
                "w:p" => {
                    if let Some(p) = paragraph.take() {
                        if cell_depth > 0 {
                            out.words(&p.words, count);
                            out.words(" ", count);
                        } else {
                            emit(&mut out, p, count);
                        }
                    }
                }
                "w:tc" => {
                    cell_depth = cell_depth.saturating_sub(1);
                    out.end_cell();
                }
                "w:tr" => out.end_row(),
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out.build())
}

fn name<'a>(e: &'a BytesStart<'_>) -> &'a str {
    e.name().into_inner()
}

fn value(e: &BytesStart<'_>) -> Option<String> {
    let attribute = e.try_get_attribute("w:val").ok()??;
    attribute.normalized_value(quick_xml::XmlVersion::Explicit1_0).ok().map(|v| v.into_owned())
}

/// Word's built-in style names: "Heading1"…"Heading6", "Title", list styles.
fn style_of(style: &str, p: &mut Paragraph) {
    let lower = style.to_lowercase();
    if lower == "title" {
        p.heading = Some(1);
    } else if let Some(level) = lower.strip_prefix("heading").and_then(|l| l.trim().parse::<u8>().ok()) {
        p.heading = Some(level.clamp(1, 6));
    } else if lower.starts_with("list") {
        p.list_level.get_or_insert(0);
        p.numbered = lower.contains("number");
    }
}

fn emit(out: &mut Builder, p: Paragraph, line: usize) {
    let kind = match (p.heading, p.list_level) {
        (Some(level), _) => BlockKind::Heading { level },
        (None, Some(depth)) => BlockKind::Item { depth, ordered: p.numbered, task: false },
        (None, None) => BlockKind::Paragraph,
    };
    if kind == BlockKind::Paragraph {
        out.start_paragraph(line);
    } else {
        out.start(kind, line);
    }
    for (n, part) in p.words.split('\n').enumerate() {
        if n > 0 {
            out.line_break();
        }
        out.words(part, line);
    }
    out.finish();
}
