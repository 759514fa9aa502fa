//! The SOP scan over the API: a pasted SOP read into a draft with its gaps named, saved
//! as a draft process on request; bad input refused plainly; members may not scan.

use crate::helpers::App;
use reqwest::StatusCode;
use serde_json::json;

pub const SOP: &str = "# Closing checklist

Owner: Olga

Every weekday at 9pm:

1. Record the fridge temperature (must be below 5 °C).
2. Take a photo of the locked back door.
3. Make sure everything is fine.
";

#[tokio::test]
async fn a_pasted_sop_comes_back_as_a_draft_and_can_be_saved_for_the_editor() {
    let app = App::spawn().await;
    let reply = app.post("/api/v1/scan", &app.olga, json!({"text": SOP})).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    let scan = &reply.body["scan"];
    assert_eq!(scan["draft"]["title"], "Closing checklist");
    assert_eq!(scan["draft"]["owner"]["text"], "Olga");
    assert_eq!(scan["draft"]["steps"].as_array().unwrap().len(), 3);
    assert_eq!(scan["draft"]["steps"][1]["proofs"][0]["kind"], "photo");
    let kinds: Vec<&str> = scan["findings"].as_array().unwrap().iter().filter_map(|f| f["kind"].as_str()).collect();
    assert!(kinds.contains(&"vague_step") && kinds.contains(&"no_escalation"), "{kinds:?}");
    assert!(reply.body.get("process").is_none(), "nothing is saved unless asked");

    let saved = app.post("/api/v1/scan", &app.olga, json!({"text": SOP, "save_draft": true})).await;
    assert_eq!(saved.status, StatusCode::CREATED, "{saved:?}");
    assert_eq!(saved.body["process"]["key"], "closing-checklist");
    assert_eq!(saved.body["process"]["status"], "draft");
    let id = saved.body["process"]["id"].as_i64().unwrap();
    let process = app.get(&format!("/api/v1/processes/{id}"), &app.olga).await;
    assert_eq!(process.body["definition"]["owner"], app.olga.id.0, "the owner the SOP names, found among the people");
    assert_eq!(process.body["definition"]["steps"][0]["proof"][0]["kind"], "number");
    assert_eq!(process.body["definition"]["steps"][0]["proof"][0]["max"], 5.0);
    let again = app.post("/api/v1/scan", &app.olga, json!({"text": SOP, "save_draft": true})).await;
    assert_eq!(again.body["process"]["key"], "closing-checklist-2", "a second draft gets a key of its own");
}

#[tokio::test]
async fn bad_input_is_refused_with_the_field_named() {
    let app = App::spawn().await;
    let empty = app.post("/api/v1/scan", &app.olga, json!({"text": "  "})).await;
    assert_eq!(empty.problem(StatusCode::UNPROCESSABLE_ENTITY)["errors"][0]["field"], "text");
    let junk: String = (0..500u32).map(|i| char::from_u32(i % 31 + 1).unwrap()).collect();
    let binary = app.post("/api/v1/scan", &app.olga, json!({"text": junk})).await;
    assert!(
        binary.problem(StatusCode::UNPROCESSABLE_ENTITY)["errors"][0]["message"].as_str().unwrap().contains("binary")
    );
    let format = app.post("/api/v1/scan", &app.olga, json!({"text": SOP, "format": "docx"})).await;
    assert_eq!(format.problem(StatusCode::UNPROCESSABLE_ENTITY)["errors"][0]["field"], "format");
    let unknown = app.post("/api/v1/scan", &app.olga, json!({"text": SOP, "colour": "red"})).await;
    assert!(unknown.status.is_client_error());
    app.post("/api/v1/scan", &app.dan, json!({"text": SOP})).await.problem(StatusCode::FORBIDDEN);
}
