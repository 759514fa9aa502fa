//! Reading iCalendar recurrence text, and the bridge to the `rrule` crate.
//!
//! `rrule` evaluates DST transitions inconsistently, so it is only ever given wall-clock
//! time (as if in UTC, where no transition exists). COUNT and UNTIL are taken out and
//! applied by [`super::Occurrences`] after wall times are mapped to instants in the real zone.

use super::CadenceError;
use chrono::TimeZone as _;
use jiff::civil;
use jiff::tz::TimeZone;
use std::str::FromStr;

pub(super) struct Parsed {
    pub zone: Option<String>,
    pub start: Moment,
    pub rrule: String,
    pub exdates: Vec<Moment>,
}

/// A date-time as written: wall time in the rule's zone, or a UTC instant (trailing Z).
#[derive(Debug, Clone, Copy)]
pub(super) enum Moment {
    Wall(civil::DateTime),
    Utc(civil::DateTime),
}

impl Moment {
    pub fn resolve(self, zone: &TimeZone) -> civil::DateTime {
        match self {
            Moment::Wall(wall) => wall,
            Moment::Utc(utc) => match utc.to_zoned(TimeZone::UTC) {
                Ok(z) => z.timestamp().to_zoned(zone.clone()).datetime(),
                Err(_) => utc,
            },
        }
    }
}

pub(super) fn parse(text: &str) -> Result<Parsed, CadenceError> {
    let normalized = text.replace("\\n", "\n");
    let mut zone = None;
    let mut start = None;
    let mut rrule = None;
    let mut exdates = Vec::new();
    for token in normalized.split_whitespace() {
        let (head, value) = token.split_once(':').ok_or_else(|| CadenceError::UnknownLine(token.to_string()))?;
        let mut params = head.split(';');
        let name = params.next().unwrap_or_default().to_ascii_uppercase();
        let tzid = params
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| k.eq_ignore_ascii_case("TZID"))
            .map(|(_, v)| v.to_string());
        match name.as_str() {
            "DTSTART" => {
                let moment = parse_moment(value)?;
                zone = match (tzid, moment) {
                    (Some(tz), _) => Some(tz),
                    (None, Moment::Utc(_)) => Some("UTC".to_string()),
                    (None, Moment::Wall(_)) => None,
                };
                start = Some(moment);
            }
            "RRULE" => rrule = Some(value.to_string()),
            "EXDATE" => {
                for v in value.split(',') {
                    exdates.push(parse_moment(v)?);
                }
            }
            _ => return Err(CadenceError::UnknownLine(token.to_string())),
        }
    }
    Ok(Parsed {
        zone,
        start: start.ok_or(CadenceError::MissingStart)?,
        rrule: rrule.ok_or(CadenceError::MissingRule)?,
        exdates,
    })
}

fn parse_moment(value: &str) -> Result<Moment, CadenceError> {
    let bad = || CadenceError::BadDateTime { value: value.to_string() };
    let (body, utc) = match value.strip_suffix(['Z', 'z']) {
        Some(body) => (body, true),
        None => (value, false),
    };
    let wall = if body.len() == 8 {
        civil::Date::strptime("%Y%m%d", body).map_err(|_| bad())?.to_datetime(civil::Time::midnight())
    } else {
        civil::DateTime::strptime("%Y%m%dT%H%M%S", body).map_err(|_| bad())?
    };
    Ok(if utc { Moment::Utc(wall) } else { Moment::Wall(wall) })
}

pub(super) fn format_civil(dt: civil::DateTime) -> String {
    dt.strftime("%Y%m%dT%H%M%S").to_string()
}

/// The end of a rule: an instant (UNTIL with Z) or a wall time.
#[derive(Debug, Clone, Copy)]
pub(super) enum Until {
    Instant(jiff::Timestamp),
    Wall(civil::DateTime),
}

/// Which whole periods DTSTART can be moved forward by without changing the rule's output.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Stride {
    Seconds(i64),
    Days(i64),
    Months(i64),
    None,
}

#[derive(Debug, Clone)]
pub(super) struct Rule {
    text: String,
    unvalidated: rrule::RRule<rrule::Unvalidated>,
    pub set: rrule::RRuleSet,
    pub count: Option<u32>,
    pub until: Option<Until>,
    pub sub_daily: bool,
    pub stride: Stride,
}

