//! The story's deliveries chapter: notices are routed into deliveries (once per dedupe
//! key), claimed under a lease, sent, retried, and given up on — which the audit log
//! records and the organization's active owners and managers hear of in-app.

use super::work::Work;
use super::{Cast, at, conflict, mins, not_found};
use crate::*;
use jiff::{SignedDuration, Timestamp};
use proofline_core::access::Access;
use proofline_core::notice::{Channel, NoticeKind};
use serde_json::json;

pub(super) async fn chapter(store: &dyn Store, cast: &Cast, w: &Work, endpoint: i64) {
    let d = at("2026-01-10T06:00:00Z");
    let ids = route(store, cast, endpoint, d).await;
    claim_and_send(store, cast, &ids, d).await;
    give_up(store, cast, w, &ids, d).await;
    retry(store, cast, &ids, d).await;
    store.delete_endpoint(cast.acme, endpoint).await.unwrap();
    let listed = store.list_deliveries(cast.acme, &DeliveryQuery::default()).await.unwrap();
    let hook = listed.iter().find(|x| x.id == ids.hook).expect("the webhook delivery is kept");
    assert_eq!((hook.endpoint, hook.state), (None, DeliveryState::Sent), "deleting an endpoint keeps its history");
}

struct Ids {
    /// Cleo's email about the fridge reading opening.
    email: i64,
    /// The same notice to Acme's webhook.
    hook: i64,
    /// Ben's email, held back until his quiet hours end.
    later: i64,
    url: String,
}

fn ms(t: Timestamp) -> i64 {
    t.as_millisecond()
}

async fn delivery(store: &dyn Store, cast: &Cast, id: i64) -> DeliveryRecord {
    let all = store.list_deliveries(cast.acme, &DeliveryQuery::default()).await.unwrap();
    all.into_iter().find(|x| x.id == id).expect("the delivery is listed")
}

/// A claim of up to 10 rows, with no cap per destination, leased for 5 minutes.
fn claim_at(now: Timestamp, busy: &[String]) -> Claim<'_> {
    Claim { now, lease_until: now + mins(5), limit: 10, per_destination: 0, busy }
}

async fn claim(store: &dyn Store, now: Timestamp, busy: &[String]) -> Vec<(i64, u32)> {
    store.claim_deliveries(&claim_at(now, busy)).await.unwrap().into_iter().map(|x| (x.id, x.attempts)).collect()
}

fn outcome(delivery: i64, attempt: u32, result: AttemptResult) -> AttemptOutcome {
    AttemptOutcome { delivery, attempt, result }
}

