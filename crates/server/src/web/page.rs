//! Rendering pages: the embedded templates (HTML auto-escaped), the frame every page
//! shares, error pages, and times written the way people read them.

use super::session::Viewer;
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{Html, IntoResponse, Response};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use minijinja::value::{Serde, Value};
use minijinja::{Environment, UndefinedBehavior};
use proofline_engine::EngineError;
use proofline_store::StoreError;
use serde::Serialize;
use std::sync::LazyLock;

const TEMPLATES: &[(&str, &str)] = &[
    ("layout.html", include_str!("../../templates/layout.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("due.html", include_str!("../../templates/due.html")),
    ("error.html", include_str!("../../templates/error.html")),
    ("signin.html", include_str!("../../templates/signin.html")),
    ("setup.html", include_str!("../../templates/setup.html")),
    ("password.html", include_str!("../../templates/password.html")),
    ("reset_request.html", include_str!("../../templates/reset_request.html")),
    ("work.html", include_str!("../../templates/work.html")),
    ("task.html", include_str!("../../templates/task.html")),
    ("proof_form.html", include_str!("../../templates/proof_form.html")),
    ("inbox.html", include_str!("../../templates/inbox.html")),
    ("processes.html", include_str!("../../templates/processes.html")),
    ("process.html", include_str!("../../templates/process.html")),
    ("run.html", include_str!("../../templates/run.html")),
    ("people.html", include_str!("../../templates/people.html")),
    ("person.html", include_str!("../../templates/person.html")),
    ("settings.html", include_str!("../../templates/settings.html")),
    ("systems.html", include_str!("../../templates/systems.html")),
    ("system.html", include_str!("../../templates/system.html")),
    ("editor.html", include_str!("../../templates/editor.html")),
    ("cadence_preview.html", include_str!("../../templates/cadence_preview.html")),
    ("charts.html", include_str!("../../templates/charts.html")),
    ("pattern_item.html", include_str!("../../templates/pattern_item.html")),
    ("patterns.html", include_str!("../../templates/patterns.html")),
    ("pattern.html", include_str!("../../templates/pattern.html")),
    ("numbers.html", include_str!("../../templates/numbers.html")),
    ("systems_numbers.html", include_str!("../../templates/systems_numbers.html")),
    ("people_numbers.html", include_str!("../../templates/people_numbers.html")),
    ("scan.html", include_str!("../../templates/scan.html")),
];

static ENVIRONMENT: LazyLock<Result<Environment<'static>, String>> = LazyLock::new(|| {
    let mut env = Environment::new();
    // A misspelt variable is a bug to see in tests, not an empty spot on a page.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    for (name, source) in TEMPLATES {
        env.add_template(name, source).map_err(|e| format!("template {name}: {e:#}"))?;
    }
    Ok(env)
});

/// The frame around every page: who is signed in, where they are, the form token.
#[derive(Debug, Serialize)]
pub struct Chrome {
    pub name: String,
    pub org: String,
    pub access: &'static str,
    pub manager: bool,
    /// Sees patterns and figures (managers, owners, auditors).
    pub oversee: bool,
    pub csrf: String,
    /// Which tab of the navigation is current.
    pub nav: &'static str,
    /// A confirmation after a form was handled (post/redirect/get).
    pub notice: Option<&'static str>,
}

impl Chrome {
    pub fn new(viewer: &Viewer, nav: &'static str) -> Chrome {
        Chrome {
            name: viewer.name.clone(),
            org: viewer.org_name.clone(),
            access: viewer.actor.access.as_str(),
            manager: viewer.can_manage(),
            oversee: viewer.actor.access.can_oversee(),
            csrf: viewer.csrf.clone(),
            nav,
            notice: None,
        }
    }

    /// Shows the confirmation named by a redirect's `?ok=` code; unknown codes show
    /// nothing, so a link cannot put words on the page.
    pub fn with_notice(mut self, code: Option<&str>) -> Chrome {
        self.notice = code.and_then(notice_text);
        self
    }
}

