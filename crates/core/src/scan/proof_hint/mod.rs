//! Reads one step of a pasted SOP for the proof it should require: "record the temperature
//! (must be below 5 °C)" suggests a reading with a maximum, "manager signs off" an approval.
//! Hand-written matching on lowercase words, so the same words always give the same hints.

mod approval;
mod evidence;
mod note;
mod range;
mod reading;
mod signature;
mod tokens;
mod words;

use crate::proof::{ProofRequirement, ProofRule};
use approval::approvals;
use evidence::{file, link, photo};
use note::note;
use reading::numbers;
use serde::Serialize;
use signature::signature;
use std::collections::HashSet;
use words::Words;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HintKind {
    Photo,
    File,
    Number,
    Text,
    Signature,
    Approval,
    Link,
}

impl HintKind {
    /// The name people and proof keys use: "photo", "number", ….
    pub fn as_str(self) -> &'static str {
        match self {
            HintKind::Photo => "photo",
            HintKind::File => "file",
            HintKind::Number => "number",
            HintKind::Text => "text",
            HintKind::Signature => "signature",
            HintKind::Approval => "approval",
            HintKind::Link => "link",
        }
    }

    /// A second person's word and hard evidence come before a person's own say-so.
    fn rank(self) -> u8 {
        match self {
            HintKind::Approval => 0,
            HintKind::Number => 1,
            HintKind::Photo => 2,
            HintKind::File => 3,
            HintKind::Link => 4,
            HintKind::Signature => 5,
            HintKind::Text => 6,
        }
    }
}

/// The proof a step's words suggest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProofHint {
    pub kind: HintKind,
    /// The words it was read from, as written.
    pub phrase: String,
    /// For numbers: the unit and allowed range read from the text ("below 5 °C" -> max 5, unit "°C").
    pub unit: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// What is measured, for a label ("temperature", "pH", "pressure"), when named.
    pub label: Option<String>,
}

/// Every proof a step's text suggests, strongest first; empty when it names nothing verifiable.
pub fn suggest_proofs(step: &str) -> Vec<ProofHint> {
    let words = Words::new(step);
    let mut found = Found::new(&words);
    // Stronger readings claim their words first, so "manager signs off" is not also a
    // signature and "record the temperature" not also a note.
    approvals(&mut found);
    numbers(&mut found);
    let detectors: [(HintKind, Detector); 5] = [
        (HintKind::Photo, photo),
        (HintKind::File, file),
        (HintKind::Link, link),
        (HintKind::Signature, signature),
        (HintKind::Text, note),
    ];
    for (kind, detect) in detectors {
        for i in 0..words.len() {
            if let Some((from, to)) = detect(&found, i).filter(|&(from, to)| !words.negated(from.min(i), to)) {
                found.add(kind, from, to);
            }
        }
    }
    found.into_hints()
}

/// The requirement a hint becomes in a draft process (Approval has no rule yet: None).
pub fn requirement(hint: &ProofHint, key: &str) -> Option<ProofRequirement> {
    let rule = match hint.kind {
        HintKind::Photo => ProofRule::Photo { min: 1, max_age: None },
        HintKind::File => {
            let lower = hint.phrase.to_lowercase();
            let named: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).collect();
            ProofRule::File { types: FILE_TYPES.iter().filter(|t| named.contains(t)).map(|t| t.to_string()).collect() }
        }
        HintKind::Number => ProofRule::Number { unit: hint.unit.clone(), min: hint.min, max: hint.max },
        HintKind::Text => ProofRule::Text { min_length: 1 },
        HintKind::Signature => ProofRule::Signature { attestation: None },
        HintKind::Link => ProofRule::Link,
        HintKind::Approval => return None,
    };
    Some(ProofRequirement { key: key.to_string(), label: hint.label.clone(), rule })
}

/// Extensions a step may name, which then say what files to accept.
const FILE_TYPES: [&str; 5] = ["pdf", "csv", "xlsx", "xls", "docx"];

