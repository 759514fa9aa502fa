//! The HTTP client webhooks and chat share, and how an HTTP answer (or its absence) maps
//! to "retry" or "give up".

use crate::SetupError;
use proofline_engine::SendError;
use reqwest::{Client, StatusCode, header::HeaderMap, redirect};
use rustls_platform_verifier::BuilderVerifierExt;
use std::sync::Arc;
use std::time::Duration;

/// How long an endpoint may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpConfig {
    /// The whole request, from connecting to the last byte of the answer.
    pub timeout: Duration,
    pub connect_timeout: Duration,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig { timeout: Duration::from_secs(10), connect_timeout: Duration::from_secs(5) }
    }
}

/// One client for every endpoint, so connections are pooled. TLS is rustls with the *ring*
/// provider (no C build of aws-lc) and the operating system's certificate roots.
/// Redirects are not followed: a receiver that moved must be reconfigured, and following
/// one would resend a signed body to an address nobody approved.
pub fn client(config: &HttpConfig) -> Result<Client, SetupError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|builder| builder.with_platform_verifier())
        .map_err(|e| SetupError::Http(format!("TLS: {e}")))?
        .with_no_client_auth();
    Client::builder()
        .tls_backend_preconfigured(tls)
        .timeout(config.timeout)
        .connect_timeout(config.connect_timeout)
        .redirect(redirect::Policy::none())
        .user_agent(concat!("Proofline/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| SetupError::Http(e.to_string()))
}

/// POSTs `body` (JSON) to `url` and classifies the outcome.
pub async fn post_json(client: &Client, url: &str, headers: HeaderMap, body: &str) -> Result<(), SendError> {
    let url = reqwest::Url::parse(url).map_err(|e| SendError::Permanent(format!("{url:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(SendError::Permanent(format!("{url} is not an http(s) address")));
    }
    let response = client
        .post(url)
        .headers(headers)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body.to_string())
        .send()
        .await
        .map_err(|e| request_error(&e))?;
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let snippet = first_bytes(response).await;
    let detail = if snippet.is_empty() { format!("HTTP {status}") } else { format!("HTTP {status}: {snippet}") };
    Err(classify(status, detail))
}

/// 2xx is delivered. 408, 429 and 5xx may pass: retry. Every other answer (other 4xx,
/// 3xx, anything odd) will be the same next time.
pub fn classify(status: StatusCode, detail: String) -> SendError {
    if status == StatusCode::REQUEST_TIMEOUT || status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
        SendError::Retryable(detail)
    } else {
        SendError::Permanent(detail)
    }
}

/// No answer at all. Timeouts and connection failures (refused, reset, DNS, TLS
/// handshake) are worth retrying; a request that cannot even be built is not.
fn request_error(error: &reqwest::Error) -> SendError {
    let text = describe(error);
    if error.is_builder() {
        SendError::Permanent(text)
    } else if error.is_timeout() {
        SendError::Retryable(format!("no answer in time: {text}"))
    } else {
        SendError::Retryable(text)
    }
}

/// reqwest's top-level message is vague ("error sending request"); the cause says why.
fn describe(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// The start of an error answer, for the delivery log; never more than a few hundred
/// bytes, so a huge error page cannot fill the log.
async fn first_bytes(mut response: reqwest::Response) -> String {
    const LIMIT: usize = 300;
    let mut bytes = Vec::new();
    while bytes.len() < LIMIT {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            Ok(None) | Err(_) => break,
        }
    }
    bytes.truncate(LIMIT);
    String::from_utf8_lossy(&bytes).split_whitespace().collect::<Vec<_>>().join(" ")
}