fn notice_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "done" => "Done. The proof is in.",
        "submitted" => "Submitted. It now waits for approval.",
        "approved" => "Approved. The step is done.",
        "rejected" => "Sent back. They have been told why.",
        "reassigned" => "Reassigned. They have been told.",
        "extended" => "Deadline extended. The holder has been told.",
        "closed" => "Closed. The reason is in the record.",
        "password" => "Your password is changed. Other devices are signed out.",
        "token" => "Token revoked.",
        "started" => "Run started.",
        "saved" => "Saved.",
        "acknowledged" => "Acknowledged. It stays out of Needs you while you work on it.",
        "resolved" => "Resolved. It opens again if new runs show it.",
        "reopened" => "Opened again.",
        _ => return None,
    })
}

/// The `?ok=` code a redirect after a form carries (see [`Chrome::with_notice`]).
#[derive(Debug, serde::Deserialize)]
pub struct OkQuery {
    pub ok: Option<String>,
}

/// A field path from a refusal as words: `steps[2].due_after` → `Step 3, due after`,
/// `away_until` → `Away until`.
pub fn field_words(field: &str) -> String {
    if let Some(rest) = field.strip_prefix("steps[")
        && let Some((i, tail)) = rest.split_once(']')
        && let Ok(i) = i.parse::<usize>()
    {
        let tail = tail.trim_start_matches('.').replace(['_', '.'], " ");
        return if tail.is_empty() { format!("Step {}", i + 1) } else { format!("Step {}, {tail}", i + 1) };
    }
    let mut text = field.replace('_', " ");
    if let Some(first) = text.get(..1) {
        text.replace_range(..1, &first.to_uppercase());
    }
    text
}

/// Renders `template` with `context`, which must serialize to a map.
pub fn render(template: &str, context: impl Serialize) -> Result<Html<String>, PageError> {
    render_with_status(StatusCode::OK, template, context).map(|(_, html)| html)
}

pub fn render_with_status(
    status: StatusCode,
    template: &str,
    context: impl Serialize,
) -> Result<(StatusCode, Html<String>), PageError> {
    let env = ENVIRONMENT.as_ref().map_err(|e| PageError::Internal(e.clone()))?;
    let template = env.get_template(template).map_err(|e| PageError::Internal(format!("{e:#}")))?;
    let html = template.render(Value::from(Serde(context))).map_err(|e| PageError::Internal(format!("{e:#}")))?;
    Ok((status, Html(html)))
}

/// Why a page could not be shown, as the browser receives it.
#[derive(Debug)]
pub enum PageError {
    /// Not signed in: go to the sign-in page and come back to this path.
    SignIn(String),
    Status(StatusCode, String),
    Internal(String),
}

impl PageError {
    pub fn not_found() -> PageError {
        PageError::Status(StatusCode::NOT_FOUND, "There is nothing here, or it belongs to another organization.".into())
    }

    pub fn forbidden(message: impl Into<String>) -> PageError {
        PageError::Status(StatusCode::FORBIDDEN, message.into())
    }

    pub fn bad_request(message: impl Into<String>) -> PageError {
        PageError::Status(StatusCode::BAD_REQUEST, message.into())
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> PageError {
        EngineError::from(e).into()
    }
}

impl From<EngineError> for PageError {
    fn from(e: EngineError) -> PageError {
        match e {
            EngineError::NotFound => PageError::not_found(),
            EngineError::Forbidden(m) => PageError::Status(StatusCode::FORBIDDEN, m),
            EngineError::Conflict(m) => PageError::Status(StatusCode::CONFLICT, m),
            EngineError::TooLarge(m) => PageError::Status(StatusCode::PAYLOAD_TOO_LARGE, m),
            EngineError::Unavailable(m) => PageError::Status(StatusCode::SERVICE_UNAVAILABLE, m),
            e @ (EngineError::Invalid(_) | EngineError::Proof(_)) => {
                PageError::Status(StatusCode::UNPROCESSABLE_ENTITY, e.to_string())
            }
            EngineError::Store(e) => PageError::Internal(e.to_string()),
        }
    }
}

#[derive(Serialize)]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
    status: u16,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            PageError::SignIn(back) => {
                let to = format!("/signin?next={}", encode_query(&back));
                return (StatusCode::SEE_OTHER, [(LOCATION, to)]).into_response();
            }
            PageError::Status(status, message) => (status, message),
            PageError::Internal(detail) => {
                tracing::error!(%detail, "page failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side. Try again in a moment.".into())
            }
        };
        let title = status.canonical_reason().unwrap_or("Error");
        let page = ErrorPage { title, message: &message, status: status.as_u16() };
        match render_with_status(status, "error.html", page) {
            Ok(page) => page.into_response(),
            Err(_) => (status, message).into_response(),
        }
    }
}

