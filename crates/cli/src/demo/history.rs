//! Replays three months of café life through the real engine with a manual clock: people
//! do most work on time, some less reliably, so misses, escalations and out-of-range
//! readings appear where they would. Two habits are planted for pattern detection to
//! find: Friday nights' closing slips, and the fridge warms over the last three weeks.

use super::seed::Seeded;
use jiff::{SignedDuration, Timestamp};
use proofline_core::access::Access;
use proofline_core::process::{ProcessDefinition, ProcessStatus};
use proofline_core::proof::ProofRule;
use proofline_core::task::TaskState;
use proofline_core::{PersonId, ProcessId};
use proofline_engine::{Actor, Engine, ManualClock, Upload};
use proofline_store::TaskQuery;
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::io::Cursor;
use std::sync::Arc;

/// The chance per hour that a person gets to an open task of theirs.
fn diligence(name: &str) -> f64 {
    match name {
        "Dan" => 0.3,
        "Ivan" => 0.4,
        "Fay" => 0.5,
        "Olga" => 0.6,
        _ => 0.8,
    }
}

fn png() -> Vec<u8> {
    let mut out = Vec::new();
    let image = image::RgbImage::from_fn(8, 8, |x, y| image::Rgb([(x * 30) as u8, (y * 30) as u8, 128]));
    let _ = image.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png);
    out
}

/// How far into the fridge's last three weeks `now` is (0 before, 1 at the end): its
/// compressor is failing, so readings creep up toward and past 5 °C.
fn warmth(now: Timestamp, end: Timestamp) -> f64 {
    let left = end.duration_since(now).as_secs_f64() / SignedDuration::from_hours(24 * 21).as_secs_f64();
    (1.0 - left).clamp(0.0, 1.0)
}

/// Friday nights are busy: whoever closes gets to the closing checklist far less often.
fn friday_night(local: &jiff::Zoned) -> bool {
    local.weekday() == jiff::civil::Weekday::Friday && local.hour() >= 21
}

fn evidence(
    definition: &ProcessDefinition,
    step: usize,
    signer: &str,
    warmth: f64,
    rng: &mut fastrand::Rng,
) -> (Map<String, Value>, Vec<Upload>) {
    let mut values = Map::new();
    let mut uploads = Vec::new();
    let Some(step) = definition.steps.get(step) else { return (values, uploads) };
    for req in &step.proof {
        let key = req.key.clone();
        match &req.rule {
            ProofRule::Number { max: Some(max), .. } => {
                // Mostly in range, now and then a warm reading, and warmer as the
                // compressor fails.
                let drift = warmth * 3.5;
                let reading =
                    if rng.f64() < 0.04 { max + 1.0 + rng.f64() * 2.0 } else { max - 3.0 + drift + rng.f64() * 1.5 };
                values.insert(key, json!((reading * 10.0).round() / 10.0));
            }
            ProofRule::Number { .. } => {
                values.insert(key, json!(rng.u32(3..900)));
            }
            ProofRule::Checklist { items } => {
                values.insert(key, json!(items));
            }
            ProofRule::Signature { .. } => {
                values.insert(key, json!({"name": signer, "attest": true}));
            }
            ProofRule::Text { .. } => {
                values.insert(key, json!(format!("job-{} finished, {} GB", rng.u32(1000..9999), rng.u32(20..60))));
            }
            ProofRule::Link => {
                values.insert(key, json!(format!("https://backups.corner-cafe.example/reports/{}", rng.u32(1..99999))));
            }
            ProofRule::Photo { min, .. } => {
                for i in 0..*min {
                    uploads.push(Upload { key: key.clone(), filename: Some(format!("photo-{i}.png")), bytes: png() });
                }
            }
            ProofRule::File { .. } => {
                let pdf = format!("%PDF-1.4\n% invoices run {}\n%%EOF\n", rng.u32(1..9999));
                uploads.push(Upload {
                    key: key.clone(),
                    filename: Some("invoices.pdf".into()),
                    bytes: pdf.into_bytes(),
                });
            }
            // The approver gives it after the submission, not with it.
            ProofRule::Approval { .. } => {}
        }
    }
    (values, uploads)
}

