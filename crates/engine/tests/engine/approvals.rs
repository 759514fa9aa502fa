//! Approvals: a second person must accept the evidence; the submitter never can; a
//! rejection goes back with its reason; an approval not given in time climbs the chain.

use crate::common::*;
use proofline_core::ProcessId;
use proofline_core::notice::NoticeKind;
use proofline_core::process::{ProcessDefinition, ProcessStatus};
use proofline_core::task::TaskState;
use proofline_engine::EngineError;
use proofline_store::{TaskQuery, TaskRecord, VerdictState};
use serde_json::json;

/// Dan counts the till at the end of the day; a shift lead approves the count within
/// 30 minutes; then Dan banks the cash.
async fn till(cafe: &Cafe) -> ProcessId {
    let store = &cafe.t.engine.store;
    let leads = store.list_roles(cafe.owner.org).await.unwrap()[0].id;
    let definition: ProcessDefinition = serde_json::from_value(json!({
        "name": "Cash count",
        "owner": cafe.owner.person.0,
        "cadence": {"kind": "manual"},
        "steps": [
            {"title": "Count the till", "assignee": {"person": cafe.dan.0}, "due_after": "1h",
             "proof": [{"kind": "number", "label": "Cash", "unit": "EUR"},
                       {"kind": "approval", "by": {"role": leads.0}, "window": "30m"}]},
            {"title": "Bank the cash", "assignee": {"person": cafe.dan.0}, "due_after": "3h", "depends_on": [0],
             "proof": [{"kind": "text"}]}
        ],
        "escalation": [{"to": {"role": leads.0}, "window": "30m"}, {"to": "manager", "window": "30m"},
                       {"to": "owner", "window": "1h"}]
    }))
    .unwrap();
    cafe.t.engine.create_process(cafe.owner, "till", ProcessStatus::Active, definition).await.unwrap().id
}

async fn count_task(cafe: &Cafe, process: ProcessId) -> TaskRecord {
    let tasks = cafe.t.engine.store.list_tasks(cafe.owner.org, &TaskQuery::default()).await.unwrap();
    tasks.into_iter().find(|t| t.process == process && t.step_index == 0).unwrap()
}

async fn notices_of(cafe: &Cafe, person: proofline_core::PersonId, kind: NoticeKind) -> Vec<serde_json::Value> {
    let all = cafe.t.engine.store.list_notices(cafe.owner.org, person, false, None, 100).await.unwrap();
    all.into_iter().filter(|n| n.kind == kind).map(|n| n.data).collect()
}

