//! The story's decisions chapter: a manager settles open and unresolved work of a closing
//! run. Cleo gets more time for the till, the check nobody did goes from Ana's inbox to
//! Cleo, the sweep is called off; closing the last open task finishes the run.

use super::{Cast, Processes, at, conflict, kinds, mins, not_found};
use crate::*;
use jiff::Timestamp;
use proofline_core::escalation::Move;
use proofline_core::notice::NoticeKind;
use proofline_core::task::TaskState;
use proofline_core::{PersonId, RunId, TaskId};
use serde_json::json;

struct Shift {
    start: Timestamp,
    run: RunId,
    till: TaskId,
    sweep: TaskId,
    check: TaskId,
}

fn ms(t: Timestamp) -> i64 {
    t.as_millisecond()
}

pub(super) async fn chapter(store: &dyn Store, cast: &Cast, p: &Processes) {
    let s = shift(store, cast, p).await;
    extend(store, cast, &s).await;
    reassign(store, cast, p, &s).await;
    close(store, cast, &s).await;
}

/// Three tasks of a closing run open for Cleo; the ten-minute check goes unresolved.
async fn shift(store: &dyn Store, cast: &Cast, p: &Processes) -> Shift {
    let Cast { acme, ana, cleo, .. } = *cast;
    let t = at("2026-01-12T18:00:00Z");
    let task = |step, title: &str, window: i64| NewTask {
        step_index: step,
        title: title.into(),
        state: TaskState::Waiting,
        blocked: false,
        holder: cleo,
        opens_at: t,
        due_at: t + mins(window),
        window_ms: window * 60_000,
    };
    let run = NewRun {
        org: acme,
        process: p.closing,
        version: 1,
        scheduled_for: t,
        trigger: "manual".into(),
        started_by: Some(cast.ben),
        state: RunState::Active,
        reason: None,
        idempotency_key: None,
        tasks: vec![task(0, "Count the till", 60), task(1, "Sweep", 60), task(2, "Check", 10)],
    };
    store.materialize(&[run], &[], &[], t - mins(5)).await.unwrap();
    let run = store.find_run(acme, p.closing, t).await.unwrap().expect("the closing run exists").id;
    // Also opens what the runs started by another system (reopen chapter) left waiting.
    store.open_ready(t, 100).await.unwrap();
    let tasks = store.list_tasks(acme, &TaskQuery { run: Some(run), ..TaskQuery::default() }).await.unwrap();
    assert!(tasks.iter().all(|t| t.state == TaskState::Open && t.rev == 1));
    let (check, till, sweep) = (tasks[0].id, tasks[1].id, tasks[2].id);
    let missed = TaskMove {
        task: check,
        org: acme,
        rev: 1,
        missed_by: cleo,
        from_level: 0,
        missed_due_at: t + mins(10),
        outcome: Move::Unresolved { holder: ana },
        from_state: TaskState::Open,
        submitter: None,
    };
    assert_eq!(store.apply_moves(&[missed], &[], t + mins(11)).await.unwrap(), 1);
    Shift { start: t, run, till, sweep, check }
}

async fn reminded(store: &dyn Store, now: Timestamp) -> Vec<(TaskId, i64)> {
    store.due_reminders(now, 100).await.unwrap().into_iter().map(|t| (t.id, t.rev)).collect()
}

/// The latest notice in a person's list, as (kind, key, task, data).
async fn latest(
    store: &dyn Store,
    cast: &Cast,
    person: PersonId,
) -> (NoticeKind, String, Option<TaskId>, serde_json::Value) {
    let n = store.list_notices(cast.acme, person, false, None, 1).await.unwrap().remove(0);
    (n.kind, n.key, n.task, n.data)
}

