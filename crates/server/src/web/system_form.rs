//! Adding and changing a system: its key, name, goal, owner, the system it belongs to and
//! the software it runs on.

use super::forms::{WebForm, WebPath};
use super::page::{Chrome, PageError, field_words, render_with_status};
use super::redirect;
use super::session::Viewer;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use proofline_core::{PersonId, SystemId};
use proofline_engine::EngineError;
use proofline_store::SystemFields;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SystemForm {
    #[serde(rename = "_csrf", default, skip_serializing)]
    csrf: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    goal: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    parent: String,
    /// Comma-separated.
    #[serde(default)]
    software: String,
}

#[derive(Serialize)]
struct SystemPage {
    chrome: Chrome,
    id: Option<i64>,
    form: SystemForm,
    people: Vec<(i64, String)>,
    systems: Vec<(i64, String)>,
    problems: Vec<String>,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    id: Option<SystemId>,
    form: SystemForm,
    problems: Vec<String>,
) -> Result<Response, PageError> {
    let store = &state.engine.store;
    let org = viewer.actor.org;
    let people = store.list_people(org).await?.into_iter().filter(|p| p.active).map(|p| (p.id.0, p.name)).collect();
    let systems =
        store.list_systems(org).await?.into_iter().filter(|s| Some(s.id) != id).map(|s| (s.id.0, s.name)).collect();
    let status = if problems.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page =
        SystemPage { chrome: Chrome::new(viewer, "systems"), id: id.map(|i| i.0), form, people, systems, problems };
    Ok(render_with_status(status, "system.html", page)?.into_response())
}

pub async fn new_form(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    viewer.require_manager()?;
    let form = SystemForm { owner: viewer.actor.person.0.to_string(), ..SystemForm::default() };
    page(&state, &viewer, None, form, Vec::new()).await
}

pub async fn edit_form(
    State(state): State<AppState>,
    viewer: Viewer,
    WebPath(id): WebPath<i64>,
) -> Result<Response, PageError> {
    viewer.require_manager()?;
    let system = state.engine.store.get_system(viewer.actor.org, SystemId(id)).await?;
    let form = SystemForm {
        csrf: String::new(),
        key: system.key,
        name: system.name,
        goal: system.goal,
        owner: system.owner.0.to_string(),
        parent: system.parent.map(|p| p.0.to_string()).unwrap_or_default(),
        software: system.software.join(", "),
    };
    page(&state, &viewer, Some(SystemId(id)), form, Vec::new()).await
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    WebForm(form): WebForm<SystemForm>,
) -> Result<Response, PageError> {
    save(&state, &viewer, None, form).await
}

pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    WebPath(id): WebPath<i64>,
    WebForm(form): WebForm<SystemForm>,
) -> Result<Response, PageError> {
    state.engine.store.get_system(viewer.actor.org, SystemId(id)).await?;
    save(&state, &viewer, Some(SystemId(id)), form).await
}

async fn save(
    state: &AppState,
    viewer: &Viewer,
    id: Option<SystemId>,
    form: SystemForm,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    viewer.require_manager()?;
    let fields = SystemFields {
        key: form.key.clone(),
        name: form.name.clone(),
        goal: form.goal.clone(),
        owner: PersonId(form.owner.trim().parse().unwrap_or_default()),
        parent: form.parent.trim().parse::<i64>().ok().map(SystemId),
        software: form.software.split(',').map(str::to_string).collect(),
    };
    match state.engine.save_system(viewer.actor, id, fields).await {
        Ok(saved) => Ok(redirect(&format!("/systems?ok=saved#system-{saved}"))),
        Err(EngineError::Invalid(errors)) => {
            let problems = errors.into_iter().map(|e| format!("{}: {}", field_words(&e.field), e.message)).collect();
            page(state, viewer, id, form, problems).await
        }
        Err(EngineError::Conflict(message)) => page(state, viewer, id, form, vec![message]).await,
        Err(e) => Err(e.into()),
    }
}
