//! The core loop as people experience it, driven by a manual clock through days.

use crate::common::*;
use jiff::SignedDuration;
use proofline_core::PersonId;
use proofline_core::task::TaskState;
use proofline_engine::{EngineError, Upload};
use proofline_store::{PersonFields, RunState, TaskQuery};
use serde_json::{Value, json};

#[tokio::test]
async fn a_run_is_created_once_however_often_or_by_however_many_engines_it_is_materialized() {
    let cafe = cafe("2026-01-05T05:30:00Z").await;
    let now = cafe.t.clock.advance(mins(1));
    let second_engine = cafe.t.engine.clone();
    let (a, b) = tokio::join!(cafe.t.engine.materialize_once(now), second_engine.materialize_once(now));
    assert_eq!(a.unwrap().runs + b.unwrap().runs, 1, "07:00 Berlin is within the one-hour horizon");
    assert_eq!(cafe.t.engine.materialize_once(now).await.unwrap().runs, 0);
    assert_eq!(cafe.tasks(&[]).await.len(), 2);
    assert!(cafe.tasks(&[TaskState::Waiting]).await.len() == 2, "nothing opens before 07:00");
}

#[tokio::test]
async fn a_missed_task_moves_up_the_chain_and_only_what_nobody_resolved_reaches_the_owner() {
    let cafe = cafe("2026-01-05T05:59:00Z").await;
    cafe.t.advance(mins(1)).await; // 07:00 Berlin
    let task = cafe.first_step().await;
    assert_eq!((task.state, task.holder), (TaskState::Open, cafe.dan));
    assert_eq!(task.due_at, at("2026-01-05T07:00:00Z"));

    let moved = cafe.t.advance(mins(60)).await; // 08:00 Berlin: Dan missed it
    assert_eq!(moved.escalated, 1);
    let task = cafe.task(task.id).await;
    // Ben's shift-lead turn went to the sign-off step, so round robin gives this to Cara.
    assert_eq!(
        (task.state, task.holder, task.level),
        (TaskState::Open, cafe.cara, 1),
        "reassigned, not merely reminded"
    );
    assert_eq!(task.due_at, at("2026-01-05T07:30:00Z"), "with a fresh 30-minute window");

    cafe.t.advance(mins(30)).await; // Cara missed it: Dan's manager, Ben
    let task = cafe.task(task.id).await;
    assert_eq!((task.holder, task.level), (cafe.ben, 2));
    cafe.t.advance(mins(30)).await; // Ben missed it: the owner
    let task = cafe.task(task.id).await;
    assert_eq!((task.holder, task.level), (cafe.owner.person, 3));
    cafe.t.advance(mins(60)).await;
    let task = cafe.task(task.id).await;
    assert_eq!((task.state, task.holder), (TaskState::Unresolved, cafe.owner.person));

    let inbox = cafe
        .t
        .engine
        .store
        .list_tasks(
            cafe.owner.org,
            &TaskQuery { holder: Some(cafe.owner.person), states: vec![TaskState::Unresolved], ..TaskQuery::default() },
        )
        .await
        .unwrap();
    assert_eq!(
        inbox.iter().map(|t| t.id).collect::<Vec<_>>(),
        [task.id],
        "the inbox shows the unresolved task and nothing else"
    );

    let history = cafe.t.engine.store.task_history(cafe.owner.org, task.id).await.unwrap();
    let kinds: Vec<&str> = history.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["created", "opened", "escalated", "escalated", "escalated", "unresolved"]);
    let missed_by: Vec<Value> = history[2..].iter().map(|e| e.data["missed_by"].clone()).collect();
    assert_eq!(
        missed_by,
        [json!(cafe.dan.0), json!(cafe.cara.0), json!(cafe.ben.0), json!(cafe.owner.person.0)],
        "each miss is recorded against its holder"
    );
}

