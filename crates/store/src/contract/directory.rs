//! The story's first chapter: organizations, people, roles, systems and tokens, and that
//! nothing of one organization is reachable from another.

use super::{Cast, at, conflict, not_found};
use crate::{Org, Person, PersonFields, Role, RoleFields, Store, System, SystemFields, TokenOwner};
use proofline_core::access::Access;
use proofline_core::metrics::{Direction, Goal, GoalSource};
use proofline_core::roles::{PickRule, Rotation};
use proofline_core::roster::Member;
use proofline_core::{OrgId, PersonId, ProcessId, SystemId};

fn person(name: &str, email: &str, access: Access, manager: Option<PersonId>) -> PersonFields {
    PersonFields { name: name.into(), email: email.into(), access, manager, away_until: None, active: true }
}

fn system(key: &str, name: &str, owner: PersonId, parent: Option<SystemId>) -> SystemFields {
    SystemFields {
        key: key.into(),
        name: name.into(),
        goal: format!("{name} runs safely"),
        owner,
        parent,
        software: vec![],
        goals: vec![],
    }
}

/// One goal of each shape the store must keep apart: a built-in figure with no unit, and
/// a proof-field mean with a unit and a nested source.
fn cold_goals() -> Vec<Goal> {
    vec![
        Goal {
            name: "On time".into(),
            unit: None,
            target: 0.95,
            direction: Direction::AtLeast,
            source: GoalSource::OnTimeRate,
        },
        Goal {
            name: "Fridge mean".into(),
            unit: Some("°C".into()),
            target: 4.5,
            direction: Direction::AtMost,
            source: GoalSource::KpiMean { process: ProcessId(7), step: 0, field: 1 },
        },
    ]
}

pub(super) async fn chapter(store: &dyn Store) -> Cast {
    let (acme, globex) = organizations(store).await;
    let people = people(store, acme, globex).await;
    let [ana, ben, cleo, dan, eve, gus] = people;
    let shift = roles(store, acme, globex, [ana, ben, cleo, dan, gus]).await;
    let kitchen = systems(store, acme, globex, [ana, ben, gus]).await;
    tokens(store, acme, [ana, ben, eve, gus]).await;

    let roster = store.load_roster(acme).await.unwrap();
    assert_eq!(roster.people.len(), 5, "the roster holds every person of Acme");
    assert_eq!(
        roster.people[&dan],
        Member { away_until: Some(at("2026-01-06T12:00:00Z")), manager: Some(ben), active: true },
        "the roster knows when people are away and who manages them"
    );
    assert!(!roster.people[&eve].active, "a deactivated person stays on the roster as inactive");
    assert_eq!(roster.roles[&shift], Rotation { members: vec![cleo, dan, ben], rule: PickRule::RoundRobin, cursor: 0 });
    assert!(roster.load.is_empty(), "nobody holds open work yet");
    assert!(store.load_roster(globex).await.unwrap().roles.is_empty());

    Cast { acme, globex, ana, ben, cleo, gus, shift, kitchen }
}

async fn organizations(store: &dyn Store) -> (OrgId, OrgId) {
    let acme = store.create_org("Acme Bakery", "Europe/Berlin").await.unwrap();
    let globex = store.create_org("Globex", "America/New_York").await.unwrap();
    assert_eq!(
        store.get_org(acme).await.unwrap(),
        Org { id: acme, name: "Acme Bakery".into(), zone: "Europe/Berlin".into() }
    );
    let listed: Vec<OrgId> =
        store.list_orgs().await.unwrap().into_iter().map(|o| o.id).filter(|id| [acme, globex].contains(id)).collect();
    assert_eq!(listed, [acme, globex], "organizations are listed oldest first");
    not_found(store.get_org(OrgId(globex.0 + 1000)).await, "an organization that does not exist");
    (acme, globex)
}

