//! The `proofline` binary as an operator uses it: previews, process files, exit codes.

use std::path::Path;
use std::process::{Command, Output};

fn proofline(data: &Path, args: &[&str]) -> Output {
    proofline_with(data, &[], args)
}

fn proofline_with(data: &Path, env: &[(String, String)], args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_proofline"))
        .args(args)
        .env("PROOFLINE_DATA_DIR", data)
        .env_remove("DATABASE_URL")
        .env_remove("PROOFLINE_DATABASE_URL")
        .env_remove("PROOFLINE_BLOBS_URL")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn example() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/example.toml")
}

#[test]
fn cadence_prints_local_wall_time_and_utc_across_a_dst_change() {
    let dir = tempfile::tempdir().unwrap();
    let out = proofline(
        dir.path(),
        &["cadence", "DTSTART;TZID=Europe/Berlin:20260328T023000\nRRULE:FREQ=DAILY", "--count", "3", "--json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let items: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        items,
        serde_json::json!([
            {"local": "2026-03-28T02:30:00+01:00", "utc": "2026-03-28T01:30:00Z"},
            {"local": "2026-03-29T03:30:00+02:00", "utc": "2026-03-29T01:30:00Z"},
            {"local": "2026-03-30T02:30:00+02:00", "utc": "2026-03-30T00:30:00Z"},
        ])
    );
}

#[test]
fn cron_needs_a_zone_and_bad_rules_exit_with_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let ok = proofline(dir.path(), &["cadence", "0 7 * * 1-5", "--tz", "America/New_York", "--count", "2"]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=7"), "{}", stdout(&ok));
    for args in [
        vec!["cadence", "0 7 * * 1-5"],
        vec!["cadence", "DTSTART;TZID=Mars/Base:20260101T000000 RRULE:FREQ=DAILY"],
        vec!["cadence", "DTSTART:20260101T000000Z RRULE:FREQ=DAILY", "--count", "0"],
    ] {
        let out = proofline(dir.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).starts_with("error: "), "{}", stderr(&out));
    }
}

#[test]
fn a_process_file_applies_once_exports_back_and_reapplies_without_changes() {
    let dir = tempfile::tempdir().unwrap();
    let file = example();
    let first = proofline(dir.path(), &["apply", file.to_str().unwrap()]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(stdout(&first).contains("0 updated, 0 unchanged"), "{}", stdout(&first));
    let again = proofline(dir.path(), &["apply", file.to_str().unwrap()]);
    assert!(stdout(&again).contains("0 created, 0 updated"), "applying twice changes nothing: {}", stdout(&again));

    let exported = proofline(dir.path(), &["export"]);
    assert!(exported.status.success(), "{}", stderr(&exported));
    let copy = dir.path().join("exported.toml");
    std::fs::write(&copy, stdout(&exported)).unwrap();
    let other = tempfile::tempdir().unwrap();
    assert!(proofline(other.path(), &["apply", copy.to_str().unwrap()]).status.success());
    assert_eq!(stdout(&proofline(other.path(), &["export"])), stdout(&exported), "export → apply → export is stable");
}

#[test]
fn a_changed_process_gets_a_new_version() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(example()).unwrap();
    let file = dir.path().join("cafe.toml");
    std::fs::write(&file, &text).unwrap();
    assert!(proofline(dir.path(), &["apply", file.to_str().unwrap()]).status.success());
    std::fs::write(&file, text.replacen("due = \"45m\"", "due = \"50m\"", 1)).unwrap();
    let out = proofline(dir.path(), &["apply", file.to_str().unwrap()]);
    assert!(stdout(&out).contains("now version 2"), "{}", stdout(&out));
}