pub async fn replay(live: &Engine, seeded: &Seeded) -> anyhow::Result<()> {
    let clock = ManualClock::new(seeded.start);
    let engine = Engine::new(live.store.clone(), Arc::new(clock.clone()), live.blobs.clone(), live.config.clone());
    for process in engine.store.list_processes(seeded.org).await? {
        engine.set_process_status(seeded.owner, process.id, ProcessStatus::Active).await?;
    }
    let names: HashMap<PersonId, String> = seeded.people.iter().cloned().collect();
    let mut definitions: HashMap<ProcessId, ProcessDefinition> = HashMap::new();
    let mut rng = fastrand::Rng::with_seed(2026);
    let mut delivered_today: Option<jiff::civil::Date> = None;
    let end = Timestamp::now();
    let horizon_ms = engine.config.horizon.as_millis() as i64;
    let mut now = seeded.start;
    while now < end {
        // Step to the next instant something is due (an opening, a deadline), at most an
        // hour on, so tasks open and move at their real times.
        let due = engine.store.next_wakeup(horizon_ms).await?.filter(|at| *at > now);
        let previous = now;
        now = due.unwrap_or(end).min(now + SignedDuration::from_hours(1)).min(end);
        let step_hours = now.duration_since(previous).as_secs_f64() / 3_600.0;
        clock.set(now);
        engine.pass(now).await?;
        // Deliveries arrive Tuesday and Thursday mornings.
        let local = now.to_zoned(jiff::tz::TimeZone::get("Europe/Berlin")?);
        let delivery_day = matches!(local.weekday(), jiff::civil::Weekday::Tuesday | jiff::civil::Weekday::Thursday);
        if delivery_day && local.hour() == 9 && delivered_today != Some(local.date()) {
            delivered_today = Some(local.date());
            engine.start_run(seeded.owner, seeded.delivery, Some("delivery"), None).await?;
        }
        let open = engine
            .store
            .list_tasks(seeded.org, &TaskQuery { states: vec![TaskState::Open], limit: 10_000, ..TaskQuery::default() })
            .await?;
        for task in open {
            let name = names.get(&task.holder).cloned().unwrap_or_default();
            // Diligence is a chance per hour; a shorter step gives a proportionally smaller one.
            let busy = if friday_night(&local) { 0.15 } else { 1.0 };
            if rng.f64() > 1.0 - (1.0 - diligence(&name) * busy).powf(step_hours) {
                continue;
            }
            let definition = match definitions.entry(task.process) {
                std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
                std::collections::hash_map::Entry::Vacant(entry) => {
                    entry.insert(engine.store.get_process(seeded.org, task.process).await?.definition)
                }
            };
            let (values, uploads) = evidence(definition, task.step_index as usize, &name, warmth(now, end), &mut rng);
            let actor = Actor { org: seeded.org, person: task.holder, access: Access::Member };
            // A task that moved meanwhile is simply someone else's now.
            let _ = engine.submit_proof(actor, task.id, values, uploads).await;
        }
    }
    // This engine has no channels: routing marks the history's notices handled, so the
    // live one does not email three months of old news when it starts.
    engine.route_once(end).await?;
    mark_history_read(&engine, seeded, end).await
}

/// Three months of notices would bury the in-app lists: what is older than a day counts
/// as read, so each person starts with only yesterday's and today's unread.
async fn mark_history_read(engine: &Engine, seeded: &Seeded, end: Timestamp) -> anyhow::Result<()> {
    let yesterday = end - SignedDuration::from_hours(24);
    for (person, _) in &seeded.people {
        let unread = engine.store.list_notices(seeded.org, *person, true, None, 100_000).await?;
        let old: Vec<i64> = unread.iter().filter(|n| n.created_at < yesterday).map(|n| n.id).collect();
        if !old.is_empty() {
            engine.store.mark_read(seeded.org, *person, &old, end).await?;
        }
    }
    Ok(())
}
