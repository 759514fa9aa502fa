//! A look at an HTML page's tags before it is parsed. html5ever searches its stack of open
//! elements for many tags, so its time grows with the square of the nesting, and it opens
//! unclosed `<b>`, `<i>`… again in every later block, so a page of unclosed formatting can
//! grow a tree far larger than itself. Pages nested or formatted beyond anything a person
//! writes are refused before parsing.
//!
//! Elements that close themselves when a sibling starts (`<p>`, `<li>`, `<td>`…) and void
//! elements do not count, so sloppy but ordinary HTML passes; everything else counts
//! until its end tag, which errs towards refusing, never towards a slow parse.

use crate::scan::ScanError;

/// Far more open elements than any page a person wrote.
pub const MAX_DEPTH: usize = 1_000;
/// Formatting elements open at once; each is opened again in every later block.
pub const MAX_FORMATTING: usize = 64;
/// Formatting elements opened again, in all: what they add to the tree.
pub const MAX_REOPENED: usize = 200_000;

const UNCOUNTED: [&str; 34] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr", "p",
    "li", "dt", "dd", "td", "th", "tr", "tbody", "thead", "tfoot", "option", "optgroup", "colgroup", "caption", "rb",
    "rt", "rp", "html", "head", "body",
];
const FORMATTING: [&str; 14] =
    ["a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"];
/// Their content is text up to the end tag, not tags.
const RAW: [&str; 6] = ["script", "style", "textarea", "title", "xmp", "noscript"];

pub fn check(source: &str) -> Result<(), ScanError> {
    let bytes = source.as_bytes();
    let (mut depth, mut formatting, mut reopened) = (0usize, 0usize, 0usize);
    let mut at = 0;
    while let Some(offset) = bytes[at..].iter().position(|&b| b == b'<') {
        at += offset + 1;
        if bytes[at..].starts_with(b"!--") {
            at = find(bytes, at, b"-->").unwrap_or(bytes.len());
            continue;
        }
        let closing = bytes.get(at) == Some(&b'/');
        let start = at + usize::from(closing);
        let len = bytes[start..].iter().take_while(|b| b.is_ascii_alphanumeric()).count();
        if len == 0 || len > 16 {
            continue;
        }
        let name = source[start..start + len].to_ascii_lowercase();
        at = start + len;
        if !closing {
            reopened += formatting;
            if reopened > MAX_REOPENED {
                return Err(refused("its unclosed formatting would be repeated in every block".into()));
            }
        }
        if UNCOUNTED.contains(&name.as_str()) {
            continue;
        }
        let is_formatting = FORMATTING.contains(&name.as_str());
        if closing {
            depth = depth.saturating_sub(1);
            formatting = formatting.saturating_sub(usize::from(is_formatting));
            continue;
        }
        if RAW.contains(&name.as_str()) {
            // Skipped to its end tag in one search, so an unclosed one costs one pass.
            at = find_end_tag(source, at, &name).unwrap_or(bytes.len());
            continue;
        }
        depth += 1;
        formatting += usize::from(is_formatting);
        if depth > MAX_DEPTH {
            return Err(refused(format!("its elements nest more than {MAX_DEPTH} deep")));
        }
        if formatting > MAX_FORMATTING {
            return Err(refused(format!("it leaves more than {MAX_FORMATTING} formatting elements open")));
        }
    }
    Ok(())
}

fn refused(why: String) -> ScanError {
    ScanError::Unreadable(format!("this HTML cannot be read: {why}; save the page again from its editor"))
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes[from..].windows(needle.len()).position(|w| w == needle).map(|i| from + i + needle.len())
}

fn find_end_tag(source: &str, from: usize, name: &str) -> Option<usize> {
    let closing = format!("</{name}");
    let rest = &source.as_bytes()[from..];
    rest.windows(closing.len())
        .position(|w| w.eq_ignore_ascii_case(closing.as_bytes()))
        .map(|i| from + i + closing.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_sloppy_html_passes_and_hostile_nesting_is_refused() {
        let sloppy = "<ul><li>One<li>Two</ul><p>Para<p>Para<table><tr><td>a<td>b</table><br><img src=x>".repeat(2_000);
        assert_eq!(check(&sloppy), Ok(()));
        let allowed = format!("{}x{}", "<div>".repeat(MAX_DEPTH), "</div>".repeat(MAX_DEPTH));
        assert_eq!(check(&allowed), Ok(()));
        let deep = format!("{}x", "<div><ul>".repeat(20_000));
        assert!(matches!(check(&deep), Err(ScanError::Unreadable(m)) if m.contains("nest more than 1000")));
        let bold = format!("{}<p>x</p>", "<b id=1><i>".repeat(40));
        assert!(matches!(check(&bold), Err(ScanError::Unreadable(m)) if m.contains("formatting")));
        let scripted = format!("<script>{}</script><div>ok</div>", "<div>".repeat(5_000));
        assert_eq!(check(&scripted), Ok(()), "a script's text is not tags");
        let reopening = format!("<b id=1><i id=2><u id=3>{}", "<p>x</p>".repeat(70_000));
        assert!(matches!(check(&reopening), Err(ScanError::Unreadable(m)) if m.contains("repeated in every block")));
        let commented = format!("<!--{}-->", "<div>".repeat(5_000));
        assert_eq!(check(&commented), Ok(()));
    }
}