async fn route(store: &dyn Store, cast: &Cast, endpoint: i64, d: Timestamp) -> Ids {
    let Cast { acme, globex, .. } = *cast;
    let unrouted = store.unrouted_notices(1000).await.unwrap();
    let (first, second) = (&unrouted[0], &unrouted[1]);
    assert_eq!(
        store.next_delivery_at().await.unwrap(),
        Some(first.created_at),
        "with nothing to send yet, the oldest unrouted notice is due"
    );
    let url = store.get_endpoint(acme, endpoint).await.unwrap().url;
    let email = NewDelivery {
        org: acme,
        notice: first.id,
        channel: Channel::Email,
        endpoint: None,
        destination: "smtp".into(),
        address: "cleo@acme.test".into(),
        dedupe_key: format!("{acme}/{}/email", first.key),
        subject: "Fridge temperature is yours".into(),
        body: "Due at 07:00.".into(),
        html: Some("<p>Due at 07:00.</p>".into()),
        not_before: d,
    };
    let hook = NewDelivery {
        channel: Channel::Webhook,
        endpoint: Some(endpoint),
        destination: format!("endpoint:{endpoint}"),
        address: url.clone(),
        dedupe_key: format!("{acme}/{}/webhook/{endpoint}", first.key),
        subject: String::new(),
        body: json!({"type": "task.opened"}).to_string(),
        html: None,
        ..email.clone()
    };
    assert_eq!(store.route_notices(&[first.id], &[email.clone(), hook.clone()], d).await.unwrap(), 2);
    assert_eq!(store.unrouted_notices(1).await.unwrap()[0].id, second.id, "a routed notice is not routed again");
    assert_eq!(store.next_delivery_at().await.unwrap(), Some(second.created_at));
    assert_eq!(
        store.route_notices(&[first.id], &[email.clone(), hook], d + mins(1)).await.unwrap(),
        0,
        "routing the same notice twice creates nothing new"
    );

    let later = NewDelivery {
        notice: second.id,
        address: "ben@acme.test".into(),
        dedupe_key: format!("{acme}/{}/email", second.key),
        subject: "Lock the back door is yours".into(),
        not_before: d + mins(60),
        ..email
    };
    let rest: Vec<i64> = unrouted[1..].iter().map(|n| n.id).collect();
    assert_eq!(store.route_notices(&rest, &[later], d).await.unwrap(), 1, "notices may be routed to no channel at all");
    assert!(store.unrouted_notices(1000).await.unwrap().is_empty());
    assert_eq!(store.next_delivery_at().await.unwrap(), Some(d), "then the earliest delivery due");

    let all = store.list_deliveries(acme, &DeliveryQuery::default()).await.unwrap();
    assert_eq!(all.len(), 3);
    assert!(all.windows(2).all(|pair| pair[0].id > pair[1].id), "newest first");
    let email = all.iter().find(|x| x.channel == Channel::Email && x.notice == first.id).expect("Cleo's email");
    assert_eq!(
        *email,
        DeliveryRecord {
            id: email.id,
            org: acme,
            notice: first.id,
            kind: NoticeKind::TaskOpened,
            channel: Channel::Email,
            endpoint: None,
            destination: "smtp".into(),
            address: "cleo@acme.test".into(),
            dedupe_key: format!("{acme}/{}/email", first.key),
            subject: "Fridge temperature is yours".into(),
            body: "Due at 07:00.".into(),
            html: Some("<p>Due at 07:00.</p>".into()),
            state: DeliveryState::Pending,
            attempts: 0,
            next_attempt_at: d,
            last_error: None,
            sent_at: None,
            created_at: d,
        }
    );
    let hook = all.iter().find(|x| x.channel == Channel::Webhook).expect("the webhook delivery");
    assert_eq!(
        (hook.endpoint, hook.destination.clone(), hook.html.clone()),
        (Some(endpoint), format!("endpoint:{endpoint}"), None)
    );
    let query = |state, limit| DeliveryQuery { state, id: None, limit };
    let listed = |q| async move { store.list_deliveries(acme, &q).await.unwrap().len() };
    assert_eq!(listed(query(Some(DeliveryState::Pending), 0)).await, 3);
    assert_eq!(listed(query(Some(DeliveryState::Sent), 0)).await, 0);
    assert_eq!(store.list_deliveries(acme, &query(None, 1)).await.unwrap()[0].id, all[0].id, "the limit holds");
    assert!(store.list_deliveries(globex, &DeliveryQuery::default()).await.unwrap().is_empty());
    let one = |id| DeliveryQuery { state: None, id: Some(id), limit: 0 };
    let found = store.list_deliveries(acme, &one(hook.id)).await.unwrap();
    assert_eq!(found.iter().map(|x| x.id).collect::<Vec<_>>(), [hook.id], "one delivery by id");
    assert!(store.list_deliveries(globex, &one(hook.id)).await.unwrap().is_empty(), "not another org's");
    Ids { email: email.id, hook: hook.id, later: all[0].id, url }
}

