//! `proofline export`: the organization as a process file, the same format `apply` reads.

use super::format::*;
use proofline_core::escalation::Target;
use proofline_core::process::Assignee;
use proofline_core::{Cadence, OrgId};
use proofline_engine::Engine;
use std::collections::HashMap;
use toml::Spanned;

fn spanned<T>(value: T) -> Spanned<T> {
    Spanned::new(0..0, value)
}

pub async fn export(engine: &Engine, org: OrgId) -> anyhow::Result<String> {
    let store = &engine.store;
    let organization = store.get_org(org).await?;
    let people = store.list_people(org).await?;
    let roles = store.list_roles(org).await?;
    let systems = store.list_systems(org).await?;
    let email: HashMap<_, _> = people.iter().map(|p| (p.id, p.email.clone())).collect();
    let role_name: HashMap<_, _> = roles.iter().map(|r| (r.id, r.name.clone())).collect();
    let system_key: HashMap<_, _> = systems.iter().map(|s| (s.id, s.key.clone())).collect();
    let person = |id| email.get(&id).cloned().unwrap_or_default();
    let assignee = |a: Assignee| match a {
        Assignee::Person(p) => person(p),
        Assignee::Role(r) => format!("role:{}", role_name.get(&r).cloned().unwrap_or_default()),
    };
    let mut processes = Vec::new();
    for process in store.list_processes(org).await? {
        let d = &process.definition;
        let cadence = match &d.cadence {
            Cadence::Schedule(s) => match s.cron() {
                Some(cron) => CadenceDoc::Cron { cron: cron.to_string(), tz: Some(s.zone_name().to_string()) },
                None => CadenceDoc::Text(s.to_ical()),
            },
            Cadence::Event { name } => CadenceDoc::Event { event: name.clone() },
            Cadence::Manual => CadenceDoc::Text("manual".into()),
        };
        let escalation = d
            .escalation
            .levels()
            .iter()
            .map(|l| LevelDoc {
                to: match l.to {
                    Target::Person(p) => person(p),
                    Target::Role(r) => assignee(Assignee::Role(r)),
                    Target::Manager => "manager".into(),
                    Target::Owner => "owner".into(),
                },
                window: l.window,
            })
            .collect();
        let steps = d
            .steps
            .iter()
            .map(|s| StepDoc {
                title: s.title.clone(),
                assignee: assignee(s.assignee),
                due: s.due_after,
                opens: s.opens_after,
                after: s.depends_on.iter().filter_map(|i| d.steps.get(*i).map(|dep| dep.title.clone())).collect(),
                sop: s.sop.clone(),
                sop_url: s.sop_url.clone(),
                proof: s.proof.clone(),
                corrective: s.corrective.clone(),
            })
            .collect();
        processes.push(spanned(ProcessDoc {
            key: process.key.clone(),
            name: d.name.clone(),
            description: d.description.clone(),
            owner: person(d.owner),
            system: d.system.and_then(|s| system_key.get(&s).cloned()),
            status: process.status.as_str().to_string(),
            cadence,
            escalation,
            steps,
        }));
    }
    let doc = Document {
        organization: OrgDoc { name: organization.name, zone: organization.zone },
        people: people
            .iter()
            .map(|p| {
                spanned(PersonDoc {
                    email: p.email.clone(),
                    name: p.name.clone(),
                    access: p.access.as_str().to_string(),
                    manager: p.manager.map(person),
                    away_until: p.away_until.map(|t| t.to_string()),
                    active: p.active,
                })
            })
            .collect(),
        roles: roles
            .iter()
            .map(|r| {
                spanned(RoleDoc {
                    name: r.name.clone(),
                    pick: r.pick.as_str().to_string(),
                    members: r.members.iter().map(|m| person(*m)).collect(),
                })
            })
            .collect(),
        systems: systems
            .iter()
            .map(|s| {
                spanned(SystemDoc {
                    key: s.key.clone(),
                    name: s.name.clone(),
                    goal: s.goal.clone(),
                    owner: person(s.owner),
                    parent: s.parent.and_then(|p| system_key.get(&p).cloned()),
                    software: s.software.clone(),
                })
            })
            .collect(),
        processes,
    };
    Ok(format!(
        "# Proofline process file for {}; apply with `proofline apply FILE`.\n\n{}",
        doc.organization.name,
        toml::to_string_pretty(&doc)?
    ))
}
