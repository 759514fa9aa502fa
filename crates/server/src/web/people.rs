//! People and roles: who is here, their access, who they report to, whether they are
//! away, the roles they rotate in; managers invite people to sign in from here.

use super::forms::{CsrfOnly, WebForm, WebPath};
use super::page::{Chrome, OkQuery, PageError, When, field_words, render, render_with_status};
use super::redirect;
use super::session::Viewer;
use super::story::Names;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use proofline_core::access::Access;
use proofline_core::escalation::Target;
use proofline_core::process::Assignee;
use proofline_core::roles::PickRule;
use proofline_core::{PersonId, RoleId};
use proofline_engine::EngineError;
use proofline_store::{PersonFields, Role, RoleFields};
use serde::{Deserialize, Serialize};

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
    id: i64,
    name: String,
    pick: &'static str,
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

async fn people_page(
    state: &AppState,
    viewer: &Viewer,
    invite: Option<Invite>,
    ok: Option<&str>,
) -> Result<Html<String>, PageError> {
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
            id: r.id.0,
            name: r.name.clone(),
            pick: r.pick.as_str(),
            members: r.members.iter().map(|m| names.of(*m)).collect(),
        })
        .collect();
    let chrome = Chrome::new(viewer, "people").with_notice(ok);
    render("people.html", PeoplePage { chrome, people: rows, roles, invite })
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<OkQuery>,
) -> Result<Html<String>, PageError> {
    people_page(&state, &viewer, None, query.ok.as_deref()).await
}

/// Makes an invitation link for a person, emails it to them where email works, and shows
/// it once to pass on.
pub async fn invite(
    State(state): State<AppState>,
    viewer: Viewer,
    WebPath(id): WebPath<i64>,
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
    people_page(&state, &viewer, Some(invite), None).await
}

#[derive(Serialize)]
struct PersonPage {
    chrome: Chrome,
    /// None for a new person.
    id: Option<i64>,
    name: String,
    email: String,
    access: &'static str,
    manager: String,
    /// `YYYY-MM-DDTHH:MM` in the viewer's zone, for a datetime-local input.
    away_until: String,
    active: bool,
    zone: String,
    people: Vec<(i64, String)>,
    /// (role id, name, whether this person is a member).
    roles: Vec<(i64, String, bool)>,
    problems: Vec<String>,
    can_make_owner: bool,
}

/// The form for person `id`, or for a new person when `id` is None.
async fn person_page(
    state: &AppState,
    viewer: &Viewer,
    id: Option<PersonId>,
    typed: Option<PersonForm>,
    problems: Vec<String>,
) -> Result<Response, PageError> {
    let store = &state.engine.store;
    let org = viewer.actor.org;
    let people = store.list_people(org).await?;
    let roles = store.list_roles(org).await?;
    let typed = match (typed, id) {
        (Some(typed), _) => typed,
        (None, Some(id)) => filled(state, viewer, &store.get_person(org, id).await?, &roles),
        (None, None) => PersonForm { access: "member".into(), active: Some("on".into()), ..PersonForm::default() },
    };
    let status = if problems.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = PersonPage {
        chrome: Chrome::new(viewer, "people"),
        id: id.map(|id| id.0),
        name: typed.name,
        email: typed.email,
        access: Access::parse(&typed.access).unwrap_or_default().as_str(),
        manager: typed.manager,
        away_until: typed.away_until,
        active: typed.active.is_some(),
        zone: viewer.zone.iana_name().unwrap_or("UTC").to_string(),
        people: people.iter().filter(|p| Some(p.id) != id).map(|p| (p.id.0, p.name.clone())).collect(),
        roles: roles.iter().map(|r| (r.id.0, r.name.clone(), typed.roles.contains(&r.id.0.to_string()))).collect(),
        problems,
        can_make_owner: viewer.actor.access == Access::Owner,
    };
    Ok(render_with_status(status, "person.html", page)?.into_response())
}

