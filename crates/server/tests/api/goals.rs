//! Goals on a system: Mia sets measurable targets on the back of house, goals Proofline
//! cannot measure are refused with the path of each bad field, and after eight weeks of
//! closing counts the monthly figures say which goals January met.

use crate::helpers::App;
use crate::patterns::{closing_count, eight_weeks};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Creates "Back of house" with `goals` through the API, as Mia.
pub async fn back_of_house(app: &App, goals: Value) -> i64 {
    let body = json!({"key": "back-of-house", "name": "Back of house", "owner": app.olga.id.0, "goals": goals});
    let reply = app.post("/api/v1/systems", &app.mia, body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{reply:?}");
    reply.body["id"].as_i64().expect("a system id")
}

/// Moves `process` into `system` by saving its definition with the system set.
pub async fn put_in_system(app: &App, process: i64, system: i64) {
    let mut definition = app.get(&format!("/api/v1/processes/{process}"), &app.olga).await.body["definition"].clone();
    definition["system"] = json!(system);
    let reply = app.put(&format!("/api/v1/processes/{process}"), &app.olga, json!({"definition": definition})).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
}

fn fields(reply: &crate::helpers::Reply) -> Vec<String> {
    reply.problem(StatusCode::UNPROCESSABLE_ENTITY)["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["field"].as_str().map(String::from))
        .collect()
}

#[tokio::test]
async fn goals_proofline_cannot_measure_are_refused_field_by_field() {
    let app = App::spawn().await;
    let closing = closing_count(&app).await;
    let kpi = |step: u16, field: u16| json!({"kind": "kpi_mean", "process": closing, "step": step, "field": field});
    let goal = |name: &str, target: f64, source: Value| json!({"name": name, "target": target, "direction": "at_least", "source": source});
    let bad = json!([
        goal(" ", 1.0, json!({"kind": "runs_due"})),
        goal("Revenue", 10000.0, json!({"kind": "manual"})),
        goal("On time", 95.0, json!({"kind": "on_time_rate"})),
        goal("Float", 200.0, kpi(0, 1)),
        goal("Float", 200.0, kpi(3, 0)),
        goal("Float", 200.0, json!({"kind": "kpi_mean", "process": 4242, "step": 0, "field": 0})),
        goal(&"x".repeat(121), 1.0, json!({"kind": "runs_late"})),
    ]);
    let body = json!({"key": "back-of-house", "name": "Back of house", "owner": app.olga.id.0, "goals": bad});
    let reply = app.post("/api/v1/systems", &app.mia, body).await;
    assert_eq!(
        fields(&reply),
        [
            "goals[0].name",
            "goals[1].source",
            "goals[2].target",
            "goals[3].source.field",
            "goals[4].source.step",
            "goals[5].source.process",
            "goals[6].name"
        ]
    );
    let errors = reply.body["errors"].to_string();
    assert!(errors.contains("enter goals that Proofline can measure"), "{errors}");
    assert!(errors.contains("0.95 for 95 %"), "{errors}");

    let many: Vec<Value> = (0..21).map(|i| goal(&format!("Goal {i}"), 1.0, json!({"kind": "runs_due"}))).collect();
    let body = json!({"key": "back-of-house", "name": "Back of house", "owner": app.olga.id.0, "goals": many});
    assert_eq!(fields(&app.post("/api/v1/systems", &app.mia, body).await), ["goals"]);
    let shapeless = json!({"key": "back-of-house", "name": "Back of house", "owner": app.olga.id.0,
                           "goals": [{"name": "On time", "target": 0.9, "direction": "sideways", "source": {"kind": "on_time_rate"}}]});
    let reply = app.post("/api/v1/systems", &app.mia, shapeless).await;
    assert!(reply.status.is_client_error(), "{reply:?}");
    assert!(app.get("/api/v1/systems", &app.olga).await.body.as_array().unwrap().is_empty(), "nothing was saved");

    // What can be measured is kept as sent, names and units trimmed.
    let good = json!([
        {"name": " On time ", "target": 0.95, "direction": "at_least", "source": {"kind": "on_time_rate"}},
        {"name": "Float", "unit": " EUR ", "target": 150, "direction": "at_least", "source": kpi(0, 0)},
    ]);
    let system = back_of_house(&app, good).await;
    let stored = app.get(&format!("/api/v1/systems/{system}"), &app.dan).await;
    assert_eq!(stored.body["goals"][0]["name"], "On time");
    assert_eq!(stored.body["goals"][1]["unit"], "EUR");
    assert_eq!(stored.body["goals"][1]["source"], kpi(0, 0));
}

#[tokio::test]
async fn the_monthly_figures_say_which_goals_january_met() {
    let app = App::spawn().await;
    let closing = closing_count(&app).await;
    let goals = json!([
        {"name": "On time", "target": 0.95, "direction": "at_least", "source": {"kind": "on_time_rate"}},
        {"name": "Late closings", "target": 4, "direction": "at_most", "source": {"kind": "runs_late"}},
        {"name": "Float", "unit": "EUR", "target": 150, "direction": "at_least",
         "source": {"kind": "kpi_mean", "process": closing, "step": 0, "field": 0}},
    ]);
    let system = back_of_house(&app, goals).await;
    put_in_system(&app, closing, system).await;
    eight_weeks(&app).await;

    let reply = app.get("/api/v1/systems/metrics?period=month&from=2026-01-01&to=2026-02-01", &app.olga).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    let january = &reply.body[0];
    assert_eq!((january["name"].as_str(), january["start"].as_str()), (Some("Back of house"), Some("2026-01-01")));
    assert_eq!(january["figures"]["runs_late"], 4, "{january}");
    let [on_time, late, float] = [0, 1, 2].map(|i| january["goals"][i].clone());
    assert_eq!((on_time["name"].as_str(), on_time["met"].as_bool()), (Some("On time"), Some(false)), "{on_time}");
    assert!((on_time["value"].as_f64().unwrap() - 23.0 / 27.0).abs() < 1e-9, "23 of 27 evenings: {on_time}");
    assert!((on_time["gap"].as_f64().unwrap() - (0.95 - 23.0 / 27.0)).abs() < 1e-9, "{on_time}");
    assert_eq!(on_time["direction"], "at_least");
    assert_eq!(
        (late["met"].as_bool(), late["gap"].as_f64(), late["target"].as_f64()),
        (Some(true), Some(0.0), Some(4.0))
    );
    assert_eq!(float["met"], true, "Dan counts 200 and more, Olga 240: {float}");
    assert!(float["value"].as_f64().unwrap() > 200.0, "{float}");
}
