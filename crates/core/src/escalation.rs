//! Escalation: when a holder's window closes, the task moves to the next level of its
//! chain, skipping people who are away, and after the last level it is unresolved.

use crate::roster::Roster;
use crate::span::Span;
use crate::{PersonId, RoleId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Who a level of the chain (or a step) hands work to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    Person(PersonId),
    Role(RoleId),
    /// The manager of the person the step was first assigned to.
    Manager,
    /// The process owner.
    Owner,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Level {
    pub to: Target,
    /// How long the new holder has before the task moves on again.
    pub window: Span,
}

/// The ordered levels a missed task climbs. Never empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Level>", into = "Vec<Level>")]
pub struct EscalationChain(Vec<Level>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error("an escalation chain needs at least one level (e.g. to the process owner after 1h)")]
    Empty,
    #[error("level {0} has a zero window: the task would move on the moment it arrives")]
    ZeroWindow(usize),
}

impl EscalationChain {
    pub fn new(levels: Vec<Level>) -> Result<EscalationChain, ChainError> {
        if levels.is_empty() {
            return Err(ChainError::Empty);
        }
        if let Some(i) = levels.iter().position(|l| l.window == Span::ZERO) {
            return Err(ChainError::ZeroWindow(i + 1));
        }
        Ok(EscalationChain(levels))
    }

    /// The simplest chain: missed work goes to the process owner, who has `window` (at
    /// least a second) before it stands unresolved.
    pub fn owner_after(window: Span) -> EscalationChain {
        let window = if window == Span::ZERO { Span::from_secs(1) } else { window };
        EscalationChain(vec![Level { to: Target::Owner, window }])
    }

    pub fn levels(&self) -> &[Level] {
        &self.0
    }
}

impl TryFrom<Vec<Level>> for EscalationChain {
    type Error = ChainError;
    fn try_from(levels: Vec<Level>) -> Result<Self, ChainError> {
        EscalationChain::new(levels)
    }
}

impl From<EscalationChain> for Vec<Level> {
    fn from(chain: EscalationChain) -> Vec<Level> {
        chain.0
    }
}

/// What happens to a task whose window closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// Reassigned to `holder` at chain `level` (1-based), due at `due_at`.
    To { level: u32, holder: PersonId, due_at: Timestamp },
    /// The chain is exhausted: the owner holds it, in their inbox.
    Unresolved { holder: PersonId },
}

/// The people a decision is about.
#[derive(Debug, Clone, Copy)]
pub struct Parties {
    /// Who the step was first assigned to (level 0); "manager" means theirs.
    pub assignee: PersonId,
    pub owner: PersonId,
    /// Whoever submitted evidence that waits for approval: never its approver.
    pub submitter: Option<PersonId>,
}

/// Resolves one target to an available person other than `exclude`.
pub fn resolve(
    target: Target,
    parties: Parties,
    at: Timestamp,
    exclude: Option<PersonId>,
    roster: &mut Roster,
) -> Option<PersonId> {
    let excluded: Vec<PersonId> = exclude.into_iter().chain(parties.submitter).collect();
    let usable = |p: PersonId, roster: &Roster| roster.is_available(p, at) && !excluded.contains(&p);
    match target {
        Target::Person(p) => usable(p, roster).then_some(p),
        Target::Role(role) => roster.pick(role, at, &excluded),
        Target::Manager => roster.manager_of(parties.assignee).filter(|m| usable(*m, roster)),
        Target::Owner => usable(parties.owner, roster).then_some(parties.owner),
    }
}

/// Who takes new work meant for `target` (an approval, a corrective action): `target`,
/// else the first level of `chain` with someone available, else the process owner, so
/// the work is never left without a holder.
pub fn resolve_or_chain(
    target: Target,
    chain: &EscalationChain,
    parties: Parties,
    at: Timestamp,
    roster: &mut Roster,
) -> PersonId {
    resolve(target, parties, at, None, roster)
        .or_else(|| chain.levels().iter().find_map(|l| resolve(l.to, parties, at, None, roster)))
        .unwrap_or(parties.owner)
}