#[test]
fn mistakes_in_a_process_file_are_reported_with_file_line_and_field_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(example()).unwrap();
    let broken = text.replacen("assignee = \"role:Barista\"", "assignee = \"role:Baristas\"", 1).replacen(
        "FREQ=DAILY",
        "FREQ=DAILYISH",
        1,
    );
    let file = dir.path().join("broken.toml");
    std::fs::write(&file, broken).unwrap();
    let out = proofline(dir.path(), &["apply", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("nothing was changed"), "{err}");
    assert!(err.contains("broken.toml:") && err.contains(".steps[0].assignee: no role named \"Baristas\""), "{err}");
    assert!(err.contains(".cadence: invalid RRULE"), "{err}");
    let exported = proofline(dir.path(), &["export"]);
    assert_eq!(exported.status.code(), Some(2), "no organization was created");

    std::fs::write(
        &file,
        "[organization]\nname = \"X\"\nzone = \"Europe/Berlin\"\n[[people]]\nemail = \"a@b.c\"\nnmae = \"typo\"\n",
    )
    .unwrap();
    let out = proofline(dir.path(), &["apply", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("line 6") && stderr(&out).contains("nmae"), "{}", stderr(&out));
}

fn sops() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/sops")
}

#[test]
fn scan_reports_a_real_sop_and_measures_itself_on_the_labelled_set() {
    let dir = tempfile::tempdir().unwrap();
    let sop = sops().join("04-lab-general-tasks.md");
    let out = proofline(dir.path(), &["scan", sop.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = stdout(&out);
    for expected in ["General lab tasks", "out of 100", "RRULE:FREQ=WEEKLY", "Re-stock robot tips", "Owner: none found"]
    {
        assert!(report.contains(expected), "{expected}: {report}");
    }
    let json = proofline(dir.path(), &["scan", "--json", sop.to_str().unwrap()]);
    let parsed: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(parsed[0]["scan"]["draft"]["steps"].as_array().unwrap().len(), 9);

    let evaluated = proofline(dir.path(), &["scan", "--evaluate", sops().to_str().unwrap(), "--json"]);
    assert!(evaluated.status.success(), "{}", stderr(&evaluated));
    let figures: serde_json::Value = serde_json::from_str(&stdout(&evaluated)).unwrap();
    assert_eq!(figures["documents"], 12);
    assert!(figures["step_f1"].as_f64().unwrap() > 0.0);
}

#[test]
fn scan_refuses_what_is_not_an_sop_with_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let binary = dir.path().join("photo.md");
    std::fs::write(&binary, [0xff, 0xd8, 0xff, 0xe0, 0, 0, 0]).unwrap();
    let empty = dir.path().join("empty.md");
    std::fs::write(&empty, "\n\n").unwrap();
    let huge = dir.path().join("huge.txt");
    std::fs::write(&huge, "- step\n".repeat(200_000)).unwrap();
    for file in [&binary, &empty, &huge, &dir.path().join("missing.md")] {
        let out = proofline(dir.path(), &["scan", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{file:?}: {}", stderr(&out));
        assert!(stderr(&out).starts_with("error: "), "{}", stderr(&out));
    }
}

#[test]
fn scan_apply_saves_a_draft_process_as_a_manager() {
    let dir = tempfile::tempdir().unwrap();
    let applied = proofline(dir.path(), &["apply", example().to_str().unwrap()]);
    assert!(applied.status.success(), "{}", stderr(&applied));
    let sop = sops().join("04-lab-general-tasks.md");
    let file = sop.to_str().unwrap();
    let nobody = proofline(dir.path(), &["scan", file, "--apply", "--as", "nobody@example.com"]);
    assert_eq!(nobody.status.code(), Some(2), "{}", stderr(&nobody));
    let missing_as = proofline(dir.path(), &["scan", file, "--apply"]);
    assert_eq!(missing_as.status.code(), Some(2), "{}", stderr(&missing_as));

    let owner = example_owner();
    let saved = proofline(dir.path(), &["scan", file, "--apply", "--as", &owner]);
    assert!(saved.status.success(), "{}", stderr(&saved));
    assert!(stderr(&saved).contains("saved as draft process"), "{}", stderr(&saved));
    let exported = stdout(&proofline(dir.path(), &["export"]));
    assert!(exported.contains("General lab tasks"), "{exported}");
    assert!(exported.contains("general-lab-tasks"), "{exported}");
}

/// The owner the example process file names.
fn example_owner() -> String {
    let text = std::fs::read_to_string(example()).unwrap();
    let doc: toml::Value = toml::from_str(&text).unwrap();
    let people = doc["people"].as_array().unwrap();
    let owner = people.iter().find(|p| p["access"].as_str() == Some("owner")).unwrap();
    owner["email"].as_str().unwrap().to_string()
}

#[test]
fn export_evidence_writes_a_zip_without_overwriting_and_refuses_bad_dates_with_code_2() {
    let dir = tempfile::tempdir().unwrap();
    assert!(proofline(dir.path(), &["apply", example().to_str().unwrap()]).status.success());
    let out = dir.path().join("january.zip");
    let out = out.to_str().unwrap();
    let args = |from: &'static str| {
        ["export", "evidence", "--process", "opening-checklist", "--from", from, "--to", "2026-01-31", "--out", out]
    };
    let first = proofline(dir.path(), &args("2026-01-01"));
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(stdout(&first).contains("0 runs of opening-checklist"), "{}", stdout(&first));
    assert!(std::fs::read(out).unwrap().starts_with(b"PK"), "a zip");

    let again = proofline(dir.path(), &args("2026-01-01"));
    assert_eq!(again.status.code(), Some(2), "an existing file is kept: {}", stderr(&again));
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));
    let bad = proofline(dir.path(), &args("last week"));
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("neither a date"), "{}", stderr(&bad));

    let plain = proofline(dir.path(), &["export"]);
    assert!(plain.status.success() && !stdout(&plain).is_empty(), "plain `export` still prints the process file");
}

