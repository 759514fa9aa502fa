//! The SOP scan in the browser: Mia uploads an SOP file, reads the score and what is
//! missing, and opens the draft in the editor; a file that is not text is refused.

use super::signed_in;
use crate::helpers::App;
use crate::scan::{SOP, pdf};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

#[tokio::test]
async fn an_uploaded_sop_is_scanned_and_opens_as_a_draft_in_the_editor() {
    let app = App::spawn().await;
    let mia = signed_in(&app, &app.mia).await;
    mia.get("/processes").await.shows(StatusCode::OK, &["href=\"/processes/scan\""]);
    let csrf = mia.csrf("/processes/scan").await;
    let file = Part::bytes(SOP.as_bytes().to_vec()).file_name("closing.md");
    let form = Form::new().text("_csrf", csrf.clone()).text("text", "").text("format", "auto").part("file", file);
    let result = mia.post_multipart("/processes/scan", form).await;
    result.shows(StatusCode::OK, &["Closing checklist: ", " out of 100", "Olga (line 3)", "BYDAY=MO,TU,WE,TH,FR"]);
    result.shows(StatusCode::OK, &["proof: photo", "Line 9: ", "leaves the doer to guess", "Open as a draft process"]);
    result.lacks(&["style="]);

    let saved = mia.post("/processes/scan/draft", &[("_csrf", &csrf), ("text", SOP), ("format", "markdown")]).await;
    let editor = saved.redirect();
    assert!(editor.starts_with("/processes/") && editor.ends_with("/edit"), "{editor}");
    mia.get(editor).await.shows(StatusCode::OK, &["Closing checklist", "Take a photo of the locked back door"]);

    for (name, said) in [("closing.docx", "not a readable Word document"), ("closing.md", "looks like binary data")] {
        let junk = Part::bytes(vec![0xff, 0xfe, 0x00, 0x01]).file_name(name);
        let form = Form::new().text("_csrf", csrf.clone()).text("format", "auto").part("file", junk);
        mia.post_multipart("/processes/scan", form).await.shows(StatusCode::UNPROCESSABLE_ENTITY, &[name, said]);
    }
    // A PDF's lines come back in the box, to correct and scan again as plain text.
    let printed = pdf(&["Till count", "", "Owner: Mia", "", "1. Count the till.", "2. Attach the Z report."]);
    let form = Form::new()
        .text("_csrf", csrf.clone())
        .text("format", "auto")
        .part("file", Part::bytes(printed).file_name("till"));
    let read = mia.post_multipart("/processes/scan", form).await;
    read.shows(StatusCode::OK, &["Till count: ", "1. Count the till.", "proof: file", "value=\"text\" selected"]);
    let empty = Form::new().text("_csrf", csrf).text("text", " ").text("format", "auto");
    mia.post_multipart("/processes/scan", empty)
        .await
        .shows(StatusCode::UNPROCESSABLE_ENTITY, &["There is no text to scan"]);

    let dan = signed_in(&app, &app.dan).await;
    assert_eq!(dan.get("/processes/scan").await.status, StatusCode::FORBIDDEN);
}
