//! The process editor as a manager uses it: writing a process in the form, being told
//! plainly what is wrong, reordering steps without script, and saving changes as a new
//! version whose differences the process page lists.

use super::{Browser, cafe, signed_in};
use crate::helpers::App;
use reqwest::StatusCode;

/// The editor's fields for a daily fridge check by Dan, as a browser posts them.
fn fridge_form(app: &App, csrf: &str, rule: &str, proof: &str) -> Vec<(String, String)> {
    let dan = format!("person:{}", app.dan.id.0);
    [
        ("_csrf", csrf),
        ("name", "Fridge check"),
        ("key", "fridge"),
        ("description", ""),
        ("owner", &app.olga.id.0.to_string()),
        ("system", ""),
        ("status", "active"),
        ("cadence", "schedule"),
        ("rule", rule),
        ("zone", "Europe/Berlin"),
        ("event", ""),
        ("step.0.title", "Read the fridge"),
        ("step.0.assignee", &dan),
        ("step.0.opens_after", "0m"),
        ("step.0.due_after", "30m"),
        ("step.0.proof", proof),
        ("step.0.sop", "Open the door and read the dial."),
        ("step.0.depends_on", ""),
        ("step.1.title", "Log it"),
        ("step.1.assignee", &dan),
        ("step.1.opens_after", ""),
        ("step.1.due_after", "1h"),
        ("step.1.proof", "note"),
        ("step.1.sop", ""),
        ("step.1.depends_on", "1"),
        ("level.0.to", "manager"),
        ("level.0.window", "30m"),
        ("level.1.to", "owner"),
        ("level.1.window", "1h"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

async fn post(browser: &Browser, path: &str, fields: &[(String, String)]) -> super::Page {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    browser.post(path, &fields).await
}

#[tokio::test]
async fn a_manager_writes_a_process_and_it_runs_on_its_schedule() {
    let app = App::spawn().await;
    let olga = signed_in(&app, &app.olga).await;
    let form = olga.get("/processes/new").await;
    form.shows(StatusCode::OK, &["New process", "When it runs", "Next runs in this zone", "If a step is missed"]);
    let csrf = form.csrf();

    let proof = "number: Fridge (°C) 0..5\nphoto";
    let saved =
        post(&olga, "/processes/new", &fridge_form(&app, &csrf, "RRULE:FREQ=DAILY;BYHOUR=7;BYMINUTE=0", proof)).await;
    let location = saved.redirect().to_string();
    assert!(location.starts_with("/processes/") && location.ends_with("?ok=saved"), "{saved:?}");
    let page = olga.get(&location).await;
    page.shows(StatusCode::OK, &["Fridge check", "Saved.", "active", "Next runs (Europe/Berlin)", "Mon 5 Jan, 07:00"]);
    page.shows(StatusCode::OK, &["Number (0 to 5 °C): Fridge", "Photo", "after step 1", "the process owner after 1h"]);

    app.advance(crate::helpers::mins(1)).await;
    signed_in(&app, &app.dan).await.get("/work").await.shows(StatusCode::OK, &["Read the fridge", "Fridge check"]);
}

#[tokio::test]
async fn mistakes_are_named_and_nothing_is_saved() {
    let app = App::spawn().await;
    let olga = signed_in(&app, &app.olga).await;
    let csrf = olga.csrf("/processes/new").await;
    let mut fields = fridge_form(&app, &csrf, "every now and then", "number: Fridge (°C) 0..5\nselfie");
    fields.retain(|(k, _)| k != "step.1.assignee");
    fields.push(("step.1.depends_on".into(), "2".into()));
    let refused = post(&olga, "/processes/new", &fields).await;
    refused.shows(StatusCode::UNPROCESSABLE_ENTITY, &["Not saved yet", "Cadence:", "not a kind of proof"]);
    refused.shows(StatusCode::UNPROCESSABLE_ENTITY, &["Step 2: choose who does it."]);
    refused.shows(StatusCode::UNPROCESSABLE_ENTITY, &["value=\"Fridge check\""]);
    assert_eq!(app.t.engine.store.list_processes(cafe(&app).await).await.expect("processes").len(), 0);

    let fields = fridge_form(&app, &csrf, "0 7 * * 1-5", "photo");
    let taken = post(&olga, "/processes/new", &fields).await;
    assert!(taken.redirect().starts_with("/processes/"), "cron is understood too: {taken:?}");
    let again = post(&olga, "/processes/new", &fields).await;
    again.shows(StatusCode::UNPROCESSABLE_ENTITY, &["Not saved yet"]);
}

#[tokio::test]
async fn steps_move_without_script_and_edits_become_versions() {
    let app = App::spawn().await;
    let olga = signed_in(&app, &app.olga).await;
    let csrf = olga.csrf("/processes/new").await;
    let mut fields = fridge_form(&app, &csrf, "RRULE:FREQ=DAILY;BYHOUR=7;BYMINUTE=0", "photo");
    fields.retain(|(k, _)| k != "step.1.depends_on");
    fields.push(("op".into(), "down:0".into()));
    let moved = post(&olga, "/processes/new", &fields).await;
    let text = moved.text();
    let (log, read) =
        (text.find("value=\"Log it\"").expect("step"), text.find("value=\"Read the fridge\"").expect("step"));
    assert!(log < read, "\"Log it\" is now first");
    assert_eq!(app.t.engine.store.list_processes(cafe(&app).await).await.expect("processes").len(), 0, "unsaved");

    fields.retain(|(k, _)| k != "op");
    let location =
        post(&olga, "/processes/new", &fields).await.redirect().split('?').next().unwrap_or_default().to_string();
    let edit = olga.get(&format!("{location}/edit")).await;
    edit.shows(StatusCode::OK, &["Edit process", "Save as a new version", "value=\"Read the fridge\""]);
    let mut fields = fridge_form(&app, &edit.csrf(), "RRULE:FREQ=DAILY;BYHOUR=8;BYMINUTE=0", "2 photos");
    fields.retain(|(k, _)| k != "step.1.depends_on");
    let saved = post(&olga, &format!("{location}/edit"), &fields).await;
    assert_eq!(saved.redirect(), format!("{location}?ok=saved"));
    let page = olga.get(&location).await;
    page.shows(
        StatusCode::OK,
        &["Version 2", "Cadence changed", "Step \u{201c}Read the fridge\u{201d}: proof changed."],
    );
    page.shows(StatusCode::OK, &["Mon 5 Jan, 08:00", "2 photos"]);
}

#[tokio::test]
async fn only_managers_edit_and_the_preview_answers_as_typed() {
    let app = App::spawn().await;
    let dan = signed_in(&app, &app.dan).await;
    dan.get("/processes/new").await.shows(StatusCode::FORBIDDEN, &["Only managers and owners"]);
    let csrf = dan.csrf("/work").await;
    let fields = fridge_form(&app, &csrf, "RRULE:FREQ=DAILY", "photo");
    post(&dan, "/processes/new", &fields).await.shows(StatusCode::FORBIDDEN, &["Only managers and owners"]);

    let preview = dan.get("/cadence-preview?rule=0%207%20*%20*%201-5&zone=Europe%2FBerlin").await;
    preview.shows(StatusCode::OK, &["Mon 5 Jan, 07:00", "Tue 6 Jan, 07:00"]);
    let wrong = dan.get("/cadence-preview?rule=RRULE%3AFREQ%3DSOMETIMES&zone=Europe%2FBerlin").await;
    wrong.shows(StatusCode::OK, &["class=\"error\""]);
}