#[tokio::test]
async fn people_who_are_away_are_skipped_by_escalation() {
    let cafe = cafe("2026-01-05T05:59:00Z").await;
    let store = &cafe.t.engine.store;
    let mut ben = store.get_person(cafe.owner.org, cafe.ben).await.unwrap();
    ben.away_until = Some(at("2026-01-20T00:00:00Z"));
    let fields = PersonFields {
        name: ben.name,
        email: ben.email,
        access: ben.access,
        manager: ben.manager,
        away_until: ben.away_until,
        active: true,
    };
    store.update_person(cafe.owner.org, cafe.ben, &fields).await.unwrap();
    cafe.t.advance(mins(1)).await;
    cafe.t.advance(mins(60)).await;
    let task = cafe.first_step().await;
    assert_eq!(task.holder, cafe.cara, "Ben is away, so the shift-lead turn goes to Cara");
}

#[tokio::test]
async fn a_step_is_done_only_with_its_proof_and_an_out_of_range_reading_is_flagged() {
    let cafe = cafe("2026-01-05T05:59:00Z").await;
    cafe.t.advance(mins(1)).await;
    let task = cafe.first_step().await;
    let dan = cafe.as_person(cafe.dan);

    let err = cafe.t.engine.submit_proof(dan, task.id, values(json!({"number": 3})), vec![]).await.unwrap_err();
    let EngineError::Proof(problems) = err else { panic!("expected a proof error, got {err:?}") };
    assert_eq!(problems.iter().map(|p| p.key.as_str()).collect::<Vec<_>>(), ["photo"]);
    assert_eq!(cafe.task(task.id).await.state, TaskState::Open, "nothing changed");

    let not_an_image = vec![Upload {
        key: "photo".into(),
        filename: Some("x.jpg".into()),
        bytes: b"\xFF\xD8\xFF\xE0 definitely not a jpeg".to_vec(),
    }];
    assert!(matches!(
        cafe.t.engine.submit_proof(dan, task.id, values(json!({"number": 3})), not_an_image).await,
        Err(EngineError::Proof(_))
    ));

    let someone_else = cafe.as_person(cafe.cara);
    assert!(matches!(
        cafe.t.engine.submit_proof(someone_else, task.id, values(json!({"number": 3})), photo()).await,
        Err(EngineError::Forbidden(_))
    ));

    let outcome = cafe.t.engine.submit_proof(dan, task.id, values(json!({"number": 7.5})), photo()).await.unwrap();
    assert_eq!(outcome.state, TaskState::Done);
    let keys: Vec<&str> = outcome.exceptions.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["number", "photo"], "7.5 °C is accepted but flagged, and so is a photo with no capture time");
    let second = cafe.tasks(&[TaskState::Open]).await;
    assert_eq!(second.len(), 1, "the sign-off opens once the reading is in");
    assert_eq!(second[0].step_index, 1);

    let lead = cafe.as_person(second[0].holder);
    cafe.t
        .engine
        .submit_proof(lead, second[0].id, values(json!({"signature": {"name": "Ben", "attest": true}})), vec![])
        .await
        .unwrap();
    let run = cafe.t.engine.store.get_run(cafe.owner.org, task.run).await.unwrap();
    assert_eq!(run.state, RunState::Done);
    let again = cafe.t.engine.submit_proof(dan, task.id, values(json!({"number": 3})), photo()).await;
    assert!(matches!(again, Err(EngineError::Conflict(_))), "a done task takes no more proof");
}

#[tokio::test]
async fn after_an_outage_old_occurrences_are_skipped_and_the_current_one_opens_with_a_fresh_window() {
    let cafe = cafe("2026-01-05T05:59:00Z").await;
    cafe.t.advance(mins(1)).await; // the 5 January run opens
    let now = cafe.t.clock.advance(SignedDuration::from_hours(24 * 3 + 2)); // down until 8 January 09:00 Berlin
    cafe.t.engine.pass(now).await.unwrap();
    let runs: Vec<_> =
        cafe.tasks(&[]).await.into_iter().filter(|t| t.step_index == 0).map(|t| (t.scheduled_for, t.state)).collect();
    let expected = [
        (at("2026-01-05T06:00:00Z"), TaskState::Open),
        (at("2026-01-06T06:00:00Z"), TaskState::Skipped),
        (at("2026-01-07T06:00:00Z"), TaskState::Skipped),
        (at("2026-01-08T06:00:00Z"), TaskState::Open),
    ];
    let mut sorted = runs.clone();
    sorted.sort_by_key(|r| r.0);
    assert_eq!(sorted, expected, "the 5 January task was already out; it moves on one level");
    let current = cafe
        .tasks(&[TaskState::Open])
        .await
        .into_iter()
        .find(|t| t.step_index == 0 && t.scheduled_for == at("2026-01-08T06:00:00Z"))
        .unwrap();
    assert_eq!(
        current.due_at,
        now + SignedDuration::from_hours(1),
        "the current run counts from the moment Proofline is back"
    );
}

