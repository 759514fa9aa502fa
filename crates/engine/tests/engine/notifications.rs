//! Notifications as the people of the café receive them: who hears what, when, and how
//! often, through failures, quiet hours and crashes.

use crate::common::*;
use jiff::SignedDuration;
use jiff::civil::time;
use proofline_core::ProcessId;
use proofline_core::notice::{Channel, EmailMode, NoticeKind, NotifySettings, Preferences, QuietHours};
use proofline_core::pattern::{Finding, PatternKind, Severity};
use proofline_core::process::ProcessStatus;
use proofline_engine::{Clock, EndpointInput, SendError};
use proofline_store::{DeliveryQuery, DeliveryState};
use proofline_testkit::Trouble;
use serde_json::json;
use std::time::Duration;

const DAN: &str = "dan@cafe.test";

fn kinds(sent: &[proofline_testkit::Sent]) -> Vec<String> {
    sent.iter().map(|s| s.message["type"].as_str().unwrap_or_default().to_string()).collect()
}

impl Cafe {
    /// One engine pass at the clock's instant, then every delivery due.
    async fn pass_and_deliver(&self) -> proofline_engine::DeliveryPass {
        let now = self.t.clock.now();
        self.t.engine.pass(now).await.unwrap();
        self.t.engine.deliver_once(now).await.unwrap()
    }

    async fn deliveries(&self, state: Option<DeliveryState>) -> Vec<proofline_store::DeliveryRecord> {
        let query = DeliveryQuery { state, id: None, limit: 100 };
        self.t.engine.store.list_deliveries(self.owner.org, &query).await.unwrap()
    }

    async fn prefer(&self, person: proofline_core::PersonId, preferences: Preferences) {
        self.t.engine.set_preferences(self.owner, person, &preferences).await.unwrap();
    }
}

#[tokio::test]
async fn the_holder_hears_when_work_opens_and_the_next_person_hears_who_missed_it_and_the_new_deadline() {
    let cafe = cafe("2026-01-05T05:59:00Z").await;
    cafe.t.clock.advance(mins(1));
    cafe.pass_and_deliver().await;
    let to_dan = cafe.t.notifier.sent_to(DAN);
    assert_eq!(kinds(&to_dan), ["task.opened"]);
    let task = cafe.first_step().await;
    assert_eq!(to_dan[0].message["task"]["url"], format!("http://localhost:8080/tasks/{}", task.id));
    assert_eq!(to_dan[0].message["task"]["due"]["local"], "Mon 5 Jan 2026, 08:00 CET");
    assert_eq!(to_dan[0].message["task"]["proof"], json!(["Number (0 to 5 °C): Fridge", "Photo"]));

    cafe.t.clock.advance(mins(60));
    cafe.pass_and_deliver().await;
    let moved: Vec<_> = cafe.t.notifier.sent().into_iter().filter(|s| s.message["type"] == "task.moved").collect();
    assert_eq!(moved.len(), 1, "exactly one shift lead hears of it");
    assert_eq!(moved[0].message["missed_by"]["name"], "Dan");
    assert_eq!(moved[0].message["missed_due"]["local"], "Mon 5 Jan 2026, 08:00 CET");
    assert_eq!(moved[0].message["task"]["due"]["local"], "Mon 5 Jan 2026, 08:30 CET");

    let before = cafe.t.notifier.sent().len();
    assert_eq!(cafe.pass_and_deliver().await, Default::default(), "nothing is sent twice");
    assert_eq!(cafe.t.notifier.sent().len(), before);

    let inbox = cafe.t.engine.store.list_notices(cafe.owner.org, cafe.dan, true, None, 50).await.unwrap();
    assert_eq!(inbox.iter().map(|n| n.kind).collect::<Vec<_>>(), [NoticeKind::TaskOpened], "Dan's in-app list");
}

#[tokio::test]
async fn quiet_hours_hold_email_until_they_end_and_digest_people_get_only_the_digest() {
    let cafe = cafe("2026-01-05T05:59:00Z").await;
    let morning = QuietHours { from: time(7, 45, 0, 0), to: time(9, 0, 0, 0) };
    let quiet = Preferences { quiet_hours: Some(morning), ..Preferences::default() };
    cafe.prefer(cafe.ben, quiet.clone()).await;
    cafe.prefer(cafe.cara, quiet).await;
    cafe.prefer(cafe.dan, Preferences { email: EmailMode::Digest, ..Preferences::default() }).await;
    let settings = NotifySettings { daily_digest_at: time(7, 0, 0, 0), ..NotifySettings::default() };
    cafe.t.engine.set_notify_settings(cafe.owner, &settings).await.unwrap();

    cafe.t.clock.advance(mins(1));
    cafe.pass_and_deliver().await;
    let to_dan = cafe.t.notifier.sent_to(DAN);
    assert_eq!(kinds(&to_dan), ["digest.daily"], "07:00 Berlin: the digest, not each task");
    assert_eq!(to_dan[0].message["digest"]["open"][0]["title"], "Fridge temperature");

    cafe.t.clock.advance(mins(60));
    cafe.pass_and_deliver().await;
    let leads = |c: &Cafe| c.t.notifier.sent().into_iter().filter(|s| s.message["type"] == "task.moved").count();
    assert_eq!(leads(&cafe), 0, "08:00 is within the leads' quiet hours");
    assert_eq!(cafe.deliveries(Some(DeliveryState::Pending)).await.len(), 1);

    cafe.t.clock.advance(mins(60));
    cafe.t.engine.deliver_once(cafe.t.clock.now()).await.unwrap();
    assert_eq!(leads(&cafe), 1, "sent at 09:00 when quiet hours end");
}

