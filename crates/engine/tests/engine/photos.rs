//! Photo evidence that stands up: it must decode, it keeps when it was taken but not
//! where, it gets a thumbnail, and a picture sent again, taken before the work opened or
//! carrying no capture time is flagged for a person to look at.

use crate::camera::{camera_jpeg, latitude_seconds};
use crate::common::*;
use proofline_core::proof::{Exception, StoredFile};
use proofline_core::task::TaskState;
use proofline_engine::{Antivirus, Engine, EngineConfig, EngineError, LocalBlobs, Upload, photo};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

fn upload(bytes: Vec<u8>) -> Vec<Upload> {
    vec![Upload { key: "photo".into(), filename: Some("fridge.jpg".into()), bytes }]
}

fn photo_flags(exceptions: &[Exception]) -> Vec<&str> {
    exceptions.iter().filter(|e| e.key == "photo").map(|e| e.message.as_str()).collect()
}

async fn stored_photo(cafe: &Cafe, task: proofline_core::TaskId) -> StoredFile {
    let submissions = cafe.t.engine.store.submissions(cafe.owner.org, task).await.unwrap();
    let last = submissions.last().unwrap();
    serde_json::from_value(last.evidence["photo"][0].clone()).unwrap()
}

/// Opens the day's fridge reading at 07:00 Berlin and submits `bytes` as its photo.
async fn submit_on(cafe: &Cafe, bytes: Vec<u8>) -> Result<proofline_engine::SubmitOutcome, EngineError> {
    let task = cafe.tasks(&[TaskState::Open]).await.into_iter().find(|t| t.step_index == 0).expect("an open reading");
    cafe.t.engine.submit_proof(cafe.as_person(cafe.dan), task.id, values(json!({"number": 3})), upload(bytes)).await
}

#[tokio::test]
async fn a_phone_photo_is_kept_without_its_location_but_with_its_time_and_a_thumbnail() {
    let cafe = cafe("2026-01-05T05:59:00Z").await;
    cafe.t.advance(mins(25)).await;
    let original = camera_jpeg(1, "2026:01:05 07:20:00", "+01:00", true);
    let outcome = submit_on(&cafe, original.clone()).await.unwrap();
    assert_eq!(outcome.state, TaskState::Done);
    assert_eq!(photo_flags(&outcome.exceptions), Vec::<&str>::new(), "taken in the window, first of its kind");

    let task = cafe.first_step().await;
    let file = stored_photo(&cafe, task.id).await;
    assert_eq!(file.captured_at, Some(at("2026-01-05T06:20:00Z")));
    assert_eq!(file.original_sha256.as_deref(), Some(proofline_core::audit::sha256_hex(&original).as_str()));
    assert_ne!(file.sha256, file.upload_sha256(), "what is kept differs from what came in");
    let kept = cafe.t.engine.blobs.get(&file.sha256).await.unwrap();
    let facts = photo::inspect(&kept, &photo::Limits::default(), jiff::tz::TimeZone::UTC).unwrap();
    assert!(!facts.has_location, "the location is gone");
    assert!(!kept.windows(8).any(|w| w == latitude_seconds()), "no trace of the latitude remains");
    assert_eq!(facts.captured_at, file.captured_at, "the capture time stays in the file");

    let thumbnail = cafe.t.engine.blobs.get(file.thumbnail.as_deref().unwrap()).await.unwrap();
    let small = image::load_from_memory(&thumbnail).unwrap();
    assert!(small.width() <= 320 && small.height() <= 320);
}

