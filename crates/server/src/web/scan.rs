//! The SOP scan in the browser: paste an SOP or upload its file, read what the scan made
//! of it and what it lacks, and open the draft in the process editor.

use super::forms::WebForm;
use super::page::{Chrome, PageError, render, render_with_status};
use super::redirect;
use super::session::Viewer;
use crate::AppState;
use axum::extract::multipart::MultipartError;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use proofline_core::scan::cadence::GuessedCadence;
use proofline_core::scan::pdf::MAX_PDF_BYTES;
use proofline_core::scan::{Format, Scan, readable_text, scan};
use proofline_engine::EngineError;
use serde::{Deserialize, Serialize};

/// The largest scan form: a file at the largest format's limit, or the longest text once
/// encoded.
pub const UPLOAD_LIMIT: usize = MAX_PDF_BYTES + (64 << 10);

#[derive(Serialize)]
struct ScanPage {
    chrome: Chrome,
    /// What was pasted or uploaded, to scan again or save.
    text: String,
    format: &'static str,
    error: Option<String>,
    result: Option<ScanView>,
}

#[derive(Serialize)]
struct ScanView {
    title: String,
    score: u32,
    parts: Vec<(String, u32, u32, String)>,
    owner: Option<String>,
    cadences: Vec<String>,
    steps: Vec<StepView>,
    findings: Vec<String>,
}

#[derive(Serialize)]
struct StepView {
    title: String,
    proofs: Vec<String>,
    items: Vec<String>,
}

fn view(s: &Scan) -> ScanView {
    let d = &s.draft;
    ScanView {
        title: d.title.clone(),
        score: s.score,
        parts: s.score_parts.iter().map(|p| (p.part.to_string(), p.earned, p.possible, p.why.clone())).collect(),
        owner: d.owner.as_ref().map(|o| format!("{} (line {})", o.text, o.line)),
        cadences: d
            .cadences
            .iter()
            .map(|c| {
                let what = match &c.cadence {
                    GuessedCadence::Schedule { rule } => rule.clone(),
                    GuessedCadence::Event { trigger } => format!("when: {trigger}"),
                };
                format!("{what} — from \u{201c}{}\u{201d} (line {})", c.phrase, c.line)
            })
            .collect(),
        steps: d
            .steps
            .iter()
            .map(|step| StepView {
                title: step.title.clone(),
                proofs: step.proofs.iter().map(|p| p.kind.as_str().to_string()).collect(),
                items: step.items.clone(),
            })
            .collect(),
        findings: s
            .findings
            .iter()
            .map(|f| {
                let at = f.line.map(|l| format!("Line {l}: ")).unwrap_or_default();
                let quote = f.quote.as_ref().map(|q| format!(" \u{201c}{q}\u{201d}")).unwrap_or_default();
                format!("{at}{}{quote}", f.message)
            })
            .collect(),
    }
}

/// The format chosen on the form; `None` when the page is to decide.
fn parse_format(name: &str) -> Result<Option<Format>, PageError> {
    match name {
        "" | "auto" => Ok(None),
        _ => Format::parse(name)
            .map(Some)
            .ok_or_else(|| PageError::bad_request("Choose Markdown, text, HTML, Word (.docx) or PDF.")),
    }
}

pub async fn form(viewer: Viewer) -> Result<Html<String>, PageError> {
    viewer.require_manager()?;
    let page = ScanPage {
        chrome: Chrome::new(&viewer, "processes"),
        text: String::new(),
        format: "auto",
        error: None,
        result: None,
    };
    render("scan.html", page)
}

fn broken(e: MultipartError) -> PageError {
    PageError::Status(e.status(), format!("The form could not be read: {}", e.body_text()))
}

