//! Events: the words that start a run rather than a clock ("at close", "after each
//! delivery", "at the start of each shift", "each production run", "whenever …").

use super::condition;
use super::words::{Tok, among, joined, plain, skip_any, w};
use crate::scan::verbs::opens_with_verb;

/// Little words that end a trigger's noun: "before each print is done" → "print".
pub(super) const LITTLE: &str = "a an the and or of to in on at for with by from is are was be it this that which \
                                 who as if so then must should will can may do has have you we they your not";
/// Triggers too vague to schedule anything on.
pub(super) const VAGUE: &str =
    "request demand completion approval possible needed necessary required appropriate applicable";
/// Nouns for something that happens again and again, so "each" or "per" one is a cadence;
/// "each bench" or "per customer" lists things, not happenings.
const OCCURRENCES: &str = "run batch production delivery shipment session cycle";

/// An event phrase starting at `i`: where it ends, and its trigger.
pub(super) fn event(t: &[Tok], i: usize) -> Option<(usize, String)> {
    let of_shift =
        |j: usize, edge: &str| Some((to_shift(t, j + 1).filter(|_| w(t, j) == "of")?, format!("{edge} of shift")));
    match w(t, i) {
        "at" => at_open_or_close(t, i + 1),
        "end" | "close" => of_shift(i + 1, "end"),
        "start" | "beginning" => of_shift(i + 1, "start"),
        "after" | "following" => around(t, i + 1, "end"),
        "before" => around(t, i + 1, "start"),
        "upon" | "on" => upon(t, i),
        "when" => when(t, i + 1),
        "if" => condition::conditional(t, i + 1),
        "whenever" => condition::conditional(t, i + 1).or_else(|| clause(t, i + 1)),
        "each" | "every" if w(t, i + 1) == "time" => clause(t, i + 2),
        "each" | "every" | "per" => occurrence(t, i + 1),
        "for" if among("each every", w(t, i + 1)) => occurrence(t, i + 2),
        "in" => condition::in_case(t, i + 1),
        // Bare, only with an article: "responding to customers" is as often a duty as an event.
        "responding" if among("a an", w(t, i + 2)) => condition::responding(t, i + 1),
        "page" | "phone" => condition::page_or_call(t, i),
        _ => None,
    }
}

fn at_open_or_close(t: &[Tok], j: usize) -> Option<(usize, String)> {
    let j = skip_any(t, j, "the");
    let trigger = match (w(t, j), w(t, j + 1)) {
        // "at the close of each shift" is read from "close" on, as a shift's end.
        ("close" | "closing", next) if next != "of" => "close",
        ("opening", _) => "opening",
        _ => return None,
    };
    Some((skip_any(t, j + 1, "time"), trigger.to_string()))
}

/// Where "… shift(s)" ends, after words that only say which shift ("each AM and PM", "an on-call").
fn to_shift(t: &[Tok], j: usize) -> Option<usize> {
    let which = "each every the a an your their our am pm and or & / - morning afternoon evening night day late early \
                 on call duty";
    let k = (j..j + 6).find(|&k| !among(which, w(t, k)))?;
    // "before the shift manager arrives" is about a person, "shift swaps" about the rota.
    let about_else = among("manager lead leader supervisor swap swaps rota", w(t, k + 1));
    (among("shift shifts", w(t, k)) && !about_else).then_some(k + 1)
}

/// "after each delivery", "before every print", "after your shift", "before opening".
fn around(t: &[Tok], j: usize, edge: &str) -> Option<(usize, String)> {
    if let Some(end) = to_shift(t, j) {
        return Some((end, format!("{edge} of shift")));
    }
    if let Some(read) = open_or_close(t, j) {
        return Some(read);
    }
    noun(t, j + 1, 2).filter(|_| among("each every", w(t, j)))
}

/// "before opening", "after closing time", "after close": the place opening or closing. Not
/// "before opening the bottle", where "opening" is done to something, nor "close to the door".
fn open_or_close(t: &[Tok], j: usize) -> Option<(usize, String)> {
    let (end, trigger) = at_open_or_close(t, j)?;
    let said = skip_any(t, j, "the");
    let done_to = among("opening closing", w(t, said))
        && end == said + 1
        && among("the a an this that these those your our their its each every any all", w(t, end));
    (!done_to && w(t, end) != "to").then_some((end, trigger))
}

