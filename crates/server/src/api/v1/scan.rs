//! The SOP scan over the API: text in, a draft process with its findings and score out;
//! on request the draft is saved as a draft process for the editor.

use crate::AppState;
use crate::auth::Manager;
use crate::error::ApiError;
use crate::extract::ApiJson;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use proofline_core::scan::{Format, scan};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// An SOP to scan.
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

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(scan_sop))
}

/// Reads an SOP into a draft process: title, owner, cadence, steps with suggested proof,
/// findings that point at the text, and a score out of 100 made of named parts.
#[utoipa::path(post, operation_id = "scan_sop", path = "/scan", tag = "scan", request_body = ScanBody,
    responses((status = 200, description = "The scan, and the draft process when one was saved", content_type = "application/json")))]
async fn scan_sop(
    State(state): State<AppState>,
    Manager(actor): Manager,
    ApiJson(body): ApiJson<ScanBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let format = match body.format.as_deref().map(str::trim) {
        None | Some("") | Some("markdown") => Format::Markdown,
        Some("text") => Format::Text,
        Some("html") => Format::Html,
        Some(other) => {
            return Err(ApiError::invalid_field("format", format!("{other:?} is not markdown, text or html")));
        }
    };
    // A long SOP takes a while: off the request threads, so other requests go on.
    let text = body.text;
    let scanned = tokio::task::spawn_blocking(move || scan(&text, format))
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| ApiError::invalid_field("text", e.to_string()))?;
    if !body.save_draft {
        return Ok((StatusCode::OK, Json(json!({"scan": scanned}))));
    }
    let saved = state.engine.save_scan_as_draft(actor, &scanned).await?;
    let process = state.engine.store.get_process(actor.org, saved.id).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"scan": scanned, "process": {"id": saved.id, "key": process.key, "status": process.status}})),
    ))
}