#[tokio::test]
async fn completing_and_escalating_the_same_task_at_once_has_exactly_one_winner() {
    for round in 0..8 {
        let cafe = cafe("2026-01-05T05:59:00Z").await;
        cafe.t.advance(mins(1)).await;
        let task = cafe.first_step().await;
        let deadline = cafe.t.clock.advance(mins(60));
        let dan = cafe.as_person(cafe.dan);
        let engine = cafe.t.engine.clone();
        let submit =
            tokio::spawn(async move { engine.submit_proof(dan, task.id, values(json!({"number": 2})), photo()).await });
        let escalated = cafe.t.engine.escalate_once(deadline).await.unwrap();
        let submitted = submit.await.unwrap();
        let after = cafe.task(task.id).await;
        match submitted {
            Ok(_) => assert_eq!((escalated, after.state), (0, TaskState::Done), "round {round}"),
            // The move won: while the proof was being checked (409), or before Dan read the
            // task, which by then was no longer his (403).
            Err(EngineError::Conflict(_) | EngineError::Forbidden(_)) => {
                assert_eq!((escalated, after.holder), (1, cafe.cara), "round {round}")
            }
            Err(e) => panic!("round {round}: {e}"),
        }
    }
}

#[tokio::test]
async fn editing_a_process_makes_a_version_and_running_runs_keep_theirs() {
    let cafe = cafe("2026-01-05T05:59:00Z").await;
    cafe.t.advance(mins(1)).await;
    let mut definition = cafe.t.engine.store.get_process(cafe.owner.org, cafe.process).await.unwrap().definition;
    definition.steps[0].title = "Fridge and freezer temperature".into();
    let change = cafe.t.engine.update_process(cafe.owner, cafe.process, definition.clone()).await.unwrap();
    assert_eq!((change.version, change.changed), (2, true));
    assert!(
        !cafe.t.engine.update_process(cafe.owner, cafe.process, definition).await.unwrap().changed,
        "saving the same definition makes no version"
    );
    assert_eq!(cafe.first_step().await.version, 1);
    cafe.t.advance(SignedDuration::from_hours(24)).await;
    let newest =
        cafe.tasks(&[]).await.into_iter().filter(|t| t.step_index == 0).max_by_key(|t| t.scheduled_for).unwrap();
    assert_eq!((newest.version, newest.title.as_str()), (2, "Fridge and freezer temperature"));
}

#[tokio::test]
async fn manual_and_event_runs_start_now_and_bad_definitions_are_refused_whole() {
    let cafe = cafe("2026-01-05T05:59:00Z").await;
    let run = cafe.t.engine.start_run(cafe.owner, cafe.process, None, None).await.unwrap().run;
    assert_eq!(run.trigger, "manual");
    assert!(cafe.t.engine.start_run(cafe.owner, cafe.process, Some("delivery"), None).await.is_err());

    let mut bad = cafe.t.engine.store.get_process(cafe.owner.org, cafe.process).await.unwrap().definition;
    bad.owner = PersonId(999);
    bad.steps[0].proof.clear();
    let Err(EngineError::Invalid(errors)) = cafe.t.engine.update_process(cafe.owner, cafe.process, bad).await else {
        panic!("expected invalid")
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["steps[0].proof", "owner"]);
    assert_eq!(cafe.t.engine.store.get_process(cafe.owner.org, cafe.process).await.unwrap().version, 1);
}
