//! My work and proof from the phone: the list, the task page with its capture form, a
//! refusal that keeps what was typed, and evidence served only inside the organization.

use super::{Browser, signed_in};
use crate::helpers::{App, mins, png};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

fn photo() -> Part {
    Part::bytes(png()).file_name("fridge.png").mime_str("image/png").expect("a media type")
}

/// What a browser sends when the photo input was left empty.
fn no_photo() -> Part {
    Part::bytes(Vec::new()).file_name("").mime_str("application/octet-stream").expect("a media type")
}

fn proof(csrf: &str, number: &str, photo: Part) -> Form {
    Form::new().text("_csrf", csrf.to_string()).text("number", number.to_string()).part("photo", photo)
}

/// The opening checklist at 07:00 with Dan signed in; returns his browser and task id.
async fn fridge_open(app: &App) -> (Browser, i64) {
    app.opening_checklist().await;
    app.advance(mins(1)).await;
    let id = app.fridge_task().await["id"].as_i64().expect("a task id");
    (signed_in(app, &app.dan).await, id)
}

#[tokio::test]
async fn my_work_lists_the_task_with_the_proof_it_needs() {
    let app = App::spawn().await;
    app.opening_checklist().await;
    let dan = signed_in(&app, &app.dan).await;
    dan.get("/work").await.shows(StatusCode::OK, &["Nothing is waiting for you"]);

    app.advance(mins(1)).await; // 07:00 Berlin
    let id = app.fridge_task().await["id"].as_i64().unwrap();
    let work = dan.get("/work").await;
    work.shows(StatusCode::OK, &["Fridge temperature", "Opening checklist", "Number (0 to 5 °C): Fridge", "Photo"]);
    work.shows(StatusCode::OK, &[&format!("href=\"/tasks/{id}\""), "(in 1 h)"]).lacks(&["Nothing is waiting"]);

    let task = dan.get(&format!("/tasks/{id}")).await;
    task.shows(StatusCode::OK, &["Read the fridge thermometer.", &format!("action=\"/tasks/{id}/proof\"")]);
    task.shows(StatusCode::OK, &["enctype=\"multipart/form-data\"", "accept=\"image/*\"", "capture=\"environment\""]);
    task.shows(StatusCode::OK, &["name=\"number\"", "inputmode=\"decimal\"", "Allowed: 0 to 5 °C", "name=\"photo\""]);
    task.lacks(&["Settle it"]);
}

#[tokio::test]
async fn proof_without_its_photo_is_refused_keeping_the_reading() {
    let app = App::spawn().await;
    let (dan, id) = fridge_open(&app).await;
    let csrf = dan.csrf(&format!("/tasks/{id}")).await;

    let refused = dan.post_multipart(&format!("/tasks/{id}/proof"), proof(&csrf, "7,5", no_photo())).await;
    refused.shows(StatusCode::UNPROCESSABLE_ENTITY, &["The task is not done yet", "photo: a photo is required"]);
    refused.shows(StatusCode::UNPROCESSABLE_ENTITY, &["id=\"err-photo\"", "value=\"7,5\""]);
    assert_eq!(app.fridge_task().await["state"], "open", "nothing was recorded");
}

#[tokio::test]
async fn proof_with_a_photo_completes_the_task_and_flags_the_reading() {
    let app = App::spawn().await;
    let (dan, id) = fridge_open(&app).await;
    let csrf = dan.csrf(&format!("/tasks/{id}")).await;

    let done = dan.post_multipart(&format!("/tasks/{id}/proof"), proof(&csrf, "7,5", photo())).await;
    assert_eq!(done.redirect(), "/work?ok=done");
    dan.get("/work?ok=done").await.shows(StatusCode::OK, &["Done. The proof is in."]).lacks(&["Fridge temperature"]);

    let task = dan.get(&format!("/tasks/{id}")).await;
    task.shows(StatusCode::OK, &["Evidence", "7.5", "is above the maximum 5 °C", "completed it with proof"]);
    task.lacks(&[&format!("action=\"/tasks/{id}/proof\"")]);
    let prefix = format!("<img class=\"thumb\" src=\"/tasks/{id}/evidence/");
    let thumb = task.value_after(&prefix).expect("the photo's thumbnail is shown");
    let detail = app.get(&format!("/api/v1/tasks/{id}"), &app.dan).await;
    let photo = &detail.body["submissions"][0]["evidence"]["photo"][0];
    assert_eq!(photo["thumbnail"], thumb.as_str());
    let sha = photo["sha256"].as_str().unwrap().to_string();
    assert!(task.body.contains(&format!("{sha}\"><img class=\"thumb\"")), "the thumbnail links the photo");
    let small = dan.get(&format!("/tasks/{id}/evidence/{thumb}")).await;
    assert_eq!((small.status, small.header("content-type")), (StatusCode::OK, "image/jpeg"));

    let evidence = format!("/tasks/{id}/evidence/{sha}");
    for who in [&dan, &signed_in(&app, &app.ali).await] {
        let image = who.get(&evidence).await;
        assert_eq!((image.status, image.header("content-type")), (StatusCode::OK, "image/png"), "{image:?}");
        assert_eq!(image.bytes, png(), "the stored bytes come back");
    }
    signed_in(&app, &app.eve).await.get(&evidence).await.shows(StatusCode::NOT_FOUND, &["There is nothing here"]);
    assert!(Browser::new(&app).get(&evidence).await.redirect().starts_with("/signin"));
    let unknown = format!("/tasks/{id}/evidence/{}", "0".repeat(64));
    dan.get(&unknown).await.shows(StatusCode::NOT_FOUND, &["There is nothing here"]);
}

#[tokio::test]
async fn an_auditor_reads_the_task_but_cannot_submit() {
    let app = App::spawn().await;
    let (_dan, id) = fridge_open(&app).await;
    let ali = signed_in(&app, &app.ali).await;

    let page = ali.get(&format!("/tasks/{id}")).await;
    page.shows(StatusCode::OK, &["Fridge temperature", "This task is Dan's to do."]);
    page.lacks(&[&format!("action=\"/tasks/{id}/proof\""), "Settle it"]);
    let csrf = page.csrf();
    let refused = ali.post_multipart(&format!("/tasks/{id}/proof"), proof(&csrf, "3", photo())).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{refused:?}");
    assert_eq!(app.fridge_task().await["state"], "open");
}

#[tokio::test]
async fn another_member_sees_the_task_without_a_form() {
    let app = App::spawn().await;
    let (_dan, id) = fridge_open(&app).await;
    let cara = signed_in(&app, &app.cara).await;
    let page = cara.get(&format!("/tasks/{id}")).await;
    page.shows(StatusCode::OK, &["This task is Dan's to do."]).lacks(&[&format!("action=\"/tasks/{id}/proof\"")]);
    let refused = cara.post_multipart(&format!("/tasks/{id}/proof"), proof(&page.csrf(), "3", photo())).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{refused:?}");
}
