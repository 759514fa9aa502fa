//! The message templates: every kind words every channel, escaping where it must, and an
//! operator's folder overrides single files.

use crate::support::{TASK_URL, TRICKY_TITLE, sample};
use proofline_core::notice::{Channel, NoticeKind};
use proofline_engine::{Message, Rendered};
use proofline_notify::Templates;

const CHANNELS: [Channel; 4] = [Channel::Email, Channel::Webhook, Channel::Slack, Channel::Teams];

fn render(channel: Channel, message: &Message) -> Rendered {
    let templates = Templates::embedded().expect("the shipped templates compile");
    templates.render(channel, message).unwrap_or_else(|e| panic!("{} for {channel:?}: {e}", message.kind))
}

fn email(kind: NoticeKind) -> (String, String, String) {
    let rendered = render(Channel::Email, &sample(kind));
    (rendered.subject, rendered.body, rendered.html.expect("email has HTML"))
}

#[test]
fn every_kind_renders_for_every_channel() {
    for kind in NoticeKind::ALL {
        let message = sample(kind);
        for channel in CHANNELS {
            let rendered = render(channel, &message);
            assert!(!rendered.subject.is_empty(), "{kind} {channel:?}");
            assert!(!rendered.subject.contains('\n'), "{kind}: subject {:?} is one line", rendered.subject);
            assert_eq!(rendered.subject, rendered.subject.trim());
            assert!(!rendered.subject.contains("  "), "{kind}: {:?}", rendered.subject);
            match channel {
                Channel::Email => {
                    let html = rendered.html.expect("html");
                    assert!(rendered.body.contains(TASK_URL), "{kind}: the text links to the task:\n{}", rendered.body);
                    assert!(html.contains(&format!("href=\"{TASK_URL}\"")), "{kind}: the HTML links to the task");
                    assert!(html.starts_with("<!DOCTYPE html>"), "{kind}");
                    assert!(!rendered.body.contains("\n\n\n"), "{kind}: no runs of blank lines");
                }
                _ => {
                    serde_json::from_str::<serde_json::Value>(&rendered.body).expect("the body is JSON");
                    assert!(rendered.html.is_none());
                }
            }
        }
    }
}

#[test]
fn a_message_missing_its_optional_parts_still_renders() {
    for kind in NoticeKind::ALL {
        let mut message = sample(kind);
        (message.recipient, message.task, message.missed_by, message.missed_due) = (None, None, None, None);
        (message.by, message.reason, message.digest, message.failure) = (None, None, None, None);
        for channel in CHANNELS {
            render(channel, &message);
        }
    }
}

#[test]
fn html_escapes_a_title_and_text_subject_and_chat_keep_it_verbatim() {
    for kind in [NoticeKind::TaskOpened, NoticeKind::TaskMoved, NoticeKind::TaskReturned, NoticeKind::TaskCompleted] {
        let mut message = sample(kind);
        if let Some(task) = message.task.as_mut() {
            task.title = TRICKY_TITLE.into();
        }
        let rendered = render(Channel::Email, &message);
        let html = rendered.html.expect("html");
        assert!(html.contains("&lt;b&gt;Fish &amp; chips&lt;/b&gt;"), "{kind}: escaped in HTML:\n{html}");
        assert!(!html.contains(TRICKY_TITLE), "{kind}");
        assert!(rendered.body.contains(TRICKY_TITLE), "{kind}: verbatim in text:\n{}", rendered.body);
        assert!(rendered.subject.contains(TRICKY_TITLE), "{kind}: verbatim in the subject");

        let teams = render(Channel::Teams, &message);
        assert!(teams.body.contains("<b>Fish & chips</b>"), "{kind}: Teams text is JSON-escaped only");
        // Slack reads < > & as markup, so they arrive escaped the way Slack expects.
        let slack = render(Channel::Slack, &message);
        assert!(slack.body.contains("&lt;b&gt;Fish &amp; chips&lt;/b&gt;"), "{kind}: {}", slack.body);
    }
}

#[test]
fn task_moved_says_who_missed_it_what_is_due_and_what_proof() {
    let (subject, text, html) = email(NoticeKind::TaskMoved);
    assert_eq!(subject, "Ana missed \"Photo of locked back door\": it is yours, due Tue 3 Mar, 22:30");
    assert!(text.starts_with("Hi Ben,\n\n"), "{text}");
    assert!(
        text.contains("Ana missed \"Photo of locked back door\" in Closing checklist (due Tue 3 Mar, 22:00). It is yours now: due Tue 3 Mar, 22:30."),
        "{text}"
    );
    assert!(text.contains("Proof to submit:\n- Photo: Locked back door\n- Checkbox: Alarm set\n"), "{text}");
    assert!(text.ends_with(&format!("Submit the proof: {TASK_URL}\n")), "{text}");
    assert!(html.contains("Corner Café"), "the footer names the organization");
}

