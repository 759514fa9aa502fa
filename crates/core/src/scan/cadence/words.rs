//! The words a cadence is read from: text cut into lowercase words and the few marks that
//! matter, and the small cursor helpers every reader here walks them with.

/// A lowercase word; or a mark that matters inside a phrase ("," "-" "&" "/" "(" ")"); or "."
/// where a sentence, list item, table cell or tag ends, so that no phrase runs across it.
pub(super) struct Tok {
    pub(super) word: String,
    pub(super) start: usize,
    pub(super) end: usize,
}

pub(super) fn tokens(text: &str) -> Vec<Tok> {
    let mut t = Vec::new();
    let mut ends = EndTags::default();
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        let rest = &text[i..];
        let mut len = c.len_utf8();
        let word = if rest.starts_with("http://") || rest.starts_with("https://") {
            // A link's path may well say "daily-report" without stating a cadence.
            len = rest.find(|c: char| c.is_whitespace() || matches!(c, ')' | '>' | '"' | ']')).unwrap_or(rest.len());
            None
        } else if c.is_alphanumeric() {
            len = word_len(rest);
            Some(rest[..len].to_lowercase())
        } else if c == '<'
            && rest[1..].starts_with(|n: char| n.is_ascii_alphabetic() || n == '/' || n == '!')
            && let Some(n) = tag_len(text, i, &mut ends)
        {
            len = n;
            Some(".".to_string())
        } else {
            mark(c, &rest[len..])
        };
        if let Some(word) = word {
            t.push(Tok { word, start: i, end: i + len });
        }
        i += len;
    }
    t
}

/// Letters and digits, keeping "07:00", "9.30am" and "week's" whole.
fn word_len(s: &str) -> usize {
    let (mut end, mut prev) = (0, ' ');
    let mut chars = s.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let next = chars.peek().map_or(' ', |&(_, n)| n);
        let inside = match c {
            ':' | '.' => prev.is_ascii_digit() && next.is_ascii_digit(),
            '\'' | '’' => prev.is_alphabetic() && next.is_alphabetic(),
            _ => c.is_alphanumeric(),
        };
        if !inside {
            break;
        }
        (end, prev) = (at + c.len_utf8(), c);
    }
    end
}

/// An HTML tag's length, or a whole `<style>`/`<script>` element's, whose text is not prose.
/// `None` when no tag closes before the next "<", so plain text with a "<" in it is kept.
fn tag_len(text: &str, at: usize, ends: &mut EndTags) -> Option<usize> {
    let rest = &text[at..];
    let name: String = rest[1..].chars().take_while(char::is_ascii_alphabetic).collect::<String>().to_lowercase();
    if let Some(raw) = ["style", "script"].into_iter().find(|&raw| raw == name) {
        return ends.next(text, at, raw).map(|end| end - at);
    }
    let close = rest[1..].find(['<', '>']).filter(|&n| rest[1 + n..].starts_with('>'))?;
    Some(close + 2)
}

/// The next `</style …>` or `</script …>` found for each, kept while it lies ahead: each
/// `<script` searching the rest of the text afresh made text full of them take time square
/// in its length (1 MB took 77 s).
#[derive(Default)]
struct EndTags(Vec<(&'static str, usize, Option<usize>)>);

impl EndTags {
    /// Where the element `name` opened at `at` ends: past the `>` of its end tag; `None`
    /// when it has none, or another "<" comes before that tag's `>`.
    fn next(&mut self, text: &str, at: usize, name: &'static str) -> Option<usize> {
        if let Some(&(.., end)) = self.0.iter().find(|(known, start, _)| *known == name && *start > at) {
            return end;
        }
        let rest = &text[at..];
        let start = rest.match_indices("</").map(|(n, _)| at + n).find(|&n| {
            text.as_bytes()[n + 2..].get(..name.len()).is_some_and(|tag| tag.eq_ignore_ascii_case(name.as_bytes()))
        });
        // With no end tag ahead, none is ahead of any later start tag either.
        let end = start.and_then(|start| {
            let close = text[start + 1..].find(['<', '>']).filter(|&n| text[start + 1 + n..].starts_with('>'))?;
            Some(start + close + 2)
        });
        self.0.retain(|(known, ..)| *known != name);
        self.0.push((name, start.unwrap_or(usize::MAX), end));
        end
    }
}

fn mark(c: char, after: &str) -> Option<String> {
    let sentence_ends = after.chars().next().is_none_or(char::is_whitespace);
    let mark = match c {
        ',' | '&' | '/' | '(' | ')' => return Some(c.to_string()),
        '-' | '–' | '—' => "-",
        '.' | '!' | '?' if sentence_ends => ".",
        ';' | ':' | '|' | '<' | '>' | '#' | '{' | '}' => ".",
        // A wrapped line goes on; a blank line, heading, list item or table row does not.
        '\n' => {
            let line = after.trim_start_matches([' ', '\t', '\r']);
            let block = line.chars().next().is_none_or(|n| !(n.is_alphanumeric() || "[`(\"'_".contains(n)));
            if block { "." } else { return None }
        }
        _ => return None,
    };
    Some(mark.to_string())
}

/// The word at `i`, or "" past the end, so readers can look ahead without bounds checks.
pub(super) fn w(t: &[Tok], i: usize) -> &str {
    t.get(i).map_or("", |tok| tok.word.as_str())
}

/// Whether `word` is one of the space-separated `words`.
pub(super) fn among(words: &str, word: &str) -> bool {
    !word.is_empty() && words.split(' ').any(|x| x == word)
}

pub(super) fn skip_any(t: &[Tok], mut i: usize, words: &str) -> usize {
    while among(words, w(t, i)) {
        i += 1;
    }
    i
}

pub(super) fn plain(word: &str) -> bool {
    !word.is_empty() && word.chars().all(char::is_alphabetic)
}

/// The words from `from` to `to` as a trigger says them: "third-party provider", "milk, eggs".
pub(super) fn joined(t: &[Tok], from: usize, to: usize) -> String {
    let mut said = String::new();
    for tok in &t[from..to] {
        let glued = matches!(tok.word.as_str(), "," | "-") || said.ends_with('-') || said.is_empty();
        if !glued {
            said.push(' ');
        }
        said.push_str(&tok.word);
    }
    said
}

/// `read` over "A, B and C": the items, and where the list ends.
pub(super) fn list<T>(t: &[Tok], j: usize, read: impl Fn(&str) -> Option<T>) -> Option<(usize, Vec<T>)> {
    let (mut items, mut end) = (vec![read(w(t, j))?], j + 1);
    loop {
        let k = skip_any(t, end, ", and &");
        match read(w(t, k)) {
            Some(item) if k > end => {
                items.push(item);
                end = k + 1;
            }
            _ => return Some((end, items)),
        }
    }
}
