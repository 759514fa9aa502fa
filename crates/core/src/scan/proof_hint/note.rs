//! Note cues: what was found written down ("note the damage", "record any issues", "fill in
//! the form"), and the reading of "record" and "log" that tells a note from a sign-off.

use super::words::{BE, DETERMINERS, REACH, Words};
use super::{Found, HintKind};

/// Recording that work was done attests to it; recording what was found is a note.
const CHECKOFF: &str = "check checks activities activity tasks task completion cleaning done completed inspection \
                        inspections";
const FINDINGS: &str = "issue issues problem problems defect defects fault faults reason reasons observation \
                        observations finding findings details detail substitution substitutions action actions damage \
                        incident incidents deviation deviations comment comments what why how result results";
const OBJECTS: &str = "the a an any all each every it them this these your in on into what how why when who whether";

/// "record", "log" and their forms used as verbs: the words of the cue and its kind.
pub(super) fn recorded(w: &Words, i: usize) -> Option<(usize, usize, HintKind)> {
    let noun = w.prev_is(i, DETERMINERS);
    let passive = match w.w(i) {
        // "log in" is signing in; "log file" is a file.
        "log" if w.is(i + 1, "in into on out file files") => return None,
        "record" | "log" if !noun => false,
        "recording" | "logging" if !noun && w.is(i + 1, OBJECTS) => false,
        // "must be recorded", and "must be performed … and recorded".
        "recorded" | "logged" if !w.is(i + 1, "into on out") => {
            let coordinated = w.prev_is(i, "and or") && w.back(i, REACH).any(|j| w.is(j, BE));
            if w.prev(i).is_empty() || coordinated || w.back(i, 3).any(|j| w.is(j, BE) || w.is(j, "must should")) {
                true
            } else {
                return None;
            }
        }
        _ => return None,
    };
    if passive {
        // What was recorded is named before it: "cleaning activities must be recorded".
        let start = w.back(i, REACH).last().unwrap_or(i);
        let checkoff = (start..i).rev().find(|&j| w.is(j, CHECKOFF));
        return Some(match checkoff {
            Some(j) if !(start..i).any(|j| w.is(j, FINDINGS)) => (j, i + 1, HintKind::Signature),
            _ => (i, i + 1, HintKind::Text),
        });
    }
    let findings = w.near_after(i, 3, FINDINGS);
    Some(match w.ahead(i, 3).filter(|&j| w.is(j, CHECKOFF)).last() {
        Some(j) if findings.is_none() => (i, j + 1, HintKind::Signature),
        _ => (i, i + 1, HintKind::Text),
    })
}

const NOTE_OBJECTS: &str = "down of the any all each every what how when who which your its their it them this these \
                            those anything whether where";
const DOCUMENT_OBJECTS: &str = "the a an any all each every what how why when your their its it them this these those \
                                findings results actions steps changes decisions remaining";
const DOCUMENTATION_VERBS: &str = "write update finish keep keeping complete add create provide maintain";

pub(super) fn note(f: &Found, i: usize) -> Option<(usize, usize)> {
    let w = f.w;
    if !f.free(i) {
        return None;
    }
    let end = match w.w(i) {
        "record" | "records" | "recorded" | "recording" | "log" | "logs" | "logged" | "logging" => {
            return recorded(w, i).filter(|r| r.2 == HintKind::Text).map(|r| (r.0, r.1));
        }
        // "Note that …" and "please note" inform; "note the damage" asks for a note.
        "note" if w.is(i + 1, NOTE_OBJECTS) && w.prev(i) != "please" => {
            return Some((if w.prev_is(i, "make take") { i - 1 } else { i }, i + 1));
        }
        "note" | "notes"
            if w.prev_is(i, "make take keep write add")
                || w.at(i.saturating_sub(2), "make|take|keep|write|add a").is_some_and(|e| e == i) =>
        {
            i + 1
        }
        "noted" | "documented" if w.back(i, 2).any(|j| w.is(j, BE)) => i + 1,
        "write" | "writes" | "writing" | "written" => w.near_after(i, 3, "down up")? + 1,
        "document" if w.is(i + 1, DOCUMENT_OBJECTS) => i + 1,
        "documentation" => return w.near_before(i, 3, DOCUMENTATION_VERBS).map(|j| (j, i + 1)),
        "describe" if w.prev(i) != "as" => i + 1,
        "description" if w.near_before(i, 2, "write add provide include give").is_some() => i + 1,
        "keep" | "maintain" => w
            .at(i, "keep|maintain a|the record|log|note|diary|register")
            .or_else(|| w.at(i, "keep|maintain records|notes|logs"))?,
        "fill" if w.is(i + 1, "in out") => i + 2,
        "form" | "forms" => return w.near_before(i, 5, "complete completes fill submit").map(|j| (j, i + 1)),
        "comment" | "comments" if w.near_before(i, 2, "add leave write post").is_some() => i + 1,
        _ => return None,
    };
    Some((i, end))
}
