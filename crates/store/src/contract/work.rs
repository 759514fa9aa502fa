//! The story's third chapter: the work loop. A scheduled run is materialized (once), its
//! tasks open, one is missed and escalated, one goes unresolved; then `completion` finishes
//! them and checks the listings.

use super::completion;
use super::{Cast, Processes, kinds, mins, not_found};
use crate::*;
use jiff::SignedDuration;
use proofline_core::escalation::Move;
use proofline_core::process::ProcessStatus;
use proofline_core::task::TaskState;
use proofline_core::{RunId, TaskId};
use serde_json::json;
use std::collections::HashMap;

const MINUTE_MS: i64 = 60_000;
/// How far ahead of a scheduled run the engine materializes it.
pub(super) const HORIZON_MS: i64 = 15 * MINUTE_MS;

/// What the work chapter created, for the completion part.
pub(super) struct Work {
    pub run: RunId,
    /// Step 0 of the scheduled run: opened, escalated to Ben.
    pub fridge: TaskId,
    /// Step 1: blocked until the fridge reading is done.
    pub door: TaskId,
    /// The manual closing run's only task: unresolved in Ana's inbox.
    pub lock: TaskId,
    pub manual_run: RunId,
    /// The occurrence missed during an outage.
    pub skipped: TaskId,
    pub skipped_run: RunId,
}

pub(super) async fn chapter(store: &dyn Store, cast: &Cast, processes: &Processes) -> Work {
    // Open-task load is counted for members of least-loaded roles, the rule that uses it.
    let floor = crate::RoleFields {
        name: "Floor".into(),
        pick: proofline_core::roles::PickRule::LeastLoaded,
        members: vec![cast.cleo, cast.ben, cast.ana],
    };
    store.create_role(cast.acme, &floor).await.unwrap();
    schedule(store, cast, processes).await;
    let work = materialize(store, cast, processes).await;
    open(store, cast, processes, &work).await;
    escalate(store, cast, processes, &work).await;
    completion::chapter(store, cast, processes, &work).await;
    work
}

/// Which processes are due, and when the engine should wake, before any run exists.
async fn schedule(store: &dyn Store, cast: &Cast, p: &Processes) {
    let r = p.first_run;
    let day = SignedDuration::from_hours(24);
    assert_eq!(
        store.next_wakeup(HORIZON_MS).await.unwrap(),
        Some(r - mins(15)),
        "before any run exists, the engine wakes a horizon ahead of the next scheduled run"
    );
    let due = |horizon, limit| async move {
        store
            .due_processes(horizon, limit)
            .await
            .unwrap()
            .into_iter()
            .map(|d| (d.id, d.next_run_at))
            .collect::<Vec<_>>()
    };
    assert_eq!(due(r - SignedDuration::from_millis(1), 10).await, []);
    assert_eq!(
        store.due_processes(r, 10).await.unwrap(),
        [DueProcess { org: cast.acme, id: p.opening, version: 2, next_run_at: r }],
        "a process is due once its next run is within the horizon, at its current version"
    );
    let closing_at = r + SignedDuration::from_hours(12);
    assert_eq!(
        due(r + day, 10).await,
        [(p.opening, r), (p.closing, closing_at)],
        "earliest first; Globex's paused process is never due"
    );
    assert_eq!(due(r + day, 1).await, [(p.opening, r)], "the limit holds");
    store.set_status(cast.acme, p.closing, ProcessStatus::Draft, Some(closing_at), r - mins(60)).await.unwrap();
    assert_eq!(due(r + day, 10).await, [(p.opening, r)], "a draft is never due");
}

