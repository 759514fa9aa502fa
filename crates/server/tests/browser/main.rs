//! The web app used as people use it, in a real headless Chromium: a member on a phone
//! finds their work, misses it, it moves to the next person, who completes it with a
//! photo; the owner's page stays empty. Screenshots at phone and desktop widths are kept
//! in `target/screenshots/` to look at.

mod harness;

use harness::{Browser, DESKTOP, PHONE, browser};
use jiff::SignedDuration;
use proofline_core::access::Access;
use proofline_core::{OrgId, PersonId};
use proofline_store::PersonFields;
use proofline_testkit::TestEngine;
use std::io::Cursor;

const PASSWORD: &str = "correct horse battery";

struct Cafe {
    t: TestEngine,
    base: String,
    olga: PersonId,
    ben: PersonId,
    dan: PersonId,
}

async fn person(t: &TestEngine, org: OrgId, name: &str, access: Access, manager: Option<PersonId>) -> PersonId {
    let fields = PersonFields {
        name: name.into(),
        email: format!("{}@cafe.test", name.to_lowercase()),
        access,
        manager,
        away_until: None,
        active: true,
    };
    let id = t.engine.store.create_person(org, &fields).await.expect("a person");
    let hash = t.engine.hash_password(PASSWORD).await.expect("a hash");
    t.engine.store.set_password(org, id, &hash).await.expect("a password");
    id
}

/// The Corner Café at 06:00 in Berlin on Monday 5 January 2026: Olga owns it, Ben leads
/// the shift and manages Dan.
async fn cafe() -> Cafe {
    let t = TestEngine::start("2026-01-05T05:00:00Z").await;
    let store = &t.engine.store;
    let org = store.create_org("Corner Café", "Europe/Berlin").await.expect("an org");
    let olga = person(&t, org, "Olga", Access::Owner, None).await;
    let ben = person(&t, org, "Ben", Access::Member, None).await;
    let dan = person(&t, org, "Dan", Access::Member, Some(ben)).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let base = format!("http://{}", listener.local_addr().expect("an address"));
    tokio::spawn(proofline_server::serve(listener, t.engine.clone(), std::future::pending()));
    Cafe { t, base, olga, ben, dan }
}

fn photo_file() -> std::path::PathBuf {
    let mut png = Vec::new();
    let image = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([(x * 4) as u8, (y * 5) as u8, 160]));
    image.write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png).expect("a PNG");
    let path = harness::screenshot_dir().join("fridge-upload.png");
    std::fs::write(&path, png).expect("the photo is written");
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missed_work_moves_on_and_is_completed_with_a_photo_from_a_phone() {
    let cafe = cafe().await;
    let Some(b) = browser(&cafe.base).await else { return };
    run_story(&cafe, &b).await;
    b.client.clone().close().await.ok();
}

