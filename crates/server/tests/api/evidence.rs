//! The evidence export over HTTP: the API's zip for overseers with problem JSON for
//! members and bad dates, and the process page's form and download.

use crate::helpers::{App, mins, png, send};
use crate::web::signed_in;
use reqwest::{Method, StatusCode};
use std::io::Cursor;

#[tokio::test]
async fn overseers_download_the_evidence_zip_and_members_and_bad_dates_get_problems() {
    let app = App::spawn().await;
    let process = app.opening_checklist().await;
    app.advance(mins(1)).await;
    let fridge = app.fridge_task().await["id"].as_i64().unwrap();
    let photo = reqwest::multipart::Part::bytes(png()).file_name("f.png").mime_str("image/png").unwrap();
    let form = reqwest::multipart::Form::new().text("number", "3").part("photo", photo);
    let submitted =
        send(app.request(Method::POST, &format!("/api/v1/tasks/{fridge}/submissions"), Some(&app.dan)).multipart(form))
            .await;
    assert!(submitted.status.is_success(), "{submitted:?}");

    let path = format!("/api/v1/processes/{process}/evidence?from=2026-01-05&to=2026-01-05&pdf=1");
    let reply = app.request(Method::GET, &path, Some(&app.ali)).send().await.unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
    assert_eq!(reply.headers()["content-type"], "application/zip");
    assert_eq!(
        reply.headers()["content-disposition"],
        "attachment; filename=\"evidence-opening-2026-01-05-2026-01-05.zip\""
    );
    let bytes = reply.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().to_string()).collect();
    assert!(names.iter().any(|n| n.ends_with("/report.pdf")), "{names:?}");
    assert!(names.iter().any(|n| n.starts_with("evidence/") && n.ends_with(".png")), "{names:?}");
    let mut manifest = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("MANIFEST.json").unwrap(), &mut manifest).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    assert_eq!(
        (manifest["generated_by"]["name"].as_str(), manifest["generated_by"]["via"].as_str()),
        (Some("Ali"), Some("API"))
    );

    app.get(&path, &app.dan).await.problem(StatusCode::FORBIDDEN);
    let bad = format!("/api/v1/processes/{process}/evidence?from=soon&to=2026-01-05");
    app.get(&bad, &app.olga).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
    let reversed = format!("/api/v1/processes/{process}/evidence?from=2026-02-01&to=2026-01-05");
    app.get(&reversed, &app.olga).await.problem(StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_process_page_offers_the_export_to_overseers_only() {
    let app = App::spawn().await;
    let process = app.opening_checklist().await;
    let olga = signed_in(&app, &app.olga).await;
    olga.get(&format!("/processes/{process}")).await.shows(StatusCode::OK, &["Export evidence", "evidence.zip"]);
    let download = olga.get(&format!("/processes/{process}/evidence.zip?from=2026-01-01&to=2026-01-31&pdf=1")).await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.header("content-type"), "application/zip");
    assert!(download.bytes.starts_with(b"PK"));

    let dan = signed_in(&app, &app.dan).await;
    dan.get(&format!("/processes/{process}"))
        .await
        .shows(StatusCode::OK, &["Opening checklist"])
        .lacks(&["Export evidence"]);
    let refused = dan.get(&format!("/processes/{process}/evidence.zip?from=2026-01-01&to=2026-01-31")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}
