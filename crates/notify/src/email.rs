//! Email over SMTP (lettre), with a text and an HTML part, and a `Message-ID` that stays
//! the same on every retry; plus a stand-in that writes messages to the log.

use crate::{MailTransport, SetupError, Transport, stable_id};
use async_trait::async_trait;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use proofline_core::span::Span;
use proofline_engine::{Mail, SendError};
use proofline_store::DeliveryRecord;
use serde::Deserialize;
use std::time::Duration;

/// How the connection to the relay is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// No encryption (a relay on localhost or a private network). Default port 25.
    Plain,
    /// Upgrade with STARTTLS, and refuse to send if the relay cannot. Default port 587.
    #[default]
    StartTls,
    /// TLS from the first byte ("SMTPS"). Default port 465.
    Tls,
}

/// The `[smtp]` section of the configuration.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    /// Defaults by `security`: 25, 587 or 465.
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub security: SmtpSecurity,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    /// The sender, e.g. `Proofline <proofline@example.com>`.
    pub from: String,
    /// How long one SMTP command may take.
    #[serde(default = "default_timeout")]
    pub timeout: Span,
    /// Accept any certificate (self-signed relays in development and tests). Never in
    /// production: it lets anyone on the path read the mail.
    #[serde(default)]
    pub accept_invalid_certs: bool,
}

fn default_timeout() -> Span {
    Span::from_secs(20)
}

impl SmtpConfig {
    /// A relay at `host` with every other setting at its default (STARTTLS on 587).
    pub fn new(host: impl Into<String>, from: impl Into<String>) -> SmtpConfig {
        SmtpConfig {
            host: host.into(),
            port: None,
            security: SmtpSecurity::default(),
            username: None,
            password: None,
            from: from.into(),
            timeout: default_timeout(),
            accept_invalid_certs: false,
        }
    }

    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.security {
            SmtpSecurity::Plain => 25,
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::Tls => 465,
        })
    }
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port())
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("from", &self.from)
            .field("timeout", &self.timeout)
            .field("accept_invalid_certs", &self.accept_invalid_certs)
            .finish()
    }
}

/// Sends email through one SMTP relay, reusing connections.
#[derive(Clone)]
pub struct SmtpChannel {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for SmtpChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpChannel").field("from", &self.from.to_string()).finish_non_exhaustive()
    }
}

impl SmtpChannel {
    /// Checks the configuration; connects only when the first message goes out.
    pub fn new(config: &SmtpConfig) -> Result<SmtpChannel, SetupError> {
        let host = config.host.trim();
        if host.is_empty() {
            return Err(SetupError::Smtp("host is empty".into()));
        }
        let from: Mailbox = config.from.parse().map_err(|e| {
            SetupError::Smtp(format!(
                "from {:?} is not a mailbox like \"Proofline <proofline@example.com>\": {e}",
                config.from
            ))
        })?;
        let timeout = Duration::try_from(config.timeout.as_duration())
            .map_err(|_| SetupError::Smtp("timeout must not be negative".into()))?;
        let mut builder =
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).port(config.port()).timeout(Some(timeout));
        if config.security != SmtpSecurity::Plain {
            let tls = TlsParameters::builder(host.to_string())
                .dangerous_accept_invalid_certs(config.accept_invalid_certs)
                .build_rustls()
                .map_err(|e| SetupError::Smtp(format!("TLS: {e}")))?;
            builder = builder.tls(match config.security {
                SmtpSecurity::Tls => Tls::Wrapper(tls),
                _ => Tls::Required(tls),
            });
        }
        if let Some(username) = &config.username {
            builder =
                builder.credentials(Credentials::new(username.clone(), config.password.clone().unwrap_or_default()));
        }
        Ok(SmtpChannel { transport: builder.build(), from })
    }

    /// The message as it goes on the wire, for tests and the log.
    pub fn compose(&self, delivery: &DeliveryRecord) -> Result<Message, SendError> {
        compose(&self.from, delivery)
    }
}

/// `<{32 hex}@proofline>`: derived from the dedupe key, so every retry of one delivery
/// carries the same id and a mailbox can drop the repeat.
pub fn message_id(dedupe_key: &str) -> String {
    format!("<{}@proofline>", stable_id(dedupe_key))
}

