//! An SOP that states several cadences: which of them are one schedule said in more or fewer
//! words ("Weekly cleaning", then "every Friday at 4pm").

use super::GuessedCadence;

/// Whether `specific` says all that `general` says, and perhaps more: the same period, with a
/// day, a date, a month or a time of day the general one left open. A cadence refines itself.
/// The period must be the same, since it says when the rule starts over: "every other Friday"
/// does not refine "weekly", nor "every weekday" "daily".
pub fn refines(specific: &GuessedCadence, general: &GuessedCadence) -> bool {
    match (specific, general) {
        (GuessedCadence::Schedule { rule: specific }, GuessedCadence::Schedule { rule: general }) => {
            let (specific, general) = (parts(specific), parts(general));
            interval(&specific) == interval(&general) && general.iter().all(|part| specific.contains(part))
        }
        _ => specific == general,
    }
}

/// The most different cadences kept. An SOP states a handful; a text stating more is no one
/// SOP whatever they are, and a text made of nothing but cadence phrases must not make every
/// new one be compared with all before it.
pub(super) const MAX_CADENCES: usize = 50;

/// Adds `new` to the different cadences `all` holds: left out when one of them says as much
/// already, and put in the place of those it refines (where the SOP first said it), so a
/// general word and the phrase that pins it down count as one schedule, not two.
pub fn gather<T>(all: &mut Vec<T>, new: T, cadence: impl Fn(&T) -> &GuessedCadence) {
    if all.iter().any(|known| refines(cadence(known), cadence(&new))) {
        return;
    }
    let refined: Vec<bool> = all.iter().map(|known| refines(cadence(&new), cadence(known))).collect();
    if all.len() >= MAX_CADENCES && !refined.contains(&true) {
        return;
    }
    let mut new = Some(new);
    for (known, general) in std::mem::take(all).into_iter().zip(refined) {
        if !general {
            all.push(known);
        } else if let Some(new) = new.take() {
            all.push(new);
        }
    }
    all.extend(new);
}

fn interval(parts: &[(&str, &str)]) -> u32 {
    parts.iter().find(|p| p.0 == "INTERVAL").and_then(|p| p.1.parse().ok()).unwrap_or(1)
}

fn parts(rule: &str) -> Vec<(&str, &str)> {
    rule.split(';').filter_map(|part| part.split_once('=')).collect()
}
