//! Missed work climbing the chain until only the owner's inbox holds it.

use crate::helpers::{App, mins};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn work_nobody_did_ends_in_the_owners_inbox_with_who_had_it() {
    let app = App::spawn().await;
    app.opening_checklist().await;
    app.advance(mins(1)).await; // 07:00 Berlin: Dan's fridge reading opens
    let task = app.fridge_task().await;

    app.advance(mins(60)).await; // Dan missed it: a shift lead (Cara, by rotation)
    let cara = app.get("/api/v1/me/tasks", &app.cara).await;
    assert_eq!(cara.body[0]["id"], task["id"]);
    assert_eq!(cara.body[0]["level"], 1);
    assert_eq!(app.get("/api/v1/me/tasks", &app.dan).await.body, json!([]), "it left Dan's list");
    assert_eq!(app.get("/api/v1/inbox", &app.olga).await.body, json!([]), "nothing for the owner yet");

    app.advance(mins(30)).await; // Cara missed it: Dan's manager, Ben
    app.advance(mins(30)).await; // Ben missed it: the owner, Olga
    app.advance(mins(60)).await; // Olga missed it too: unresolved

    let inbox = app.get("/api/v1/inbox", &app.olga).await;
    assert_eq!(inbox.status, StatusCode::OK, "{inbox:?}");
    let items = inbox.body.as_array().unwrap();
    assert_eq!(items.len(), 1, "exactly the one task nobody did: {items:?}");
    assert_eq!((&items[0]["id"], items[0]["state"].as_str()), (&task["id"], Some("unresolved")));
    let holders: Vec<&str> = items[0]["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "escalated")
        .filter_map(|m| m["from"]["name"].as_str())
        .collect();
    assert_eq!(holders, ["Dan", "Cara", "Ben"], "who had it, in order");
    assert_eq!(app.get("/api/v1/inbox", &app.mia).await.body, json!([]), "only the owner's inbox");
}
