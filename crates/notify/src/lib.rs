//! Proofline's notification channels: the message templates, and one module per channel
//! (SMTP email, signed webhooks, Slack and Teams) behind [`Transport`], put together as
//! [`Outbound`], the engine's [`Notifier`](proofline_engine::Notifier).
//!
//! Every send answers `Ok`, [`SendError::Retryable`] (a timeout, a refused connection, a
//! 5xx, a 429, a temporary SMTP reply) or [`SendError::Permanent`] (any other refusal: the
//! same request would fail again); the engine's delivery pass does the retrying.

pub mod chat;
pub mod email;
mod http;
mod outbound;
pub mod payload;
mod templates;
pub mod webhook;

pub use chat::ChatChannel;
pub use email::{LogEmail, SmtpChannel, SmtpConfig, SmtpSecurity};
pub use http::HttpConfig;
pub use outbound::{EmailSetup, Outbound};
pub use proofline_engine::SendError;
pub use templates::{LAYOUT, Templates, file_name};
pub use webhook::{SecretError, SigningKey, WebhookChannel, new_secret, parse_secret, sign};

use async_trait::async_trait;
use proofline_store::DeliveryRecord;
use sha2::{Digest, Sha256};

/// One way of getting a rendered delivery to its address.
#[async_trait]
pub trait Transport: Send + Sync {
    /// Sends `delivery` as rendered; `secret` is the endpoint's signing secret, if any.
    async fn send(&self, delivery: &DeliveryRecord, secret: Option<&str>) -> Result<(), SendError>;
}

/// A transport that can also send an account email (see [`proofline_engine::Mail`]).
#[async_trait]
pub trait MailTransport: Transport {
    async fn send_mail(&self, mail: &proofline_engine::Mail) -> Result<(), SendError>;
}

/// Why the notification channels could not be set up: wrong configuration or templates.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("message templates: {0}")]
    Templates(String),
    #[error("[smtp]: {0}")]
    Smtp(String),
    #[error("HTTP client: {0}")]
    Http(String),
}

/// A stable 32-hex-digit identity for a delivery, the same on every retry: the first half
/// of the SHA-256 of its dedupe key. Receivers use it to drop repeats.
pub fn stable_id(dedupe_key: &str) -> String {
    let mut id = hex::encode(Sha256::digest(dedupe_key.as_bytes()));
    id.truncate(32);
    id
}