/// Claims hide a row until its lease ends; a crash after sending means it is sent again.
async fn claim_and_send(store: &dyn Store, cast: &Cast, ids: &Ids, d: Timestamp) {
    let hook_busy = [delivery(store, cast, ids.hook).await.destination];
    assert_eq!(claim(store, d - SignedDuration::from_millis(1), &[]).await, [], "nothing is due before its time");
    let claimed = store.claim_deliveries(&claim_at(d, &hook_busy)).await.unwrap();
    assert_eq!(
        claimed.iter().map(|x| (x.id, x.attempts, x.next_attempt_at, x.kind)).collect::<Vec<_>>(),
        [(ids.email, 1, d + mins(5), NoticeKind::TaskOpened)],
        "a busy destination is skipped; a claim counts the attempt and holds the row until its lease ends"
    );
    assert_eq!(claim(store, d, &[]).await, [(ids.hook, 1)]);
    assert_eq!(claim(store, d, &[]).await, [], "claimed rows are hidden from other claimers");

    let sent = [outcome(ids.email, 1, AttemptResult::Sent)];
    assert_eq!(store.finish_deliveries(&sent, d + mins(1)).await.unwrap(), 1);
    let email = delivery(store, cast, ids.email).await;
    assert_eq!(
        (email.state, email.sent_at, email.last_error, email.attempts),
        (DeliveryState::Sent, Some(d + mins(1)), None, 1)
    );
    assert_eq!(store.finish_deliveries(&sent, d + mins(2)).await.unwrap(), 0, "a finished delivery stays finished");
    assert_eq!(
        store.finish_deliveries(&[outcome(ids.hook, 0, AttemptResult::Sent)], d).await.unwrap(),
        0,
        "a report for an attempt that is not the current one is ignored"
    );

    // The webhook's sender dies after sending, before recording it.
    assert_eq!(claim(store, d + mins(4), &[]).await, [], "its lease still holds");
    let again = store.claim_deliveries(&claim_at(d + mins(5), &[])).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!((again[0].id, again[0].attempts), (ids.hook, 2), "claimed again once the lease ran out");
    assert_eq!(again[0].dedupe_key, delivery(store, cast, ids.hook).await.dedupe_key, "sent under the same dedupe key");
    assert_eq!(
        store.finish_deliveries(&[outcome(ids.hook, 1, AttemptResult::Sent)], d + mins(6)).await.unwrap(),
        0,
        "the late report of the expired claim is ignored"
    );
    assert_eq!(delivery(store, cast, ids.hook).await.state, DeliveryState::Pending);
    let busy = AttemptResult::Retry { at: d + mins(7), error: "503 busy".into() };
    assert_eq!(store.finish_deliveries(&[outcome(ids.hook, 2, busy)], d + mins(6)).await.unwrap(), 1);
    let hook = delivery(store, cast, ids.hook).await;
    assert_eq!(
        (hook.state, hook.attempts, hook.next_attempt_at, hook.last_error.as_deref(), hook.sent_at),
        (DeliveryState::Pending, 2, d + mins(7), Some("503 busy"), None)
    );
    assert_eq!(store.next_delivery_at().await.unwrap(), Some(d + mins(7)), "the retry is the next thing due");
    assert_eq!(claim(store, d + mins(6), &[]).await, []);
}

