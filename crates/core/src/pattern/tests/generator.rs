//! A seeded generator of one process's history: steady noise at a miss rate between 10
//! and 20%, optionally with one planted pattern of a known key.

use crate::history::{Facts, FieldFacts, Outcome, ProcessFacts, Reading, StepFacts};
use crate::ids::{PersonId, ProcessId, RunId, TaskId};
use crate::task::TaskState;
use jiff::civil::{Date, Weekday, date};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use std::collections::HashMap;

/// splitmix64: tiny, seeded and good enough for simulation.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn between(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u = self.unit().max(1e-12);
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * self.unit()).cos()
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, (self.next_u64() % (i as u64 + 1)) as usize);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plant {
    StepMisses,
    PersonMisses,
    Weekday,
    HourOfDay,
    Shift,
    Rejections,
    Drift,
    LeadTime,
    BrokenChain,
}

pub const PLANTS: [Plant; 9] = [
    Plant::StepMisses,
    Plant::PersonMisses,
    Plant::Weekday,
    Plant::HourOfDay,
    Plant::Shift,
    Plant::Rejections,
    Plant::Drift,
    Plant::LeadTime,
    Plant::BrokenChain,
];

/// Daily: one run a day at 09:00 with five steps. Rounds: six runs a day (07:00 to
/// 22:00) with three steps, so misses can bunch by hour and shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Daily,
    Rounds,
}

pub struct History {
    pub facts: Facts,
    pub process: ProcessId,
    pub outcomes: Vec<Outcome>,
    pub readings: Vec<Reading>,
    pub now: Timestamp,
    /// The key the planted pattern must be found under.
    pub planted: Option<String>,
    /// The step (or person) the plant concerns: findings about it are related, not false.
    pub planted_step: Option<u16>,
    pub planted_person: Option<PersonId>,
}

pub const PEOPLE: [&str; 4] = ["Dana", "Eli", "Farah", "Gus"];
const CHAIN_LEVELS: u8 = 2;
const FIELD_STEP: u16 = 1;

pub fn zone() -> TimeZone {
    TimeZone::posix("EST5EDT,M3.2.0,M11.1.0").unwrap()
}

pub fn facts(process: ProcessId, steps: u16) -> Facts {
    let step_facts = (0..steps)
        .map(|step| {
            let mut fields = HashMap::new();
            if step == FIELD_STEP {
                fields.insert(
                    0,
                    FieldFacts {
                        label: "Fridge temperature".into(),
                        unit: Some("°C".into()),
                        min: Some(0.0),
                        max: Some(5.0),
                    },
                );
            }
            StepFacts { title: format!("Check {}", step + 1), fields }
        })
        .collect();
    let process_facts = ProcessFacts {
        name: "Closing checklist".into(),
        zone: zone(),
        system: None,
        steps: step_facts,
        chain_levels: CHAIN_LEVELS,
    };
    Facts {
        processes: HashMap::from([(process, process_facts)]),
        people: PEOPLE.iter().enumerate().map(|(i, name)| (PersonId(i as i64 + 1), name.to_string())).collect(),
        shifts: Vec::new(),
    }
}

