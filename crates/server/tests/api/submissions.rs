//! Doing the work: my tasks, and proof submitted as JSON or as a form with a photo.

use crate::helpers::{App, mins, png};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::json;

fn photo_form(number: &str) -> Form {
    let photo = Part::bytes(png()).file_name("fridge.png").mime_str("image/png").expect("a media type");
    Form::new().text("number", number.to_string()).part("photo", photo)
}

#[tokio::test]
async fn my_tasks_show_what_is_due_and_what_proof_it_needs() {
    let app = App::spawn().await;
    app.opening_checklist().await;
    let before = app.get("/api/v1/me/tasks", &app.dan).await;
    assert_eq!(before.body, json!([]), "nothing is out before the run is created");

    app.advance(mins(1)).await; // 07:00 Berlin
    let task = app.fridge_task().await;
    assert_eq!(task["process_name"], "Opening checklist");
    assert_eq!(task["title"], "Fridge temperature");
    assert_eq!((task["state"].as_str(), task["level"].as_u64()), (Some("open"), Some(0)));
    assert_eq!(task["due_at"], "2026-01-05T07:00:00Z");
    let keys: Vec<&str> = task["proof"].as_array().unwrap().iter().filter_map(|p| p["key"].as_str()).collect();
    assert_eq!(keys, ["number", "photo"]);

    let detail = app.get(&format!("/api/v1/tasks/{}", task["id"]), &app.dan).await;
    assert_eq!(detail.body["sop"], "Read the fridge thermometer.");
    assert_eq!(detail.body["submissions"], json!([]));
}

#[tokio::test]
async fn a_reading_without_its_photo_is_refused_naming_the_photo() {
    let app = App::spawn().await;
    app.opening_checklist().await;
    app.advance(mins(1)).await;
    let task = app.fridge_task().await;
    let path = format!("/api/v1/tasks/{}/submissions", task["id"]);

    let reply = app.post(&path, &app.dan, json!({"values": {"number": 3}})).await;
    let problem = reply.problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["type"], "urn:proofline:problem:proof-incomplete");
    let keys: Vec<&str> = problem["errors"].as_array().unwrap().iter().filter_map(|e| e["key"].as_str()).collect();
    assert_eq!(keys, ["photo"]);
    assert_eq!(app.fridge_task().await["state"], "open", "nothing changed");
}

#[tokio::test]
async fn a_reading_with_a_real_photo_completes_the_task() {
    let app = App::spawn().await;
    app.opening_checklist().await;
    app.advance(mins(1)).await;
    let task = app.fridge_task().await;
    let path = format!("/api/v1/tasks/{}/submissions", task["id"]);

    let request = app.request(Method::POST, &path, Some(&app.dan)).multipart(photo_form("3,5"));
    let reply = crate::helpers::send(request).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{reply:?}");
    assert_eq!(reply.body["state"].as_str(), Some("done"));
    let flags = reply.body["exceptions"].as_array().unwrap();
    assert!(
        flags.len() == 1 && flags[0]["message"].as_str().unwrap().contains("no capture time"),
        "a drawn PNG carries no capture time, which is flagged: {flags:?}"
    );

    let detail = app.get(&format!("/api/v1/tasks/{}", task["id"]), &app.dan).await;
    assert_eq!(detail.body["state"], "done");
    let evidence = &detail.body["submissions"][0]["evidence"];
    assert_eq!(evidence["number"], 3.5);
    assert_eq!(evidence["photo"][0]["content_type"], "image/png", "the type is read from the bytes");
    let mine = app.get("/api/v1/me/tasks", &app.dan).await;
    assert_eq!(mine.body, json!([]), "done work leaves my list");
    let history = app.get(&format!("/api/v1/tasks/{}/history", task["id"]), &app.dan).await;
    let kinds: Vec<&str> = history.body.as_array().unwrap().iter().filter_map(|e| e["kind"].as_str()).collect();
    assert_eq!(kinds.first(), Some(&"created"));
    assert!(kinds.len() >= 3, "created, opened and completed: {kinds:?}");
}

#[tokio::test]
async fn a_reading_out_of_range_is_accepted_and_flagged() {
    let app = App::spawn().await;
    app.opening_checklist().await;
    app.advance(mins(1)).await;
    let task = app.fridge_task().await;
    let path = format!("/api/v1/tasks/{}/submissions", task["id"]);
    let request = app.request(Method::POST, &path, Some(&app.dan)).multipart(photo_form("7.5"));
    let reply = crate::helpers::send(request).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{reply:?}");
    assert_eq!(reply.body["state"], "done");
    assert_eq!(reply.body["exceptions"][0]["key"], "number");
    assert!(reply.body["exceptions"][0]["message"].as_str().unwrap_or_default().contains("above the maximum"));
}

#[tokio::test]
async fn only_the_holder_or_a_manager_may_submit_and_auditors_never() {
    let app = App::spawn().await;
    app.opening_checklist().await;
    app.advance(mins(1)).await;
    let task = app.fridge_task().await;
    let path = format!("/api/v1/tasks/{}/submissions", task["id"]);

    let request = app.request(Method::POST, &path, Some(&app.cara)).multipart(photo_form("3"));
    crate::helpers::send(request).await.problem(StatusCode::FORBIDDEN);
    let request = app.request(Method::POST, &path, Some(&app.ali)).multipart(photo_form("3"));
    crate::helpers::send(request).await.problem(StatusCode::FORBIDDEN);
    let as_text = app.request(Method::POST, &path, Some(&app.dan)).body("number=3");
    crate::helpers::send(as_text).await.problem(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(app.fridge_task().await["state"], "open");

    let junk = Part::bytes(b"\xFF\xD8\xFF\xE0 not really a jpeg".to_vec()).file_name("x.jpg");
    let request =
        app.request(Method::POST, &path, Some(&app.dan)).multipart(Form::new().text("number", "3").part("photo", junk));
    let reply = crate::helpers::send(request).await;
    assert_eq!(reply.problem(StatusCode::UNPROCESSABLE_ENTITY)["errors"][0]["key"], "photo");
}
