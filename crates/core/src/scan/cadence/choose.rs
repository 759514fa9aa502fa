//! An SOP that states several cadences: which of them are one schedule said in more or fewer
//! words ("Weekly cleaning", then "every Friday at 4pm"), and which one a draft runs on.

use super::{GuessedCadence, find_cadences};

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

/// The indexes of `cadences` in the order a draft should prefer them. First one the title
/// states, or one that refines it: an SOP is named for the schedule it mainly runs on ("Daily
/// opening checklist"), however many others its sections add. Then the one that pins down
/// more of when it runs, since a person has less to fill in. Then the one said first.
pub fn preferred<'a>(title: &str, cadences: impl IntoIterator<Item = &'a GuessedCadence>) -> Vec<usize> {
    let named: Vec<GuessedCadence> = find_cadences(title).into_iter().map(|g| g.cadence).collect();
    let mut ranked: Vec<(bool, usize, usize)> =
        cadences.into_iter().enumerate().map(|(i, c)| (named.iter().any(|n| refines(c, n)), detail(c), i)).collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    ranked.into_iter().map(|r| r.2).collect()
}

/// How many of day, date, month and time of day a cadence names. An event names none of
/// them, and is ranked with a bare period: which of the two an SOP runs on is for its order
/// of mention, or its title, to say.
fn detail(cadence: &GuessedCadence) -> usize {
    match cadence {
        GuessedCadence::Schedule { rule } => {
            let named = ["BYMONTH", "BYMONTHDAY", "BYDAY", "BYHOUR"];
            parts(rule).iter().filter(|(name, _)| named.contains(name)).count()
        }
        GuessedCadence::Event { .. } => 0,
    }
}

fn interval(parts: &[(&str, &str)]) -> u32 {
    parts.iter().find(|p| p.0 == "INTERVAL").and_then(|p| p.1.parse().ok()).unwrap_or(1)
}

fn parts(rule: &str) -> Vec<(&str, &str)> {
    rule.split(';').filter_map(|part| part.split_once('=')).collect()
}
