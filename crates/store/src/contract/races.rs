//! Two writers on the same rows at once. The store's compare-and-set transitions and claims
//! must let exactly one of them win, whatever the interleaving; repeated on fresh rows to
//! give the scheduler many chances to interleave them differently.

use super::{at, definition, kinds, mins};
use crate::*;
use jiff::{SignedDuration, Timestamp};
use proofline_core::access::Access;
use proofline_core::escalation::Move;
use proofline_core::notice::{Channel, NoticeKind};
use proofline_core::process::ProcessStatus;
use proofline_core::roles::PickRule;
use proofline_core::task::TaskState;
use proofline_core::{OrgId, PersonId, ProcessId};
use serde_json::json;
use std::sync::Arc;

const ROUNDS: i64 = 20;

pub(super) struct Setup {
    pub org: OrgId,
    pub worker: PersonId,
    pub manager: PersonId,
    pub process: ProcessId,
    pub start: Timestamp,
}

pub(super) async fn setup(store: &dyn Store) -> Setup {
    let org = store.create_org("Race Bakery", "UTC").await.unwrap();
    let person = |name: &str, access, manager| PersonFields {
        name: name.into(),
        email: format!("{}@race.test", name.to_lowercase()),
        access,
        manager,
        away_until: None,
        active: true,
    };
    let manager = store.create_person(org, &person("Mona", Access::Manager, None)).await.unwrap();
    let worker = store.create_person(org, &person("Walt", Access::Member, Some(manager))).await.unwrap();
    let role = store
        .create_role(org, &RoleFields { name: "Crew".into(), pick: PickRule::RoundRobin, members: vec![worker] })
        .await
        .unwrap();
    let start = at("2026-03-02T08:00:00Z");
    let process = store
        .create_process(org, "race", ProcessStatus::Active, &definition("Race", manager, role, worker), None, start)
        .await
        .unwrap();
    Setup { org, worker, manager, process, start }
}

/// Starts a run by hand with `steps` open tasks held by the worker; returns them.
pub(super) async fn open_run(store: &dyn Store, s: &Setup, round: i64, steps: u32) -> Vec<TaskRecord> {
    let scheduled_for = s.start + mins(round);
    let run = NewRun {
        org: s.org,
        process: s.process,
        version: 1,
        scheduled_for,
        trigger: "manual".into(),
        started_by: Some(s.manager),
        state: RunState::Active,
        reason: None,
        idempotency_key: None,
        tasks: (0..steps)
            .map(|step| NewTask {
                step_index: step,
                title: format!("Step {step}"),
                state: TaskState::Open,
                blocked: false,
                holder: s.worker,
                opens_at: scheduled_for,
                due_at: scheduled_for + mins(60),
                window_ms: 60 * 60_000,
            })
            .collect(),
    };
    let outcome = store.materialize(&[run], &[], &[], scheduled_for).await.unwrap();
    assert_eq!(outcome.tasks, u64::from(steps));
    let run = store.find_run(s.org, s.process, scheduled_for).await.unwrap().expect("the run exists");
    store.list_tasks(s.org, &TaskQuery { run: Some(run.id), ..TaskQuery::default() }).await.unwrap()
}

fn completion(s: &Setup, task: &TaskRecord, now: Timestamp) -> Completion {
    Completion {
        org: s.org,
        task: task.id,
        rev: task.rev,
        from_state: TaskState::Open,
        to_state: TaskState::Done,
        by: s.worker,
        holder: s.worker,
        handoff: None,
        evidence: json!({"text": "done"}),
        exceptions: vec![],
        readings: vec![],
        unblock: vec![],
        follow_up: None,
        now,
    }
}

/// The worker submits proof the moment the engine escalates the same task: either the
/// proof counts and the escalation is dropped, or the task moves on and the proof is
/// refused as a conflict — never both, never neither.
pub async fn concurrent_completion_and_escalation(store: Arc<dyn Store>) {
    let s = setup(&*store).await;
    for round in 0..ROUNDS {
        let task = open_run(&*store, &s, round, 1).await.remove(0);
        let now = task.due_at;
        let completion = completion(&s, &task, now);
        let escalation = TaskMove {
            task: task.id,
            org: s.org,
            rev: task.rev,
            missed_by: s.worker,
            from_level: 0,
            missed_due_at: task.due_at,
            outcome: Move::To { level: 1, holder: s.manager, due_at: now + mins(30) },
            from_state: TaskState::Open,
            submitter: None,
        };
        let (a, b) = (Arc::clone(&store), Arc::clone(&store));
        let completing = tokio::spawn(async move { a.complete_task(&completion).await });
        let escalating = tokio::spawn(async move { b.apply_moves(&[escalation], &[], now).await });
        let completed = completing.await.expect("the completion does not panic");
        let escalated = escalating
            .await
            .expect("the escalation does not panic")
            .expect("an escalation that loses simply applies nothing");

        let after = store.get_task(s.org, task.id).await.unwrap();
        let history = store.task_history(s.org, task.id).await.unwrap();
        let submissions = store.submissions(s.org, task.id).await.unwrap();
        match (completed, escalated) {
            (Ok(_), 0) => {
                assert_eq!((after.state, after.holder, after.rev), (TaskState::Done, s.worker, 1));
                assert_eq!(kinds(&history), ["created", "completed"]);
                assert_eq!(submissions.len(), 1);
            }
            (Err(StoreError::Conflict(_)), 1) => {
                assert_eq!((after.state, after.holder, after.level, after.rev), (TaskState::Open, s.manager, 1, 1));
                assert_eq!(kinds(&history), ["created", "escalated"]);
                assert!(submissions.is_empty());
            }
            (completed, escalated) => panic!(
                "round {round}: exactly one of completion and escalation must win, \
                 got completion {completed:?} and {escalated} escalation(s)"
            ),
        }
    }
}