/// The form as a person's record fills it.
fn filled(state: &AppState, viewer: &Viewer, person: &proofline_store::Person, roles: &[Role]) -> PersonForm {
    PersonForm {
        csrf: String::new(),
        name: person.name.clone(),
        email: person.email.clone(),
        access: person.access.as_str().into(),
        manager: person.manager.map(|m| m.0.to_string()).unwrap_or_default(),
        away_until: person
            .away_until
            .filter(|at| *at > state.engine.now())
            .map(|at| at.to_zoned(viewer.zone.clone()).strftime("%Y-%m-%dT%H:%M").to_string())
            .unwrap_or_default(),
        active: person.active.then(|| "on".into()),
        roles: roles.iter().filter(|r| r.members.contains(&person.id)).map(|r| r.id.0.to_string()).collect(),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    viewer: Viewer,
    WebPath(id): WebPath<i64>,
) -> Result<Response, PageError> {
    viewer.require_manager()?;
    person_page(&state, &viewer, Some(PersonId(id)), None, Vec::new()).await
}

pub async fn new_form(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    viewer.require_manager()?;
    person_page(&state, &viewer, None, None, Vec::new()).await
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    WebForm(fields): WebForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    save_form(state, viewer, None, fields).await
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PersonForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    access: String,
    #[serde(default)]
    manager: String,
    #[serde(default)]
    away_until: String,
    active: Option<String>,
    #[serde(default)]
    roles: Vec<String>,
}

pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    WebPath(id): WebPath<i64>,
    WebForm(fields): WebForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    save_form(state, viewer, Some(PersonId(id)), fields).await
}

/// Saves a person's details, availability and roles (a new person when `id` is None).
async fn save_form(
    state: AppState,
    viewer: Viewer,
    id: Option<PersonId>,
    fields: Vec<(String, String)>,
) -> Result<Response, PageError> {
    let mut form = PersonForm::default();
    for (name, value) in fields {
        match name.as_str() {
            "_csrf" => form.csrf = value,
            "name" => form.name = value,
            "email" => form.email = value,
            "access" => form.access = value,
            "manager" => form.manager = value,
            "away_until" => form.away_until = value,
            "active" => form.active = Some(value),
            "roles" => form.roles.push(value),
            _ => {}
        }
    }
    viewer.check_csrf(&form.csrf)?;
    viewer.require_manager()?;
    let store = &state.engine.store;
    if let Some(id) = id {
        store.get_person(viewer.actor.org, id).await?;
    }
    let mut problems = Vec::new();
    let access = Access::parse(&form.access).unwrap_or_else(|| {
        problems.push("Access: choose one of the listed levels.".into());
        Access::Member
    });
    let away_until = match form.away_until.trim() {
        "" => None,
        text => match text.parse::<jiff::civil::DateTime>().ok().and_then(|t| t.to_zoned(viewer.zone.clone()).ok()) {
            Some(at) => Some(at.timestamp()),
            None => {
                problems.push("Away until: pick a date and time.".into());
                None
            }
        },
    };
    let manager = form.manager.trim().parse::<i64>().ok().map(PersonId);
    if !problems.is_empty() {
        return person_page(&state, &viewer, id, Some(form), problems).await;
    }
    let fields = PersonFields {
        name: form.name.clone(),
        email: form.email.clone(),
        access,
        manager,
        away_until,
        active: form.active.is_some(),
    };
    let id = match state.engine.save_person(viewer.actor, id, fields).await {
        Ok(saved) => saved,
        Err(EngineError::Invalid(errors)) => {
            let problems = errors.into_iter().map(|e| format!("{}: {}", field_words(&e.field), e.message)).collect();
            return person_page(&state, &viewer, id, Some(form), problems).await;
        }
        Err(EngineError::Conflict(message)) => {
            return person_page(&state, &viewer, id, Some(form), vec![message]).await;
        }
        Err(e) => return Err(e.into()),
    };
    for role in store.list_roles(viewer.actor.org).await? {
        let wanted = form.roles.contains(&role.id.0.to_string());
        if wanted == role.members.contains(&id) {
            continue;
        }
        let mut members = role.members.clone();
        if wanted {
            members.push(id)
        } else {
            members.retain(|m| *m != id)
        }
        let fields = RoleFields { name: role.name.clone(), pick: role.pick, members };
        store.update_role(viewer.actor.org, role.id, &fields).await?;
    }
    Ok(redirect("/people?ok=saved"))
}

#[derive(Debug, Deserialize)]
pub struct RotationForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    pick: String,
}

/// Changes how a role picks who gets its work.
pub async fn rotation(
    State(state): State<AppState>,
    viewer: Viewer,
    WebPath(id): WebPath<i64>,
    WebForm(form): WebForm<RotationForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    viewer.require_manager()?;
    let store = &state.engine.store;
    let role = store.get_role(viewer.actor.org, RoleId(id)).await?;
    let pick = PickRule::parse(&form.pick).ok_or_else(|| PageError::bad_request("Choose how the role takes turns."))?;
    let fields = RoleFields { name: role.name, pick, members: role.members };
    store.update_role(viewer.actor.org, role.id, &fields).await?;
    Ok(redirect("/people?ok=saved"))
}
