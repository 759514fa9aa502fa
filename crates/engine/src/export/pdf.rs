//! A run report as a plain text PDF: A4 pages in Helvetica (one of the 14 fonts every
//! reader has, so nothing is embedded), lines wrapped to the page, numbered pages.

use crate::EngineError;
use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, Stream, StringFormat, dictionary};
use proofline_store::StoreError;

const WIDTH: f32 = 595.0;
const HEIGHT: f32 = 842.0;
const MARGIN: f32 = 50.0;
const TEXT_WIDTH: f32 = WIDTH - 2.0 * MARGIN;
const TITLE_SIZE: f32 = 14.0;
const HEADING_SIZE: f32 = 11.0;
const BODY_SIZE: f32 = 9.5;
const FOOTER_Y: f32 = 30.0;
/// Bold glyphs are up to about a tenth wider than regular ones; the table below is
/// Helvetica's, so bold lines are measured with this allowance instead of a second table.
const BOLD_ALLOWANCE: f32 = 1.1;

/// Helvetica's advance widths (thousandths of the size) for the printable ASCII range.
const ASCII_WIDTHS: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space to /
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // digits
    278, 278, 584, 584, 584, 556, 1015, // : to @
    667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944,
    667, 667, 611, // A to Z
    278, 278, 278, 469, 556, 333, // [ to `
    556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722,
    500, 500, 500, // a to z
    334, 260, 334, 584, // { to ~
];

/// A character in WinAnsiEncoding (the standard fonts' encoding); what it lacks prints as '?'.
fn win_ansi(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        '\u{A0}'..='\u{FF}' => c as u32 as u8,
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        '\t' => b' ',
        _ => b'?',
    }
}

/// How wide a byte prints, in thousandths of the size; outside ASCII a wide guess, so a
/// line of accented letters wraps early rather than running off the page.
fn byte_width(b: u8) -> f32 {
    match b {
        0x20..=0x7E => f32::from(ASCII_WIDTHS[usize::from(b - 0x20)]),
        0x85 | 0x89 | 0x8C | 0x97 | 0x99 | 0x9C => 1000.0,
        _ => 722.0,
    }
}

fn text_width(bytes: &[u8], size: f32) -> f32 {
    bytes.iter().map(|&b| byte_width(b)).sum::<f32>() * size / 1000.0
}

/// Splits one line into pieces no wider than `width`, at spaces where it can; continued
/// pieces keep the line's indentation. A word wider than the line is cut.
fn wrap(line: &[u8], size: f32, width: f32) -> Vec<Vec<u8>> {
    let indent: Vec<u8> = line.iter().take_while(|&&b| b == b' ').copied().collect();
    let mut pieces = Vec::new();
    let mut current = indent.clone();
    for word in line[indent.len()..].split(|&b| b == b' ') {
        let sep: &[u8] = if current.len() > indent.len() { b" " } else { b"" };
        let candidate = [current.as_slice(), sep, word].concat();
        if text_width(&candidate, size) <= width {
            current = candidate;
            continue;
        }
        if current.len() > indent.len() {
            pieces.push(std::mem::replace(&mut current, indent.clone()));
        }
        for &b in word {
            if text_width(&current, size) + byte_width(b) * size / 1000.0 > width && current.len() > indent.len() {
                pieces.push(std::mem::replace(&mut current, indent.clone()));
            }
            current.push(b);
        }
    }
    pieces.push(current);
    pieces
}

/// A laid-out line: its font, size and bytes.
struct Placed {
    bold: bool,
    size: f32,
    bytes: Vec<u8>,
}

fn layout(title: &str, lines: &[String]) -> Vec<Vec<(f32, Placed)>> {
    let mut pages: Vec<Vec<(f32, Placed)>> = vec![Vec::new()];
    let mut y = HEIGHT - MARGIN;
    let mut push = |pages: &mut Vec<Vec<(f32, Placed)>>, placed: Placed, gap_before: f32| {
        let leading = placed.size * 1.35;
        if y - gap_before - leading < MARGIN {
            pages.push(Vec::new());
            y = HEIGHT - MARGIN;
        } else {
            y -= gap_before;
        }
        y -= leading;
        pages.last_mut().expect("a page").push((y, placed));
    };
    let encode = |text: &str| text.chars().map(win_ansi).collect::<Vec<u8>>();
    for piece in wrap(&encode(title), TITLE_SIZE, TEXT_WIDTH / BOLD_ALLOWANCE) {
        push(&mut pages, Placed { bold: true, size: TITLE_SIZE, bytes: piece }, 0.0);
    }
    for line in lines {
        let (bold, size, text, gap) = match line.strip_prefix("# ") {
            Some(heading) => (true, HEADING_SIZE, heading, 4.0),
            None => (false, BODY_SIZE, line.as_str(), 0.0),
        };
        let width = if bold { TEXT_WIDTH / BOLD_ALLOWANCE } else { TEXT_WIDTH };
        for (i, piece) in wrap(&encode(text), size, width).into_iter().enumerate() {
            push(&mut pages, Placed { bold, size, bytes: piece }, if i == 0 { gap } else { 0.0 });
        }
    }
    pages
}

