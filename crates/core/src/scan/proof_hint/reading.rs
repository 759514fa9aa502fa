//! Reading cues: something measured ("record the temperature", "weigh", "pH 7") and the
//! ranges near it, joined into Number hints with a label and unit.

use super::range::{Range, ranges};
use super::words::{DETERMINERS, REACH, Words};
use super::{Found, HintKind};
use std::collections::{HashMap, HashSet, VecDeque};

const QUANTITIES: &str = "temperature temperatures temp temps ph pressure pressures humidity weight weights volume \
                          voltage conductivity salinity turbidity moisture speed quantity quantities count";
/// Words before "level" that make it a rank, not an amount ("access level").
const NOT_AMOUNTS: &str = "access permission service high low top entry senior risk skill threat";

/// What is measured, named at `i`: the index after it and a label.
fn quantity(w: &Words, i: usize) -> Option<(usize, String)> {
    let word = w.w(i);
    let before = w.prev(i);
    let label = match word {
        // Food left "at room temperature" is a condition, not a reading.
        "temperature" | "temperatures" | "temp" | "temps" if before == "room" && w.prev_is(i - 1, "at to") => {
            return None;
        }
        "temperature" | "temperatures" | "temp" | "temps" => "temperature".to_string(),
        "ph" => "pH".to_string(),
        "quantities" => "quantity".to_string(),
        "pressures" | "weights" => word.trim_end_matches('s').to_string(),
        _ if w.is(i, QUANTITIES) => word.to_string(),
        "level" | "levels" | "concentration" | "concentrations" if w.prev_is(i, NOT_AMOUNTS) => return None,
        "level" | "levels" | "concentration" | "concentrations" => {
            let what = word.trim_end_matches('s');
            let modifier =
                before.starts_with(char::is_alphabetic) && !w.prev_is(i, DETERMINERS) && !w.prev_is(i, RECORDING);
            if modifier { format!("{before} {what}") } else { what.to_string() }
        }
        // "a number of reasons" is vague; "the number of portions" is a count.
        "number" if w.w(i + 1) == "of" && !w.prev_is(i, "a any large small certain reduce") => {
            let what = w.w(i + 2);
            return what.starts_with(char::is_alphabetic).then(|| (i + 3, format!("number of {what}")));
        }
        _ => return None,
    };
    Some((i + 1, label))
}

/// Verbs that make a named quantity a reading: "record the temperature".
const RECORDING: &str = "record records recording log logs logging note notes write enter check checks checking \
                         monitor monitors monitoring take takes taking test tests testing verify verifies confirm \
                         document report capture track read measure measures measuring ensure keep get";
/// The same after the quantity: "temperatures must be recorded".
const RECORDED: &str = "recorded logged noted checked measured monitored taken tested verified read documented \
                        captured tracked written entered";
const INSTRUMENTS: &str = "thermometer gauge meter dial scale probe display manometer hygrometer";
/// Words before "reading" that make it a meter's, not a book's.
const READING_MARKS: &str = "a the take record log note each every first final last current your meter gauge \
                             thermometer probe dial temperature pressure";
/// Words before "measures" that make them actions taken, not readings.
const NOT_MEASURES: &str = "take taking security preventive preventative control safety additional protective \
                            corrective these such other";

struct Cue {
    from: usize,
    to: usize,
    label: Option<String>,
}

