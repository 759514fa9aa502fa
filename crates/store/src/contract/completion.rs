//! The story's last part: proof completes tasks (or is refused), dependents unblock, runs
//! finish; then listings, the engine's next wakeup and evidence files.

use super::work::{HORIZON_MS, Work};
use super::{Cast, Processes, conflict, kinds, mins, not_found};
use crate::*;
use jiff::SignedDuration;
use proofline_core::process::ProcessStatus;
use proofline_core::proof::Exception;
use proofline_core::task::TaskState;
use proofline_core::{PersonId, RunId, TaskId};
use serde_json::json;

pub(super) async fn chapter(store: &dyn Store, cast: &Cast, p: &Processes, w: &Work) {
    fridge(store, cast, p, w).await;
    door(store, cast, p, w).await;
    inbox(store, cast, p, w).await;
    listings(store, cast, w).await;
    wakeups_and_blobs(store, cast, p).await;
}

async fn run_state(store: &dyn Store, cast: &Cast, run: RunId) -> RunState {
    store.get_run(cast.acme, run).await.unwrap().state
}

/// Ben, now holding the fridge reading, submits it; wrong reads are refused first.
async fn fridge(store: &dyn Store, cast: &Cast, p: &Processes, w: &Work) {
    let Cast { acme, globex, ben, .. } = *cast;
    let r = p.first_run;
    let evidence = json!({"number": 3.5, "photo": ["sha-fridge"]});
    let completion = Completion {
        org: acme,
        task: w.fridge,
        rev: 1,
        from_state: TaskState::Open,
        to_state: TaskState::Done,
        by: ben,
        holder: ben,
        handoff: None,
        evidence: evidence.clone(),
        exceptions: vec![],
        readings: vec![],
        unblock: vec![w.door],
        follow_up: None,
        now: r + mins(70),
    };
    conflict(store.complete_task(&completion).await, "completing a task that moved since it was read");
    conflict(
        store.complete_task(&Completion { rev: 2, from_state: TaskState::Unresolved, ..completion.clone() }).await,
        "completing a task from a state it is not in",
    );
    not_found(
        store.complete_task(&Completion { org: globex, rev: 2, ..completion.clone() }).await,
        "completing a task of another organization",
    );
    assert!(store.submissions(acme, w.fridge).await.unwrap().is_empty(), "a refused completion leaves no submission");

    let completion = Completion { rev: 2, ..completion };
    let submission = store.complete_task(&completion).await.unwrap();
    let fridge = store.get_task(acme, w.fridge).await.unwrap();
    assert_eq!(
        (fridge.state, fridge.completed_at, fridge.rev, fridge.holder),
        (TaskState::Done, Some(r + mins(70)), 3, ben)
    );
    assert_eq!(
        store.submissions(acme, w.fridge).await.unwrap(),
        [SubmissionRecord {
            id: submission,
            task: w.fridge,
            by: ben,
            at: r + mins(70),
            evidence,
            exceptions: vec![],
            verdict: None
        }]
    );
    assert!(store.submissions(globex, w.fridge).await.unwrap().is_empty());
    let history = store.task_history(acme, w.fridge).await.unwrap();
    assert_eq!(
        kinds(&history),
        ["created", "opened", "escalated", "completed"],
        "the history tells the task's story in order"
    );
    let completed = &history[3];
    assert_eq!(
        (
            completed.at,
            completed.actor,
            completed.from_state.as_deref(),
            completed.to_state.as_deref(),
            completed.from_holder,
            completed.to_holder,
            &completed.data["submission"]
        ),
        (r + mins(70), Some(ben), Some("open"), Some("done"), Some(ben), Some(ben), &json!(submission))
    );
    let door = store.get_task(acme, w.door).await.unwrap();
    assert_eq!(
        (door.state, door.blocked, door.rev),
        (TaskState::Waiting, false, 1),
        "completing a step unblocks the steps that depend on it"
    );
    assert_eq!(run_state(store, cast, w.run).await, RunState::Active, "the run goes on while a step is unfinished");
    conflict(store.complete_task(&completion).await, "completing the same task twice");
    assert_eq!(store.submissions(acme, w.fridge).await.unwrap().len(), 1);
}