/// Percent-encodes everything but unreserved characters, for a value in a query string.
pub fn encode_query(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A `next` target that stays on this site: a path, never `//host` or a scheme.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => path.to_string(),
        _ => "/".to_string(),
    }
}

/// An instant as people read it in `zone`, with how far it is from `now`.
#[derive(Debug, Clone, Serialize)]
pub struct When {
    /// ISO 8601, for `<time datetime>`.
    pub iso: String,
    /// "Mon 30 Nov, 07:00".
    pub text: String,
    /// "in 2 h", "15 min ago".
    pub relative: String,
    pub past: bool,
}

impl When {
    pub fn new(at: Timestamp, zone: &TimeZone, now: Timestamp) -> When {
        let local = at.to_zoned(zone.clone());
        let this_year = now.to_zoned(zone.clone()).year() == local.year();
        let text = if this_year {
            local.strftime("%a %-d %b, %H:%M").to_string()
        } else {
            local.strftime("%a %-d %b %Y, %H:%M").to_string()
        };
        let gap = at.duration_since(now);
        let past = gap.is_negative();
        let span = human_duration(gap.abs());
        let relative = if past { format!("{span} ago") } else { format!("in {span}") };
        When { iso: at.to_string(), text, relative, past }
    }
}

/// "45 min", "3 h", "2 d": coarse on purpose, for a glance.
pub fn human_duration(d: SignedDuration) -> String {
    let mins = d.as_secs() / 60;
    match mins {
        0 => "under a minute".to_string(),
        1..=59 => format!("{mins} min"),
        60..=2879 => {
            let (h, m) = (mins / 60, mins % 60);
            if m == 0 || h >= 10 { format!("{h} h") } else { format!("{h} h {m} min") }
        }
        _ => format!("{} d", mins / 1440),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_compiles() {
        assert!(ENVIRONMENT.is_ok(), "{:?}", ENVIRONMENT.as_ref().err());
    }

    #[test]
    fn next_never_leaves_the_site() {
        assert_eq!(safe_next(Some("/tasks/4?x=1")), "/tasks/4?x=1");
        for hostile in ["//evil.test/", "https://evil.test", "/\\evil.test", "evil"] {
            assert_eq!(safe_next(Some(hostile)), "/", "{hostile}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn times_read_naturally() {
        let zone = jiff::tz::db().get("Europe/Berlin").unwrap();
        let now: Timestamp = "2026-11-30T06:00:00Z".parse().unwrap();
        let due = When::new("2026-11-30T08:30:00Z".parse().unwrap(), &zone, now);
        assert_eq!(due.text, "Mon 30 Nov, 09:30");
        assert_eq!(due.relative, "in 2 h 30 min");
        assert!(!due.past);
        let late = When::new("2026-11-30T05:45:00Z".parse().unwrap(), &zone, now);
        assert_eq!(late.relative, "15 min ago");
        assert!(late.past);
        assert_eq!(human_duration(SignedDuration::from_hours(50)), "2 d");
    }

    #[test]
    fn field_paths_read_as_words() {
        assert_eq!(field_words("steps[2].due_after"), "Step 3, due after");
        assert_eq!(field_words("name"), "Name");
        assert_eq!(field_words("away_until"), "Away until");
    }

    #[test]
    fn notices_come_only_from_known_codes() {
        assert!(notice_text("done").is_some());
        assert!(notice_text("<script>").is_none());
    }
}
