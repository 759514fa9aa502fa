//! The evidence export over HTTP, shared by the process page's download and the API: the
//! period read as people type it, the zip served as an attachment named after it.

use crate::AppState;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use proofline_core::ProcessId;
use proofline_engine::{Actor, EngineError, ExportOptions, ExportPeriod};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EvidenceQuery {
    /// The first day (2026-01-01, in the organization's zone) or an RFC 3339 instant.
    pub from: String,
    /// The last day, included, or the RFC 3339 instant the period ends before.
    pub to: String,
    /// `1` (or `true`, `on`) adds a PDF of each run's report.
    pub pdf: Option<String>,
}

impl EvidenceQuery {
    fn pdf(&self) -> bool {
        matches!(self.pdf.as_deref().map(str::trim), Some("1" | "true" | "on" | "yes"))
    }
}

/// Builds the export of process `id` for `actor` and serves it as a download.
pub async fn evidence_zip(
    state: &AppState,
    actor: Actor,
    id: ProcessId,
    query: &EvidenceQuery,
    via: &'static str,
) -> Result<Response, EngineError> {
    let engine = &state.engine;
    let zone = engine.org_zone(actor.org).await?;
    let period = ExportPeriod::parse(&query.from, &query.to, &zone)?;
    let options = ExportOptions { pdf: query.pdf(), via };
    let export = engine.export_evidence(actor, id, period.from, period.to, options).await?;
    let name = period.file_name(&export.process_key);
    Ok((
        [
            (CONTENT_TYPE, "application/zip".to_string()),
            (CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (CACHE_CONTROL, "no-store".to_string()),
        ],
        export.zip,
    )
        .into_response())
}
