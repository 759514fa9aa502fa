//! A person's own settings: their password, their API tokens (a new one is shown once),
//! and signing out on every device.

use super::forms::{CsrfOnly, WebForm, WebPath};
use super::page::{Chrome, OkQuery, PageError, When, render_with_status};
use super::redirect;
use super::session::{Viewer, clear_cookie, secure_cookies, set_cookie};
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use proofline_core::TokenId;
use proofline_core::access::Access;
use proofline_engine::{EngineError, MIN_PASSWORD_CHARS};
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct TokenRow {
    id: i64,
    name: String,
    created: When,
}

#[derive(Serialize)]
struct SettingsPage {
    chrome: Chrome,
    tokens: Vec<TokenRow>,
    /// A token just created: its secret, shown this once.
    new_token: Option<(String, String)>,
    password_error: Option<String>,
    token_error: Option<String>,
    min_chars: usize,
    /// Owners set how long evidence files are kept.
    sets_retention: bool,
    /// Days; `None` keeps them for good.
    retention_days: Option<u32>,
}

#[derive(Default)]
struct Extras {
    new_token: Option<(String, String)>,
    password_error: Option<String>,
    token_error: Option<String>,
    notice: Option<String>,
}

async fn settings_page(
    state: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    extras: Extras,
) -> Result<(StatusCode, Html<String>), PageError> {
    let now = state.engine.now();
    let tokens = state.engine.store.list_tokens(viewer.actor.org, viewer.actor.person).await?;
    let page = SettingsPage {
        chrome: Chrome::new(viewer, "settings").with_notice(extras.notice.as_deref()),
        tokens: tokens
            .into_iter()
            .map(|t| TokenRow { id: t.id.0, name: t.name, created: When::new(t.created_at, &viewer.zone, now) })
            .collect(),
        new_token: extras.new_token,
        password_error: extras.password_error,
        token_error: extras.token_error,
        min_chars: MIN_PASSWORD_CHARS,
        sets_retention: viewer.actor.access == Access::Owner,
        retention_days: state.engine.store.retention_days(viewer.actor.org).await?,
    };
    render_with_status(status, "settings.html", page)
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<OkQuery>,
) -> Result<(StatusCode, Html<String>), PageError> {
    settings_page(&state, &viewer, StatusCode::OK, Extras { notice: query.ok, ..Extras::default() }).await
}

#[derive(Debug, Deserialize)]
pub struct PasswordChange {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// Changes the password; every other session ends and this browser gets a fresh one.
pub async fn change_password(
    State(state): State<AppState>,
    viewer: Viewer,
    WebForm(form): WebForm<PasswordChange>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let refuse = |message: String| Extras { password_error: Some(message), ..Extras::default() };
    if form.password != form.confirm {
        let extras = refuse("The two new passwords differ.".into());
        return Ok(settings_page(&state, &viewer, StatusCode::UNPROCESSABLE_ENTITY, extras).await?.into_response());
    }
    let signed_in = match state.engine.change_password(viewer.actor, &form.current, &form.password).await {
        Ok(signed_in) => signed_in,
        Err(EngineError::Invalid(errors)) => {
            let message = errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("; ");
            let extras = refuse(format!("Not changed: {message}."));
            return Ok(settings_page(&state, &viewer, StatusCode::UNPROCESSABLE_ENTITY, extras).await?.into_response());
        }
        Err(e) => return Err(e.into()),
    };
    // The change ended every session, this one too; this browser gets the new one.
    let max_age = signed_in.expires_at.duration_since(state.engine.now()).as_secs();
    let cookie = set_cookie(&signed_in.secret, max_age, secure_cookies(&state));
    Ok((cookie, redirect("/settings?ok=password")).into_response())
}

#[derive(Debug, Deserialize)]
pub struct NewToken {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    viewer: Viewer,
    WebForm(form): WebForm<NewToken>,
) -> Result<(StatusCode, Html<String>), PageError> {
    viewer.check_csrf(&form.csrf)?;
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        let extras = Extras {
            token_error: Some("Name the token (1 to 100 characters), e.g. the script that uses it.".into()),
            ..Extras::default()
        };
        return settings_page(&state, &viewer, StatusCode::UNPROCESSABLE_ENTITY, extras).await;
    }
    let secret = state.engine.issue_token(viewer.actor.org, viewer.actor.person, name).await?;
    let extras = Extras { new_token: Some((name.to_string(), secret)), ..Extras::default() };
    settings_page(&state, &viewer, StatusCode::OK, extras).await
}

pub async fn revoke_token(
    State(state): State<AppState>,
    viewer: Viewer,
    WebPath(id): WebPath<i64>,
    WebForm(form): WebForm<CsrfOnly>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    state.engine.store.revoke_token(viewer.actor.org, viewer.actor.person, TokenId(id)).await?;
    Ok(redirect("/settings?ok=token"))
}

/// Ends every session of the person, this browser's included: "everywhere" means here too.
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    viewer: Viewer,
    WebForm(form): WebForm<CsrfOnly>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    state.engine.sign_out_everywhere(viewer.actor).await?;
    Ok((clear_cookie(secure_cookies(&state)), redirect("/signin")).into_response())
}

#[derive(Debug, Deserialize)]
pub struct RetentionForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    days: String,
}

/// How long evidence files are kept (owners): a number of days, or empty for good.
pub async fn set_retention(
    State(state): State<AppState>,
    viewer: Viewer,
    WebForm(form): WebForm<RetentionForm>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let days = match form.days.trim() {
        "" => None,
        text => Some(
            text.parse::<u32>()
                .map_err(|_| PageError::bad_request("Give a whole number of days, or leave it empty."))?,
        ),
    };
    state.engine.set_retention(viewer.actor, days).await?;
    Ok(redirect("/settings?ok=saved"))
}
