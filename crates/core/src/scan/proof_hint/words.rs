//! The tokens of a step as words to match cues on: lookups that stay inside one sentence,
//! refusals ("do not take photos"), the phrase a hint quotes, and the word lists every
//! detector shares.

use super::tokens::{Token, tokenize};

// Word lists are space-separated so that each reads as the vocabulary it is.
const NEGATORS: &str = "not never no don't dont doesn't cannot can't won't mustn't shouldn't nor";
pub(super) const DETERMINERS: &str = "a an the any each every this that these those your their our its";
pub(super) const BE: &str = "be is are was were been being get gets got";
/// How far a cue looks for the rest of its sentence. A bound keeps a pasted wall of text
/// from costing time in the square of its length.
pub(super) const REACH: usize = 40;

pub(super) struct Words<'a> {
    text: &'a str,
    pub(super) toks: Vec<Token>,
}

impl<'a> Words<'a> {
    pub(super) fn new(text: &'a str) -> Words<'a> {
        Words { text, toks: tokenize(text) }
    }

    pub(super) fn len(&self) -> usize {
        self.toks.len()
    }

    pub(super) fn w(&self, i: usize) -> &str {
        self.toks.get(i).map_or("", |t| t.low.as_str())
    }

    pub(super) fn num(&self, i: usize) -> Option<f64> {
        self.toks.get(i).and_then(|t| t.num)
    }

    /// Whether token `i` is one of the space-separated words in `set`.
    pub(super) fn is(&self, i: usize, set: &str) -> bool {
        let w = self.w(i);
        !w.is_empty() && set.split(' ').any(|s| s == w)
    }

    pub(super) fn same(&self, a: usize, b: usize) -> bool {
        a < self.len() && b < self.len() && self.toks[a].clause == self.toks[b].clause
    }

    /// The word before `i` in its sentence, or "".
    pub(super) fn prev(&self, i: usize) -> &str {
        if i > 0 && self.same(i - 1, i) { self.w(i - 1) } else { "" }
    }

    pub(super) fn prev_is(&self, i: usize, set: &str) -> bool {
        i > 0 && self.same(i - 1, i) && self.is(i - 1, set)
    }

    /// Words from `i` matching `pattern` (words split by spaces, alternatives by '|'), in
    /// one sentence: the index after the match.
    pub(super) fn at(&self, i: usize, pattern: &str) -> Option<usize> {
        let mut j = i;
        for part in pattern.split(' ') {
            if !self.same(i, j) || !part.split('|').any(|alt| alt == self.w(j)) {
                return None;
            }
            j += 1;
        }
        Some(j)
    }

    /// The longest of the comma-separated `patterns` matching at `i`.
    pub(super) fn longest(&self, i: usize, patterns: &str) -> Option<usize> {
        patterns.split(", ").filter_map(|p| self.at(i, p)).max()
    }

    /// Up to `n` tokens before `i` in its sentence, nearest first.
    pub(super) fn back(&self, i: usize, n: usize) -> impl Iterator<Item = usize> + '_ {
        (i.saturating_sub(n)..i).rev().filter(move |&j| self.same(i, j))
    }

    /// Up to `n` tokens after `i` in its sentence.
    pub(super) fn ahead(&self, i: usize, n: usize) -> impl Iterator<Item = usize> + '_ {
        (i + 1..=i + n).filter(move |&j| self.same(i, j))
    }

    pub(super) fn near_before(&self, i: usize, n: usize, set: &str) -> Option<usize> {
        self.back(i, n).find(|&j| self.is(j, set))
    }

    pub(super) fn near_after(&self, i: usize, n: usize, set: &str) -> Option<usize> {
        self.ahead(i, n).find(|&j| self.is(j, set))
    }

    /// "Do not take photos", "approval is not required": the cue is named to be refused;
    /// in "how to create issues" it is a title to read. "Don't forget to sign" is a double
    /// negative and still asks for it.
    pub(super) fn negated(&self, from: usize, to: usize) -> bool {
        let refused = self.back(from, 3).any(|j| {
            (self.is(j, NEGATORS) && !self.is(j + 1, "forget fail neglect skip miss only"))
                || (self.w(j) == "how" && self.w(j + 1) == "to")
        });
        let waived = self.ahead(to.saturating_sub(1), 3).any(|j| {
            self.is(j, "unnecessary optional") || (self.w(j) == "not" && self.is(j + 1, "required needed necessary"))
        });
        refused || waived
    }

    pub(super) fn phrase(&self, from: usize, mut to: usize) -> String {
        // "(must be below 5 °C)" keeps its closing bracket.
        let open = (from..to).filter(|&j| self.w(j) == "(").count() > (from..to).filter(|&j| self.w(j) == ")").count();
        if open && self.w(to) == ")" {
            to += 1;
        }
        match (self.toks.get(from), self.toks.get(to.max(from + 1) - 1)) {
            (Some(first), Some(last)) => self.text[first.start..last.end].to_string(),
            _ => String::new(),
        }
    }
}