/// After "each", "every", "per" or "for each": "every shift", "each production run".
fn occurrence(t: &[Tok], j: usize) -> Option<(usize, String)> {
    if let Some(end) = to_shift(t, j) {
        return Some((end, "shift".to_string()));
    }
    // The whole noun must end in the happening: "each batch number" is a label, not a batch;
    // and a number cuts it short, since "each becomes one delivery" has "each" as its subject.
    let (end, what) = noun(t, j, 3)?;
    let counted = (j..end).any(|k| among("one two three four five six seven eight nine ten", w(t, k)));
    (!counted && among(OCCURRENCES, w(t, end - 1))).then_some((end, what))
}

/// Up to `max` plain words from `j`, ending at a mark or a little word: "delivery", "team member".
fn noun(t: &[Tok], j: usize, max: usize) -> Option<(usize, String)> {
    let end = (j..j + max).find(|&k| !plain(w(t, k)) || among(LITTLE, w(t, k))).unwrap_or(j + max);
    (end > j).then(|| (end, joined(t, j, end)))
}

/// "upon receipt", "upon opening", "on arrival", "upon the arrival of goods". Not "on
/// request": that is no cadence; nor "on the delivery note", a place to write on.
fn upon(t: &[Tok], i: usize) -> Option<(usize, String)> {
    let from = skip_any(t, i + 1, "the");
    let (end, what) = noun(t, from, 1)?;
    // "on" leads too many other phrases to read more than a few arrivals after it.
    let known = if w(t, i) == "on" { among("receipt arrival delivery", &what) } else { !among(VAGUE, &what) };
    // A happening with an article is the happening of something; without one, a noun after
    // it makes it part of a name ("delivery sheet"), unless it opens the instruction that
    // follows ("on delivery check the seals").
    let next = w(t, end);
    let named = if from > i + 1 {
        next != "of"
    } else {
        plain(next) && !among(LITTLE, next) && !(opens_with_verb(next) && among(LITTLE, w(t, end + 1)))
    };
    (known && !named).then_some((end, what))
}

/// "when starting a shift", "when a new team member joins", "when a chemical gets empty":
/// only a subject with an article and a verb that says something happened, since "when"
/// also opens every other kind of clause.
fn when(t: &[Tok], j: usize) -> Option<(usize, String)> {
    match w(t, j) {
        "starting" | "beginning" => return Some((to_shift(t, j + 1)?, "start of shift".to_string())),
        "ending" | "finishing" | "leaving" => return Some((to_shift(t, j + 1)?, "end of shift".to_string())),
        "responding" => return condition::responding(t, j + 1),
        "a" | "an" => {}
        _ => return condition::conditional(t, j),
    }
    if let Some(read) = condition::conditional(t, j) {
        return Some(read);
    }
    let happens = "joins leaves starts arrives departs expires fails breaks opens closes occurs happens changes";
    let done = "hired received delivered opened added removed reported detected installed replaced emptied";
    for k in j + 1..j + 6 {
        let end = match (w(t, k), w(t, k + 1)) {
            (verb, _) if among(happens, verb) => k + 1,
            ("is", state) if among(done, state) => k + 2,
            ("gets" | "becomes" | "runs", state) if plain(state) => k + 2,
            (word, _) if plain(word) && !among(LITTLE, word) => continue,
            _ => return None,
        };
        return (k > j + 1).then(|| (end, joined(t, j + 1, end)));
    }
    None
}

/// "whenever a delivery arrives" → "delivery arrives"; "whenever needed" is no cadence.
fn clause(t: &[Tok], j: usize) -> Option<(usize, String)> {
    let j = skip_any(t, j, "a an the");
    let end = (j..j + 5).find(|&k| !plain(w(t, k))).unwrap_or(j + 5);
    (end > j && !among(VAGUE, w(t, j))).then(|| (end, joined(t, j, end)))
}