/// A cue at a token: the words it spans, as token indices [from, to).
type Detector = fn(&Found, usize) -> Option<(usize, usize)>;

struct Hit {
    kind: HintKind,
    from: usize,
    to: usize,
    unit: Option<&'static str>,
    min: Option<f64>,
    max: Option<f64>,
    label: Option<String>,
}

struct Found<'a> {
    w: &'a Words<'a>,
    hits: Vec<Hit>,
    /// Words already read as one kind of proof, so they do not suggest a weaker one too.
    used: Vec<bool>,
    /// The sentences each kind of hit starts in, so asking about one does not go through
    /// every hit: a long step of short sentences made that time square in its length.
    clauses: HashSet<(HintKind, usize)>,
}

impl<'a> Found<'a> {
    fn new(w: &'a Words<'a>) -> Found<'a> {
        Found { w, hits: Vec::new(), used: vec![false; w.len()], clauses: HashSet::new() }
    }

    fn add(&mut self, kind: HintKind, from: usize, to: usize) -> &mut Hit {
        self.claim(from, to);
        if let Some(token) = self.w.toks.get(from) {
            self.clauses.insert((kind, token.clause));
        }
        self.hits.push(Hit { kind, from, to, unit: None, min: None, max: None, label: None });
        let last = self.hits.len() - 1;
        &mut self.hits[last]
    }

    fn claim(&mut self, from: usize, to: usize) {
        self.used.iter_mut().take(to).skip(from).for_each(|used| *used = true);
    }

    fn free(&self, i: usize) -> bool {
        !self.used[i]
    }

    fn in_clause(&self, kind: HintKind, i: usize) -> bool {
        self.w.toks.get(i).is_some_and(|token| self.clauses.contains(&(kind, token.clause)))
    }

    /// One hint per kind, except readings: each range read is its own. Cues of one kind in
    /// one sentence become one phrase ("upload the certificate (PDF)").
    fn into_hints(mut self) -> Vec<ProofHint> {
        self.hits.sort_by_key(|h| (h.kind.rank(), h.from));
        let mut kept: Vec<Hit> = Vec::new();
        // The readings kept, in a set: a step of thousands of ranges compared each with all.
        let mut readings: HashSet<Reading> = HashSet::new();
        for hit in self.hits {
            let number = hit.kind == HintKind::Number;
            let repeat = number && reading(&hit).is_some_and(|r| !readings.insert(r));
            // Hits come by kind, so those kept of this kind are the last ones: looking from
            // the end does not pass every reading for each photo after them.
            match kept.iter_mut().rev().find(|h| h.kind == hit.kind) {
                Some(_) if number && !repeat => kept.push(hit),
                Some(h) if !number && self.w.same(h.from, hit.from) => {
                    (h.from, h.to) = (h.from.min(hit.from), h.to.max(hit.to));
                }
                Some(_) => {}
                None => kept.push(hit),
            }
        }
        let w = self.w;
        let hint = |h: Hit| ProofHint {
            kind: h.kind,
            phrase: w.phrase(h.from, h.to),
            unit: h.unit.map(str::to_string),
            min: h.min,
            max: h.max,
            label: h.label,
        };
        kept.into_iter().map(hint).collect()
    }
}

/// What tells one reading from another: unit, bounds (as bits, -0 as 0) and label.
type Reading = (Option<&'static str>, Option<u64>, Option<u64>, Option<String>);

/// `None` for a bound that is not a number, which equals no other, not even itself.
fn reading(hit: &Hit) -> Option<Reading> {
    let bits = |v: Option<f64>| match v {
        Some(v) if v.is_nan() => Err(()),
        v => Ok(v.map(|v| (v + 0.0).to_bits())),
    };
    Some((hit.unit, bits(hit.min).ok()?, bits(hit.max).ok()?, hit.label.clone()))
}

#[cfg(test)]
mod tests;
