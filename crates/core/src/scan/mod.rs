//! The SOP scan: an SOP pasted or uploaded (Markdown, plain text…) read into a draft
//! process, with what is missing said plainly. Pure and deterministic: no network, no
//! model, the same text always gives the same draft.

pub mod apply;
pub mod cadence;
pub mod document;
pub mod docx;
pub mod draft;
pub mod evaluate;
pub mod findings;
pub mod html;
pub mod markdown;
pub mod pdf;
pub mod proof_hint;
pub mod sections;
pub mod stages;
pub mod text;
pub mod verbs;

use draft::Draft;
use findings::{ScanFinding, ScorePart};
use serde::Serialize;

/// The most text one scan reads; an SOP is a few pages.
pub const MAX_TEXT_BYTES: usize = 1 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Markdown,
    Text,
    Html,
    /// Word's .docx, read from its bytes.
    Docx,
    /// A PDF's text, read from its bytes.
    Pdf,
}

impl Format {
    pub const ALL: [Format; 5] = [Format::Markdown, Format::Text, Format::Html, Format::Docx, Format::Pdf];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Markdown => "markdown",
            Format::Text => "text",
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
        }
    }

    /// "markdown", "text", "html", "docx" or "pdf".
    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == name)
    }

    /// The most a file of this format may weigh.
    pub fn max_bytes(self) -> usize {
        match self {
            Format::Docx => docx::MAX_DOCX_BYTES,
            Format::Pdf => pdf::MAX_PDF_BYTES,
            Format::Markdown | Format::Text | Format::Html => MAX_TEXT_BYTES,
        }
    }

    /// From a file's first bytes when they say (a PDF, a Word file), else from its name.
    pub fn of_file(name: &str, bytes: &[u8]) -> Format {
        if bytes.starts_with(b"%PDF-") {
            Format::Pdf
        } else if bytes.starts_with(b"PK\x03\x04") {
            Format::Docx
        } else {
            Format::from_name(name)
        }
    }

    /// What pasted words look like: HTML when they are markup, Markdown when they use
    /// its headings, lists, tables, emphasis, links or fences, else plain text.
    pub fn guess(text: &str) -> Format {
        let start: String = text.trim_start_matches('\u{feff}').trim_start().chars().take(16).collect();
        let start = start.to_ascii_lowercase();
        if start.starts_with("<!doctype html") || start.starts_with("<html") {
            return Format::Html;
        }
        if has_markdown(text) {
            return Format::Markdown;
        }
        let lower = text.to_ascii_lowercase();
        let tags = ["<p>", "<p ", "<li>", "<li ", "<ul", "<ol", "<div", "<table", "<h1", "<h2", "<h3", "<br", "<body"];
        if lower.contains("</") && tags.iter().any(|t| lower.contains(t)) {
            return Format::Html;
        }
        Format::Text
    }

    /// From a file name's extension; Markdown when unsure, since plain lists read the same.
    pub fn from_name(name: &str) -> Format {
        let lower = name.to_lowercase();
        if lower.ends_with(".txt") || lower.ends_with(".text") {
            Format::Text
        } else if lower.ends_with(".html") || lower.ends_with(".htm") {
            Format::Html
        } else if lower.ends_with(".docx") {
            Format::Docx
        } else if lower.ends_with(".pdf") {
            Format::Pdf
        } else {
            Format::Markdown
        }
    }
}

