//! The story's reminders chapter: two days later Cleo closes the shop. Each open task's
//! holder hears "due soon" once, the organization's lead time (20 minutes, set in the
//! settings chapter) before the deadline — unless the window is shorter than that, the
//! lead time is zero, or the task moved on (then its new holder is reminded before the
//! new deadline).

use super::{Cast, Processes, at, mins};
use crate::*;
use jiff::{SignedDuration, Timestamp};
use proofline_core::escalation::Move;
use proofline_core::notice::{NoticeKind, NotifySettings};
use proofline_core::span::Span;
use proofline_core::task::TaskState;
use proofline_core::{RunId, TaskId};
use serde_json::json;

/// The closing run of this chapter, finished at its end.
pub(super) struct Closing {
    pub start: Timestamp,
    pub run: RunId,
    /// Counted by Cleo after its reminder; sent back in the reopen chapter.
    pub till: TaskId,
}

fn task(step: u32, title: &str, holder: proofline_core::PersonId, start: Timestamp, window: i64) -> NewTask {
    NewTask {
        step_index: step,
        title: title.into(),
        state: TaskState::Waiting,
        blocked: false,
        holder,
        opens_at: start,
        due_at: start + mins(window),
        window_ms: window * 60_000,
    }
}

fn closing_run(cast: &Cast, p: &Processes, start: Timestamp, tasks: Vec<NewTask>) -> NewRun {
    NewRun {
        org: cast.acme,
        process: p.closing,
        version: 1,
        scheduled_for: start,
        trigger: "manual".into(),
        started_by: Some(cast.ben),
        state: RunState::Active,
        reason: None,
        idempotency_key: None,
        tasks,
    }
}

async fn reminded(store: &dyn Store, now: Timestamp) -> Vec<(TaskId, i64)> {
    store.due_reminders(now, 100).await.unwrap().into_iter().map(|t| (t.id, t.rev)).collect()
}