/// Ben gives Cleo another 40 minutes for the till; her reminder moves with the deadline.
async fn extend(store: &dyn Store, cast: &Cast, s: &Shift) {
    let Cast { acme, globex, ben, cleo, .. } = *cast;
    let t = s.start;
    let decision = TaskDecision {
        org: acme,
        task: s.till,
        rev: 0,
        by: ben,
        decision: Decision::Extend { due_at: t + mins(100) },
        reason: "The safe is stuck".into(),
        now: t + mins(15),
    };
    conflict(store.decide_task(&decision).await, "deciding on a task that changed since it was read");
    let decision = TaskDecision { rev: 1, ..decision };
    not_found(
        store.decide_task(&TaskDecision { org: globex, ..decision.clone() }).await,
        "deciding on a task of another organization",
    );
    not_found(
        store.decide_task(&TaskDecision { task: TaskId(i64::MAX), ..decision.clone() }).await,
        "deciding on a task that does not exist",
    );
    store.decide_task(&decision).await.unwrap();
    let till = store.get_task(acme, s.till).await.unwrap();
    assert_eq!(
        (till.state, till.holder, till.due_at, till.rev),
        (TaskState::Open, cleo, t + mins(100), 2),
        "Cleo keeps the till, with a later deadline"
    );
    let extended = store.task_history(acme, s.till).await.unwrap().pop().expect("the decision is logged");
    assert_eq!(
        extended,
        EventRecord {
            id: extended.id,
            at: t + mins(15),
            kind: "extended".into(),
            task: Some(s.till),
            run: Some(s.run),
            process: Some(till.process),
            actor: Some(ben),
            from_state: Some("open".into()),
            to_state: Some("open".into()),
            from_holder: Some(cleo),
            to_holder: Some(cleo),
            data: json!({"reason": "The safe is stuck", "due_at": ms(t + mins(100))}),
        }
    );
    assert_eq!(
        latest(store, cast, cleo).await,
        (
            NoticeKind::TaskOpened,
            format!("task.opened:{}:2", s.till),
            Some(s.till),
            json!({"due_at": ms(t + mins(100)), "by": ben, "reason": "The safe is stuck"})
        ),
        "Cleo hears of her new deadline and why"
    );
    assert!(!reminded(store, t + mins(79)).await.iter().any(|(id, _)| *id == s.till), "the old reminder is gone");
    assert!(reminded(store, t + mins(80)).await.contains(&(s.till, 2)), "reminded before the new deadline");
    conflict(store.decide_task(&decision).await, "the same decision twice");
}

/// Ana hands the check nobody did back to Cleo; not to someone who cannot take it.
async fn reassign(store: &dyn Store, cast: &Cast, p: &Processes, s: &Shift) {
    let Cast { acme, ana, cleo, gus, .. } = *cast;
    let t = s.start;
    let eve = store.find_person_by_email(acme, "eve@acme.test").await.unwrap().expect("Eve, who left").id;
    let to = |to| TaskDecision {
        org: acme,
        task: s.check,
        rev: 2,
        by: ana,
        decision: Decision::Reassign { to, due_at: t + mins(45) },
        reason: "Cleo is back from her break".into(),
        now: t + mins(20),
    };
    conflict(store.decide_task(&to(gus)).await, "handing work to another organization's person");
    conflict(store.decide_task(&to(eve)).await, "handing work to someone deactivated");
    conflict(store.decide_task(&to(PersonId(i64::MAX))).await, "handing work to nobody");
    let check = store.get_task(acme, s.check).await.unwrap();
    assert_eq!(
        (check.state, check.holder, check.rev),
        (TaskState::Unresolved, ana, 2),
        "a refused decision changes nothing"
    );

    let open_for = |person| async move {
        let query = TaskQuery { holder: Some(person), states: vec![TaskState::Open], ..TaskQuery::default() };
        store.list_tasks(acme, &query).await.unwrap().into_iter().map(|t| t.id).collect::<Vec<_>>()
    };
    assert!(!open_for(cleo).await.contains(&s.check));
    store.decide_task(&to(cleo)).await.unwrap();
    let check = store.get_task(acme, s.check).await.unwrap();
    assert_eq!((check.state, check.holder, check.due_at, check.rev), (TaskState::Open, cleo, t + mins(45), 3));
    assert!(open_for(cleo).await.contains(&s.check), "the work shows in its new holder's list");
    let history = store.task_history(acme, s.check).await.unwrap();
    assert_eq!(kinds(&history), ["created", "opened", "unresolved", "reassigned"]);
    let reassigned = history.last().unwrap();
    assert_eq!(
        (
            reassigned.process,
            reassigned.actor,
            reassigned.from_state.as_deref(),
            reassigned.to_state.as_deref(),
            reassigned.from_holder,
            reassigned.to_holder,
            &reassigned.data
        ),
        (
            Some(p.closing),
            Some(ana),
            Some("unresolved"),
            Some("open"),
            Some(ana),
            Some(cleo),
            &json!({"reason": "Cleo is back from her break", "due_at": ms(t + mins(45))})
        )
    );
    assert_eq!(
        latest(store, cast, cleo).await,
        (
            NoticeKind::TaskOpened,
            format!("task.opened:{}:3", s.check),
            Some(s.check),
            json!({"due_at": ms(t + mins(45)), "by": ana, "reason": "Cleo is back from her break"})
        ),
        "the new holder hears it is theirs"
    );
    assert!(reminded(store, t + mins(25)).await.contains(&(s.check, 3)), "reminded before the new deadline");
    assert_eq!(
        latest(store, cast, ana).await.0,
        NoticeKind::TaskUnresolved,
        "Ana, who handed it on, hears nothing more of it"
    );
}

