//! Evidence retention: files past the organization's retention are deleted, each
//! deletion is in the event chain, and the record of what was proven stays.

use crate::camera::camera_jpeg;
use crate::common::*;
use proofline_core::task::TaskState;
use proofline_engine::{EngineError, Upload, verify_chains};
use serde_json::json;

#[tokio::test]
async fn files_past_retention_go_the_record_stays_and_the_chain_says_so() {
    let cafe = cafe("2026-01-05T05:59:00Z").await;
    let engine = &cafe.t.engine;
    let dan = cafe.as_person(cafe.dan);
    assert!(matches!(engine.set_retention(dan, Some(30)).await, Err(EngineError::Forbidden(_))), "owners decide");
    assert!(matches!(engine.set_retention(cafe.owner, Some(0)).await, Err(EngineError::Invalid(_))));
    engine.set_retention(cafe.owner, Some(30)).await.unwrap();

    let photo = camera_jpeg(7, "2026:01:05 07:20:00", "+01:00", false);
    let upload = |bytes: &Vec<u8>| vec![Upload { key: "photo".into(), filename: None, bytes: bytes.clone() }];
    cafe.t.advance(mins(25)).await;
    let first = cafe.first_step().await;
    engine.submit_proof(dan, first.id, values(json!({"number": 3})), upload(&photo)).await.unwrap();
    let kept = engine.store.submissions(cafe.owner.org, first.id).await.unwrap().remove(0);
    let sha = kept.evidence["photo"][0]["sha256"].as_str().unwrap().to_string();
    let thumb = kept.evidence["photo"][0]["thumbnail"].as_str().unwrap().to_string();

    // Twenty days later the same photo is sent again (flagged, and kept by that task).
    cafe.t.advance(SignedDuration::from_hours(20 * 24)).await;
    let later = cafe.tasks(&[TaskState::Open]).await.into_iter().find(|t| t.step_index == 0).unwrap();
    engine.submit_proof(dan, later.id, values(json!({"number": 4})), upload(&photo)).await.unwrap();

    assert_eq!(engine.purge_expired(engine.now()).await.unwrap().submissions, 0, "nothing is 30 days old yet");
    cafe.t.advance(SignedDuration::from_hours(11 * 24)).await;
    let purged = engine.purge_expired(engine.now()).await.unwrap();
    assert!(purged.submissions >= 1);
    assert!(engine.blobs.get(&sha).await.is_ok(), "the later submission still keeps the same photo");

    cafe.t.advance(SignedDuration::from_hours(20 * 24)).await;
    engine.purge_expired(engine.now()).await.unwrap();
    assert!(engine.blobs.get(&sha).await.is_err(), "now nobody keeps it");
    assert!(engine.blobs.get(&thumb).await.is_err(), "nor its thumbnail");
    assert_eq!(engine.purge_expired(engine.now()).await.unwrap().submissions, 0, "each is purged once");

    let record = engine.store.submissions(cafe.owner.org, first.id).await.unwrap().remove(0);
    assert_eq!(record.evidence, kept.evidence, "the record of the evidence stays");
    let story = engine.store.task_history(cafe.owner.org, first.id).await.unwrap();
    let purge = story.iter().find(|e| e.kind == "evidence_purged").expect("the deletion is in the log");
    assert_eq!(purge.data["retention_days"], json!(30));
    assert!(purge.data["files"].as_array().unwrap().iter().any(|f| f == sha.as_str()));
    let reports = verify_chains(engine.store.as_ref(), None).await.unwrap();
    assert_eq!(reports[0].broken, None, "the chain and every evidence hash still verify");
}
