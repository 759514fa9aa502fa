//! The owner's pages render with what they are for: processes with their next runs, a
//! run's timeline, the systems map, people and settings; SOP text never runs as script.

use super::signed_in;
use crate::helpers::{App, mins, opening_definition};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn the_owners_pages_show_the_business() {
    let app = App::spawn().await;
    let process = app.opening_checklist().await;
    app.advance(mins(1)).await;
    let run = app.fridge_task().await["run"].as_i64().expect("a run");
    let olga = signed_in(&app, &app.olga).await;

    let list = olga.get("/processes").await;
    list.shows(StatusCode::OK, &["Opening checklist", &format!("href=\"/processes/{process}\""), "Olga"]);
    let detail = olga.get(&format!("/processes/{process}")).await;
    detail.shows(StatusCode::OK, &["Opening checklist", "Europe/Berlin", "Next runs", "Tue 6 Jan, 07:00"]);
    detail
        .shows(StatusCode::OK, &["Fridge temperature", "Sign off opening", "Number (0 to 5 °C): Fridge", "Signature"]);
    detail.shows(StatusCode::OK, &["the assignee's manager after 30m", "First version.", "Start a run now"]);
    let timeline = olga.get(&format!("/runs/{run}")).await;
    timeline
        .shows(StatusCode::OK, &[&format!("Run {run}"), "Fridge temperature", "Opened for Dan", "Sign off opening"]);
    olga.get("/people").await.shows(StatusCode::OK, &["Olga", "Mia", "Ben", "Cara", "Dan", "Ali", "Shift lead"]);
    olga.get("/people").await.lacks(&["Eve", "Elsewhere"]);
    olga.get("/settings").await.shows(StatusCode::OK, &["Password", "API tokens", "tests", "Sign out on every device"]);
}

#[tokio::test]
async fn systems_are_drawn_as_a_map_of_what_feeds_what() {
    let app = App::spawn().await;
    let olga = signed_in(&app, &app.olga).await;
    olga.get("/systems").await.shows(StatusCode::OK, &["No systems yet."]).lacks(&["<svg"]);

    let kitchen = json!({"key": "kitchen", "name": "Kitchen", "goal": "Safe food", "owner": app.olga.id.0,
        "software": ["Tillpoint"]});
    let kitchen = app.post("/api/v1/systems", &app.olga, kitchen).await;
    assert_eq!(kitchen.status, StatusCode::CREATED, "{kitchen:?}");
    let opening = app.opening_checklist().await;

    let page = olga.get("/systems").await;
    page.shows(StatusCode::OK, &["<svg", "role=\"img\"", "Kitchen", "Safe food", "Tillpoint"]);
    page.shows(StatusCode::OK, &["Processes outside any system", &format!("href=\"/processes/{opening}\"")]);
}

#[tokio::test]
async fn sop_text_with_script_is_shown_as_text() {
    let app = App::spawn().await;
    let leads = app.shift_leads().await;
    let kitchen = json!({"key": "kitchen", "name": "Kitchen", "owner": app.olga.id.0});
    let kitchen = app.post("/api/v1/systems", &app.olga, kitchen).await.body["id"].clone();
    let mut definition = opening_definition(&app, leads);
    definition["name"] = json!("Deep clean <b>now</b>");
    definition["system"] = kitchen;
    definition["steps"][0]["sop"] =
        json!("1. **Scrub** the shelves\n\n<script>alert(1)</script>\n\n[x](javascript:alert(2))");
    let created = app
        .post("/api/v1/processes", &app.olga, json!({"key": "clean", "status": "active", "definition": definition}))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{created:?}");
    let process = created.body["id"].as_i64().unwrap();

    let olga = signed_in(&app, &app.olga).await;
    let csrf = olga.csrf(&format!("/processes/{process}")).await;
    let started = olga.post(&format!("/processes/{process}/start"), &[("_csrf", &csrf)]).await;
    let run = started.redirect().to_string();
    assert!(run.starts_with("/runs/") && run.ends_with("?ok=started"), "{run}");
    let timeline = olga.get(&run).await;
    timeline.shows(StatusCode::OK, &["Run started.", "Fridge temperature"]);
    let task = timeline.id_after("href=\"/tasks/").expect("a task link");

    let systems = olga.get("/systems").await;
    systems.shows(StatusCode::OK, &["<svg", &format!("href=\"/processes/{process}\"")]);
    for path in [format!("/processes/{process}"), format!("/tasks/{task}"), "/processes".into(), "/systems".into()] {
        let page = olga.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(!page.body.contains("<b>now"), "{path}: a name is text:\n{}", page.body);
        assert!(!page.body.contains("<script>alert") && !page.body.contains("javascript:"), "{path}:\n{}", page.body);
        assert_eq!(page.body.matches("<script").count(), 1, "{path}: only the app's own script");
    }
    let task = olga.get(&format!("/tasks/{task}")).await;
    task.shows(StatusCode::OK, &["<strong>Scrub</strong>", "<script>alert(1)</script>", "Deep clean <b>now</b>"]);
    assert!(task.body.contains("&lt;script&gt;alert(1)"), "the SOP shows the text:\n{}", task.body);
}

#[tokio::test]
async fn a_manager_adds_and_nests_systems_in_the_web() {
    let app = App::spawn().await;
    let mia = signed_in(&app, &app.mia).await;
    let form = mia.get("/systems/new").await;
    form.shows(StatusCode::OK, &["New system", "Software it runs on"]);
    let csrf = form.csrf();
    let owner = app.olga.id.0.to_string();
    let kitchen = [
        ("_csrf", csrf.as_str()),
        ("name", "Kitchen"),
        ("key", "kitchen"),
        ("goal", "Safe food"),
        ("owner", owner.as_str()),
        ("parent", ""),
        ("software", "Tillpoint, , FoodSafe"),
    ];
    let saved = mia.post("/systems/new", &kitchen).await;
    assert!(saved.redirect().starts_with("/systems?ok=saved#system-"), "{saved:?}");
    let kitchen_id = saved.redirect().rsplit('-').next().expect("an id").to_string();
    let cold = [
        ("_csrf", csrf.as_str()),
        ("name", "Cold chain"),
        ("key", "cold-chain"),
        ("goal", ""),
        ("owner", owner.as_str()),
        ("parent", kitchen_id.as_str()),
        ("software", ""),
    ];
    let cold_id = mia.post("/systems/new", &cold).await.redirect().rsplit('-').next().expect("an id").to_string();
    let page = mia.get("/systems?ok=saved").await;
    page.shows(StatusCode::OK, &["Saved.", "Kitchen", "Tillpoint, FoodSafe", "Cold chain", "Part of Kitchen", "<svg"]);

    // A system cannot sit inside its own child, and keys stay unique.
    let loop_back = [
        ("_csrf", csrf.as_str()),
        ("name", "Kitchen"),
        ("key", "kitchen"),
        ("goal", ""),
        ("owner", owner.as_str()),
        ("parent", cold_id.as_str()),
        ("software", ""),
    ];
    let refused = mia.post(&format!("/systems/{kitchen_id}/edit"), &loop_back).await;
    refused.shows(StatusCode::UNPROCESSABLE_ENTITY, &["Parent: a system cannot sit inside itself"]);
    let twice = mia.post("/systems/new", &kitchen).await;
    twice.shows(StatusCode::UNPROCESSABLE_ENTITY, &["a system with that key already exists"]);

    let dan = signed_in(&app, &app.dan).await;
    dan.get("/systems/new").await.shows(StatusCode::FORBIDDEN, &["Only managers and owners"]);
    dan.get("/systems").await.lacks(&["/systems/new"]);
}
