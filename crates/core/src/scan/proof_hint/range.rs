//! Values and ranges with their units: "below 5 °C", "0–5 °C", "between 2 and 8",
//! "7 ± 0.5", "75 °C or above".

use super::words::Words;

const MAX_BEFORE: &str = "at or below, no more than, not more than, no higher than, not higher than, no greater than, \
    not greater than, no warmer than, not above, not over, not to exceed, must not exceed, not exceed, not exceeding, \
    less than, lower than, fewer than, colder than, cooler than, at most, up to, below, under, max, maximum, ≤, <=, <";
const MIN_BEFORE: &str = "at or above, no less than, not less than, no lower than, not lower than, no fewer than, \
    no colder than, not below, not under, more than, greater than, higher than, warmer than, hotter than, at least, \
    above, over, exceeds, exceeding, min, minimum, reach, reaches, ≥, >=, >";
const MAX_AFTER: &str =
    "or below, or less, or lower, or under, or colder, or cooler, or fewer, and below, max, maximum";
const MIN_AFTER: &str =
    "or more, or above, or higher, or over, or warmer, or hotter, or greater, and above, min, minimum";
/// Words that may follow a number without a unit and leave it a plain value; in "max 48
/// hours" or "16-20 weeks" the word after is a unit no reading here is taken in.
const AFTER_VALUE: &str = "or and to at in on for before after during when then is are must should if with by max";

#[derive(Debug, Clone, Copy, PartialEq)]
enum Bound {
    Max,
    Min,
}

pub(super) struct Range {
    pub(super) from: usize,
    pub(super) to: usize,
    pub(super) unit: Option<&'static str>,
    pub(super) min: Option<f64>,
    pub(super) max: Option<f64>,
    /// A value with a unit and no bound ("75 °C"): it gives a reading its unit, no more.
    pub(super) bare: bool,
}

impl Range {
    fn bounded(from: usize, to: usize, unit: Option<&'static str>, bound: Bound, v: f64) -> Range {
        let (min, max) = if bound == Bound::Min { (Some(v), None) } else { (None, Some(v)) };
        Range { from, to, unit, min, max, bare: false }
    }
}

/// The unit written at `k`, and the index after it.
fn unit_at(w: &Words, k: usize) -> Option<(&'static str, usize)> {
    let glued = w.toks.get(k).is_some_and(|t| t.glued);
    let unit = match w.w(k) {
        "°" | "degree" | "degrees" | "deg" if w.is(k + 1, "c celsius centigrade") => return Some(("°C", k + 2)),
        "°" | "degree" | "degrees" | "deg" if w.is(k + 1, "f fahrenheit") => return Some(("°F", k + 2)),
        "°" | "degree" | "degrees" | "deg" => "°",
        "℃" | "celsius" | "centigrade" => "°C",
        "℉" | "fahrenheit" => "°F",
        // A letter right after a number ("4C") is a temperature; "grade C" is not.
        "c" if glued => "°C",
        "f" if glued => "°F",
        "%" | "percent" => "%",
        "per" if w.w(k + 1) == "cent" => return Some(("%", k + 2)),
        "ppm" => "ppm",
        "kg" | "kgs" | "kilogram" | "kilograms" => "kg",
        "g" | "gram" | "grams" => "g",
        "mg" if w.at(k + 1, "/ l").is_some() => return Some(("mg/L", k + 3)),
        "mg" => "mg",
        "l" | "litre" | "litres" | "liter" | "liters" => "L",
        "ml" | "millilitre" | "millilitres" | "milliliter" | "milliliters" => "mL",
        "bar" => "bar",
        "psi" => "psi",
        "mm" => "mm",
        "cm" => "cm",
        "kpa" => "kPa",
        "min" | "mins" | "minute" | "minutes" => "minutes",
        "sec" | "secs" | "second" | "seconds" => "seconds",
        _ => return None,
    };
    Some((unit, k + 1))
}

/// A number at `k` with its unit: (value, unit, index after).
fn value(w: &Words, k: usize) -> Option<(f64, Option<&'static str>, usize)> {
    let v = w.num(k)?;
    Some(match unit_at(w, k + 1).filter(|_| w.same(k, k + 1)) {
        Some((unit, after)) => (v, Some(unit), after),
        None => (v, None, k + 1),
    })
}

/// Whether a value without a unit, ending before `k`, reads as a plain number.
fn plain_after(w: &Words, k: usize, unit: Option<&str>) -> bool {
    if unit.is_some() || !w.same(k - 1, k) {
        return true;
    }
    match w.toks[k].num {
        Some(_) => false,
        None if w.w(k).starts_with(char::is_alphanumeric) => w.is(k, AFTER_VALUE),
        None => !matches!(w.w(k), "/" | "." | ":" | "-"),
    }
}

fn bound_at(w: &Words, i: usize, max: &str, min: &str) -> Option<(Bound, usize)> {
    match (w.longest(i, max), w.longest(i, min)) {
        (Some(a), Some(b)) if b > a => Some((Bound::Min, b)),
        (Some(a), _) => Some((Bound::Max, a)),
        (None, Some(b)) => Some((Bound::Min, b)),
        (None, None) => None,
    }
}

/// "0–5 °C", "6.5 to 8.5", and after "between", "2 and 8 °C".
fn span_range(w: &Words, i: usize, and: bool) -> Option<Range> {
    let (a, ua, k) = value(w, i)?;
    if !w.same(i, k) || !(w.is(k, "- to") || (and && w.w(k) == "and")) || !w.same(k, k + 1) {
        return None;
    }
    let (b, ub, end) = value(w, k + 1)?;
    let unit = match (ua, ub) {
        (Some(x), Some(y)) if x != y => return None,
        (x, y) => x.or(y),
    };
    // "2024-05-22" is a date, not a range.
    if (w.w(end) == "-" && w.num(end + 1).is_some()) || !plain_after(w, end, unit) {
        return None;
    }
    Some(Range { from: i, to: end, unit, min: Some(a.min(b)), max: Some(a.max(b)), bare: false })
}

fn range_at(w: &Words, i: usize) -> Option<Range> {
    if w.is(i, "between from")
        && w.same(i, i + 1)
        && let Some(r) = span_range(w, i + 1, w.w(i) == "between")
    {
        return Some(Range { from: i, ..r });
    }
    if let Some((bound, mut j)) = bound_at(w, i, MAX_BEFORE, MIN_BEFORE) {
        j += usize::from(w.is(j, "of :"));
        let (v, unit, end) = value(w, j).filter(|_| w.same(i, j))?;
        return plain_after(w, end, unit).then(|| Range::bounded(i, end, unit, bound, v));
    }
    if let Some(r) = span_range(w, i, false) {
        return Some(r);
    }
    let (v, unit, end) = value(w, i)?;
    if w.w(end) == "±" && w.same(i, end) {
        let (d, du, after) = value(w, end + 1)?;
        return Some(Range {
            from: i,
            to: after,
            unit: unit.or(du),
            min: Some(v - d.abs()),
            max: Some(v + d.abs()),
            bare: false,
        });
    }
    if let Some((bound, after)) = bound_at(w, end, MAX_AFTER, MIN_AFTER).filter(|_| w.same(i, end)) {
        return Some(Range::bounded(i, after, unit, bound, v));
    }
    unit.map(|unit| Range { from: i, to: end, unit: Some(unit), min: None, max: None, bare: true })
}

pub(super) fn ranges(w: &Words) -> Vec<Range> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < w.len() {
        match range_at(w, i) {
            Some(range) => {
                i = range.to.max(i + 1);
                found.push(range);
            }
            None => i += 1,
        }
    }
    found
}
