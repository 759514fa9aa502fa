//! The evidence export: three café mornings (a flagged reading with its photo, a sign-off
//! that escalated, a missed reading) come out as a zip whose SHA256SUMS, manifest and
//! reports agree with the store, with a removed file listed as missing, not fatal.

use crate::common::*;
use proofline_core::access::Access;
use proofline_core::audit::sha256_hex;
use proofline_core::task::TaskState;
use proofline_engine::{Actor, EngineError, ExportOptions, Upload};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};

/// A 4×4 PNG of one colour: distinct bytes per day, so one file can go missing alone.
fn png_of(rgb: [u8; 3]) -> Vec<u8> {
    let mut out = Vec::new();
    image::RgbImage::from_pixel(4, 4, image::Rgb(rgb))
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn unzip(bytes: &[u8]) -> BTreeMap<String, (Vec<u8>, zip::CompressionMethod)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut files = BTreeMap::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        files.insert(entry.name().unwrap().to_string(), (data, entry.compression()));
    }
    files
}

/// A file's text; in HTML, minijinja writes '/' as an entity, which browsers read back.
fn text(files: &BTreeMap<String, (Vec<u8>, zip::CompressionMethod)>, path: &str) -> String {
    let bytes = files.get(path).unwrap_or_else(|| panic!("{path} is in the archive")).0.clone();
    String::from_utf8(bytes).unwrap().replace("&#x2f;", "/")
}

fn escaped(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#x27;")
}

struct Mornings {
    cafe: Cafe,
    flags: Vec<String>,
    red_photo: String,
}

/// Monday: Dan reads 7.5 °C with a photo; the sign-off is missed by its lead and
/// escalates before it is signed. Tuesday: all in order, with another photo. Wednesday:
/// Dan misses the reading and it moves on.
async fn three_mornings() -> Mornings {
    let cafe = cafe("2026-01-05T05:59:00Z").await;
    let engine = &cafe.t.engine;
    cafe.t.advance(mins(1)).await;
    let reading = cafe.first_step().await;
    let outcome = engine
        .submit_proof(cafe.as_person(cafe.dan), reading.id, values(json!({"number": 7.5})), photo())
        .await
        .unwrap();
    let flags: Vec<String> = outcome.exceptions.iter().map(|e| e.message.clone()).collect();
    assert!(!flags.is_empty(), "7.5 °C is flagged");
    cafe.t.advance(mins(125)).await; // the sign-off's two hours passed
    let sign_off = cafe.tasks(&[TaskState::Open]).await.into_iter().find(|t| t.step_index == 1).unwrap();
    assert_eq!(sign_off.level, 1, "the sign-off escalated");
    let signature = values(json!({"signature": {"name": "<b>Cara</b> & co", "attest": true}}));
    engine.submit_proof(cafe.as_person(sign_off.holder), sign_off.id, signature, vec![]).await.unwrap();

    cafe.t.advance(SignedDuration::from_hours(22)).await; // Tuesday 07:05 Berlin
    let reading = cafe.tasks(&[TaskState::Open]).await.into_iter().find(|t| t.step_index == 0).unwrap();
    let red = png_of([200, 0, 0]);
    let red_photo = sha256_hex(&red);
    let upload = vec![Upload { key: "photo".into(), filename: Some("tuesday.png".into()), bytes: red }];
    engine.submit_proof(cafe.as_person(cafe.dan), reading.id, values(json!({"number": 3})), upload).await.unwrap();
    let sign_off = cafe.tasks(&[TaskState::Open]).await.into_iter().find(|t| t.step_index == 1).unwrap();
    let signature = values(json!({"signature": {"name": "Ben", "attest": true}}));
    engine.submit_proof(cafe.as_person(sign_off.holder), sign_off.id, signature, vec![]).await.unwrap();

    cafe.t.advance(SignedDuration::from_hours(24)).await; // Wednesday 07:05 Berlin
    cafe.t.advance(mins(60)).await; // Dan missed the reading
    Mornings { cafe, flags, red_photo }
}

