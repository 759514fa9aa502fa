//! Throughput: 10,000,000 finished tasks over 1,000 processes (10,000 each). Ignored by
//! default; measure in release:
//! `cargo test --release -p proofline-core pattern::tests::perf -- --ignored --nocapture`.

use super::generator::{PLANTS, Shape, generate, zone};
use crate::ids::ProcessId;
use crate::pattern::rows::Rows;
use crate::pattern::{Settings, detect_process};
use std::time::Instant;

const PROCESSES: usize = 1_000;
/// Distinct histories reused round-robin, so the test needs ~30 MB instead of 1.5 GB.
const DISTINCT: usize = 20;
/// 2,000 daily runs × 5 steps = 10,000 tasks per process.
const DAYS: i64 = 2_000;

#[test]
#[ignore]
fn ten_million_outcomes_in_well_under_a_second() {
    let mut histories: Vec<_> = (0..DISTINCT)
        .map(|i| {
            let plant = (i % 2 == 0).then(|| PLANTS[i / 2 % PLANTS.len()]);
            generate(i as u64, ProcessId(i as i64 + 1), DAYS, Shape::Daily, plant)
        })
        .collect();
    // The generator shuffles (the worst case); measure that, then the order a store
    // would likely stream (by scheduled instant).
    measure("shuffled", &histories);
    for history in &mut histories {
        history.outcomes.sort_by_key(|o| (o.scheduled_for, o.task));
        history.readings.sort_by_key(|r| (r.at, r.task));
    }
    measure("in time order", &histories);
}

fn measure(label: &str, histories: &[super::generator::History]) {
    let settings = Settings::default();
    let started = Instant::now();
    let cpu_started = cpu_seconds();
    let (mut outcomes, mut findings) = (0, 0);
    for i in 0..PROCESSES {
        let history = &histories[i % DISTINCT];
        outcomes += history.outcomes.len();
        findings += detect_process(
            &history.facts,
            history.process,
            &history.outcomes,
            &history.readings,
            history.now,
            &settings,
        )
        .len();
    }
    let elapsed = started.elapsed();
    let cpu = cpu_seconds() - cpu_started;
    println!(
        "{label}: {outcomes} outcomes over {PROCESSES} processes in {:.3} s wall, {cpu:.3} s on CPU ({:.1} ns per \
         outcome on CPU), {findings} findings",
        elapsed.as_secs_f64(),
        cpu * 1e9 / outcomes as f64
    );
    // The share of that spent putting rows in order, the part that grows with history.
    let cpu_started = cpu_seconds();
    let mut rows = 0;
    for i in 0..PROCESSES {
        let history = &histories[i % DISTINCT];
        rows += Rows::new(&history.outcomes, history.process, &zone(), history.now.as_second()).rows.len();
    }
    println!("{label}: of which ordering rows {:.3} s on CPU ({rows} rows)", cpu_seconds() - cpu_started);
}

/// This thread's time on a CPU (Linux), so a machine shared with other builds does not
/// inflate the figure; falls back to 0 where the file does not exist.
fn cpu_seconds() -> f64 {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    text.split_whitespace().next().and_then(|ns| ns.parse::<f64>().ok()).unwrap_or(0.0) / 1e9
}
