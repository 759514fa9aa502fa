//! Schedules: the frequency words of a phrase ("daily", "every 2 weeks", "twice a year",
//! "first Monday of the month") and what may refine them ("on Wednesdays", "at 7am").

use super::GuessedCadence;
use super::calendar::{CODES, MEETINGS, day_set, days_of_week, meeting_day, month, nth, nth_of, part_of_day};
use super::clock::times;
use super::rule::Rule;
use super::words::{Tok, among, list, skip_any, w};

/// A schedule phrase starting at `i`, whether its time comes after ("daily at 7am") or
/// before ("at 7:30 pm each Monday"). A time alone is no cadence.
pub(super) fn schedule(t: &[Tok], i: usize) -> Option<(usize, GuessedCadence)> {
    read(t, i, None).or_else(|| {
        let (k, at) = times(t, i)?;
        read(t, skip_any(t, k, ","), Some(at))
    })
}

fn read(t: &[Tok], i: usize, at: Option<Vec<(u8, u8)>>) -> Option<(usize, GuessedCadence)> {
    let (end, mut rule) = core(t, i)?;
    if let Some(at) = at {
        if !timed(rule.freq) {
            return None;
        }
        rule.times = at;
    }
    let end = refine(t, end, &mut rule);
    Some((end, GuessedCadence::Schedule { rule: rule.text() }))
}

fn timed(freq: &str) -> bool {
    matches!(freq, "DAILY" | "WEEKLY" | "MONTHLY" | "YEARLY")
}