/// Ana (owner), Ben (manager), Cleo and Dan (members managed by Ben), Eve (deactivated
/// later) at Acme; Gus at Globex.
async fn people(store: &dyn Store, acme: OrgId, globex: OrgId) -> [PersonId; 6] {
    let ana = store.create_person(acme, &person("Ana Owner", "ana@acme.test", Access::Owner, None)).await.unwrap();
    let ben =
        store.create_person(acme, &person("Ben Manager", "ben@acme.test", Access::Manager, Some(ana))).await.unwrap();
    let cleo_fields = person("Cleo Baker", "cleo@acme.test", Access::Member, Some(ben));
    let cleo = store.create_person(acme, &cleo_fields).await.unwrap();
    let dan_fields = PersonFields {
        away_until: Some(at("2026-01-06T12:00:00Z")),
        ..person("Dan Baker", "dan@acme.test", Access::Member, Some(ben))
    };
    let dan = store.create_person(acme, &dan_fields).await.unwrap();
    let eve_fields = person("Eve Temp", "eve@acme.test", Access::Member, None);
    let eve = store.create_person(acme, &eve_fields).await.unwrap();
    let gus = store.create_person(globex, &person("Gus Globex", "gus@globex.test", Access::Owner, None)).await.unwrap();

    conflict(
        store.create_person(acme, &person("Ana Again", "ana@acme.test", Access::Member, None)).await,
        "an email already taken in the organization",
    );
    conflict(
        store.create_person(acme, &person("Ana Shouting", "ANA@Acme.Test", Access::Member, None)).await,
        "an email taken in another letter case (lookups ignore case)",
    );
    let hal = store
        .create_person(globex, &person("Hal Globex", "ana@acme.test", Access::Member, None))
        .await
        .expect("an email is unique per organization only");
    conflict(
        store.create_person(acme, &person("Spy", "spy@acme.test", Access::Member, Some(gus))).await,
        "a manager from another organization",
    );
    conflict(
        store
            .create_person(acme, &person("Orphan", "orphan@acme.test", Access::Member, Some(PersonId(i64::MAX))))
            .await,
        "a manager who does not exist",
    );

    assert_eq!(
        store.get_person(acme, dan).await.unwrap(),
        Person {
            id: dan,
            name: "Dan Baker".into(),
            email: "dan@acme.test".into(),
            access: Access::Member,
            manager: Some(ben),
            away_until: Some(at("2026-01-06T12:00:00Z")),
            active: true,
        }
    );
    not_found(store.get_person(globex, dan).await, "a person of another organization");
    let found =
        |org, email: &'static str| async move { store.find_person_by_email(org, email).await.unwrap().map(|p| p.id) };
    assert_eq!(found(acme, "BEN@acme.TEST").await, Some(ben), "email lookups ignore case");
    assert_eq!(found(globex, "ben@acme.test").await, None);
    assert_eq!(found(globex, "Ana@Acme.test").await, Some(hal));
    assert_eq!(found(acme, "nobody@acme.test").await, None);

    // Cleo marries and changes her address; her old one no longer finds her.
    let renamed = PersonFields { name: "Cleo Park".into(), email: "cleo.park@acme.test".into(), ..cleo_fields.clone() };
    store.update_person(acme, cleo, &renamed).await.unwrap();
    assert_eq!(
        store.get_person(acme, cleo).await.unwrap(),
        Person {
            id: cleo,
            name: "Cleo Park".into(),
            email: "cleo.park@acme.test".into(),
            access: Access::Member,
            manager: Some(ben),
            away_until: None,
            active: true,
        }
    );
    assert_eq!(found(acme, "cleo.park@acme.test").await, Some(cleo));
    assert_eq!(found(acme, "cleo@acme.test").await, None);
    not_found(store.update_person(globex, cleo, &renamed).await, "updating a person of another organization");
    not_found(store.update_person(acme, PersonId(i64::MAX), &renamed).await, "updating a person who does not exist");
    conflict(
        store.update_person(acme, cleo, &PersonFields { manager: Some(gus), ..renamed.clone() }).await,
        "a manager from another organization",
    );
    conflict(
        store.update_person(acme, cleo, &PersonFields { email: "Ben@Acme.test".into(), ..renamed.clone() }).await,
        "taking someone else's email",
    );
    assert_eq!(
        store.get_person(acme, cleo).await.unwrap().email,
        "cleo.park@acme.test",
        "a refused update changes nothing"
    );

    let names: Vec<String> = store.list_people(acme).await.unwrap().into_iter().map(|p| p.name).collect();
    assert_eq!(names, ["Ana Owner", "Ben Manager", "Cleo Park", "Dan Baker", "Eve Temp"], "people are listed by name");
    let globex_people: Vec<PersonId> = store.list_people(globex).await.unwrap().into_iter().map(|p| p.id).collect();
    assert_eq!(globex_people, [gus, hal]);
    [ana, ben, cleo, dan, eve, gus]
}