/// Scans what was pasted, or the uploaded file when there is one.
pub async fn submit(viewer: Viewer, mut form: Multipart) -> Result<Response, PageError> {
    viewer.require_manager()?;
    let (mut csrf, mut text, mut format, mut file) = (String::new(), String::new(), String::new(), None);
    while let Some(field) = form.next_field().await.map_err(broken)? {
        let name = field.name().unwrap_or_default().to_string();
        if let Some(filename) = field.file_name().map(str::to_string) {
            let bytes = field.bytes().await.map_err(broken)?;
            if !bytes.is_empty() {
                file = Some((filename, bytes));
            }
            continue;
        }
        let value = field.text().await.map_err(broken)?;
        match name.as_str() {
            "_csrf" => csrf = value,
            "text" => text = value,
            "format" => format = value,
            _ => {}
        }
    }
    viewer.check_csrf(&csrf)?;
    let chosen = parse_format(&format)?;
    let (text, format, scanned) = off_thread(move || read_and_scan(text, chosen, file)).await?;
    let status = if scanned.is_ok() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = ScanPage {
        chrome: Chrome::new(&viewer, "processes"),
        text,
        format: format.as_str(),
        error: scanned.as_ref().err().cloned(),
        result: scanned.as_ref().ok().map(view),
    };
    Ok(render_with_status(status, "scan.html", page)?.into_response())
}

/// Runs a scan on a blocking thread: a long SOP takes a while, and on the request
/// threads it would hold up every other page.
async fn off_thread<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, PageError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| PageError::Status(StatusCode::INTERNAL_SERVER_ERROR, "The scan failed; try again.".into()))
}

/// The text to show and scan (an uploaded file's: a Word file's as Markdown and a PDF's as
/// plain lines, so it can be corrected, scanned again and saved, and line numbers point
/// into the box), and the scan.
fn read_and_scan(
    text: String,
    chosen: Option<Format>,
    file: Option<(String, axum::body::Bytes)>,
) -> (String, Format, Result<Scan, String>) {
    let read = match &file {
        Some((filename, bytes)) => {
            let format = chosen.unwrap_or_else(|| Format::of_file(filename, bytes));
            readable_text(bytes, format).map_err(|e| (format, format!("{filename}: {e}.")))
        }
        None => match chosen.unwrap_or(Format::Markdown) {
            Format::Docx => Err((Format::Docx, "Upload the Word file itself.".to_string())),
            Format::Pdf => Err((Format::Pdf, "Upload the PDF file itself.".to_string())),
            format => Ok((text.clone(), format)),
        },
    };
    match read {
        Ok((read, format)) => {
            let scanned = scan(&read, format).map_err(|e| format!("{}.", capitalized(&e.to_string())));
            (read, format, scanned)
        }
        Err((format, e)) => (text, format, Err(e)),
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[derive(Deserialize)]
pub struct DraftForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    format: String,
}

/// Saves the scanned SOP as a draft process and opens it in the editor.
pub async fn save_draft(
    State(state): State<AppState>,
    viewer: Viewer,
    WebForm(form): WebForm<DraftForm>,
) -> Result<Response, PageError> {
    viewer.require_manager()?;
    viewer.check_csrf(&form.csrf)?;
    let format = match parse_format(&form.format)? {
        Some(Format::Docx | Format::Pdf) => return Err(PageError::bad_request("Save the text the scan showed.")),
        chosen => chosen.unwrap_or(Format::Markdown),
    };
    let text = form.text;
    let (text, scanned) = off_thread(move || {
        let scanned = scan(&text, format);
        (text, scanned)
    })
    .await?;
    let scanned = scanned.map_err(|e| PageError::Status(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))?;
    match state.engine.save_scan_as_draft(viewer.actor, &scanned).await {
        Ok(saved) => Ok(redirect(&format!("/processes/{}/edit", saved.id))),
        // The scan page again, saying why the draft could not be made.
        Err(EngineError::Invalid(errors)) => {
            let why: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
            let page = ScanPage {
                chrome: Chrome::new(&viewer, "processes"),
                text,
                format: format.as_str(),
                error: Some(format!("This cannot be a draft process yet: {}.", why.join("; "))),
                result: Some(view(&scanned)),
            };
            Ok(render_with_status(StatusCode::UNPROCESSABLE_ENTITY, "scan.html", page)?.into_response())
        }
        Err(e) => Err(e.into()),
    }
}
