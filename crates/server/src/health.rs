//! Liveness and readiness for load balancers and orchestrators.

use crate::AppState;
use crate::error::ApiError;
use axum::extract::State;

/// The process is up.
pub async fn healthz() -> &'static str {
    "ok"
}

/// The store answers, so requests can be served.
pub async fn readyz(State(state): State<AppState>) -> Result<String, ApiError> {
    state.engine.store.list_orgs().await.map_err(|e| ApiError::unavailable(format!("readiness check: {e}")))?;
    Ok(format!("ready ({})", state.engine.store.backend()))
}
