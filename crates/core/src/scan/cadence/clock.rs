//! Times of day said with a schedule: "at 7am", "at 07:00 and 16:00 UTC", "at noon".

use super::words::{Tok, skip_any, w};

/// "at 7am", "at 07:00 and 16:00 UTC": the times of day said, and where they end. A zone is
/// read past but not kept: it belongs with DTSTART (TZID), not in the rule body.
pub(super) fn times(t: &[Tok], j: usize) -> Option<(usize, Vec<(u8, u8)>)> {
    let (mut end, first) = time(t, j + 1).filter(|_| w(t, j) == "at")?;
    let mut all = vec![first];
    loop {
        let k = skip_any(t, end, ", and &");
        match time(t, k) {
            Some((after, at)) if k > end => {
                all.push(at);
                end = after;
            }
            _ => break,
        }
    }
    Some((skip_any(t, end, "utc gmt bst cet cest eet est edt cst cdt mst mdt pst pdt ist jst"), all))
}

/// "7am", "7 pm", "7:30", "19:00", "9.30am", "7 o'clock", "noon" → (hour, minute).
fn time(t: &[Tok], j: usize) -> Option<(usize, (u8, u8))> {
    let word = w(t, j);
    match word {
        "noon" | "midday" => return Some((j + 1, (12, 0))),
        "midnight" => return Some((j + 1, (0, 0))),
        _ => {}
    }
    let (clock, mut pm) = match (word.strip_suffix("am"), word.strip_suffix("pm")) {
        (Some(clock), _) => (clock, Some(false)),
        (_, Some(clock)) => (clock, Some(true)),
        _ => (word, None),
    };
    let mut end = j + 1;
    if pm.is_none() {
        (pm, end) = match (w(t, end), w(t, end + 1)) {
            ("am", _) => (Some(false), end + 1),
            ("pm", _) => (Some(true), end + 1),
            ("a", "m") => (Some(false), end + 2),
            ("p", "m") => (Some(true), end + 2),
            _ => (None, end),
        };
    }
    let oclock = w(t, end) == "o'clock";
    let (hour, minute): (u8, u8) = match clock.split_once([':', '.', 'h']) {
        Some((h, m)) => (h.parse().ok()?, m.parse().ok()?),
        // A bare number after "at" is as often a count ("at 3 sites") as an hour.
        None if pm.is_some() || oclock => (clock.parse().ok()?, 0),
        None => return None,
    };
    let hour = match pm {
        Some(_) if !(1..=12).contains(&hour) => return None,
        Some(pm) => hour % 12 + if pm { 12 } else { 0 },
        None => hour,
    };
    (hour < 24 && minute < 60).then_some((end + usize::from(oclock), (hour, minute)))
}
