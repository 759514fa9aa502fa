//! The story's reopen chapter: Ben sends Cleo's till count back with a reason (the task
//! opens again with a fresh deadline and reminder, Cleo hears why, the run is no longer
//! done), then runs started by another system with an idempotency key.

use super::reminders::Closing;
use super::work::Work;
use super::{Cast, Processes, conflict, kinds, mins, not_found};
use crate::*;
use jiff::SignedDuration;
use proofline_core::TaskId;
use proofline_core::notice::NoticeKind;
use proofline_core::task::TaskState;
use serde_json::json;

pub(super) async fn chapter(store: &dyn Store, cast: &Cast, p: &Processes, w: &Work, c: &Closing) {
    send_back(store, cast, p, w, c).await;
    idempotent_runs(store, cast, p, c).await;
}

fn ms(t: jiff::Timestamp) -> i64 {
    t.as_millisecond()
}

async fn completions_of(store: &dyn Store, task: TaskId) -> usize {
    let all = store.unrouted_notices(1000).await.unwrap();
    all.iter().filter(|n| n.kind == NoticeKind::TaskCompleted && n.task == Some(task)).count()
}

async fn send_back(store: &dyn Store, cast: &Cast, p: &Processes, w: &Work, c: &Closing) {
    let Cast { acme, globex, ben, cleo, .. } = *cast;
    let t = c.start;
    let change = TaskReturn {
        org: acme,
        task: c.till,
        rev: 1,
        by: ben,
        reason: "The count is off by 20 €".into(),
        due_at: t + mins(160),
        now: t + mins(100),
    };
    conflict(store.return_task(&change).await, "sending back work that changed since it was read");
    let change = TaskReturn { rev: 2, ..change };
    not_found(store.return_task(&TaskReturn { org: globex, ..change.clone() }).await, "a task of another organization");
    not_found(
        store.return_task(&TaskReturn { task: TaskId(i64::MAX), ..change.clone() }).await,
        "a task that does not exist",
    );
    conflict(
        store.return_task(&TaskReturn { task: w.skipped, rev: 0, ..change.clone() }).await,
        "only done or submitted work can be sent back",
    );
    assert_eq!(store.get_task(acme, c.till).await.unwrap().state, TaskState::Done, "a refused return changes nothing");

    store.return_task(&change).await.unwrap();
    let till = store.get_task(acme, c.till).await.unwrap();
    assert_eq!(
        (till.state, till.completed_at, till.due_at, till.rev, till.holder),
        (TaskState::Open, None, t + mins(160), 3, cleo),
        "the work is Cleo's again, with a fresh deadline"
    );
    assert_eq!(store.get_run(acme, c.run).await.unwrap().state, RunState::Active, "the run is not done any more");
    let history = store.task_history(acme, c.till).await.unwrap();
    let returned = history.last().expect("the return is logged");
    assert_eq!(
        *returned,
        EventRecord {
            id: returned.id,
            at: t + mins(100),
            kind: "returned".into(),
            task: Some(c.till),
            run: Some(c.run),
            process: Some(p.closing),
            actor: Some(ben),
            from_state: Some("done".into()),
            to_state: Some("open".into()),
            from_holder: Some(cleo),
            to_holder: Some(cleo),
            data: json!({"reason": "The count is off by 20 €"}),
        }
    );
    let notice = &store.list_notices(acme, cleo, false, None, 1).await.unwrap()[0];
    assert_eq!(
        (notice.kind, notice.key.clone(), notice.task, notice.created_at, &notice.data),
        (
            NoticeKind::TaskReturned,
            format!("task.returned:{}:3", c.till),
            Some(c.till),
            t + mins(100),
            &json!({"by": ben, "reason": "The count is off by 20 €", "due_at": ms(t + mins(160))})
        ),
        "Cleo hears who sent it back, why, and by when"
    );
    let due =
        |now| async move { store.due_reminders(now, 100).await.unwrap().into_iter().map(|t| t.id).collect::<Vec<_>>() };
    assert_eq!(due(t + mins(139)).await, []);
    assert_eq!(due(t + mins(140)).await, [c.till], "reminded again before the new deadline");
    conflict(store.return_task(&change).await, "sending the same work back twice");

    // Cleo submits a recount for approval: not finished, so connected systems hear nothing.
    let submit = Completion {
        org: acme,
        task: c.till,
        rev: 3,
        from_state: TaskState::Open,
        to_state: TaskState::Submitted,
        by: cleo,
        holder: cleo,
        handoff: None,
        evidence: json!({"number": 1480}),
        exceptions: vec![],
        readings: vec![],
        unblock: vec![],
        follow_up: None,
        now: t + mins(110),
    };
    store.complete_task(&submit).await.unwrap();
    assert_eq!(completions_of(store, c.till).await, 1, "only the first, finished count was told");
    assert_eq!(due(t + mins(140)).await, [], "submitted work is not reminded");
    let again =
        TaskReturn { rev: 4, due_at: t + mins(180), now: t + mins(120), reason: "Sign it too".into(), ..change };
    store.return_task(&again).await.unwrap();
    let history = store.task_history(acme, c.till).await.unwrap();
    assert_eq!(kinds(&history[history.len() - 3..]), ["returned", "submitted", "returned"]);
    assert_eq!(history.last().unwrap().from_state.as_deref(), Some("submitted"), "submitted work can be sent back too");
    assert_eq!(store.get_task(acme, c.till).await.unwrap().rev, 5);

    let done = Completion { rev: 5, to_state: TaskState::Done, now: t + mins(130), ..submit };
    store.complete_task(&done).await.unwrap();
    assert_eq!(store.get_run(acme, c.run).await.unwrap().state, RunState::Done);
    assert_eq!(completions_of(store, c.till).await, 2, "each finishing submission is told");
}

