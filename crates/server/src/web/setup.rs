//! The first-run page: a new installation asks for its organization and its first
//! owner, then signs that owner in. Once an organization exists it sends people to
//! sign in instead.

use super::forms::WebForm;
use super::page::{PageError, render_with_status};
use super::redirect;
use super::signin::start;
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use proofline_engine::{EngineError, FirstOwner, MIN_PASSWORD_CHARS};
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    organization: String,
    #[serde(default)]
    zone: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// The form as shown again: what was typed, never the password.
#[derive(Serialize)]
struct SetupPage {
    organization: String,
    zone: String,
    name: String,
    email: String,
    problems: Vec<String>,
    zones: Vec<String>,
    min_chars: usize,
}

fn setup_page(status: StatusCode, form: SetupForm, problems: Vec<String>) -> Response {
    let mut zones: Vec<String> = jiff::tz::db().available().map(|name| name.as_str().to_string()).collect();
    zones.sort_unstable();
    let page = SetupPage {
        organization: form.organization,
        zone: form.zone,
        name: form.name,
        email: form.email,
        problems,
        zones,
        min_chars: MIN_PASSWORD_CHARS,
    };
    render_with_status(status, "setup.html", page).into_response()
}

pub async fn form(State(state): State<AppState>) -> Result<Response, PageError> {
    if !state.engine.needs_setup().await? {
        return Ok(redirect("/signin"));
    }
    Ok(setup_page(StatusCode::OK, SetupForm { zone: "UTC".into(), ..SetupForm::default() }, Vec::new()))
}

pub async fn submit(State(state): State<AppState>, headers: HeaderMap, WebForm(form): WebForm<SetupForm>) -> Response {
    let first = FirstOwner {
        organization: form.organization.clone(),
        zone: form.zone.clone(),
        name: form.name.clone(),
        email: form.email.clone(),
        password: form.password.clone(),
    };
    match state.engine.set_up(first).await {
        Ok(signed_in) => start(&state, &headers, signed_in, "/processes").await,
        Err(EngineError::Invalid(problems)) => {
            let problems = problems.iter().map(|p| format!("{}: {}", label(&p.field), p.message)).collect();
            setup_page(StatusCode::UNPROCESSABLE_ENTITY, form, problems)
        }
        Err(e) => PageError::from(e).into_response(),
    }
}

/// The form's words for a field.
fn label(field: &str) -> &str {
    match field {
        "organization" => "Organization",
        "zone" => "Time zone",
        "name" => "Your name",
        "email" => "Email",
        "password" => "Password",
        other => other,
    }
}