async fn run_story(cafe: &Cafe, b: &Browser) {
    let _ = (cafe.olga, cafe.ben, cafe.dan);
    // The accessibility check every screenshot passes does see problems.
    b.client
        .goto("data:text/html,<main><h1>x</h1><h3>y</h3><input name=q><img src=a.png></main>")
        .await
        .expect("a page");
    let problems = b.accessibility_problems().await;
    for expected in ["no lang", "unlabelled input q", "image without alt", "skips from h1 to h3"] {
        assert!(problems.iter().any(|p| p.contains(expected)), "{expected}: {problems:?}");
    }

    // Olga signs in at her desk: nothing needs her yet.
    b.client.set_window_size(DESKTOP.0, DESKTOP.1).await.expect("resizable");
    b.sign_in("olga@cafe.test", PASSWORD).await;
    assert_eq!(b.path().await, "/inbox", "owners start at what needs them");
    assert!(b.main_text().await.contains("Nothing needs you"));
    b.shoot("owner-inbox-empty-desktop", DESKTOP).await;

    // She writes the opening checklist: daily at 07:00, Dan reads the fridge with a photo
    // within 30 minutes; a miss moves to Ben, his manager, then to her.
    b.open("/processes").await;
    b.click("a[href='/processes/new']").await;
    b.fill("#name", "Opening checklist").await;
    b.fill("#key", "opening").await;
    b.choose("#status", "active").await;
    b.fill("#rule", "every day at 7am").await;
    b.fill("#zone", "Europe/Berlin").await;
    b.wait_for_text("#cadence-preview", "Mon 5 Jan, 07:00").await;
    b.wait_for_text("#cadence-preview", "Read as RRULE:FREQ=DAILY;BYHOUR=7;BYMINUTE=0").await;
    b.fill("#step-0-title", "Fridge temperature").await;
    b.choose("#step-0-assignee", &format!("person:{}", cafe.dan)).await;
    b.fill("#step-0-due", "30m").await;
    b.fill("#step-0-proof", "number: Fridge (°C) 0..5\nphoto").await;
    b.fill(
        "#step-0-sop",
        "Read the **fridge thermometer** at the back.\n\n1. Open the door\n2. Read the dial\n3. Photograph it",
    )
    .await;
    b.shoot("editor-desktop", DESKTOP).await;
    b.client.set_window_size(PHONE.0, PHONE.1).await.expect("resizable");
    assert!(!b.overflows_sideways().await, "the editor fits a 360-px screen");
    b.shoot("editor-phone", PHONE).await;
    b.client.set_window_size(DESKTOP.0, DESKTOP.1).await.expect("resizable");
    b.press(".editor", "Save").await;
    assert!(b.path().await.starts_with("/processes/"), "saved: {}", b.path().await);
    let process = b.main_text().await;
    assert!(process.contains("Opening checklist") && process.contains("Saved."), "{process}");
    assert!(process.contains("Next runs (Europe/Berlin)") && process.contains("Mon 5 Jan, 07:00"), "{process}");
    assert!(process.contains("the assignee's manager after 30m"), "{process}");
    b.shoot("process-desktop", DESKTOP).await;
    b.sign_out().await;

    // 07:00 in Berlin: the task opens for Dan, on his phone.
    cafe.t.advance(SignedDuration::from_hours(1)).await;
    b.client.set_window_size(PHONE.0, PHONE.1).await.expect("resizable");
    b.sign_in("dan@cafe.test", PASSWORD).await;
    assert_eq!(b.path().await, "/work", "members start at their work");
    let work = b.main_text().await;
    assert!(work.contains("Fridge temperature"), "{work}");
    assert!(work.contains("Number (0 to 5 °C): Fridge") && work.contains("Photo"), "the proof it needs: {work}");
    assert!(!b.overflows_sideways().await, "My work fits a 360-px screen");
    b.shoot("member-work-phone", PHONE).await;
    b.click("li.task a.title").await;
    let task_path = b.path().await;
    assert!(b.main_text().await.contains("Allowed: 0 to 5 °C"));
    let photo_input = b.client.find(fantoccini::Locator::Css("input[type=file]")).await.expect("a photo input");
    assert_eq!(photo_input.attr("accept").await.expect("attr").as_deref(), Some("image/*"));
    assert!(photo_input.attr("capture").await.expect("attr").is_some(), "phones open the camera");
    assert!(!b.overflows_sideways().await, "the task page fits a 360-px screen");
    b.shoot("member-task-phone", PHONE).await;

    // Dan lets the deadline pass: the task moves to Ben and leaves Dan's list.
    cafe.t.advance(SignedDuration::from_mins(31)).await;
    b.open("/work").await;
    assert!(b.main_text().await.contains("Nothing is waiting for you"), "{}", b.main_text().await);
    b.sign_out().await;

    b.sign_in("ben@cafe.test", PASSWORD).await;
    let work = b.main_text().await;
    assert!(work.contains("Fridge temperature") && work.contains("moved to you"), "{work}");
    b.shoot("next-person-work-phone", PHONE).await;
    b.open(&task_path).await;
    let story = b.main_text().await;
    assert!(story.contains("Dan missed the deadline. Moved to Ben"), "{story}");

    // Ben tries without the photo first, and is told what is missing.
    b.fill("input[inputmode=decimal]", "3,5").await;
    b.client.execute("document.querySelector('input[type=file]').removeAttribute('required')", vec![]).await.ok();
    b.press(".proof-form", "Submit proof").await;
    let refused = b.main_text().await;
    assert!(refused.contains("The task is not done yet") && refused.to_lowercase().contains("photo"), "{refused}");
    b.shoot("proof-missing-phone", PHONE).await;

    // With the photo it is done.
    let photo = photo_file();
    let input = b.client.find(fantoccini::Locator::Css("input[type=file]")).await.expect("a photo input");
    input.send_keys(&photo.display().to_string()).await.expect("the photo is chosen");
    b.press(".proof-form", "Submit proof").await;
    assert_eq!(b.path().await, "/work?ok=done");
    let work = b.main_text().await;
    assert!(work.contains("Done. The proof is in.") && work.contains("Nothing is waiting for you"), "{work}");
    b.open(&task_path).await;
    let evidence = b.main_text().await;
    assert!(evidence.contains("By Ben") && evidence.contains("3.5"), "{evidence}");
    let thumb = b.client.find(fantoccini::Locator::Css("img.thumb")).await.expect("a thumbnail");
    let loaded =
        b.client.execute("return document.querySelector('img.thumb').naturalWidth", vec![]).await.expect("script runs");
    assert_eq!(loaded.as_f64(), Some(64.0), "the photo itself is served");
    assert!(thumb.attr("alt").await.expect("alt").is_some_and(|a| !a.is_empty()), "thumbnails are described");
    b.shoot("evidence-phone", PHONE).await;
    b.sign_out().await;

    // Nothing reached the owner: the chain resolved it.
    b.sign_in("olga@cafe.test", PASSWORD).await;
    assert!(b.main_text().await.contains("Nothing needs you"));
    b.shoot("owner-inbox-after-desktop", DESKTOP).await;
    b.shoot("owner-inbox-after-phone", PHONE).await;
}
