//! Signing in and out, and choosing a password from an invitation or reset link.
//! A sign-in always starts a new session (the old cookie's session ends), so a session
//! fixed in the browser beforehand is worthless.

use super::forms::{CsrfOnly, WebForm};
use super::page::{PageError, render_with_status, safe_next};
use super::redirect;
use super::session::{Viewer, clear_cookie, cookie_secret, secure_cookies, set_cookie};
use crate::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use proofline_engine::{MIN_PASSWORD_CHARS, SignedIn};
use proofline_store::{LinkHolder, LinkPurpose};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;

/// The client's address as the socket saw it (behind a proxy, the proxy's).
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let address = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string());
        Ok(ClientAddress(address.unwrap_or_else(|| "unknown".into())))
    }
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

#[derive(Debug, Serialize)]
struct SignInPage {
    /// The installation has no organization yet: point to the first-run page.
    setup: bool,
    next: String,
    email: String,
    error: Option<String>,
    min_chars: usize,
}

fn sign_in_page(status: StatusCode, next: String, email: String, error: Option<String>) -> Response {
    sign_in_or_set_up(status, false, next, email, error)
}

fn sign_in_or_set_up(status: StatusCode, setup: bool, next: String, email: String, error: Option<String>) -> Response {
    let page = SignInPage { setup, next, email, error, min_chars: MIN_PASSWORD_CHARS };
    render_with_status(status, "signin.html", page).into_response()
}

pub async fn form(
    State(state): State<AppState>,
    viewer: Result<Viewer, PageError>,
    Query(query): Query<NextQuery>,
) -> Response {
    let next = safe_next(query.next.as_deref());
    if viewer.is_ok() {
        return redirect(&next);
    }
    let setup = match state.engine.needs_setup().await {
        Ok(setup) => setup,
        Err(e) => return PageError::from(e).into_response(),
    };
    sign_in_or_set_up(StatusCode::OK, setup, next, String::new(), None)
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    WebForm(form): WebForm<SignInForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    let now = state.engine.now();
    if let Some(wait) = state.logins.wait(&form.email, &address, now) {
        let minutes = (wait.as_secs() + 59) / 60;
        let error = format!("Too many failed attempts. Try again in {minutes} min, or reset your password.");
        return sign_in_page(StatusCode::TOO_MANY_REQUESTS, next, form.email, Some(error));
    }
    let signed_in = match state.engine.sign_in(&form.email, &form.password).await {
        Ok(signed_in) => signed_in,
        Err(e) => return PageError::from(e).into_response(),
    };
    let Some(signed_in) = signed_in else {
        state.logins.failed(&form.email, &address, now);
        let error = "That email and password do not match an account.".to_string();
        return sign_in_page(StatusCode::UNAUTHORIZED, next, form.email, Some(error));
    };
    state.logins.succeeded(&form.email, &address);
    start(&state, &headers, signed_in, &next).await
}

/// Ends whatever session the browser had and sets the new one's cookie.
pub(super) async fn start(state: &AppState, headers: &HeaderMap, signed_in: SignedIn, next: &str) -> Response {
    let secure = secure_cookies(state);
    if let Some(old) = cookie_secret(headers, secure)
        && let Err(e) = state.engine.sign_out(&old).await
    {
        return PageError::from(e).into_response();
    }
    let max_age = signed_in.expires_at.duration_since(state.engine.now()).as_secs();
    (set_cookie(&signed_in.secret, max_age, secure), redirect(next)).into_response()
}

pub async fn sign_out(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    WebForm(form): WebForm<CsrfOnly>,
) -> Result<Response, PageError> {
    viewer.check_csrf(&form.csrf)?;
    let secure = secure_cookies(&state);
    if let Some(secret) = cookie_secret(&headers, secure) {
        state.engine.sign_out(&secret).await?;
    }
    Ok((clear_cookie(secure), redirect("/signin")).into_response())
}

#[derive(Debug, Serialize)]
struct PasswordPage {
    heading: &'static str,
    intro: String,
    action: String,
    error: Option<String>,
    min_chars: usize,
}

fn password_page(
    status: StatusCode,
    purpose: LinkPurpose,
    holder: &LinkHolder,
    action: String,
    error: Option<String>,
) -> Response {
    let (heading, intro) = match purpose {
        LinkPurpose::Invite => (
            "Welcome to Proofline",
            format!("{}, choose a password to join. You sign in as {}.", holder.name, holder.email),
        ),
        LinkPurpose::Reset => (
            "Choose a new password",
            format!("For {}. Every device signed in as you will be signed out.", holder.email),
        ),
    };
    let page = PasswordPage { heading, intro, action, error, min_chars: MIN_PASSWORD_CHARS };
    render_with_status(status, "password.html", page).into_response()
}

