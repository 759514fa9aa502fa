//! A step cut into tokens: lowercase words, numbers with their values, symbols, and web
//! addresses whole, each tagged with its sentence so that no cue reads across a full stop.

#[derive(Debug)]
pub(super) struct Token {
    /// Lowercase; a number keeps its digits, a symbol its character.
    pub(super) low: String,
    pub(super) num: Option<f64>,
    pub(super) start: usize,
    pub(super) end: usize,
    /// Sentences are counted so that a cue never reaches across a full stop.
    pub(super) clause: usize,
    /// Written right after the token before, with no space ("5C", "0.01mm").
    pub(super) glued: bool,
}

fn is_minus(c: char) -> bool {
    matches!(c, '-' | '–' | '−' | '‒')
}

/// Splits a step into words, numbers and symbols. Hyphens inside words vanish, so
/// "sign-off" reads as "sign off"; a minus before a digit is a sign unless a number comes
/// just before ("0-5" is a range, "≤ -12" a negative number); a web address is one token,
/// so the words in its path are not read as cues.
pub(super) fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let ch = |k: usize| chars.get(k).map(|&(_, c)| c);
    let byte = |k: usize| chars.get(k).map_or(text.len(), |&(p, _)| p);
    let digit = |k: usize| ch(k).is_some_and(|c| c.is_ascii_digit());
    let mut toks: Vec<Token> = Vec::new();
    let (mut k, mut clause, mut gap) = (0, 0, true);
    while let Some(c) = ch(k) {
        let start = k;
        let last_is_word = toks.last().is_some_and(|t| t.low.starts_with(char::is_alphanumeric));
        let sign = is_minus(c)
            && digit(k + 1)
            && match toks.last() {
                None => true,
                Some(t) if t.clause != clause => true,
                Some(t) if gap => t.num.is_none(),
                Some(_) => !last_is_word,
            };
        let mut num = None;
        let low = if c.is_whitespace() {
            gap = true;
            k += 1;
            continue;
        } else if matches!(c, '°' | 'º' | '˚') {
            k += 1;
            "°".to_string()
        } else if c.is_alphabetic() {
            let rest = text[byte(k)..byte((k + 8).min(chars.len()))].to_ascii_lowercase();
            let url = ["http://", "https://", "www."].iter().any(|p| rest.starts_with(p));
            let inside = |c: char, k: usize| {
                if url {
                    !c.is_whitespace() && !matches!(c, ')' | ']' | '>' | '"' | '<')
                } else {
                    c.is_alphanumeric()
                        || c == '_'
                        || (matches!(c, '\'' | '’') && ch(k + 1).is_some_and(char::is_alphabetic))
                }
            };
            while ch(k).is_some_and(|c| inside(c, k)) {
                k += 1;
            }
            if url { "<url>".to_string() } else { text[byte(start)..byte(k)].to_lowercase().replace('’', "'") }
        } else if c.is_ascii_digit() || sign || (c == '.' && digit(k + 1) && (gap || !last_is_word)) {
            (num, k) = read_number(&chars, k, sign);
            text[byte(start)..byte(k)].to_string()
        } else if matches!(c, '-' | '‐') && !gap && last_is_word && ch(k + 1).is_some_and(char::is_alphabetic) {
            k += 1;
            continue;
        } else if matches!(c, '→' | '⇒') || (c == '-' && ch(k + 1) == Some('>')) {
            (clause, gap) = (clause + 1, true);
            k += if c == '-' { 2 } else { 1 };
            continue;
        } else if matches!(c, '.' | '!' | '?' | ';') && ch(k + 1).is_none_or(char::is_whitespace) {
            // "max. 5 °C" and "e.g. a photo" do not end a sentence.
            let abbreviation = c == '.' && toks.last().is_some_and(|t| ABBREVIATIONS.split(' ').any(|a| a == t.low));
            clause += usize::from(!abbreviation);
            (k, gap) = (k + 1, true);
            continue;
        } else {
            k += 1;
            let then = |b: char| ch(k) == Some(b);
            if (c == '<' || c == '>') && then('=') {
                k += 1;
                format!("{c}=")
            } else if c == '+' && (then('-') || (then('/') && ch(k + 1) == Some('-'))) {
                k += if then('/') { 2 } else { 1 };
                "±".to_string()
            } else if is_minus(c) || matches!(c, '—' | '‐') {
                "-".to_string()
            } else {
                c.to_string()
            }
        };
        toks.push(Token { low, num, start: byte(start), end: byte(k), clause, glued: !gap });
        gap = false;
    }
    toks
}

const ABBREVIATIONS: &str = "max min approx ca vs e i g no nr";

/// A number from `k`: "5", "-12", "0.01", "7,5", "1,000". Dotted versions ("7.34.0") and
/// identifiers ("7_34_0") are read whole but are not numbers.
fn read_number(chars: &[(usize, char)], mut k: usize, sign: bool) -> (Option<f64>, usize) {
    let ch = |k: usize| chars.get(k).map(|&(_, c)| c);
    let digit = |k: usize| ch(k).is_some_and(|c| c.is_ascii_digit());
    let mut digits = String::from(if sign { "-" } else { "" });
    k += usize::from(sign);
    let int_start = k;
    while let Some(c) = ch(k).filter(char::is_ascii_digit) {
        digits.push(c);
        k += 1;
    }
    // "1,000" groups thousands; "7,5" is a decimal comma.
    let group = |k: usize| ch(k) == Some(',') && (1..=3).all(|d| digit(k + d)) && !digit(k + 4);
    if (1..=3).contains(&(k - int_start)) {
        while group(k) {
            digits.extend((k + 1..k + 4).filter_map(ch));
            k += 4;
        }
    }
    if matches!(ch(k), Some('.' | ',')) && digit(k + 1) {
        digits.push('.');
        k += 1;
        while let Some(c) = ch(k).filter(char::is_ascii_digit) {
            digits.push(c);
            k += 1;
        }
    }
    let mut value = digits.parse::<f64>().ok();
    while (ch(k) == Some('.') && digit(k + 1)) || ch(k) == Some('_') {
        value = None;
        k += 1;
        while ch(k).is_some_and(char::is_alphanumeric) {
            k += 1;
        }
    }
    (value, k)
}
