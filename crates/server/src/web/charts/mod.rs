//! Charts drawn on the server: each kind is geometry computed here by a pure function and
//! drawn by a macro in `templates/charts.html`, so no chart script runs in the browser and
//! every word on a chart passes through the template's escaping. Sizes are in viewBox
//! units chosen to stay readable when the SVG shrinks to a 360-px phone.

mod heatmap;
mod line;
mod rate;
#[cfg(test)]
mod render_tests;
mod sparkline;

pub(crate) use heatmap::{Heatmap, heatmap};
pub(crate) use line::{LineChart, line_chart};
pub(crate) use rate::{RateChart, rate_chart};
pub(crate) use sparkline::{Sparkline, sparkline};

use serde::Serialize;

/// The plotting area inside a chart's viewBox, leaving room for labels around it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub(crate) struct Frame {
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
}

impl Frame {
    fn width(&self) -> f64 {
        self.right - self.left
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub(crate) struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// A piece of text placed on a chart; `anchor` is SVG's `text-anchor`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Label {
    pub x: f64,
    pub y: f64,
    pub text: String,
    pub anchor: &'static str,
}

/// A horizontal gridline at `y` and its value written beside the axis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Tick {
    pub y: f64,
    pub label: Label,
}

/// What a series is allowed to be; either side may be open, as a numeric proof field's
/// range may be.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Allowed {
    pub min: Option<f64>,
    pub max: Option<f64>,
}

impl Allowed {
    #[cfg(test)]
    pub(crate) fn between(min: f64, max: f64) -> Allowed {
        Allowed::from((Some(min), Some(max)))
    }

    fn is_open(&self) -> bool {
        self.min.is_none() && self.max.is_none()
    }

    /// "below 0 °C" or "above 5 °C" for a value outside the range, `None` inside it.
    fn verdict(&self, value: f64, unit: &str) -> Option<String> {
        match (self.min, self.max) {
            (Some(min), _) if value < min => Some(format!("below {}", with_unit(min, unit))),
            (_, Some(max)) if value > max => Some(format!("above {}", with_unit(max, unit))),
            _ => None,
        }
    }

    fn outside(&self, value: f64) -> bool {
        self.verdict(value, "").is_some()
    }

    /// How many values fell outside, in words: "2 outside 0–5 °C", "none below 0 °C".
    fn outside_words(&self, count: usize, unit: &str) -> Option<String> {
        let count = if count == 0 { "none".to_string() } else { count.to_string() };
        match (self.min, self.max) {
            (Some(min), Some(max)) => Some(format!("{count} outside {}", range_words(min, max, unit))),
            (Some(min), None) => Some(format!("{count} below {}", with_unit(min, unit))),
            (None, Some(max)) => Some(format!("{count} above {}", with_unit(max, unit))),
            (None, None) => None,
        }
    }
}

/// A finding's `range` converts as it is stored; bounds that are not numbers are dropped
/// and reversed bounds put right, so a bad definition cannot draw an inside-out band.
impl From<(Option<f64>, Option<f64>)> for Allowed {
    fn from((min, max): (Option<f64>, Option<f64>)) -> Allowed {
        let (min, max) = (min.filter(|v| v.is_finite()), max.filter(|v| v.is_finite()));
        match (min, max) {
            (Some(a), Some(b)) if a > b => Allowed { min: Some(b), max: Some(a) },
            _ => Allowed { min, max },
        }
    }
}

/// "0–5 °C", but "-3 to 7 °C": a dash after a minus sign reads as a second minus.
fn range_words(min: f64, max: f64, unit: &str) -> String {
    if min < 0.0 {
        format!("{} to {}", format_number(min), with_unit(max, unit))
    } else {
        format!("{}–{}", format_number(min), with_unit(max, unit))
    }
}

/// A number with at most two decimals and none of the noise: `4.1`, `5`, `0.25`, `-3`.
pub(crate) fn format_number(value: f64) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" { "0".to_string() } else { text.to_string() }
}

/// "4.1 °C", "12%", or the bare number when there is no unit.
fn with_unit(value: f64, unit: &str) -> String {
    match unit.trim() {
        "" => format_number(value),
        "%" => format!("{}%", format_number(value)),
        unit => format!("{} {unit}", format_number(value)),
    }
}