fn failed(e: impl std::fmt::Display) -> EngineError {
    EngineError::Store(StoreError::Other(format!("writing a PDF report: {e}")))
}

fn text_at(font: &str, size: f32, x: f32, y: f32, bytes: Vec<u8>) -> [Operation; 4] {
    [
        Operation::new("BT", vec![]),
        Operation::new("Tf", vec![font.into(), size.into()]),
        Operation::new("Td", vec![x.into(), y.into()]),
        Operation::new("Tj", vec![Object::String(bytes, StringFormat::Literal)]),
    ]
}

/// The PDF's bytes: `title` in bold on the first page, then `lines` (a line starting
/// with `# ` is a heading), and "Page n of N" at the foot of every page.
pub(crate) fn text_pdf(title: &str, lines: &[String]) -> Result<Vec<u8>, EngineError> {
    let pages = layout(title, lines);
    let mut doc = Document::with_version("1.4");
    let pages_id = doc.new_object_id();
    let font = |name: &str| dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => name.to_string(), "Encoding" => "WinAnsiEncoding" };
    let regular = doc.add_object(font("Helvetica"));
    let bold = doc.add_object(font("Helvetica-Bold"));
    let resources = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => regular, "F2" => bold } });
    let count = pages.len();
    let mut kids = Vec::with_capacity(count);
    for (n, page) in pages.into_iter().enumerate() {
        let mut operations = Vec::new();
        for (y, placed) in page {
            let font = if placed.bold { "F2" } else { "F1" };
            operations.extend(text_at(font, placed.size, MARGIN, y, placed.bytes));
            operations.push(Operation::new("ET", vec![]));
        }
        let footer = format!("Page {} of {count}", n + 1).into_bytes();
        let x = WIDTH - MARGIN - text_width(&footer, 8.0);
        operations.extend(text_at("F1", 8.0, x, FOOTER_Y, footer));
        operations.push(Operation::new("ET", vec![]));
        let content = Content { operations }.encode().map_err(failed)?;
        let mut stream = Stream::new(dictionary! {}, content);
        // Text compresses to about a fifth; a failure only leaves it uncompressed.
        let _ = stream.compress();
        let content_id = doc.add_object(stream);
        kids.push(Object::Reference(doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), WIDTH.into(), HEIGHT.into()],
            "Contents" => content_id,
            "Resources" => resources,
        })));
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count as i64 }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).map_err(failed)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_wrap_within_the_page_and_keep_their_indent() {
        let line = format!("  {}", "temperature reading ".repeat(20));
        let pieces = wrap(&line.into_bytes(), BODY_SIZE, TEXT_WIDTH);
        assert!(pieces.len() > 1);
        for piece in &pieces {
            assert!(text_width(piece, BODY_SIZE) <= TEXT_WIDTH, "{}", String::from_utf8_lossy(piece));
            assert!(piece.starts_with(b"  "));
        }
    }

    #[test]
    fn characters_outside_win_ansi_print_as_question_marks() {
        let bytes: Vec<u8> = "5 °C – Zoë ✓ 温".chars().map(win_ansi).collect();
        assert_eq!(bytes, b"5 \xB0C \x96 Zo\xEB ? ?");
    }

    #[test]
    fn many_lines_make_numbered_pages_that_read_back() {
        let lines: Vec<String> = (0..150).map(|i| format!("Line number {i} of the report")).collect();
        let pdf = text_pdf("A title", &lines).unwrap();
        let doc = Document::load_mem(&pdf).unwrap();
        assert!(doc.get_pages().len() >= 3, "150 lines need several A4 pages");
        let text = proofline_core::scan::pdf::pdf_text(&pdf).unwrap();
        assert!(text.contains("Line number 0 of the report") && text.contains("Line number 149 of the report"));
    }
}