#[tokio::test]
async fn proof_needs_a_second_person_who_can_send_it_back_with_a_reason() {
    let cafe = cafe("2026-01-05T17:00:00Z").await;
    let process = till(&cafe).await;
    cafe.t.engine.start_run(cafe.owner, process, None, None).await.unwrap();
    let dan = cafe.as_person(cafe.dan);
    let task = count_task(&cafe, process).await;

    let outcome = cafe.t.engine.submit_proof(dan, task.id, values(json!({"number": 412.5})), vec![]).await.unwrap();
    assert_eq!(outcome.state, TaskState::Submitted, "not done until approved");
    let task = cafe.task(task.id).await;
    assert_eq!((task.holder, task.due_at), (cafe.ben, at("2026-01-05T17:30:00Z")), "a shift lead has 30 minutes");
    assert_eq!(notices_of(&cafe, cafe.ben, NoticeKind::TaskApproval).await.len(), 1, "the approver is told");

    let sneaky = cafe.t.engine.submit_proof(dan, task.id, values(json!({"approval": true})), vec![]).await;
    assert!(
        matches!(sneaky, Err(EngineError::Forbidden(_) | EngineError::Conflict(_))),
        "nothing more goes in while it waits: {sneaky:?}"
    );
    let own = cafe.t.engine.approve(dan, task.id, "").await;
    assert!(matches!(own, Err(EngineError::Forbidden(_))), "the submitter never approves: {own:?}");
    let as_owner = proofline_engine::Actor { person: cafe.dan, ..cafe.owner };
    assert!(
        matches!(cafe.t.engine.approve(as_owner, task.id, "").await, Err(EngineError::Forbidden(_))),
        "not even with a manager's rights"
    );

    let ben = cafe.as_person(cafe.ben);
    assert!(matches!(cafe.t.engine.reject(ben, task.id, "  ").await, Err(EngineError::Invalid(_))), "say why");
    let back = cafe.t.engine.reject(ben, task.id, "The coins are not counted").await.unwrap();
    assert_eq!((back.state, back.holder), (TaskState::Open, cafe.dan));
    assert_eq!(back.due_at, cafe.t.engine.now() + mins(60), "the step's own window again");
    let returned = notices_of(&cafe, cafe.dan, NoticeKind::TaskReturned).await;
    assert_eq!(returned[0]["reason"], "The coins are not counted");

    cafe.t.engine.submit_proof(dan, task.id, values(json!({"number": 415.1})), vec![]).await.unwrap();
    let task = cafe.task(task.id).await;
    assert_eq!(task.holder, cafe.cara, "the role takes turns");
    let cara = cafe.as_person(cafe.cara);
    let done = cafe.t.engine.approve(cara, task.id, "Matches the z-report").await.unwrap();
    assert_eq!((done.state, done.holder), (TaskState::Done, cafe.dan), "done, and back with whoever did it");
    let bank = cafe.t.engine.store.list_tasks(cafe.owner.org, &TaskQuery::default()).await.unwrap();
    let bank = bank.iter().find(|t| t.process == process && t.step_index == 1).unwrap();
    assert_eq!(bank.state, TaskState::Open, "the next step opens once the count is approved");

    let verdicts: Vec<_> = cafe
        .t
        .engine
        .store
        .submissions(cafe.owner.org, task.id)
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.by, s.verdict.unwrap().state))
        .collect();
    assert_eq!(verdicts, [(cafe.dan, VerdictState::Rejected), (cafe.dan, VerdictState::Approved)]);
    let again = cafe.t.engine.approve(ben, task.id, "").await;
    assert!(matches!(again, Err(EngineError::Conflict(_))), "a verdict is given once");
}

#[tokio::test]
async fn an_approval_not_given_in_time_climbs_the_chain_past_the_submitter() {
    let cafe = cafe("2026-01-05T17:00:00Z").await;
    let process = till(&cafe).await;
    cafe.t.engine.start_run(cafe.owner, process, None, None).await.unwrap();
    let task = count_task(&cafe, process).await;
    cafe.t.engine.submit_proof(cafe.as_person(cafe.dan), task.id, values(json!({"number": 99})), vec![]).await.unwrap();
    assert_eq!(cafe.task(task.id).await.holder, cafe.ben);

    cafe.t.advance(mins(31)).await;
    let moved = cafe.task(task.id).await;
    assert_eq!((moved.state, moved.holder, moved.level), (TaskState::Submitted, cafe.cara, 1), "the other lead");
    let told = notices_of(&cafe, cafe.cara, NoticeKind::TaskApproval).await;
    assert_eq!(told[0]["missed_by"], json!(cafe.ben.0), "Cara hears who let it lapse");

    // Dan's manager is Ben, then the owner.
    cafe.t.advance(mins(31)).await;
    let moved = cafe.task(task.id).await;
    assert_eq!((moved.state, moved.holder, moved.level), (TaskState::Submitted, cafe.ben, 2));
    cafe.t.advance(mins(31)).await;
    let moved = cafe.task(task.id).await;
    assert_eq!((moved.state, moved.holder, moved.level), (TaskState::Submitted, cafe.owner.person, 3));

    cafe.t.advance(mins(61)).await;
    let unresolved = cafe.task(task.id).await;
    assert_eq!((unresolved.state, unresolved.holder), (TaskState::Unresolved, cafe.owner.person));
    let done = cafe.t.engine.approve(cafe.owner, task.id, "").await.unwrap();
    assert_eq!(done.state, TaskState::Done, "the owner settles what nobody approved");
    assert!(verify_intact(&cafe).await);
}

async fn verify_intact(cafe: &Cafe) -> bool {
    let reports = proofline_engine::verify_chains(cafe.t.engine.store.as_ref(), None).await.unwrap();
    reports.iter().all(|r| r.broken.is_none())
}
