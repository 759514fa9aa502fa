//! What a use case can refuse, in terms the API and CLI turn into messages.

use proofline_core::process::FieldError;
use proofline_core::proof::ProofProblem;
use proofline_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Forbidden(String),
    #[error("invalid: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    #[error("the proof does not meet the step's requirements")]
    Proof(Vec<ProofProblem>),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooLarge(String),
    /// Something the request needs is down for now (the virus scanner); retry later.
    #[error("{0}")]
    Unavailable(String),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for EngineError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => EngineError::NotFound,
            StoreError::Conflict(m) => EngineError::Conflict(m),
            StoreError::Busy(m) => EngineError::Unavailable(format!("the database is busy ({m}); try again")),
            other => EngineError::Store(other),
        }
    }
}

impl EngineError {
    pub fn invalid(field: &str, message: impl Into<String>) -> EngineError {
        EngineError::Invalid(vec![FieldError { field: field.to_string(), message: message.into() }])
    }
}
