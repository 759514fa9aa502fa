//! Events said as a condition: "in response to a security incident", "in case of fire",
//! "if you suspect a breach", "when paged", "when stock is running low". Such phrases
//! also open everyday advice ("in case of doubt, ask"), so the happening must be a short
//! noun phrase, and one that names something that happens.

use super::event::{LITTLE, VAGUE};
use super::words::{Tok, among, joined, plain, skip_any, w};
use crate::scan::verbs::opens_with_verb;

/// Words that say whose or which happening, and are left out of the trigger.
const DETERMINERS: &str = "a an the any your our their his her its";
/// Words that end a happening's noun besides the little ones: prepositions and auxiliaries.
const ENDS: &str = "during after before while until within without about into onto over under between through \
                    across against near per via than like please immediately were been being am had does did \
                    would shall could might";
/// Not a happening but a state of mind or a catch-all: "in case of doubt", "in case of any
/// questions", "in case of emergency" (contact-sheet boilerplate that names nothing in particular).
const NOT_HAPPENINGS: &str = "doubt doubts question questions query queries confusion uncertainty problem problems \
                              issue issues difficulty difficulties trouble concern concerns emergency emergencies need";
/// Stands for a happening said elsewhere: "in response to this", "if you suspect anything".
const PRONOUNS: &str = "this that these those it them anything something everything nothing one which what";
/// A happening is named in a few words; a longer run is a clause, and a trigger reads as a label.
const MAX_WORDS: usize = 4;

/// What may follow "when", "if" or "whenever": being paged, a suspicion, supplies running low.
pub(super) fn conditional(t: &[Tok], j: usize) -> Option<(usize, String)> {
    suspect(t, j).or_else(|| paged(t, j)).or_else(|| running_low(t, j))
}

/// After "in": "response to X", "the event of X", "case of X".
pub(super) fn in_case(t: &[Tok], j: usize) -> Option<(usize, String)> {
    let from = match (w(t, j), w(t, j + 1), w(t, j + 2)) {
        ("response", "to", _) | ("case", "of", _) => j + 2,
        ("the", "event", "of") => j + 3,
        _ => return None,
    };
    happening(t, from)
}

/// After "responding": "to a security incident".
pub(super) fn responding(t: &[Tok], j: usize) -> Option<(usize, String)> {
    if w(t, j) != "to" {
        return None;
    }
    happening(t, j + 1)
}

/// "page or phone call", "phone call or page": a page is what the on-call person answers.
pub(super) fn page_or_call(t: &[Tok], i: usize) -> Option<(usize, String)> {
    let end = match (w(t, i), w(t, i + 1), w(t, i + 2), w(t, i + 3)) {
        ("page", "or", "phone", "call") | ("phone", "call", "or", "page") => i + 4,
        _ => return None,
    };
    Some((end, "page".to_string()))
}

/// "you suspect a security incident", "you suspect a provider is compromised". A suspicion
/// whose verb says something other than a state ("was an attack vector") is left alone.
fn suspect(t: &[Tok], j: usize) -> Option<(usize, String)> {
    if (w(t, j), w(t, j + 1)) != ("you", "suspect") {
        return None;
    }
    let (end, what) = happening(t, j + 2)?;
    let next = w(t, end);
    if among("is are was were", next) {
        let state = w(t, end + 1);
        let state_said = participle(state) || among("broken stolen lost down taken", state);
        return state_said.then(|| (end + 2, format!("{what} {next} {state}")));
    }
    // Stopped at a verb ("the error happens outside"): what is suspected is a whole clause.
    let verb = plain(next) && !among(LITTLE, next) && !among(ENDS, next);
    (!verb).then_some((end, what))
}

/// "paged", "you are paged", "you're phoned": the call an on-call person answers.
fn paged(t: &[Tok], j: usize) -> Option<(usize, String)> {
    let k = skip_any(t, j, "you you're you’re you've you’ve are get got have been");
    let trigger = match w(t, k) {
        "paged" => "page",
        "phoned" => "phone call",
        _ => return None,
    };
    Some((k + 1, trigger.to_string()))
}

