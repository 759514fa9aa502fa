//! PDF text read back as plain lines, ready for the plain-text reader. A PDF has no
//! paragraphs or lists, only glyphs placed on a page, so lines are rebuilt from where the
//! text lands: a new baseline starts a line, a wider gap than usual between lines leaves
//! a blank one, and a line's distance from the page's left edge becomes its indentation
//! (which is how nested bullets keep their depth).
//!
//! Everything that could grow is held to a limit: the file's size, the pages, the fonts,
//! each stream's inflated size and the inflated size of all object and content streams
//! together, so a crafted file ends in a plain error.

mod fonts;
mod layout;

use super::{MAX_TEXT_BYTES, ScanError};
use fonts::Font;
use layout::{Matrix, PageText, write_pages};
use lopdf::content::Content;
use lopdf::{DecompressError, Document, Error as PdfError, LoadOptions, Object};
use std::cell::Cell;
use std::collections::HashMap;

/// The most an uploaded PDF may weigh.
pub const MAX_PDF_BYTES: usize = 20 << 20;
/// The most any one stream (an object stream, a font's map, a page's content) may inflate to.
const MAX_STREAM_BYTES: usize = 8 << 20;
/// The most all object streams together may inflate to while the file loads.
const MAX_OBJECT_STREAM_BYTES: usize = 32 << 20;
/// The most all pages' content together may inflate to.
const MAX_CONTENT_BYTES: usize = 64 << 20;
const MAX_PAGES: usize = 500;
const MAX_FONTS: usize = 500;

thread_local! {
    /// What is left of `MAX_OBJECT_STREAM_BYTES` while a file loads on this thread. The load
    /// filter is a plain function, so the budget cannot be captured; lopdf is built without
    /// its rayon feature, so the filter runs on the loading thread.
    static OBJECT_STREAM_BUDGET: Cell<Option<usize>> = const { Cell::new(None) };
}

fn unreadable(why: impl std::fmt::Display) -> ScanError {
    ScanError::Unreadable(format!("not a readable PDF: {why}"))
}

/// The text of every page, as lines.
pub fn pdf_text(bytes: &[u8]) -> Result<String, ScanError> {
    if bytes.len() > MAX_PDF_BYTES {
        return Err(ScanError::TooLarge { bytes: bytes.len(), limit: MAX_PDF_BYTES });
    }
    // The header may follow up to a kilobyte of other bytes.
    if !bytes[..bytes.len().min(1024)].windows(5).any(|w| w == b"%PDF-") {
        return Err(unreadable("the file does not start as a PDF does"));
    }
    let document = load(bytes)?;
    let pages = document.get_pages();
    if pages.len() > MAX_PAGES {
        return Err(ScanError::Unreadable(format!(
            "the PDF has {} pages; an SOP to scan must have at most {MAX_PAGES}",
            pages.len()
        )));
    }
    let mut fonts: HashMap<usize, Font> = HashMap::new();
    let mut content_budget = MAX_CONTENT_BYTES;
    let mut text = Vec::new();
    // Text is counted as it is read: a small file can draw far more words than a scan reads.
    let mut read = 0usize;
    for page in pages.into_values() {
        let page_fonts = document.get_page_fonts(page).unwrap_or_default();
        let mut names = HashMap::with_capacity(page_fonts.len());
        for (name, dictionary) in page_fonts {
            // Fonts are shared between pages; the same dictionary is read once.
            let key = std::ptr::from_ref(dictionary) as usize;
            if !fonts.contains_key(&key) {
                if fonts.len() >= MAX_FONTS {
                    return Err(unreadable(format!("it uses more than {MAX_FONTS} fonts")));
                }
                fonts.insert(key, Font::read(&document, dictionary, MAX_STREAM_BYTES).map_err(limit_error)?);
            }
            names.insert(name, key);
        }
        let limit = MAX_STREAM_BYTES.min(content_budget);
        let content = match document.get_page_content_with_limit(page, limit) {
            Ok(content) => content,
            Err(error @ PdfError::Decompress(DecompressError::MemoryLimitExceeded { .. })) => {
                return Err(limit_error(error));
            }
            // A page whose content cannot be read is skipped, as a viewer shows it blank.
            Err(_) => continue,
        };
        content_budget -= content.len().min(content_budget);
        let Ok(content) = Content::decode(&content) else { continue };
        let mut page_text = PageText::default();
        show_page(&content, &names, &fonts, &mut page_text);
        read += page_text.bytes();
        if read > MAX_TEXT_BYTES {
            return Err(ScanError::TooLarge { bytes: read, limit: MAX_TEXT_BYTES });
        }
        text.push(page_text.lines());
    }
    let out = write_pages(text);
    if out.trim().is_empty() {
        return Err(if document.is_encrypted() {
            ScanError::Unreadable("this PDF is locked with a password: save a copy without one and upload that".into())
        } else {
            ScanError::Unreadable(
                "this PDF holds no text, only images (a scan or a photo?): paste the SOP's words or upload the \
                 document it was made from"
                    .into(),
            )
        });
    }
    Ok(out)
}

