//! Patterns and numbers in the browser: the Friday habit on Needs you with its small
//! chart, its own page with the runs that show it, acknowledged with a note; the
//! process's numbers with their charts, table and CSV. Members see none of it.

use super::signed_in;
use crate::helpers::App;
use crate::patterns::{closing_count, eight_weeks};
use reqwest::StatusCode;

#[tokio::test]
async fn the_owner_reads_the_friday_habit_and_acknowledges_it() {
    let app = App::spawn().await;
    closing_count(&app).await;
    eight_weeks(&app).await;
    app.t.engine.detect_once(app.t.engine.now()).await.expect("detection runs");

    let olga = signed_in(&app, &app.olga).await;
    let inbox = olga.get("/inbox").await;
    inbox.shows(StatusCode::OK, &["Patterns", "Misses on one weekday", "Closing count, step 1 'Count the till'"]);
    inbox.shows(StatusCode::OK, &["Fridays", "class=\"sparkline\"", "role=\"img\"", "value=\"acknowledge\""]);
    let text = inbox.text();
    let id: i64 = text
        .split("href=\"/patterns/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .and_then(|id| id.parse().ok())
        .expect("a link to the pattern");

    let page = olga.get(&format!("/patterns/{id}")).await;
    page.shows(StatusCode::OK, &["Evidence", "href=\"/runs/", "chance of this by luck alone: ", "Acknowledge"]);
    // Each run that shows it is dated by its own schedule: the Fridays, at 21:00.
    page.shows(StatusCode::OK, &["Fri 27 Feb, 21:00", "Fri 20 Feb, 21:00"]);

    let csrf = inbox.csrf();
    let path = format!("/patterns/{id}/decide");
    let bare =
        olga.post(&path, &[("_csrf", &csrf), ("action", "acknowledge"), ("note", " "), ("back", "/inbox")]).await;
    bare.shows(StatusCode::UNPROCESSABLE_ENTITY, &["say what is being done about it"]);
    let note = "Cara closes on Fridays from now on";
    let done =
        olga.post(&path, &[("_csrf", &csrf), ("action", "acknowledge"), ("note", note), ("back", "/inbox")]).await;
    assert_eq!(done.redirect(), "/inbox?ok=acknowledged");
    let after = olga.get("/inbox?ok=acknowledged").await;
    after.shows(StatusCode::OK, &["Acknowledged. It stays out of Needs you"]);
    after.lacks(&[&format!("href=\"/patterns/{id}\"")]);
    olga.get("/patterns?state=acknowledged").await.shows(StatusCode::OK, &["Olga, ", note]);

    let dan = signed_in(&app, &app.dan).await;
    assert_eq!(dan.get("/patterns").await.status, StatusCode::FORBIDDEN);
    assert_eq!(dan.get(&format!("/patterns/{id}")).await.status, StatusCode::FORBIDDEN);
    let refused = dan.post(&path, &[("_csrf", &dan.csrf("/work").await), ("action", "resolve"), ("note", "no")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_process_shows_its_numbers_as_charts_a_table_and_csv() {
    let app = App::spawn().await;
    let process = closing_count(&app).await;
    eight_weeks(&app).await;
    let olga = signed_in(&app, &app.olga).await;
    olga.get(&format!("/processes/{process}")).await.shows(StatusCode::OK, &[&format!("/processes/{process}/numbers")]);

    let page = olga.get(&format!("/processes/{process}/numbers")).await;
    page.shows(StatusCode::OK, &["Numbers: Closing count", "On time", "Step 1: Float", "When misses happen"]);
    page.shows(StatusCode::OK, &["<th scope=\"row\">23 Feb</th>", "86%", "Fri 21:00–22:00: 8 misses"]);
    page.shows(StatusCode::OK, &["<td>10 min</td><td>31 min</td>"]);
    page.lacks(&["style="]);
    olga.get(&format!("/processes/{process}/numbers?period=month")).await.shows(StatusCode::OK, &["Feb 2026"]);
    olga.get(&format!("/processes/{process}/numbers?period=decade")).await.shows(StatusCode::BAD_REQUEST, &["weeks"]);

    let csv = olga.get(&format!("/processes/{process}/numbers.csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert!(csv.text().starts_with("period,starts_at,ends_at,runs_due"), "{}", csv.text());

    olga.get("/systems/numbers").await.shows(StatusCode::OK, &["Systems: numbers", "By year", "/systems/numbers.csv"]);
    let csv = olga.get("/systems/numbers.csv?period=year").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.text().starts_with("system,period,starts_at"), "{}", csv.text());
    let dan = signed_in(&app, &app.dan).await;
    assert_eq!(dan.get(&format!("/processes/{process}/numbers")).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn people_numbers_show_who_lets_work_pass_and_who_picks_it_up() {
    let app = App::spawn().await;
    closing_count(&app).await;
    eight_weeks(&app).await;
    let olga = signed_in(&app, &app.olga).await;
    olga.get("/people").await.shows(StatusCode::OK, &["href=\"/people/numbers\""]);

    // The last four weeks: Dan counted 21 finished evenings and let three Fridays pass,
    // which the chain handed to Olga.
    let page = olga.get("/people/numbers").await;
    page.shows(StatusCode::OK, &["People: numbers", "Last 13 weeks", "/people/numbers.csv?weeks=4"]);
    page.shows(StatusCode::OK, &["<th scope=\"row\">Dan</th><td>21</td><td>18</td><td>3</td>", "86%"]);
    page.shows(
        StatusCode::OK,
        &["<th scope=\"row\">Olga</th><td>0</td><td>0</td><td>0</td><td>–</td><td>3</td><td>0</td>"],
    );
    page.lacks(&["style="]);
    let longer = olga.get("/people/numbers?weeks=13").await;
    longer.shows(StatusCode::OK, &["<th scope=\"row\">Dan</th><td>56</td><td>48</td><td>8</td>"]);
    olga.get("/people/numbers?weeks=5").await.shows(StatusCode::BAD_REQUEST, &["4, 13 or 26 weeks"]);

    let csv = olga.get("/people/numbers.csv?weeks=13").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    let text = csv.text();
    assert!(text.starts_with("person_id,name,held,done_on_time,missed,on_time_rate,moved_to,moved_from"), "{text}");
    assert!(text.contains(&format!("{},Dan,56,48,8,", app.dan.id.0)), "{text}");

    let dan = signed_in(&app, &app.dan).await;
    assert_eq!(dan.get("/people/numbers").await.status, StatusCode::FORBIDDEN);
    dan.get("/people").await.lacks(&["href=\"/people/numbers\""]);
}
