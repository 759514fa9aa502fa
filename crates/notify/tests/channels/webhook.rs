//! Signed webhooks against a local receiver, verified by the Standard Webhooks reference
//! library (Python); and how each kind of answer is classified.

use crate::receiver::{Receiver, Request};
use crate::support::{self, require_python};
use proofline_core::notice::{Channel, NoticeKind};
use proofline_engine::{Notifier, SendError};
use proofline_notify::{EmailSetup, new_secret, webhook};
use std::process::Command;
use std::time::{Duration, Instant};

/// Runs `verify_webhook.py`: `Ok` when the reference library accepts the request.
fn verify_with_reference_library(secret: &str, request: &Request) -> Result<(), String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("request.json");
    let headers: serde_json::Map<String, serde_json::Value> =
        request.headers.iter().map(|(n, v)| (n.clone(), v.clone().into())).collect();
    let captured = serde_json::json!({"headers": headers, "body": request.body});
    std::fs::write(&path, captured.to_string()).expect("write the request");
    let out = Command::new("python3")
        .arg(support::py_script("verify_webhook.py"))
        .arg(secret)
        .arg(&path)
        .output()
        .expect("run python3");
    let said = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if out.status.success() { Ok(()) } else { Err(format!("{said} {}", String::from_utf8_lossy(&out.stderr))) }
}

#[tokio::test]
async fn a_signed_webhook_verifies_with_the_standard_webhooks_library() {
    require_python!("standardwebhooks");
    let receiver = Receiver::start().await;
    let outbound = support::outbound(EmailSetup::Off);
    let secret = new_secret().expect("a secret");
    let delivery = support::delivery(&outbound, Channel::Webhook, NoticeKind::TaskMoved, &receiver.url("/hook"));

    outbound.send(&delivery, Some(&secret)).await.expect("delivered");
    outbound.send(&delivery, Some(&secret)).await.expect("delivered again, as a retry would");

    let requests = receiver.requests();
    assert_eq!(requests.len(), 2);
    let request = &requests[0];
    assert_eq!(request.path, "/hook", "posted to the endpoint's own address");
    assert_eq!(request.body, delivery.body, "the body goes out verbatim");
    assert_eq!(request.header("content-type"), Some("application/json"));
    let id = request.header("webhook-id").expect("webhook-id");
    assert_eq!(id, webhook::message_id(&delivery.dedupe_key));
    assert!(id.starts_with("msg_") && id.len() == 36, "{id}");
    assert_eq!(requests[1].header("webhook-id"), Some(id), "the id is stable across retries");
    let timestamp: i64 = request.header("webhook-timestamp").expect("timestamp").parse().expect("unix seconds");
    assert!((jiff::Timestamp::now().as_second() - timestamp).abs() < 60);
    assert!(request.header("webhook-signature").is_some_and(|s| s.starts_with("v1,")));

    let envelope = request.json();
    assert_eq!(envelope["type"], "task.moved");
    assert_eq!(envelope["data"]["task"]["title"], "Photo of locked back door");

    verify_with_reference_library(&secret, request).expect("the reference library accepts the signature");
    // And it would refuse the same request under another secret, so the check means something.
    let other = new_secret().expect("a secret");
    assert!(verify_with_reference_library(&other, request).is_err());
}

#[tokio::test]
async fn a_webhook_without_a_usable_secret_is_permanent() {
    let receiver = Receiver::start().await;
    let outbound = support::outbound(EmailSetup::Off);
    let delivery = support::delivery(&outbound, Channel::Webhook, NoticeKind::TaskOpened, &receiver.url("/hook"));
    for secret in [None, Some(""), Some("whsec_not*base64")] {
        let error = outbound.send(&delivery, secret).await.expect_err("unsigned");
        assert!(matches!(error, SendError::Permanent(_)), "{secret:?}: {error:?}");
    }
    assert!(receiver.requests().is_empty(), "nothing unsigned went out");
}