/// A measuring cue at `i`: "measure", "weigh", "count", "reading", "record the pH",
/// "pressure is checked", "pH 7".
fn measuring(w: &Words, i: usize, ranges: &[Range]) -> Option<Cue> {
    let named_after = |n: usize| {
        w.ahead(i, n).find_map(|j| quantity(w, j)).map(|(to, label)| Cue { from: i, to, label: Some(label) })
    };
    let plain = |label: Option<&str>| Cue { from: i, to: i + 1, label: label.map(str::to_string) };
    let next = w.w(i + 1);
    match w.w(i) {
        "measure" | "measured" | "measuring" | "measurement" | "measurements" => {
            Some(named_after(4).unwrap_or(plain(None)))
        }
        // "security measures", "take measures to …" are actions, not readings.
        "measures" if !w.prev_is(i, NOT_MEASURES) && next != "to" => Some(named_after(4).unwrap_or(plain(None))),
        "weigh" | "weighs" | "weighed" | "weighing" if !w.is(i + 1, "up in") => {
            Some(named_after(4).unwrap_or(plain(Some("weight"))))
        }
        // "count on", "counts as late" are not counting; "the count" is one only when recorded.
        "count" | "counts" | "counted" | "counting"
            if !w.is(i + 1, "on as towards toward against for")
                && (!w.prev_is(i, DETERMINERS) || w.near_before(i, 3, RECORDING).is_some()) =>
        {
            Some(named_after(4).unwrap_or(plain(Some("count"))))
        }
        "readings" => Some(named_after(2).unwrap_or(plain(None))),
        "reading" if w.prev_is(i, READING_MARKS) && !w.is(i + 1, "list room material materials") => Some(plain(None)),
        "read" | "reads" => w.near_after(i, 3, INSTRUMENTS).map(|j| Cue { from: i, to: j + 1, label: None }),
        _ if w.is(i, RECORDING) => named_after(5),
        // "recorded core temperature" names a reading as well as "record the core temperature".
        _ if w.is(i, RECORDED) => named_after(3),
        _ => {
            let (to, label) = quantity(w, i)?;
            // Ranges come in order, so only those starting just after need be looked at.
            let after = ranges.partition_point(|r| r.from < to);
            let valued = ranges[after..].iter().take_while(|r| r.from <= to + 3).any(|r| w.same(i, r.from));
            match w.ahead(to - 1, 4).find(|&j| w.is(j, RECORDED)) {
                Some(done) => Some(Cue { from: i, to: done + 1, label: Some(label) }),
                None => valued.then_some(Cue { from: i, to, label: Some(label) }),
            }
        }
    }
}

pub(super) fn numbers(f: &mut Found) {
    let w = f.w;
    let ranges = ranges(w);
    let mut cues: Vec<Cue> = Vec::new();
    let mut i = 0;
    while i < w.len() {
        match measuring(w, i, &ranges).filter(|c| !w.negated(c.from, c.to)) {
            Some(cue) => {
                i = cue.to.max(i + 1);
                cues.push(cue);
            }
            None => i += 1,
        }
    }
    let named: Vec<(usize, String)> =
        (0..w.len()).filter_map(|i| quantity(w, i).map(|(_, label)| (i, label))).collect();
    readings(f, &ranges, &cues, &named);
}

