//! Webhooks signed per Standard Webhooks (<https://www.standardwebhooks.com/>): the body
//! as rendered, with `webhook-id`, `webhook-timestamp` and `webhook-signature` headers.

use crate::{Transport, http, stable_id};
use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use proofline_engine::SendError;
use proofline_store::DeliveryRecord;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use sha2::Sha256;

/// How every secret starts.
pub const SECRET_PREFIX: &str = "whsec_";

/// Why a signing secret is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("a webhook secret is whsec_ followed by base64: {0}")]
    NotBase64(String),
    #[error("a webhook secret must decode to 24 to 64 bytes, not {0}")]
    Length(usize),
    #[error("no random bytes from the operating system: {0}")]
    Random(String),
}

/// A decoded signing secret.
#[derive(Clone)]
pub struct SigningKey(Vec<u8>);

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(…)")
    }
}

impl SigningKey {
    /// The `webhook-signature` value for one message: `v1,` and the base64 HMAC-SHA256 of
    /// `{id}.{timestamp}.{body}`.
    pub fn sign(&self, id: &str, timestamp: i64, body: &str) -> String {
        // HMAC takes keys of any length, so this cannot fail; the fallback keeps it total.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            return String::from("v1,");
        };
        mac.update(format!("{id}.{timestamp}.").as_bytes());
        mac.update(body.as_bytes());
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }
}

/// Reads a secret as Proofline hands them out: `whsec_` and base64 of 24 to 64 bytes
/// (the prefix is optional, as in the Standard Webhooks libraries).
pub fn parse_secret(secret: &str) -> Result<SigningKey, SecretError> {
    let encoded = secret.trim();
    let encoded = encoded.strip_prefix(SECRET_PREFIX).unwrap_or(encoded);
    let bytes = STANDARD.decode(encoded).map_err(|e| SecretError::NotBase64(e.to_string()))?;
    if !(24..=64).contains(&bytes.len()) {
        return Err(SecretError::Length(bytes.len()));
    }
    Ok(SigningKey(bytes))
}

/// Signs one message with a `whsec_…` secret; see [`SigningKey::sign`].
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> Result<String, SecretError> {
    Ok(parse_secret(secret)?.sign(id, timestamp, body))
}

/// A fresh secret: `whsec_` and 24 random bytes in base64.
pub fn new_secret() -> Result<String, SecretError> {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).map_err(|e| SecretError::Random(e.to_string()))?;
    Ok(format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes)))
}

/// The `webhook-id` of a delivery: `msg_` and its stable id, the same on every retry.
pub fn message_id(dedupe_key: &str) -> String {
    format!("msg_{}", stable_id(dedupe_key))
}

/// The three Standard Webhooks headers for one attempt.
pub fn headers(key: &SigningKey, id: &str, timestamp: i64, body: &str) -> Result<HeaderMap, SendError> {
    let mut map = HeaderMap::new();
    for (name, value) in [
        ("webhook-id", id.to_string()),
        ("webhook-timestamp", timestamp.to_string()),
        ("webhook-signature", key.sign(id, timestamp, body)),
    ] {
        let value = HeaderValue::from_str(&value).map_err(|e| SendError::Permanent(format!("{name}: {e}")))?;
        map.insert(HeaderName::from_static(name), value);
    }
    Ok(map)
}

/// Posts signed deliveries.
#[derive(Debug, Clone)]
pub struct WebhookChannel {
    client: reqwest::Client,
}

impl WebhookChannel {
    pub fn new(client: reqwest::Client) -> WebhookChannel {
        WebhookChannel { client }
    }
}

#[async_trait]
impl Transport for WebhookChannel {
    async fn send(&self, delivery: &DeliveryRecord, secret: Option<&str>) -> Result<(), SendError> {
        let secret = secret
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| SendError::Permanent("the webhook endpoint has no signing secret".into()))?;
        let key = parse_secret(secret).map_err(|e| SendError::Permanent(e.to_string()))?;
        // Signed at send time, so a retry hours later is not refused as a replay.
        let timestamp = jiff::Timestamp::now().as_second();
        let headers = headers(&key, &message_id(&delivery.dedupe_key), timestamp, &delivery.body)?;
        http::post_json(&self.client, &delivery.address, headers, &delivery.body).await
    }
}
