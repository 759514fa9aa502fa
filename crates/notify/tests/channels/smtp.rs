//! Email against a real SMTP server (Python's aiosmtpd): what arrives, over plain, STARTTLS
//! and TLS connections, and how refusals and dead relays are classified.

use crate::support::{self, TASK_URL, require_python};
use proofline_core::notice::{Channel, NoticeKind};
use proofline_engine::{Notifier, SendError};
use proofline_notify::{EmailSetup, SmtpConfig, SmtpSecurity, email};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running `smtp_sink.py`; killed when dropped.
struct SmtpSink {
    child: Child,
    port: u16,
    out: tempfile::TempDir,
}

impl SmtpSink {
    fn start(tls: Option<(&str, &Path)>) -> SmtpSink {
        let out = tempfile::tempdir().expect("temp dir");
        let mut command = Command::new("python3");
        command.arg(support::py_script("smtp_sink.py")).arg(out.path());
        if let Some((mode, certs)) = tls {
            command.arg(mode).arg(certs.join("cert.pem")).arg(certs.join("key.pem"));
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn python3");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("read the ready line");
        let port = line.trim().strip_prefix("ready ").and_then(|p| p.parse().ok());
        let port = port.unwrap_or_else(|| panic!("smtp_sink.py did not start: {line:?}"));
        SmtpSink { child, port, out }
    }

    fn config(&self, security: SmtpSecurity) -> SmtpConfig {
        let mut config = SmtpConfig::new("127.0.0.1", "Proofline <proofline@example.com>");
        config.port = Some(self.port);
        config.security = security;
        config.accept_invalid_certs = true;
        config.timeout = proofline_core::span::Span::from_secs(5);
        config
    }

    /// Every message the server accepted, oldest first.
    fn received(&self) -> Vec<Value> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.out.path())
            .expect("read the sink folder")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        files.iter().map(|p| serde_json::from_str(&std::fs::read_to_string(p).expect("read")).expect("json")).collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn part<'a>(message: &'a Value, content_type: &str) -> &'a str {
    let parts = message["parts"].as_array().expect("parts");
    let part = parts.iter().find(|p| p["content_type"] == content_type);
    part.and_then(|p| p["content"].as_str()).unwrap_or_else(|| panic!("no {content_type} part in {message}"))
}

#[tokio::test]
async fn a_task_moved_email_arrives_with_text_html_link_and_a_stable_message_id() {
    require_python!("aiosmtpd");
    let sink = SmtpSink::start(None);
    let outbound = support::outbound(EmailSetup::Smtp(sink.config(SmtpSecurity::Plain)));
    let delivery = support::delivery(&outbound, Channel::Email, NoticeKind::TaskMoved, "ben@cafe.test");

    outbound.send(&delivery, None).await.expect("sent");
    outbound.send(&delivery, None).await.expect("sent again, as a retry would");

    let received = sink.received();
    assert_eq!(received.len(), 2);
    let first = &received[0];
    assert_eq!(first["rcpt_tos"], serde_json::json!(["ben@cafe.test"]));
    assert_eq!(first["mail_from"], "proofline@example.com");
    assert_eq!(first["tls"], false);
    let headers = &first["headers"];
    assert_eq!(headers["to"], "ben@cafe.test");
    assert_eq!(headers["from"], "Proofline <proofline@example.com>");
    assert_eq!(headers["subject"], delivery.subject);
    assert!(delivery.subject.contains("Ana missed \"Photo of locked back door\""), "{}", delivery.subject);
    assert_eq!(headers["auto-submitted"], "auto-generated");
    assert_eq!(first["content_type"], "multipart/alternative");
    let text = part(first, "text/plain");
    assert!(text.contains("Ana missed \"Photo of locked back door\""), "{text}");
    assert!(text.contains("It is yours now: due Tue 3 Mar, 22:30."), "{text}");
    assert!(text.contains("- Photo: Locked back door"), "{text}");
    assert!(text.contains(&format!("Submit the proof: {TASK_URL}")), "{text}");
    let html = part(first, "text/html");
    assert!(html.contains(&format!("href=\"{TASK_URL}\"")), "{html}");
    assert!(html.contains("<li>Photo: Locked back door</li>"), "{html}");

    // The retry carries the same Message-ID, so a mailbox can drop the repeat.
    let id = headers["message-id"].as_str().expect("a Message-ID");
    assert_eq!(id, email::message_id(&delivery.dedupe_key));
    assert_eq!(id.len(), "<@proofline>".len() + 32);
    assert_eq!(received[1]["headers"]["message-id"], id);
}

#[tokio::test]
async fn an_account_email_arrives_as_plain_text_with_its_link() {
    require_python!("aiosmtpd");
    let sink = SmtpSink::start(None);
    let outbound = support::outbound(EmailSetup::Smtp(sink.config(SmtpSecurity::Plain)));
    let mail = proofline_engine::Mail {
        to: "ben@cafe.test".into(),
        subject: "Reset your Proofline password".into(),
        body: "Choose a new password here:\nhttps://proofline.example/reset/abc123\n".into(),
        key: "reset:abc".into(),
    };
    outbound.send_mail(&mail).await.expect("sent");
    let received = sink.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0]["rcpt_tos"], serde_json::json!(["ben@cafe.test"]));
    assert_eq!(received[0]["headers"]["subject"], "Reset your Proofline password");
    assert_eq!(received[0]["headers"]["auto-submitted"], "auto-generated");
    let text = part(&received[0], "text/plain");
    assert!(text.contains("https://proofline.example/reset/abc123"), "{text}");
}