fn limit_error(error: PdfError) -> ScanError {
    match error {
        PdfError::Decompress(DecompressError::MemoryLimitExceeded { .. }) => unreadable(format!(
            "a part of it unpacks to more than {} MB; an SOP is a few pages",
            MAX_STREAM_BYTES >> 20
        )),
        other => unreadable(other),
    }
}

fn load(bytes: &[u8]) -> Result<Document, ScanError> {
    OBJECT_STREAM_BUDGET.set(Some(MAX_OBJECT_STREAM_BYTES));
    let options = LoadOptions {
        max_decompressed_size: Some(MAX_STREAM_BYTES),
        filter: Some(count_object_streams),
        ..LoadOptions::default()
    };
    let loaded = Document::load_mem_with_options(bytes, options);
    let over_budget = OBJECT_STREAM_BUDGET.take().is_none();
    if over_budget {
        return Err(unreadable(format!(
            "its objects unpack to more than {} MB; an SOP is a few pages",
            MAX_OBJECT_STREAM_BYTES >> 20
        )));
    }
    loaded.map_err(|error| match error {
        PdfError::Decompress(DecompressError::MemoryLimitExceeded { .. }) => limit_error(error),
        PdfError::Decryption(_) | PdfError::InvalidPassword => unreadable("it is locked with a password"),
        other => unreadable(other),
    })
}

/// Charges each object stream's inflated size to the load's budget; past it, object
/// streams are dropped and the load is refused afterwards.
fn count_object_streams(id: (u32, u16), object: &mut Object) -> Option<((u32, u16), Object)> {
    if let Object::Stream(stream) = object
        && stream.dict.has_type(b"ObjStm")
    {
        let left = OBJECT_STREAM_BUDGET.get()?;
        let inflated = stream.decompressed_content_with_limit(left.min(MAX_STREAM_BYTES)).map(|c| c.len());
        match inflated {
            Ok(len) => OBJECT_STREAM_BUDGET.set(Some(left - len)),
            Err(PdfError::Decompress(DecompressError::MemoryLimitExceeded { .. })) => {
                OBJECT_STREAM_BUDGET.set(None);
                return None;
            }
            Err(_) => {}
        }
    }
    // lopdf keeps the returned object for objects read from object streams and its own
    // copy for the rest, so the object is returned whole either way.
    Some((id, object.clone()))
}

/// Text state as the content stream sets it (PDF 32000-1, 9.3 and 9.4).
struct TextState {
    ctm: Matrix,
    saved: Vec<Matrix>,
    matrix: Matrix,
    line_matrix: Matrix,
    font: Option<usize>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    scale: f32,
    leading: f32,
}

/// How deep q/Q may nest before further saves are ignored.
const MAX_SAVED_STATES: usize = 64;