fn dead_link(purpose: LinkPurpose) -> PageError {
    PageError::Status(
        StatusCode::NOT_FOUND,
        match purpose {
            LinkPurpose::Invite => "This invitation has expired or was already used. Ask your manager for a new one.",
            LinkPurpose::Reset => {
                "This reset link has expired or was already used. Ask for a new one from the sign-in page."
            }
        }
        .into(),
    )
}

async fn link_form(state: &AppState, secret: &str, purpose: LinkPurpose, action: String) -> Response {
    match state.engine.peek_link(secret, purpose).await {
        Ok(Some(holder)) => password_page(StatusCode::OK, purpose, &holder, action, None),
        Ok(None) => dead_link(purpose).into_response(),
        Err(e) => PageError::from(e).into_response(),
    }
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

async fn redeem(
    state: &AppState,
    headers: &HeaderMap,
    secret: &str,
    purpose: LinkPurpose,
    form: PasswordForm,
    action: String,
) -> Response {
    let holder = match state.engine.peek_link(secret, purpose).await {
        Ok(Some(holder)) => holder,
        Ok(None) => return dead_link(purpose).into_response(),
        Err(e) => return PageError::from(e).into_response(),
    };
    if form.password != form.confirm {
        let error = Some("The two passwords differ. Type the same password twice.".to_string());
        return password_page(StatusCode::UNPROCESSABLE_ENTITY, purpose, &holder, action, error);
    }
    match state.engine.redeem_link(secret, purpose, &form.password).await {
        Ok(Some(signed_in)) => start(state, headers, signed_in, "/").await,
        Ok(None) => dead_link(purpose).into_response(),
        Err(proofline_engine::EngineError::Invalid(errors)) => {
            let error = errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("; ");
            password_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                purpose,
                &holder,
                action,
                Some(format!("Password: {error}.")),
            )
        }
        Err(e) => PageError::from(e).into_response(),
    }
}

pub async fn join_form(State(state): State<AppState>, Path(secret): Path<String>) -> Response {
    link_form(&state, &secret, LinkPurpose::Invite, format!("/join/{secret}")).await
}

pub async fn join(
    State(state): State<AppState>,
    Path(secret): Path<String>,
    headers: HeaderMap,
    WebForm(form): WebForm<PasswordForm>,
) -> Response {
    let action = format!("/join/{secret}");
    redeem(&state, &headers, &secret, LinkPurpose::Invite, form, action).await
}

pub async fn reset_form(State(state): State<AppState>, Path(secret): Path<String>) -> Response {
    link_form(&state, &secret, LinkPurpose::Reset, format!("/reset/{secret}")).await
}

pub async fn reset(
    State(state): State<AppState>,
    Path(secret): Path<String>,
    headers: HeaderMap,
    WebForm(form): WebForm<PasswordForm>,
) -> Response {
    let action = format!("/reset/{secret}");
    redeem(&state, &headers, &secret, LinkPurpose::Reset, form, action).await
}

#[derive(Debug, Serialize)]
struct ResetRequestPage {
    email: String,
    sent: bool,
    error: Option<String>,
}

fn reset_request_page(status: StatusCode, page: ResetRequestPage) -> Response {
    render_with_status(status, "reset_request.html", page).into_response()
}

pub async fn reset_request_form() -> Response {
    reset_request_page(StatusCode::OK, ResetRequestPage { email: String::new(), sent: false, error: None })
}

#[derive(Debug, Deserialize)]
pub struct ResetRequest {
    #[serde(default)]
    email: String,
}

/// Emails a reset link; the answer is the same whether or not the email is known. Each
/// request counts against the same limits as a failed sign-in, so the form cannot be used
/// to flood someone's inbox.
pub async fn reset_request(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    WebForm(form): WebForm<ResetRequest>,
) -> Response {
    let email = form.email.trim().to_string();
    let now = state.engine.now();
    if email.is_empty() || !email.contains('@') || email.len() > 320 {
        let error = Some("Type the email you sign in with.".to_string());
        return reset_request_page(StatusCode::UNPROCESSABLE_ENTITY, ResetRequestPage { email, sent: false, error });
    }
    if let Some(wait) = state.logins.wait(&email, &address, now) {
        let minutes = (wait.as_secs() + 59) / 60;
        let error = Some(format!("Too many attempts. Try again in {minutes} min."));
        return reset_request_page(StatusCode::TOO_MANY_REQUESTS, ResetRequestPage { email, sent: false, error });
    }
    state.logins.failed(&email, &address, now);
    if let Err(e) = state.engine.request_password_reset(&email).await {
        return PageError::from(e).into_response();
    }
    reset_request_page(StatusCode::OK, ResetRequestPage { email, sent: true, error: None })
}
