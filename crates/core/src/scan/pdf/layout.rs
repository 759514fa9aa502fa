//! Runs of text placed on a page, put back together as lines: runs on one baseline join
//! (with a space where the gap is wider than a glyph's spacing), a new baseline starts a
//! line, and a wider gap between lines than the text's size leaves a blank line.

use crate::scan::MAX_TEXT_BYTES;

/// An affine transform `[a b c d e f]`, applied to row vectors as PDF does.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Matrix([f32; 6]);

impl Matrix {
    pub(super) const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    pub(super) fn translate(x: f32, y: f32) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, x, y])
    }

    pub(super) fn from_operands(operands: &[lopdf::Object]) -> Option<Matrix> {
        let mut m = [0.0; 6];
        if operands.len() != 6 {
            return None;
        }
        for (slot, operand) in m.iter_mut().zip(operands) {
            *slot = operand.as_float().ok().filter(|v| v.is_finite())?;
        }
        Some(Matrix(m))
    }

    /// `self` first, then `other`.
    pub(super) fn then(&self, other: &Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = other.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    pub(super) fn apply(&self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, e, f] = self.0;
        (x * a + y * c + e, x * b + y * d + f)
    }

    /// How much a unit of text height grows on the page.
    pub(super) fn vertical_scale(&self) -> f32 {
        let [_, _, c, d, _, _] = self.0;
        (c * c + d * d).sqrt()
    }
}

/// A run of text as placed on the page: where it starts and ends, on which baseline.
#[derive(Debug)]
struct Run {
    x: f32,
    y: f32,
    end: f32,
    height: f32,
    bold: bool,
    text: String,
}

#[derive(Debug)]
pub(super) struct Line {
    x: f32,
    y: f32,
    height: f32,
    bold: bool,
    text: String,
}

/// One page's runs of text, in the order the page draws them.
#[derive(Debug, Default)]
pub(super) struct PageText {
    runs: Vec<Run>,
    /// The text's bytes so far, so a page of millions of tiny runs stops being read once it
    /// holds more than a scan reads.
    bytes: usize,
}

impl PageText {
    pub(super) fn add(&mut self, text: &str, x: f32, y: f32, end: f32, height: f32, bold: bool) {
        if ![x, y, end, height].iter().all(|v| v.is_finite()) {
            return;
        }
        if self.bytes > MAX_TEXT_BYTES {
            return;
        }
        let text = clean(text);
        if text.trim().is_empty() {
            return;
        }
        self.bytes += text.len();
        let height = if height > 0.0 { height } else { 10.0 };
        self.runs.push(Run { x, y, end: end.max(x), height, bold, text });
    }

    /// Runs grouped into lines by baseline, top of the page first, and each line's runs
    /// left to right. Position, not drawing order, decides: tools draw a list's bullets
    /// or a table's cells in an order of their own.
    /// The bytes of text the page holds (up to a little past what a scan reads).
    pub(super) fn bytes(&self) -> usize {
        self.bytes
    }

    pub(super) fn lines(mut self) -> Vec<Line> {
        // Stable, so runs on one baseline keep their drawing order until sorted by x.
        self.runs.sort_by(|a, b| b.y.total_cmp(&a.y));
        let mut lines = Vec::new();
        let mut start = 0;
        while start < self.runs.len() {
            let first = &self.runs[start];
            let mut end = start + 1;
            while end < self.runs.len() && first.y - self.runs[end].y <= 0.4 * first.height.max(self.runs[end].height) {
                end += 1;
            }
            let line = &mut self.runs[start..end];
            line.sort_by(|a, b| a.x.total_cmp(&b.x));
            lines.push(join(line));
            start = end;
        }
        lines
    }
}

/// The document's pages as text: each line indented by its distance from its page's
/// leftmost text, headings marked "#" to "######" by how large they are set, and a blank
/// line after each page.
pub(super) fn write_pages(mut pages: Vec<Vec<Line>>) -> String {
    for lines in &mut pages {
        lines.retain(|line| !is_page_number(line.text.trim()));
    }
    let body = body_size(pages.iter().flatten());
    let mut larger: Vec<f32> = pages
        .iter()
        .flatten()
        .filter(|line| is_heading(line, body))
        .map(|line| rounded(line.height))
        .filter(|&size| size > body * 1.12)
        .collect();
    larger.sort_by(|a, b| b.total_cmp(a));
    larger.dedup();
    let level = |line: &Line| 1 + larger.iter().take_while(|&&size| size > rounded(line.height)).count();
    let mut out = String::new();
    for lines in &pages {
        let left = lines.iter().map(|l| l.x).fold(f32::INFINITY, f32::min);
        let mut previous: Option<&Line> = None;
        let mut after_heading = false;
        for line in lines {
            let heading = is_heading(line, body);
            if let Some(previous) = previous {
                // Lines of a paragraph sit about 1.2 sizes apart; more is a paragraph break.
                if previous.y - line.y > 1.45 * previous.height.max(line.height) || heading || after_heading {
                    out.push('\n');
                }
            }
            after_heading = heading;
            if heading {
                out.push_str(&"#".repeat(level(line).min(6)));
                out.push(' ');
            } else {
                let indent = ((line.x - left) / (0.5 * line.height)).round().clamp(0.0, 24.0) as usize;
                out.extend(std::iter::repeat_n(' ', indent));
            }
            out.push_str(line.text.trim());
            out.push('\n');
            previous = Some(line);
        }
        if !lines.is_empty() {
            out.push('\n');
        }
    }
    out
}

fn rounded(size: f32) -> f32 {
    (size * 2.0).round() / 2.0
}