/// (FREQ, how many of them) one period is.
type Unit = (&'static str, u32);

fn unit(word: &str) -> Option<Unit> {
    Some(match word.strip_suffix('s').unwrap_or(word) {
        "minute" => ("MINUTELY", 1),
        "hour" => ("HOURLY", 1),
        "day" => ("DAILY", 1),
        "week" => ("WEEKLY", 1),
        "fortnight" => ("WEEKLY", 2),
        "month" => ("MONTHLY", 1),
        "quarter" => ("MONTHLY", 3),
        // A semester is half a year by the word's own meaning. Teaching terms run 16 to 20
        // weeks, but which of those, and when the break falls, changes from one place to the
        // next; a six-month rule is the one reading every such SOP shares, and the person
        // setting it up can shorten it.
        "semester" => ("MONTHLY", 6),
        "year" => ("YEARLY", 1),
        _ => return None,
    })
}

/// "daily", "fortnightly", "semiannually": the period a word says.
fn adverb(word: &str) -> Option<Unit> {
    match word {
        "daily" | "nightly" => unit("day"),
        "annually" => unit("year"),
        // "Biweekly" also means twice a week; every other week is how SOPs mostly use it.
        "biweekly" => unit("fortnight"),
        "semiannually" | "biannually" => Some(("MONTHLY", 6)),
        // Not "minutely": that mostly means "in fine detail".
        _ => unit(word.strip_suffix("ly")?).filter(|u| u.0 != "MINUTELY"),
    }
}

/// What a period adverb may describe without anything being done on that period: a role
/// ("provides daily oversight") or an amount per period ("an hourly rate", "a daily limit").
const NOT_WORK: &str = "oversight supervision management life living rate rates limit limits allowance allowances \
                        wage wages pay salary salaries earnings";
/// Work that such a word may still name: "the daily management meeting" is held daily.
const WORK: &str = "report reports check checks checklist task tasks call calls round rounds log";

fn describes_no_work(t: &[Tok], k: usize) -> bool {
    let next = w(t, k + 1);
    among(NOT_WORK, w(t, k)) && !among(MEETINGS, next) && !among(WORK, next)
}

/// The frequency words a schedule phrase starts with, before any "on …" or "at …".
fn core(t: &[Tok], i: usize) -> Option<(usize, Rule)> {
    let word = w(t, i);
    if let Some((freq, n)) = adverb(word) {
        return (!describes_no_work(t, i + 1)).then(|| (i + 1, Rule::every(freq, n)));
    }
    if matches!(word, "semi" | "bi")
        && w(t, i + 1) == "-"
        && let Some((freq, n)) = adverb(&format!("{word}{}", w(t, i + 2)))
    {
        return Some((i + 3, Rule::every(freq, n)));
    }
    // "on a weekly basis" is read whole, so its phrase says what the text said.
    if word == "on"
        && among("a an", w(t, i + 1))
        && w(t, i + 3) == "basis"
        && let Some((freq, n)) = adverb(w(t, i + 2))
    {
        return Some((i + 4, Rule::every(freq, n)));
    }
    let weekly = |(end, days)| (end, Rule::on("WEEKLY", 1, days));
    match word {
        "every" | "each" => every(t, i + 1),
        "on" => days_of_week(t, i + 1, true)
            .or_else(|| day_set(t, i + 1))
            .map(weekly)
            .or_else(|| nth_of(t, skip_any(t, i + 1, "the"))),
        "the" => nth_of(t, i + 1).or_else(|| meeting_day(t, i + 1)),
        _ => per_period(t, i).or_else(|| days_of_week(t, i, true).map(weekly)).or_else(|| nth_of(t, i)),
    }
}

/// After "every" or "each": "day", "2 weeks", "other Monday", "Monday and Thursday", "weekday".
fn every(t: &[Tok], mut j: usize) -> Option<(usize, Rule)> {
    let mut n = 1;
    if among("other second alternate", w(t, j)) {
        (n, j) = (2, j + 1);
    } else if let Some(count) = number(w(t, j)) {
        (n, j) = (count, j + 1);
    } else if w(t, j) == "single" {
        j += 1;
    }
    if let Some((end, days)) = day_set(t, j).or_else(|| days_of_week(t, j, false)) {
        return Some((end, Rule::on("WEEKLY", n, days)));
    }
    if let Some((end, months)) = list(t, j, month).filter(|_| n == 1) {
        return Some((end, Rule { months, ..Rule::every("YEARLY", 1) }));
    }
    if n == 1 && part_of_day(w(t, j)) {
        return Some((j + 1, Rule::every("DAILY", 1)));
    }
    let (freq, per) = unit(w(t, j))?;
    Some((j + 1, Rule::every(freq, n * per)))
}

/// "once a week", "twice daily", "3 times a year", "once or twice a year".
fn per_period(t: &[Tok], i: usize) -> Option<(usize, Rule)> {
    let (n, mut k) = count(t, i)?;
    // Of "once or twice a year", the lower count is the one the text promises.
    if let Some((_, after)) = count(t, k + 1).filter(|_| among("or to", w(t, k))) {
        k = after;
    }
    k = skip_any(t, k, "-");
    let ((freq, per), end) = match adverb(w(t, k)) {
        Some(unit) => (unit, k + 1),
        None if among("a an per each every", w(t, k)) => (unit(w(t, k + 1))?, k + 2),
        None => return None,
    };
    let months = match freq {
        "MONTHLY" => per,
        "YEARLY" => 12 * per,
        _ => 0,
    };
    let rule = match freq {
        _ if n == 1 => Rule::every(freq, per),
        // Several times a day or a week is still every day or week: which hours comes from
        // times given after it, which days the text does not say, so the person picks them.
        "DAILY" | "WEEKLY" if per == 1 => Rule::every(freq, 1),
        "HOURLY" if 60 % n == 0 => Rule::every("MINUTELY", 60 / n),
        _ if months > 0 && months % n == 0 => Rule::every("MONTHLY", months / n),
        _ if months == 1 && 4 % n == 0 => Rule::every("WEEKLY", 4 / n),
        _ => return None,
    };
    Some((end, rule))
}

fn count(t: &[Tok], i: usize) -> Option<(u32, usize)> {
    match w(t, i) {
        "once" => Some((1, i + 1)),
        "twice" => Some((2, i + 1)),
        "thrice" => Some((3, i + 1)),
        word => number(word).filter(|_| w(t, i + 1) == "times").map(|n| (n, i + 2)),
    }
}

fn number(word: &str) -> Option<u32> {
    let words = "one two three four five six seven eight nine ten eleven twelve";
    let n = words.split(' ').position(|n| n == word).map(|p| p as u32 + 1).or_else(|| word.parse().ok())?;
    (1..1000).contains(&n).then_some(n)
}

/// What may follow the frequency: "on Wednesdays", "on the 1st", "in March", "morning", "at 7am".
fn refine(t: &[Tok], mut k: usize, rule: &mut Rule) -> usize {
    if rule.freq == "WEEKLY"
        && rule.days.is_empty()
        && w(t, k) == "on"
        && let Some((end, days)) = days_of_week(t, k + 1, false).or_else(|| day_set(t, k + 1))
    {
        (rule.days, k) = (days, end);
    }
    if rule.freq == "MONTHLY"
        && rule.days.is_empty()
        && rule.month_day.is_none()
        && w(t, k) == "on"
        && let Some(end) = nth(t, skip_any(t, k + 1, "the"), rule)
    {
        k = end;
    }
    if rule.freq == "YEARLY"
        && rule.months.is_empty()
        && w(t, k) == "in"
        && let Some((end, months)) = list(t, k + 1, month)
    {
        (rule.months, k) = (months, end);
    }
    if matches!(rule.freq, "DAILY" | "WEEKLY") && part_of_day(w(t, k)) {
        k += 1;
    }
    // "every weekday except holidays at 7am", "every weekday at 7am except holidays".
    k = except(t, k, rule);
    if rule.times.is_empty()
        && timed(rule.freq)
        && let Some((end, at)) = times(t, skip_any(t, k, ","))
    {
        (rule.times, k) = (at, end);
        k = except(t, k, rule);
    }
    k
}

/// "except holidays", "except on Sundays", "excluding weekends and bank holidays". Which days
/// are holidays is the organization's calendar, not the rule's, so those words are read past
/// and the days stand; days named are taken out of the days the rule runs on. Days that
/// cannot be taken out (of "the 1st of every month") are read past too, so that they are not
/// read as a schedule of their own: the phrase shown to the person still says them.
fn except(t: &[Tok], k: usize, rule: &mut Rule) -> usize {
    let at = skip_any(t, k, ",");
    if !among("except excluding", w(t, at)) {
        return k;
    }
    let (mut end, mut gone) = (at + 1, Vec::new());
    loop {
        let j = skip_any(t, skip_any(t, end, ", and &"), "on public bank national federal school");
        if among("holiday holidays", w(t, j)) {
            end = j + 1;
        } else if let Some((after, days)) = days_of_week(t, j, false).or_else(|| day_set(t, j)) {
            (end, gone) = (after, [gone, days].concat());
        } else {
            break;
        }
    }
    if end == at + 1 {
        return k;
    }
    let days: Vec<String> = match rule.freq {
        "DAILY" if rule.interval == 1 && rule.days.is_empty() => CODES.iter().map(|d| d.to_string()).collect(),
        // "1MO" and day sets counted by BYSETPOS say which day of a month, not which of a week.
        "WEEKLY" if !rule.days.is_empty() => rule.days.clone(),
        _ => return end,
    };
    let left: Vec<String> = days.into_iter().filter(|d| !gone.contains(d)).collect();
    if !gone.is_empty() && !left.is_empty() {
        (rule.freq, rule.days) = ("WEEKLY", left);
    }
    end
}