/// "1 reading", "12 readings".
fn count_words(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// Coordinates to a tenth of a unit: finer is invisible and only bloats the page.
fn px(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// Maps a value domain linearly onto a stretch of the viewBox.
#[derive(Debug, Clone, Copy)]
struct Scale {
    domain: (f64, f64),
    range: (f64, f64),
}

impl Scale {
    fn new(domain: (f64, f64), range: (f64, f64)) -> Scale {
        Scale { domain, range }
    }

    /// A domain of one value (one reading, or all readings equal) puts everything in the
    /// middle rather than dividing by zero.
    fn map(&self, value: f64) -> f64 {
        let (lo, hi) = self.domain;
        let (from, to) = self.range;
        if hi - lo == 0.0 {
            return px((from + to) / 2.0);
        }
        px(from + (value - lo) / (hi - lo) * (to - from))
    }
}

/// At most this many steps between gridlines, so tick labels stay apart on a phone.
const MAX_INTERVALS: f64 = 6.0;

/// Gridline values covering `lo..=hi` with a round step (1, 2 or 5 × 10^k); the first and
/// last become the ends of the axis. Equal ends are widened so the axis has a length.
pub(crate) fn nice_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let (mut lo, mut hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
    if !lo.is_finite() || !hi.is_finite() {
        return vec![0.0, 1.0];
    }
    if hi == lo {
        if lo == 0.0 {
            hi = 1.0;
        } else {
            let pad = lo.abs() / 10.0;
            (lo, hi) = (lo - pad, hi + pad);
        }
    }
    // Division leaves values like 4.000000000000001 that would add an empty interval.
    const SLACK: f64 = 1e-9;
    let mut magnitude = 10f64.powf(((hi - lo) / MAX_INTERVALS).log10().floor());
    loop {
        for multiple in [1.0, 2.0, 5.0] {
            let step = multiple * magnitude;
            let first = (lo / step + SLACK).floor();
            let last = (hi / step - SLACK).ceil();
            if last - first <= MAX_INTERVALS {
                return (first as i64..=last as i64).map(|i| i as f64 * step).collect();
            }
        }
        magnitude *= 10.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(ticks: &[f64]) -> Vec<String> {
        ticks.iter().map(|t| format_number(*t)).collect()
    }

    #[test]
    fn numbers_carry_no_trailing_noise() {
        assert_eq!(format_number(4.0), "4");
        assert_eq!(format_number(4.1), "4.1");
        assert_eq!(format_number(0.25), "0.25");
        assert_eq!(format_number(2.0 / 3.0), "0.67");
        assert_eq!(format_number(1234.5), "1234.5");
        assert_eq!(format_number(-0.001), "0");
        assert_eq!(format_number(-3.0), "-3");
        assert_eq!(format_number(0.6000000000000001), "0.6");
    }

    #[test]
    fn ticks_are_round_numbers_covering_the_data() {
        assert_eq!(labels(&nice_ticks(0.0, 5.0)), ["0", "1", "2", "3", "4", "5"]);
        assert_eq!(labels(&nice_ticks(-3.0, 7.0)), ["-4", "-2", "0", "2", "4", "6", "8"]);
        assert_eq!(labels(&nice_ticks(0.0, 0.8)), ["0", "0.2", "0.4", "0.6", "0.8"]);
        assert_eq!(labels(&nice_ticks(0.0, 1234.0)), ["0", "500", "1000", "1500"]);
        assert_eq!(labels(&nice_ticks(2.3, 4.7)), ["2", "2.5", "3", "3.5", "4", "4.5", "5"]);
        assert_eq!(labels(&nice_ticks(7.0, 3.0)), labels(&nice_ticks(3.0, 7.0)), "reversed ends");
    }

    #[test]
    fn ticks_for_a_single_value_still_make_an_axis() {
        assert_eq!(labels(&nice_ticks(0.0, 0.0)), ["0", "0.2", "0.4", "0.6", "0.8", "1"]);
        let around_four = nice_ticks(4.0, 4.0);
        assert!(around_four.first().unwrap() < &4.0 && around_four.last().unwrap() > &4.0, "{around_four:?}");
        assert_eq!(labels(&nice_ticks(f64::NAN, 1.0)), ["0", "1"]);
    }

    #[test]
    fn scale_maps_ends_and_middle_and_survives_a_flat_domain() {
        let y = Scale::new((0.0, 10.0), (150.0, 10.0));
        assert_eq!(y.map(0.0), 150.0);
        assert_eq!(y.map(10.0), 10.0);
        assert_eq!(y.map(5.0), 80.0);
        assert_eq!(Scale::new((3.0, 3.0), (0.0, 100.0)).map(3.0), 50.0);
    }

    #[test]
    fn allowed_ranges_are_described_in_words() {
        let fridge = Allowed::between(0.0, 5.0);
        assert_eq!(fridge.outside_words(2, "°C").unwrap(), "2 outside 0–5 °C");
        assert_eq!(fridge.outside_words(0, "°C").unwrap(), "none outside 0–5 °C");
        assert_eq!(Allowed::between(-3.0, 7.0).outside_words(1, "").unwrap(), "1 outside -3 to 7");
        assert_eq!(Allowed { min: Some(60.0), max: None }.outside_words(1, "°C").unwrap(), "1 below 60 °C");
        assert_eq!(Allowed { min: None, max: Some(5.0) }.outside_words(3, "%").unwrap(), "3 above 5%");
        assert_eq!(Allowed::default().outside_words(3, "°C"), None);
        assert_eq!(fridge.verdict(6.5, "°C").unwrap(), "above 5 °C");
        assert_eq!(fridge.verdict(-1.0, "°C").unwrap(), "below 0 °C");
        assert!(!fridge.outside(5.0) && !fridge.outside(0.0), "the bounds themselves are allowed");
    }

    #[test]
    fn reversed_or_broken_bounds_are_put_right() {
        assert_eq!(Allowed::from((Some(5.0), Some(0.0))), Allowed::between(0.0, 5.0));
        assert_eq!(Allowed::from((Some(f64::NAN), Some(5.0))), Allowed { min: None, max: Some(5.0) });
        assert!(Allowed::from((None, Some(f64::INFINITY))).is_open());
    }
}
