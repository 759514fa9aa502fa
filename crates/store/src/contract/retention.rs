//! Retention: with none set nothing expires; with one, the oldest submissions expire,
//! each is purged once, and its purge is an event (the audit chapter then verifies it).

use super::Cast;
use crate::*;
use jiff::{SignedDuration, Timestamp};
use proofline_core::OrgId;

pub(super) async fn chapter(store: &dyn Store, cast: &Cast) {
    let acme = cast.acme;
    let far: Timestamp = "2030-01-01T00:00:00Z".parse().unwrap();
    assert_eq!(store.retention_days(acme).await.unwrap(), None);
    assert!(store.expired_evidence(far, 100).await.unwrap().is_empty(), "without retention nothing expires");

    store.set_retention_days(acme, Some(30)).await.unwrap();
    assert_eq!(store.retention_days(acme).await.unwrap(), Some(30));
    let expired = store.expired_evidence(far, 100).await.unwrap();
    assert!(!expired.is_empty() && expired.iter().all(|e| e.org == acme && e.retention_days == 30));
    assert!(expired.windows(2).all(|w| w[0].at <= w[1].at), "oldest first");
    let newest = expired.iter().map(|e| e.at).max().unwrap();
    let just_before = newest + SignedDuration::from_hours(30 * 24);
    assert!(store.expired_evidence(just_before, 100).await.unwrap().len() < expired.len(), "30 days to the ms");

    let first = &expired[0];
    assert!(store.purge_evidence(first, far).await.unwrap().is_some());
    assert_eq!(store.purge_evidence(first, far).await.unwrap(), None, "purged once");
    let left = store.expired_evidence(far, 100).await.unwrap();
    assert_eq!(left.len(), expired.len() - 1);
    let history = store.task_history(acme, first.task).await.unwrap();
    let purge = history.iter().find(|e| e.kind == "evidence_purged").expect("the purge is logged");
    assert_eq!(purge.data["submission"], serde_json::json!(first.submission.0));

    store.set_retention_days(acme, None).await.unwrap();
    assert!(store.expired_evidence(far, 100).await.unwrap().is_empty());
    assert!(matches!(store.set_retention_days(OrgId(999_999), Some(5)).await, Err(StoreError::NotFound)));
}