fn blobs_at(url: &str) -> Vec<(String, String)> {
    vec![("PROOFLINE_BLOBS_URL".to_string(), url.to_string())]
}

#[test]
fn a_blobs_url_that_cannot_work_stops_the_start_with_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let apply = |env: &[(String, String)], extra: &[&str]| {
        let mut args = vec!["apply", example().to_str().unwrap()].into_iter().map(String::from).collect::<Vec<_>>();
        args.extend(extra.iter().map(|s| s.to_string()));
        proofline_with(dir.path(), env, &args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let out = apply(&blobs_at("ftp://files.example.com/evidence"), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("unsupported blobs URL \"ftp://files.example.com/evidence\""), "{}", stderr(&out));

    let config = dir.path().join("proofline.toml");
    std::fs::write(&config, "[blobs]\nurl = \"s3:///evidence\"\n").unwrap();
    let out = apply(&[], &["--config", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("names no bucket"), "{}", stderr(&out));

    std::fs::write(&config, "[blobs]\nbucket = \"evidence\"\n").unwrap();
    let out = apply(&[], &["--config", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("unknown field `bucket`"), "{}", stderr(&out));
}

#[test]
fn evidence_in_a_shared_folder_is_checked_at_startup() {
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("mnt/shared/evidence");
    let out = proofline_with(
        dir.path(),
        &blobs_at(&format!("file://{}", shared.display())),
        &["apply", example().to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(shared.join("proofline-check").is_file(), "the startup check wrote its file there");
    assert!(!dir.path().join("blobs").exists(), "nothing is kept in the data directory");
}

#[tokio::test]
async fn evidence_in_an_s3_bucket_is_checked_at_startup_and_a_missing_bucket_is_named() {
    let server = match proofline_testkit::s3::s3() {
        Ok(server) => server,
        Err(why) => return println!("skipped: {why}"),
    };
    let dir = tempfile::tempdir().unwrap();
    let bucket = server.bucket().await;
    let mut env = server.settings();
    env.extend(blobs_at(&format!("s3://{bucket}/proofline")));
    let out = proofline_with(dir.path(), &env, &["apply", example().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));

    let mut env = server.settings();
    env.extend(blobs_at("s3://no-such-bucket/proofline"));
    let out = proofline_with(dir.path(), &env, &["export"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with("error: evidence store s3://no-such-bucket/proofline: ") && err.contains("NoSuchBucket"),
        "{err}"
    );
}
