//! A schedule as the editor takes it (a phrase, cron or an RRULE) and its preview: the
//! next runs in the process's zone, and the rule a phrase was read as.

use super::page::{PageError, When};
use super::session::Viewer;
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::Html;
use proofline_core::cadence::{Schedule, words};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// A phrase ("every weekday at 7am"), a cron line (five fields, or `@daily` and friends)
/// or iCalendar text; a bare RRULE line starts from midnight at the start of 2026 in the
/// zone.
pub fn schedule(rule: &str, zone: &str) -> Result<Schedule, String> {
    let rule = rule.trim();
    let zone = zone.trim();
    let looks_like_cron = rule.starts_with('@') || (rule.split_whitespace().count() == 5 && !rule.contains(':'));
    if looks_like_cron && !rule.chars().any(|c| c.is_ascii_alphabetic() && c != 'L' && c != 'W') {
        return Schedule::from_cron(rule, zone).map_err(|e| e.to_string());
    }
    let upper = rule.to_ascii_uppercase();
    let text = if upper.contains("DTSTART") {
        rule.to_string()
    } else if upper.contains("FREQ=") {
        format!("DTSTART:20260101T000000\n{rule}")
    } else {
        match words::to_rrule(rule) {
            Some(rrule) => format!("DTSTART:20260101T000000\nRRULE:{rrule}"),
            None => {
                return Err(format!(
                    "{rule:?} is not a schedule this editor reads: write it like \"every weekday at 7am\", \
                     \"each Monday at 9:30\", \"monthly on the 1st\", as cron (0 7 * * 1-5) or as an RRULE"
                ));
            }
        }
    };
    Schedule::parse(&text, Some(zone)).map_err(|e| e.to_string())
}

#[derive(Serialize, Default)]
pub struct Preview {
    pub next: Vec<When>,
    /// The rule a phrase was read as, so the manager sees what will be saved.
    pub rule: Option<String>,
    pub error: Option<String>,
}

pub fn preview(state: &AppState, rule: &str, zone: &str) -> Preview {
    match schedule(rule, zone) {
        Ok(s) => {
            let now = state.engine.now();
            let next = s.upcoming(now, 5).iter().map(|o| When::new(o.timestamp(), s.zone(), now)).collect();
            let rule = s.to_ical().lines().find(|l| l.starts_with("RRULE:")).map(str::to_string);
            Preview { next, rule, error: None }
        }
        Err(e) => Preview { error: Some(e), ..Preview::default() },
    }
}

#[derive(Debug, Deserialize)]
pub struct PreviewQuery {
    #[serde(default)]
    rule: String,
    #[serde(default)]
    zone: String,
}

/// The next occurrences as a fragment of the editor, for the live preview.
pub async fn cadence_preview(
    State(state): State<AppState>,
    // Only for people signed in; the preview itself is the same for everyone.
    _viewer: Viewer,
    Query(query): Query<PreviewQuery>,
) -> Result<Html<String>, PageError> {
    let preview = preview(&state, &query.rule, &query.zone);
    super::page::render("cadence_preview.html", json!({"preview": preview}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cron_and_rrule_are_both_understood() {
        assert!(schedule("0 7 * * 1-5", "Europe/Berlin").is_ok());
        assert!(schedule("RRULE:FREQ=DAILY;BYHOUR=7;BYMINUTE=0", "Europe/Berlin").is_ok());
        assert!(schedule("DTSTART;TZID=Europe/Berlin:20260105T070000\nRRULE:FREQ=DAILY", "UTC").is_ok());
        assert!(schedule("every now and then", "Europe/Berlin").unwrap_err().contains("every weekday at 7am"));
        let words = schedule("every weekday at 7am", "Europe/Berlin").expect("a phrase");
        assert!(words.to_ical().contains("RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=7;BYMINUTE=0"));
    }
}
