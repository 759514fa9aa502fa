//! Goals as people read and type them: the measures a manager picks from, targets in the
//! units people think in (percent, minutes), and one period's result as a sentence.

use proofline_core::metrics::{Direction, Goal, GoalSource, duration_words};
use proofline_engine::GoalCheck;
use serde::Serialize;

/// The measures Proofline computes for every system, in the order the form lists them.
const BUILT_IN: [(GoalSource, &str); 10] = [
    (GoalSource::OnTimeRate, "On-time rate (%)"),
    (GoalSource::RunsUnresolved, "Runs unresolved"),
    (GoalSource::RunsLate, "Runs late"),
    (GoalSource::RunsOnTime, "Runs on time"),
    (GoalSource::RunsDue, "Runs due"),
    (GoalSource::Escalations, "Escalations (tasks moved on)"),
    (GoalSource::Exceptions, "Proof exceptions"),
    (GoalSource::Rejections, "Proof sent back"),
    (GoalSource::LeadTimeMedianSecs, "Median lead time (minutes)"),
    (GoalSource::LeadTimeP90Secs, "Slowest-tenth lead time (minutes)"),
];

/// One choice of the form's measure select.
#[derive(Debug, Clone, Serialize)]
pub struct Measure {
    pub value: String,
    pub label: String,
}

/// The built-in measures as select options.
pub fn built_in_measures() -> Vec<Measure> {
    BUILT_IN.iter().map(|(source, label)| Measure { value: source_value(source), label: (*label).into() }).collect()
}

/// The form's name for a source: its JSON kind, and for a proof field's mean also which
/// field ("kpi_mean:7:0:1"), so that one select covers both.
pub fn source_value(source: &GoalSource) -> String {
    match source {
        GoalSource::KpiMean { process, step, field } => format!("kpi_mean:{}:{step}:{field}", process.0),
        other => serde_json::to_value(other)
            .ok()
            .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_string))
            .unwrap_or_default(),
    }
}

/// The inverse of [`source_value`]; `None` for anything else.
pub fn parse_source(text: &str) -> Option<GoalSource> {
    if let Some(rest) = text.strip_prefix("kpi_mean:") {
        let mut parts = rest.split(':');
        let (process, step, field) = (parts.next()?, parts.next()?, parts.next()?);
        return Some(GoalSource::KpiMean {
            process: proofline_core::ProcessId(process.parse().ok()?),
            step: step.parse().ok()?,
            field: field.parse().ok()?,
        });
    }
    if text == "manual" {
        return Some(GoalSource::Manual);
    }
    BUILT_IN.iter().map(|(source, _)| source).find(|s| source_value(s) == text).cloned()
}

/// How many of the form's units make one stored unit: rates are stored as fractions but
/// typed in percent, lead times stored in seconds but typed in minutes.
pub fn form_scale(source: &GoalSource) -> f64 {
    match source {
        GoalSource::OnTimeRate => 100.0,
        GoalSource::LeadTimeMedianSecs | GoalSource::LeadTimeP90Secs => 1.0 / 60.0,
        _ => 1.0,
    }
}

/// A number without the noise of floating point: at most two decimals, none when whole.
pub fn number_words(x: f64) -> String {
    rounded_words(x, 100.0)
}

/// A percentage to one decimal: "85.7", "95".
fn percent_words(fraction: f64) -> String {
    rounded_words(fraction * 100.0, 10.0)
}

fn rounded_words(x: f64, per_unit: f64) -> String {
    let rounded = (x * per_unit).round() / per_unit;
    // `{}` prints the shortest form, so 95.0 reads "95" and 0.5 reads "0.5"; -0 reads "0".
    format!("{}", if rounded == 0.0 { 0.0 } else { rounded })
}

/// A value of the goal's source in its own unit: "91%", "1 h 5 min", "3", "4.2 °C".
fn value_words(goal: &Goal, value: f64) -> String {
    match goal.source {
        GoalSource::OnTimeRate => format!("{}%", percent_words(value)),
        GoalSource::LeadTimeMedianSecs | GoalSource::LeadTimeP90Secs => duration_words(value.round() as i64),
        _ => match &goal.unit {
            Some(unit) => format!("{} {unit}", number_words(value)),
            None => number_words(value),
        },
    }
}

