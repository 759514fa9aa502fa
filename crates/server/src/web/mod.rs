//! The web app: pages rendered on the server for people on the floor (My work) and for
//! owners (Needs you), signed in with a session cookie. Pages work without script; the
//! one small script only adds conveniences. Every response carries strict security
//! headers, and no state changes on a request from another site.

mod assets;
mod cadence;
mod cards;
pub(crate) mod charts;
mod editor;
mod forms;
mod goals;
mod inbox;
mod limiter;
pub(crate) mod markdown;
mod numbers;
mod page;
mod patterns;
mod people;
mod people_numbers;
mod processes;
mod proof;
mod proof_text;
mod scan;
mod session;
mod settings;
mod setup;
mod signin;
mod story;
mod system_form;
mod systems;
mod work;

pub(crate) use limiter::LoginLimiter;
pub(crate) use page::PageError;

use crate::AppState;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::header::{
    CONTENT_SECURITY_POLICY, HOST, LOCATION, ORIGIN, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use session::Viewer;

/// No inline script or style anywhere, no framing, forms only to ourselves.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
                   object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/signin", get(signin::form).post(signin::submit))
        .route("/signout", post(signin::sign_out))
        .route("/setup", get(setup::form).post(setup::submit))
        .route("/join/{secret}", get(signin::join_form).post(signin::join))
        .route("/reset", get(signin::reset_request_form).post(signin::reset_request))
        .route("/reset/{secret}", get(signin::reset_form).post(signin::reset))
        .route("/work", get(work::my_work))
        .route("/tasks/{id}", get(work::task_page))
        .route(
            "/tasks/{id}/proof",
            post(work::submit).layer(axum::extract::DefaultBodyLimit::max(crate::SUBMISSION_LIMIT)),
        )
        .route("/tasks/{id}/decide", post(inbox::decide))
        .route("/tasks/{id}/verdict", post(work::verdict))
        .route("/tasks/{id}/evidence/{sha256}", get(work::evidence))
        .route("/inbox", get(inbox::needs_you))
        .route("/patterns", get(patterns::list))
        .route("/patterns/{id}", get(patterns::detail))
        .route("/patterns/{id}/decide", post(patterns::decide))
        .route("/processes", get(processes::list))
        .route("/processes/new", get(editor::new_form).post(editor::create))
        // A Word file may carry pictures, and text posted back as a form field may be
        // three times its size once encoded.
        .route(
            "/processes/scan",
            get(scan::form).post(scan::submit).layer(axum::extract::DefaultBodyLimit::max(scan::UPLOAD_LIMIT)),
        )
        .route(
            "/processes/scan/draft",
            post(scan::save_draft).layer(axum::extract::DefaultBodyLimit::max(scan::UPLOAD_LIMIT)),
        )
        .route("/processes/{id}", get(processes::detail))
        .route("/processes/{id}/numbers", get(numbers::page))
        .route("/processes/{id}/numbers.csv", get(numbers::csv))
        .route("/processes/{id}/evidence.zip", get(processes::evidence))
        .route("/processes/{id}/edit", get(editor::edit_form).post(editor::update))
        .route("/cadence-preview", get(cadence::cadence_preview))
        .route("/processes/{id}/start", post(processes::start))
        .route("/runs/{id}", get(processes::run))
        .route("/systems", get(systems::systems))
        .route("/systems/numbers", get(numbers::systems_page))
        .route("/systems/numbers.csv", get(numbers::systems_csv))
        .route("/systems/new", get(system_form::new_form).post(system_form::create))
        .route("/systems/{id}/edit", get(system_form::edit_form).post(system_form::update))
        .route("/people", get(people::list))
        .route("/people/numbers", get(people_numbers::page))
        .route("/people/numbers.csv", get(people_numbers::csv))
        .route("/people/new", get(people::new_form).post(people::create))
        .route("/people/{id}", get(people::edit).post(people::save))
        .route("/people/{id}/invite", post(people::invite))
        .route("/roles/{id}/rotation", post(people::rotation))
        .route("/settings", get(settings::page))
        .route("/settings/password", post(settings::change_password))
        .route("/settings/retention", post(settings::set_retention))
        .route("/settings/tokens", post(settings::create_token))
        .route("/settings/tokens/{id}/revoke", post(settings::revoke_token))
        .route("/settings/signout-everywhere", post(settings::sign_out_everywhere))
        .route("/assets/{name}", get(assets::serve))
}

/// Members start at their work; managers and owners at what needs them.
async fn home(State(state): State<AppState>, viewer: Result<Viewer, PageError>) -> Response {
    match viewer {
        Ok(viewer) if viewer.can_manage() => redirect("/inbox"),
        Ok(_) => redirect("/work"),
        Err(PageError::SignIn(_)) => match state.engine.needs_setup().await {
            Ok(true) => redirect("/setup"),
            Ok(false) => redirect("/signin"),
            Err(e) => PageError::from(e).into_response(),
        },
        Err(e) => e.into_response(),
    }
}

pub fn redirect(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, to.to_string())]).into_response()
}

/// Security headers on every response, and refusal of state-changing requests that a
/// browser says came from another site (the CSRF token is the second line).
pub async fn guard(request: Request, next: Next) -> Response {
    let unsafe_method = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method && cross_site(&request) {
        return PageError::forbidden("This request came from another site and was refused.").into_response();
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("geolocation=(), microphone=(), camera=(self)"),
    );
    response
}

/// A browser request from another origin: `Sec-Fetch-Site` says so, or the `Origin`
/// names a different host. Requests without either (curl, API clients) are not browsers
/// riding a cookie and pass on to their own authentication.
fn cross_site(request: &Request) -> bool {
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) else { return false };
    let host = headers.get(HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    origin == "null" || !origin_host.eq_ignore_ascii_case(host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn post(headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::builder().method(Method::POST).uri("/signout");
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        builder.body(Body::empty()).unwrap()
    }

    #[test]
    fn requests_from_other_sites_are_recognized() {
        assert!(cross_site(&post(&[("sec-fetch-site", "cross-site")])));
        assert!(cross_site(&post(&[("sec-fetch-site", "same-site")])));
        assert!(!cross_site(&post(&[("sec-fetch-site", "same-origin")])));
        assert!(cross_site(&post(&[("host", "proofline.test"), ("origin", "https://evil.test")])));
        assert!(cross_site(&post(&[("host", "proofline.test"), ("origin", "null")])));
        assert!(!cross_site(&post(&[("host", "proofline.test"), ("origin", "https://proofline.test")])));
        assert!(!cross_site(&post(&[])), "API clients send neither");
    }
}