async fn materialize(store: &dyn Store, cast: &Cast, p: &Processes) -> Work {
    let Cast { acme, globex, ben, cleo, shift, .. } = *cast;
    let r = p.first_run;
    let day = SignedDuration::from_hours(24);
    let now = r - mins(10);
    let scheduled = NewRun {
        org: acme,
        process: p.opening,
        version: 2,
        scheduled_for: r,
        trigger: "schedule".into(),
        started_by: None,
        state: RunState::Active,
        reason: None,
        idempotency_key: None,
        tasks: vec![
            NewTask {
                step_index: 0,
                title: "Fridge temperature".into(),
                state: TaskState::Waiting,
                blocked: false,
                holder: cleo,
                opens_at: r,
                due_at: r + mins(60),
                window_ms: 30 * MINUTE_MS,
            },
            NewTask {
                step_index: 1,
                title: "Unlock front door".into(),
                state: TaskState::Waiting,
                blocked: true,
                holder: cleo,
                opens_at: r,
                due_at: r + mins(90),
                window_ms: 30 * MINUTE_MS,
            },
        ],
    };
    let advance = ScheduleAdvance { process: p.opening, expected: Some(r), next_run_at: Some(r + day) };
    let picked = RotationUpdate { org: acme, role: shift, cursor: 1 };
    assert_eq!(
        store.materialize(std::slice::from_ref(&scheduled), &[advance], &[picked], now).await.unwrap(),
        MaterializeOutcome { runs: 1, tasks: 2 }
    );
    assert_eq!(
        store.get_process(acme, p.opening).await.unwrap().next_run_at,
        Some(r + day),
        "materializing advances the schedule"
    );
    assert_eq!(store.load_roster(acme).await.unwrap().roles[&shift].cursor, 1, "the rotation moved on");

    let run = store.find_run(acme, p.opening, r).await.unwrap().expect("the scheduled run exists");
    assert_eq!(
        run,
        RunRecord {
            id: run.id,
            org: acme,
            process: p.opening,
            version: 2,
            scheduled_for: r,
            trigger: "schedule".into(),
            started_by: None,
            state: RunState::Active,
            reason: None,
            idempotency_key: None,
        }
    );
    assert_eq!(store.get_run(acme, run.id).await.unwrap(), run);
    not_found(store.get_run(globex, run.id).await, "a run of another organization");
    assert_eq!(store.find_run(globex, p.opening, r).await.unwrap(), None);
    assert_eq!(store.find_run(acme, p.opening, r + day).await.unwrap(), None);

    let tasks = store.list_tasks(acme, &TaskQuery { run: Some(run.id), ..TaskQuery::default() }).await.unwrap();
    assert_eq!(tasks.len(), 2, "one task per step");
    let (fridge, door) = (tasks[0].clone(), tasks[1].clone());
    assert_eq!(
        fridge,
        TaskRecord {
            id: fridge.id,
            org: acme,
            run: run.id,
            process: p.opening,
            version: 2,
            step_index: 0,
            title: "Fridge temperature".into(),
            state: TaskState::Waiting,
            holder: cleo,
            assignee: cleo,
            level: 0,
            blocked: false,
            scheduled_for: r,
            opens_at: r,
            due_at: r + mins(60),
            completed_at: None,
            rev: 0,
        }
    );
    assert_eq!((door.step_index, door.blocked, door.state, door.due_at), (1, true, TaskState::Waiting, r + mins(90)));
    assert_eq!(store.get_task(acme, fridge.id).await.unwrap(), fridge);
    not_found(store.get_task(globex, fridge.id).await, "a task of another organization");
    let history = store.task_history(acme, fridge.id).await.unwrap();
    assert_eq!(
        history,
        [EventRecord {
            id: history[0].id,
            at: now,
            kind: "created".into(),
            task: Some(fridge.id),
            run: Some(run.id),
            process: Some(p.opening),
            actor: None,
            from_state: None,
            to_state: Some("waiting".into()),
            from_holder: None,
            to_holder: Some(cleo),
            data: json!({}),
        }]
    );
    assert!(store.task_history(globex, fridge.id).await.unwrap().is_empty());

    assert_eq!(
        store.materialize(std::slice::from_ref(&scheduled), &[], &[], now).await.unwrap(),
        MaterializeOutcome::default(),
        "a run that exists is not created twice"
    );
    assert_eq!(store.list_tasks(acme, &TaskQuery::default()).await.unwrap().len(), 2);

    // A second engine read the schedule before the first advanced it: its advance no
    // longer holds, so it creates nothing for that process, while a manual run of another
    // process in the same batch goes through.
    let late = NewRun { scheduled_for: r + day, ..scheduled.clone() };
    let stale = ScheduleAdvance { process: p.opening, expected: Some(r), next_run_at: Some(r + day) };
    let manual = NewRun {
        org: acme,
        process: p.closing,
        version: 1,
        scheduled_for: r + mins(5),
        trigger: "manual".into(),
        started_by: Some(ben),
        state: RunState::Active,
        reason: None,
        idempotency_key: None,
        tasks: vec![NewTask {
            step_index: 0,
            title: "Lock the back door".into(),
            state: TaskState::Waiting,
            blocked: false,
            holder: ben,
            opens_at: r + mins(10),
            due_at: r + mins(70),
            window_ms: 60 * MINUTE_MS,
        }],
    };
    assert_eq!(
        store.materialize(&[late, manual], &[stale], &[], now).await.unwrap(),
        MaterializeOutcome { runs: 1, tasks: 1 }
    );
    assert_eq!(
        store.find_run(acme, p.opening, r + day).await.unwrap(),
        None,
        "a stale schedule advance creates no run"
    );
    assert_eq!(
        store.get_process(acme, p.opening).await.unwrap().next_run_at,
        Some(r + day),
        "a stale schedule advance does not move the schedule"
    );
    let manual_run = store.find_run(acme, p.closing, r + mins(5)).await.unwrap().expect("the manual run exists");
    assert_eq!((manual_run.trigger.as_str(), manual_run.started_by), ("manual", Some(ben)));
    let lock = only_task(store, acme, manual_run.id).await;

    // An occurrence that passed while Proofline was down is recorded as skipped.
    let missed = NewRun {
        scheduled_for: r - day,
        state: RunState::Skipped,
        reason: Some("outage".into()),
        tasks: vec![NewTask {
            state: TaskState::Skipped,
            opens_at: r - day,
            due_at: r - day + mins(60),
            ..scheduled.tasks[0].clone()
        }],
        ..scheduled.clone()
    };
    assert_eq!(store.materialize(&[missed], &[], &[], now).await.unwrap(), MaterializeOutcome { runs: 1, tasks: 1 });
    let skipped_run = store.find_run(acme, p.opening, r - day).await.unwrap().expect("the skipped run exists");
    assert_eq!((skipped_run.state, skipped_run.reason.as_deref()), (RunState::Skipped, Some("outage")));
    let skipped = only_task(store, acme, skipped_run.id).await;
    assert_eq!(store.get_task(acme, skipped).await.unwrap().state, TaskState::Skipped);
    let history = store.task_history(acme, skipped).await.unwrap();
    assert_eq!(kinds(&history), ["skipped"]);
    assert_eq!(history[0].to_state.as_deref(), Some("skipped"));

    Work {
        run: run.id,
        fridge: fridge.id,
        door: door.id,
        lock,
        manual_run: manual_run.id,
        skipped,
        skipped_run: skipped_run.id,
    }
}

