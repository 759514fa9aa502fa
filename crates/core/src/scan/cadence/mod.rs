//! Finding an SOP's cadence in its words: "every weekday at 7am" read into an RRULE body,
//! "after each delivery" into an event trigger. Hand-written matching over lowercase words
//! (no regex, no model), so the same text always gives the same guesses, and a phrase it
//! does not know ("as needed", "every so often") is left alone rather than guessed at.

mod calendar;
mod choose;
mod clock;
mod condition;
mod event;
mod rule;
mod schedule;
mod upkeep;
mod words;

pub use choose::{gather, preferred, refines};
use serde::Serialize;

/// A cadence read from an SOP's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CadenceGuess {
    /// The words it was read from, as written in the text.
    pub phrase: String,
    pub cadence: GuessedCadence,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GuessedCadence {
    /// An RRULE body without DTSTART, parts in this order when present:
    /// FREQ, INTERVAL, BYMONTH, BYMONTHDAY, BYDAY, BYSETPOS, BYHOUR, BYMINUTE.
    /// e.g. "FREQ=WEEKLY;BYDAY=MO;BYHOUR=7;BYMINUTE=0". "First Monday of the month" is
    /// written `BYDAY=1MO` rather than `BYDAY=MO;BYSETPOS=1`: one part, and the form other
    /// calendars show; BYSETPOS is kept for day sets ("first working day of the month").
    Schedule { rule: String },
    /// Runs when something happens: "after each delivery" -> trigger "delivery".
    Event { trigger: String },
}

/// Every cadence phrase in `text`, in the order they appear, without overlaps. Those that
/// say when the SOP itself is reviewed or updated are left out: they are not when its work runs.
pub fn find_cadences(text: &str) -> Vec<CadenceGuess> {
    let t = words::tokens(text);
    let mut found = Vec::new();
    let mut i = 0;
    while i < t.len() {
        // Events first: "each time …" and "every shift" would otherwise start a schedule.
        let read = event::event(&t, i)
            .map(|(end, trigger)| (end, GuessedCadence::Event { trigger }))
            .or_else(|| schedule::schedule(&t, i));
        let Some((end, cadence)) = read else {
            i += 1;
            continue;
        };
        if !upkeep::of_the_document(text, &t, i, end) {
            found.push(CadenceGuess { phrase: text[t[i].start..t[end - 1].end].to_string(), cadence });
        }
        i = end;
    }
    found
}

#[cfg(test)]
mod tests;
