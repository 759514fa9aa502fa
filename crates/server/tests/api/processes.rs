//! Defining work through the API: roles, processes, versions, status and manual starts.

use crate::helpers::{App, opening_definition, send};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn a_manager_defines_a_process_and_sees_when_it_will_run_in_local_time() {
    let app = App::spawn().await;
    let id = app.opening_checklist().await;

    let process = app.get(&format!("/api/v1/processes/{id}"), &app.dan).await;
    assert_eq!(process.status, StatusCode::OK, "members may read processes");
    assert_eq!((process.body["version"].as_u64(), process.body["status"].as_str()), (Some(1), Some("active")));
    assert_eq!(process.body["next_run_at"], "2026-01-05T06:00:00Z");
    assert_eq!(process.body["definition"]["steps"][0]["proof"][1]["key"], "photo", "keys are filled in");

    let next = app.get(&format!("/api/v1/processes/{id}/occurrences?count=2"), &app.dan).await;
    assert_eq!(next.status, StatusCode::OK, "{next:?}");
    assert_eq!(next.body["zone"], "Europe/Berlin");
    assert_eq!(
        next.body["occurrences"],
        json!([
            {"local": "2026-01-05T07:00:00+01:00", "utc": "2026-01-05T06:00:00Z"},
            {"local": "2026-01-06T07:00:00+01:00", "utc": "2026-01-06T06:00:00Z"}
        ])
    );
    let typo = app.get(&format!("/api/v1/processes/{id}/occurrences?cuont=2"), &app.dan).await;
    assert!(typo.problem(StatusCode::BAD_REQUEST)["detail"].as_str().unwrap_or_default().contains("cuont"));
    app.get(&format!("/api/v1/processes/{id}/occurrences?count=0"), &app.dan)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);

    let listed = app.get("/api/v1/processes", &app.ali).await;
    assert_eq!(listed.body[0]["name"], "Opening checklist", "auditors read everything");
}

#[tokio::test]
async fn saving_a_definition_versions_it_only_when_it_changed() {
    let app = App::spawn().await;
    let id = app.opening_checklist().await;
    let path = format!("/api/v1/processes/{id}");
    let current = app.get(&path, &app.olga).await.body["definition"].clone();

    let same = app.put(&path, &app.olga, json!({"definition": current})).await;
    assert_eq!(
        (same.status, same.body["version"].as_u64(), same.body["changed"].as_bool()),
        (StatusCode::OK, Some(1), Some(false))
    );

    let mut edited = current.clone();
    edited["steps"][0]["title"] = json!("Fridge and freezer temperature");
    let changed = app.put(&path, &app.mia, json!({"definition": edited})).await;
    assert_eq!((changed.body["version"].as_u64(), changed.body["changed"].as_bool()), (Some(2), Some(true)));

    let versions = app.get(&format!("{path}/versions"), &app.dan).await;
    let titles: Vec<&str> = versions
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v["definition"]["steps"][0]["title"].as_str())
        .collect();
    assert_eq!(titles, ["Fridge temperature", "Fridge and freezer temperature"]);

    let paused = app.post(&format!("{path}/status"), &app.olga, json!({"status": "paused"})).await;
    assert_eq!((paused.status, paused.body["next_run_at"].clone()), (StatusCode::OK, json!(null)));
}

