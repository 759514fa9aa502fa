//! Slack and Teams incoming webhooks: the payload a receiver gets, and its classification.

use crate::receiver::Receiver;
use crate::support::{self, TASK_URL};
use proofline_core::notice::{Channel, NoticeKind};
use proofline_engine::{Notifier, SendError};
use proofline_notify::EmailSetup;

#[tokio::test]
async fn slack_gets_text_and_a_mrkdwn_section_with_the_link() {
    let receiver = Receiver::start().await;
    let outbound = support::outbound(EmailSetup::Off);
    let delivery = support::delivery(&outbound, Channel::Slack, NoticeKind::TaskMoved, &receiver.url("/slack"));
    outbound.send(&delivery, None).await.expect("delivered");

    let requests = receiver.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert!(request.header("webhook-signature").is_none(), "chat is not signed");
    let json = request.json();
    let link = format!("<{TASK_URL}|Open task>");
    let text = json["text"].as_str().expect("text");
    assert!(text.contains("Ana missed \"Photo of locked back door\"") && text.contains(&link), "{text}");
    assert_eq!(json["blocks"][0]["type"], "section");
    assert_eq!(json["blocks"][0]["text"]["type"], "mrkdwn");
    assert!(json["blocks"][0]["text"]["text"].as_str().is_some_and(|t| t.contains(&link)), "{json}");
}

#[tokio::test]
async fn teams_gets_an_adaptive_card_with_an_open_button() {
    let receiver = Receiver::start().await;
    let outbound = support::outbound(EmailSetup::Off);
    let delivery = support::delivery(&outbound, Channel::Teams, NoticeKind::TaskUnresolved, &receiver.url("/teams"));
    outbound.send(&delivery, None).await.expect("delivered");

    let json = receiver.requests()[0].json();
    assert_eq!(json["type"], "message");
    let attachment = &json["attachments"][0];
    assert_eq!(attachment["contentType"], "application/vnd.microsoft.card.adaptive");
    let card = &attachment["content"];
    assert_eq!(card["type"], "AdaptiveCard");
    assert_eq!(card["version"], "1.4");
    let blocks = card["body"].as_array().expect("body");
    assert!(blocks.iter().all(|b| b["type"] == "TextBlock"));
    assert_eq!(blocks[0]["text"], delivery.subject);
    assert!(blocks.iter().any(|b| b["text"].as_str().is_some_and(|t| t.contains("missed at every level"))));
    assert_eq!(card["actions"][0]["type"], "Action.OpenUrl");
    assert_eq!(card["actions"][0]["title"], "Open");
    assert_eq!(card["actions"][0]["url"], TASK_URL);
}

#[tokio::test]
async fn a_removed_chat_hook_is_permanent_and_a_throttled_one_retryable() {
    let receiver = Receiver::start().await;
    let outbound = support::outbound(EmailSetup::Off);
    let gone = support::delivery(&outbound, Channel::Slack, NoticeKind::TaskOpened, &receiver.url("/status/404"));
    assert!(matches!(outbound.send(&gone, None).await, Err(SendError::Permanent(_))));
    let busy = support::delivery(&outbound, Channel::Teams, NoticeKind::TaskOpened, &receiver.url("/status/429"));
    assert!(matches!(outbound.send(&busy, None).await, Err(SendError::Retryable(_))));
}