fn week() -> (Timestamp, Timestamp) {
    (at("2026-01-04T23:00:00Z"), at("2026-01-11T23:00:00Z"))
}

#[tokio::test]
async fn an_export_holds_every_run_with_its_proof_and_checks_out_against_its_own_sums() {
    let Mornings { cafe, flags, red_photo } = three_mornings().await;
    let engine = &cafe.t.engine;
    let (from, to) = week();
    let export = engine
        .export_evidence(cafe.owner, cafe.process, from, to, ExportOptions { pdf: true, via: "test" })
        .await
        .unwrap();
    assert_eq!((export.runs, export.missing), (3, 0));
    let files = unzip(&export.zip);

    // SHA256SUMS covers every entry but itself, with the real hashes.
    let sums = text(&files, "SHA256SUMS");
    let mut summed = BTreeSet::new();
    for line in sums.lines() {
        let (hash, path) = line.split_once("  ").expect("sha256sum's format");
        assert_eq!(hash, sha256_hex(&files[path].0), "{path}");
        summed.insert(path.to_string());
    }
    let entries: BTreeSet<String> = files.keys().filter(|p| *p != "SHA256SUMS").cloned().collect();
    assert_eq!(summed, entries);

    // The manifest lists every other file and the organization's chain head.
    let manifest: Value = serde_json::from_str(&text(&files, "MANIFEST.json")).unwrap();
    let listed: BTreeSet<String> =
        manifest["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap().to_string()).collect();
    let others: BTreeSet<String> = entries.iter().filter(|p| *p != "MANIFEST.json").cloned().collect();
    assert_eq!(listed, others);
    for f in manifest["files"].as_array().unwrap() {
        let bytes = &files[f["path"].as_str().unwrap()].0;
        assert_eq!(
            (f["sha256"].as_str().unwrap(), f["size"].as_u64().unwrap()),
            (sha256_hex(bytes).as_str(), bytes.len() as u64)
        );
    }
    let heads = engine.store.chain_heads().await.unwrap();
    let head = heads.iter().find(|(org, _)| *org == cafe.owner.org).and_then(|(_, h)| h.clone()).unwrap();
    assert_eq!(manifest["chain_heads"], json!([{"org": head.org, "seq": head.seq, "hash": head.hash}]));
    assert_eq!(manifest["process"]["key"], "opening");
    assert_eq!(manifest["runs"].as_array().unwrap().len(), 3);

    // Each photo is in the archive as stored, uncompressed; the reports are deflated.
    let red_path = format!("evidence/{red_photo}.png");
    assert_eq!(files[&red_path].0, engine.blobs.get(&red_photo).await.unwrap());
    assert_eq!(files[&red_path].1, zip::CompressionMethod::Stored);
    let index = text(&files, "index.html");
    assert_eq!(files["index.html"].1, zip::CompressionMethod::Deflated);

    let runs: Vec<String> =
        manifest["runs"].as_array().unwrap().iter().map(|r| r["report"].as_str().unwrap().into()).collect();
    for report in &runs {
        assert!(index.contains(&format!("href=\"{report}\"")), "the index links {report}");
    }
    let monday = text(&files, &runs[0]);
    for expected in ["Dan", "7.5", "Corner Café", "missed the deadline; moved to"] {
        assert!(monday.contains(expected), "Monday's report says {expected:?}");
    }
    for flag in &flags {
        assert!(monday.contains(&escaped(flag)), "Monday's report shows the flag {flag:?}");
    }
    assert!(monday.contains("07:00 CET"), "times are in the café's zone");
    assert!(monday.contains("&lt;b&gt;Cara&lt;/b&gt; &amp; co") && !monday.contains("<b>Cara"), "HTML is escaped");
    assert!(monday.contains("<img class=\"thumb\" src=\"../../evidence/"), "the photo shows inline");
    let tuesday = text(&files, &runs[1]);
    assert!(tuesday.contains(&format!("../../{red_path}")), "Tuesday's report links its photo");
    let wednesday = text(&files, &runs[2]);
    assert!(wednesday.contains("No proof was submitted") && wednesday.contains("Dan missed the deadline"));

    // The PDF reads back with the run's key lines.
    let pdf = &files[&runs[0].replace(".html", ".pdf")].0;
    assert!(!lopdf::Document::load_mem(pdf).unwrap().get_pages().is_empty());
    let pdf_text = proofline_core::scan::pdf::pdf_text(pdf).unwrap();
    for expected in ["Step 1: Fridge temperature", "7.5", "Dan", "missed it; moved to"] {
        assert!(pdf_text.contains(expected), "the PDF says {expected:?}:\n{pdf_text}");
    }
}

#[tokio::test]
async fn a_file_removed_from_storage_is_listed_as_missing_and_the_export_still_verifies() {
    let Mornings { cafe, red_photo, .. } = three_mornings().await;
    let blob = cafe.t.store.dir.path().join("blobs").join(&red_photo[..2]).join(&red_photo[2..4]).join(&red_photo);
    std::fs::remove_file(blob).unwrap();
    let (from, to) = week();
    let export =
        cafe.t.engine.export_evidence(cafe.owner, cafe.process, from, to, ExportOptions::default()).await.unwrap();
    assert_eq!(export.missing, 1);
    let files = unzip(&export.zip);
    assert!(!files.keys().any(|p| p.contains(&red_photo)), "no file for it");
    assert!(!text(&files, "SHA256SUMS").contains(&red_photo), "and no sum");
    let manifest: Value = serde_json::from_str(&text(&files, "MANIFEST.json")).unwrap();
    let entry = manifest["files"].as_array().unwrap().iter().find(|f| f["sha256"] == red_photo.as_str()).unwrap();
    assert_eq!(entry["missing"], true);
    let tuesday = manifest["runs"][1]["report"].as_str().unwrap().to_string();
    assert!(text(&files, &tuesday).contains("removed under the retention policy"));
    assert!(!files.keys().any(|p| p.ends_with(".pdf")), "no PDFs unless asked");

    // Nothing but sha256sum and the files is needed to check it.
    let dir = tempfile::tempdir().unwrap();
    for (path, (bytes, _)) in &files {
        let target = dir.path().join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
    match std::process::Command::new("sha256sum")
        .args(["-c", "--strict", "SHA256SUMS"])
        .current_dir(dir.path())
        .output()
    {
        Ok(out) => assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => println!("sha256sum is not available ({e}); skipped the command-line check"),
    }
}

#[tokio::test]
async fn members_may_not_export_and_empty_or_overlong_periods_are_refused() {
    let cafe = cafe("2026-01-05T05:59:00Z").await;
    let engine = &cafe.t.engine;
    let (from, to) = week();
    let options = ExportOptions::default();
    let dan = cafe.as_person(cafe.dan);
    assert!(matches!(
        engine.export_evidence(dan, cafe.process, from, to, options).await,
        Err(EngineError::Forbidden(_))
    ));
    let auditor = Actor { access: Access::Auditor, ..dan };
    let empty = engine.export_evidence(auditor, cafe.process, from, to, options).await.unwrap();
    assert_eq!(empty.runs, 0, "an auditor may export, even a week with no runs");
    for (from, to) in [(to, from), (from, from), (from, from + SignedDuration::from_hours(24 * 401))] {
        let refused = engine.export_evidence(cafe.owner, cafe.process, from, to, options).await;
        assert!(matches!(refused, Err(EngineError::Invalid(_))), "{from}..{to}: {refused:?}");
    }
    let foreign = proofline_core::ProcessId(cafe.process.0 + 1_000);
    assert!(matches!(engine.export_evidence(cafe.owner, foreign, from, to, options).await, Err(EngineError::NotFound)));
}
