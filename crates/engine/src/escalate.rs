//! Escalate: every open task whose window closed moves to the next level of its chain
//! (or becomes unresolved), in claimed batches, each move a compare-and-set.

use crate::materialize::rotation_updates;
use crate::{Engine, EngineError};
use jiff::Timestamp;
use proofline_core::OrgId;
use proofline_core::escalation::{Parties, next_move};
use proofline_core::roster::Roster;
use proofline_store::TaskMove;
use std::collections::HashMap;

const MAX_BATCHES_PER_PASS: usize = 10_000;

impl Engine {
    /// Opens waiting tasks whose start has come and whose dependencies are done.
    pub async fn open_once(&self, now: Timestamp) -> Result<u64, EngineError> {
        let mut total = 0;
        loop {
            let opened = self.store.open_ready(now, self.config.batch).await?;
            total += opened;
            if opened < u64::from(self.config.batch) {
                return Ok(total);
            }
        }
    }

    /// Moves every task whose window has closed by `now`; returns how many moved.
    pub async fn escalate_once(&self, now: Timestamp) -> Result<u64, EngineError> {
        let mut moved = 0;
        let mut rosters: HashMap<OrgId, Roster> = HashMap::new();
        for _ in 0..MAX_BATCHES_PER_PASS {
            // On a shared database other engines skip the tasks claimed here.
            let claim = self.store.claim_escalations(now, self.config.batch).await?;
            let due = claim.tasks();
            if due.is_empty() {
                break;
            }
            let claimed = due.len();
            let wanted: Vec<_> = due.iter().map(|t| (t.process, t.version)).collect();
            let definitions = self.definitions.get_many(&wanted).await?;
            let mut moves = Vec::with_capacity(due.len());
            for task in due {
                let Some(definition) = definitions.get(&(task.process, task.version)) else {
                    continue;
                };
                let roster = self.roster(&mut rosters, task.org).await?;
                let parties = Parties { assignee: task.assignee, owner: definition.owner, submitter: task.submitter };
                let outcome = next_move(&definition.escalation, task.level, task.holder, parties, now, roster);
                moves.push(TaskMove {
                    task: task.id,
                    org: task.org,
                    rev: task.rev,
                    missed_by: task.holder,
                    from_level: task.level,
                    missed_due_at: task.due_at,
                    outcome,
                    from_state: task.state,
                    submitter: task.submitter,
                });
            }
            let rotations = rotation_updates(&mut rosters);
            let applied = claim.apply(&moves, &rotations, now).await?;
            moved += applied;
            if (claimed as u32) < self.config.batch || applied == 0 {
                break;
            }
        }
        Ok(moved)
    }
}