/// Ana calls off the sweep, Cleo counts the till, and closing the check finishes the run.
async fn close(store: &dyn Store, cast: &Cast, s: &Shift) {
    let Cast { acme, ana, cleo, .. } = *cast;
    let t = s.start;
    let notices_before = store.list_notices(acme, cleo, false, None, 100).await.unwrap().len();
    let close = |task, rev, now| TaskDecision {
        org: acme,
        task,
        rev,
        by: ana,
        decision: Decision::Close,
        reason: "The floor was cleaned this afternoon".into(),
        now,
    };
    store.decide_task(&close(s.sweep, 1, t + mins(30))).await.unwrap();
    let sweep = store.get_task(acme, s.sweep).await.unwrap();
    assert_eq!(
        (sweep.state, sweep.holder, sweep.completed_at, sweep.rev),
        (TaskState::Cancelled, cleo, Some(t + mins(30)), 2)
    );
    let closed = store.task_history(acme, s.sweep).await.unwrap().pop().unwrap();
    assert_eq!(
        (closed.kind.as_str(), closed.actor, closed.from_state.as_deref(), closed.to_state.as_deref(), &closed.data),
        (
            "closed",
            Some(ana),
            Some("open"),
            Some("cancelled"),
            &json!({"reason": "The floor was cleaned this afternoon", "due_at": null})
        )
    );
    assert_eq!(
        store.list_notices(acme, cleo, false, None, 100).await.unwrap().len(),
        notices_before,
        "closed work tells nobody to act"
    );
    assert!(!reminded(store, t + mins(60)).await.iter().any(|(id, _)| *id == s.sweep), "nor reminds anyone");
    assert_eq!(store.get_run(acme, s.run).await.unwrap().state, RunState::Active, "the run goes on");
    conflict(store.decide_task(&close(s.sweep, 2, t + mins(31))).await, "only open or unresolved work is decided");

    let counted = Completion {
        org: acme,
        task: s.till,
        rev: 2,
        from_state: TaskState::Open,
        to_state: TaskState::Done,
        by: cleo,
        holder: cleo,
        handoff: None,
        evidence: json!({"number": 1500}),
        exceptions: vec![],
        readings: vec![],
        unblock: vec![],
        follow_up: None,
        now: t + mins(35),
    };
    store.complete_task(&counted).await.unwrap();
    conflict(store.decide_task(&close(s.till, 3, t + mins(36))).await, "done work cannot be closed");
    assert_eq!(store.get_run(acme, s.run).await.unwrap().state, RunState::Active);

    store.decide_task(&close(s.check, 3, t + mins(40))).await.unwrap();
    assert_eq!(
        store.get_run(acme, s.run).await.unwrap().state,
        RunState::Done,
        "closing the last open task finishes the run"
    );
    let history = store.task_history(acme, s.check).await.unwrap();
    assert_eq!(kinds(&history), ["created", "opened", "unresolved", "reassigned", "closed"]);
}