async fn only_task(store: &dyn Store, org: proofline_core::OrgId, run: RunId) -> TaskId {
    let tasks = store.list_tasks(org, &TaskQuery { run: Some(run), ..TaskQuery::default() }).await.unwrap();
    assert_eq!(tasks.len(), 1);
    tasks[0].id
}

async fn open(store: &dyn Store, cast: &Cast, p: &Processes, w: &Work) {
    let Cast { acme, ben, cleo, .. } = *cast;
    let r = p.first_run;
    assert_eq!(
        store.open_ready(r - SignedDuration::from_millis(1), 10).await.unwrap(),
        0,
        "nothing opens before its time"
    );
    let now = r + mins(20);
    assert_eq!(store.open_ready(now, 1).await.unwrap(), 1, "the limit holds, earliest start first");
    let fridge = store.get_task(acme, w.fridge).await.unwrap();
    assert_eq!(
        (fridge.state, fridge.due_at, fridge.rev),
        (TaskState::Open, r + mins(60), 1),
        "opened 20 minutes late with a 30-minute window, the original deadline stands"
    );
    assert_eq!(store.open_ready(now, 10).await.unwrap(), 1);
    let lock = store.get_task(acme, w.lock).await.unwrap();
    assert_eq!(
        (lock.state, lock.due_at, lock.rev),
        (TaskState::Open, r + mins(80), 1),
        "opened 10 minutes late with a 60-minute window, it gets its full hour"
    );
    assert_eq!(store.open_ready(now, 10).await.unwrap(), 0);
    assert_eq!(
        store.get_task(acme, w.door).await.unwrap().state,
        TaskState::Waiting,
        "a blocked task waits for the step it depends on"
    );
    let history = store.task_history(acme, w.fridge).await.unwrap();
    assert_eq!(kinds(&history), ["created", "opened"]);
    let opened = &history[1];
    assert_eq!(
        (opened.at, opened.from_state.as_deref(), opened.to_state.as_deref(), opened.to_holder, &opened.data),
        (now, Some("waiting"), Some("open"), Some(cleo), &json!({"due_at": (r + mins(60)).as_millisecond()}))
    );
    assert_eq!(
        store.load_roster(acme).await.unwrap().load,
        HashMap::from([(cleo, 1), (ben, 1)]),
        "the roster counts open work per holder"
    );
    assert_eq!(
        store.next_wakeup(HORIZON_MS).await.unwrap(),
        Some(r + mins(60)),
        "the engine wakes at the earliest deadline of open work"
    );
}