#[test]
fn returned_unresolved_and_failed_say_what_to_do() {
    let (_, text, _) = email(NoticeKind::TaskReturned);
    assert!(text.contains("Carla sent back your proof") && text.contains("Reason: The photo is blurry"), "{text}");
    let (_, text, _) = email(NoticeKind::TaskUnresolved);
    assert!(text.contains("Every level of the escalation chain missed") && text.contains("yours to settle"), "{text}");
    let (subject, text, _) = email(NoticeKind::DeliveryFailed);
    assert!(subject.contains("task.moved"), "{subject}");
    assert!(text.contains("https://hooks.example.com/proofline after 8 attempts"), "{text}");
    assert!(text.contains("Last error: The photo is blurry"), "the reason is the error: {text}");
}

#[test]
fn digests_list_work_counts_and_patterns() {
    let (subject, text, _) = email(NoticeKind::DailyDigest);
    assert_eq!(subject, "Your day, Tue 3 Mar: 2 open tasks");
    assert!(text.contains("- Photo of locked back door (Closing checklist), due Tue 3 Mar, 22:30:"), "{text}");
    assert!(text.contains("5 completed, 1 missed, 2 moved to you"), "{text}");

    let (_, text, html) = email(NoticeKind::WeeklyDigest);
    assert!(
        text.contains(
            "- Closing checklist: 12 completed, 3 moved, 1 unresolved; 83% of runs on time, median run 1 h 20 min"
        ),
        "{text}"
    );
    assert!(html.contains(">83%</td>"), "the table has the on-time rate: {html}");
    assert!(text.contains("- Fridge temperature (Closing checklist), due"), "{text}");
    assert!(!text.contains("Repeated failures") && !html.contains("Repeated failures"), "no empty claims: {text}");

    let mut message = sample(NoticeKind::WeeklyDigest);
    if let Some(digest) = message.digest.as_mut() {
        digest.patterns = vec!["Fridge temperature missed 3 times on Mondays".into()];
    }
    let rendered = render(Channel::Email, &message);
    assert!(
        rendered.body.contains("Repeated failures:\n- Fridge temperature missed 3 times on Mondays"),
        "{}",
        rendered.body
    );
    assert!(rendered.html.unwrap_or_default().contains("<li>Fridge temperature missed 3 times on Mondays</li>"));
}

#[test]
fn the_webhook_body_is_the_standard_webhooks_envelope() {
    let message = sample(NoticeKind::TaskMoved);
    let rendered = render(Channel::Webhook, &message);
    let json: serde_json::Value = serde_json::from_str(&rendered.body).expect("JSON");
    assert_eq!(json["type"], "task.moved");
    assert_eq!(json["timestamp"], "2026-03-03T21:00:04Z");
    assert_eq!(json["data"], serde_json::to_value(&message).expect("serializes"));
    assert_eq!(json["data"]["missed_by"]["name"], "Ana");
    assert!(rendered.subject.starts_with("Ana missed"));
}

#[test]
fn a_folder_overrides_single_templates_and_a_broken_one_fails_loudly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let reworded = "{% block subject %}Yours now: {{ task.title }}{% endblock %}\
                    {% block text %}Go: {{ url }}{% endblock %}\
                    {% block html %}<a href=\"{{ url }}\">{{ task.title }}</a>{% endblock %}\
                    {% block chat %}Moved: {{ task.title }}{% endblock %}";
    std::fs::write(dir.path().join("task_moved.jinja"), reworded).expect("write");
    let templates = Templates::from_dir(dir.path()).expect("loads");
    assert_eq!(templates.overridden(), ["task_moved.jinja"]);

    let mut message = sample(NoticeKind::TaskMoved);
    if let Some(task) = message.task.as_mut() {
        task.title = TRICKY_TITLE.into();
    }
    let rendered = templates.render(Channel::Email, &message).expect("renders");
    assert_eq!(rendered.subject, format!("Yours now: {TRICKY_TITLE}"));
    assert_eq!(rendered.body, format!("Go: {TASK_URL}\n"));
    assert!(rendered.html.expect("html").contains("&lt;b&gt;"), "overrides are escaped too");
    let other = templates.render(Channel::Email, &sample(NoticeKind::TaskOpened)).expect("renders");
    assert!(other.subject.starts_with("To do:"), "the other kinds keep the shipped wording");

    std::fs::write(dir.path().join("task_opened.jinja"), "{% block subject %}{{ oops {% endblock %}").expect("write");
    let error = Templates::from_dir(dir.path()).expect_err("does not compile");
    assert!(error.to_string().contains("task_opened.jinja"), "{error}");
    assert!(Templates::from_dir(&dir.path().join("missing")).is_err());
}