pub(super) async fn chapter(store: &dyn Store, cast: &Cast, p: &Processes) -> Closing {
    let Cast { acme, ben, cleo, .. } = *cast;
    let t = at("2026-01-08T18:00:00Z");
    let tasks =
        vec![task(0, "Count the till", cleo, t, 60), task(1, "Sweep", cleo, t, 60), task(2, "Check", cleo, t, 10)];
    let outcome = store.materialize(&[closing_run(cast, p, t, tasks)], &[], &[], t - mins(5)).await.unwrap();
    assert_eq!(outcome, MaterializeOutcome { runs: 1, tasks: 3 });
    let run = store.find_run(acme, p.closing, t).await.unwrap().expect("the closing run exists").id;
    let ids: Vec<TaskId> = store
        .list_tasks(acme, &TaskQuery { run: Some(run), ..TaskQuery::default() })
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect();
    let (check, till, sweep) = (ids[0], ids[1], ids[2]);
    assert_eq!(reminded(store, t + mins(600)).await, [], "waiting work is never reminded");
    assert_eq!(store.open_ready(t, 10).await.unwrap(), 3);
    let mut opened: Vec<_> =
        store.list_notices(acme, cleo, true, None, 100).await.unwrap().into_iter().map(|n| (n.kind, n.task)).collect();
    opened.sort();
    assert_eq!(
        opened,
        [
            (NoticeKind::TaskOpened, Some(till)),
            (NoticeKind::TaskOpened, Some(sweep)),
            (NoticeKind::TaskOpened, Some(check))
        ],
        "one notice per opened task"
    );

    assert_eq!(reminded(store, t + mins(39)).await, [], "not before the lead time begins");
    assert_eq!(
        reminded(store, t + mins(40)).await,
        [(till, 1), (sweep, 1)],
        "20 minutes before the deadline; the ten-minute check never"
    );
    let first = store.due_reminders(t + mins(40), 1).await.unwrap();
    assert_eq!((first.len(), first[0].id, first[0].holder), (1, till, cleo), "the limit holds");

    // The engine read both; before it reminds, the sweep is moved to Ben.
    let moved = TaskMove {
        task: sweep,
        org: acme,
        rev: 1,
        missed_by: cleo,
        from_level: 0,
        missed_due_at: t + mins(60),
        outcome: Move::To { level: 1, holder: ben, due_at: t + mins(90) },
        from_state: TaskState::Open,
        submitter: None,
    };
    assert_eq!(store.apply_moves(&[moved], &[], t + mins(40)).await.unwrap(), 1);
    assert_eq!(
        store.remind(&[(till, 1), (sweep, 1)], t + mins(40)).await.unwrap(),
        1,
        "a task that changed since it was read is not reminded"
    );
    assert_eq!(store.remind(&[], t + mins(40)).await.unwrap(), 0);
    let due_soon = &store.list_notices(acme, cleo, false, None, 1).await.unwrap()[0];
    assert_eq!(
        (due_soon.kind, due_soon.task, due_soon.key.clone(), &due_soon.data, due_soon.created_at),
        (
            NoticeKind::TaskDueSoon,
            Some(till),
            format!("task.due_soon:{till}:1"),
            &json!({"due_at": (t + mins(60)).as_millisecond()}),
            t + mins(40)
        )
    );
    assert_eq!(
        store.get_task(acme, till).await.unwrap().rev,
        1,
        "a reminder is not a change: a submission may still race it"
    );
    assert_eq!(store.remind(&[(till, 1)], t + mins(41)).await.unwrap(), 0, "once");
    assert_eq!(reminded(store, t + mins(41)).await, [], "nothing left to remind");

    assert_eq!(reminded(store, t + mins(69)).await, []);
    assert_eq!(reminded(store, t + mins(70)).await, [(sweep, 2)], "the next holder, before the new deadline");
    assert_eq!(store.remind(&[(sweep, 2)], t + mins(70)).await.unwrap(), 1);
    let bens = store.list_notices(acme, ben, false, None, 2).await.unwrap();
    assert_eq!(
        bens.iter().map(|n| (n.kind, n.key.clone())).collect::<Vec<_>>(),
        [
            (NoticeKind::TaskDueSoon, format!("task.due_soon:{sweep}:2")),
            (NoticeKind::TaskMoved, format!("task.moved:{sweep}:1"))
        ]
    );
    assert_eq!(bens[0].data, json!({"due_at": (t + mins(90)).as_millisecond()}));
    let cleos = store.list_notices(acme, cleo, false, None, 100).await.unwrap();
    assert_eq!(
        cleos.iter().filter(|n| n.kind == NoticeKind::TaskDueSoon).count(),
        1,
        "Cleo is not reminded of the sweep she no longer holds"
    );

    let finish = |task, rev, by, minute| Completion {
        org: acme,
        task,
        rev,
        from_state: TaskState::Open,
        to_state: TaskState::Done,
        by,
        holder: by,
        handoff: None,
        evidence: json!({"text": "done"}),
        exceptions: vec![],
        readings: vec![],
        unblock: vec![],
        follow_up: None,
        now: t + mins(minute),
    };
    store.complete_task(&finish(check, 1, cleo, 15)).await.unwrap();
    store.complete_task(&finish(till, 1, cleo, 50)).await.unwrap();
    store.complete_task(&finish(sweep, 2, ben, 80)).await.unwrap();
    assert_eq!(store.get_run(acme, run).await.unwrap().state, RunState::Done);

    no_lead_time(store, cast, p, t).await;
    Closing { start: t, run, till }
}

/// An organization that turned reminders off gets none.
async fn no_lead_time(store: &dyn Store, cast: &Cast, p: &Processes, t: Timestamp) {
    let acme = cast.acme;
    let before = store.notify_settings(acme).await.unwrap();
    let off = NotifySettings { due_soon: Span::ZERO, ..before.clone() };
    store.set_notify_settings(acme, &off).await.unwrap();
    let start = t + SignedDuration::from_hours(2);
    let run = closing_run(cast, p, start, vec![task(0, "Count the till", cast.cleo, start, 60)]);
    store.materialize(&[run], &[], &[], start).await.unwrap();
    assert_eq!(store.open_ready(start, 10).await.unwrap(), 1);
    assert_eq!(reminded(store, start + mins(600)).await, [], "a zero lead time means no reminder");
    store.set_notify_settings(acme, &before).await.unwrap();
    let run = store.find_run(acme, p.closing, start).await.unwrap().expect("the run exists").id;
    let tasks = store.list_tasks(acme, &TaskQuery { run: Some(run), ..TaskQuery::default() }).await.unwrap();
    let done = Completion {
        org: acme,
        task: tasks[0].id,
        rev: tasks[0].rev,
        from_state: TaskState::Open,
        to_state: TaskState::Done,
        by: cast.cleo,
        holder: cast.cleo,
        handoff: None,
        evidence: json!({}),
        exceptions: vec![],
        readings: vec![],
        unblock: vec![],
        follow_up: None,
        now: start + mins(30),
    };
    store.complete_task(&done).await.unwrap();
}