/// The third attempt fails for good: the log records it and Acme's admins hear of it.
async fn give_up(store: &dyn Store, cast: &Cast, w: &Work, ids: &Ids, d: Timestamp) {
    let Cast { acme, globex, ana, ben, cleo, gus, .. } = *cast;
    let fay = PersonFields {
        name: "Fay Former".into(),
        email: "fay@acme.test".into(),
        access: Access::Manager,
        manager: None,
        away_until: None,
        active: false,
    };
    let fay = store.create_person(acme, &fay).await.unwrap();
    assert_eq!(claim(store, d + mins(7), &[]).await, [(ids.hook, 3)]);
    let gone = AttemptResult::Failed { error: "410 gone".into() };
    assert_eq!(store.finish_deliveries(&[outcome(ids.hook, 3, gone.clone())], d + mins(8)).await.unwrap(), 1);
    assert_eq!(store.finish_deliveries(&[outcome(ids.hook, 3, gone)], d + mins(8)).await.unwrap(), 0);
    let hook = delivery(store, cast, ids.hook).await;
    assert_eq!((hook.state, hook.last_error.as_deref()), (DeliveryState::Failed, Some("410 gone")));

    let data = json!({"delivery": ids.hook, "channel": "webhook", "address": ids.url, "attempts": 3, "error": "410 gone",
                      "notice_kind": "task.opened"});
    let history = store.task_history(acme, w.fridge).await.unwrap();
    let failed = history.last().expect("the failure is logged");
    let process = store.get_task(acme, w.fridge).await.unwrap().process;
    assert_eq!(
        *failed,
        EventRecord {
            id: failed.id,
            at: d + mins(8),
            kind: "delivery_failed".into(),
            task: Some(w.fridge),
            run: Some(w.run),
            process: Some(process),
            actor: None,
            from_state: None,
            to_state: None,
            from_holder: None,
            to_holder: None,
            data: data.clone(),
        },
        "the task's history tells that its notice could not be delivered"
    );
    for admin in [ana, ben] {
        let told = &store.list_notices(acme, admin, true, None, 1).await.unwrap()[0];
        assert_eq!(
            (told.kind, told.key.clone(), told.task, told.run, &told.data, told.created_at),
            (
                NoticeKind::DeliveryFailed,
                format!("delivery.failed:{}:{admin}", ids.hook),
                Some(w.fridge),
                Some(w.run),
                &data,
                d + mins(8)
            ),
            "every active owner and manager hears of it"
        );
    }
    for (org, person) in [(acme, cleo), (acme, fay), (globex, gus)] {
        let list = store.list_notices(org, person, false, None, 100).await.unwrap();
        assert!(
            list.iter().all(|n| n.kind != NoticeKind::DeliveryFailed),
            "not members, former admins or other organizations"
        );
    }
    let reports = store.unrouted_notices(100).await.unwrap();
    assert_eq!(reports.len(), 2);
    assert_eq!(store.next_delivery_at().await.unwrap(), Some(d + mins(8)), "the reports wait to be routed");
    let report_ids: Vec<i64> = reports.iter().map(|n| n.id).collect();
    assert_eq!(store.route_notices(&report_ids, &[], d + mins(8)).await.unwrap(), 0);
    assert_eq!(store.next_delivery_at().await.unwrap(), Some(d + mins(60)), "Ben's held-back email is next");
}

async fn retry(store: &dyn Store, cast: &Cast, ids: &Ids, d: Timestamp) {
    let Cast { acme, globex, .. } = *cast;
    not_found(store.retry_delivery(globex, ids.hook, d).await, "retrying another organization's delivery");
    not_found(store.retry_delivery(acme, i64::MAX, d).await, "retrying a delivery that does not exist");
    conflict(store.retry_delivery(acme, ids.email, d).await, "retrying a delivery that was sent");
    conflict(store.retry_delivery(acme, ids.later, d).await, "retrying a delivery still on its way");
    store.retry_delivery(acme, ids.hook, d + mins(9)).await.unwrap();
    let hook = delivery(store, cast, ids.hook).await;
    assert_eq!(
        (hook.state, hook.attempts, hook.next_attempt_at, hook.last_error.as_deref()),
        (DeliveryState::Pending, 0, d + mins(9), Some("410 gone")),
        "a retried delivery starts over, keeping its last error until the next attempt"
    );
    assert_eq!(store.next_delivery_at().await.unwrap(), Some(d + mins(9)));
    assert_eq!(claim(store, d + mins(9), &[]).await, [(ids.hook, 1)]);
    assert_eq!(store.finish_deliveries(&[outcome(ids.hook, 1, AttemptResult::Sent)], d + mins(10)).await.unwrap(), 1);

    assert_eq!(claim(store, d + mins(59), &[]).await, []);
    assert_eq!(claim(store, d + mins(60), &[]).await, [(ids.later, 1)], "held back until its time");
    assert_eq!(store.finish_deliveries(&[outcome(ids.later, 1, AttemptResult::Sent)], d + mins(60)).await.unwrap(), 1);
    assert_eq!(store.next_delivery_at().await.unwrap(), None, "everything sent, nothing to route");
    assert_eq!(ms(delivery(store, cast, ids.later).await.sent_at.unwrap()), ms(d + mins(60)));
}
