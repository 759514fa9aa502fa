//! The calendar feed as a calendar app reads it, checked with an independent iCalendar
//! parser (Python's `icalendar`): stable identities from foreseen to done, sequences that
//! grow with every change, times in UTC, and an address that stops working when replaced.

use crate::helpers::{App, Person, mins, png, send};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

/// Why Python cannot read calendars here, if it cannot.
fn missing_parser() -> Option<String> {
    match Command::new("python3").args(["-c", "import icalendar"]).output() {
        Ok(out) if out.status.success() => None,
        Ok(_) => Some("python3 cannot import icalendar (pip install icalendar)".into()),
        Err(e) => Some(format!("python3 is not available: {e}")),
    }
}

/// A new feed address for `who`, as a path on the test server.
async fn subscribe(app: &App, who: &Person) -> String {
    let reply = app.post("/api/v1/me/calendar", who, Value::Null).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    let url = reply.body["url"].as_str().expect("an address");
    let path = &url[url.find("/api/v1/calendar/").expect("a feed path")..];
    assert!(path.ends_with(".ics") && path.contains("/cal_"), "{url}");
    path.to_string()
}

/// The feed at `path`, fetched without a token and parsed by the independent reader.
async fn read(app: &App, path: &str) -> Value {
    let response = app.client.get(format!("{}{path}", app.base)).send().await.expect("the server answers");
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_string();
    assert_eq!(content_type, "text/calendar; charset=utf-8");
    let text = response.text().await.unwrap();
    assert!(text.lines().all(|line| line.len() <= 75), "lines are folded at 75 octets");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("feed.ics");
    std::fs::write(&file, &text).unwrap();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/api/py/read_calendar.py");
    let out = Command::new("python3").arg(script).arg(&file).output().expect("python3 runs");
    assert!(out.status.success(), "the parser refused the feed: {}\n{text}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("the reader prints JSON")
}

fn events(feed: &Value) -> &Vec<Value> {
    feed["events"].as_array().expect("events")
}

fn by_uid<'a>(feed: &'a Value, uid: &str) -> Option<&'a Value> {
    events(feed).iter().find(|e| e["uid"] == uid)
}

#[tokio::test]
async fn a_foreseen_step_keeps_its_identity_when_it_opens_and_leaves_the_feed_when_it_moves() {
    if let Some(reason) = missing_parser() {
        println!("skipped: {reason}");
        return;
    }
    let app = App::spawn().await;
    app.opening_checklist().await;
    let dan = subscribe(&app, &app.dan).await;

    let before = read(&app, &dan).await;
    assert_eq!(before["version"], "2.0");
    assert!(before["name"].as_str().unwrap().contains("Dan"), "{before}");
    let foreseen = events(&before);
    assert_eq!(foreseen.len(), 14, "two weeks of 07:00 fridge readings, Dan's by name: {before}");
    let today = &foreseen[0];
    assert_eq!(
        (today["start"].as_str(), today["end"].as_str()),
        (Some("2026-01-05T06:00:00Z"), Some("2026-01-05T07:00:00Z"))
    );
    assert_eq!((today["sequence"].as_i64(), today["status"].as_str()), (Some(0), Some("TENTATIVE")));
    assert!(today["summary"].as_str().unwrap().contains("Fridge temperature (Opening checklist)"), "{today}");
    assert!(today["description"].as_str().unwrap().contains("Number (0 to 5 °C): Fridge"), "{today}");
    assert!(
        foreseen.iter().all(|e| !e["summary"].as_str().unwrap().contains("Sign off")),
        "a role's step is nobody's yet"
    );
    let uid = today["uid"].as_str().unwrap().to_string();
    let tomorrow = foreseen[1]["uid"].as_str().unwrap().to_string();

    app.advance(mins(1)).await; // 07:00 Berlin: the run is created and Dan's reading opens
    let opened = read(&app, &dan).await;
    let held = by_uid(&opened, &uid).expect("the same entry, now a task");
    assert_eq!(held["status"], "CONFIRMED");
    assert!(held["sequence"].as_i64() > Some(0), "{held}");
    assert_eq!(by_uid(&opened, &tomorrow).map(|e| e["sequence"].as_i64()), Some(Some(0)), "tomorrow is still foreseen");

    app.advance(mins(60)).await; // Dan missed it: it moves to a shift lead
    let moved = read(&app, &dan).await;
    assert!(by_uid(&moved, &uid).is_none(), "it is no longer Dan's");
    assert!(by_uid(&moved, &tomorrow).is_some());
}

#[tokio::test]
async fn an_entry_changes_sequence_when_its_task_changes_and_a_replaced_address_stops_working() {
    if let Some(reason) = missing_parser() {
        println!("skipped: {reason}");
        return;
    }
    let app = App::spawn().await;
    app.opening_checklist().await;
    app.advance(mins(1)).await;
    let fridge = app.fridge_task().await;
    let run = app.get(&format!("/api/v1/runs/{}", fridge["run"]), &app.olga).await;
    let sign_off = &run.body["tasks"][1];
    let lead = if sign_off["holder"] == app.ben.id.0 { app.ben.clone() } else { app.cara.clone() };
    let feed = subscribe(&app, &lead).await;

    let waiting = read(&app, &feed).await;
    let entry = events(&waiting).iter().find(|e| e["summary"].as_str().unwrap().contains("Sign off opening"));
    let entry = entry.expect("the sign-off, waiting on the reading").clone();

    let form = Form::new().text("number", "3.5").part("photo", Part::bytes(png()).file_name("fridge.png"));
    let path = format!("/api/v1/tasks/{}/submissions", fridge["id"]);
    let submitted = send(app.request(Method::POST, &path, Some(&app.dan)).multipart(form)).await;
    assert_eq!(submitted.status, StatusCode::CREATED, "{submitted:?}");
    app.advance(mins(1)).await; // the sign-off opens

    let open = read(&app, &feed).await;
    let now = by_uid(&open, entry["uid"].as_str().unwrap()).expect("the same entry");
    assert!(now["sequence"].as_i64() > entry["sequence"].as_i64(), "{entry} then {now}");

    let replaced = subscribe(&app, &lead).await;
    assert_ne!(replaced, feed);
    let gone = send(app.client.get(format!("{}{feed}", app.base))).await;
    gone.problem(StatusCode::NOT_FOUND);
    assert!(!events(&read(&app, &replaced).await).is_empty());
    send(app.client.get(format!("{}/api/v1/calendar/cal_guess.ics", app.base))).await.problem(StatusCode::NOT_FOUND);
    send(app.client.get(format!("{}/api/v1/calendar/..%2F..%2Fetc%2Fpasswd", app.base)))
        .await
        .problem(StatusCode::NOT_FOUND);
}
