//! Previewing a cadence before saving it.

use crate::helpers::App;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_weekday_cron_previews_as_local_mornings_and_its_rule() {
    let app = App::spawn().await;
    let preview = json!({"cron": "0 7 * * 1-5", "count": 6});
    let reply = app.post("/api/v1/cadence/preview", &app.dan, preview).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    assert_eq!(reply.body["zone"], "Europe/Berlin", "the organization's zone by default");
    let local: Vec<&str> =
        reply.body["occurrences"].as_array().unwrap().iter().filter_map(|o| o["local"].as_str()).collect();
    assert_eq!(
        local,
        [
            "2026-01-05T07:00:00+01:00",
            "2026-01-06T07:00:00+01:00",
            "2026-01-07T07:00:00+01:00",
            "2026-01-08T07:00:00+01:00",
            "2026-01-09T07:00:00+01:00",
            "2026-01-12T07:00:00+01:00"
        ],
        "Monday to Friday, skipping the weekend"
    );
    assert!(reply.body["rule"].as_str().unwrap_or_default().contains("RRULE:"));
}

#[tokio::test]
async fn a_rule_in_another_zone_crosses_daylight_saving_in_local_time() {
    let app = App::spawn().await;
    let rule = "DTSTART;TZID=America/New_York:20260307T090000\nRRULE:FREQ=DAILY";
    let reply = app.post("/api/v1/cadence/preview", &app.dan, json!({"rule": rule, "count": 3})).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    assert_eq!(
        reply.body["occurrences"],
        json!([
            {"local": "2026-03-07T09:00:00-05:00", "utc": "2026-03-07T14:00:00Z"},
            {"local": "2026-03-08T09:00:00-04:00", "utc": "2026-03-08T13:00:00Z"},
            {"local": "2026-03-09T09:00:00-04:00", "utc": "2026-03-09T13:00:00Z"}
        ])
    );
}

#[tokio::test]
async fn a_broken_cadence_is_explained_by_field() {
    let app = App::spawn().await;
    let bad_cron = app.post("/api/v1/cadence/preview", &app.dan, json!({"cron": "61 7 * * *"})).await;
    assert_eq!(bad_cron.problem(StatusCode::UNPROCESSABLE_ENTITY)["errors"][0]["field"], "cron");
    let bad_zone =
        app.post("/api/v1/cadence/preview", &app.dan, json!({"cron": "0 7 * * *", "tz": "Mars/Olympus"})).await;
    assert_eq!(bad_zone.problem(StatusCode::UNPROCESSABLE_ENTITY)["errors"][0]["field"], "tz");
    let neither = app.post("/api/v1/cadence/preview", &app.dan, json!({"tz": "Europe/Berlin"})).await;
    neither.problem(StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = app.post("/api/v1/cadence/preview", &app.dan, json!({"cron": "0 7 * * *", "zone": "UTC"})).await;
    unknown.problem(StatusCode::UNPROCESSABLE_ENTITY);
}
