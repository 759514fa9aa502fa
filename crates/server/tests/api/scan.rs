//! The SOP scan over the API: a pasted SOP read into a draft with its gaps named, saved
//! as a draft process on request; bad input refused plainly; members may not scan.

use crate::helpers::{App, send};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
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

/// A one-page PDF as simple producers write it: Helvetica, one line per `Td`.
pub fn pdf(lines: &[&str]) -> Vec<u8> {
    let mut content = String::from("BT /F1 11 Tf 72 760 Td 14 TL\n");
    for line in lines {
        content.push_str(&format!("({}) ' \n", line.replace('(', "\\(").replace(')', "\\)")));
    }
    content.push_str("ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
    ];
    let mut file = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(file.len());
        file.extend(format!("{} 0 obj\n{object}\nendobj\n", i + 1).bytes());
    }
    let xref = file.len();
    file.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for offset in offsets {
        file.extend(format!("{offset:010} 00000 n \n").bytes());
    }
    file.extend(format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).bytes());
    file
}

#[tokio::test]
async fn an_sop_file_is_sent_as_a_form_and_its_format_is_told_from_its_bytes() {
    let app = App::spawn().await;
    let file = pdf(&[
        "Cooler check",
        "",
        "Owner: Olga",
        "",
        "Every Monday at 8am:",
        "",
        "1. Record the cooler temperature (must be below 5 \\260C).",
        "2. Take a photo of the cooler seal.",
    ]);
    let upload = |bytes: Vec<u8>, name: &'static str| Form::new().part("file", Part::bytes(bytes).file_name(name));
    let reply =
        send(app.request(Method::POST, "/api/v1/scan", Some(&app.olga)).multipart(upload(file.clone(), "sop"))).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    assert_eq!(reply.body["scan"]["format"], "pdf");
    assert_eq!(reply.body["scan"]["draft"]["title"], "Cooler check");
    let steps = reply.body["scan"]["draft"]["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 2, "{steps:?}");
    assert_eq!(steps[0]["proofs"][0]["kind"], "number");
    assert_eq!(steps[1]["proofs"][0]["kind"], "photo");

    let form = upload(file, "cooler.pdf").text("save_draft", "true");
    let saved = send(app.request(Method::POST, "/api/v1/scan", Some(&app.olga)).multipart(form)).await;
    assert_eq!(saved.status, StatusCode::CREATED, "{saved:?}");
    assert_eq!(saved.body["process"]["status"], "draft");

    let markdown = upload(SOP.as_bytes().to_vec(), "closing.md");
    let as_text = send(app.request(Method::POST, "/api/v1/scan", Some(&app.olga)).multipart(markdown)).await;
    assert_eq!(as_text.body["scan"]["format"], "markdown", "{as_text:?}");

    let broken = upload(b"%PDF-1.7 and then nothing".to_vec(), "broken.pdf");
    let refused = send(app.request(Method::POST, "/api/v1/scan", Some(&app.olga)).multipart(broken)).await;
    let problem = refused.problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "file");
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("PDF"), "{problem}");
    let no_file = Form::new().text("format", "pdf");
    let missing = send(app.request(Method::POST, "/api/v1/scan", Some(&app.olga)).multipart(no_file)).await;
    assert_eq!(missing.problem(StatusCode::UNPROCESSABLE_ENTITY)["errors"][0]["field"], "file");
    let bad_format = upload(SOP.as_bytes().to_vec(), "closing.md").text("format", "rtf");
    let bad = send(app.request(Method::POST, "/api/v1/scan", Some(&app.olga)).multipart(bad_format)).await;
    assert_eq!(bad.problem(StatusCode::UNPROCESSABLE_ENTITY)["errors"][0]["field"], "format");
    let huge = upload(vec![b'a'; 21 << 20], "huge.pdf");
    let too_big = send(app.request(Method::POST, "/api/v1/scan", Some(&app.olga)).multipart(huge)).await;
    too_big.problem(StatusCode::PAYLOAD_TOO_LARGE);
    let plain = send(app.request(Method::POST, "/api/v1/scan", Some(&app.olga)).body("text")).await;
    plain.problem(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let member =
        send(app.request(Method::POST, "/api/v1/scan", Some(&app.dan)).multipart(upload(SOP.into(), "x.md"))).await;
    member.problem(StatusCode::FORBIDDEN);
}
