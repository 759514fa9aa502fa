//! Human-friendly durations ("30m", "1h 30m", "2d", ISO 8601 "PT45M") for windows and offsets.

use jiff::SignedDuration;
use std::fmt;

/// A non-negative length of time, written the way people write it in process files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span(SignedDuration);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not a duration: write it like \"45m\", \"2h 30m\", \"3d\" or \"PT2H\"")]
pub struct SpanError {
    pub input: String,
}

impl Span {
    pub const ZERO: Span = Span(SignedDuration::ZERO);

    pub fn from_secs(secs: i64) -> Span {
        Span(SignedDuration::from_secs(secs.max(0)))
    }

    pub fn from_millis(ms: i64) -> Span {
        Span(SignedDuration::from_millis(ms.max(0)))
    }

    pub fn parse(input: &str) -> Result<Span, SpanError> {
        let err = || SpanError { input: input.to_string() };
        let trimmed = input.trim();
        if trimmed.starts_with(['P', 'p']) {
            let duration: SignedDuration = trimmed.parse().map_err(|_| err())?;
            return if duration.is_negative() { Err(err()) } else { Ok(Span(duration)) };
        }
        friendly_seconds(trimmed).map(Span::from_secs).ok_or_else(err)
    }

    pub fn as_duration(self) -> SignedDuration {
        self.0
    }

    pub fn as_millis(self) -> i64 {
        self.0.as_millis() as i64
    }
}

/// Sums "2h 30m", "3 days", "1d2h": whole numbers with a unit, days being 24 hours.
fn friendly_seconds(input: &str) -> Option<i64> {
    let lower = input.to_ascii_lowercase();
    let mut rest = lower.trim();
    if rest.is_empty() {
        return None;
    }
    let mut total: i64 = 0;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        let n: i64 = rest[..digits].parse().ok()?;
        rest = rest[digits..].trim_start();
        let unit_len = rest.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(rest.len());
        let unit = match &rest[..unit_len] {
            "s" | "sec" | "secs" | "second" | "seconds" => 1,
            "m" | "min" | "mins" | "minute" | "minutes" => 60,
            "h" | "hr" | "hrs" | "hour" | "hours" => 3_600,
            "d" | "day" | "days" => 86_400,
            "w" | "week" | "weeks" => 604_800,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(unit)?)?;
        rest = rest[unit_len..].trim_start_matches([' ', ',']);
    }
    Some(total)
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.0.as_secs();
        if total == 0 {
            return f.write_str("0m");
        }
        let (days, rest) = (total / 86_400, total % 86_400);
        let (hours, rest) = (rest / 3_600, rest % 3_600);
        let (minutes, seconds) = (rest / 60, rest % 60);
        let mut parts = Vec::new();
        for (n, unit) in [(days, "d"), (hours, "h"), (minutes, "m"), (seconds, "s")] {
            if n > 0 {
                parts.push(format!("{n}{unit}"));
            }
        }
        f.write_str(&parts.join(" "))
    }
}

impl serde::Serialize for Span {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Span {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Span::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_ways_people_write_durations() {
        assert_eq!(Span::parse("45m").unwrap(), Span::from_secs(45 * 60));
        assert_eq!(Span::parse("2h 30m").unwrap(), Span::from_secs(9_000));
        assert_eq!(Span::parse("1d").unwrap(), Span::from_secs(86_400));
        assert_eq!(Span::parse("2 days").unwrap(), Span::from_secs(172_800));
        assert_eq!(Span::parse("1w").unwrap(), Span::from_secs(604_800));
        assert_eq!(Span::parse("PT1H").unwrap(), Span::from_secs(3_600));
    }

    #[test]
    fn refuses_nonsense_and_negative_durations() {
        for bad in ["", "soon", "-5m", "5 parsecs", "m5"] {
            assert!(Span::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn displays_in_the_form_it_reads() {
        for text in ["45m", "2h 30m", "1d", "1d 2h"] {
            assert_eq!(Span::parse(text).unwrap().to_string(), text);
        }
    }
}