/// RFC 3834: this mail is machine-sent, so vacation responders must not answer it.
#[derive(Debug, Clone, Copy)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_string())
    }
}

fn compose(from: &Mailbox, delivery: &DeliveryRecord) -> Result<Message, SendError> {
    let parts = Parts {
        to: &delivery.address,
        subject: &delivery.subject,
        body: &delivery.body,
        html: delivery.html.as_deref(),
        key: &delivery.dedupe_key,
    };
    parts.compose(from)
}

/// What a message is made of, whether it comes from the outbox or is an account email.
struct Parts<'a> {
    to: &'a str,
    subject: &'a str,
    body: &'a str,
    html: Option<&'a str>,
    key: &'a str,
}

impl<'a> From<&'a Mail> for Parts<'a> {
    fn from(mail: &'a Mail) -> Parts<'a> {
        Parts { to: &mail.to, subject: &mail.subject, body: &mail.body, html: None, key: &mail.key }
    }
}

impl Parts<'_> {
    fn compose(&self, from: &Mailbox) -> Result<Message, SendError> {
        let to: Mailbox =
            self.to.parse().map_err(|e| SendError::Permanent(format!("{:?} is not an email address: {e}", self.to)))?;
        let builder = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(self.subject.to_string())
            .message_id(Some(message_id(self.key)))
            .header(AutoSubmitted);
        let message = match self.html {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(self.body.to_string(), html.to_string())),
            None => builder.header(ContentType::TEXT_PLAIN).body(self.body.to_string()),
        };
        message.map_err(|e| SendError::Permanent(format!("cannot build the message: {e}")))
    }
}

#[async_trait]
impl Transport for SmtpChannel {
    async fn send(&self, delivery: &DeliveryRecord, _secret: Option<&str>) -> Result<(), SendError> {
        let message = self.compose(delivery)?;
        self.transport.send(message).await.map(|_| ()).map_err(classify)
    }
}

#[async_trait]
impl MailTransport for SmtpChannel {
    async fn send_mail(&self, mail: &Mail) -> Result<(), SendError> {
        let message = Parts::from(mail).compose(&self.from)?;
        self.transport.send(message).await.map(|_| ()).map_err(classify)
    }
}

/// A 5xx reply refuses this message or address for good. Anything else (4xx, timeouts,
/// refused connections, TLS trouble) may pass later. Exception: a 5xx refusing our login
/// is the relay's configuration, not this message's fault, and would fail every email;
/// retrying gives an operator time to fix it before the deliveries are given up.
fn classify(error: lettre::transport::smtp::Error) -> SendError {
    let text = format!("SMTP: {error}");
    match error.status().map(u16::from) {
        Some(530 | 534 | 535 | 538) => SendError::Retryable(format!("{text} (the relay refused our login)")),
        Some(_) if error.is_permanent() => SendError::Permanent(text),
        _ => SendError::Retryable(text),
    }
}

/// Stands in for SMTP when none is configured: each email is written to the log, in
/// full, so a demo or a development instance shows what would have been sent.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogEmail;

#[async_trait]
impl Transport for LogEmail {
    async fn send(&self, delivery: &DeliveryRecord, _secret: Option<&str>) -> Result<(), SendError> {
        let from: Mailbox = "Proofline <proofline@localhost>"
            .parse()
            .map_err(|e| SendError::Permanent(format!("the log sender: {e}")))?;
        // Composing checks the address the same way SMTP would.
        compose(&from, delivery)?;
        tracing::info!(
            to = %delivery.address,
            subject = %delivery.subject,
            message_id = %message_id(&delivery.dedupe_key),
            "email not sent (no [smtp] configured; logging it instead):\n{}",
            delivery.body
        );
        Ok(())
    }
}

#[async_trait]
impl MailTransport for LogEmail {
    async fn send_mail(&self, mail: &Mail) -> Result<(), SendError> {
        let from: Mailbox = "Proofline <proofline@localhost>"
            .parse()
            .map_err(|e| SendError::Permanent(format!("the log sender: {e}")))?;
        Parts::from(mail).compose(&from)?;
        tracing::info!(
            to = %mail.to,
            subject = %mail.subject,
            "account email not sent (no [smtp] configured; logging it instead):\n{}",
            mail.body
        );
        Ok(())
    }
}