/// Whether any line uses Markdown: "# Heading", "- item", "1. item", "| a | b |" over
/// "|---|", "**bold**", "[link](…)", a ``` fence or YAML front matter.
fn has_markdown(text: &str) -> bool {
    let mut previous_row = false;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_start();
        let hashes = line.chars().take_while(|&c| c == '#').count();
        let heading = (1..=6).contains(&hashes) && line[hashes..].starts_with([' ', '\t']);
        let bullet = line.len() > 2 && line.starts_with(['-', '*', '+']) && line[1..].starts_with([' ', '\t']);
        let digits = line.chars().take_while(char::is_ascii_digit).count();
        let numbered = (1..=3).contains(&digits) && line[digits..].starts_with(". ");
        let rule = line.starts_with('|') && line.contains("---");
        // "**bold**" but not a form's blank to fill in ("Signature: ______").
        let emphasis =
            ["**", "__"].iter().any(|m| line.split(m).nth(1).is_some_and(|w| w.starts_with(char::is_alphanumeric)));
        let link_or_fence = line.contains("](") || line.starts_with("```");
        let front_matter = n == 0 && line.trim_end() == "---";
        if heading || bullet || numbered || (previous_row && rule) || emphasis || link_or_fence || front_matter {
            return true;
        }
        previous_row = line.starts_with('|');
    }
    false
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    #[error("the text is {bytes} bytes; an SOP to scan must be under {limit} bytes")]
    TooLarge { bytes: usize, limit: usize },
    #[error("there is no text to scan")]
    Empty,
    #[error("this looks like binary data, not text: paste the SOP's words or upload a text format")]
    Binary,
    #[error("{0}")]
    Unreadable(String),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scan {
    pub format: Format,
    pub draft: Draft,
    pub findings: Vec<ScanFinding>,
    /// Out of 100: the sum of `score_parts`.
    pub score: u32,
    pub score_parts: Vec<ScorePart>,
}

/// Scans a file's bytes: a DOCX or PDF as such, anything else as UTF-8 text (a byte-order
/// mark is skipped).
pub fn scan_bytes(bytes: &[u8], format: Format) -> Result<Scan, ScanError> {
    match format {
        Format::Docx => scan_document(&docx::read_docx(bytes)?, format),
        Format::Pdf => {
            let text = pdf::pdf_text(bytes)?;
            let mut scanned = scan(&text, Format::Text)?;
            scanned.format = Format::Pdf;
            Ok(scanned)
        }
        _ => scan(text_of(bytes)?, format),
    }
}

/// A file's words as a person would correct them before scanning again, and the format to
/// read that text as: Word files come back as Markdown, PDFs as plain lines.
pub fn readable_text(bytes: &[u8], format: Format) -> Result<(String, Format), ScanError> {
    match format {
        Format::Docx => Ok((docx::read_docx(bytes)?.to_markdown(), Format::Markdown)),
        Format::Pdf => Ok((pdf::pdf_text(bytes)?, Format::Text)),
        _ => Ok((text_of(bytes)?.to_string(), format)),
    }
}

fn text_of(bytes: &[u8]) -> Result<&str, ScanError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(ScanError::Unreadable("this is a zip archive: upload a Word file as .docx".into()));
    }
    if bytes.starts_with(b"%PDF-") {
        return Err(ScanError::Unreadable("this is a PDF: upload it as .pdf".into()));
    }
    std::str::from_utf8(bytes).map_err(|_| ScanError::Binary)
}

pub fn scan(source: &str, format: Format) -> Result<Scan, ScanError> {
    if source.len() > MAX_TEXT_BYTES {
        return Err(ScanError::TooLarge { bytes: source.len(), limit: MAX_TEXT_BYTES });
    }
    if source.trim().is_empty() {
        return Err(ScanError::Empty);
    }
    let controls = source.chars().filter(|c| c.is_control() && !c.is_whitespace()).count();
    if controls * 100 > source.chars().count().max(1) {
        return Err(ScanError::Binary);
    }
    if matches!(format, Format::Html | Format::Markdown) && source.contains('<') {
        html::depth::check(source)?;
    }
    let document = match format {
        // Text pasted as Markdown that uses none of it reads as what it is: "1) Do x",
        // "Step 2: …" and "• …" lines are a list in plain text, a paragraph in Markdown.
        Format::Markdown => match Format::guess(source) {
            Format::Html => html::read_html(source),
            Format::Text => text::read_text(source),
            _ => markdown::read_markdown(source),
        },
        Format::Text => text::read_text(source),
        Format::Html => html::read_html(source),
        Format::Docx | Format::Pdf => return scan_bytes(source.as_bytes(), format),
    };
    scan_document(&document, format)
}

fn scan_document(document: &document::Document, format: Format) -> Result<Scan, ScanError> {
    if document.blocks.is_empty() {
        return Err(ScanError::Empty);
    }
    let draft = draft::draft(document);
    let findings = findings::findings(document, &draft);
    let score_parts = findings::score(&draft, &findings);
    let score = score_parts.iter().map(|p| p.earned).sum();
    Ok(Scan { format, draft, findings, score, score_parts })
}

#[cfg(test)]
mod tests;
