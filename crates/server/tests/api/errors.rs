//! What a client sees when a request is wrong: always problem+json, never a panic.

use crate::helpers::{App, send};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn without_a_valid_token_nothing_is_answered() {
    let app = App::spawn().await;
    let reply = send(app.request(Method::GET, "/api/v1/people", None)).await;
    assert_eq!(reply.problem(StatusCode::UNAUTHORIZED)["type"], "urn:proofline:problem:unauthorized");
    let forged = app.request(Method::GET, "/api/v1/people", None).bearer_auth("pl_not-a-real-token");
    send(forged).await.problem(StatusCode::UNAUTHORIZED);
    let basic = app.request(Method::GET, "/api/v1/people", None).basic_auth("olga", Some("secret"));
    send(basic).await.problem(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn another_organizations_things_are_simply_not_found() {
    let app = App::spawn().await;
    let process = app.opening_checklist().await;
    app.get(&format!("/api/v1/processes/{process}"), &app.eve).await.problem(StatusCode::NOT_FOUND);
    app.get(&format!("/api/v1/people/{}", app.dan.id.0), &app.eve).await.problem(StatusCode::NOT_FOUND);
    app.post(&format!("/api/v1/processes/{process}/runs"), &app.eve, json!({})).await.problem(StatusCode::NOT_FOUND);
    let listed = app.get("/api/v1/people", &app.eve).await;
    assert_eq!(listed.body.as_array().map(Vec::len), Some(1), "Eve sees only herself");
    let role = json!({"name": "Poached", "members": [app.dan.id.0]});
    let reply = app.post("/api/v1/roles", &app.eve, role).await;
    assert_eq!(reply.problem(StatusCode::UNPROCESSABLE_ENTITY)["errors"][0]["field"], "members[0]");
}

#[tokio::test]
async fn malformed_requests_get_problem_details_not_plain_text() {
    let app = App::spawn().await;
    let broken = app
        .request(Method::POST, "/api/v1/roles", Some(&app.olga))
        .header("content-type", "application/json")
        .body("{\"name\": \"Shift lead\",");
    send(broken).await.problem(StatusCode::BAD_REQUEST);

    let wrong_shape = app.post("/api/v1/roles", &app.olga, json!({"name": "Leads", "pick": "lottery"})).await;
    wrong_shape.problem(StatusCode::UNPROCESSABLE_ENTITY);
    let unknown_field = app.post("/api/v1/roles", &app.olga, json!({"name": "Leads", "colour": "red"})).await;
    unknown_field.problem(StatusCode::UNPROCESSABLE_ENTITY);

    app.get("/api/v1/people/not-a-number", &app.olga).await.problem(StatusCode::BAD_REQUEST);
    app.get("/api/v1/people/99999999999999999999", &app.olga).await.problem(StatusCode::BAD_REQUEST);
    app.get("/api/v1/people?role=lead", &app.olga).await.problem(StatusCode::BAD_REQUEST);
    app.get("/api/v1/nothing-here", &app.olga).await.problem(StatusCode::NOT_FOUND);
    send(app.request(Method::DELETE, "/api/v1/people", Some(&app.olga))).await.problem(StatusCode::METHOD_NOT_ALLOWED);

    let huge = json!({"name": "x".repeat(2 * 1024 * 1024)});
    app.post("/api/v1/roles", &app.olga, huge).await.problem(StatusCode::PAYLOAD_TOO_LARGE);
}
