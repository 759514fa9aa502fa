//! The JSON documents posted to webhooks, Slack and Teams, built from a message and its
//! rendered `chat` block.

use proofline_core::notice::NoticeKind;
use proofline_engine::Message;
use serde_json::{Value, json};

/// The Standard Webhooks envelope: `{"type", "timestamp", "data"}` with the whole message
/// as `data`.
pub fn webhook(message: &Message) -> Result<String, String> {
    let data = serde_json::to_value(message).map_err(|e| format!("cannot serialize the message: {e}"))?;
    let envelope = json!({
        "type": message.kind.as_str(),
        "timestamp": message.occurred_at.to_string(),
        "data": data,
    });
    Ok(envelope.to_string())
}

/// What the button or link under a chat message says.
pub fn link_label(kind: NoticeKind) -> &'static str {
    match kind {
        NoticeKind::DeliveryFailed => "Open the delivery log",
        NoticeKind::DailyDigest | NoticeKind::WeeklyDigest => "Open Proofline",
        _ => "Open task",
    }
}

/// A Slack incoming-webhook message: `text` for notifications and clients without blocks,
/// and one mrkdwn section with the link.
pub fn slack(message: &Message, chat: &str) -> String {
    let text = slack_escape(chat.trim());
    let link = format!("<{}|{}>", slack_escape(&message.url), link_label(message.kind));
    json!({
        "text": format!("{text} {link}"),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": format!("{text}\n{link}")}}
        ],
    })
    .to_string()
}

/// Slack reads `&`, `<` and `>` as control characters in message text; a title like
/// `<b>Fish & chips</b>` must arrive as written, not as markup or a broken link.
fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A Microsoft Teams incoming-webhook message carrying an Adaptive Card: the subject in
/// bold, the chat lines, and an "Open" button.
pub fn teams(message: &Message, subject: &str, chat: &str) -> String {
    let mut body: Vec<Value> = vec![json!({
        "type": "TextBlock",
        "text": subject,
        "weight": "Bolder",
        "size": "Medium",
        "wrap": true,
    })];
    body.extend(
        chat.lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(|line| json!({"type": "TextBlock", "text": line, "wrap": true})),
    );
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "body": body,
                "actions": [{"type": "Action.OpenUrl", "title": "Open", "url": message.url}],
            },
        }],
    })
    .to_string()
}
