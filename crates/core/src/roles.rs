//! Roles pick a person for work addressed to "Shift lead" rather than to one name.

use crate::PersonId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PickRule {
    /// Take turns, in member order, skipping people who are away.
    #[default]
    RoundRobin,
    /// The available member holding the fewest open tasks.
    LeastLoaded,
    /// The first available member in order.
    FirstAvailable,
}

impl PickRule {
    pub fn as_str(self) -> &'static str {
        match self {
            PickRule::RoundRobin => "round_robin",
            PickRule::LeastLoaded => "least_loaded",
            PickRule::FirstAvailable => "first_available",
        }
    }

    pub fn parse(text: &str) -> Option<PickRule> {
        [PickRule::RoundRobin, PickRule::LeastLoaded, PickRule::FirstAvailable].into_iter().find(|r| r.as_str() == text)
    }
}

/// A role's members and rotation state as the engine sees them.
#[derive(Debug, Clone, PartialEq)]
pub struct Rotation {
    pub members: Vec<PersonId>,
    pub rule: PickRule,
    /// Index of the member whose turn is next (round robin).
    pub cursor: u32,
}

impl Rotation {
    /// Picks a member, advancing the turn for round robin. `exclude` is someone who must
    /// not get the work back (the person who just missed it).
    pub fn pick(
        &mut self,
        available: impl Fn(PersonId) -> bool,
        load: impl Fn(PersonId) -> u64,
        exclude: Option<PersonId>,
    ) -> Option<PersonId> {
        let eligible = |p: PersonId| available(p) && Some(p) != exclude;
        match self.rule {
            PickRule::RoundRobin => {
                let n = self.members.len();
                (0..n).find_map(|offset| {
                    let index = (self.cursor as usize + offset) % n;
                    let person = self.members[index];
                    eligible(person).then(|| {
                        self.cursor = ((index + 1) % n) as u32;
                        person
                    })
                })
            }
            PickRule::LeastLoaded => self
                .members
                .iter()
                .copied()
                .filter(|p| eligible(*p))
                .enumerate()
                .min_by_key(|(order, p)| (load(*p), *order))
                .map(|(_, p)| p),
            PickRule::FirstAvailable => self.members.iter().copied().find(|p| eligible(*p)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people(ids: &[i64]) -> Vec<PersonId> {
        ids.iter().map(|&i| PersonId(i)).collect()
    }

    #[test]
    fn round_robin_takes_turns_and_skips_people_who_are_away() {
        let mut rotation = Rotation { members: people(&[1, 2, 3]), rule: PickRule::RoundRobin, cursor: 0 };
        let away = PersonId(2);
        let picks: Vec<_> = (0..4).map(|_| rotation.pick(|p| p != away, |_| 0, None).unwrap().0).collect();
        assert_eq!(picks, [1, 3, 1, 3]);
    }

    #[test]
    fn least_loaded_and_first_available() {
        let mut rotation = Rotation { members: people(&[1, 2, 3]), rule: PickRule::LeastLoaded, cursor: 0 };
        let load = |p: PersonId| [0, 5, 2, 2][p.0 as usize];
        assert_eq!(rotation.pick(|_| true, load, None), Some(PersonId(2)));
        rotation.rule = PickRule::FirstAvailable;
        assert_eq!(rotation.pick(|p| p.0 != 1, |_| 0, None), Some(PersonId(2)));
    }

    #[test]
    fn nobody_is_picked_when_everyone_is_away_or_excluded() {
        let mut rotation = Rotation { members: people(&[1]), rule: PickRule::RoundRobin, cursor: 0 };
        assert_eq!(rotation.pick(|_| true, |_| 0, Some(PersonId(1))), None);
        rotation.members.clear();
        assert_eq!(rotation.pick(|_| true, |_| 0, None), None);
    }
}