/// The move for a task at `level` whose holder `missed_by` let the window close at `now`.
/// Work waiting for approval climbs the same chain, never reaching its submitter.
pub fn next_move(
    chain: &EscalationChain,
    level: u32,
    missed_by: PersonId,
    parties: Parties,
    now: Timestamp,
    roster: &mut Roster,
) -> Move {
    for (index, step) in chain.levels().iter().enumerate().skip(level as usize) {
        if let Some(holder) = resolve(step.to, parties, now, Some(missed_by), roster) {
            return Move::To { level: index as u32 + 1, holder, due_at: now + step.window.as_duration() };
        }
    }
    Move::Unresolved { holder: parties.owner }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roles::{PickRule, Rotation};
    use crate::roster::Member;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn roster() -> Roster {
        let mut roster = Roster::default();
        for (id, manager) in [(1, Some(9)), (2, None), (3, None), (9, None), (10, None)] {
            roster
                .people
                .insert(PersonId(id), Member { away_until: None, manager: manager.map(PersonId), active: true });
        }
        roster.roles.insert(
            RoleId(7),
            Rotation { members: vec![PersonId(2), PersonId(3)], rule: PickRule::RoundRobin, cursor: 0 },
        );
        roster
    }

    fn chain() -> EscalationChain {
        EscalationChain::new(vec![
            Level { to: Target::Role(RoleId(7)), window: Span::from_secs(1800) },
            Level { to: Target::Manager, window: Span::from_secs(3600) },
            Level { to: Target::Owner, window: Span::from_secs(7200) },
        ])
        .unwrap()
    }

    const PARTIES: Parties = Parties { assignee: PersonId(1), owner: PersonId(10), submitter: None };

    #[test]
    fn a_missed_task_climbs_each_level_with_a_fresh_window() {
        let mut roster = roster();
        let now = t("2026-01-05T08:00:00Z");
        let first = next_move(&chain(), 0, PersonId(1), PARTIES, now, &mut roster);
        assert_eq!(first, Move::To { level: 1, holder: PersonId(2), due_at: t("2026-01-05T08:30:00Z") });
        let second = next_move(&chain(), 1, PersonId(2), PARTIES, now, &mut roster);
        assert_eq!(second, Move::To { level: 2, holder: PersonId(9), due_at: t("2026-01-05T09:00:00Z") });
        let third = next_move(&chain(), 2, PersonId(9), PARTIES, now, &mut roster);
        assert_eq!(third, Move::To { level: 3, holder: PersonId(10), due_at: t("2026-01-05T10:00:00Z") });
        assert_eq!(
            next_move(&chain(), 3, PersonId(10), PARTIES, now, &mut roster),
            Move::Unresolved { holder: PersonId(10) }
        );
    }

    #[test]
    fn away_people_are_skipped() {
        let mut roster = roster();
        let now = t("2026-01-05T08:00:00Z");
        for p in [2, 3] {
            roster.people.get_mut(&PersonId(p)).unwrap().away_until = Some(t("2026-01-10T00:00:00Z"));
        }
        let moved = next_move(&chain(), 0, PersonId(1), PARTIES, now, &mut roster);
        assert_eq!(moved, Move::To { level: 2, holder: PersonId(9), due_at: t("2026-01-05T09:00:00Z") });
        // Once the absence ends, the role takes work again.
        let later = t("2026-01-10T00:00:00Z");
        assert!(matches!(next_move(&chain(), 0, PersonId(1), PARTIES, later, &mut roster), Move::To { level: 1, .. }));
    }

    #[test]
    fn nobody_gets_back_the_work_they_just_missed() {
        let mut roster = roster();
        let chain = EscalationChain::new(vec![Level { to: Target::Owner, window: Span::from_secs(60) }]).unwrap();
        let parties = Parties { assignee: PersonId(10), owner: PersonId(10), submitter: None };
        let moved = next_move(&chain, 0, PersonId(10), parties, t("2026-01-05T08:00:00Z"), &mut roster);
        assert_eq!(moved, Move::Unresolved { holder: PersonId(10) });
    }

    #[test]
    fn an_approval_never_climbs_to_its_submitter() {
        let mut roster = roster();
        let now = t("2026-01-05T08:00:00Z");
        // Person 2 submitted; 3 let the approval lapse: the role has nobody else, so the
        // assignee's manager gets it.
        let parties = Parties { submitter: Some(PersonId(2)), ..PARTIES };
        let moved = next_move(&chain(), 0, PersonId(3), parties, now, &mut roster);
        assert_eq!(moved, Move::To { level: 2, holder: PersonId(9), due_at: t("2026-01-05T09:00:00Z") });
        let owner_submitted = Parties { submitter: Some(PersonId(10)), ..PARTIES };
        assert_eq!(
            next_move(&chain(), 2, PersonId(9), owner_submitted, now, &mut roster),
            Move::Unresolved { holder: PersonId(10) }
        );
    }

    #[test]
    fn an_empty_chain_or_a_zero_window_is_refused() {
        assert_eq!(EscalationChain::new(vec![]), Err(ChainError::Empty));
        let zero = vec![Level { to: Target::Owner, window: Span::ZERO }];
        assert_eq!(EscalationChain::new(zero), Err(ChainError::ZeroWindow(1)));
        assert!(serde_json::from_str::<EscalationChain>("[]").is_err());
    }
}