/// "stock is running low", "milk and eggs run out". Unlike other "when" clauses the subject
/// needs no article: "is running low" says plainly that something happened.
fn running_low(t: &[Tok], j: usize) -> Option<(usize, String)> {
    let from = skip_any(t, j, DETERMINERS);
    if among("we you they", w(t, from)) && among("run runs", w(t, from + 1)) {
        return running_low(t, from + 1);
    }
    let mut to = from;
    let subject = |word: &str| noun_word(word, true) && !among("run runs", word);
    while to < from + 8 && (subject(w(t, to)) || (to > from && among(", and or & /", w(t, to)))) {
        to += 1;
    }
    let (end, state) = match (w(t, to), w(t, to + 1), w(t, to + 2)) {
        ("is" | "are", "running", state) if among("low out", state) => (to + 3, state),
        ("runs" | "run", state, _) if among("low out", state) => (to + 2, state),
        _ => return None,
    };
    // "the system runs out of entropy", "we run out of gloves": what runs out is named last.
    if state == "out"
        && w(t, end) == "of"
        && let Some((after, what)) = happening(t, end + 1)
    {
        return Some((after, format!("{what} running out")));
    }
    (to > from && subject(w(t, to - 1))).then(|| (end, format!("{} running {state}", joined(t, from, to))))
}

/// A short noun phrase naming what happens: "security incident", "power failure", "loss of
/// power", "third-party provider". It ends at a mark, a little word or a verb-like word, and
/// its last word must name a happening rather than a state of mind.
fn happening(t: &[Tok], j: usize) -> Option<(usize, String)> {
    let mut from = skip_any(t, j, DETERMINERS);
    // "any instances of unacceptable behaviour", "reports of a gas leak": the happening follows.
    if among("instance instances case cases report reports sign signs", w(t, from)) && w(t, from + 1) == "of" {
        from = skip_any(t, from + 2, DETERMINERS);
    }
    if among(PRONOUNS, w(t, from)) {
        return None;
    }
    let (mut end, mut words) = (from, 0);
    while words < MAX_WORDS {
        if end > from && w(t, end) == "-" && plain(w(t, end + 1)) {
            end += 2;
        } else if end > from && w(t, end) == "of" && words + 2 <= MAX_WORDS && noun_word(w(t, end + 1), false) {
            (end, words) = (end + 2, words + 2);
        } else if noun_word(w(t, end), end == from) {
            (end, words) = (end + 1, words + 1);
        } else if end > from && gerund_head(w(t, end), w(t, end + 1)) {
            (end, words) = (end + 1, MAX_WORDS);
        } else {
            break;
        }
    }
    let head = w(t, end.checked_sub(1)?);
    // "infinitely recurring rules": an adverb before a participle, not a noun.
    let adverb = end == from + 1 && head.ends_with("ly") && participle(w(t, end));
    let named = end > from && !adverb && !among(NOT_HAPPENINGS, head) && !among(VAGUE, head);
    named.then(|| (end, joined(t, from, end)))
}

/// Whether `word` can be part of a happening's noun. Past its first word, one that reads as a
/// verb ("fire spreading", "fire call 999") ends the noun; the first may be "flooding".
fn noun_word(word: &str, first: bool) -> bool {
    // Verbs said of a thing ("the error happens outside"), leaving out those that are as
    // often plural nouns ("changes", "leaves").
    let said_of = "happens occurs arises joins arrives departs expires fails becomes gets seems appears goes comes";
    let verb_like = participle(word) || opens_with_verb(word) || among(said_of, word);
    plain(word) && !among(LITTLE, word) && !among(ENDS, word) && (first || !verb_like)
}

/// "food poisoning": an "-ing" word ends a noun when no noun follows it, whereas in "a breach
/// involving customer data" it starts a clause of its own.
fn gerund_head(word: &str, next: &str) -> bool {
    participle(word) && word.ends_with("ing") && !opens_with_verb(word) && !noun_word(next, false)
}

/// "recurring", "compromised"; short words such as "bed" or "ring" are left as nouns.
fn participle(word: &str) -> bool {
    plain(word) && word.len() > 4 && (word.ends_with("ing") || word.ends_with("ed"))
}