/// Cleo signs for the door late; it needs Ben's approval before the run is done. Ben
/// first sends it back, then approves the second try.
async fn door(store: &dyn Store, cast: &Cast, p: &Processes, w: &Work) {
    let Cast { acme, ben, cleo, .. } = *cast;
    let r = p.first_run;
    assert_eq!(store.open_ready(r + mins(70), 10).await.unwrap(), 1);
    let door = store.get_task(acme, w.door).await.unwrap();
    assert_eq!((door.state, door.due_at, door.rev), (TaskState::Open, r + mins(100), 2));
    let late = vec![Exception { key: "signature".into(), message: "signed after the deadline".into() }];
    let submitted = Completion {
        org: acme,
        task: w.door,
        rev: 2,
        from_state: TaskState::Open,
        to_state: TaskState::Submitted,
        by: cleo,
        holder: cleo,
        handoff: Some(Handoff { approver: ben, due_at: r + mins(155), rotations: vec![] }),
        evidence: json!({"signature": {"name": "Cleo Park", "attested": true}}),
        exceptions: late.clone(),
        readings: vec![],
        unblock: vec![],
        follow_up: None,
        now: r + mins(95),
    };
    let first = store.complete_task(&submitted).await.unwrap();
    let door = store.get_task(acme, w.door).await.unwrap();
    assert_eq!(
        (door.state, door.completed_at, door.rev, door.holder, door.due_at, door.level),
        (TaskState::Submitted, None, 3, ben, r + mins(155), 0),
        "submitted proof is not done yet: the approver holds it until the approval is due"
    );
    let history = store.task_history(acme, w.door).await.unwrap();
    let last = history.last().expect("the submission is logged");
    assert_eq!((last.kind.as_str(), last.actor, &last.data["exceptions"]), ("submitted", Some(cleo), &json!(late)));
    assert_eq!((last.from_holder, last.to_holder), (Some(cleo), Some(ben)));
    assert_eq!(run_state(store, cast, w.run).await, RunState::Active, "a step waiting for approval is not finished");
    let due = store.due_for_escalation(r + mins(155), 10).await.unwrap();
    let waiting = due.iter().find(|d| d.id == w.door).expect("an approval not given in time is due to move on");
    assert_eq!((waiting.state, waiting.submitter, waiting.holder), (TaskState::Submitted, Some(cleo), ben));

    let rejected = Verdict {
        org: acme,
        task: w.door,
        rev: 3,
        submission: first,
        submitter: cleo,
        by: ben,
        outcome: VerdictOutcome::Rejected { to: cleo, due_at: r + mins(130) },
        reason: "The back door is not in the photo".into(),
        unblock: vec![],
        follow_up: None,
        now: r + mins(100),
    };
    store.give_verdict(&rejected).await.unwrap();
    let door = store.get_task(acme, w.door).await.unwrap();
    assert_eq!((door.state, door.holder, door.due_at, door.rev), (TaskState::Open, cleo, r + mins(130), 4));
    assert!(matches!(store.give_verdict(&rejected).await, Err(StoreError::Conflict(_))), "a verdict is given once");

    let again = Completion { rev: 4, exceptions: vec![], now: r + mins(110), ..submitted.clone() };
    let second = store.complete_task(&again).await.unwrap();
    let approved = Verdict {
        rev: 5,
        submission: second,
        outcome: VerdictOutcome::Approved,
        reason: String::new(),
        now: r + mins(115),
        ..rejected
    };
    store.give_verdict(&approved).await.unwrap();
    let submissions = store.submissions(acme, w.door).await.unwrap();
    let verdicts: Vec<_> = submissions
        .iter()
        .map(|s| (s.id, s.by, s.verdict.as_ref().map(|v| (v.state, v.by, v.reason.clone()))))
        .collect();
    assert_eq!(
        verdicts,
        [
            (first, cleo, Some((VerdictState::Rejected, Some(ben), Some("The back door is not in the photo".into())))),
            (second, cleo, Some((VerdictState::Approved, Some(ben), None))),
        ],
        "every submission is kept, in order, with its verdict"
    );
    let door = store.get_task(acme, w.door).await.unwrap();
    assert_eq!((door.state, door.completed_at, door.holder), (TaskState::Done, Some(r + mins(115)), cleo));
    let kinds: Vec<String> = store.task_history(acme, w.door).await.unwrap().into_iter().map(|e| e.kind).collect();
    assert!(
        kinds.ends_with(&["submitted".into(), "rejected".into(), "submitted".into(), "approved".into()]),
        "{kinds:?}"
    );
    assert_eq!(run_state(store, cast, w.run).await, RunState::Done, "the run is done once every task is final");
}

