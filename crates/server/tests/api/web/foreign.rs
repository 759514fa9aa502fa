//! Another organization's ids: signed in elsewhere, every page and form that takes an id
//! answers "not found", as a page, and changes nothing.

use super::{Browser, cafe, signed_in};
use crate::helpers::{App, mins, png};
use proofline_core::pattern::{Finding, PatternKind, Severity};
use proofline_core::{ProcessId, RunId};
use proofline_store::TaskQuery;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

/// How a route is reached: a page, a form, or the multipart proof form.
#[derive(Clone, Copy)]
enum Via {
    Get,
    Form,
    Proof,
}

async fn visit(browser: &Browser, via: Via, path: &str, csrf: &str) -> super::Page {
    match via {
        Via::Get => browser.get(path).await,
        Via::Form => browser.post(path, &[("_csrf", csrf), ("action", "close"), ("reason", "mine now")]).await,
        Via::Proof => {
            let photo = Part::bytes(png()).file_name("x.png").mime_str("image/png").expect("a media type");
            let form = Form::new().text("_csrf", csrf.to_string()).text("signature.name", "Eve").part("photo", photo);
            browser.post_multipart(path, form).await
        }
    }
}

#[tokio::test]
async fn another_organizations_ids_are_not_found_anywhere() {
    let app = App::spawn().await;
    let process = app.opening_checklist().await;
    app.advance(mins(1)).await;
    let fridge = app.fridge_task().await;
    let (fridge_id, run) = (fridge["id"].as_i64().unwrap(), fridge["run"].as_i64().unwrap());
    let dan = signed_in(&app, &app.dan).await;
    let form = Form::new()
        .text("_csrf", dan.csrf(&format!("/tasks/{fridge_id}")).await)
        .text("number", "3")
        .part("photo", Part::bytes(png()).file_name("f.png").mime_str("image/png").unwrap());
    assert_eq!(dan.post_multipart(&format!("/tasks/{fridge_id}/proof"), form).await.redirect(), "/work?ok=done");
    let detail = app.get(&format!("/api/v1/tasks/{fridge_id}"), &app.olga).await;
    let sha = detail.body["submissions"][0]["evidence"]["photo"][0]["sha256"].as_str().unwrap().to_string();
    let run_tasks = app.get(&format!("/api/v1/runs/{run}"), &app.olga).await.body["tasks"].clone();
    let sign_off = run_tasks.as_array().and_then(|t| t.iter().find(|t| t["state"] != "done")).expect("sign-off");
    let open = sign_off["id"].as_i64().unwrap();
    let org = cafe(&app).await;
    let olga_token = app.t.engine.store.list_tokens(org, app.olga.id).await.unwrap()[0].id.0;
    let ben = app.ben.id.0;
    let role = app.t.engine.store.list_roles(cafe(&app).await).await.expect("roles")[0].id.0;
    let system = serde_json::json!({"key": "kitchen", "name": "Kitchen", "owner": app.olga.id.0});
    let system = app.post("/api/v1/systems", &app.olga, system).await.body["id"].as_i64().expect("a system");

    let finding = Finding {
        key: format!("step_misses:{process}:0"),
        kind: PatternKind::StepMisses,
        process: ProcessId(process),
        step: Some(0),
        person: None,
        severity: Severity::High,
        sentence: "Opening checklist, step 1 'Fridge temperature' was missed in 6 of the last 8 runs.".into(),
        first_seen: app.t.engine.now(),
        last_seen: app.t.engine.now(),
        runs: vec![RunId(run)],
        p_value: 0.001,
        series: vec![],
        range: None,
    };
    app.t
        .engine
        .store
        .save_patterns(cafe(&app).await, ProcessId(process), &[finding], app.t.engine.now())
        .await
        .unwrap();
    let pattern = app.t.engine.store.list_patterns(cafe(&app).await, &Default::default()).await.unwrap()[0].id;

    let tasks_before = all_tasks(&app).await;
    let eve = signed_in(&app, &app.eve).await;
    let csrf = eve.csrf("/settings").await;
    let eve_token = app.t.engine.store.list_tokens(eve_org(&app).await, app.eve.id).await.unwrap()[0].id.0;
    // Every route that takes an id, with one of the café's ids.
    let routes = [
        (Via::Get, format!("/tasks/{fridge_id}")),
        (Via::Get, format!("/tasks/{fridge_id}/evidence/{sha}")),
        (Via::Get, format!("/processes/{process}")),
        (Via::Get, format!("/processes/{process}/edit")),
        (Via::Form, format!("/processes/{process}/edit")),
        (Via::Get, format!("/runs/{run}")),
        (Via::Get, format!("/processes/{process}/numbers")),
        (Via::Get, format!("/processes/{process}/numbers.csv")),
        (Via::Get, format!("/processes/{process}/evidence.zip?from=2026-01-01&to=2026-01-31")),
        (Via::Get, format!("/patterns/{pattern}")),
        (Via::Form, format!("/patterns/{pattern}/decide")),
        (Via::Proof, format!("/tasks/{open}/proof")),
        (Via::Form, format!("/tasks/{open}/decide")),
        (Via::Form, format!("/processes/{process}/start")),
        (Via::Form, format!("/people/{ben}/invite")),
        (Via::Get, format!("/people/{ben}")),
        (Via::Form, format!("/roles/{role}/rotation")),
        (Via::Get, format!("/systems/{system}/edit")),
        (Via::Form, format!("/systems/{system}/edit")),
        (Via::Form, format!("/people/{ben}")),
        (Via::Form, format!("/settings/tokens/{olga_token}/revoke")),
    ];
    for (via, path) in &routes {
        let page = visit(&eve, *via, path, &csrf).await;
        page.shows(StatusCode::NOT_FOUND, &["There is nothing here, or it belongs to another organization."]);
        page.lacks(&["Fridge", "Opening checklist", "Corner Café", "Ben", "Dan"]);
    }

    let kept = app.t.engine.store.get_pattern(cafe(&app).await, pattern).await.unwrap();
    assert_eq!(kept.state, proofline_store::PatternState::Open, "Eve decided nothing about the café's pattern");

    let after = app.get(&format!("/api/v1/runs/{run}"), &app.olga).await.body["tasks"].clone();
    assert_eq!(after, run_tasks, "the café's run is as it was");
    assert_eq!(all_tasks(&app).await, tasks_before, "Eve started no run and moved no task");
    assert_eq!(app.get("/api/v1/me", &app.olga).await.status, StatusCode::OK, "Olga's token still works");
    let own = eve.post(&format!("/settings/tokens/{eve_token}/revoke"), &[("_csrf", &csrf)]).await;
    assert_eq!(own.redirect(), "/settings?ok=token", "the same form works on Eve's own token");
}

/// Every task of the café, as (id, state, holder).
async fn all_tasks(app: &App) -> Vec<(i64, &'static str, i64)> {
    let tasks = app.t.engine.store.list_tasks(cafe(app).await, &TaskQuery::default()).await.expect("tasks");
    tasks.iter().map(|t| (t.id.0, t.state.as_str(), t.holder.0)).collect()
}

async fn eve_org(app: &App) -> proofline_core::OrgId {
    let orgs = app.t.engine.store.list_orgs().await.expect("organizations");
    orgs.iter().find(|o| o.name == "Elsewhere Ltd").expect("Eve's business").id
}