/// The size most of the document's letters are set in.
fn body_size<'a>(lines: impl Iterator<Item = &'a Line>) -> f32 {
    let mut sizes: Vec<(f32, usize)> = Vec::new();
    for line in lines {
        let size = rounded(line.height);
        match sizes.iter_mut().find(|(s, _)| *s == size) {
            Some((_, count)) => *count += line.text.len(),
            None => sizes.push((size, line.text.len())),
        }
        // Pages set in hundreds of sizes are not documents to read headings from.
        if sizes.len() > 64 {
            break;
        }
    }
    sizes.iter().max_by_key(|(_, count)| *count).map_or(0.0, |(size, _)| *size)
}

/// A short line set larger than the body, or all in bold, that does not start a list item.
fn is_heading(line: &Line, body: f32) -> bool {
    let text = line.text.trim();
    let words = text.split_whitespace().count();
    let marker = text.starts_with(['•', '-', '*', '◦', '▪', 'o']) && text.chars().nth(1) == Some(' ')
        || text.chars().next().is_some_and(|c| c.is_ascii_digit());
    (line.height > body * 1.12 || line.bold) && (1..=10).contains(&words) && !marker && !text.ends_with(['.', ','])
}

/// One baseline's runs, left to right, with a space where the gap is wider than letters
/// sit apart; a run drawn twice over itself (a shadow, a bold imitation) counts once.
fn join(runs: &[Run]) -> Line {
    let first = &runs[0];
    let mut line = Line { x: first.x, y: first.y, height: first.height, bold: true, text: String::new() };
    let mut end = f32::NEG_INFINITY;
    let mut previous: Option<&Run> = None;
    for run in runs {
        let size = line.height.max(run.height);
        if previous.is_some_and(|p| p.text == run.text && (p.x - run.x).abs() < 0.1 * size) {
            continue;
        }
        if previous.is_some() && run.x - end > 0.2 * size && !line.text.ends_with(' ') && !run.text.starts_with(' ') {
            line.text.push(' ');
        }
        line.text.push_str(&run.text);
        line.bold &= run.bold;
        line.height = size;
        end = end.max(run.end);
        previous = Some(run);
    }
    line
}

/// Characters as a reader sees them: ligatures spelled out, the private-use bullets of
/// symbol fonts as "•", control characters and unmapped glyphs dropped.
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{FB00}' => out.push_str("ff"),
            '\u{FB01}' => out.push_str("fi"),
            '\u{FB02}' => out.push_str("fl"),
            '\u{FB03}' => out.push_str("ffi"),
            '\u{FB04}' => out.push_str("ffl"),
            '\u{F000}'..='\u{F0FF}' | '\u{25CF}' | '\u{25AA}' | '\u{25A0}' => out.push('•'),
            '\t' | '\u{A0}' => out.push(' '),
            '\u{FFFD}' | '\u{AD}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// "3", "- 3 -", "Page 3", "Page 3 of 7", "3 / 7": footers, not the SOP's words.
fn is_page_number(line: &str) -> bool {
    let lower = line.to_lowercase();
    let rest = lower.strip_prefix("page").unwrap_or(&lower);
    let words: Vec<&str> =
        rest.split(|c: char| c.is_whitespace() || c == '-' || c == '/').filter(|w| !w.is_empty()).collect();
    match words.as_slice() {
        [n] => n.chars().all(|c| c.is_ascii_digit()),
        [n, m] | [n, "of", m] => n.chars().chain(m.chars()).all(|c| c.is_ascii_digit()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_on_one_baseline_join_and_a_wide_gap_is_a_space() {
        let mut page = PageText::default();
        page.add("Record the", 72.0, 700.0, 120.0, 11.0, false);
        page.add("temp", 124.0, 700.0, 140.0, 11.0, false);
        page.add("erature", 140.0, 700.2, 170.0, 11.0, false);
        page.add("twice", 174.0, 700.0, 200.0, 11.0, false);
        page.add("Next line", 72.0, 686.8, 120.0, 11.0, false);
        page.add("New paragraph", 72.0, 660.0, 140.0, 11.0, false);
        // Drawn after its text, as browsers draw list markers.
        page.add("nested", 97.0, 646.0, 140.0, 11.0, false);
        page.add("•", 90.0, 646.2, 94.0, 11.0, false);
        let out = write_pages(vec![page.lines()]);
        assert_eq!(out, "Record the temperature twice\nNext line\n\nNew paragraph\n   • nested\n\n");
    }

    #[test]
    fn position_not_drawing_order_makes_the_lines() {
        let mut page = PageText::default();
        page.add("Second", 72.0, 686.0, 110.0, 11.0, false);
        page.add("First", 72.0, 700.0, 100.0, 11.0, false);
        page.add("First", 72.2, 700.0, 100.0, 11.0, false);
        page.add("cell", 300.0, 700.0, 320.0, 11.0, false);
        let out = write_pages(vec![page.lines()]);
        assert_eq!(out, "First cell\nSecond\n\n");
    }

    #[test]
    fn footers_and_symbol_bullets() {
        assert!(is_page_number("Page 2 of 9"));
        assert!(is_page_number("- 4 -"));
        assert!(is_page_number("3 / 7"));
        assert!(!is_page_number("Page the manager"));
        assert!(!is_page_number("5 minutes"));
        assert_eq!(clean("\u{F0B7}\tClean the \u{FB01}lter\u{0}"), "• Clean the filter");
    }

    #[test]
    fn matrices_compose_in_pdf_order() {
        let scale = Matrix([2.0, 0.0, 0.0, 2.0, 0.0, 0.0]);
        let moved = Matrix::translate(10.0, 5.0).then(&scale);
        assert_eq!(moved.apply(1.0, 1.0), (22.0, 12.0));
        assert_eq!(scale.vertical_scale(), 2.0);
    }
}
