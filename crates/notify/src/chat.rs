//! Slack and Microsoft Teams incoming webhooks: the rendered JSON posted as is. The
//! secret address is the only credential these hooks have, so nothing is signed.

use crate::{Transport, http};
use async_trait::async_trait;
use proofline_engine::SendError;
use proofline_store::DeliveryRecord;
use reqwest::header::HeaderMap;

/// Posts chat deliveries (Slack or Teams: the body already has the right shape).
#[derive(Debug, Clone)]
pub struct ChatChannel {
    client: reqwest::Client,
}

impl ChatChannel {
    pub fn new(client: reqwest::Client) -> ChatChannel {
        ChatChannel { client }
    }
}

#[async_trait]
impl Transport for ChatChannel {
    async fn send(&self, delivery: &DeliveryRecord, _secret: Option<&str>) -> Result<(), SendError> {
        http::post_json(&self.client, &delivery.address, HeaderMap::new(), &delivery.body).await
    }
}
