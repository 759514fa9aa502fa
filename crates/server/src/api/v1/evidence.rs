//! The evidence export: a process's runs in a period with their proof, as a zip an auditor
//! checks with `sha256sum -c SHA256SUMS`.

use crate::AppState;
use crate::auth::Overseer;
use crate::error::ApiError;
use crate::evidence::{EvidenceQuery, evidence_zip};
use crate::extract::{ApiPath, ApiQuery};
use axum::extract::State;
use axum::response::Response;
use proofline_core::ProcessId;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(export_evidence))
}

/// Every run of the process scheduled in the period, with its tasks, proof, approvals,
/// escalations and events: `MANIFEST.json` (each file's SHA-256 and size, the
/// organization's event-chain head), `SHA256SUMS`, `index.html`, `runs/{id}/report.html`
/// (and `report.pdf` with `pdf=1`) and `evidence/{sha256}.{ext}`. For managers, owners and
/// auditors; a period spans at most 400 days.
#[utoipa::path(get, operation_id = "export_evidence", path = "/processes/{id}/evidence", tag = "processes",
    params(("id" = i64, Path, description = "Process id"), EvidenceQuery),
    responses(
        (status = 200, content_type = "application/zip", body = Vec<u8>),
        (status = 422, description = "A date is unreadable, or the period is empty, reversed or too long"),
    ))]
async fn export_evidence(
    State(state): State<AppState>,
    Overseer(actor): Overseer,
    ApiPath(id): ApiPath<ProcessId>,
    ApiQuery(query): ApiQuery<EvidenceQuery>,
) -> Result<Response, ApiError> {
    Ok(evidence_zip(&state, actor, id, &query, "API").await?)
}