/// Another system starts closing runs with a key; asking twice starts one.
async fn idempotent_runs(store: &dyn Store, cast: &Cast, p: &Processes, c: &Closing) {
    let Cast { acme, globex, ben, cleo, .. } = *cast;
    let at = c.start + SignedDuration::from_hours(24);
    let run = |scheduled_for, key: &str| NewRun {
        org: acme,
        process: p.closing,
        version: 1,
        scheduled_for,
        trigger: "event:close".into(),
        started_by: Some(ben),
        state: RunState::Active,
        reason: None,
        idempotency_key: Some(key.into()),
        tasks: vec![NewTask {
            step_index: 0,
            title: "Lock the back door".into(),
            state: TaskState::Waiting,
            blocked: false,
            holder: cleo,
            opens_at: scheduled_for,
            due_at: scheduled_for + mins(60),
            window_ms: 60 * 60_000,
        }],
    };
    assert_eq!(
        store.materialize(&[run(at, "order-42")], &[], &[], at).await.unwrap(),
        MaterializeOutcome { runs: 1, tasks: 1 }
    );
    let found = store.find_run_by_key(acme, p.closing, "order-42").await.unwrap().expect("found by its key");
    assert_eq!(
        (found.scheduled_for, found.trigger.as_str(), found.idempotency_key.as_deref()),
        (at, "event:close", Some("order-42"))
    );
    assert_eq!(store.get_run(acme, found.id).await.unwrap(), found);
    assert_eq!(store.find_run(acme, p.closing, at).await.unwrap(), Some(found.clone()));

    let retried = at + mins(1);
    assert_eq!(
        store.materialize(&[run(retried, "order-42")], &[], &[], retried).await.unwrap(),
        MaterializeOutcome::default(),
        "a second request with the same key starts nothing"
    );
    assert_eq!(store.find_run(acme, p.closing, retried).await.unwrap(), None);
    let twice = [run(at + mins(2), "order-43"), run(at + mins(3), "order-43")];
    assert_eq!(
        store.materialize(&twice, &[], &[], at + mins(2)).await.unwrap(),
        MaterializeOutcome { runs: 1, tasks: 1 },
        "nor does the same key twice in one batch"
    );
    let other = NewRun { process: p.opening, version: 2, ..run(at, "order-42") };
    assert_eq!(store.materialize(&[other], &[], &[], at).await.unwrap().runs, 1, "a key is unique per process");

    assert_eq!(store.find_run_by_key(acme, p.closing, "order-44").await.unwrap(), None);
    assert_eq!(store.find_run_by_key(globex, p.closing, "order-42").await.unwrap(), None, "nor across organizations");
    let opening = store.find_run_by_key(acme, p.opening, "order-42").await.unwrap().expect("the opening run");
    assert_ne!(opening.id, found.id);
    let tasks = store.list_tasks(acme, &TaskQuery { run: Some(found.id), ..TaskQuery::default() }).await.unwrap();
    assert_eq!(tasks.len(), 1, "the refused request added no tasks to the first run");
}
