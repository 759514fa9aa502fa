//! Who can take work right now: availability, managers and role rotations of one
//! organization, as loaded by the engine for one batch of decisions.

use crate::roles::Rotation;
use crate::{PersonId, RoleId};
use jiff::Timestamp;
use std::collections::HashMap;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Member {
    pub away_until: Option<Timestamp>,
    pub manager: Option<PersonId>,
    pub active: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Roster {
    pub people: HashMap<PersonId, Member>,
    pub roles: HashMap<RoleId, Rotation>,
    /// Open tasks per person, for least-loaded picking.
    pub load: HashMap<PersonId, u64>,
    /// Roles whose rotation moved, so the engine saves only those cursors.
    pub touched_roles: Vec<RoleId>,
}

impl Roster {
    pub fn is_available(&self, person: PersonId, at: Timestamp) -> bool {
        self.people.get(&person).is_some_and(|m| m.active && m.away_until.is_none_or(|until| until <= at))
    }

    pub fn manager_of(&self, person: PersonId) -> Option<PersonId> {
        self.people.get(&person).and_then(|m| m.manager)
    }

    /// Picks a member of `role` for work starting `at`, never one of `exclude`.
    pub fn pick(&mut self, role: RoleId, at: Timestamp, exclude: &[PersonId]) -> Option<PersonId> {
        let mut rotation = self.roles.get(&role)?.clone();
        let available = |p: PersonId| self.is_available(p, at) && !exclude.contains(&p);
        let picked = rotation.pick(available, |p| self.load.get(&p).copied().unwrap_or(0), None);
        if let Some(person) = picked {
            *self.load.entry(person).or_default() += 1;
            if !self.touched_roles.contains(&role) {
                self.touched_roles.push(role);
            }
        }
        self.roles.insert(role, rotation);
        picked
    }
}