/// Ana clears the unresolved closing task from her inbox.
async fn inbox(store: &dyn Store, cast: &Cast, p: &Processes, w: &Work) {
    let Cast { acme, ana, .. } = *cast;
    let r = p.first_run;
    store
        .complete_task(&Completion {
            org: acme,
            task: w.lock,
            rev: 2,
            from_state: TaskState::Unresolved,
            to_state: TaskState::Done,
            by: ana,
            holder: ana,
            handoff: None,
            evidence: json!({"text": "Locked it myself."}),
            exceptions: vec![],
            readings: vec![],
            unblock: vec![],
            follow_up: None,
            now: r + mins(120),
        })
        .await
        .unwrap();
    assert_eq!(run_state(store, cast, w.manual_run).await, RunState::Done);
    assert_eq!(run_state(store, cast, w.skipped_run).await, RunState::Skipped, "a skipped run stays skipped");
}

async fn listings(store: &dyn Store, cast: &Cast, w: &Work) {
    let Cast { acme, globex, ana, ben, cleo, .. } = *cast;
    let ids = |org, query: TaskQuery| async move {
        store.list_tasks(org, &query).await.unwrap().into_iter().map(|t| t.id).collect::<Vec<TaskId>>()
    };
    let holder = |p: PersonId| TaskQuery { holder: Some(p), ..TaskQuery::default() };
    let states = |s: &[TaskState]| TaskQuery { states: s.to_vec(), ..TaskQuery::default() };
    assert_eq!(
        ids(acme, TaskQuery::default()).await,
        [w.skipped, w.lock, w.fridge, w.door],
        "tasks are listed by deadline"
    );
    assert_eq!(ids(acme, holder(ben)).await, [w.fridge]);
    assert_eq!(ids(acme, holder(cleo)).await, [w.skipped, w.door], "approved work is back with whoever did it");
    assert_eq!(ids(acme, holder(ana)).await, [w.lock]);
    assert_eq!(ids(acme, states(&[TaskState::Done])).await, [w.lock, w.fridge, w.door]);
    assert_eq!(ids(acme, states(&[TaskState::Skipped, TaskState::Waiting])).await, [w.skipped]);
    assert_eq!(ids(acme, states(&[TaskState::Open])).await, []);
    assert_eq!(ids(acme, TaskQuery { run: Some(w.run), ..TaskQuery::default() }).await, [w.fridge, w.door]);
    assert_eq!(ids(acme, TaskQuery { run: Some(w.run), ..holder(cleo) }).await, [w.door], "filters combine");
    assert_eq!(ids(acme, TaskQuery { limit: 2, ..TaskQuery::default() }).await, [w.skipped, w.lock]);
    assert_eq!(ids(globex, TaskQuery::default()).await, []);
}

async fn wakeups_and_blobs(store: &dyn Store, cast: &Cast, p: &Processes) {
    let r = p.first_run;
    let next_run = r + SignedDuration::from_hours(24);
    assert_eq!(
        store.next_wakeup(HORIZON_MS).await.unwrap(),
        Some(next_run - mins(15)),
        "with all work finished, the engine wakes a horizon ahead of the next run"
    );
    assert_eq!(store.next_wakeup(0).await.unwrap(), Some(next_run));
    store.set_status(cast.acme, p.opening, ProcessStatus::Paused, Some(next_run), r + mins(130)).await.unwrap();
    assert_eq!(store.next_wakeup(HORIZON_MS).await.unwrap(), None, "nothing scheduled, nothing open: no wakeup");

    let now = r + mins(70);
    store.record_blob("sha-fridge", "image/jpeg", 2048, now).await.unwrap();
    store.record_blob("sha-fridge", "image/jpeg", 2048, now).await.expect("recording the same file twice is harmless");
    store
        .record_blob("sha-fridge", "image/png", 2048, now + mins(1))
        .await
        .expect("a file is identified by its hash alone");
}