async fn outcome(path: &str) -> Result<(), SendError> {
    let receiver = Receiver::start().await;
    let outbound = support::outbound(EmailSetup::Off);
    let delivery = support::delivery(&outbound, Channel::Webhook, NoticeKind::TaskOpened, &receiver.url(path));
    let secret = new_secret().expect("a secret");
    outbound.send(&delivery, Some(&secret)).await
}

#[tokio::test]
async fn answers_are_classified_retryable_or_permanent() {
    assert_eq!(outcome("/status/200").await, Ok(()));
    assert_eq!(outcome("/status/202").await, Ok(()));
    for code in [500, 502, 503, 429, 408] {
        let result = outcome(&format!("/status/{code}")).await;
        assert!(matches!(&result, Err(SendError::Retryable(t)) if t.contains(&code.to_string())), "{code}: {result:?}");
    }
    for code in [400, 401, 404, 410, 301, 302] {
        let result = outcome(&format!("/status/{code}")).await;
        assert!(matches!(&result, Err(SendError::Permanent(t)) if t.contains(&code.to_string())), "{code}: {result:?}");
    }
}

#[tokio::test]
async fn an_endpoint_that_never_answers_is_retryable_within_the_timeout() {
    let started = Instant::now();
    let result = outcome("/hang").await;
    assert!(matches!(result, Err(SendError::Retryable(_))), "{result:?}");
    // The test outbound allows 1.5 s per request.
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
}

#[tokio::test]
async fn nothing_listening_is_retryable_and_a_bad_url_permanent() {
    let outbound = support::outbound(EmailSetup::Off);
    let secret = new_secret().expect("a secret");
    let closed = format!("http://127.0.0.1:{}/hook", support::closed_port());
    let delivery = support::delivery(&outbound, Channel::Webhook, NoticeKind::TaskOpened, &closed);
    let result = outbound.send(&delivery, Some(&secret)).await;
    assert!(matches!(result, Err(SendError::Retryable(_))), "{result:?}");

    for bad in ["not a url", "ftp://example.com/hook"] {
        let delivery = support::delivery(&outbound, Channel::Webhook, NoticeKind::TaskOpened, bad);
        let result = outbound.send(&delivery, Some(&secret)).await;
        assert!(matches!(result, Err(SendError::Permanent(_))), "{bad}: {result:?}");
    }
}

/// Runs `validate_schema.py` over `documents`: the problems it found, one per line.
fn schema_problems(documents: &[serde_json::Value]) -> Vec<String> {
    let schema = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/webhook-event.schema.json");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("documents.json");
    std::fs::write(&path, serde_json::Value::from(documents.to_vec()).to_string()).expect("write the documents");
    let out = Command::new("python3")
        .arg(support::py_script("validate_schema.py"))
        .arg(schema)
        .arg(&path)
        .output()
        .expect("run python3");
    assert!(out.stderr.is_empty(), "the validator failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect()
}

#[test]
fn every_webhook_body_matches_the_published_schema() {
    require_python!("jsonschema");
    let outbound = support::outbound(EmailSetup::Off);
    let mut bodies = Vec::new();
    for kind in NoticeKind::ALL {
        let full = support::sample(kind);
        let mut bare = full.clone();
        (bare.recipient, bare.task, bare.missed_by, bare.missed_due) = (None, None, None, None);
        (bare.by, bare.reason, bare.digest, bare.failure) = (None, None, None, None);
        for message in [full, bare] {
            let rendered = outbound.render(Channel::Webhook, &message).expect("renders");
            bodies.push(serde_json::from_str::<serde_json::Value>(&rendered.body).expect("JSON"));
        }
    }
    assert_eq!(schema_problems(&bodies), Vec::<String>::new(), "docs/webhook-event.schema.json describes every body");

    // The schema is strict enough to notice drift: a field it does not name is refused.
    let mut drifted = bodies[0].clone();
    drifted["data"]["task"]["priority"] = "high".into();
    let problems = schema_problems(&[drifted]);
    assert!(problems.iter().any(|p| p.contains("priority")), "{problems:?}");
}
