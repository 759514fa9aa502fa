//! Figures as the API and the web app hand them out: which span a request asks for, and
//! the same tables as CSV for a spreadsheet.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use proofline_core::metrics::{Figures, KpiSeries, Period, PersonFigures, ProcessPeriod, SystemPeriod};
use proofline_core::{PersonId, SystemId};
use std::collections::HashMap;

/// How many periods a request without `from` covers.
pub fn default_count(period: Period) -> u32 {
    match period {
        Period::Week => 12,
        Period::Month => 12,
        Period::Year => 3,
    }
}

/// The span a request asks for: `from`/`to` as instants or local dates, else the last
/// few whole periods up to now.
pub fn span(
    period: Period,
    from: Option<&str>,
    to: Option<&str>,
    now: Timestamp,
    zone: &TimeZone,
) -> Result<(Timestamp, Timestamp), (&'static str, String)> {
    let to = match to {
        Some(text) => instant("to", text, zone)?,
        None => now,
    };
    let from = match from {
        Some(text) => instant("from", text, zone)?,
        None => period.recent(default_count(period), to, zone).0,
    };
    Ok((from, to))
}

fn instant(field: &'static str, text: &str, zone: &TimeZone) -> Result<Timestamp, (&'static str, String)> {
    let text = text.trim();
    if let Ok(at) = text.parse::<Timestamp>() {
        return Ok(at);
    }
    text.parse::<jiff::civil::Date>()
        .ok()
        .and_then(|date| date.to_zoned(zone.clone()).ok())
        .map(|z| z.timestamp())
        .ok_or((field, format!("{text:?} is neither a date (2026-11-01) nor an instant (2026-11-01T08:00:00Z)")))
}

fn minutes(secs: Option<i64>) -> String {
    secs.map(|s| format!("{:.1}", SignedDuration::from_secs(s).as_secs_f64() / 60.0)).unwrap_or_default()
}

fn rate(rate: Option<f64>) -> String {
    rate.map(|r| format!("{r:.3}")).unwrap_or_default()
}

const FIGURE_COLUMNS: [&str; 11] = [
    "runs_due",
    "runs_on_time",
    "runs_late",
    "runs_unresolved",
    "runs_skipped",
    "on_time_rate",
    "escalated",
    "exceptions",
    "rejections",
    "lead_time_median_min",
    "lead_time_p90_min",
];

fn figure_cells(f: &Figures) -> Vec<String> {
    vec![
        f.runs_due.to_string(),
        f.runs_on_time.to_string(),
        f.runs_late.to_string(),
        f.runs_unresolved.to_string(),
        f.runs_skipped.to_string(),
        rate(f.on_time_rate),
        f.escalations.first().copied().unwrap_or(0).to_string(),
        f.exceptions.to_string(),
        f.rejections.to_string(),
        minutes(f.lead_time_median_secs),
        minutes(f.lead_time_p90_secs),
    ]
}

fn finish(mut writer: csv::Writer<Vec<u8>>) -> String {
    let _ = writer.flush();
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// One row per period; each numeric proof field adds its mean, lowest, highest and
/// out-of-range count.
pub fn process_csv(periods: &[ProcessPeriod], kpis: &[KpiSeries]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = ["period", "starts_at", "ends_at"].map(String::from).to_vec();
    header.extend(FIGURE_COLUMNS.map(String::from));
    for kpi in kpis {
        let name = match &kpi.unit {
            Some(unit) => format!("{} ({unit})", kpi.label),
            None => kpi.label.clone(),
        };
        for what in ["mean", "min", "max", "out_of_range"] {
            header.push(safe_cell(&format!("step {} {name} {what}", kpi.step + 1)));
        }
    }
    let _ = writer.write_record(&header);
    for p in periods {
        let mut row = vec![p.start.to_string(), p.starts_at.to_string(), p.ends_at.to_string()];
        row.extend(figure_cells(&p.figures));
        for kpi in kpis {
            match p.kpis.iter().find(|s| s.step == kpi.step && s.field == kpi.field) {
                Some(s) => row.extend([
                    format!("{:.2}", s.mean),
                    s.min.to_string(),
                    s.max.to_string(),
                    s.out_of_range.to_string(),
                ]),
                None => row.extend(std::iter::repeat_n(String::new(), 4)),
            }
        }
        let _ = writer.write_record(&row);
    }
    finish(writer)
}

/// One row per system and period.
pub fn system_csv(periods: &[SystemPeriod], names: &HashMap<SystemId, String>) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<&str> = vec!["system", "period", "starts_at", "ends_at"];
    header.extend(FIGURE_COLUMNS);
    let _ = writer.write_record(&header);
    for p in periods {
        let mut row = vec![
            safe_cell(names.get(&p.system).map_or("", String::as_str)),
            p.start.to_string(),
            p.starts_at.to_string(),
            p.ends_at.to_string(),
        ];
        row.extend(figure_cells(&p.figures));
        let _ = writer.write_record(&row);
    }
    finish(writer)
}

/// One row per person.
pub fn people_csv(people: &[PersonFigures], names: &HashMap<PersonId, String>) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record([
        "person_id",
        "name",
        "held",
        "done_on_time",
        "missed",
        "on_time_rate",
        "moved_to",
        "moved_from",
    ]);
    for p in people {
        let name = safe_cell(names.get(&p.person).map_or("", String::as_str));
        let _ = writer.write_record([
            p.person.0.to_string(),
            name,
            p.held.to_string(),
            p.done_on_time.to_string(),
            p.missed.to_string(),
            rate(p.on_time_rate),
            p.moved_to.to_string(),
            p.moved_from.to_string(),
        ]);
    }
    finish(writer)
}

/// A cell a person typed (a name, a label) must never start a spreadsheet formula:
/// quoting keeps the CSV well-formed but does not stop a spreadsheet evaluating it.
pub fn safe_cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_cannot_become_a_formula() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_cell("-2+3"), "'-2+3");
        assert_eq!(safe_cell("Dana"), "Dana");
    }

    #[test]
    fn a_span_is_whole_periods_unless_asked_otherwise() {
        let zone = TimeZone::get("Europe/Berlin").unwrap();
        let now: Timestamp = "2026-11-29T10:00:00Z".parse().unwrap();
        let (from, to) = span(Period::Year, None, None, now, &zone).unwrap();
        assert_eq!((from.to_string().as_str(), to), ("2023-12-31T23:00:00Z", now));
        let (from, to) = span(Period::Week, Some("2026-11-01"), Some("2026-11-08T00:00:00Z"), now, &zone).unwrap();
        assert_eq!(from.to_string(), "2026-10-31T23:00:00Z", "a date is local midnight");
        assert_eq!(to.to_string(), "2026-11-08T00:00:00Z");
        let (field, message) = span(Period::Week, Some("last week"), None, now, &zone).unwrap_err();
        assert_eq!(field, "from");
        assert!(message.contains("neither a date"), "{message}");
    }
}
