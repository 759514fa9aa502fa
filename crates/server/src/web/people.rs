//! People and roles: who is here, their access, who they report to, whether they are
//! away, the roles they rotate in; managers invite people to sign in from here.

use super::forms::{CsrfOnly, WebForm};
use super::page::{Chrome, PageError, When, render};
use super::session::Viewer;
use super::story::Names;
use crate::AppState;
use axum::extract::{Path, State};
use axum::response::Html;
use proofline_core::PersonId;
use proofline_core::escalation::Target;
use proofline_core::process::Assignee;
use proofline_store::Role;
use serde::Serialize;

/// "Dan" or "the Shift lead role (round robin)".
pub fn assignee_words(assignee: Assignee, names: &Names, roles: &[Role]) -> String {
    target_words(assignee.into(), names, roles)
}

pub fn target_words(target: Target, names: &Names, roles: &[Role]) -> String {
    match target {
        Target::Person(p) => names.of(p),
        Target::Role(r) => match roles.iter().find(|role| role.id == r) {
            Some(role) => format!("{} (role, {})", role.name, role.pick.as_str().replace('_', " ")),
            None => format!("role {r}"),
        },
        Target::Manager => "the assignee's manager".to_string(),
        Target::Owner => "the process owner".to_string(),
    }
}

#[derive(Serialize)]
struct PersonRow {
    id: i64,
    name: String,
    email: String,
    access: &'static str,
    manager: Option<String>,
    away_until: Option<When>,
    active: bool,
    roles: Vec<String>,
}

#[derive(Serialize)]
struct RoleRow {
    name: String,
    pick: String,
    members: Vec<String>,
}

#[derive(Serialize)]
struct PeoplePage {
    chrome: Chrome,
    people: Vec<PersonRow>,
    roles: Vec<RoleRow>,
    /// An invitation link just made, shown once.
    invite: Option<Invite>,
}

#[derive(Serialize)]
struct Invite {
    name: String,
    url: String,
    expires: When,
    /// The link also went to them by email.
    emailed: bool,
}

async fn people_page(state: &AppState, viewer: &Viewer, invite: Option<Invite>) -> Result<Html<String>, PageError> {
    let store = &state.engine.store;
    let org = viewer.actor.org;
    let people = store.list_people(org).await?;
    let roles = store.list_roles(org).await?;
    let names = Names::new(people.iter().map(|p| (p.id, p.name.clone())));
    let now = state.engine.now();
    let rows = people
        .iter()
        .map(|p| PersonRow {
            id: p.id.0,
            name: p.name.clone(),
            email: p.email.clone(),
            access: p.access.as_str(),
            manager: p.manager.map(|m| names.of(m)),
            away_until: p.away_until.filter(|at| *at > now).map(|at| When::new(at, &viewer.zone, now)),
            active: p.active,
            roles: roles.iter().filter(|r| r.members.contains(&p.id)).map(|r| r.name.clone()).collect(),
        })
        .collect();
    let roles = roles
        .iter()
        .map(|r| RoleRow {
            name: r.name.clone(),
            pick: r.pick.as_str().replace('_', " "),
            members: r.members.iter().map(|m| names.of(*m)).collect(),
        })
        .collect();
    render("people.html", PeoplePage { chrome: Chrome::new(viewer, "people"), people: rows, roles, invite })
}

pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Html<String>, PageError> {
    people_page(&state, &viewer, None).await
}

/// Makes an invitation link for a person, emails it to them where email works, and shows
/// it once to pass on.
pub async fn invite(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    WebForm(form): WebForm<CsrfOnly>,
) -> Result<Html<String>, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let link = state.engine.invite(viewer.actor, PersonId(id)).await?;
    let person = state.engine.store.get_person(viewer.actor.org, PersonId(id)).await?;
    let base = state.engine.config.public_url.trim_end_matches('/');
    let emailed = state.engine.email_invitation(viewer.actor, PersonId(id), &link).await?;
    let invite = Invite {
        name: person.name,
        url: format!("{base}/join/{}", link.secret),
        expires: When::new(link.expires_at, &viewer.zone, state.engine.now()),
        emailed,
    };
    people_page(&state, &viewer, Some(invite)).await
}