#[tokio::test]
async fn a_failing_mailbox_is_retried_with_backoff_and_a_dead_one_is_reported_to_the_admins() {
    let cafe = cafe("2026-01-05T05:59:00Z").await;
    let temporary = Trouble::Fail(SendError::Retryable("421 try later".into()));
    cafe.t.notifier.trouble(DAN, temporary, 2);
    cafe.t.clock.advance(mins(1));
    let first = cafe.pass_and_deliver().await;
    assert_eq!((first.sent, first.retried), (0, 1));
    let pending = cafe.deliveries(Some(DeliveryState::Pending)).await;
    let wait = pending[0].next_attempt_at.duration_since(cafe.t.clock.now());
    assert!(wait >= SignedDuration::from_secs(15) && wait <= SignedDuration::from_secs(30), "{wait:?}");
    assert_eq!(pending[0].last_error.as_deref(), Some("421 try later"));

    cafe.t.clock.advance(SignedDuration::from_secs(30));
    assert_eq!(cafe.t.engine.deliver_once(cafe.t.clock.now()).await.unwrap().retried, 1);
    cafe.t.clock.advance(SignedDuration::from_secs(60));
    assert_eq!(cafe.t.engine.deliver_once(cafe.t.clock.now()).await.unwrap().sent, 1);
    assert_eq!(cafe.t.notifier.sent_to(DAN).len(), 1);

    let bounced = Trouble::Fail(SendError::Permanent("550 no such mailbox".into()));
    cafe.t.notifier.trouble("ben@cafe.test", bounced.clone(), 1);
    cafe.t.notifier.trouble("cara@cafe.test", bounced, 1);
    cafe.t.clock.advance(mins(59));
    let moved = cafe.pass_and_deliver().await;
    assert_eq!((moved.sent, moved.failed), (0, 1), "a permanent error is not retried");
    let failed = cafe.deliveries(Some(DeliveryState::Failed)).await;
    assert_eq!(failed[0].last_error.as_deref(), Some("550 no such mailbox"));

    let olga = cafe.owner.person;
    let admin = cafe.t.engine.store.list_notices(cafe.owner.org, olga, true, None, 50).await.unwrap();
    assert!(admin.iter().any(|n| n.kind == NoticeKind::DeliveryFailed), "the owner sees it in-app");
    let members = cafe.t.engine.store.list_notices(cafe.owner.org, cafe.dan, true, None, 50).await.unwrap();
    assert!(members.iter().all(|n| n.kind != NoticeKind::DeliveryFailed));
    let task = cafe.first_step().await;
    let history = cafe.t.engine.store.task_history(cafe.owner.org, task.id).await.unwrap();
    assert!(history.iter().any(|e| e.kind == "delivery_failed"), "and it is in the audit history");
}

#[tokio::test]
async fn a_crash_between_sending_and_recording_sends_again_under_the_same_dedupe_key() {
    let cafe = cafe("2026-01-05T05:59:00Z").await;
    let now = cafe.t.clock.advance(mins(1));
    cafe.t.engine.pass(now).await.unwrap();
    cafe.t.engine.route_once(now).await.unwrap();
    // Another instance claims the delivery, sends it, and dies before recording that.
    let store = &cafe.t.engine.store;
    let claim = proofline_store::Claim { now, lease_until: now + mins(5), limit: 10, per_destination: 0, busy: &[] };
    let claimed = store.claim_deliveries(&claim).await.unwrap();
    assert_eq!(claimed.len(), 1);
    let notifier = cafe.t.engine.notifier.clone().unwrap();
    notifier.send(&claimed[0], None).await.unwrap();

    assert_eq!(cafe.t.engine.deliver_once(now).await.unwrap(), Default::default(), "its lease still holds");
    cafe.t.clock.advance(mins(5));
    assert_eq!(cafe.t.engine.deliver_once(cafe.t.clock.now()).await.unwrap().sent, 1);
    let to_dan = cafe.t.notifier.sent_to(DAN);
    assert_eq!(to_dan.len(), 2, "at least once");
    assert_eq!(to_dan[0].dedupe_key, to_dan[1].dedupe_key, "the receiver can tell it is the same message");
}

