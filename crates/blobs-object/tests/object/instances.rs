//! Two instances over one database and one bucket: a photo one of them took in is shown
//! by the other, thumbnail and all, and evidence past retention purged by either is
//! gone for both.

use crate::s3_blobs;
use jiff::SignedDuration;
use proofline_blobs_object::ObjectBlobs;
use proofline_core::access::Access;
use proofline_core::process::{ProcessDefinition, ProcessStatus};
use proofline_core::task::TaskState;
use proofline_engine::{Actor, Engine, EngineConfig, PasswordCost, Upload};
use proofline_store::{PersonFields, TaskQuery};
use proofline_testkit::TestEngine;
use serde_json::json;
use std::io::{Cursor, ErrorKind};
use std::sync::Arc;

fn png() -> Vec<u8> {
    let mut out = Vec::new();
    image::RgbImage::from_pixel(8, 6, image::Rgb([200, 30, 30]))
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

async fn person(t: &TestEngine, org: proofline_core::OrgId, name: &str, access: Access) -> Actor {
    let fields = PersonFields {
        name: name.into(),
        email: format!("{}@cafe.test", name.to_lowercase()),
        access,
        manager: None,
        away_until: None,
        active: true,
    };
    let person = t.engine.store.create_person(org, &fields).await.unwrap();
    Actor { org, person, access }
}

#[tokio::test]
async fn a_photo_taken_in_by_one_instance_is_shown_by_another_and_purged_for_both() {
    let Some((first_blobs, url)) = s3_blobs().await else { return };
    let server = proofline_testkit::s3::s3().unwrap();
    // Each instance opens the URL itself, as two processes would.
    let second_blobs = ObjectBlobs::from_url(&url, server.settings()).unwrap();

    let mut t = TestEngine::start("2026-01-05T05:59:00Z").await;
    t.engine.blobs = Arc::new(first_blobs);
    let second = Engine::new(
        t.store.store.clone(),
        Arc::new(t.clock.clone()),
        Arc::new(second_blobs),
        EngineConfig { password_cost: PasswordCost::TESTING, ..EngineConfig::default() },
    );

    let org = t.engine.store.create_org("Corner Café", "Europe/Berlin").await.unwrap();
    let owner = person(&t, org, "Olga", Access::Owner).await;
    let dan = person(&t, org, "Dan", Access::Member).await;
    let definition: ProcessDefinition = serde_json::from_value(json!({
        "name": "Opening",
        "owner": owner.person.0,
        "cadence": {"kind": "schedule", "rule": "DTSTART;TZID=Europe/Berlin:20260105T070000\nRRULE:FREQ=DAILY"},
        "steps": [{"title": "Fridge", "assignee": {"person": dan.person.0}, "due_after": "1h",
                   "proof": [{"kind": "photo"}]}],
        "escalation": [{"to": "owner", "window": "1h"}]
    }))
    .unwrap();
    t.engine.create_process(owner, "opening", ProcessStatus::Active, definition).await.unwrap();
    t.engine.set_retention(owner, Some(1)).await.unwrap();

    t.advance(SignedDuration::from_mins(25)).await;
    let query = TaskQuery { states: vec![TaskState::Open], ..TaskQuery::default() };
    let task = t.engine.store.list_tasks(org, &query).await.unwrap().remove(0);
    let upload = Upload { key: "photo".into(), filename: Some("fridge.png".into()), bytes: png() };
    let outcome = t.engine.submit_proof(dan, task.id, serde_json::Map::new(), vec![upload]).await.unwrap();
    assert_eq!(outcome.state, TaskState::Done);

    let submission = second.store.submissions(org, task.id).await.unwrap().remove(0);
    let sha = submission.evidence["photo"][0]["sha256"].as_str().unwrap().to_string();
    let thumbnail = submission.evidence["photo"][0]["thumbnail"].as_str().unwrap().to_string();
    let photo = second.blobs.get(&sha).await.expect("the other instance reads the photo");
    assert_eq!(image::load_from_memory(&photo).unwrap().width(), 8);
    let small = second.blobs.get(&thumbnail).await.expect("and its thumbnail");
    assert_eq!(image::guess_format(&small).unwrap(), image::ImageFormat::Jpeg);

    t.clock.advance(SignedDuration::from_hours(49));
    let purged = second.purge_expired(second.now()).await.unwrap();
    assert_eq!((purged.submissions, purged.files), (1, 2), "the photo and its thumbnail");
    for gone in [&sha, &thumbnail] {
        let kind = |r: std::io::Result<Vec<u8>>| r.unwrap_err().kind();
        assert_eq!(kind(t.engine.blobs.get(gone).await), ErrorKind::NotFound, "gone for the first instance");
        assert_eq!(kind(second.blobs.get(gone).await), ErrorKind::NotFound, "and for the second");
    }
}
