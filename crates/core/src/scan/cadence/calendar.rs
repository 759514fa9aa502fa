//! Days, months and ordinals: "Mondays and Thursdays", "Mon–Fri", "working days",
//! "first Monday of the month", "the Friday standup".

use super::rule::Rule;
use super::words::{Tok, among, list, skip_any, w};

const DAYS: &str = "monday tuesday wednesday thursday friday saturday sunday";
pub(super) const CODES: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/// A day's RRULE code, and whether the word was plural ("Mondays" recur; "Monday" may be a date).
pub(super) fn weekday(word: &str) -> Option<(&'static str, bool)> {
    DAYS.split(' ').zip(CODES).find_map(|(name, code)| {
        if word == name || (word.len() >= 3 && name.starts_with(word)) {
            Some((code, false))
        } else {
            (word.strip_suffix('s') == Some(name)).then_some((code, true))
        }
    })
}

/// "Monday to Friday", "Mon–Fri", "Mondays and Thursdays". Without `need_plural` one day
/// named once is enough, for after "every" or "on" ("every Monday", "weekly on Monday").
pub(super) fn days_of_week(t: &[Tok], j: usize, need_plural: bool) -> Option<(usize, Vec<String>)> {
    let (first, plural) = weekday(w(t, j))?;
    if among("to through thru until till -", w(t, j + 1))
        && let Some((last, _)) = weekday(w(t, j + 2))
    {
        let index = |code: &str| CODES.iter().position(|&c| c == code).unwrap_or(0);
        let (from, to) = (index(first), index(last));
        // "Friday to Monday" wraps over the weekend.
        let days = (0..=(to + 7 - from) % 7).map(|o| CODES[(from + o) % 7].to_string()).collect();
        return Some((j + 3, days));
    }
    if need_plural && !plural {
        return None;
    }
    list(t, j, |word| weekday(word).map(|d| d.0.to_string()))
}

/// "weekday", "working days", "weekends": only after "every", "on" or an ordinal, since
/// "within 5 working days" is a deadline.
pub(super) fn day_set(t: &[Tok], j: usize) -> Option<(usize, Vec<String>)> {
    let (end, days) = match (w(t, j), w(t, j + 1)) {
        ("weekday" | "weekdays" | "workday" | "workdays", _) => (j + 1, &CODES[..5]),
        ("working" | "business", "day" | "days") => (j + 2, &CODES[..5]),
        ("weekend" | "weekends", _) => (j + 1, &CODES[5..]),
        _ => return None,
    };
    Some((end, days.iter().map(|d| d.to_string()).collect()))
}

pub(super) fn month(word: &str) -> Option<u8> {
    let months = "january february march april may june july august september october november december";
    months.split(' ').position(|m| m == word).map(|p| p as u8 + 1)
}

pub(super) fn part_of_day(word: &str) -> bool {
    among("morning afternoon evening night", word)
}

/// "first", "2nd", "15th", "last" (-1).
fn ordinal(word: &str) -> Option<i32> {
    if word == "last" {
        return Some(-1);
    }
    if let Some(p) = "first second third fourth fifth".split(' ').position(|o| o == word) {
        return Some(p as i32 + 1);
    }
    let digits = ["st", "nd", "rd", "th"].iter().find_map(|s| word.strip_suffix(s))?;
    digits.parse().ok().filter(|d| (1..=31).contains(d))
}

/// "first Monday of the month", "last working day of the month", "15th of every month".
/// The "of" part is required: "the first Monday" alone is as often one date as a cadence.
pub(super) fn nth_of(t: &[Tok], j: usize) -> Option<(usize, Rule)> {
    let mut rule = Rule::default();
    let k = nth(t, j, &mut rule)?;
    if w(t, k) != "of" {
        return None;
    }
    let k = skip_any(t, k + 1, "the each every a");
    (rule.freq, rule.interval) = match w(t, k) {
        "month" => ("MONTHLY", 1),
        "quarter" => ("MONTHLY", 3),
        "year" if rule.month_day.is_none() && rule.set_pos.is_none() => ("YEARLY", 1),
        _ => return None,
    };
    Some((k + 1, rule))
}

/// "first Monday", "last working day", "15th", "1st day": which day of a month, put in `rule`.
pub(super) fn nth(t: &[Tok], j: usize, rule: &mut Rule) -> Option<usize> {
    let n = ordinal(w(t, j))?;
    if let Some((day, false)) = weekday(w(t, j + 1))
        && n <= 5
    {
        rule.days = vec![format!("{n}{day}")];
        return Some(j + 2);
    }
    if let Some((end, days)) = day_set(t, j + 1) {
        (rule.days, rule.set_pos) = (days, Some(n));
        return Some(end);
    }
    rule.month_day = Some(n);
    Some(skip_any(t, j + 1, "day"))
}

/// Words for a meeting that a day, or a period adverb, may name: "the Friday standup".
pub(super) const MEETINGS: &str = "meeting meetings handover standup huddle briefing review sync";

/// "the Monday morning handover", "the Friday standup": a day's meeting recurs weekly.
pub(super) fn meeting_day(t: &[Tok], j: usize) -> Option<(usize, Rule)> {
    let (day, _) = weekday(w(t, j))?;
    let k = if part_of_day(w(t, j + 1)) { j + 2 } else { j + 1 };
    let end = match (w(t, k), w(t, k + 1), w(t, k + 2)) {
        (meeting, _, _) if among(MEETINGS, meeting) => k + 1,
        ("stand", "-", "up") => k + 3,
        _ => return None,
    };
    Some((end, Rule::on("WEEKLY", 1, vec![day.to_string()])))
}
