//! Engines sweeping the same due tasks at once through claims: however the claims
//! overlap, every task moves exactly once and every move is logged once.

use super::races::{open_run, setup};
use crate::*;
use proofline_core::TaskId;
use proofline_core::escalation::Move;
use proofline_core::task::TaskState;
use std::collections::HashMap;
use std::sync::Arc;

const TASKS: u32 = 40;
const ENGINES: usize = 3;

/// Three sweepers claim small batches of the same overdue tasks until none is left, each
/// applying its moves through its own claim.
pub async fn concurrent_claims_move_each_task_once(store: Arc<dyn Store>) {
    let s = setup(&*store).await;
    let tasks = open_run(&*store, &s, 0, TASKS).await;
    let now = tasks[0].due_at;
    let sweepers: Vec<_> = (0..ENGINES)
        .map(|_| {
            let store = Arc::clone(&store);
            let (org, manager) = (s.org, s.manager);
            tokio::spawn(async move {
                let mut moved = 0;
                loop {
                    let claim = store.claim_escalations(now, 7).await.expect("a claim");
                    if claim.tasks().is_empty() {
                        return moved;
                    }
                    let moves: Vec<TaskMove> = claim
                        .tasks()
                        .iter()
                        .map(|t| TaskMove {
                            task: t.id,
                            org,
                            rev: t.rev,
                            missed_by: t.holder,
                            from_level: t.level,
                            missed_due_at: t.due_at,
                            outcome: Move::Unresolved { holder: manager },
                            from_state: t.state,
                            submitter: t.submitter,
                        })
                        .collect();
                    moved += claim.apply(&moves, &[], now).await.expect("moves apply");
                    tokio::task::yield_now().await;
                }
            })
        })
        .collect();
    let mut moved = 0;
    for sweeper in sweepers {
        moved += sweeper.await.expect("a sweeper does not panic");
    }
    assert_eq!(moved, u64::from(TASKS), "the sweepers together moved each task once");
    let mut unresolved: HashMap<TaskId, usize> = HashMap::new();
    for task in &tasks {
        let after = store.get_task(s.org, task.id).await.unwrap();
        assert_eq!((after.state, after.holder), (TaskState::Unresolved, s.manager));
        let history = store.task_history(s.org, task.id).await.unwrap();
        *unresolved.entry(task.id).or_default() += history.iter().filter(|e| e.kind == "unresolved").count();
    }
    assert!(unresolved.values().all(|n| *n == 1), "one 'unresolved' event per task: {unresolved:?}");
    let claim = store.claim_escalations(now, 7).await.unwrap();
    assert!(claim.tasks().is_empty(), "nothing is left to claim");
}

/// For stores that lock what they claim (PostgreSQL): a claim held by one engine is not
/// handed to another, and a claim dropped without applying (an engine that died) frees
/// its tasks at once.
pub async fn held_claims_are_disjoint(store: Arc<dyn Store>) {
    let s = setup(&*store).await;
    let tasks = open_run(&*store, &s, 0, 10).await;
    let now = tasks[0].due_at;
    let ids = |claim: &dyn EscalationClaim| claim.tasks().iter().map(|t| t.id).collect::<Vec<_>>();
    let first = store.claim_escalations(now, 6).await.unwrap();
    let second = store.claim_escalations(now, 6).await.unwrap();
    let (a, b) = (ids(&*first), ids(&*second));
    assert_eq!((a.len(), b.len()), (6, 4), "the second claim takes what the first left");
    assert!(a.iter().all(|id| !b.contains(id)), "no task is in both claims");
    drop(first);
    let third = store.claim_escalations(now, 10).await.unwrap();
    assert_eq!(ids(&*third), a, "a dropped claim's tasks are free again, oldest first");
}