/// Two people finish the last two tasks of a run at the same moment: both completions
/// succeed and the run is done, however their transactions interleave.
pub async fn concurrent_completions_close_the_run(store: Arc<dyn Store>) {
    let s = setup(&*store).await;
    for round in 0..ROUNDS {
        let tasks = open_run(&*store, &s, round, 2).await;
        let now = tasks[0].opens_at + mins(5);
        let (first, second) = (completion(&s, &tasks[0], now), completion(&s, &tasks[1], now));
        let (a, b) = (Arc::clone(&store), Arc::clone(&store));
        let one = tokio::spawn(async move { a.complete_task(&first).await });
        let two = tokio::spawn(async move { b.complete_task(&second).await });
        one.await.unwrap().expect("the first completion succeeds");
        two.await.unwrap().expect("the second completion succeeds");
        let run = store.get_run(s.org, tasks[0].run).await.unwrap();
        assert_eq!(run.state, RunState::Done, "round {round}: the run is done once both of its tasks are");
    }
}

/// Two delivery workers claim from the same queue at once, in small batches, until it is
/// empty: every delivery is handed out exactly once.
pub async fn concurrent_claims_never_share_a_delivery(store: Arc<dyn Store>) {
    const PER_ROUND: usize = 24;
    // Longer than the whole test, so a later round never sees an earlier round's rows again.
    let lease = SignedDuration::from_hours(24);
    let s = setup(&*store).await;
    for round in 0..ROUNDS {
        let now = s.start + mins(round);
        let notice = NewNotice {
            org: s.org,
            person: Some(s.worker),
            kind: NoticeKind::DailyDigest,
            key: format!("digest.daily:{}:{round}", s.worker),
            task: None,
            run: None,
            process: None,
            data: json!({}),
        };
        assert_eq!(store.add_notices(&[notice], now).await.unwrap(), 1);
        let notice = store.unrouted_notices(10).await.unwrap().remove(0);
        let deliveries: Vec<NewDelivery> = (0..PER_ROUND)
            .map(|i| NewDelivery {
                org: s.org,
                notice: notice.id,
                channel: Channel::Webhook,
                endpoint: None,
                destination: format!("endpoint:{}", i % 3),
                address: format!("https://race.test/{i}"),
                dedupe_key: format!("{}/{}/{i}", s.org, notice.key),
                subject: String::new(),
                body: "{}".into(),
                html: None,
                not_before: now,
            })
            .collect();
        assert_eq!(store.route_notices(&[notice.id], &deliveries, now).await.unwrap(), PER_ROUND as u64);
        let worker = |store: Arc<dyn Store>| async move {
            let mut mine = Vec::new();
            loop {
                let claim = Claim { now, lease_until: now + lease, limit: 5, per_destination: 3, busy: &[] };
                let claimed = store.claim_deliveries(&claim).await.expect("claiming works");
                if claimed.is_empty() {
                    return mine;
                }
                mine.extend(claimed.into_iter().map(|d| (d.id, d.attempts)));
            }
        };
        let one = tokio::spawn(worker(Arc::clone(&store)));
        let two = tokio::spawn(worker(Arc::clone(&store)));
        let mut all = one.await.expect("the first worker does not panic");
        all.extend(two.await.expect("the second worker does not panic"));
        let rest = Claim { now, lease_until: now + lease, limit: 100, per_destination: 0, busy: &[] };
        assert!(store.claim_deliveries(&rest).await.unwrap().is_empty());
        all.sort();
        let before = all.len();
        all.dedup_by_key(|(id, _)| *id);
        assert_eq!(before, all.len(), "round {round}: a delivery was handed to both workers");
        assert_eq!(all.len(), PER_ROUND, "round {round}: every delivery was claimed");
        assert!(all.iter().all(|(_, attempts)| *attempts == 1), "round {round}: each claimed once");
    }
}

/// An invitation link clicked twice at once (a double submit, or a stolen link used as its
/// owner uses it): exactly one redeem sets the password, the other gets nothing.
pub async fn concurrent_redeems_use_a_link_once(store: Arc<dyn Store>) {
    let s = setup(&*store).await;
    for round in 0..ROUNDS {
        let now = s.start + mins(round);
        let sha256 = format!("race-link-{round}");
        let link = NewLink {
            sha256: sha256.clone(),
            org: s.org,
            person: s.worker,
            purpose: LinkPurpose::Invite,
            created_at: now,
            expires_at: now + mins(60),
        };
        store.create_link(&link).await.unwrap();
        let redeem = |store: Arc<dyn Store>, hash: String| {
            let sha256 = sha256.clone();
            async move { store.redeem_link(&sha256, LinkPurpose::Invite, &hash, now).await }
        };
        let one = tokio::spawn(redeem(Arc::clone(&store), format!("hash-one-{round}")));
        let two = tokio::spawn(redeem(Arc::clone(&store), format!("hash-two-{round}")));
        let one = one.await.unwrap().expect("a losing redeem is not an error");
        let two = two.await.unwrap().expect("a losing redeem is not an error");
        let winner = match (one, two) {
            (Some(_), None) => format!("hash-one-{round}"),
            (None, Some(_)) => format!("hash-two-{round}"),
            (one, two) => panic!("round {round}: exactly one redeem must win, got {one:?} and {two:?}"),
        };
        let logins = store.logins_by_email("walt@race.test").await.unwrap();
        assert_eq!(logins.len(), 1);
        assert_eq!(logins[0].password_hash, winner, "round {round}: the winner's password is the one set");
    }
}
