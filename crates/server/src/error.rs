//! The one conversion from anything a request can run into to an
//! `application/problem+json` response (RFC 9457). The user gets the message; the detail
//! of an internal failure goes to the log (see `metrics::track`), never to the client.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use proofline_core::process::FieldError;
use proofline_core::proof::ProofProblem;
use proofline_engine::EngineError;
use proofline_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// A problem report as clients receive it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem, stable for clients to switch on.
    #[serde(rename = "type")]
    #[schema(example = "urn:proofline:problem:proof-incomplete")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The individual fields or proof requirements at fault.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemItem>,
}

/// One field (`field`) or proof requirement (`key`) at fault.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ProblemItem {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    pub message: String,
}

/// Why a request failed, ready to become a problem response.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    kind: &'static str,
    title: &'static str,
    detail: String,
    errors: Vec<ProblemItem>,
    /// What went wrong inside, for the log only.
    internal: Option<String>,
}

/// Carried on a 5xx response so the request middleware can log what the user is not told.
#[derive(Debug, Clone)]
pub struct InternalDetail(pub String);

impl ApiError {
    fn new(status: StatusCode, kind: &'static str, title: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError { status, kind, title, detail: detail.into(), errors: Vec::new(), internal: None }
    }

    pub fn unauthorized(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "Not signed in", detail)
    }

    pub fn forbidden(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", "Not allowed", detail)
    }

    pub fn not_found(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not-found", "Not found", detail)
    }

    pub fn bad_request(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad-request", "Bad request", detail)
    }

    pub fn conflict(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, "conflict", "Conflict", detail)
    }

    pub fn method_not_allowed() -> ApiError {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "Method not allowed",
            "this address does not take that method",
        )
    }

    /// Input that parsed but is wrong, one entry per field.
    pub fn invalid(errors: Vec<FieldError>) -> ApiError {
        let detail = summary("the request has", errors.iter().map(ToString::to_string));
        let mut error = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", "Invalid input", detail);
        error.errors =
            errors.into_iter().map(|e| ProblemItem { field: Some(e.field), key: None, message: e.message }).collect();
        error
    }

    pub fn invalid_field(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::invalid(vec![FieldError { field: field.to_string(), message: message.into() }])
    }

    /// Proof that does not meet the step's requirements, naming each one missed.
    pub fn proof(problems: Vec<ProofProblem>) -> ApiError {
        let detail =
            summary("the proof does not meet the step's requirements:", problems.iter().map(|p| p.message.clone()));
        let mut error = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "proof-incomplete", "Proof incomplete", detail);
        error.errors =
            problems.into_iter().map(|p| ProblemItem { field: None, key: Some(p.key), message: p.message }).collect();
        error
    }

    /// A failure that is ours, not the user's: they are told little, the log everything.
    pub fn internal(detail: impl std::fmt::Display) -> ApiError {
        let mut error =
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "Internal error", "internal error");
        error.internal = Some(detail.to_string());
        error
    }

    /// The service cannot answer right now (its store is down); the cause goes to the log.
    pub fn unavailable(detail: impl std::fmt::Display) -> ApiError {
        let mut error = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Unavailable",
            "the service cannot reach its store",
        );
        error.internal = Some(detail.to_string());
        error
    }

    /// A request axum refused before our code ran (bad JSON, bad path, bad query…).
    pub fn rejected(status: StatusCode, text: String) -> ApiError {
        match status {
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(status, "too-large", "Request too large", text),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                ApiError::new(status, "unsupported-media-type", "Unsupported media type", text)
            }
            StatusCode::UNPROCESSABLE_ENTITY => ApiError::new(status, "invalid", "Invalid input", text),
            s if s.is_server_error() => ApiError::internal(text),
            _ => ApiError::bad_request(text),
        }
    }
}

fn summary(lead: &str, items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    match items.as_slice() {
        [] => lead.trim_end_matches([':', ' ']).to_string(),
        [one] => format!("{lead} {one}"),
        many => format!("{lead} {} problems: {}", many.len(), many.join("; ")),
    }
}

impl From<EngineError> for ApiError {
    fn from(e: EngineError) -> ApiError {
        match e {
            EngineError::NotFound => ApiError::not_found("not found in your organization"),
            EngineError::Forbidden(m) => ApiError::forbidden(m),
            EngineError::Invalid(errors) => ApiError::invalid(errors),
            EngineError::Proof(problems) => ApiError::proof(problems),
            EngineError::Conflict(m) => ApiError::conflict(m),
            EngineError::TooLarge(m) => ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too-large", "Too large", m),
            EngineError::Unavailable(m) => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "Try again shortly", m)
            }
            EngineError::Store(e) => e.into(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::NotFound => ApiError::not_found("not found in your organization"),
            StoreError::Conflict(m) => ApiError::conflict(m),
            StoreError::Busy(m) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "Try again shortly",
                format!("the database is busy ({m}); try again"),
            ),
            StoreError::Other(m) => ApiError::internal(m),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Problem {
            kind: format!("urn:proofline:problem:{}", self.kind),
            title: self.title.to_string(),
            status: self.status.as_u16(),
            detail: self.detail,
            errors: self.errors,
        };
        let json = serde_json::to_vec(&body).unwrap_or_else(|_| b"{}".to_vec());
        let mut response = (self.status, json).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        if let Some(detail) = self.internal {
            response.extensions_mut().insert(InternalDetail(detail));
        }
        response
    }
}