/// Each range a reading, measured by the first cue before it in its sentence, and within
/// reach, that is free and may measure it, labelled with the quantity named nearest; then
/// each cue left over that adds a label, a reading of its own. `ranges`, `cues` and
/// `named` are in order. The reach bounds a reading's phrase: a cue could take a range any
/// distance away, so a long sentence of cues then ranges quoted most of itself for each.
fn readings(f: &mut Found, ranges: &[Range], cues: &[Cue], named: &[(usize, String)]) {
    let w = f.w;
    // A bound without a unit ("below 5") is only a reading where something is measured.
    let measured = !cues.is_empty() || !named.is_empty();
    // Every look-up below is a search in something sorted, or in a set or map made once: a
    // step of thousands of readings compared each with all the others.
    let mut attached = vec![false; cues.len()];
    // The cues no range has taken yet, by sentence and label, in order. A range takes the
    // first that fits, so those taken are always at the front of their queue.
    let mut waiting: HashMap<(usize, Option<&str>), VecDeque<usize>> = HashMap::new();
    for (c, cue) in cues.iter().enumerate() {
        waiting.entry((w.toks[cue.from].clause, cue.label.as_deref())).or_default().push_back(c);
    }
    let mut labels: HashSet<Option<String>> = HashSet::new();
    for range in ranges.iter().filter(|r| !r.bare && (r.unit.is_some() || measured)) {
        let before = named.partition_point(|(at, _)| *at < range.from);
        let after = named.partition_point(|(at, _)| *at < range.to);
        let named_as = before.checked_sub(1).or((after < named.len()).then_some(after)).map(|k| named[k].1.as_str());
        let label = named_as.map(str::to_string);
        let clause = w.toks[range.from].clause;
        // A cue with no label may take any range; one with a label, the ranges it names.
        let mut cue: Option<(usize, (usize, Option<&str>))> = None;
        for key in [Some((clause, None)), named_as.map(|label| (clause, Some(label)))].into_iter().flatten() {
            let Some(queue) = waiting.get_mut(&key) else { continue };
            // A cue further back than a reading reaches is as far from every later range.
            while queue.front().is_some_and(|&c| cues[c].to + REACH < range.from) {
                queue.pop_front();
            }
            if let Some(&c) = queue.front().filter(|&&c| cues[c].to <= range.from)
                && cue.is_none_or(|(first, _)| c < first)
            {
                cue = Some((c, key));
            }
        }
        let cue = cue.and_then(|(_, key)| waiting.get_mut(&key)?.pop_front());
        let from = cue.map_or(range.from, |c| {
            attached[c] = true;
            cues[c].from
        });
        let unit = range.unit.or((label.as_deref() == Some("pH")).then_some("pH"));
        let hit = f.add(HintKind::Number, from, range.to);
        (hit.unit, hit.min, hit.max, hit.label) = (unit, range.min, range.max, label.clone());
        labels.insert(label);
    }
    let bare: Vec<&Range> = ranges.iter().filter(|r| r.bare).collect();
    for (c, cue) in cues.iter().enumerate() {
        f.claim(cue.from, cue.to);
        if attached[c] || labels.contains(&cue.label) || (cue.label.is_none() && !labels.is_empty()) {
            continue;
        }
        // "core temperature of 75 °C": the value gives the reading its unit.
        let bare = bare.get(bare.partition_point(|r| r.from < cue.from)).filter(|r| w.same(cue.from, r.from));
        let unit = bare.and_then(|r| r.unit).or((cue.label.as_deref() == Some("pH")).then_some("pH"));
        let to = bare.filter(|r| r.from <= cue.to + 2).map_or(cue.to, |r| r.to.max(cue.to));
        let hit = f.add(HintKind::Number, cue.from, to);
        (hit.unit, hit.label) = (unit, cue.label.clone());
        labels.insert(cue.label.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_of_readings_find_their_cues_and_labels_in_linear_time() {
        // Each range looked for its cue among all cues and its label among all quantities
        // named, and each cue left over among all labels: 15,000 readings took 21 s in a
        // debug build. Each reading here is a cue, a cue of another quantity, a range.
        let n = 15_000;
        let text = "a ".repeat(4 * n);
        let w = Words::new(&text);
        let mut f = Found::new(&w);
        let cue = |at: usize, label: Option<&str>| Cue { from: at, to: at + 1, label: label.map(str::to_string) };
        let cues: Vec<Cue> = (0..n).flat_map(|k| [cue(3 * k, None), cue(3 * k + 1, Some("weight"))]).collect();
        let range = |k: usize| Range {
            from: 3 * k + 2,
            to: 3 * k + 3,
            unit: Some("°C"),
            min: None,
            max: Some(k as f64),
            bare: false,
        };
        let ranges: Vec<Range> = (0..n).map(range).collect();
        let named: Vec<(usize, String)> = (0..n).map(|k| (3 * n + k, "temperature".to_string())).collect();
        let started = std::time::Instant::now();
        readings(&mut f, &ranges, &cues, &named);
        assert!(started.elapsed().as_secs() < 5, "took {:?}", started.elapsed());
        let spans = |kind: Option<&str>| {
            f.hits.iter().filter(|h| h.label.as_deref() == kind).map(|h| (h.from, h.to)).collect::<Vec<_>>()
        };
        let measured = spans(Some("temperature"));
        assert!(measured == (0..n).map(|k| (3 * k, 3 * k + 3)).collect::<Vec<_>>(), "{:?}", &measured[..3]);
        assert_eq!(spans(Some("weight")), [(1, 2)], "the first cue of another quantity, once");
    }
}