fn show_page(content: &Content, names: &HashMap<Vec<u8>, usize>, fonts: &HashMap<usize, Font>, page: &mut PageText) {
    let mut state = TextState {
        ctm: Matrix::IDENTITY,
        saved: Vec::new(),
        matrix: Matrix::IDENTITY,
        line_matrix: Matrix::IDENTITY,
        font: None,
        size: 0.0,
        char_spacing: 0.0,
        word_spacing: 0.0,
        scale: 1.0,
        leading: 0.0,
    };
    for operation in &content.operations {
        let operands = &operation.operands;
        let number = |i: usize| operands.get(i).and_then(|o| o.as_float().ok()).filter(|v| v.is_finite());
        match operation.operator.as_str() {
            "q" if state.saved.len() < MAX_SAVED_STATES => state.saved.push(state.ctm),
            "Q" => state.ctm = state.saved.pop().unwrap_or(state.ctm),
            "cm" => {
                if let Some(m) = Matrix::from_operands(operands) {
                    state.ctm = m.then(&state.ctm);
                }
            }
            "BT" => {
                state.matrix = Matrix::IDENTITY;
                state.line_matrix = Matrix::IDENTITY;
            }
            "Tf" => {
                state.font = operands.first().and_then(|o| o.as_name().ok()).and_then(|n| names.get(n)).copied();
                state.size = number(1).unwrap_or(0.0);
            }
            "Tc" => state.char_spacing = number(0).unwrap_or(0.0),
            "Tw" => state.word_spacing = number(0).unwrap_or(0.0),
            "Tz" => state.scale = number(0).unwrap_or(100.0) / 100.0,
            "TL" => state.leading = number(0).unwrap_or(0.0),
            "Td" | "TD" => {
                let (x, y) = (number(0).unwrap_or(0.0), number(1).unwrap_or(0.0));
                if operation.operator == "TD" {
                    state.leading = -y;
                }
                state.next_line(x, y);
            }
            "Tm" => {
                if let Some(m) = Matrix::from_operands(operands) {
                    state.matrix = m;
                    state.line_matrix = m;
                }
            }
            "T*" => state.down_one_line(),
            "Tj" => show(&mut state, fonts, operands.first(), page),
            "'" => {
                state.down_one_line();
                show(&mut state, fonts, operands.first(), page);
            }
            "\"" => {
                state.word_spacing = number(0).unwrap_or(state.word_spacing);
                state.char_spacing = number(1).unwrap_or(state.char_spacing);
                state.down_one_line();
                show(&mut state, fonts, operands.get(2), page);
            }
            "TJ" => {
                let Some(Ok(parts)) = operands.first().map(Object::as_array) else { continue };
                for part in parts {
                    match part {
                        Object::String(..) => show(&mut state, fonts, Some(part), page),
                        _ => {
                            if let Ok(adjust) = part.as_float() {
                                let shift = -adjust / 1000.0 * state.size * state.scale;
                                state.matrix = Matrix::translate(shift, 0.0).then(&state.matrix);
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

impl TextState {
    fn next_line(&mut self, x: f32, y: f32) {
        self.line_matrix = Matrix::translate(x, y).then(&self.line_matrix);
        self.matrix = self.line_matrix;
    }

    fn down_one_line(&mut self) {
        self.next_line(0.0, -self.leading);
    }
}

fn show(state: &mut TextState, fonts: &HashMap<usize, Font>, operand: Option<&Object>, page: &mut PageText) {
    let (Some(Object::String(bytes, _)), Some(font)) = (operand, state.font.and_then(|f| fonts.get(&f))) else {
        return;
    };
    let render = state.matrix.then(&state.ctm);
    let (x, y) = render.apply(0.0, 0.0);
    let height = state.size * render.vertical_scale();
    let mut advance = 0.0;
    for (code, is_space) in font.codes(bytes) {
        let glyph = font.width(code) / 1000.0 * state.size + state.char_spacing;
        let spacing = if is_space { state.word_spacing } else { 0.0 };
        advance += (glyph + spacing) * state.scale;
    }
    state.matrix = Matrix::translate(advance, 0.0).then(&state.matrix);
    let (end, _) = state.matrix.then(&state.ctm).apply(0.0, 0.0);
    page.add(&font.decode(bytes), x, y, end, height, font.bold);
}

#[cfg(test)]
mod tests;
