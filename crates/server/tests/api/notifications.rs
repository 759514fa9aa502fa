//! What people and connected systems hear, through the API: the in-app list, preferences
//! and settings, endpoints with their secrets, the delivery log, and event starts that a
//! retrying system cannot double.

use crate::helpers::{App, mins, send};
use proofline_engine::{Clock, SendError};
use proofline_testkit::Trouble;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn a_person_reads_what_they_were_told_newest_first_and_marks_it_read() {
    let app = App::spawn().await;
    app.opening_checklist().await;
    app.advance(mins(1)).await; // 07:00 Berlin: Dan's fridge reading opens
    let task = app.fridge_task().await;

    let list = app.get("/api/v1/me/notices", &app.dan).await;
    assert_eq!(list.status, StatusCode::OK, "{list:?}");
    let kinds: Vec<&str> = list.body["items"].as_array().unwrap().iter().filter_map(|n| n["type"].as_str()).collect();
    assert_eq!(kinds, ["digest.daily", "task.opened"], "07:00 is also the digest hour; newest first");
    assert_eq!(list.body["unread"], 2);
    let notice = &list.body["items"][1];
    assert_eq!(notice["task"], task["id"]);
    assert!(notice["title"].as_str().unwrap().contains("Fridge temperature"), "{notice}");
    assert!(notice["url"].as_str().unwrap().ends_with(&format!("/tasks/{}", task["id"])), "{notice}");
    assert!(notice["read_at"].is_null());
    assert_eq!(app.get("/api/v1/me/notices", &app.eve).await.body["items"], json!([]), "not another org's");

    app.advance(mins(60)).await; // Dan missed it: it moves to Cara, who hears who missed it
    let cara = app.get("/api/v1/me/notices", &app.cara).await;
    assert_eq!(cara.body["items"][0]["type"], "task.moved", "{cara:?}");
    app.advance(mins(30)).await; // Cara missed it too: it moves on to Ben
    let cara = app.get("/api/v1/me/notices", &app.cara).await;
    let title = cara.body["items"][0]["title"].as_str().unwrap();
    assert!(title.contains("08:30"), "the notice keeps the deadline it gave Cara, not Ben's: {title}");

    let marked = app.post("/api/v1/me/notices/read", &app.dan, json!({})).await;
    assert_eq!((marked.status, &marked.body), (StatusCode::OK, &json!({"marked": 2, "unread": 0})));
    let after = app.get("/api/v1/me/notices?unread=true", &app.dan).await;
    assert_eq!(after.body["items"], json!([]));
    let all = app.get("/api/v1/me/notices", &app.dan).await;
    assert!(all.body["items"][0]["read_at"].is_string(), "read ones stay listed: {all:?}");

    // Marking someone else's notice changes nothing.
    let foreign = cara.body["items"][0]["id"].clone();
    let attempt = app.post("/api/v1/me/notices/read", &app.dan, json!({"ids": [foreign]})).await;
    assert_eq!(attempt.body["marked"], 0);
    assert_eq!(app.get("/api/v1/me/notices", &app.cara).await.body["unread"], 1);
    app.get("/api/v1/me/notices?limit=0", &app.dan).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
    app.get("/api/v1/me/notices?colour=red", &app.dan).await.problem(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_list_pages_backwards_from_the_newest() {
    let app = App::spawn().await;
    app.opening_checklist().await;
    app.advance(mins(1)).await;
    app.advance(mins(60)).await; // to Cara
    app.advance(mins(30)).await; // to Ben, Dan's manager
    app.advance(mins(30)).await; // to Olga, the owner
    app.advance(mins(60)).await; // unresolved: Olga is told it is hers to settle
    let first = app.get("/api/v1/me/notices?limit=1", &app.olga).await;
    assert_eq!(first.body["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(first.body["items"][0]["type"], "task.unresolved", "{first:?}");
    let before = first.body["next_before"].as_i64().expect("another page");
    let second = app.get(&format!("/api/v1/me/notices?limit=1&before={before}"), &app.olga).await;
    assert_eq!(second.body["items"][0]["type"], "task.moved", "{second:?}");
    assert!(second.body["items"][0]["id"].as_i64() < Some(before));
}

#[tokio::test]
async fn preferences_and_settings_round_trip_and_bad_ones_are_explained() {
    let app = App::spawn().await;
    let mine = app.get("/api/v1/me/preferences", &app.dan).await;
    assert_eq!(mine.body, json!({"email": "instant"}), "everything by email, at once, by default");

    let wanted = json!({"email": "digest", "muted": ["task.opened"], "quiet_hours": {"from": "22:00", "to": "07:00"},
                        "zone": "America/New_York"});
    let saved = app.put("/api/v1/me/preferences", &app.dan, wanted).await;
    assert_eq!(saved.status, StatusCode::OK, "{saved:?}");
    assert_eq!(saved.body["email"], "digest");
    assert_eq!(saved.body["muted"], json!(["task.opened"]));
    assert_eq!(saved.body["zone"], "America/New_York");
    assert_eq!(app.get("/api/v1/me/preferences", &app.dan).await.body, saved.body);

    let bad_zone = app.put("/api/v1/me/preferences", &app.dan, json!({"zone": "Mars/Olympus"})).await;
    assert_eq!(bad_zone.problem(StatusCode::UNPROCESSABLE_ENTITY)["errors"][0]["field"], "zone");
    let bad_kind = app.put("/api/v1/me/preferences", &app.dan, json!({"muted": ["task.exploded"]})).await;
    bad_kind.problem(StatusCode::UNPROCESSABLE_ENTITY);
    let bad_time =
        app.put("/api/v1/me/preferences", &app.dan, json!({"quiet_hours": {"from": "25:00", "to": "07:00"}})).await;
    bad_time.problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.get("/api/v1/me/preferences", &app.dan).await.body, saved.body, "refused input changed nothing");

    // A manager may set someone's preferences; a member may not, and another org's person is not found.
    let by_manager =
        app.put(&format!("/api/v1/people/{}/preferences", app.dan.id.0), &app.mia, json!({"email": "off"})).await;
    assert_eq!(by_manager.body["email"], "off", "{by_manager:?}");
    app.put(&format!("/api/v1/people/{}/preferences", app.ben.id.0), &app.dan, json!({}))
        .await
        .problem(StatusCode::FORBIDDEN);
    app.get(&format!("/api/v1/people/{}/preferences", app.dan.id.0), &app.eve).await.problem(StatusCode::NOT_FOUND);
    app.put(&format!("/api/v1/people/{}/preferences", app.eve.id.0), &app.mia, json!({}))
        .await
        .problem(StatusCode::NOT_FOUND);

    let settings = app.get("/api/v1/settings/notifications", &app.dan).await;
    assert_eq!(settings.body["due_soon"], "30m", "{settings:?}");
    assert_eq!(settings.body["weekly_digest_on"], "monday");
    let change = json!({"due_soon": "1h", "daily_digest_at": "06:30", "weekly_digest_on": "friday", "weekly_digest_at": "16:00"});
    app.put("/api/v1/settings/notifications", &app.dan, change.clone()).await.problem(StatusCode::FORBIDDEN);
    let changed = app.put("/api/v1/settings/notifications", &app.mia, change).await;
    assert_eq!(
        (changed.body["due_soon"].as_str(), changed.body["weekly_digest_on"].as_str()),
        (Some("1h"), Some("friday"))
    );
    let too_early = app.put("/api/v1/settings/notifications", &app.mia, json!({"due_soon": "8d"})).await;
    assert_eq!(too_early.problem(StatusCode::UNPROCESSABLE_ENTITY)["errors"][0]["field"], "due_soon");
    let not_a_day = app.put("/api/v1/settings/notifications", &app.mia, json!({"weekly_digest_on": "someday"})).await;
    not_a_day.problem(StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_webhook_secret_is_shown_once_and_rotating_it_issues_a_new_one() {
    let app = App::spawn().await;
    let body = json!({"channel": "webhook", "name": "Ops board", "url": "https://ops.example.com/hooks/proofline",
                      "events": ["task.unresolved", "task.moved"]});
    let created = app.post("/api/v1/endpoints", &app.mia, body.clone()).await;
    assert_eq!(created.status, StatusCode::CREATED, "{created:?}");
    let secret = created.body["secret"].as_str().expect("the secret, once").to_string();
    assert!(secret.starts_with("whsec_") && secret.len() > 30, "{secret}");
    assert_eq!(created.body["events"], json!(["task.moved", "task.unresolved"]));
    let id = created.body["id"].as_i64().unwrap();

    let listed = app.get("/api/v1/endpoints", &app.mia).await;
    assert_eq!(listed.body.as_array().map(Vec::len), Some(1));
    assert!(listed.body[0].get("secret").is_none(), "never listed: {listed:?}");
    let path = format!("/api/v1/endpoints/{id}");
    assert!(app.get(&path, &app.mia).await.body.get("secret").is_none());

    let paused = app.put(&path, &app.mia, json!({"channel": "webhook", "name": "Ops board", "url": "https://ops.example.com/hooks/proofline", "active": false})).await;
    assert_eq!((paused.body["active"].as_bool(), paused.body["secret"].is_null()), (Some(false), true), "{paused:?}");
    let rotated = app
        .put(&path, &app.mia, json!({"channel": "webhook", "name": "Ops board", "url": "https://ops.example.com/hooks/proofline", "rotate_secret": true}))
        .await;
    let fresh = rotated.body["secret"].as_str().expect("the new secret");
    assert!(fresh.starts_with("whsec_") && fresh != secret);

    let slack = json!({"channel": "slack", "name": "#floor", "url": "https://hooks.slack.com/services/T0/B0/x"});
    let chat = app.post("/api/v1/endpoints", &app.olga, slack).await;
    assert_eq!((chat.status, chat.body["secret"].is_null()), (StatusCode::CREATED, true), "chat hooks are not signed");

    app.post("/api/v1/endpoints", &app.dan, body.clone()).await.problem(StatusCode::FORBIDDEN);
    app.get(&path, &app.eve).await.problem(StatusCode::NOT_FOUND);
    let not_http =
        app.post("/api/v1/endpoints", &app.mia, json!({"channel": "webhook", "name": "x", "url": "ftp://x"})).await;
    assert_eq!(not_http.problem(StatusCode::UNPROCESSABLE_ENTITY)["errors"][0]["field"], "url");
    let email =
        app.post("/api/v1/endpoints", &app.mia, json!({"channel": "email", "name": "x", "url": "https://x"})).await;
    assert_eq!(email.problem(StatusCode::UNPROCESSABLE_ENTITY)["errors"][0]["field"], "channel");
    let digest = json!({"channel": "webhook", "name": "x", "url": "https://x", "events": ["digest.daily"]});
    let refused = app.post("/api/v1/endpoints", &app.mia, digest).await;
    assert_eq!(refused.problem(StatusCode::UNPROCESSABLE_ENTITY)["errors"][0]["field"], "events");

    let deleted = send(app.request(Method::DELETE, &path, Some(&app.mia))).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    app.get(&path, &app.mia).await.problem(StatusCode::NOT_FOUND);
}

async fn deliveries(app: &App, query: &str) -> Vec<Value> {
    let reply = app.get(&format!("/api/v1/deliveries{query}"), &app.mia).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    reply.body.as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_delivery_that_failed_for_good_is_shown_to_managers_and_can_be_sent_again() {
    let app = App::spawn().await;
    app.opening_checklist().await;
    let bounce = Trouble::Fail(SendError::Permanent("550 5.1.1 mailbox unavailable".into()));
    app.t.notifier.trouble("dan@cafe.test", bounce, 1);
    app.advance(mins(1)).await;
    let now = app.t.clock.now();
    let pass = app.t.engine.deliver_once(now).await.unwrap();
    assert_eq!(pass.failed, 1, "{pass:?}");

    let failed = deliveries(&app, "?state=failed").await;
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!((failed[0]["channel"].as_str(), failed[0]["address"].as_str()), (Some("email"), Some("dan@cafe.test")));
    assert_eq!(failed[0]["last_error"], "550 5.1.1 mailbox unavailable");
    assert_eq!(failed[0]["type"], "task.opened");
    let owner = app.get("/api/v1/me/notices", &app.olga).await;
    assert_eq!(owner.body["items"][0]["type"], "delivery.failed", "the owner is told in-app: {owner:?}");

    let id = failed[0]["id"].as_i64().unwrap();
    app.post(&format!("/api/v1/deliveries/{id}/retry"), &app.dan, json!({})).await.problem(StatusCode::FORBIDDEN);
    app.post(&format!("/api/v1/deliveries/{id}/retry"), &app.eve, json!({})).await.problem(StatusCode::NOT_FOUND);
    let retried = app.post(&format!("/api/v1/deliveries/{id}/retry"), &app.mia, json!({})).await;
    assert_eq!((retried.status, retried.body["state"].as_str()), (StatusCode::OK, Some("pending")), "{retried:?}");
    assert_eq!(retried.body["attempts"], 0);
    app.post(&format!("/api/v1/deliveries/{id}/retry"), &app.mia, json!({})).await.problem(StatusCode::CONFLICT);

    assert_eq!(app.t.engine.deliver_once(now).await.unwrap().sent, 1);
    let sent = app.t.notifier.sent_to("dan@cafe.test");
    let opened: Vec<_> = sent.iter().filter(|s| s.message["type"] == "task.opened").collect();
    assert_eq!(opened.len(), 1, "sent once the mailbox works: {sent:?}");
    assert!(deliveries(&app, "?state=failed").await.is_empty());
    let metrics = app.client.get(format!("{}/metrics", app.base)).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains(r#"proofline_delivery_attempts_total{channel="email",result="failed"} 1"#), "{metrics}");
    assert!(metrics.contains(r#"proofline_delivery_attempts_total{channel="webhook",result="sent"} 0"#), "{metrics}");
    app.get("/api/v1/deliveries?state=lost", &app.mia).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
    app.get("/api/v1/deliveries", &app.dan).await.problem(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_manager_sends_work_back_and_the_holder_hears_why() {
    let app = App::spawn().await;
    app.opening_checklist().await;
    app.advance(mins(1)).await;
    let task = app.fridge_task().await;
    let path = format!("/api/v1/tasks/{}", task["id"]);
    let form = reqwest::multipart::Form::new()
        .text("number", "3.5")
        .part("photo", reqwest::multipart::Part::bytes(crate::helpers::png()).file_name("fridge.png"));
    let submitted =
        send(app.request(Method::POST, &format!("{path}/submissions"), Some(&app.dan)).multipart(form)).await;
    assert_eq!(submitted.status, StatusCode::CREATED, "{submitted:?}");

    let reason = json!({"reason": "The photo does not show the thermometer."});
    app.post(&format!("{path}/return"), &app.dan, reason.clone()).await.problem(StatusCode::FORBIDDEN);
    app.post(&format!("{path}/return"), &app.mia, json!({"reason": "  "}))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
    let returned = app.post(&format!("{path}/return"), &app.mia, reason.clone()).await;
    assert_eq!((returned.status, returned.body["state"].as_str()), (StatusCode::OK, Some("open")), "{returned:?}");
    assert_eq!(returned.body["holder"], app.dan.id.0);
    app.post(&format!("{path}/return"), &app.mia, reason).await.problem(StatusCode::CONFLICT);

    app.advance(mins(1)).await;
    let dan = app.get("/api/v1/me/notices?unread=true", &app.dan).await;
    assert_eq!(dan.body["items"][0]["type"], "task.returned", "{dan:?}");
    let sent = app.t.notifier.sent_to("dan@cafe.test");
    assert!(sent.is_empty(), "not yet delivered: delivery is its own loop");
    app.t.engine.deliver_once(app.t.clock.now()).await.unwrap();
    let returned_mail =
        app.t.notifier.sent_to("dan@cafe.test").into_iter().find(|s| s.message["type"] == "task.returned");
    let mail = returned_mail.expect("Dan is emailed");
    assert_eq!(mail.message["reason"], "The photo does not show the thermometer.");
    assert_eq!(mail.message["by"]["name"], "Mia");
}

#[tokio::test]
async fn a_system_that_retries_an_event_call_starts_one_run_not_two() {
    let app = App::spawn().await;
    let definition = json!({
        "name": "Delivery check", "owner": app.olga.id.0, "cadence": {"kind": "event", "name": "delivery"},
        "steps": [{"title": "Count the crates", "assignee": {"person": app.dan.id.0}, "due_after": "30m", "proof": [{"kind": "photo"}]}],
        "escalation": [{"to": "owner", "window": "1h"}]
    });
    let created = app
        .post("/api/v1/processes", &app.olga, json!({"key": "delivery", "status": "active", "definition": definition}))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{created:?}");

    let call = |key: Option<&str>| {
        let request = app.request(Method::POST, "/api/v1/events/delivery", Some(&app.ben));
        match key {
            Some(key) => request.header("Idempotency-Key", key),
            None => request,
        }
    };
    let first = send(call(Some("truck-2026-01-05-1"))).await;
    assert_eq!(first.status, StatusCode::CREATED, "{first:?}");
    let run = first.body[0]["id"].clone();
    app.advance(mins(1)).await;
    let again = send(call(Some("truck-2026-01-05-1"))).await;
    assert_eq!((again.status, &again.body[0]["id"]), (StatusCode::OK, &run), "the retry answers with the same run");
    let tasks = app.get("/api/v1/me/tasks", &app.dan).await;
    assert_eq!(tasks.body.as_array().map(Vec::len), Some(1), "one task, not two: {tasks:?}");

    let other = send(call(Some("truck-2026-01-05-2"))).await;
    assert_eq!(other.status, StatusCode::CREATED);
    assert_ne!(other.body[0]["id"], run, "a new key is a new delivery");

    send(call(None)).await.status.is_success().then_some(()).expect("a call without a key starts a run");
    send(call(Some(&"k".repeat(300)))).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
    send(app.request(Method::POST, "/api/v1/events/fire-drill", Some(&app.ben)))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
    send(app.request(Method::POST, "/api/v1/events/delivery", Some(&app.ali))).await.problem(StatusCode::FORBIDDEN);
    send(app.request(Method::POST, "/api/v1/events/delivery", Some(&app.eve)))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
}
