//! Outbox throughput: notices routed into deliveries, then handed to a local SMTP server
//! and a local webhook receiver by the real delivery loop — once with every endpoint
//! healthy, once with a dead endpoint among them, to show it holds up nobody else.

use super::figure;
use super::sinks::{Received, dead_sink, http_sink, smtp_sink};
use jiff::Timestamp;
use proofline_core::OrgId;
use proofline_core::access::Access;
use proofline_core::notice::{Channel, NoticeKind};
use proofline_engine::{EndpointInput, Engine, EngineConfig, LocalBlobs, SystemClock};
use proofline_notify::{EmailSetup, HttpConfig, Outbound, SmtpConfig, SmtpSecurity, Templates};
use proofline_store::{NewNotice, Store};
use proofline_store_sqlite::SqliteStore;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

const PEOPLE: u32 = 200;

struct Outcome {
    route_seconds: f64,
    /// Until every message of each kind was received (each channel on its own clock).
    email_seconds: f64,
    webhook_seconds: f64,
    emails: u64,
    webhooks: u64,
}

pub async fn run(dir: &std::path::Path, messages: u32) -> anyhow::Result<()> {
    let healthy = scenario(dir, "outbox-healthy", messages, false).await?;
    let with_dead = scenario(dir, "outbox-dead", messages, true).await?;
    for (name, outcome) in [("healthy", &healthy), ("with_dead_endpoint", &with_dead)] {
        let delivered = (outcome.emails + outcome.webhooks) as f64;
        let seconds = outcome.email_seconds.max(outcome.webhook_seconds);
        figure(
            &format!("outbox_delivered_per_sec_{name}"),
            delivered / seconds,
            "messages/s",
            json!({"emails": outcome.emails, "webhooks": outcome.webhooks, "seconds": seconds,
                   "smtp_per_sec": outcome.emails as f64 / outcome.email_seconds,
                   "webhook_per_sec": outcome.webhooks as f64 / outcome.webhook_seconds}),
        );
        figure(
            &format!("outbox_routed_per_sec_{name}"),
            f64::from(messages) / outcome.route_seconds,
            "notices/s",
            json!({"notices": messages, "seconds": outcome.route_seconds}),
        );
    }
    Ok(())
}

async fn scenario(dir: &std::path::Path, name: &str, messages: u32, dead: bool) -> anyhow::Result<Outcome> {
    let emails = Received::default();
    let webhooks = Received::default();
    let smtp_port = smtp_sink(emails.clone()).await?;
    let http_port = http_sink(webhooks.clone()).await?;

    let url = format!("sqlite://{}", dir.join(format!("{name}.db")).display());
    let store: Arc<dyn Store> = Arc::new(SqliteStore::connect(&url).await?);
    let org = store.create_org("Bench", "UTC").await?;
    let people = super::people(&*store, org, PEOPLE).await?;
    let smtp = SmtpConfig {
        port: Some(smtp_port),
        security: SmtpSecurity::Plain,
        ..SmtpConfig::new("127.0.0.1", "Proofline <proofline@bench.test>")
    };
    let outbound = Outbound::new(Templates::embedded()?, EmailSetup::Smtp(smtp), &HttpConfig::default())?;
    let blobs = Arc::new(LocalBlobs::new(dir.join("blobs")));
    let engine = Engine::new(store.clone(), Arc::new(SystemClock), blobs, EngineConfig::default())
        .with_notifier(Arc::new(outbound));
    let owner = proofline_engine::Actor { org, person: people[0], access: Access::Owner };
    let hook = |name: &str, port: u16| EndpointInput {
        channel: Channel::Webhook,
        name: name.into(),
        url: format!("http://127.0.0.1:{port}/hook"),
        events: vec![NoticeKind::TaskUnresolved],
        active: true,
    };
    engine.create_endpoint(owner, hook("receiver", http_port)).await?;
    if dead {
        engine.create_endpoint(owner, hook("dead", dead_sink().await?)).await?;
    }

    add_notices(&engine, org, &people, messages).await?;
    let started = Instant::now();
    engine.route_once(Timestamp::now()).await?;
    let route_seconds = started.elapsed().as_secs_f64();

    let (stop, stopped) = tokio::sync::watch::channel(false);
    let deliverer = {
        let engine = engine.clone();
        tokio::spawn(async move { engine.run_deliveries(stopped).await })
    };
    let started = Instant::now();
    let want = u64::from(messages);
    let (mut email_seconds, mut webhook_seconds) = (None, None);
    while (email_seconds.is_none() || webhook_seconds.is_none()) && started.elapsed() < Duration::from_secs(300) {
        tokio::time::sleep(Duration::from_millis(5)).await;
        let elapsed = started.elapsed().as_secs_f64();
        if email_seconds.is_none() && emails.count() >= want {
            email_seconds = Some(elapsed);
        }
        if webhook_seconds.is_none() && webhooks.count() >= want {
            webhook_seconds = Some(elapsed);
        }
    }
    let timed_out = started.elapsed().as_secs_f64();
    let _ = stop.send(true);
    // The dead endpoint's sends in flight end at their timeout; do not wait for them.
    deliverer.abort();
    Ok(Outcome {
        route_seconds,
        email_seconds: email_seconds.unwrap_or(timed_out),
        webhook_seconds: webhook_seconds.unwrap_or(timed_out),
        emails: emails.count(),
        webhooks: webhooks.count(),
    })
}

/// Unresolved-task notices for the owner-like people, as a burst of escalations would write.
async fn add_notices(
    engine: &Engine,
    org: OrgId,
    people: &[proofline_core::PersonId],
    count: u32,
) -> anyhow::Result<()> {
    let mut batch = Vec::with_capacity(1_000);
    for i in 0..count {
        batch.push(NewNotice {
            org,
            person: Some(people[i as usize % people.len()]),
            kind: NoticeKind::TaskUnresolved,
            key: format!("bench:{i}"),
            task: None,
            run: None,
            process: None,
            data: json!({"reason": "bench"}),
        });
        if batch.len() == 1_000 || i + 1 == count {
            engine.store.add_notices(&batch, Timestamp::now()).await?;
            batch.clear();
        }
    }
    Ok(())
}
