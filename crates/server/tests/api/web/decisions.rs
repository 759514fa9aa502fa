//! Needs you: work the whole chain missed reaches the owner with its story, and one form
//! settles it (more time for whoever last had it, close with a reason, or do it).

use super::{Browser, signed_in};
use crate::helpers::{App, mins};
use reqwest::StatusCode;

/// Dan's fridge reading missed by everyone: Dan, a shift lead, Ben, then Olga. Returns
/// Olga's browser and the task's id.
async fn unresolved(app: &App) -> (Browser, i64) {
    app.opening_checklist().await;
    app.advance(mins(1)).await; // 07:00 Berlin
    let id = app.fridge_task().await["id"].as_i64().expect("a task id");
    for window in [60, 30, 30, 60] {
        app.advance(mins(window)).await;
    }
    (signed_in(app, &app.olga).await, id)
}

async fn state_of(app: &App, id: i64) -> serde_json::Value {
    let task = app.get(&format!("/api/v1/tasks/{id}"), &app.olga).await;
    assert_eq!(task.status, StatusCode::OK, "{task:?}");
    task.body
}

#[tokio::test]
async fn the_owner_sees_what_nobody_did_with_how_it_got_there() {
    let app = App::spawn().await;
    let (olga, id) = unresolved(&app).await;
    let inbox = olga.get("/inbox").await;
    inbox.shows(StatusCode::OK, &["Needs you", "Fridge temperature", "unresolved", "Opening checklist"]);
    inbox.shows(StatusCode::OK, &["Dan missed the deadline. Moved to", "the chain is exhausted"]);
    inbox.shows(StatusCode::OK, &[&format!("action=\"/tasks/{id}/decide\""), "Do it myself", "Extend", "Close"]);
    for action in ["take", "reassign", "extend", "close"] {
        inbox.shows(StatusCode::OK, &[&format!("name=\"action\" value=\"{action}\"")]);
    }
    signed_in(&app, &app.mia).await.get("/inbox").await.shows(StatusCode::OK, &["Unresolved with other owners"]);
}

#[tokio::test]
async fn extending_gives_whoever_last_had_it_a_new_deadline() {
    let app = App::spawn().await;
    let (olga, id) = unresolved(&app).await;
    let inbox = olga.get("/inbox").await;
    let text = inbox.text();
    let extend = text[text.find("value=\"extend\"").expect("an extend form")..].split("</form>").next().unwrap();
    let missed_by = extend.split("name=\"to\" value=\"").nth(1).and_then(|rest| rest.split('"').next());
    // The chain ends with Olga; more time goes to the last person before her.
    let missed_by: i64 = missed_by.and_then(|id| id.parse().ok()).expect("whom the extension is for");
    assert_ne!(missed_by, app.olga.id.0, "not the owner who holds it now: {extend}");
    let (name, person) = [("Ben", &app.ben), ("Cara", &app.cara), ("Mia", &app.mia), ("Dan", &app.dan)]
        .into_iter()
        .find(|(_, p)| p.id.0 == missed_by)
        .expect("someone in the chain");
    assert!(extend.contains(&format!("Give {name} another")), "{extend}");

    let to = missed_by.to_string();
    let fields = [("_csrf", inbox.csrf()), ("action", "extend".into()), ("by", "1h".into()), ("to", to)];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let done = olga.post(&format!("/tasks/{id}/decide"), &fields).await;
    assert_eq!(done.redirect(), "/inbox?ok=extended");
    olga.get("/inbox?ok=extended").await.shows(StatusCode::OK, &["Deadline extended", "Nothing needs you"]);

    let task = state_of(&app, id).await;
    assert_eq!((task["state"].as_str(), task["holder"].as_i64()), (Some("open"), Some(missed_by)));
    assert_eq!(task["due_at"], "2026-01-05T10:00:00Z", "an hour from the decision");
    signed_in(&app, person).await.get("/work").await.shows(StatusCode::OK, &["Fridge temperature", "(in 1 h)"]);
}

#[tokio::test]
async fn closing_needs_a_reason_and_the_story_keeps_it() {
    let app = App::spawn().await;
    let (olga, id) = unresolved(&app).await;
    let csrf = olga.csrf("/inbox").await;
    let path = format!("/tasks/{id}/decide");

    let bare = olga.post(&path, &[("_csrf", &csrf), ("action", "close"), ("reason", "  ")]).await;
    bare.shows(StatusCode::UNPROCESSABLE_ENTITY, &["say why the work is closed"]);
    assert_eq!(state_of(&app, id).await["state"], "unresolved");

    let reason = "Fridge broken; engineer called";
    let closed = olga.post(&path, &[("_csrf", &csrf), ("action", "close"), ("reason", reason)]).await;
    assert_eq!(closed.redirect(), "/inbox?ok=closed");
    assert_eq!(state_of(&app, id).await["state"], "cancelled");
    let task = olga.get(&format!("/tasks/{id}")).await;
    task.shows(StatusCode::OK, &["Olga closed it without proof.", &format!("<q>{reason}</q>")]);
    task.lacks(&["Settle it", &format!("action=\"/tasks/{id}/proof\"")]);
    olga.get("/inbox").await.shows(StatusCode::OK, &["Nothing needs you"]);
}

#[tokio::test]
async fn taking_it_opens_the_task_for_the_owner() {
    let app = App::spawn().await;
    let (olga, id) = unresolved(&app).await;
    let csrf = olga.csrf("/inbox").await;
    let taken = olga.post(&format!("/tasks/{id}/decide"), &[("_csrf", &csrf), ("action", "take")]).await;
    assert_eq!(taken.redirect(), format!("/tasks/{id}"));

    let task = state_of(&app, id).await;
    assert_eq!((task["state"].as_str(), task["holder"].as_i64()), (Some("open"), Some(app.olga.id.0)));
    let page = olga.get(&format!("/tasks/{id}")).await;
    page.shows(StatusCode::OK, &["With <strong>Olga</strong>", &format!("action=\"/tasks/{id}/proof\"")]);
    page.shows(StatusCode::OK, &["Done by the owner"]);
}

#[tokio::test]
async fn members_cannot_decide() {
    let app = App::spawn().await;
    let (_olga, id) = unresolved(&app).await;
    let dan = signed_in(&app, &app.dan).await;
    let csrf = dan.csrf("/work").await;
    let refused = dan.post(&format!("/tasks/{id}/decide"), &[("_csrf", &csrf), ("action", "take")]).await;
    refused.shows(StatusCode::FORBIDDEN, &["Only managers and owners"]);
    assert_eq!(state_of(&app, id).await["state"], "unresolved");
    dan.get("/inbox").await.shows(StatusCode::OK, &["Nothing needs you"]);
}
