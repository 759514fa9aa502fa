//! Shared test pieces: a fully populated sample message, deliveries built from it, and
//! the checks for the Python helpers the real-server tests run.

use jiff::Timestamp;
use proofline_core::notice::{Channel, NoticeKind};
use proofline_core::{OrgId, PersonId, ProcessId, RunId, TaskId};
use proofline_engine::{
    Digest, FailureRef, Message, Notifier, OrgRef, PersonRef, ProcessRef, ProcessWeek, TaskRef, When,
};
use proofline_notify::{EmailSetup, HttpConfig, Outbound, Templates};
use proofline_store::{DeliveryRecord, DeliveryState};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

pub const TASK_URL: &str = "https://proofline.example.com/tasks/42";
/// A title that must be escaped in HTML and left alone everywhere else.
pub const TRICKY_TITLE: &str = "<b>Fish & chips</b>";

fn at(text: &str) -> Timestamp {
    text.parse().expect("a test timestamp")
}

fn person(id: i64, name: &str, email: Option<&str>) -> PersonRef {
    PersonRef { id: PersonId(id), name: name.into(), email: email.map(Into::into) }
}

pub fn task(id: i64, title: &str) -> TaskRef {
    TaskRef {
        id: TaskId(id),
        run: RunId(17),
        title: title.into(),
        state: "open".into(),
        process: ProcessRef { id: ProcessId(3), name: "Closing checklist".into() },
        holder: person(2, "Ben", Some("ben@cafe.test")),
        due: When { at: at("2026-03-03T21:30:00Z"), local: "Tue 3 Mar, 22:30".into() },
        level: 1,
        proof: vec!["Photo: Locked back door".into(), "Checkbox: Alarm set".into()],
        url: format!("https://proofline.example.com/tasks/{id}"),
    }
}

/// A message of `kind` with every field filled, so every template has what it could use.
pub fn sample(kind: NoticeKind) -> Message {
    let mut unresolved = task(43, "Fridge temperature");
    unresolved.state = "unresolved".into();
    Message {
        kind,
        occurred_at: at("2026-03-03T21:00:04Z"),
        org: OrgRef { id: OrgId(1), name: "Corner Café".into() },
        recipient: Some(person(2, "Ben", Some("ben@cafe.test"))),
        task: Some(task(42, "Photo of locked back door")),
        missed_by: Some(person(4, "Ana", None)),
        missed_due: Some(When { at: at("2026-03-03T21:00:00Z"), local: "Tue 3 Mar, 22:00".into() }),
        by: Some(person(5, "Carla", None)),
        reason: Some("The photo is blurry; the lock is not visible.".into()),
        digest: Some(Digest {
            period: "Tue 3 Mar".into(),
            open: vec![task(42, "Photo of locked back door"), unresolved.clone()],
            completed: 5,
            missed: 1,
            moved_to: 2,
            processes: vec![ProcessWeek {
                process: ProcessRef { id: ProcessId(3), name: "Closing checklist".into() },
                completed: 12,
                moved: 3,
                unresolved: 1,
                on_time: "83%".into(),
                lead_time: "1 h 20 min".into(),
            }],
            unresolved: vec![unresolved],
            patterns: Vec::new(),
        }),
        failure: Some(FailureRef {
            channel: Channel::Webhook,
            address: "https://hooks.example.com/proofline".into(),
            attempts: 8,
            notice: NoticeKind::TaskMoved,
        }),
        url: TASK_URL.into(),
    }
}

/// A delivery as the engine would claim it: rendered for `channel`, bound for `address`.
pub fn delivery(outbound: &Outbound, channel: Channel, kind: NoticeKind, address: &str) -> DeliveryRecord {
    let rendered = outbound.render(channel, &sample(kind)).expect("the sample renders");
    let now = at("2026-03-03T21:00:05Z");
    DeliveryRecord {
        id: 7,
        org: OrgId(1),
        notice: 11,
        kind,
        channel,
        endpoint: (channel != Channel::Email).then_some(3),
        destination: if channel == Channel::Email { "smtp".into() } else { "endpoint:3".into() },
        address: address.into(),
        dedupe_key: format!("notice:11:{}:{address}", channel.as_str()),
        subject: rendered.subject,
        body: rendered.body,
        html: rendered.html,
        state: DeliveryState::Pending,
        attempts: 1,
        next_attempt_at: now,
        last_error: None,
        sent_at: None,
        created_at: now,
    }
}

/// An outbound with the shipped templates and short HTTP timeouts.
pub fn outbound(email: EmailSetup) -> Outbound {
    let http = HttpConfig { timeout: Duration::from_millis(1_500), connect_timeout: Duration::from_secs(1) };
    Outbound::new(Templates::embedded().expect("the shipped templates compile"), email, &http)
        .expect("the outbound builds")
}

pub fn py_script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/py").join(name)
}

/// `None` when python3 can import `module`, or why not.
pub fn missing_python_module(module: &str) -> Option<String> {
    match Command::new("python3").args(["-c", &format!("import {module}")]).output() {
        Ok(out) if out.status.success() => None,
        Ok(_) => Some(format!("python3 cannot import {module}")),
        Err(e) => Some(format!("python3 is not available: {e}")),
    }
}

/// Returns from the test (passing it) when a Python module is missing, saying so.
macro_rules! require_python {
    ($module:expr) => {
        if let Some(reason) = crate::support::missing_python_module($module) {
            println!("skipped: {reason} (pip install aiosmtpd standardwebhooks jsonschema)");
            return;
        }
    };
}
pub(crate) use require_python;

/// A port nothing listens on (bound, then released).
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("address").port()
}