/// A distance between value and target: rates in percentage points.
fn gap_words(goal: &Goal, gap: f64) -> String {
    match goal.source {
        GoalSource::OnTimeRate => {
            let points = percent_words(gap);
            if points == "1" { "1 point".into() } else { format!("{points} points") }
        }
        _ => value_words(goal, gap),
    }
}

/// "at least 95%", "at most 2".
pub fn target_words(goal: &Goal) -> String {
    let direction = match goal.direction {
        Direction::AtLeast => "at least",
        Direction::AtMost => "at most",
    };
    format!("{direction} {}", value_words(goal, goal.target))
}

/// A goal and how it fared in one period, for a list on the numbers page.
#[derive(Debug, Clone, Serialize)]
pub struct GoalLine {
    /// "On-time rate at least 95%".
    pub goal: String,
    /// "91% this month — 4 points short".
    pub result: String,
    /// `met`, `missed` or `unknown`; shown as a word, not only as a colour.
    pub state: &'static str,
}

/// `when` names the period: "this month", "in Mar 2026".
pub fn goal_line(check: &GoalCheck, when: &str) -> GoalLine {
    let goal = &check.goal;
    let heading = format!("{} {}", goal.name, target_words(goal));
    let (Some(value), Some(status)) = (check.value, check.status) else {
        return GoalLine { goal: heading, result: format!("nothing to measure {when}"), state: "unknown" };
    };
    let verdict = if status.met {
        // A margin is worth saying only when it is still there after rounding.
        let margin = gap_words(goal, -status.gap);
        if margin == "0" || margin.starts_with("0 ") { "met".to_string() } else { format!("met, {margin} to spare") }
    } else {
        let gap = gap_words(goal, status.gap);
        match goal.direction {
            Direction::AtLeast => format!("{gap} short"),
            Direction::AtMost => format!("{gap} over"),
        }
    };
    GoalLine {
        goal: heading,
        result: format!("{} {when} — {verdict}", value_words(goal, value)),
        state: if status.met { "met" } else { "missed" },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proofline_core::ProcessId;
    use proofline_core::metrics::evaluate_goal;

    fn check(name: &str, direction: Direction, target: f64, source: GoalSource, value: Option<f64>) -> GoalCheck {
        let goal = Goal { name: name.into(), unit: None, target, direction, source };
        let status = value.map(|v| evaluate_goal(&goal, v));
        GoalCheck { goal, value, status }
    }

    #[test]
    fn a_missed_rate_says_how_many_points_short() {
        let line = goal_line(
            &check("On-time rate", Direction::AtLeast, 0.95, GoalSource::OnTimeRate, Some(0.91)),
            "this month",
        );
        assert_eq!(line.goal, "On-time rate at least 95%");
        assert_eq!(line.result, "91% this month — 4 points short");
        assert_eq!(line.state, "missed");
    }

    #[test]
    fn a_met_count_says_its_margin_and_an_exact_hit_does_not() {
        let spare = check("Unresolved", Direction::AtMost, 2.0, GoalSource::RunsUnresolved, Some(0.0));
        assert_eq!(goal_line(&spare, "in Mar 2026").result, "0 in Mar 2026 — met, 2 to spare");
        let exact = check("Unresolved", Direction::AtMost, 2.0, GoalSource::RunsUnresolved, Some(2.0));
        assert_eq!(goal_line(&exact, "this year").result, "2 this year — met");
        let none = check("Lead", Direction::AtMost, 600.0, GoalSource::LeadTimeMedianSecs, None);
        assert_eq!(goal_line(&none, "this month").state, "unknown");
    }

    #[test]
    fn every_measure_survives_the_form() {
        for source in BUILT_IN
            .iter()
            .map(|(s, _)| s.clone())
            .chain([GoalSource::KpiMean { process: ProcessId(7), step: 0, field: 2 }, GoalSource::Manual])
        {
            assert_eq!(parse_source(&source_value(&source)), Some(source));
        }
        assert_eq!(parse_source("kpi_mean:x:0:1"), None);
        assert_eq!(parse_source("on_time"), None);
        assert_eq!(number_words(0.95 * 100.0), "95");
        assert_eq!(number_words(4.0 / 3.0), "1.33");
        assert_eq!(percent_words(48.0 / 56.0), "85.7");
    }
}
