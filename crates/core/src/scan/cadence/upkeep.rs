//! Cadences of the document rather than of its work: "this SOP is reviewed annually", "review
//! this document every year", "last updated monthly", "Review date: annually". A draft run on
//! such a rule would have people re-read the SOP instead of doing what it says.

use super::words::{Tok, among, w};
use crate::scan::verbs::opens_with_verb;

/// Keeping a text up to date.
const UPKEEP: &str = "review reviewed reviews reviewing revise revised revises revising revision revisions \
                      update updated updates updating amend amended";
/// Words that name a written procedure by themselves.
const DOCUMENTS: &str = "sop sops document documents documentation procedure procedures policy policies manual \
                         manuals runbook runbooks playbook playbooks guideline guidelines";
/// Words that name the text being read only after "this": "review the checklist" may be work.
const THIS_TEXT: &str = "checklist guide plan page process form template file sheet wiki";
/// What a document-control label adds to "review": "Review date", "Next review", "Review cycle".
const CONTROL: &str = "date due next last cycle";

/// Whether the cadence read from `t[from..to]` says when the document is kept up to date:
/// the clause it sits in names both the upkeep and the document, or it fills in a label
/// (before ":" or a table's "|") that does.
pub(super) fn of_the_document(text: &str, t: &[Tok], from: usize, to: usize) -> bool {
    let (start, end) = (clause_start(t, from), clause_end(t, to));
    if about_the_text(t, start, end, false) {
        return true;
    }
    let Some(mark) = start.checked_sub(1).filter(|&m| t[m].word == ".") else {
        return false;
    };
    if !matches!(&text[t[mark].start..t[mark].end], ":" | "|") {
        return false;
    }
    let label = clause_start(t, mark);
    let words = &t[label..mark];
    let control = words.len() <= 4
        && words.iter().any(|tok| among(UPKEEP, &tok.word))
        && words.iter().any(|tok| among(CONTROL, &tok.word));
    control || about_the_text(t, label, mark, true)
}

/// Upkeep and the document named in `t[start..end]`, or "last updated" said by itself. In a
/// sentence the document must be this one ("this SOP", "the procedure", "our policies"): a
/// "weekly SOP review meeting" may be the very work an SOP describes. A label ("SOP review:")
/// heads the document's own details.
fn about_the_text(t: &[Tok], start: usize, end: usize, label: bool) -> bool {
    let said = |k: usize, words: &str| (start..end).contains(&k) && among(words, w(t, k));
    let after = |k: usize, words: &str| k > start && among(words, w(t, k - 1));
    let upkeep = (start..end).any(|k| said(k, UPKEEP));
    let document = (start..end).any(|k| {
        (said(k, DOCUMENTS) && (label || after(k, "this these the our"))) || (said(k, THIS_TEXT) && after(k, "this"))
    });
    let last = (start..end).any(|k| w(t, k) == "last" && said(k + 1, "updated reviewed revised amended"));
    (upkeep && document) || last
}

/// How far from a phrase its clause is looked at. A document's upkeep is said close to its
/// cadence; and a text without sentence ends is not searched whole once per phrase.
const REACH: usize = 30;

/// Where the clause holding token `k` starts: after a sentence's end, or after a "," or "and"
/// that opens an instruction of its own ("Clean the fridge weekly and review this SOP yearly").
fn clause_start(t: &[Tok], k: usize) -> usize {
    let first = k.saturating_sub(REACH);
    (first..k).rev().find(|&j| ends_clause(t, j)).map_or(first, |j| j + 1)
}

fn clause_end(t: &[Tok], k: usize) -> usize {
    let last = (k + REACH).min(t.len());
    (k..last).find(|&j| ends_clause(t, j)).unwrap_or(last)
}

fn ends_clause(t: &[Tok], j: usize) -> bool {
    w(t, j) == "." || (among(", and then", w(t, j)) && opens_with_verb(w(t, j + 1)))
}