async fn roles(
    store: &dyn Store,
    acme: OrgId,
    globex: OrgId,
    [ana, ben, cleo, dan, gus]: [PersonId; 5],
) -> proofline_core::RoleId {
    let bakers_fields = RoleFields { name: "Bakers".into(), pick: PickRule::FirstAvailable, members: vec![dan, cleo] };
    let bakers = store.create_role(acme, &bakers_fields).await.unwrap();
    assert_eq!(
        store.get_role(acme, bakers).await.unwrap(),
        Role { id: bakers, name: "Bakers".into(), pick: PickRule::FirstAvailable, members: vec![dan, cleo] },
        "members keep the order they were given in"
    );
    let shift = store
        .create_role(acme, &RoleFields { name: "Shift".into(), pick: PickRule::LeastLoaded, members: vec![ana] })
        .await
        .unwrap();
    let shift_fields =
        RoleFields { name: "Shift lead".into(), pick: PickRule::RoundRobin, members: vec![cleo, dan, ben] };
    store.update_role(acme, shift, &shift_fields).await.unwrap();
    assert_eq!(
        store.get_role(acme, shift).await.unwrap(),
        Role { id: shift, name: "Shift lead".into(), pick: PickRule::RoundRobin, members: vec![cleo, dan, ben] },
        "an update replaces name, rule and members"
    );

    conflict(store.create_role(acme, &bakers_fields).await, "a role name already taken");
    conflict(
        store
            .create_role(
                acme,
                &RoleFields { name: "Outsiders".into(), pick: PickRule::RoundRobin, members: vec![cleo, gus] },
            )
            .await,
        "a member from another organization",
    );
    conflict(
        store.update_role(acme, shift, &RoleFields { members: vec![gus], ..shift_fields.clone() }).await,
        "a member from another organization",
    );
    assert_eq!(
        store.get_role(acme, shift).await.unwrap().members,
        [cleo, dan, ben],
        "a refused update changes nothing"
    );
    not_found(store.get_role(globex, shift).await, "a role of another organization");
    not_found(store.update_role(globex, shift, &shift_fields).await, "updating a role of another organization");
    let names: Vec<String> = store.list_roles(acme).await.unwrap().into_iter().map(|r| r.name).collect();
    assert_eq!(names, ["Bakers", "Shift lead"], "roles are listed by name, and a refused role was not created");
    assert!(store.list_roles(globex).await.unwrap().is_empty());
    shift
}

