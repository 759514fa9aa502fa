//! Measuring the scan against SOPs a person labelled by hand: how many of the labelled
//! steps it finds and how many it invents, whether it reads the cadence and the owner,
//! and whether it names the same weaknesses.

use super::Scan;
use super::cadence::GuessedCadence;
use super::findings::FindingKind;
use serde::{Deserialize, Serialize};

/// One labelled SOP, as `labels.json` in the fixtures holds it (fields not read here are
/// ignored).
#[derive(Debug, Clone, Deserialize)]
pub struct Label {
    pub file: String,
    pub owner_or_role: Option<String>,
    pub cadence: LabelledCadence,
    pub steps: Vec<String>,
    #[serde(default)]
    pub weaknesses: Vec<String>,
    #[serde(default)]
    pub weaknesses_borderline: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LabelledCadence {
    /// "FREQ=WEEKLY;INTERVAL=8;BYDAY=WE", "event: critical problem", with notes in brackets.
    pub normalized: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Evaluation {
    pub documents: usize,
    pub steps_labelled: usize,
    pub steps_found: usize,
    pub steps_matched: usize,
    pub step_precision: f64,
    pub step_recall: f64,
    pub step_f1: f64,
    /// Documents whose first labelled cadence the scan found.
    pub cadence_accuracy: f64,
    pub owner_accuracy: f64,
    /// Agreement on each weakness, borderline ones left out.
    pub weakness_agreement: f64,
    pub per_document: Vec<DocumentScore>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentScore {
    pub file: String,
    pub steps_labelled: usize,
    pub steps_found: usize,
    pub steps_matched: usize,
    pub cadence_ok: bool,
    pub owner_ok: bool,
    /// Labelled steps no found step matched, and found steps that match no label: what to
    /// look at when the figures drop.
    pub missed: Vec<String>,
    pub extra: Vec<String>,
}

pub fn evaluate(cases: &[(&Scan, &Label)]) -> Evaluation {
    let mut e = Evaluation { documents: cases.len(), ..Evaluation::default() };
    let (mut cadence_ok, mut owner_ok, mut agree, mut judged) = (0, 0, 0, 0);
    for (scan, label) in cases {
        let found: Vec<&str> = scan.draft.steps.iter().map(|s| s.title.as_str()).collect();
        let pairs = pair_steps(&label.steps, &found);
        let matched = pairs.len();
        let cadence = cadence_found(scan, label);
        let owner = owner_found(scan, label);
        e.steps_labelled += label.steps.len();
        e.steps_found += found.len();
        e.steps_matched += matched;
        cadence_ok += usize::from(cadence);
        owner_ok += usize::from(owner);
        for (kind, name) in WEAKNESSES {
            if label.weaknesses_borderline.iter().any(|w| w == name) {
                continue;
            }
            judged += 1;
            let said = scan.findings.iter().any(|f| f.kind == kind);
            agree += usize::from(said == label.weaknesses.iter().any(|w| w == name));
        }
        e.per_document.push(DocumentScore {
            file: label.file.clone(),
            steps_labelled: label.steps.len(),
            steps_found: found.len(),
            steps_matched: matched,
            cadence_ok: cadence,
            owner_ok: owner,
            missed: (0..label.steps.len())
                .filter(|i| !pairs.iter().any(|(l, _)| l == i))
                .map(|i| label.steps[i].clone())
                .collect(),
            extra: (0..found.len())
                .filter(|j| !pairs.iter().any(|(_, f)| f == j))
                .map(|j| found[j].to_string())
                .collect(),
        });
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    e.step_precision = ratio(e.steps_matched, e.steps_found);
    e.step_recall = ratio(e.steps_matched, e.steps_labelled);
    let (p, r) = (e.step_precision, e.step_recall);
    e.step_f1 = if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) };
    e.cadence_accuracy = ratio(cadence_ok, cases.len());
    e.owner_accuracy = ratio(owner_ok, cases.len());
    e.weakness_agreement = ratio(agree, judged);
    e
}

const WEAKNESSES: [(FindingKind, &str); 5] = [
    (FindingKind::NoOwner, "no_owner"),
    (FindingKind::NoCadence, "no_cadence"),
    (FindingKind::UnverifiableStep, "unverifiable_steps"),
    (FindingKind::VagueStep, "vague_steps"),
    (FindingKind::ScopeTooBig, "scope_too_big"),
];

/// Labelled steps matched one to one with found steps, best overlap of words first: pairs
/// of (labelled, found) indexes.
pub fn pair_steps(labelled: &[String], found: &[&str]) -> Vec<(usize, usize)> {
    // A label may open with its section ("Daily: wash …") or with its own name ("Simple
    // calibration: record …"): it is read both whole and without that opening.
    let labelled: Vec<[Vec<String>; 2]> = labelled.iter().map(|l| [words(l), words(strip_section(l))]).collect();
    let found: Vec<Vec<String>> = found.iter().map(|f| words(f)).collect();
    let overlap = |l: &[String], f: &[String]| {
        l.iter().filter(|w| f.contains(w)).count() as f64 / l.len().min(f.len()).max(1) as f64
    };
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (i, [whole, stripped]) in labelled.iter().enumerate() {
        for (j, f) in found.iter().enumerate() {
            let best = overlap(whole, f).max(overlap(stripped, f));
            if best >= 0.5 {
                pairs.push((best, i, j));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let (mut used_l, mut used_f) = (vec![false; labelled.len()], vec![false; found.len()]);
    let mut matched = Vec::new();
    for (_, i, j) in pairs {
        if !used_l[i] && !used_f[j] {
            (used_l[i], used_f[j]) = (true, true);
            matched.push((i, j));
        }
    }
    matched
}

/// "Daily: wash used utensils" is labelled with its section; the words are after it.
fn strip_section(label: &str) -> &str {
    match label.split_once(':') {
        Some((head, rest)) if head.split_whitespace().count() <= 3 => rest,
        _ => label,
    }
}

const STOP: [&str; 24] = [
    "the", "a", "an", "and", "or", "of", "to", "in", "on", "for", "with", "by", "at", "is", "are", "be", "it", "its",
    "from", "as", "if", "any", "all", "each",
];

/// Content words, lowercased, crudely stemmed so "cleans" meets "clean".
pub fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 1 && !STOP.contains(w))
        .map(|w| {
            let stem = w.strip_suffix("ing").or_else(|| w.strip_suffix("ed")).or_else(|| w.strip_suffix('s'));
            stem.filter(|s| s.len() >= 3).unwrap_or(w).to_string()
        })
        .collect()
}

fn cadence_found(scan: &Scan, label: &Label) -> bool {
    let Some(first) = label.cadence.normalized.first() else {
        return scan.draft.cadences.is_empty();
    };
    let first = first.trim();
    if first.starts_with("event") || first.starts_with("deadline") {
        return scan.draft.cadences.iter().any(|c| matches!(c.cadence, GuessedCadence::Event { .. }));
    }
    let wanted = parts(first.split(' ').next().unwrap_or(first));
    scan.draft.cadences.iter().any(|found| match &found.cadence {
        GuessedCadence::Schedule { rule } => {
            let got = parts(rule);
            wanted.iter().all(|(k, v)| got.iter().any(|(gk, gv)| gk == k && gv == v))
        }
        GuessedCadence::Event { .. } => false,
    })
}

/// FREQ, INTERVAL and BYDAY of a rule: what a label states and a reader must get right.
fn parts(rule: &str) -> Vec<(String, String)> {
    rule.split(';')
        .filter_map(|p| p.split_once('='))
        .filter(|(k, _)| matches!(*k, "FREQ" | "INTERVAL" | "BYDAY"))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn owner_found(scan: &Scan, label: &Label) -> bool {
    match (&label.owner_or_role, &scan.draft.owner) {
        (None, None) => true,
        (Some(labelled), Some(found)) => {
            let labelled = words(labelled);
            words(&found.text).iter().any(|w| labelled.contains(w))
        }
        _ => false,
    }
}