/// A self-signed certificate for 127.0.0.1 in `dir`, or why there is none.
fn self_signed(dir: &Path) -> Result<(), String> {
    let out = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"])
        .arg("-keyout")
        .arg(dir.join("key.pem"))
        .arg("-out")
        .arg(dir.join("cert.pem"))
        .args(["-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        .output()
        .map_err(|e| format!("openssl is not available: {e}"))?;
    if out.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&out.stderr).into_owned()) }
}

async fn send_over(mode: &str, security: SmtpSecurity) {
    require_python!("aiosmtpd");
    let certs = tempfile::tempdir().expect("temp dir");
    if let Err(reason) = self_signed(certs.path()) {
        println!("skipped: no certificate: {reason}");
        return;
    }
    let sink = SmtpSink::start(Some((mode, certs.path())));
    let outbound = support::outbound(EmailSetup::Smtp(sink.config(security)));
    let delivery = support::delivery(&outbound, Channel::Email, NoticeKind::TaskOpened, "ben@cafe.test");
    outbound.send(&delivery, None).await.expect("sent over TLS");
    let received = sink.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0]["tls"], true, "the message went over an encrypted connection");
    assert!(part(&received[0], "text/plain").contains(TASK_URL));
}

#[tokio::test]
async fn starttls_upgrades_before_sending() {
    send_over("--starttls", SmtpSecurity::StartTls).await;
}

#[tokio::test]
async fn implicit_tls_sends() {
    send_over("--tls", SmtpSecurity::Tls).await;
}

#[tokio::test]
async fn starttls_required_but_not_offered_is_retryable_and_sends_nothing() {
    require_python!("aiosmtpd");
    let sink = SmtpSink::start(None);
    let outbound = support::outbound(EmailSetup::Smtp(sink.config(SmtpSecurity::StartTls)));
    let delivery = support::delivery(&outbound, Channel::Email, NoticeKind::TaskOpened, "ben@cafe.test");
    let error = outbound.send(&delivery, None).await.expect_err("no STARTTLS, no mail");
    assert!(matches!(error, SendError::Retryable(_)), "{error:?}");
    assert!(sink.received().is_empty());
}

#[tokio::test]
async fn a_550_reply_is_permanent_and_a_451_retryable() {
    require_python!("aiosmtpd");
    let sink = SmtpSink::start(None);
    let outbound = support::outbound(EmailSetup::Smtp(sink.config(SmtpSecurity::Plain)));

    let refused = support::delivery(&outbound, Channel::Email, NoticeKind::TaskOpened, "reject@cafe.test");
    let error = outbound.send(&refused, None).await.expect_err("refused");
    assert!(matches!(&error, SendError::Permanent(text) if text.contains("550")), "{error:?}");

    let later = support::delivery(&outbound, Channel::Email, NoticeKind::TaskOpened, "later@cafe.test");
    let error = outbound.send(&later, None).await.expect_err("deferred");
    assert!(matches!(&error, SendError::Retryable(text) if text.contains("451")), "{error:?}");
    assert!(sink.received().is_empty());
}

#[tokio::test]
async fn a_relay_that_is_down_is_retryable() {
    let mut config = SmtpConfig::new("127.0.0.1", "Proofline <proofline@example.com>");
    config.port = Some(support::closed_port());
    config.security = SmtpSecurity::Plain;
    let outbound = support::outbound(EmailSetup::Smtp(config));
    let delivery = support::delivery(&outbound, Channel::Email, NoticeKind::TaskOpened, "ben@cafe.test");
    let error = outbound.send(&delivery, None).await.expect_err("nothing listens");
    assert!(matches!(error, SendError::Retryable(_)), "{error:?}");
}

#[tokio::test]
async fn an_invalid_address_is_permanent_before_any_connection() {
    let mut config = SmtpConfig::new("127.0.0.1", "Proofline <proofline@example.com>");
    config.port = Some(support::closed_port());
    let outbound = support::outbound(EmailSetup::Smtp(config));
    let delivery = support::delivery(&outbound, Channel::Email, NoticeKind::TaskOpened, "not an address");
    let error = outbound.send(&delivery, None).await.expect_err("bad address");
    assert!(matches!(&error, SendError::Permanent(text) if text.contains("not an email address")), "{error:?}");
}

#[tokio::test]
async fn without_smtp_email_is_logged_or_refused_as_configured() {
    let logged = support::outbound(EmailSetup::Log);
    let delivery = support::delivery(&logged, Channel::Email, NoticeKind::TaskOpened, "ben@cafe.test");
    logged.send(&delivery, None).await.expect("logged counts as sent");

    let off = support::outbound(EmailSetup::Off);
    let error = off.send(&delivery, None).await.expect_err("no email");
    assert_eq!(error, SendError::Permanent("email is not configured".into()));
}

#[test]
fn smtp_config_reads_from_toml_and_keeps_the_password_out_of_debug() {
    let config: SmtpConfig = toml::from_str(
        "host = \"smtp.example.com\"\nsecurity = \"tls\"\nusername = \"u\"\npassword = \"hunter2\"\n\
         from = \"Proofline <proofline@example.com>\"\ntimeout = \"30s\"\n",
    )
    .expect("parses");
    assert_eq!(config.port(), 465);
    assert_eq!(config.security, SmtpSecurity::Tls);
    assert!(!format!("{config:?}").contains("hunter2"));
    assert!(toml::from_str::<SmtpConfig>("host = \"h\"\nfrom = \"a@b.c\"\nsurprise = 1\n").is_err());
    let defaults: SmtpConfig = toml::from_str("host = \"h\"\nfrom = \"a@b.c\"\n").expect("parses");
    assert_eq!((defaults.security, defaults.port()), (SmtpSecurity::StartTls, 587));
}
