//! A person's figures over a time range: what they were given, what they did on time,
//! what they let pass, and how much work the escalation chain moved to and from them.

use crate::history::{Moved, Outcome};
use crate::ids::PersonId;
use crate::task::TaskState;
use jiff::Timestamp;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PersonFigures {
    pub person: PersonId,
    /// Tasks they held first (level 0) that count (not cancelled or skipped).
    pub held: u32,
    /// Of those, done by the first deadline.
    pub done_on_time: u32,
    /// Of those, the window passed: the task moved on or ended unresolved.
    pub missed: u32,
    /// Done on time / held; `None` when they held nothing.
    pub on_time_rate: Option<f64>,
    /// Moves that handed them someone else's missed work.
    pub moved_to: u32,
    /// Moves that took work away from them because they let its window pass.
    pub moved_from: u32,
}

/// Everyone who held a counting task scheduled in `[from, to)` or took part in a move at
/// an instant in `[from, to)`, ordered by person id.
pub fn person_figures(outcomes: &[Outcome], moves: &[Moved], from: Timestamp, to: Timestamp) -> Vec<PersonFigures> {
    let mut people = People::default();
    for outcome in outcomes {
        if !(from..to).contains(&outcome.scheduled_for) || !outcome.counts() {
            continue;
        }
        let figures = people.get(outcome.assignee);
        figures.held += 1;
        if outcome.state == TaskState::Done && !outcome.late() {
            figures.done_on_time += 1;
        }
        if outcome.missed() {
            figures.missed += 1;
        }
    }
    for moved in moves.iter().filter(|m| (from..to).contains(&m.at)) {
        people.get(moved.from).moved_from += 1;
        people.get(moved.to).moved_to += 1;
    }
    let mut out = people.figures;
    for f in &mut out {
        f.on_time_rate = (f.held > 0).then(|| f64::from(f.done_on_time) / f64::from(f.held));
    }
    out.sort_unstable_by_key(|f| f.person);
    out
}

/// Figures by person. A team is small and its ids repeat all through history, so a tiny
/// direct-mapped cache in front of the map spares most lookups over millions of tasks.
#[derive(Default)]
struct People {
    figures: Vec<PersonFigures>,
    index: HashMap<PersonId, usize>,
    recent: [Option<(PersonId, usize)>; 16],
}

impl People {
    fn get(&mut self, person: PersonId) -> &mut PersonFigures {
        let way = (person.0 as usize) % self.recent.len();
        let slot = match self.recent[way] {
            Some((known, slot)) if known == person => slot,
            _ => {
                let slot = *self.index.entry(person).or_insert_with(|| {
                    self.figures.push(PersonFigures {
                        person,
                        held: 0,
                        done_on_time: 0,
                        missed: 0,
                        on_time_rate: None,
                        moved_to: 0,
                        moved_from: 0,
                    });
                    self.figures.len() - 1
                });
                self.recent[way] = Some((person, slot));
                slot
            }
        };
        &mut self.figures[slot]
    }
}

/// Adds `more` (another process's figures, say) into `into`, keeping it ordered by person,
/// so figures can be built one process at a time without holding every outcome at once.
pub fn merge_person_figures(into: &mut Vec<PersonFigures>, more: Vec<PersonFigures>) {
    for figures in more {
        match into.binary_search_by_key(&figures.person, |f| f.person) {
            Ok(i) => {
                let f = &mut into[i];
                f.held += figures.held;
                f.done_on_time += figures.done_on_time;
                f.missed += figures.missed;
                f.moved_to += figures.moved_to;
                f.moved_from += figures.moved_from;
                f.on_time_rate = (f.held > 0).then(|| f64::from(f.done_on_time) / f64::from(f.held));
            }
            Err(i) => into.insert(i, figures),
        }
    }
}

#[cfg(test)]
mod merge_tests {
    use super::*;

    fn figures(person: i64, held: u32, done_on_time: u32, moved_to: u32) -> PersonFigures {
        PersonFigures {
            person: PersonId(person),
            held,
            done_on_time,
            missed: held - done_on_time,
            on_time_rate: (held > 0).then(|| f64::from(done_on_time) / f64::from(held)),
            moved_to,
            moved_from: 0,
        }
    }

    #[test]
    fn figures_merge_person_by_person() {
        let mut all = vec![figures(2, 4, 3, 0), figures(5, 2, 2, 1)];
        merge_person_figures(&mut all, vec![figures(2, 4, 1, 2), figures(3, 0, 0, 1)]);
        let people: Vec<i64> = all.iter().map(|f| f.person.0).collect();
        assert_eq!(people, [2, 3, 5]);
        assert_eq!((all[0].held, all[0].done_on_time, all[0].moved_to, all[0].on_time_rate), (8, 4, 2, Some(0.5)));
        assert_eq!(all[1].on_time_rate, None, "nobody's work held, no rate");
    }
}
