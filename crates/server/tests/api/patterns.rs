//! Repeated failures and the numbers: eight weeks of a closing count that Dan does every
//! evening except Fridays, when it moves on to Olga. The owner sees the Friday habit as
//! a pattern, acknowledges it, and reads the weekly figures and the readings as JSON
//! and CSV. Members do not see either.

use crate::helpers::{App, Reply, mins};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Daily 21:00 Berlin, due in 30 minutes: Dan counts the till (a number, 0–500); a miss
/// goes to Olga for an hour.
pub async fn closing_count(app: &App) -> i64 {
    let definition = json!({
        "name": "Closing count",
        "owner": app.olga.id.0,
        "cadence": {"kind": "schedule", "rule": "DTSTART;TZID=Europe/Berlin:20260105T210000\nRRULE:FREQ=DAILY"},
        "steps": [{"title": "Count the till", "assignee": {"person": app.dan.id.0}, "due_after": "30m",
                   "proof": [{"kind": "number", "key": "cash", "label": "Float", "unit": "EUR", "min": 0, "max": 500}]}],
        "escalation": [{"to": "owner", "window": "1h"}]
    });
    let reply = app
        .post("/api/v1/processes", &app.olga, json!({"key": "closing", "status": "active", "definition": definition}))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{reply:?}");
    reply.body["id"].as_i64().expect("a process id")
}

async fn submit(app: &App, who: &crate::helpers::Person, cash: f64) {
    let tasks = app.get("/api/v1/me/tasks", who).await;
    let task = tasks.body.as_array().and_then(|t| t.first()).cloned().expect("a task to do");
    let reply =
        app.post(&format!("/api/v1/tasks/{}/submissions", task["id"]), who, json!({"values": {"cash": cash}})).await;
    assert!(reply.status.is_success(), "{reply:?}");
}

/// Eight weeks from Monday 5 January: Dan counts every evening but Friday's.
pub async fn eight_weeks(app: &App) {
    app.advance(mins(14 * 60 + 1)).await; // Monday 21:00 Berlin (20:00 UTC)
    for day in 0..56 {
        let friday = day % 7 == 4;
        if friday {
            app.advance(mins(31)).await; // Dan lets it pass: Olga has it
            submit(app, &app.olga, 240.0).await;
            app.advance(mins(24 * 60 - 31)).await;
        } else {
            app.advance(mins(10)).await;
            submit(app, &app.dan, 200.0 + f64::from(day)).await;
            app.advance(mins(24 * 60 - 10)).await;
        }
    }
}

fn sentences(reply: &Reply) -> Vec<String> {
    reply.body.as_array().unwrap().iter().filter_map(|p| p["sentence"].as_str().map(String::from)).collect()
}

#[tokio::test]
async fn a_habit_of_missing_fridays_becomes_a_pattern_the_owner_settles() {
    let app = App::spawn().await;
    let process = closing_count(&app).await;
    eight_weeks(&app).await;
    let found = app.t.engine.detect_once(app.t.engine.now()).await.expect("detection runs");
    assert!(found.changes.opened >= 1, "{found:?}");

    let open = app.get("/api/v1/patterns?state=open", &app.olga).await;
    assert_eq!(open.status, StatusCode::OK, "{open:?}");
    let friday = open
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "weekday")
        .cloned()
        .unwrap_or_else(|| panic!("a weekday pattern among {:?}", sentences(&open)));
    let sentence = friday["sentence"].as_str().unwrap();
    assert!(sentence.starts_with("Closing count, step 1 'Count the till'"), "{sentence}");
    assert!(sentence.contains("Fridays") && sentence.contains("Dan"), "{sentence}");
    assert_eq!(friday["process"], process);
    assert!(friday["runs"].as_array().is_some_and(|runs| runs.len() >= 8), "the Fridays that show it: {friday}");
    assert!(friday["p_value"].as_f64().unwrap() < 0.01, "{friday}");
    assert!(
        sentences(&open).iter().all(|s| !s.contains("Mondays") && !s.contains("Tuesdays")),
        "no pattern on days Dan did the work: {:?}",
        sentences(&open)
    );

    // A second look with nothing new finds nothing new.
    let again = app.t.engine.detect_once(app.t.engine.now()).await.expect("detection runs");
    assert_eq!(again.processes, 0, "{again:?}");

    let id = friday["id"].as_i64().unwrap();
    let path = format!("/api/v1/patterns/{id}/state");
    assert_eq!(
        app.get("/api/v1/patterns", &app.dan).await.status,
        StatusCode::FORBIDDEN,
        "members do not see patterns"
    );
    assert_eq!(app.get(&format!("/api/v1/patterns/{id}"), &app.ali).await.status, StatusCode::OK, "auditors do");
    app.post(&path, &app.ali, json!({"state": "acknowledged", "note": "x"})).await.problem(StatusCode::FORBIDDEN);
    app.get(&format!("/api/v1/patterns/{id}"), &app.eve).await.problem(StatusCode::NOT_FOUND);
    let no_note = app.post(&path, &app.mia, json!({"state": "acknowledged"})).await;
    assert_eq!(no_note.problem(StatusCode::UNPROCESSABLE_ENTITY)["errors"][0]["field"], "note");
    app.post(&path, &app.mia, json!({"state": "snoozed", "note": "later"}))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);

    let note = "Dan has football on Fridays; Cara takes Friday closing from now on.";
    let acknowledged = app.post(&path, &app.mia, json!({"state": "acknowledged", "note": note})).await;
    assert_eq!(acknowledged.status, StatusCode::OK, "{acknowledged:?}");
    assert_eq!(
        (acknowledged.body["state"].as_str(), acknowledged.body["note"].as_str()),
        (Some("acknowledged"), Some(note))
    );
    assert_eq!(acknowledged.body["decided_by"], app.mia.id.0);
    let still_open = app.get("/api/v1/patterns?state=open", &app.olga).await;
    assert!(still_open.body.as_array().unwrap().iter().all(|p| p["id"] != id), "it left the open list");
}