#[tokio::test]
async fn a_bad_definition_is_refused_with_every_problem_named_by_field() {
    let app = App::spawn().await;
    let leads = app.shift_leads().await;
    let mut definition = opening_definition(&app, leads);
    definition["owner"] = json!(9999);
    definition["steps"][1]["proof"] = json!([]);
    let reply = app.post("/api/v1/processes", &app.olga, json!({"key": "opening", "definition": definition})).await;
    let fields: Vec<&str> = reply.problem(StatusCode::UNPROCESSABLE_ENTITY)["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["steps[1].proof", "owner"]);

    let definition = opening_definition(&app, leads);
    let bad_key = app.post("/api/v1/processes", &app.olga, json!({"key": "Opening!", "definition": definition})).await;
    assert_eq!(bad_key.problem(StatusCode::UNPROCESSABLE_ENTITY)["errors"][0]["field"], "key");
}

#[tokio::test]
async fn members_may_start_runs_but_not_change_definitions_and_auditors_only_read() {
    let app = App::spawn().await;
    let id = app.opening_checklist().await;

    let role = json!({"name": "Closers", "members": [app.dan.id.0]});
    app.post("/api/v1/roles", &app.dan, role.clone()).await.problem(StatusCode::FORBIDDEN);
    app.post("/api/v1/roles", &app.ali, role).await.problem(StatusCode::FORBIDDEN);
    let definition = app.get(&format!("/api/v1/processes/{id}"), &app.dan).await.body["definition"].clone();
    app.put(&format!("/api/v1/processes/{id}"), &app.dan, json!({"definition": definition}))
        .await
        .problem(StatusCode::FORBIDDEN);

    let run = app.post(&format!("/api/v1/processes/{id}/runs"), &app.dan, json!({})).await;
    assert_eq!(run.status, StatusCode::CREATED, "{run:?}");
    assert_eq!(run.body["trigger"], "manual");
    let tasks = run.body["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 2, "one task per step");
    assert_eq!((tasks[0]["holder"].as_i64(), tasks[0]["state"].as_str()), (Some(app.dan.id.0), Some("open")));

    let fetched = app.get(&format!("/api/v1/runs/{}", run.body["id"]), &app.ali).await;
    assert_eq!(fetched.body["tasks"][1]["title"], "Sign off opening");
    app.post(&format!("/api/v1/processes/{id}/runs"), &app.ali, json!({})).await.problem(StatusCode::FORBIDDEN);
    let same_instant = app.post(&format!("/api/v1/processes/{id}/runs"), &app.ben, json!({})).await;
    assert_eq!(same_instant.status, StatusCode::CREATED, "a second start in the same millisecond: {same_instant:?}");
    assert_ne!(same_instant.body["id"], run.body["id"], "is a second run, not a clash");
    app.advance(crate::helpers::mins(2)).await; // past 07:00, whose scheduled run has that instant
    let without_body = send(app.request(Method::POST, &format!("/api/v1/processes/{id}/runs"), Some(&app.ben))).await;
    assert_eq!(without_body.status, StatusCode::CREATED, "the body is optional: {without_body:?}");
    let wrong_event = app.post(&format!("/api/v1/processes/{id}/runs"), &app.dan, json!({"event": "delivery"})).await;
    assert_eq!(wrong_event.problem(StatusCode::UNPROCESSABLE_ENTITY)["errors"][0]["field"], "event");
}

#[tokio::test]
async fn managers_keep_the_directory_but_only_owners_make_owners() {
    let app = App::spawn().await;
    let new = json!({"name": "Finn", "email": "finn@cafe.test", "manager": app.ben.id.0});
    let finn = app.post("/api/v1/people", &app.mia, new.clone()).await;
    assert_eq!(
        (finn.status, finn.body["access"].as_str(), finn.body["active"].as_bool()),
        (StatusCode::CREATED, Some("member"), Some(true))
    );
    app.post("/api/v1/people", &app.mia, new).await.problem(StatusCode::CONFLICT);

    let path = format!("/api/v1/people/{}", finn.body["id"]);
    let away = json!({"name": "Finn", "email": "finn@cafe.test", "away_until": "2026-02-01T00:00:00+01:00"});
    let updated = app.put(&path, &app.mia, away).await;
    assert_eq!(updated.body["away_until"], "2026-01-31T23:00:00Z");

    let promote = json!({"name": "Finn", "email": "finn@cafe.test", "access": "owner"});
    app.put(&path, &app.mia, promote.clone()).await.problem(StatusCode::FORBIDDEN);
    assert_eq!(app.put(&path, &app.olga, promote).await.body["access"], "owner");

    let nonsense = json!({"name": " ", "email": "finn", "manager": 4242});
    let reply = app.post("/api/v1/people", &app.olga, nonsense).await;
    let fields: Vec<&str> = reply.problem(StatusCode::UNPROCESSABLE_ENTITY)["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["name", "email", "manager"]);

    let system = json!({"key": "kitchen", "name": "Kitchen", "goal": "Safe food", "owner": app.olga.id.0, "software": ["Tillpoint"]});
    let created = app.post("/api/v1/systems", &app.mia, system).await;
    assert_eq!((created.status, created.body["key"].as_str()), (StatusCode::CREATED, Some("kitchen")));
}