impl Rule {
    pub fn build(text: &str, start: civil::DateTime, zone: &TimeZone) -> Result<Rule, CadenceError> {
        let mut count = None;
        let mut until = None;
        let mut kept = Vec::new();
        let mut explicit_day = false;
        let mut canonical = Vec::new();
        for part in text.trim().trim_start_matches("RRULE:").split(';').filter(|p| !p.is_empty()) {
            let (key, value) =
                part.split_once('=').ok_or_else(|| CadenceError::Rule(format!("{part:?} is not KEY=VALUE")))?;
            let key = key.to_ascii_uppercase();
            let value = value.to_ascii_uppercase();
            canonical.push(format!("{key}={value}"));
            match key.as_str() {
                "COUNT" => {
                    let n: u32 = value
                        .parse()
                        .map_err(|_| CadenceError::Rule(format!("COUNT={value} is not a whole number")))?;
                    count = Some(n);
                }
                "UNTIL" => {
                    until = Some(match parse_moment(&value)? {
                        Moment::Wall(w) => Until::Wall(w),
                        Moment::Utc(u) => Until::Instant(
                            u.to_zoned(TimeZone::UTC).map_err(|e| CadenceError::Rule(e.to_string()))?.timestamp(),
                        ),
                    })
                }
                _ => {
                    if matches!(key.as_str(), "BYMONTHDAY" | "BYDAY" | "BYYEARDAY" | "BYWEEKNO") {
                        explicit_day = true;
                    }
                    kept.push(format!("{key}={value}"));
                }
            }
        }
        let sub_daily = kept.iter().any(|p| p.strip_prefix("FREQ=").is_some_and(freq_is_sub_daily));
        rewrite_as_yearly(&mut kept, start);
        let unvalidated = rrule::RRule::from_str(&kept.join(";")).map_err(|e| CadenceError::Rule(e.to_string()))?;
        let set = build_set(&unvalidated, start)?;
        let freq = unvalidated.get_freq();
        let interval = i64::from(unvalidated.get_interval().max(1));
        let stride = match freq {
            rrule::Frequency::Secondly => Stride::Seconds(interval),
            rrule::Frequency::Minutely => Stride::Seconds(60 * interval),
            rrule::Frequency::Hourly => Stride::Seconds(3_600 * interval),
            rrule::Frequency::Daily => Stride::Days(interval),
            rrule::Frequency::Weekly => Stride::Days(7 * interval),
            // Moving DTSTART by months would change its day of month, which MONTHLY and
            // YEARLY rules use as their default day.
            rrule::Frequency::Monthly if explicit_day || start.day() <= 28 => Stride::Months(interval),
            rrule::Frequency::Yearly if explicit_day || start.day() <= 28 => Stride::Months(12 * interval),
            _ => Stride::None,
        };
        let _ = zone;
        Ok(Rule { text: canonical.join(";"), unvalidated, set, count, until, sub_daily, stride })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The same rule started at a later DTSTART that lies on the rule's period grid.
    pub fn set_from(&self, start: civil::DateTime) -> Option<rrule::RRuleSet> {
        build_set(&self.unvalidated, start).ok()
    }
}

fn build_set(rule: &rrule::RRule<rrule::Unvalidated>, start: civil::DateTime) -> Result<rrule::RRuleSet, CadenceError> {
    let dtstart = to_chrono(start).ok_or_else(|| CadenceError::Rule("DTSTART is out of range".into()))?;
    let set = rule.clone().build(dtstart).map_err(|e| CadenceError::Rule(e.to_string()))?;
    // Guards against rules that can never match (BYMONTHDAY=30;BYMONTH=2 would loop forever).
    Ok(set.limit())
}

pub(super) fn to_chrono(dt: civil::DateTime) -> Option<chrono::DateTime<rrule::Tz>> {
    let naive = chrono::NaiveDate::from_ymd_opt(i32::from(dt.year()), dt.month() as u32, dt.day() as u32)?
        .and_hms_opt(dt.hour() as u32, dt.minute() as u32, dt.second() as u32)?;
    Some(rrule::Tz::UTC.from_utc_datetime(&naive))
}

pub(super) fn from_chrono(dt: &chrono::DateTime<rrule::Tz>) -> Option<civil::DateTime> {
    use chrono::{Datelike, Timelike};
    let n = dt.naive_utc();
    civil::DateTime::new(
        i16::try_from(n.year()).ok()?,
        n.month() as i8,
        n.day() as i8,
        n.hour() as i8,
        n.minute() as i8,
        n.second() as i8,
        0,
    )
    .ok()
}

/// RFC 5545 forbids some BY parts with some frequencies (BYWEEKNO outside YEARLY,
/// BYYEARDAY with DAILY, WEEKLY or MONTHLY, BYMONTHDAY with WEEKLY) and `rrule` enforces
/// it, but such rules occur in the wild and have one clear meaning: with INTERVAL=1 and
/// no BYSETPOS every period is visited, so the rule selects the same instants as a YEARLY
/// rule that lists the hours, minutes and seconds the finer frequency would visit.
fn rewrite_as_yearly(parts: &mut Vec<String>, start: civil::DateTime) {
    let has = |parts: &[String], key: &str| parts.iter().any(|p| p.starts_with(&format!("{key}=")));
    let freq = parts.iter().find_map(|p| p.strip_prefix("FREQ=")).unwrap_or_default().to_string();
    let forbidden = (has(parts, "BYWEEKNO") && freq != "YEARLY")
        || (has(parts, "BYYEARDAY") && matches!(freq.as_str(), "DAILY" | "WEEKLY" | "MONTHLY"))
        || (has(parts, "BYMONTHDAY") && freq == "WEEKLY");
    let interval_one = parts.iter().all(|p| !p.starts_with("INTERVAL=") || p == "INTERVAL=1");
    if !forbidden || !interval_one || has(parts, "BYSETPOS") {
        return;
    }
    let every = |n: i8| (0..n).map(|v| v.to_string()).collect::<Vec<_>>().join(",");
    let (hours, minutes, seconds) = match freq.as_str() {
        "HOURLY" => (Some(every(24)), None, None),
        "MINUTELY" => (Some(every(24)), Some(every(60)), None),
        "SECONDLY" => (Some(every(24)), Some(every(60)), Some(every(60))),
        _ => (None, None, None),
    };
    for (key, all, own) in
        [("BYHOUR", hours, start.hour()), ("BYMINUTE", minutes, start.minute()), ("BYSECOND", seconds, start.second())]
    {
        if !has(parts, key) && (all.is_some() || freq_is_sub_daily(&freq)) {
            parts.push(format!("{key}={}", all.unwrap_or_else(|| own.to_string())));
        }
    }
    for part in parts.iter_mut() {
        if part.starts_with("FREQ=") {
            *part = "FREQ=YEARLY".to_string();
        }
    }
}

fn freq_is_sub_daily(freq: &str) -> bool {
    matches!(freq, "HOURLY" | "MINUTELY" | "SECONDLY")
}