async fn escalate(store: &dyn Store, cast: &Cast, p: &Processes, w: &Work) {
    let Cast { acme, ana, ben, cleo, shift, .. } = *cast;
    let r = p.first_run;
    let due_ids = |now, limit| async move {
        store.due_for_escalation(now, limit).await.unwrap().into_iter().map(|d| d.id).collect::<Vec<_>>()
    };
    assert_eq!(due_ids(r + mins(59), 10).await, []);
    assert_eq!(
        store.due_for_escalation(r + mins(60), 10).await.unwrap(),
        [DueTask {
            id: w.fridge,
            org: acme,
            process: p.opening,
            version: 2,
            holder: cleo,
            assignee: cleo,
            level: 0,
            due_at: r + mins(60),
            rev: 1,
            state: TaskState::Open,
            submitter: None,
        }],
        "a task is due for escalation the moment its deadline is reached"
    );
    assert_eq!(
        due_ids(r + mins(120), 10).await,
        [w.fridge, w.lock],
        "oldest deadline first; waiting work never escalates"
    );
    assert_eq!(due_ids(r + mins(120), 1).await, [w.fridge]);

    let now = r + mins(61);
    let stale = TaskMove {
        task: w.fridge,
        org: acme,
        rev: 0,
        missed_by: cleo,
        from_level: 0,
        missed_due_at: r + mins(60),
        outcome: Move::To { level: 1, holder: ben, due_at: r + mins(91) },
        from_state: TaskState::Open,
        submitter: None,
    };
    assert_eq!(
        store.apply_moves(&[stale], &[], now).await.unwrap(),
        0,
        "a move decided on an outdated read is dropped"
    );
    let unchanged = store.get_task(acme, w.fridge).await.unwrap();
    assert_eq!((unchanged.holder, unchanged.rev), (cleo, 1));

    let to_ben = TaskMove { rev: 1, ..stale };
    let turned = RotationUpdate { org: acme, role: shift, cursor: 2 };
    assert_eq!(store.apply_moves(&[to_ben], &[turned], now).await.unwrap(), 1);
    let fridge = store.get_task(acme, w.fridge).await.unwrap();
    assert_eq!(
        (fridge.state, fridge.holder, fridge.assignee, fridge.level, fridge.due_at, fridge.rev),
        (TaskState::Open, ben, cleo, 1, r + mins(91), 2),
        "the task moves to the next holder with a fresh deadline; the assignee stays"
    );
    let history = store.task_history(acme, w.fridge).await.unwrap();
    let escalated = history.last().expect("the move is logged");
    assert_eq!(
        *escalated,
        EventRecord {
            id: escalated.id,
            at: now,
            kind: "escalated".into(),
            task: Some(w.fridge),
            run: Some(w.run),
            process: Some(p.opening),
            actor: None,
            from_state: Some("open".into()),
            to_state: Some("open".into()),
            from_holder: Some(cleo),
            to_holder: Some(ben),
            data: json!({"missed_by": cleo, "missed_due_at": (r + mins(60)).as_millisecond(), "from_level": 0, "level": 1}),
        }
    );
    assert_eq!(store.apply_moves(&[to_ben], &[], now).await.unwrap(), 0, "replaying a move changes nothing");
    assert_eq!(store.load_roster(acme).await.unwrap().roles[&shift].cursor, 2);

    // Nobody is left on the closing task's chain: it lands in the owner's inbox.
    let now = r + mins(81);
    let give_up = TaskMove {
        task: w.lock,
        org: acme,
        rev: 1,
        missed_by: ben,
        from_level: 0,
        missed_due_at: r + mins(80),
        outcome: Move::Unresolved { holder: ana },
        from_state: TaskState::Open,
        submitter: None,
    };
    assert_eq!(store.apply_moves(&[give_up], &[], now).await.unwrap(), 1);
    let lock = store.get_task(acme, w.lock).await.unwrap();
    assert_eq!(
        (lock.state, lock.holder, lock.level, lock.due_at, lock.rev),
        (TaskState::Unresolved, ana, 1, r + mins(80), 2)
    );
    let history = store.task_history(acme, w.lock).await.unwrap();
    let last = history.last().expect("the move is logged");
    assert_eq!(
        (last.kind.as_str(), last.to_state.as_deref(), last.from_holder, last.to_holder),
        ("unresolved", Some("unresolved"), Some(ben), Some(ana))
    );
    assert_eq!(store.apply_moves(&[], &[], now).await.unwrap(), 0);
    assert_eq!(due_ids(r + mins(120), 10).await, [w.fridge], "unresolved work no longer escalates");
    assert_eq!(store.load_roster(acme).await.unwrap().load, HashMap::from([(ben, 1)]));
}
