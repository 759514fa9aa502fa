//! The SOP scan over the API: an SOP's text as JSON, or its file as a multipart form, in;
//! a draft process with its findings and score out. On request the draft is saved as a
//! draft process for the editor.

use crate::AppState;
use crate::auth::Manager;
use crate::error::ApiError;
use crate::extract::ApiJson;
use axum::Json;
use axum::extract::multipart::MultipartError;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use proofline_core::scan::pdf::MAX_PDF_BYTES;
use proofline_core::scan::{Format, ScanError, scan, scan_bytes};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// An SOP to scan, as text.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanBody {
    /// The SOP's text: Markdown, plain text or HTML.
    #[schema(
        example = "# Closing\n\nOwner: Shift lead\n\nEvery weekday at 9pm:\n\n1. Take a photo of the locked door."
    )]
    pub text: String,
    /// `markdown` (the default), `text` or `html`.
    pub format: Option<String>,
    /// Also save the draft as a draft process (nothing runs until it is activated).
    #[serde(default)]
    pub save_draft: bool,
}

/// An SOP to scan, as a file: Markdown, plain text, HTML, Word (.docx) or PDF.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ScanForm {
    /// The file; its format is taken from its first bytes (PDF, Word) or its name.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// `markdown`, `text`, `html`, `docx` or `pdf`, to override the file's own.
    format: Option<String>,
    /// `true` to save the draft as a draft process.
    save_draft: Option<String>,
}

/// The largest scan request: a file at the largest format's limit and its form around it.
const SCAN_LIMIT: usize = MAX_PDF_BYTES + (64 << 10);

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(scan_sop)).layer(DefaultBodyLimit::max(SCAN_LIMIT))
}

/// Reads an SOP into a draft process: title, owner, cadence, steps with suggested proof,
/// findings that point at the text, and a score out of 100 made of named parts.
#[utoipa::path(post, operation_id = "scan_sop", path = "/scan", tag = "scan",
    request_body(content(
        (ScanBody = "application/json"),
        (ScanForm = "multipart/form-data"),
    )),
    responses(
        (status = 200, description = "The scan", content_type = "application/json"),
        (status = 201, description = "The scan and the draft process it was saved as", content_type = "application/json"),
        (status = 413, description = "Larger than the format's limit (1 MiB of text, 20 MB for Word or PDF)"),
        (status = 422, description = "Nothing readable to scan; `errors` names the field"),
    ))]
async fn scan_sop(
    State(state): State<AppState>,
    Manager(actor): Manager,
    request: Request,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let content_type =
        request.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_ascii_lowercase();
    let (sop, save_draft) = if content_type.starts_with("multipart/form-data") {
        let form = Multipart::from_request(request, &state)
            .await
            .map_err(|r| ApiError::rejected(r.status(), r.body_text()))?;
        read_form(form).await?
    } else if content_type.starts_with("application/json") {
        let ApiJson(body) = ApiJson::<ScanBody>::from_request(request, &state).await?;
        let format = match body.format.as_deref().map(str::trim) {
            None | Some("") => Format::Markdown,
            Some(name) => Format::parse(name)
                .filter(|f| !matches!(f, Format::Docx | Format::Pdf))
                .ok_or_else(|| format_error(name, "markdown, text or html; send Word and PDF files as a form"))?,
        };
        (Sop::Text(body.text, format), body.save_draft)
    } else {
        return Err(ApiError::rejected(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the SOP as application/json (its text) or multipart/form-data (its file)".into(),
        ));
    };
    // A long SOP takes a while: off the request threads, so other requests go on.
    let (field, scanned) = tokio::task::spawn_blocking(move || match sop {
        Sop::Text(text, format) => ("text", scan(&text, format)),
        Sop::File(bytes, format) => ("file", scan_bytes(&bytes, format)),
    })
    .await
    .map_err(ApiError::internal)?;
    let scanned = scanned.map_err(|e| match e {
        ScanError::TooLarge { .. } => ApiError::rejected(StatusCode::PAYLOAD_TOO_LARGE, e.to_string()),
        _ => ApiError::invalid_field(field, e.to_string()),
    })?;
    if !save_draft {
        return Ok((StatusCode::OK, Json(json!({"scan": scanned}))));
    }
    let saved = state.engine.save_scan_as_draft(actor, &scanned).await?;
    let process = state.engine.store.get_process(actor.org, saved.id).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"scan": scanned, "process": {"id": saved.id, "key": process.key, "status": process.status}})),
    ))
}

enum Sop {
    Text(String, Format),
    File(Vec<u8>, Format),
}

fn format_error(name: &str, expected: &str) -> ApiError {
    ApiError::invalid_field("format", format!("{name:?} is not {expected}"))
}

fn broken(e: MultipartError) -> ApiError {
    ApiError::rejected(e.status(), e.body_text())
}

/// The form's file, the format to read it as and whether to save the draft.
async fn read_form(mut form: Multipart) -> Result<(Sop, bool), ApiError> {
    let (mut file, mut format, mut save_draft) = (None, None, false);
    while let Some(field) = form.next_field().await.map_err(broken)? {
        match field.name().unwrap_or_default() {
            "file" => {
                let name = field.file_name().unwrap_or_default().to_string();
                file = Some((name, field.bytes().await.map_err(broken)?.to_vec()));
            }
            "format" => {
                let name = field.text().await.map_err(broken)?;
                let name = name.trim();
                if !name.is_empty() && name != "auto" {
                    format = Some(
                        Format::parse(name).ok_or_else(|| format_error(name, "markdown, text, html, docx or pdf"))?,
                    );
                }
            }
            "save_draft" => {
                save_draft = match field.text().await.map_err(broken)?.trim() {
                    "true" | "1" | "on" => true,
                    "false" | "0" | "" => false,
                    other => {
                        return Err(ApiError::invalid_field("save_draft", format!("{other:?} is not true or false")));
                    }
                }
            }
            other => {
                return Err(ApiError::bad_request(format!(
                    "unexpected part {other:?}: send \"file\", and \"format\" or \"save_draft\" if needed"
                )));
            }
        }
    }
    let (name, bytes) =
        file.ok_or_else(|| ApiError::invalid_field("file", "send the SOP's file in a part named \"file\""))?;
    let format = format.unwrap_or_else(|| Format::of_file(&name, &bytes));
    Ok((Sop::File(bytes, format), save_draft))
}