#[tokio::test]
async fn a_dead_endpoint_does_not_hold_up_the_others() {
    let cafe = cafe("2026-01-05T05:00:00Z").await;
    let hook = |name: &str, url: &str| EndpointInput {
        channel: Channel::Webhook,
        name: name.into(),
        url: url.into(),
        events: vec![NoticeKind::TaskOpened],
        active: true,
    };
    let (_, secret) = cafe.t.engine.create_endpoint(cafe.owner, hook("dead", "http://dead.test/hook")).await.unwrap();
    assert!(secret.starts_with("whsec_"));
    cafe.t.engine.create_endpoint(cafe.owner, hook("alive", "http://alive.test/hook")).await.unwrap();
    cafe.t.notifier.trouble("http://dead.test/hook", Trouble::Hang(Duration::from_secs(3_600)), 10);
    for _ in 0..10 {
        cafe.t.clock.advance(SignedDuration::from_millis(1));
        cafe.t.engine.start_run(cafe.owner, cafe.process, None, None).await.unwrap();
    }
    let mut engine = cafe.t.engine.clone();
    engine.config.send_timeout = SignedDuration::from_millis(200);
    let now = cafe.t.clock.now();
    engine.pass(now).await.unwrap();
    let outcome = engine.deliver_once(now).await.unwrap();
    assert_eq!(outcome.sent, 20, "ten to the live endpoint and ten emails to Dan");
    assert_eq!(outcome.retried, 10, "the dead endpoint's messages wait for a retry");
    assert_eq!(cafe.t.notifier.sent_to("http://alive.test/hook").len(), 10);
    let alive = cafe.t.notifier.sent_to("http://alive.test/hook");
    assert!(alive.iter().all(|s| s.secret.as_deref().is_some_and(|s| s.starts_with("whsec_"))));
    let waiting = cafe.deliveries(Some(DeliveryState::Pending)).await;
    assert!(waiting.iter().all(|d| d.last_error.as_deref() == Some("no answer within 200ms")), "{waiting:?}");
}

#[tokio::test]
async fn the_holder_is_reminded_once_before_the_deadline_and_work_sent_back_says_why() {
    let cafe = cafe("2026-01-05T05:59:00Z").await;
    cafe.t.clock.advance(mins(1));
    cafe.pass_and_deliver().await;
    cafe.t.clock.advance(mins(30));
    assert_eq!(cafe.t.engine.pass(cafe.t.clock.now()).await.unwrap().reminded, 1, "07:30, half an hour before 08:00");
    cafe.t.clock.advance(mins(1));
    assert_eq!(cafe.t.engine.pass(cafe.t.clock.now()).await.unwrap().reminded, 0, "once");
    cafe.t.engine.deliver_once(cafe.t.clock.now()).await.unwrap();
    assert_eq!(kinds(&cafe.t.notifier.sent_to(DAN)), ["task.opened", "task.due_soon"]);

    let task = cafe.first_step().await;
    let dan = cafe.as_person(cafe.dan);
    cafe.t.engine.submit_proof(dan, task.id, values(json!({"number": 3})), photo()).await.unwrap();
    let reason = "The photo shows the freezer, not the fridge";
    let back = cafe.t.engine.return_task(cafe.owner, task.id, reason).await.unwrap();
    assert_eq!(back.state, proofline_core::task::TaskState::Open);
    assert_eq!(back.holder, cafe.dan);
    assert!(cafe.t.engine.return_task(dan, task.id, reason).await.is_err(), "members cannot send work back");
    cafe.pass_and_deliver().await;
    let returned = cafe.t.notifier.sent_to(DAN).pop().unwrap();
    assert_eq!(returned.message["type"], "task.returned");
    assert_eq!(returned.message["reason"], reason);
    assert_eq!(returned.message["by"]["name"], "Olga");
}