/// One history of `days` days; `plant` decides what, if anything, is planted.
pub fn generate(seed: u64, process: ProcessId, days: i64, shape: Shape, plant: Option<Plant>) -> History {
    let mut rng = Rng::new(seed);
    let base = rng.between(0.10, 0.20);
    let zone = zone();
    let (steps, rounds): (u16, &[i8]) = match shape {
        Shape::Daily => (5, &[9]),
        Shape::Rounds => (3, &[7, 10, 13, 16, 19, 22]),
    };
    let first_day: Date = date(2025, 1, 6);
    let runs_total = days as usize * rounds.len();
    let mut history = History {
        facts: facts(process, steps),
        process,
        outcomes: Vec::with_capacity(runs_total * usize::from(steps)),
        readings: Vec::new(),
        now: Timestamp::UNIX_EPOCH,
        planted: None,
        planted_step: None,
        planted_person: None,
    };
    let mut run_index = 0usize;
    for day in 0..days {
        let civil_day = first_day.checked_add(SignedDuration::from_hours(24 * day)).unwrap();
        for &hour in rounds {
            let scheduled = zone.to_timestamp(civil_day.at(hour, 0, 0, 0)).unwrap();
            let run = RunId(process.0 * 1_000_000 + run_index as i64);
            let from_end = runs_total - run_index; // 1 for the last run
            for step in 0..steps {
                let assignee = PersonId(((day as usize + usize::from(step) + run_index) % PEOPLE.len()) as i64 + 1);
                let mut miss_rate = base;
                let mut exhaust_rate = base; // each level misses like the first did
                let mut rejection_rate = 0.03;
                let mut extra_minutes = 0.0;
                match plant {
                    Some(Plant::StepMisses) if step == 2 && from_end <= 8 => miss_rate = 0.95,
                    Some(Plant::PersonMisses) if assignee == PersonId(3) => miss_rate = 0.5,
                    Some(Plant::Weekday) if step == 3 && civil_day.weekday() == Weekday::Friday => miss_rate = 0.85,
                    Some(Plant::HourOfDay) if step == 1 && hour == 19 => miss_rate = 0.7,
                    Some(Plant::Shift) if step == 1 && (hour == 19 || hour == 22) => miss_rate = 0.5,
                    Some(Plant::Rejections) if step == 4 && from_end <= 16 => rejection_rate = 0.6,
                    Some(Plant::LeadTime) if step == steps - 1 && from_end <= 24 => {
                        miss_rate = 0.0;
                        extra_minutes = 240.0 * (24 - from_end) as f64 / 23.0;
                    }
                    Some(Plant::BrokenChain) if step == 0 && from_end <= 40 => {
                        miss_rate = 0.4;
                        exhaust_rate = 0.95;
                    }
                    _ => {}
                }
                let opens_at = scheduled + SignedDuration::from_mins(20 * i64::from(step));
                let due_at = opens_at + SignedDuration::from_hours(1);
                let missed = rng.chance(miss_rate);
                let (state, moves, completed_at) = if !missed {
                    let done = opens_at + SignedDuration::from_secs((rng.between(0.2, 0.9) * 3600.0) as i64);
                    (TaskState::Done, 0, Some(done + SignedDuration::from_secs((extra_minutes * 60.0) as i64)))
                } else if plant == Some(Plant::BrokenChain) && exhaust_rate > base {
                    if rng.chance(exhaust_rate) {
                        (TaskState::Unresolved, CHAIN_LEVELS, None)
                    } else {
                        (TaskState::Done, 1, Some(due_at + SignedDuration::from_mins(30)))
                    }
                } else {
                    let mut level = 1;
                    while level < CHAIN_LEVELS && rng.chance(exhaust_rate) {
                        level += 1;
                    }
                    if level == CHAIN_LEVELS && rng.chance(exhaust_rate) {
                        (TaskState::Unresolved, CHAIN_LEVELS, None)
                    } else {
                        let late = SignedDuration::from_mins(i64::from(level) * 60 - 30);
                        (TaskState::Done, level, Some(due_at + late))
                    }
                };
                let rejections = u16::from(state == TaskState::Done && rng.chance(rejection_rate));
                let task = TaskId(run.0 * 10 + i64::from(step));
                history.outcomes.push(Outcome {
                    task,
                    run,
                    process,
                    step,
                    scheduled_for: scheduled,
                    opens_at,
                    due_at,
                    assignee,
                    moves,
                    state,
                    completed_at,
                    rejections,
                    exceptions: 0,
                });
                if step == FIELD_STEP && state == TaskState::Done && hour == rounds[0] {
                    let drift_days = 20usize;
                    let drift = match plant {
                        Some(Plant::Drift) if from_end <= drift_days => 2.4 * (drift_days - from_end) as f64 / 19.0,
                        _ => 0.0,
                    };
                    let sd = if plant == Some(Plant::Drift) { 0.3 } else { 0.5 };
                    let value = 2.8 + drift + sd * rng.normal();
                    history.readings.push(Reading {
                        process,
                        step,
                        field: 0,
                        task,
                        run,
                        at: completed_at.unwrap(),
                        value,
                    });
                }
            }
            run_index += 1;
        }
        history.now = zone.to_timestamp(civil_day.at(23, 59, 0, 0)).unwrap();
    }
    let (key, step, person) = match plant {
        None => (None, None, None),
        Some(Plant::StepMisses) => (Some(format!("step_misses:{process}:2")), Some(2), None),
        Some(Plant::PersonMisses) => (Some(format!("person_misses:{process}:3")), None, Some(PersonId(3))),
        Some(Plant::Weekday) => (Some(format!("weekday:{process}:3:fri")), Some(3), None),
        // Step 1 of the 19:00 round opens at 19:20 and is due at 20:20.
        Some(Plant::HourOfDay) => (Some(format!("hour:{process}:1:20")), Some(1), None),
        Some(Plant::Shift) => (Some(format!("shift:{process}:1:evening")), Some(1), None),
        Some(Plant::Rejections) => (Some(format!("rejections:{process}:4")), Some(4), None),
        Some(Plant::Drift) => (Some(format!("drift:{process}:1:0")), Some(1), None),
        Some(Plant::LeadTime) => (Some(format!("lead_time:{process}")), Some(steps - 1), None),
        Some(Plant::BrokenChain) => (Some(format!("broken_chain:{process}:0")), Some(0), None),
    };
    history.planted = key;
    history.planted_step = step;
    history.planted_person = person;
    rng.shuffle(&mut history.outcomes);
    rng.shuffle(&mut history.readings);
    history
}

/// The shape each plant needs.
pub fn shape_for(plant: Plant) -> Shape {
    match plant {
        Plant::HourOfDay | Plant::Shift => Shape::Rounds,
        _ => Shape::Daily,
    }
}
