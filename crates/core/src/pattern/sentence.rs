//! Names and numbers as an owner reads them on a phone: steps 1-based with their titles,
//! people by name, durations in minutes, hours or days.

use crate::history::{Facts, FieldFacts, ProcessFacts};
use crate::ids::{PersonId, ProcessId};

pub struct Names<'f> {
    facts: &'f Facts,
    process: ProcessId,
    process_facts: Option<&'f ProcessFacts>,
}

impl<'f> Names<'f> {
    pub fn new(facts: &'f Facts, process: ProcessId) -> Names<'f> {
        Names { facts, process, process_facts: facts.processes.get(&process) }
    }

    pub fn process(&self) -> String {
        match self.process_facts {
            Some(facts) if !facts.name.trim().is_empty() => facts.name.clone(),
            _ => format!("Process {}", self.process),
        }
    }

    /// "step 4 'Photo of locked back door'", or "step 4" when the step has no title.
    pub fn step(&self, step: u16) -> String {
        let number = u32::from(step) + 1;
        match self.process_facts.and_then(|facts| facts.steps.get(usize::from(step))) {
            Some(facts) if !facts.title.trim().is_empty() => format!("step {number} '{}'", facts.title),
            _ => format!("step {number}"),
        }
    }

    /// "Closing checklist, step 4 'Photo of locked back door'".
    pub fn subject(&self, step: u16) -> String {
        format!("{}, {}", self.process(), self.step(step))
    }

    pub fn person(&self, person: PersonId) -> String {
        match self.facts.people.get(&person) {
            Some(name) if !name.trim().is_empty() => name.clone(),
            _ => format!("person {person}"),
        }
    }

    pub fn field(&self, step: u16, field: u16) -> Option<&'f FieldFacts> {
        self.process_facts?.steps.get(usize::from(step))?.fields.get(&field)
    }

    pub fn chain_levels(&self) -> u8 {
        self.process_facts.map_or(0, |facts| facts.chain_levels)
    }

    /// " — usually by Dana" when one person accounts for most of `people` (at least two
    /// of them and more than half), else nothing.
    pub fn usually_by(&self, people: impl IntoIterator<Item = PersonId>) -> String {
        match usual_person(people) {
            Some(person) => format!(" — usually by {}", self.person(person)),
            None => String::new(),
        }
    }
}

/// The person behind more than half of the entries, when there are at least two of them.
pub fn usual_person(people: impl IntoIterator<Item = PersonId>) -> Option<PersonId> {
    let mut counts: Vec<(PersonId, usize)> = Vec::new();
    let mut total = 0;
    for person in people {
        total += 1;
        match counts.iter_mut().find(|(known, _)| *known == person) {
            Some((_, count)) => *count += 1,
            None => counts.push((person, 1)),
        }
    }
    // Ties go to the smallest id so the sentence never depends on input order.
    counts.sort_by_key(|&(person, count)| (std::cmp::Reverse(count), person));
    counts.first().filter(|&&(_, count)| count >= 2 && count * 2 > total).map(|&(person, _)| person)
}

pub const WEEKDAY_KEYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
pub const WEEKDAYS_PLURAL: [&str; 7] =
    ["Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays"];

/// "1 run", "3 runs".
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

/// A duration in minutes as "40 min", "2 h 5 min" or "3 days".
pub fn duration(minutes: f64) -> String {
    let minutes = minutes.max(0.0).round() as i64;
    if minutes < 60 {
        format!("{minutes} min")
    } else if minutes < 48 * 60 {
        let (hours, rest) = (minutes / 60, minutes % 60);
        if rest == 0 { format!("{hours} h") } else { format!("{hours} h {rest} min") }
    } else {
        format!("{} days", (minutes as f64 / 1440.0).round() as i64)
    }
}

/// A reading as people write it: at most two decimals, no trailing zeros, with its unit.
pub fn reading(value: f64, unit: Option<&str>) -> String {
    let mut text = format!("{value:.2}");
    while text.ends_with('0') {
        text.pop();
    }
    if text.ends_with('.') {
        text.pop();
    }
    if text == "-0" {
        text = "0".to_string();
    }
    match unit.map(str::trim).filter(|unit| !unit.is_empty()) {
        Some(unit) => format!("{text} {unit}"),
        None => text,
    }
}

/// "about 3 days", "about 5 hours", "less than an hour".
pub fn time_until(days: f64) -> String {
    if days < 1.0 / 24.0 {
        "less than an hour".to_string()
    } else if days < 2.0 {
        format!("about {}", count((days * 24.0).round() as usize, "hour", "hours"))
    } else {
        format!("about {} days", days.round() as i64)
    }
}
