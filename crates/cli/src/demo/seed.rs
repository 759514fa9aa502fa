//! The demo organization: a café whose work spans food safety, operations and the back office.

use jiff::Timestamp;
use proofline_core::access::Access;
use proofline_core::metrics::{Direction, Goal, GoalSource};
use proofline_core::process::{ProcessDefinition, ProcessStatus};
use proofline_core::roles::PickRule;
use proofline_core::{OrgId, PersonId, ProcessId, RoleId, SystemId};
use proofline_engine::{Actor, Engine};
use proofline_store::{PersonFields, RoleFields, SystemFields};
use serde_json::{Value, json};

pub struct Seeded {
    pub org: OrgId,
    pub owner: Actor,
    pub people: Vec<(PersonId, String)>,
    pub delivery: ProcessId,
    pub start: Timestamp,
}

const ZONE: &str = "Europe/Berlin";

async fn person(
    engine: &Engine,
    org: OrgId,
    name: &str,
    access: Access,
    manager: Option<PersonId>,
) -> anyhow::Result<PersonId> {
    let fields = PersonFields {
        name: name.into(),
        email: format!("{}@corner-cafe.example", name.to_lowercase()),
        access,
        manager,
        away_until: None,
        active: true,
    };
    Ok(engine.store.create_person(org, &fields).await?)
}

fn system(
    key: &str,
    name: &str,
    goal: &str,
    owner: PersonId,
    parent: Option<SystemId>,
    software: &[&str],
    goals: Vec<Goal>,
) -> SystemFields {
    SystemFields {
        key: key.into(),
        name: name.into(),
        goal: goal.into(),
        owner,
        parent,
        software: software.iter().map(|s| s.to_string()).collect(),
        goals,
    }
}

fn measured(name: &str, direction: Direction, target: f64, source: GoalSource) -> Goal {
    Goal { name: name.into(), unit: None, target, direction, source }
}

fn rule(start: &str, rrule: &str) -> Value {
    json!({"kind": "schedule", "rule": format!("DTSTART;TZID={ZONE}:{start}\nRRULE:{rrule}")})
}

