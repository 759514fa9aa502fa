//! What operators and integrators rely on: the OpenAPI document, health and metrics.

use crate::helpers::{App, send};
use reqwest::{Method, StatusCode};
use serde_json::Value;

#[tokio::test]
async fn the_openapi_document_lists_every_endpoint_with_bearer_security() {
    let app = App::spawn().await;
    let response = app.client.get(format!("{}/api/openapi.json", app.base)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let doc: Value = response.json().await.expect("valid JSON");
    assert!(doc["openapi"].as_str().unwrap_or_default().starts_with("3.1"), "{}", doc["openapi"]);
    let paths = doc["paths"].as_object().expect("paths");
    for path in [
        "/api/v1/people",
        "/api/v1/people/{id}",
        "/api/v1/roles/{id}",
        "/api/v1/systems",
        "/api/v1/processes/{id}/occurrences",
        "/api/v1/processes/{id}/runs",
        "/api/v1/cadence/preview",
        "/api/v1/runs/{id}",
        "/api/v1/me/tasks",
        "/api/v1/tasks/{id}",
        "/api/v1/tasks/{id}/history",
        "/api/v1/tasks/{id}/submissions",
        "/api/v1/inbox",
        "/api/v1/tasks/{id}/return",
        "/api/v1/events/{name}",
        "/api/v1/me/notices",
        "/api/v1/me/notices/read",
        "/api/v1/me/preferences",
        "/api/v1/people/{id}/preferences",
        "/api/v1/settings/notifications",
        "/api/v1/endpoints",
        "/api/v1/endpoints/{id}",
        "/api/v1/deliveries",
        "/api/v1/deliveries/{id}/retry",
        "/api/v1/me/calendar",
        "/api/v1/calendar/{file}",
    ] {
        assert!(paths.contains_key(path), "{path} is documented");
    }
    let submit = &paths["/api/v1/tasks/{id}/submissions"]["post"];
    assert!(submit["requestBody"]["content"]["multipart/form-data"].is_object());
    assert!(submit["responses"]["default"]["content"]["application/problem+json"].is_object());
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    assert!(doc["security"][0]["bearer"].is_array());
    let feed = &paths["/api/v1/calendar/{file}"]["get"];
    assert_eq!(feed["security"], serde_json::json!([{}]), "a feed's secret address is its credential");
    let start = paths["/api/v1/processes/{id}/runs"]["post"]["parameters"].as_array().unwrap();
    assert!(start.iter().any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header"), "{start:?}");
    let mut operation_ids = Vec::new();
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            operation_ids.push(operation["operationId"].as_str().unwrap_or_default().to_string());
            for (status, response) in operation["responses"].as_object().unwrap() {
                let described = response["description"].as_str().is_some_and(|d| !d.is_empty());
                assert!(described, "{method} {path} {status} has a description");
            }
        }
    }
    let count = operation_ids.len();
    operation_ids.sort();
    operation_ids.dedup();
    assert_eq!(operation_ids.len(), count, "operation ids are unique: {operation_ids:?}");
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    for target in refs {
        let name = target.trim_start_matches("#/components/schemas/");
        assert!(doc["components"]["schemas"][name].is_object(), "{target} is defined");
    }
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                out.push(target.clone());
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    let app = App::spawn().await;
    let health = app.client.get(format!("{}/healthz", app.base)).send().await.unwrap();
    assert_eq!((health.status(), health.text().await.unwrap()), (StatusCode::OK, "ok".to_string()));
    let ready = app.client.get(format!("{}/readyz", app.base)).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);

    app.get("/api/v1/people", &app.olga).await;
    send(app.request(Method::GET, "/api/v1/people", None)).await;
    let metrics = app.client.get(format!("{}/metrics", app.base)).send().await.unwrap().text().await.unwrap();
    assert!(
        metrics.contains(r#"proofline_http_requests_total{method="GET",route="/api/v1/people",status="200"} 1"#),
        "{metrics}"
    );
    assert!(metrics.contains(r#"route="/api/v1/people",status="401"} 1"#), "{metrics}");
    assert!(metrics.contains("proofline_build_info{version="), "{metrics}");
}
