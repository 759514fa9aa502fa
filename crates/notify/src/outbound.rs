//! [`Outbound`]: the engine's notifier. Words messages with the templates and hands each
//! delivery to the channel its `channel` names.

use crate::chat::ChatChannel;
use crate::webhook::WebhookChannel;
use crate::{HttpConfig, LogEmail, MailTransport, SetupError, SmtpChannel, SmtpConfig, Templates, Transport, http};
use async_trait::async_trait;
use proofline_core::notice::Channel;
use proofline_engine::{Mail, Message, Notifier, Rendered, SendError};
use proofline_store::DeliveryRecord;

/// What happens to email.
#[derive(Debug, Clone)]
pub enum EmailSetup {
    /// Send through this relay.
    Smtp(SmtpConfig),
    /// Write each email to the log instead of sending it (demo, development).
    Log,
    /// No email: every email delivery fails for good, "email is not configured".
    Off,
}

/// Email when switched off: permanent, so the delivery shows up as failed at once.
struct NoEmail;

#[async_trait]
impl Transport for NoEmail {
    async fn send(&self, _: &DeliveryRecord, _: Option<&str>) -> Result<(), SendError> {
        Err(SendError::Permanent("email is not configured".into()))
    }
}

#[async_trait]
impl MailTransport for NoEmail {
    async fn send_mail(&self, _: &Mail) -> Result<(), SendError> {
        Err(SendError::Permanent("email is not configured".into()))
    }
}

/// Renders and sends every notification. Cheap to share behind an `Arc`; webhooks and
/// chat share one pooled HTTP client, email one pool of SMTP connections.
pub struct Outbound {
    templates: Templates,
    email: Box<dyn MailTransport>,
    email_mode: &'static str,
    webhook: WebhookChannel,
    chat: ChatChannel,
}

impl std::fmt::Debug for Outbound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbound").field("email", &self.email_mode).finish_non_exhaustive()
    }
}

impl Outbound {
    pub fn new(templates: Templates, email: EmailSetup, http_config: &HttpConfig) -> Result<Outbound, SetupError> {
        let (email, email_mode): (Box<dyn MailTransport>, _) = match email {
            EmailSetup::Smtp(config) => (Box::new(SmtpChannel::new(&config)?), "smtp"),
            EmailSetup::Log => (Box::new(LogEmail), "log"),
            EmailSetup::Off => (Box::new(NoEmail), "off"),
        };
        let client = http::client(http_config)?;
        Ok(Outbound {
            templates,
            email,
            email_mode,
            webhook: WebhookChannel::new(client.clone()),
            chat: ChatChannel::new(client),
        })
    }

    /// The shipped templates, email written to the log, default HTTP timeouts: what the
    /// demo runs with, no SMTP server needed.
    pub fn log_only() -> Result<Outbound, SetupError> {
        Outbound::new(Templates::embedded()?, EmailSetup::Log, &HttpConfig::default())
    }

    /// `smtp`, `log` or `off`, for the startup log.
    pub fn email_mode(&self) -> &'static str {
        self.email_mode
    }

    pub fn templates(&self) -> &Templates {
        &self.templates
    }
}

#[async_trait]
impl Notifier for Outbound {
    fn render(&self, channel: Channel, message: &Message) -> Result<Rendered, String> {
        self.templates.render(channel, message)
    }

    async fn send(&self, delivery: &DeliveryRecord, secret: Option<&str>) -> Result<(), SendError> {
        match delivery.channel {
            Channel::Email => self.email.send(delivery, None).await,
            Channel::Webhook => self.webhook.send(delivery, secret).await,
            Channel::Slack | Channel::Teams => self.chat.send(delivery, None).await,
        }
    }

    async fn send_mail(&self, mail: &Mail) -> Result<(), SendError> {
        self.email.send_mail(mail).await
    }
}
