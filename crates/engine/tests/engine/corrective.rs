//! Corrective actions: a reading out of range, a failed checklist item or rejected proof
//! opens the follow-up the step configures, in the same run, and it escalates like work.

use crate::common::*;
use proofline_core::corrective::OFFSET;
use proofline_core::notice::NoticeKind;
use proofline_core::process::{ProcessDefinition, ProcessStatus};
use proofline_core::task::TaskState;
use proofline_core::{ProcessId, RunId};
use proofline_store::{TaskQuery, TaskRecord};
use serde_json::json;

/// A daily delivery check: Dan reads the cold-chain temperature and ticks the seal; a
/// bad reading or a broken seal sends Ben (Dan's manager) to deal with it within 2 hours.
async fn delivery(cafe: &Cafe, on: serde_json::Value) -> ProcessId {
    let leads = cafe.t.engine.store.list_roles(cafe.owner.org).await.unwrap()[0].id;
    let definition: ProcessDefinition = serde_json::from_value(json!({
        "name": "Delivery check",
        "owner": cafe.owner.person.0,
        "cadence": {"kind": "manual"},
        "steps": [
            {"title": "Check the delivery", "assignee": {"person": cafe.dan.0}, "due_after": "1h",
             "proof": [{"kind": "number", "label": "Cold chain", "unit": "°C", "min": 0, "max": 5},
                       {"kind": "checklist", "items": ["Seal intact", "Labels on"]},
                       {"kind": "approval", "by": {"role": leads.0}}],
             "corrective": {"title": "Quarantine the delivery", "assignee": "manager", "due_after": "2h",
                            "proof": [{"kind": "text", "min_length": 10}], "on": on}}
        ],
        "escalation": [{"to": {"role": leads.0}, "window": "30m"}, {"to": "owner", "window": "1h"}]
    }))
    .unwrap();
    cafe.t.engine.create_process(cafe.owner, "delivery", ProcessStatus::Active, definition).await.unwrap().id
}

async fn run_tasks(cafe: &Cafe, run: RunId) -> Vec<TaskRecord> {
    let query = TaskQuery { run: Some(run), ..TaskQuery::default() };
    cafe.t.engine.store.list_tasks(cafe.owner.org, &query).await.unwrap()
}

async fn start(cafe: &Cafe, process: ProcessId) -> (RunId, TaskRecord) {
    let run = cafe.t.engine.start_run(cafe.owner, process, None, None).await.unwrap().run.id;
    let tasks = run_tasks(cafe, run).await;
    (run, tasks[0].clone())
}

#[tokio::test]
async fn a_reading_out_of_range_opens_the_corrective_action_which_escalates_like_work() {
    let cafe = cafe("2026-01-05T09:00:00Z").await;
    let process = delivery(&cafe, json!(["out_of_range", "failed_item"])).await;
    let (run, check) = start(&cafe, process).await;
    let dan = cafe.as_person(cafe.dan);
    let evidence = json!({"number": 9.5, "checklist": ["Seal intact", "Labels on"]});
    cafe.t.engine.submit_proof(dan, check.id, values(evidence), vec![]).await.unwrap();

    let tasks = run_tasks(&cafe, run).await;
    let fix = tasks.iter().find(|t| t.step_index == OFFSET).expect("a corrective action opened");
    assert_eq!((fix.title.as_str(), fix.state, fix.holder), ("Quarantine the delivery", TaskState::Open, cafe.ben));
    assert_eq!(fix.due_at, cafe.t.engine.now() + SignedDuration::from_hours(2));
    let story = cafe.t.engine.store.task_history(cafe.owner.org, fix.id).await.unwrap();
    assert_eq!(story[0].kind, "corrective");
    assert_eq!(story[0].data["corrective_of"], json!(check.id.0));
    assert!(story[0].data["reasons"][0].as_str().unwrap().contains("9.5 °C is above the maximum 5 °C"));
    let told = cafe.t.engine.store.list_notices(cafe.owner.org, cafe.ben, false, None, 50).await.unwrap();
    assert!(told.iter().any(|n| n.kind == NoticeKind::TaskOpened && n.task == Some(fix.id)), "Ben is told");

    // Its own proof rules apply, and missing it moves it on (past Ben, who missed it).
    let ben = cafe.as_person(cafe.ben);
    let short = cafe.t.engine.submit_proof(ben, fix.id, values(json!({"text": "ok"})), vec![]).await;
    assert!(short.is_err(), "a note of at least 10 characters");
    cafe.t.advance(SignedDuration::from_hours(2) + mins(1)).await;
    let moved = cafe.task(fix.id).await;
    assert_eq!((moved.state, moved.holder, moved.level), (TaskState::Open, cafe.cara, 1));
    let cara = cafe.as_person(cafe.cara);
    let note = json!({"text": "Moved to the quarantine shelf, supplier called"});
    assert_eq!(cafe.t.engine.submit_proof(cara, fix.id, values(note), vec![]).await.unwrap().state, TaskState::Done);
}

#[tokio::test]
async fn a_failed_item_or_a_rejection_opens_it_once_and_an_unconfigured_trigger_does_not() {
    let cafe = cafe("2026-01-05T09:00:00Z").await;
    let process = delivery(&cafe, json!(["failed_item", "rejected"])).await;
    let dan = cafe.as_person(cafe.dan);

    // A reading out of range is not one of this step's triggers.
    let (run, check) = start(&cafe, process).await;
    let fine_seal = json!({"number": 9.5, "checklist": ["Seal intact", "Labels on"]});
    cafe.t.engine.submit_proof(dan, check.id, values(fine_seal), vec![]).await.unwrap();
    assert_eq!(run_tasks(&cafe, run).await.len(), 1, "no corrective action");

    // A rejection is, with the approver's reason.
    let approver = cafe.as_person(cafe.task(check.id).await.holder);
    cafe.t.engine.reject(approver, check.id, "The seal photo is missing").await.unwrap();
    let tasks = run_tasks(&cafe, run).await;
    let fix = tasks.iter().find(|t| t.step_index == OFFSET).expect("opened by the rejection");
    let story = cafe.t.engine.store.task_history(cafe.owner.org, fix.id).await.unwrap();
    assert!(story[0].data["reasons"][0].as_str().unwrap().contains("rejected the proof: The seal photo is missing"));

    // A failed item on the second try finds it already open: one per step per run.
    let broken = json!({"number": 3, "checklist": {"Seal intact": "failed", "Labels on": true}});
    let outcome = cafe.t.engine.submit_proof(dan, check.id, values(broken), vec![]).await.unwrap();
    assert_eq!(outcome.exceptions[0].message, "checklist: failed: Seal intact");
    assert_eq!(run_tasks(&cafe, run).await.len(), 2);

    // In a new run, the failed item opens one of its own.
    let (second, check) = start(&cafe, process).await;
    let broken = json!({"number": 3, "checklist": {"Seal intact": "failed", "Labels on": "done"}});
    cafe.t.engine.submit_proof(dan, check.id, values(broken), vec![]).await.unwrap();
    assert!(run_tasks(&cafe, second).await.iter().any(|t| t.step_index == OFFSET));
}
