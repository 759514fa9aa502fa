//! Goals in the browser: Mia gives the back of house two goals through the system form
//! (the on-time rate typed in percent), mistakes come back by row, and after eight weeks
//! of closing counts the systems' numbers say how each goal fares this month.

use super::{Browser, Page, signed_in};
use crate::goals::put_in_system;
use crate::helpers::App;
use crate::patterns::{closing_count, eight_weeks};
use reqwest::StatusCode;

/// Posts the new-system form: its plain fields and the goal rows.
async fn post(browser: &Browser, base: &[(&str, &str)], rows: &[(String, String)]) -> Page {
    let mut fields = base.to_vec();
    fields.extend(rows.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    browser.post("/systems/new", &fields).await
}

#[tokio::test]
async fn a_goal_saved_in_the_form_is_judged_on_the_systems_numbers() {
    let app = App::spawn().await;
    let closing = closing_count(&app).await;
    let mia = signed_in(&app, &app.mia).await;
    let form = mia.get("/systems/new").await;
    form.shows(StatusCode::OK, &["Measurable goals", "<legend>Goal 1</legend>", "<legend>Goal 2</legend>"]);
    form.shows(StatusCode::OK, &["for=\"goal-1-target\"", "On-time rate (%)", "Median lead time (minutes)"]);
    form.shows(StatusCode::OK, &["Mean of Float, EUR (Closing count, step 1)", "95 means 95%"]);
    let csrf = form.csrf();
    let owner = app.olga.id.0.to_string();
    let float = format!("kpi_mean:{closing}:0:0");
    let base = [
        ("_csrf", csrf.as_str()),
        ("name", "Back of house"),
        ("key", "back-of-house"),
        ("owner", owner.as_str()),
        ("parent", ""),
        ("software", ""),
    ];
    let row = |i: usize, name: &'static str, measure: &str, direction: &'static str, target: &'static str| {
        [
            (format!("goal_{i}_name"), name.to_string()),
            (format!("goal_{i}_measure"), measure.to_string()),
            (format!("goal_{i}_direction"), direction.to_string()),
            (format!("goal_{i}_target"), target.to_string()),
            (format!("goal_{i}_unit"), String::new()),
        ]
    };

    let wrong: Vec<_> = [
        row(0, "", "on_time_rate", "at_least", ""),
        row(1, "Closings on time", "on_time_rate", "at_least", "150"),
        row(2, "", "kpi_mean:9999:0:0", "at_most", "4"),
    ]
    .concat();
    let refused = post(&mia, &base, &wrong).await;
    refused.shows(StatusCode::UNPROCESSABLE_ENTITY, &["Goal 1, target: enter a percentage from 0 to 100"]);
    refused.shows(StatusCode::UNPROCESSABLE_ENTITY, &["Goal 2, name: must not be blank", "no process 9999"]);
    refused.shows(StatusCode::UNPROCESSABLE_ENTITY, &["value=\"Closings on time\"", "value=\"150\""]);

    let rows = [
        row(0, "Closings on time", "on_time_rate", "at_least", "95"),
        row(1, "", "on_time_rate", "at_least", ""),
        row(2, "Float", &float, "at_least", "150"),
    ]
    .concat();
    let saved = post(&mia, &base, &rows).await;
    let location = saved.redirect().to_string();
    let system: i64 = location.rsplit("#system-").next().and_then(|id| id.parse().ok()).expect("the system's id");
    let edit = mia.get(&format!("/systems/{system}/edit")).await;
    edit.shows(StatusCode::OK, &["value=\"Closings on time\"", "value=\"95\"", "value=\"Float\"", "value=\"150\""]);
    edit.shows(StatusCode::OK, &["<legend>Goal 4</legend>"]).lacks(&["<legend>Goal 5</legend>"]);

    put_in_system(&app, closing, system).await;
    eight_weeks(&app).await;
    let olga = signed_in(&app, &app.olga).await;
    let month = olga.get("/systems/numbers").await;
    month.shows(StatusCode::OK, &["<h3 id=\"system-1-goals\">Goals</h3>", "Met"]);
    month.shows(StatusCode::OK, &["Closings on time at least 95%</strong>: 100% this month — met, 5 points to spare"]);
    month.shows(StatusCode::OK, &["Float at least 150</strong>: 255 this month — met, 105 to spare"]);
    // The year so far: 48 of 56 evenings on time, the Fridays late.
    let year = olga.get("/systems/numbers?period=year").await;
    year.shows(
        StatusCode::OK,
        &["Missed", "Closings on time at least 95%</strong>: 85.7% this year — 9.3 points short"],
    );
}