#[tokio::test]
async fn the_weeks_and_the_readings_come_as_json_and_csv() {
    let app = App::spawn().await;
    let process = closing_count(&app).await;
    eight_weeks(&app).await;

    let path = format!("/api/v1/processes/{process}/metrics?period=week&from=2026-01-05&to=2026-03-02");
    let reply = app.get(&path, &app.olga).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    assert_eq!(reply.body["zone"], "Europe/Berlin");
    let weeks = reply.body["periods"].as_array().unwrap();
    assert_eq!(weeks.len(), 8, "eight local weeks");
    let first = &weeks[0];
    assert_eq!(first["start"], "2026-01-05");
    assert_eq!(first["starts_at"], "2026-01-04T23:00:00Z", "Monday midnight in Berlin");
    let figures = &first["figures"];
    assert_eq!(
        (&figures["runs_due"], &figures["runs_on_time"], &figures["runs_late"], &figures["escalations"]),
        (&json!(7), &json!(6), &json!(1), &json!([1])),
        "six evenings on time, Friday done late by Olga after one move: {first}"
    );
    assert!((figures["on_time_rate"].as_f64().unwrap() - 6.0 / 7.0).abs() < 1e-9);
    let kpi = &reply.body["kpis"][0];
    assert_eq!((kpi["label"].as_str(), kpi["unit"].as_str()), (Some("Float"), Some("EUR")));
    assert_eq!(kpi["points"].as_array().unwrap().len(), 56, "every reading");
    let misses: Vec<u32> =
        reply.body["misses"][4].as_array().unwrap().iter().map(|n| n.as_u64().unwrap() as u32).collect();
    assert_eq!(misses[21], 8, "eight Friday misses due in the 21:00 hour: {misses:?}");

    let csv = app
        .request(reqwest::Method::GET, &path.replace("/metrics?", "/metrics.csv?"), Some(&app.olga))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let text = csv.text().await.unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with("period,starts_at,ends_at,runs_due,runs_on_time"), "{header}");
    assert!(header.contains("step 1 Float (EUR) mean"), "{header}");
    assert_eq!(lines.count(), 8);

    let people = app.get("/api/v1/people/metrics?from=2026-01-05&to=2026-03-02", &app.olga).await;
    let dan: &Value = people.body.as_array().unwrap().iter().find(|p| p["person"] == app.dan.id.0).unwrap();
    assert_eq!((&dan["held"], &dan["missed"], &dan["moved_from"]), (&json!(56), &json!(8), &json!(8)), "{dan}");
    let olga: &Value = people.body.as_array().unwrap().iter().find(|p| p["person"] == app.olga.id.0).unwrap();
    assert_eq!(olga["moved_to"], 8, "{olga}");

    let bad = app.get(&format!("/api/v1/processes/{process}/metrics?period=fortnight"), &app.olga).await;
    assert_eq!(bad.problem(StatusCode::UNPROCESSABLE_ENTITY)["errors"][0]["field"], "period");
    let backwards =
        app.get(&format!("/api/v1/processes/{process}/metrics?from=2026-03-01&to=2026-01-01"), &app.olga).await;
    backwards.problem(StatusCode::UNPROCESSABLE_ENTITY);
    let foreign = app.get(&format!("/api/v1/processes/{process}/metrics"), &app.eve).await;
    foreign.problem(StatusCode::NOT_FOUND);
    app.get(&format!("/api/v1/processes/{process}/metrics"), &app.dan).await.problem(StatusCode::FORBIDDEN);
}

/// A full pass spreads many processes over threads of their own: every process is read,
/// the Friday habit is found as in a look at one process, and another organization's
/// processes in the same pass keep to themselves.
#[tokio::test]
async fn a_full_pass_over_many_processes_finds_what_a_look_at_one_finds() {
    let app = App::spawn().await;
    let process = closing_count(&app).await;
    for (who, n) in [(&app.olga, 0), (&app.olga, 1), (&app.olga, 2), (&app.eve, 3), (&app.eve, 4), (&app.eve, 5)] {
        let definition = json!({
            "name": format!("Spare {n}"), "owner": who.id.0, "cadence": {"kind": "manual"},
            "steps": [{"title": "Look", "assignee": {"person": who.id.0}, "due_after": "1h", "proof": [{"kind": "photo"}]}],
            "escalation": [{"to": "owner", "window": "1h"}]
        });
        let reply = app
            .post(
                "/api/v1/processes",
                who,
                json!({"key": format!("spare-{n}"), "status": "active", "definition": definition}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{reply:?}");
    }
    eight_weeks(&app).await;
    let found = app.t.engine.detect_all(app.t.engine.now()).await.expect("the full pass runs");
    assert_eq!(found.processes, 7, "every process was read: {found:?}");
    let open = app.get("/api/v1/patterns?state=open", &app.olga).await;
    let weekday = open.body.as_array().unwrap().iter().find(|p| p["kind"] == "weekday").cloned();
    assert_eq!(weekday.map(|p| p["process"].clone()), Some(json!(process)), "{:?}", sentences(&open));
    let elsewhere = app.get("/api/v1/patterns", &app.eve).await;
    assert_eq!(elsewhere.body, json!([]), "nothing of Corner Café's shows elsewhere");
    let again = app.t.engine.detect_once(app.t.engine.now()).await.expect("detection runs");
    assert_eq!(again.processes, 0, "the full pass moved the mark: {again:?}");
}
