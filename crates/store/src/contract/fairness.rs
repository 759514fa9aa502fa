//! A backlog for one destination (an endpoint that is down, a burst for one relay) must
//! not fill a worker's claim: the cap per destination leaves room for the others, even
//! when their rows fall due after the whole backlog.

use super::mins;
use super::races::setup;
use crate::*;
use proofline_core::notice::{Channel, NoticeKind};
use serde_json::json;
use std::collections::BTreeMap;

pub async fn a_backlog_for_one_destination_leaves_room_for_the_others(store: &dyn Store) {
    let s = setup(store).await;
    let notice = NewNotice {
        org: s.org,
        person: Some(s.worker),
        kind: NoticeKind::DailyDigest,
        key: "digest.daily:backlog".into(),
        task: None,
        run: None,
        process: None,
        data: json!({}),
    };
    store.add_notices(&[notice], s.start).await.unwrap();
    let notice = store.unrouted_notices(10).await.unwrap().remove(0);
    let delivery = |i: i64, destination: &str| NewDelivery {
        org: s.org,
        notice: notice.id,
        channel: Channel::Webhook,
        endpoint: None,
        destination: destination.into(),
        address: format!("https://fair.test/{i}"),
        dedupe_key: format!("fair/{i}"),
        subject: String::new(),
        body: "{}".into(),
        html: None,
        // The dead endpoint's 40 rows all fall due before anyone else's.
        not_before: s.start + mins(i),
    };
    let mut rows: Vec<NewDelivery> = (0..40).map(|i| delivery(i, "endpoint:dead")).collect();
    rows.push(delivery(50, "smtp"));
    rows.push(delivery(51, "endpoint:live"));
    rows.push(delivery(52, "smtp"));
    store.route_notices(&[notice.id], &rows, s.start).await.unwrap();

    let now = s.start + mins(60);
    let claim = Claim { now, lease_until: now + mins(5), limit: 10, per_destination: 2, busy: &[] };
    let claimed = store.claim_deliveries(&claim).await.unwrap();
    let mut by_destination = BTreeMap::new();
    for row in &claimed {
        *by_destination.entry(row.destination.as_str()).or_insert(0) += 1;
    }
    assert_eq!(
        by_destination,
        BTreeMap::from([("endpoint:dead", 2), ("endpoint:live", 1), ("smtp", 2)]),
        "two of the backlog, and everyone else's too"
    );
    let uncapped = Claim { per_destination: 0, ..claim };
    let next = store.claim_deliveries(&uncapped).await.unwrap();
    assert!(next.iter().all(|d| d.destination == "endpoint:dead") && next.len() == 10, "without a cap, oldest first");
}
