//! The café every engine test runs in, and small helpers for building its evidence.

pub use jiff::{SignedDuration, Timestamp};
use proofline_core::access::Access;
use proofline_core::notice::NotifySettings;
use proofline_core::process::{ProcessDefinition, ProcessStatus};
use proofline_core::roles::PickRule;
use proofline_core::task::TaskState;
use proofline_core::{PersonId, ProcessId, TaskId};
use proofline_engine::{Actor, Upload};
use proofline_store::{PersonFields, RoleFields, TaskQuery, TaskRecord};
use proofline_testkit::TestEngine;
use serde_json::{Map, Value, json};
use std::io::Cursor;

pub struct Cafe {
    pub t: TestEngine,
    pub owner: Actor,
    pub dan: PersonId,
    pub ben: PersonId,
    pub cara: PersonId,
    pub process: ProcessId,
}

pub fn mins(n: i64) -> SignedDuration {
    SignedDuration::from_mins(n)
}

pub async fn person(
    t: &TestEngine,
    org: proofline_core::OrgId,
    name: &str,
    access: Access,
    manager: Option<PersonId>,
) -> PersonId {
    let fields = PersonFields {
        name: name.into(),
        email: format!("{}@cafe.test", name.to_lowercase()),
        access,
        manager,
        away_until: None,
        active: true,
    };
    t.engine.store.create_person(org, &fields).await.unwrap()
}

/// Daily 07:00 Berlin: Dan reads the fridge (0–5 °C, with a photo) within an hour; then a
/// shift lead signs the opening off within two. Missed work goes to the shift leads, then
/// the assignee's manager, then the owner.
pub async fn cafe(start: &str) -> Cafe {
    let t = TestEngine::start(start).await;
    let store = &t.engine.store;
    let org = store.create_org("Corner Café", "Europe/Berlin").await.unwrap();
    let olga = person(&t, org, "Olga", Access::Owner, None).await;
    let ben = person(&t, org, "Ben", Access::Member, None).await;
    let cara = person(&t, org, "Cara", Access::Member, None).await;
    let dan = person(&t, org, "Dan", Access::Member, Some(ben)).await;
    let leads = store
        .create_role(
            org,
            &RoleFields { name: "Shift lead".into(), pick: PickRule::RoundRobin, members: vec![ben, cara] },
        )
        .await
        .unwrap();
    let owner = Actor { org, person: olga, access: Access::Owner };
    let definition: ProcessDefinition = serde_json::from_value(json!({
        "name": "Opening checklist",
        "owner": olga.0,
        "cadence": {"kind": "schedule", "rule": "DTSTART;TZID=Europe/Berlin:20260105T070000\nRRULE:FREQ=DAILY"},
        "steps": [
            {"title": "Fridge temperature", "assignee": {"person": dan.0}, "due_after": "1h",
             "proof": [{"kind": "number", "label": "Fridge", "unit": "°C", "min": 0, "max": 5}, {"kind": "photo"}]},
            {"title": "Sign off opening", "assignee": {"role": leads.0}, "due_after": "2h", "depends_on": [0],
             "proof": [{"kind": "signature"}]}
        ],
        "escalation": [{"to": {"role": leads.0}, "window": "30m"}, {"to": "manager", "window": "30m"}, {"to": "owner", "window": "1h"}]
    }))
    .unwrap();
    let process = t.engine.create_process(owner, "opening", ProcessStatus::Active, definition).await.unwrap().id;
    // Digests in the evening and the weekly one on Sundays, away from the Monday
    // mornings the tests watch.
    let evening = NotifySettings {
        daily_digest_at: jiff::civil::time(18, 0, 0, 0),
        weekly_digest_on: jiff::civil::Weekday::Sunday,
        ..NotifySettings::default()
    };
    t.engine.set_notify_settings(owner, &evening).await.unwrap();
    Cafe { t, owner, dan, ben, cara, process }
}

pub fn png() -> Vec<u8> {
    let mut out = Vec::new();
    image::RgbImage::new(4, 4).write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
    out
}

pub fn values(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

pub fn photo() -> Vec<Upload> {
    vec![Upload { key: "photo".into(), filename: Some("fridge.png".into()), bytes: png() }]
}

impl Cafe {
    pub fn as_person(&self, person: PersonId) -> Actor {
        Actor { org: self.owner.org, person, access: Access::Member }
    }

    pub async fn tasks(&self, states: &[TaskState]) -> Vec<TaskRecord> {
        let query = TaskQuery { states: states.to_vec(), ..TaskQuery::default() };
        self.t.engine.store.list_tasks(self.owner.org, &query).await.unwrap()
    }

    pub async fn task(&self, id: TaskId) -> TaskRecord {
        self.t.engine.store.get_task(self.owner.org, id).await.unwrap()
    }

    pub async fn first_step(&self) -> TaskRecord {
        self.tasks(&[])
            .await
            .into_iter()
            .find(|t| t.step_index == 0 && t.state != TaskState::Skipped)
            .expect("a first step")
    }
}

pub fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}
