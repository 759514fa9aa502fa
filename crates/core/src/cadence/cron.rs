//! Five-field cron expressions, converted to an RRULE so one engine evaluates every cadence.

use super::CadenceError;

const MONTHS: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const RRULE_DAYS: [&str; 7] = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];

/// Converts `minute hour day-of-month month day-of-week` (or a macro such as `@daily`).
pub(super) fn to_rrule(expr: &str) -> Result<String, CadenceError> {
    let fail = |reason: &str| CadenceError::Cron { expr: expr.to_string(), reason: reason.to_string() };
    let expanded = match expr.trim().to_ascii_lowercase().as_str() {
        "@yearly" | "@annually" => "0 0 1 1 *".to_string(),
        "@monthly" => "0 0 1 * *".to_string(),
        "@weekly" => "0 0 * * 0".to_string(),
        "@daily" | "@midnight" => "0 0 * * *".to_string(),
        "@hourly" => "0 * * * *".to_string(),
        other if other.starts_with('@') => return Err(fail("unknown macro")),
        _ => expr.trim().to_string(),
    };
    let fields: Vec<&str> = expanded.split_whitespace().collect();
    let [minute, hour, dom, month, dow] = fields.as_slice() else {
        return Err(fail("expected five fields: minute hour day-of-month month day-of-week"));
    };
    let minutes = field(minute, 0, 59, &[]).map_err(|r| fail(&format!("minute: {r}")))?;
    let hours = field(hour, 0, 23, &[]).map_err(|r| fail(&format!("hour: {r}")))?;
    let days = field(dom, 1, 31, &[]).map_err(|r| fail(&format!("day of month: {r}")))?;
    let months = field(month, 1, 12, &MONTHS).map_err(|r| fail(&format!("month: {r}")))?;
    let weekdays = field(dow, 0, 7, &DAYS).map_err(|r| fail(&format!("day of week: {r}")))?;
    if days.is_some() && weekdays.is_some() {
        // cron fires when EITHER matches; an RRULE can only require both.
        return Err(fail(
            "restricting both day of month and day of week means \"either\" in cron, which one rule cannot say; write an RRULE instead",
        ));
    }
    let mut parts = Vec::new();
    let freq = match (&minutes, &hours) {
        (None, _) => "MINUTELY",
        (Some(_), None) => "HOURLY",
        (Some(_), Some(_)) => "DAILY",
    };
    parts.push(format!("FREQ={freq}"));
    if let Some(months) = months {
        parts.push(format!("BYMONTH={}", join(&months)));
    }
    if let Some(days) = days {
        parts.push(format!("BYMONTHDAY={}", join(&days)));
    }
    if let Some(weekdays) = weekdays {
        let mut names: Vec<u32> = weekdays.iter().map(|d| d % 7).collect();
        names.sort_unstable();
        names.dedup();
        let names: Vec<&str> = names.iter().map(|&d| RRULE_DAYS[d as usize]).collect();
        parts.push(format!("BYDAY={}", names.join(",")));
    }
    if let Some(hours) = hours {
        parts.push(format!("BYHOUR={}", join(&hours)));
    }
    if let Some(minutes) = minutes {
        parts.push(format!("BYMINUTE={}", join(&minutes)));
    }
    parts.push("BYSECOND=0".to_string());
    Ok(parts.join(";"))
}

fn join(values: &[u32]) -> String {
    values.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
}

/// The values a field allows, or `None` for every value (`*`).
fn field(text: &str, min: u32, max: u32, names: &[&str]) -> Result<Option<Vec<u32>>, String> {
    if text == "*" || text == "?" {
        return Ok(None);
    }
    let mut values = Vec::new();
    for item in text.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((range, step)) => {
                let step: u32 = step.parse().map_err(|_| format!("{step:?} is not a step"))?;
                if step == 0 {
                    return Err("a step of 0 never advances".into());
                }
                (range, step)
            }
            None => (item, 1),
        };
        let (low, high) = if range == "*" {
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            (value(a, min, max, names)?, value(b, min, max, names)?)
        } else {
            let v = value(range, min, max, names)?;
            (v, if item.contains('/') { max } else { v })
        };
        if low > high {
            return Err(format!("range {range:?} runs backwards"));
        }
        values.extend((low..=high).step_by(step as usize));
    }
    values.sort_unstable();
    values.dedup();
    Ok(Some(values))
}

fn value(text: &str, min: u32, max: u32, names: &[&str]) -> Result<u32, String> {
    let upper = text.to_ascii_uppercase();
    if let Some(i) = names.iter().position(|n| *n == upper) {
        // Month names count from 1, day names from 0 (Sunday).
        return Ok(if names.len() == 12 { i as u32 + 1 } else { i as u32 });
    }
    let v: u32 = text.parse().map_err(|_| format!("{text:?} is not a number"))?;
    if v < min || v > max {
        return Err(format!("{v} is outside {min}–{max}"));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::to_rrule;

    #[test]
    fn weekday_mornings_become_a_daily_rule_on_weekdays() {
        assert_eq!(to_rrule("0 7 * * 1-5").unwrap(), "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=7;BYMINUTE=0;BYSECOND=0");
    }

    #[test]
    fn steps_names_and_macros() {
        assert_eq!(to_rrule("*/15 * * * *").unwrap(), "FREQ=HOURLY;BYMINUTE=0,15,30,45;BYSECOND=0");
        assert_eq!(
            to_rrule("30 9 1 jan,jul *").unwrap(),
            "FREQ=DAILY;BYMONTH=1,7;BYMONTHDAY=1;BYHOUR=9;BYMINUTE=30;BYSECOND=0"
        );
        assert_eq!(to_rrule("@weekly").unwrap(), "FREQ=DAILY;BYDAY=SU;BYHOUR=0;BYMINUTE=0;BYSECOND=0");
        assert_eq!(to_rrule("0 22 * * 7").unwrap(), "FREQ=DAILY;BYDAY=SU;BYHOUR=22;BYMINUTE=0;BYSECOND=0");
    }

    #[test]
    fn refuses_what_it_cannot_say_faithfully() {
        assert!(to_rrule("0 7 1 * MON").unwrap_err().to_string().contains("either"));
        assert!(to_rrule("61 * * * *").is_err());
        assert!(to_rrule("0 7 * *").is_err());
        assert!(to_rrule("0 7 * * 1-").is_err());
        assert!(to_rrule("*/0 * * * *").is_err());
        assert!(to_rrule("@sometimes").is_err());
    }
}