async fn systems(store: &dyn Store, acme: OrgId, globex: OrgId, [ana, ben, gus]: [PersonId; 3]) -> SystemId {
    let kitchen = store.create_system(acme, &system("kitchen", "Kitchen", ana, None)).await.unwrap();
    let cold_fields = SystemFields {
        software: vec!["FridgeWatch".into(), "Sheets".into()],
        goals: cold_goals(),
        ..system("cold-chain", "Cold chain", ben, Some(kitchen))
    };
    let cold = store.create_system(acme, &cold_fields).await.unwrap();
    assert_eq!(
        store.get_system(acme, cold).await.unwrap(),
        System {
            id: cold,
            key: "cold-chain".into(),
            name: "Cold chain".into(),
            goal: "Cold chain runs safely".into(),
            owner: ben,
            parent: Some(kitchen),
            software: vec!["FridgeWatch".into(), "Sheets".into()],
            goals: cold_goals(),
        }
    );
    let lab = store.create_system(globex, &system("lab", "Lab", gus, None)).await.unwrap();
    conflict(
        store.create_system(acme, &system("kitchen", "Second kitchen", ana, None)).await,
        "a system key already taken",
    );
    conflict(
        store.create_system(acme, &system("annex", "Annex", gus, None)).await,
        "an owner from another organization",
    );
    conflict(
        store.create_system(acme, &system("annex", "Annex", ana, Some(lab))).await,
        "a parent system from another organization",
    );

    let renamed = SystemFields {
        name: "Cold room".into(),
        software: vec!["FridgeWatch".into()],
        goals: cold_goals()[1..].to_vec(),
        ..cold_fields.clone()
    };
    store.update_system(acme, cold, &renamed).await.unwrap();
    let stored = store.get_system(acme, cold).await.unwrap();
    assert_eq!(
        (stored.name.as_str(), stored.software.as_slice(), stored.goals.as_slice()),
        ("Cold room", ["FridgeWatch".to_string()].as_slice(), &cold_goals()[1..]),
        "an update replaces the goals"
    );
    let listed = store.list_systems(acme).await.unwrap();
    let goals_of = |id: SystemId| listed.iter().find(|s| s.id == id).map(|s| s.goals.clone());
    assert_eq!(goals_of(cold), Some(cold_goals()[1..].to_vec()), "a listed system carries its goals");
    assert_eq!(goals_of(kitchen), Some(vec![]), "a system without goals has none");
    conflict(
        store.update_system(acme, cold, &SystemFields { parent: Some(lab), ..renamed.clone() }).await,
        "moving a system under another organization's system",
    );
    assert_eq!(store.get_system(acme, cold).await.unwrap().parent, Some(kitchen));
    not_found(store.update_system(globex, cold, &renamed).await, "updating a system of another organization");
    not_found(store.get_system(globex, cold).await, "a system of another organization");
    let names: Vec<String> = store.list_systems(acme).await.unwrap().into_iter().map(|s| s.name).collect();
    assert_eq!(names, ["Cold room", "Kitchen"], "systems are listed by name");
    kitchen
}

async fn tokens(store: &dyn Store, acme: OrgId, [ana, ben, eve, gus]: [PersonId; 4]) {
    let now = at("2026-01-05T06:00:00Z");
    let token = store.create_token(acme, ben, "ci", "sha-ben", now).await.unwrap();
    assert_eq!(
        store.token_owner("sha-ben").await.unwrap(),
        Some(TokenOwner { token, org: acme, person: ben, access: Access::Manager })
    );
    assert_eq!(store.token_owner("sha-nobody").await.unwrap(), None);
    not_found(
        store.create_token(acme, gus, "sneaky", "sha-gus", now).await,
        "a token for a person of another organization",
    );
    conflict(store.create_token(acme, ana, "copy", "sha-ben", now).await, "a secret already in use");

    // Eve leaves: her token stops working without being deleted.
    store.create_token(acme, eve, "laptop", "sha-eve", now).await.unwrap();
    assert!(store.token_owner("sha-eve").await.unwrap().is_some());
    let eve_person = store.get_person(acme, eve).await.unwrap();
    let gone = PersonFields {
        name: eve_person.name,
        email: eve_person.email,
        access: eve_person.access,
        manager: eve_person.manager,
        away_until: eve_person.away_until,
        active: false,
    };
    store.update_person(acme, eve, &gone).await.unwrap();
    assert_eq!(store.token_owner("sha-eve").await.unwrap(), None, "a deactivated person's token is refused");
}
