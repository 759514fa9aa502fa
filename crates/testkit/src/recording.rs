//! A notifier that keeps what it was asked to send, and fails or hangs on command, so
//! tests can see exactly what each person would have received.

use async_trait::async_trait;
use proofline_core::notice::Channel;
use proofline_engine::{Mail, Message, Notifier, Rendered, SendError};
use proofline_store::DeliveryRecord;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One send as the channel saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sent {
    pub channel: Channel,
    pub address: String,
    pub subject: String,
    /// The message as JSON, so tests can read its fields.
    pub message: serde_json::Value,
    pub dedupe_key: String,
    pub secret: Option<String>,
}

/// What the next sends to one address do instead of succeeding.
#[derive(Debug, Clone)]
pub enum Trouble {
    Fail(SendError),
    Hang(Duration),
}

#[derive(Clone, Default)]
pub struct RecordingNotifier {
    sent: Arc<Mutex<Vec<Sent>>>,
    mails: Arc<Mutex<Vec<Mail>>>,
    trouble: Arc<Mutex<HashMap<String, Vec<Trouble>>>>,
}

impl RecordingNotifier {
    pub fn sent(&self) -> Vec<Sent> {
        self.sent.lock().unwrap().clone()
    }

    /// Account emails (invitations, password resets), in the order sent.
    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }

    pub fn sent_to(&self, address: &str) -> Vec<Sent> {
        self.sent().into_iter().filter(|s| s.address == address).collect()
    }

    /// The next `times` sends to `address` run into `trouble`.
    pub fn trouble(&self, address: &str, trouble: Trouble, times: usize) {
        self.trouble
            .lock()
            .unwrap()
            .entry(address.to_string())
            .or_default()
            .extend(std::iter::repeat_n(trouble, times));
    }
}

#[async_trait]
impl Notifier for RecordingNotifier {
    fn render(&self, channel: Channel, message: &Message) -> Result<Rendered, String> {
        let subject = match &message.task {
            Some(task) => format!("{} {} (due {})", message.kind, task.title, task.due.local),
            None => message.kind.to_string(),
        };
        Ok(Rendered {
            subject,
            body: serde_json::to_string(message).map_err(|e| e.to_string())?,
            html: (channel == Channel::Email).then(|| "<p>html</p>".to_string()),
        })
    }

    async fn send(&self, delivery: &DeliveryRecord, secret: Option<&str>) -> Result<(), SendError> {
        let trouble = {
            let mut all = self.trouble.lock().unwrap();
            all.get_mut(&delivery.address).and_then(|queue| (!queue.is_empty()).then(|| queue.remove(0)))
        };
        match trouble {
            Some(Trouble::Fail(error)) => return Err(error),
            Some(Trouble::Hang(for_how_long)) => tokio::time::sleep(for_how_long).await,
            None => {}
        }
        self.sent.lock().unwrap().push(Sent {
            channel: delivery.channel,
            address: delivery.address.clone(),
            subject: delivery.subject.clone(),
            message: serde_json::from_str(&delivery.body).unwrap_or_default(),
            dedupe_key: delivery.dedupe_key.clone(),
            secret: secret.map(str::to_string),
        });
        Ok(())
    }

    async fn send_mail(&self, mail: &Mail) -> Result<(), SendError> {
        self.mails.lock().unwrap().push(mail.clone());
        Ok(())
    }
}
