//! Cadence: when a process runs. A schedule (RFC 5545 DTSTART + RRULE in an IANA zone,
//! or cron converted to one), an event trigger, or manual starts only.

mod cron;
mod ical;
mod occurrences;
pub mod words;

pub use occurrences::{Occurrence, Occurrences};

use crate::span::Span;
use jiff::civil;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

/// How a process is started.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Cadence {
    /// Runs on a recurrence rule.
    Schedule(Box<Schedule>),
    /// Runs when something outside asks for it ("after every delivery").
    Event { name: String },
    /// Runs only when a person starts it.
    Manual,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CadenceError {
    #[error("the rule has no DTSTART line (write e.g. \"DTSTART;TZID=Europe/Berlin:20260105T070000\")")]
    MissingStart,
    #[error("the rule has no RRULE line (write e.g. \"RRULE:FREQ=DAILY\")")]
    MissingRule,
    #[error("{0:?} is not a line of a recurrence rule (expected DTSTART, RRULE or EXDATE)")]
    UnknownLine(String),
    #[error("{value:?} is not a date-time: write YYYYMMDDTHHMMSS, optionally ending in Z")]
    BadDateTime { value: String },
    #[error("unknown time zone {0:?}: use an IANA name such as Europe/Berlin")]
    UnknownZone(String),
    #[error("the time is floating (no TZID and no Z): give the process a time zone")]
    NoZone,
    #[error("invalid RRULE: {0}")]
    Rule(String),
    #[error("the rule never produces an occurrence")]
    Empty,
    #[error("invalid cron expression {expr:?}: {reason}")]
    Cron { expr: String, reason: String },
}

/// A validated recurrence: DTSTART in a zone plus one RRULE, evaluated on wall-clock time.
#[derive(Debug, Clone)]
pub struct Schedule {
    zone_name: String,
    zone: TimeZone,
    start: civil::DateTime,
    rule: ical::Rule,
    exdates: Vec<civil::DateTime>,
    /// The cron expression this schedule was converted from, kept so people recognise it.
    cron: Option<String>,
}

impl Schedule {
    /// Parses iCalendar text: a DTSTART line (with TZID, a trailing Z, or floating, which is
    /// then read in `default_zone`), an RRULE line, and optional EXDATE lines. Lines may be
    /// separated by newlines, spaces or a literal `\n`.
    pub fn parse(text: &str, default_zone: Option<&str>) -> Result<Schedule, CadenceError> {
        let parsed = ical::parse(text)?;
        let zone_name = match (parsed.zone, default_zone) {
            (Some(zone), _) => zone,
            (None, Some(zone)) => zone.to_string(),
            (None, None) => return Err(CadenceError::NoZone),
        };
        let zone = lookup_zone(&zone_name)?;
        let start = parsed.start.resolve(&zone);
        let exdates = parsed.exdates.iter().map(|d| d.resolve(&zone)).collect();
        let rule = ical::Rule::build(&parsed.rrule, start, &zone)?;
        let schedule = Schedule { zone_name, zone, start, rule, exdates, cron: None };
        if schedule.occurrences().next().is_none() {
            return Err(CadenceError::Empty);
        }
        Ok(schedule)
    }

    /// Converts a five-field cron expression (or `@daily` and friends) into a schedule in
    /// `zone`. Its DTSTART is a fixed past midnight, so converting the same expression
    /// always gives the same rule; cron has no start of its own.
    pub fn from_cron(expr: &str, zone: &str) -> Result<Schedule, CadenceError> {
        let rrule = cron::to_rrule(expr)?;
        lookup_zone(zone)?;
        let start = civil::date(2020, 1, 1).at(0, 0, 0, 0);
        let text = format!("DTSTART;TZID={zone}:{}\nRRULE:{rrule}", ical::format_civil(start));
        let mut schedule = Schedule::parse(&text, None)?;
        schedule.cron = Some(expr.trim().to_string());
        Ok(schedule)
    }

    /// The canonical iCalendar text of this schedule.
    pub fn to_ical(&self) -> String {
        let mut text =
            format!("DTSTART;TZID={}:{}\nRRULE:{}", self.zone_name, ical::format_civil(self.start), self.rule.text());
        if !self.exdates.is_empty() {
            let dates: Vec<String> = self.exdates.iter().map(|d| ical::format_civil(*d)).collect();
            text.push_str(&format!("\nEXDATE;TZID={}:{}", self.zone_name, dates.join(",")));
        }
        text
    }

    pub fn zone_name(&self) -> &str {
        &self.zone_name
    }

    pub fn zone(&self) -> &TimeZone {
        &self.zone
    }

    pub fn cron(&self) -> Option<&str> {
        self.cron.as_deref()
    }

    /// Every occurrence from DTSTART on, in order, as instants with their wall time.
    pub fn occurrences(&self) -> Occurrences<'_> {
        Occurrences::new(self, None)
    }

    /// The first occurrence strictly after `after`.
    pub fn next_after(&self, after: jiff::Timestamp) -> Option<Occurrence> {
        Occurrences::new(self, Some(after)).find(|o| o.timestamp() > after)
    }

    /// Occurrences strictly after `after`, computed lazily.
    pub fn after(&self, after: jiff::Timestamp) -> impl Iterator<Item = Occurrence> + '_ {
        Occurrences::new(self, Some(after)).filter(move |o| o.timestamp() > after)
    }

    /// The next `count` occurrences strictly after `after`.
    pub fn upcoming(&self, after: jiff::Timestamp, count: usize) -> Vec<Occurrence> {
        self.after(after).take(count).collect()
    }

    /// The time from one occurrence to the next in the rule's usual rhythm, used to decide
    /// how long an occurrence stays current after an outage.
    pub fn typical_gap(&self) -> Span {
        let mut it = self.occurrences();
        match (it.next(), it.next()) {
            (Some(a), Some(b)) => Span::from_secs(b.timestamp().as_second() - a.timestamp().as_second()),
            _ => Span::from_secs(86_400),
        }
    }
}

impl PartialEq for Schedule {
    fn eq(&self, other: &Self) -> bool {
        self.to_ical() == other.to_ical() && self.cron == other.cron
    }
}

pub fn lookup_zone(name: &str) -> Result<TimeZone, CadenceError> {
    if name.eq_ignore_ascii_case("utc") || name == "Z" {
        return Ok(TimeZone::UTC);
    }
    TimeZone::get(name).map_err(|_| CadenceError::UnknownZone(name.to_string()))
}

#[derive(Serialize, Deserialize)]
struct ScheduleWire {
    rule: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cron: Option<String>,
}

impl Serialize for Schedule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ScheduleWire { rule: self.to_ical(), cron: self.cron.clone() }.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Schedule {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let wire = ScheduleWire::deserialize(d)?;
        let mut schedule = Schedule::parse(&wire.rule, None).map_err(serde::de::Error::custom)?;
        schedule.cron = wire.cron;
        Ok(schedule)
    }
}

#[cfg(test)]
mod tests;