pub async fn seed(engine: &Engine) -> anyhow::Result<Seeded> {
    let store = &engine.store;
    let org = store.create_org("Corner Café", ZONE).await?;
    let olga = person(engine, org, "Olga", Access::Owner, None).await?;
    let marta = person(engine, org, "Marta", Access::Manager, Some(olga)).await?;
    let ben = person(engine, org, "Ben", Access::Member, Some(marta)).await?;
    let cara = person(engine, org, "Cara", Access::Member, Some(marta)).await?;
    let dan = person(engine, org, "Dan", Access::Member, Some(ben)).await?;
    let eli = person(engine, org, "Eli", Access::Member, Some(cara)).await?;
    let fay = person(engine, org, "Fay", Access::Member, Some(marta)).await?;
    let ivan = person(engine, org, "Ivan", Access::Member, Some(marta)).await?;
    let barista = store
        .create_role(org, &RoleFields { name: "Barista".into(), pick: PickRule::RoundRobin, members: vec![dan, eli] })
        .await?;
    let lead = store
        .create_role(
            org,
            &RoleFields { name: "Shift lead".into(), pick: PickRule::RoundRobin, members: vec![ben, cara] },
        )
        .await?;
    let ops = store
        .create_system(
            org,
            &system(
                "cafe-operations",
                "Café operations",
                "Open on time, every day, safely",
                olga,
                None,
                &["Square POS"],
                vec![
                    measured("On-time rate", Direction::AtLeast, 0.95, GoalSource::OnTimeRate),
                    measured("Runs left unresolved", Direction::AtMost, 2.0, GoalSource::RunsUnresolved),
                ],
            ),
        )
        .await?;
    let food = store
        .create_system(
            org,
            &system(
                "food-safety",
                "Food safety",
                "Zero findings at health inspections",
                marta,
                Some(ops),
                &["Paper HACCP log (replaced)"],
                vec![
                    measured("Checks on time", Direction::AtLeast, 0.98, GoalSource::OnTimeRate),
                    measured("Readings out of range", Direction::AtMost, 3.0, GoalSource::Exceptions),
                ],
            ),
        )
        .await?;
    let office = store
        .create_system(
            org,
            &system(
                "back-office",
                "Back office",
                "Invoices out within a week; no data lost",
                marta,
                Some(ops),
                &["Xero", "Google Workspace"],
                vec![measured("Runs late", Direction::AtMost, 1.0, GoalSource::RunsLate)],
            ),
        )
        .await?;

    let owner = Actor { org, person: olga, access: Access::Owner };
    let start = (Timestamp::now() - jiff::SignedDuration::from_hours(24 * 91)).round(jiff::Unit::Hour)?;
    let day0 = start.to_zoned(jiff::tz::TimeZone::get(ZONE)?).date().strftime("%Y%m%d").to_string();
    let chain = |first: RoleId| json!([{"to": {"role": first.0}, "window": "30m"}, {"to": "manager", "window": "1h"}, {"to": "owner", "window": "2h"}]);
    let processes: Vec<(&str, Value)> = vec![
        (
            "opening-checklist",
            json!({
            "name": "Daily opening checklist", "owner": marta.0, "system": food.0,
            "cadence": rule(&format!("{day0}T063000"), "FREQ=DAILY"),
            "steps": [
                {"title": "Fridge temperature", "assignee": {"role": barista.0}, "due_after": "45m",
                 "sop": "Read the display on the walk-in fridge. **Must be 0–5 °C.** Photograph the display.",
                 "proof": [{"kind": "number", "label": "Fridge temperature", "unit": "°C", "min": 0, "max": 5}, {"kind": "photo"}]},
                {"title": "Front of house ready", "assignee": {"role": barista.0}, "due_after": "1h",
                 "proof": [{"kind": "checklist", "items": ["Coffee machine on and flushed", "Pastry case stocked", "Till float counted"]}]},
                {"title": "Shift lead signs off the opening", "assignee": {"role": lead.0}, "due_after": "1h30m", "depends_on": [0, 1],
                 "proof": [{"kind": "signature", "attestation": "The café is safe to open."}]}
            ],
            "escalation": chain(lead)}),
        ),
        (
            "closing-checklist",
            json!({
            "name": "Daily closing checklist", "owner": marta.0, "system": ops.0,
            "cadence": rule(&format!("{day0}T210000"), "FREQ=DAILY"),
            "steps": [
                {"title": "Count the till", "assignee": {"role": lead.0}, "due_after": "45m",
                 "proof": [{"kind": "number", "label": "Cash in till", "unit": "EUR", "min": 0}]},
                {"title": "Photo of the locked back door", "assignee": {"role": lead.0}, "due_after": "1h", "proof": [{"kind": "photo"}]}
            ],
            "escalation": [{"to": "manager", "window": "30m"}, {"to": "owner", "window": "1h"}]}),
        ),
        (
            "weekly-deep-clean",
            json!({
            "name": "Weekly deep clean", "owner": marta.0, "system": food.0,
            "cadence": rule(&format!("{day0}T180000"), "FREQ=WEEKLY;BYDAY=SU"),
            "steps": [{"title": "Deep clean kitchen and espresso machine", "assignee": {"role": barista.0}, "due_after": "3h",
                       "proof": [{"kind": "photo", "min": 2}, {"kind": "checklist", "items": ["Grease trap emptied", "Group heads back-flushed", "Floors mopped under equipment"]}]}],
            "escalation": chain(lead)}),
        ),
        (
            "fire-extinguisher-check",
            json!({
            "name": "Monthly fire-extinguisher check", "owner": olga.0, "system": ops.0,
            "cadence": rule(&format!("{day0}T090000"), "FREQ=MONTHLY;BYDAY=1MO"),
            "steps": [{"title": "Check both extinguishers", "assignee": {"person": ben.0}, "due_after": "8h",
                       "proof": [{"kind": "checklist", "items": ["Pressure gauge in the green", "Pin and seal intact", "Tag signed"]}, {"kind": "signature"}]}],
            "escalation": [{"to": "manager", "window": "1d"}, {"to": "owner", "window": "1d"}]}),
        ),
        (
            "weekly-invoicing",
            json!({
            "name": "Weekly invoicing run", "owner": marta.0, "system": office.0,
            "cadence": rule(&format!("{day0}T150000"), "FREQ=WEEKLY;BYDAY=FR"),
            "steps": [{"title": "Send this week's catering invoices", "assignee": {"person": fay.0}, "due_after": "3h",
                       "proof": [{"kind": "number", "label": "Invoices sent", "min": 0}, {"kind": "file", "types": ["pdf", "text/plain"]}]}],
            "escalation": [{"to": "manager", "window": "1d"}, {"to": "owner", "window": "1d"}]}),
        ),
        (
            "backup-check",
            json!({
            "name": "IT backup check", "owner": marta.0, "system": office.0,
            "cadence": rule(&format!("{day0}T090000"), "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
            "steps": [{"title": "Confirm last night's backup finished", "assignee": {"person": ivan.0}, "due_after": "2h",
                       "proof": [{"kind": "text", "label": "Backup job id and size", "min_length": 6}, {"kind": "link", "label": "Backup report"}]}],
            "escalation": [{"to": "manager", "window": "2h"}, {"to": "owner", "window": "4h"}]}),
        ),
        (
            "delivery-intake",
            json!({
            "name": "Delivery intake", "owner": marta.0, "system": food.0,
            "cadence": {"kind": "event", "name": "delivery"},
            "steps": [{"title": "Check the cold chain and file the delivery note", "assignee": {"role": lead.0}, "due_after": "30m",
                       "proof": [{"kind": "number", "label": "Chilled goods temperature", "unit": "°C", "max": 5}, {"kind": "photo", "label": "Delivery note"}]}],
            "escalation": [{"to": "manager", "window": "30m"}, {"to": "owner", "window": "1h"}]}),
        ),
        (
            "pest-control-review",
            json!({
            "name": "Pest-control report review", "owner": olga.0, "system": food.0,
            "cadence": {"kind": "manual"},
            "steps": [{"title": "File the contractor's report", "assignee": {"person": marta.0}, "due_after": "2d",
                       "proof": [{"kind": "file", "types": ["pdf"]}, {"kind": "signature"}]}],
            "escalation": [{"to": "owner", "window": "2d"}]}),
        ),
    ];
    let mut delivery = None;
    for (key, value) in processes {
        let definition: ProcessDefinition = serde_json::from_value(value)?;
        let created = engine.create_process(owner, key, ProcessStatus::Draft, definition).await?;
        if key == "delivery-intake" {
            delivery = Some(created.id);
        }
    }
    let people = store.list_people(org).await?.into_iter().map(|p| (p.id, p.name)).collect();
    Ok(Seeded {
        org,
        owner,
        people,
        delivery: delivery.ok_or_else(|| anyhow::anyhow!("delivery process missing"))?,
        start,
    })
}
