//! The session cookie and the signed-in person behind it. A page asks for a [`Viewer`];
//! without a live session the browser is sent to sign in and brought back afterwards.
//! Every form carries the session's CSRF token, checked by [`Viewer::check_csrf`].

use super::page::PageError;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::response::{AppendHeaders, IntoResponseParts};
use jiff::tz::TimeZone;
use proofline_engine::Actor;

/// The cookie's name; `__Host-` binds it to this exact origin when served over HTTPS.
fn cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-proofline" } else { "proofline" }
}

/// Whether cookies must only travel over HTTPS: everywhere but a plain-HTTP address
/// (the demo on localhost).
pub fn secure_cookies(state: &AppState) -> bool {
    !state.engine.config.public_url.starts_with("http://")
}

/// The cookie's secret from a request, if it carries one.
pub fn cookie_secret(headers: &HeaderMap, secure: bool) -> Option<String> {
    let name = cookie_name(secure);
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim().to_string())
        .filter(|value| !value.is_empty() && value.len() <= 128)
}

/// `Set-Cookie` starting a session that lasts `max_age` seconds.
pub fn set_cookie(secret: &str, max_age: i64, secure: bool) -> impl IntoResponseParts {
    let secure_attr = if secure { "; Secure" } else { "" };
    let value = format!(
        "{}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure_attr}",
        cookie_name(secure),
        max_age.max(0)
    );
    AppendHeaders([(SET_COOKIE, value)])
}

/// `Set-Cookie` that makes the browser forget the session.
pub fn clear_cookie(secure: bool) -> impl IntoResponseParts {
    let secure_attr = if secure { "; Secure" } else { "" };
    let value = format!("{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure_attr}", cookie_name(secure));
    AppendHeaders([(SET_COOKIE, value)])
}

/// The signed-in person, with what every page shows of them.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub actor: Actor,
    pub csrf: String,
    pub name: String,
    pub org_name: String,
    /// The zone times are shown in: the person's own, else the organization's.
    pub zone: TimeZone,
}

impl Viewer {
    /// Refuses a form whose token is not this session's (a forged cross-site request).
    pub fn check_csrf(&self, token: &str) -> Result<(), PageError> {
        if constant_time_eq(token.as_bytes(), self.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(PageError::forbidden(
                "This form has expired or did not come from Proofline. Go back, reload the page and try again.",
            ))
        }
    }

    pub fn can_manage(&self) -> bool {
        self.actor.access.can_manage()
    }

    pub fn can_work(&self) -> bool {
        self.actor.access.can_work()
    }

    /// Patterns and people's figures name people: managers, owners and auditors see them.
    pub fn require_oversight(&self) -> Result<(), PageError> {
        if self.actor.access.can_oversee() {
            Ok(())
        } else {
            Err(PageError::forbidden("Patterns and figures are for managers, owners and auditors."))
        }
    }

    pub fn require_manager(&self) -> Result<(), PageError> {
        if self.can_manage() { Ok(()) } else { Err(PageError::forbidden("Only managers and owners can do this.")) }
    }
}

/// Where to come back to after signing in: this page, or for a form whose session ran
/// out, the page the form was on (coming back to a form's address would be a GET it
/// does not answer).
fn return_path(parts: &Parts) -> String {
    if parts.method == axum::http::Method::GET {
        return parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_string();
    }
    let host = parts.headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    parts
        .headers
        .get(axum::http::header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| r.split_once("://").map(|(_, rest)| rest))
        .and_then(|rest| rest.strip_prefix(host))
        .filter(|path| path.starts_with('/') && !host.is_empty())
        .unwrap_or("/")
        .to_string()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        if let Some(viewer) = parts.extensions.get::<Viewer>() {
            return Ok(viewer.clone());
        }
        let back = return_path(parts);
        let to_signin = || PageError::SignIn(back.clone());
        let secret = cookie_secret(&parts.headers, secure_cookies(state)).ok_or_else(to_signin)?;
        let session = state.engine.session(&secret).await?.ok_or_else(to_signin)?;
        let zone = jiff::tz::db().get(&session.zone).unwrap_or(TimeZone::UTC);
        let viewer =
            Viewer { actor: session.actor, csrf: session.csrf, name: session.name, org_name: session.org_name, zone };
        parts.extensions.insert(viewer.clone());
        Ok(viewer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_found_among_others_and_junk_is_ignored() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, "theme=dark; proofline=abc123; other=1".parse().unwrap());
        assert_eq!(cookie_secret(&headers, false).as_deref(), Some("abc123"));
        assert_eq!(cookie_secret(&headers, true), None, "over HTTPS only the __Host- cookie counts");
        headers.insert(COOKIE, format!("proofline={}", "x".repeat(500)).parse().unwrap());
        assert_eq!(cookie_secret(&headers, false), None);
    }

    #[test]
    fn a_form_whose_session_ran_out_returns_to_its_page() {
        let request = |method: &str, referer: &str| {
            let request = axum::http::Request::builder()
                .method(method)
                .uri("/tasks/4/proof")
                .header("host", "cafe.test")
                .header("referer", referer)
                .body(())
                .unwrap();
            request.into_parts().0
        };
        assert_eq!(return_path(&request("GET", "https://cafe.test/work")), "/tasks/4/proof");
        assert_eq!(return_path(&request("POST", "https://cafe.test/tasks/4?x=1")), "/tasks/4?x=1");
        assert_eq!(return_path(&request("POST", "https://evil.test/tasks/4")), "/");
    }

    #[test]
    fn tokens_compare_in_full() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(b"", b"a"));
    }
}