#[tokio::test]
async fn a_photo_sent_again_is_flagged_as_reused_evidence() {
    let cafe = cafe("2026-01-05T05:59:00Z").await;
    cafe.t.advance(mins(25)).await;
    submit_on(&cafe, camera_jpeg(4, "2026:01:05 07:20:00", "+01:00", false)).await.unwrap();

    // Next day: the same picture re-saved with today's time has other bytes but looks alike.
    cafe.t.advance(SignedDuration::from_hours(24)).await;
    let resaved = camera_jpeg(4, "2026:01:06 07:21:00", "+01:00", false);
    let outcome = submit_on(&cafe, resaved.clone()).await.unwrap();
    let flags = photo_flags(&outcome.exceptions);
    assert!(flags.len() == 1 && flags[0].contains("looks like the photo submitted"), "{flags:?}");

    // The day after: exactly yesterday's file.
    cafe.t.advance(SignedDuration::from_hours(24)).await;
    let outcome = submit_on(&cafe, resaved).await.unwrap();
    let flags = photo_flags(&outcome.exceptions);
    assert!(flags.iter().any(|f| f.contains("same photo was already submitted")), "{flags:?}");
    assert!(flags.iter().any(|f| f.contains("before this task opened")), "and it was taken yesterday: {flags:?}");

    // A different picture on the fourth day passes unremarked.
    cafe.t.advance(SignedDuration::from_hours(24)).await;
    let outcome = submit_on(&cafe, camera_jpeg(90, "2026:01:08 07:22:00", "+01:00", false)).await.unwrap();
    assert_eq!(photo_flags(&outcome.exceptions), Vec::<&str>::new());
}

#[tokio::test]
async fn a_photo_without_capture_time_is_flagged_and_a_bomb_or_oversized_one_refused() {
    let cafe = cafe("2026-01-05T05:59:00Z").await;
    cafe.t.advance(mins(25)).await;
    let bomb = include_bytes!("../../testdata/bomb-65mp.png").to_vec();
    let Err(EngineError::Proof(problems)) = submit_on(&cafe, bomb).await else { panic!("a bomb is refused") };
    assert!(problems[0].message.contains("megapixels"), "{problems:?}");
    let huge = vec![0xFF; 16 * 1024 * 1024];
    assert!(matches!(submit_on(&cafe, huge).await, Err(EngineError::TooLarge(_))), "past the photo limit");
    let task = cafe.first_step().await;
    assert_eq!(task.state, TaskState::Open, "refusals change nothing");

    let outcome = submit_on(&cafe, png()).await.unwrap();
    let flags = photo_flags(&outcome.exceptions);
    assert!(flags.len() == 1 && flags[0].contains("no capture time"), "{flags:?}");
}

fn script(dir: &std::path::Path, name: &str, body: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\ncat >/dev/null\n{body}\n")).unwrap();
    let mut permissions = std::fs::metadata(&path).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&path, permissions).unwrap();
    path.display().to_string()
}

#[tokio::test]
async fn a_virus_scanner_refuses_what_it_flags_and_a_broken_one_refuses_everything() {
    let cafe = cafe("2026-01-05T05:59:00Z").await;
    cafe.t.advance(mins(25)).await;
    let scanners = tempfile::tempdir().unwrap();
    let with_scanner = |command: String| {
        let scanner = Antivirus::from_command_line(&command, Duration::from_secs(5)).unwrap();
        let config = EngineConfig { antivirus: Some(Arc::new(scanner)), ..EngineConfig::default() };
        let blobs = Arc::new(LocalBlobs::new(cafe.t.store.dir.path().join("blobs")));
        Engine::new(cafe.t.engine.store.clone(), Arc::new(cafe.t.clock.clone()), blobs, config)
    };
    let task = cafe.first_step().await;
    let dan = cafe.as_person(cafe.dan);
    let photo = || upload(camera_jpeg(2, "2026:01:05 07:20:00", "+01:00", false));

    let infected =
        with_scanner(script(scanners.path(), "infected", "echo 'stdin: Eicar-Test-Signature FOUND'; exit 1"));
    let Err(EngineError::Proof(problems)) =
        infected.submit_proof(dan, task.id, values(json!({"number": 3})), photo()).await
    else {
        panic!("an infected upload is refused")
    };
    assert!(problems[0].message.contains("Eicar-Test-Signature"), "{problems:?}");

    let broken = with_scanner(script(scanners.path(), "broken", "exit 2"));
    let refused = broken.submit_proof(dan, task.id, values(json!({"number": 3})), photo()).await;
    assert!(matches!(refused, Err(EngineError::Unavailable(_))), "fails closed: {refused:?}");
    assert_eq!(cafe.task(task.id).await.state, TaskState::Open);

    let clean = with_scanner(script(scanners.path(), "clean", "exit 0"));
    let done = clean.submit_proof(dan, task.id, values(json!({"number": 3})), photo()).await.unwrap();
    assert_eq!(done.state, TaskState::Done);
}