#[tokio::test]
async fn connected_systems_hear_of_completed_work_and_idempotent_runs_start_once() {
    let cafe = cafe("2026-01-05T05:59:00Z").await;
    let input = EndpointInput {
        channel: Channel::Slack,
        name: "#kitchen".into(),
        url: "https://hooks.slack.test/T1/B2".into(),
        events: vec![NoticeKind::TaskCompleted],
        active: true,
    };
    cafe.t.engine.create_endpoint(cafe.owner, input).await.unwrap();
    cafe.t.clock.advance(mins(1));
    cafe.pass_and_deliver().await;
    let task = cafe.first_step().await;
    let dan = cafe.as_person(cafe.dan);
    cafe.t.engine.submit_proof(dan, task.id, values(json!({"number": 3})), photo()).await.unwrap();
    cafe.pass_and_deliver().await;
    let slack = cafe.t.notifier.sent_to("https://hooks.slack.test/T1/B2");
    assert_eq!(kinds(&slack), ["task.completed"]);
    assert_eq!(slack[0].message["by"]["name"], "Dan");
    assert!(kinds(&cafe.t.notifier.sent_to(DAN)).iter().all(|k| k != "task.completed"));

    cafe.t.clock.advance(mins(1));
    let first = cafe.t.engine.start_run(cafe.owner, cafe.process, None, Some("delivery-4711")).await.unwrap();
    cafe.t.clock.advance(mins(1));
    let again = cafe.t.engine.start_run(cafe.owner, cafe.process, None, Some("delivery-4711")).await.unwrap();
    assert!(first.created && !again.created);
    assert_eq!(first.run.id, again.run.id);
}

#[tokio::test]
async fn the_owner_gets_a_weekly_digest_of_the_processes_they_own_and_what_nobody_resolved() {
    let cafe = cafe("2026-01-05T05:59:00Z").await;
    // Dan never does the fridge reading, and nobody else does either, all week long.
    for _ in 0..6 * 24 {
        cafe.t.advance(mins(60)).await;
    }
    // Detection found one habit in Olga's checklist, and many more in Ben's stock count.
    let store = &cafe.t.engine.store;
    let now = cafe.t.clock.now();
    let olgas = pattern(cafe.process, "fridge", "Opening checklist, step 1 was missed on 6 of the last 6 days", now);
    store.save_patterns(cafe.owner.org, cafe.process, &[olgas], now).await.unwrap();
    let mut stock = cafe.t.engine.store.get_process(cafe.owner.org, cafe.process).await.unwrap().definition;
    (stock.name, stock.owner) = ("Stock count".into(), cafe.ben);
    let stock = store.create_process(cafe.owner.org, "stock", ProcessStatus::Active, &stock, None, now).await.unwrap();
    let bens: Vec<_> = (0..60).map(|i| pattern(stock, &format!("s{i}"), "Stock count slips", now)).collect();
    store.save_patterns(cafe.owner.org, stock, &bens, now + mins(1)).await.unwrap();

    let settings = NotifySettings { weekly_digest_on: jiff::civil::Weekday::Monday, ..NotifySettings::default() };
    cafe.t.engine.set_notify_settings(cafe.owner, &settings).await.unwrap();
    cafe.t.clock.advance(mins(60 * 24 + 61));
    cafe.pass_and_deliver().await;
    let weekly: Vec<_> = cafe
        .t
        .notifier
        .sent_to("olga@cafe.test")
        .into_iter()
        .filter(|s| s.message["type"] == "digest.weekly")
        .collect();
    assert_eq!(weekly.len(), 1, "Monday 08:00 Berlin, once");
    let digest = &weekly[0].message["digest"];
    assert_eq!(digest["processes"][0]["process"]["name"], "Opening checklist");
    assert!(digest["processes"][0]["unresolved"].as_u64().unwrap() >= 6, "{digest}");
    assert!(!digest["unresolved"].as_array().unwrap().is_empty());
    assert_eq!(
        digest["patterns"],
        json!(["Opening checklist, step 1 was missed on 6 of the last 6 days"]),
        "her own process's open patterns, however many other processes have"
    );
}

fn pattern(process: ProcessId, key: &str, sentence: &str, now: jiff::Timestamp) -> Finding {
    Finding {
        key: format!("step_misses:{}:{key}", process.0),
        kind: PatternKind::StepMisses,
        process,
        step: Some(0),
        person: None,
        severity: Severity::High,
        sentence: sentence.into(),
        first_seen: now - mins(60 * 24 * 6),
        last_seen: now,
        runs: vec![],
        p_value: 0.001,
        series: vec![],
        range: None,
    }
}

#[tokio::test]
async fn the_running_engine_routes_and_sends_on_its_own_and_stops_cleanly() {
    let cafe = cafe("2026-01-05T05:59:00Z").await;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let running = {
        let engine = cafe.t.engine.clone();
        tokio::spawn(async move { engine.run(stopped).await })
    };
    cafe.t.clock.advance(mins(1)); // 07:00 Berlin: the next pass opens Dan's reading
    let waited = std::time::Instant::now();
    let opened = || kinds(&cafe.t.notifier.sent_to(DAN)).contains(&"task.opened".to_string());
    while !opened() && waited.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(opened(), "no test step drove it: {:?}", cafe.t.notifier.sent());
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(10), running).await.expect("it stops").expect("without panicking");
    assert!(cafe.deliveries(Some(DeliveryState::Pending)).await.is_empty(), "and recorded what it sent");
}
