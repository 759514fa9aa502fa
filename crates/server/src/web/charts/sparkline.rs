//! The small inline chart beside a pattern: a strip of ticks when the evidence is misses
//! (1) and on-time runs (0), otherwise a line of the values with their allowed range.

use super::{Allowed, Rect, Scale, count_words, format_number, px, with_unit};
use proofline_core::pattern::Point;
use serde::Serialize;

const WIDTH: f64 = 120.0;
const HEIGHT: f64 = 28.0;
/// Keeps dots and strokes from being clipped at the edges.
const PAD: f64 = 3.0;
/// An on-time run is a short tick at the bottom; a miss runs the full height.
const ON_TIME_TICK: f64 = 8.0;
const MAX_TICK: f64 = 6.0;

#[derive(Debug, Serialize)]
pub(crate) struct Sparkline {
    pub width: f64,
    pub height: f64,
    pub summary: String,
    pub empty: bool,
    /// Misses and on-time runs: draw `ticks`; otherwise draw `line`, `band` and `dots`.
    pub binary: bool,
    pub ticks: Vec<SparkTick>,
    pub line: String,
    pub band: Option<Rect>,
    /// Values outside the range, and the latest value.
    pub dots: Vec<SparkDot>,
}

#[derive(Debug, Serialize)]
pub(crate) struct SparkTick {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub miss: bool,
}

#[derive(Debug, Serialize)]
pub(crate) struct SparkDot {
    pub x: f64,
    pub y: f64,
    pub out: bool,
}

/// `points` in any order; values that are not numbers are left out.
pub(crate) fn sparkline(points: &[Point], allowed: Allowed, unit: &str) -> Sparkline {
    let mut points: Vec<Point> = points.iter().copied().filter(|p| p.value.is_finite()).collect();
    points.sort_by_key(|p| p.at);
    let mut chart = Sparkline {
        width: WIDTH,
        height: HEIGHT,
        summary: "No data yet.".to_string(),
        empty: points.is_empty(),
        binary: !points.is_empty() && points.iter().all(|p| p.value == 0.0 || p.value == 1.0),
        ticks: Vec::new(),
        line: String::new(),
        band: None,
        dots: Vec::new(),
    };
    if chart.empty {
        return chart;
    }
    if chart.binary {
        draw_strip(&mut chart, &points);
    } else {
        draw_line(&mut chart, &points, allowed, unit);
    }
    chart
}

/// Runs side by side in order, evenly spaced: what matters is how often and how recently
/// work was missed, not the exact dates.
fn draw_strip(chart: &mut Sparkline, points: &[Point]) {
    let slot = (WIDTH - 2.0 * PAD) / points.len() as f64;
    let width = (slot * 0.6).clamp(1.0, MAX_TICK);
    chart.ticks = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let miss = p.value == 1.0;
            let height = if miss { HEIGHT - 2.0 * PAD } else { ON_TIME_TICK };
            SparkTick {
                x: px(PAD + slot * (i as f64 + 0.5) - width / 2.0),
                y: px(HEIGHT - PAD - height),
                width: px(width),
                height,
                miss,
            }
        })
        .collect();
    let misses = points.iter().filter(|p| p.value == 1.0).count();
    let latest = if points[points.len() - 1].value == 1.0 { "missed" } else { "on time" };
    chart.summary = format!("{misses} of {} missed; latest {latest}", points.len());
}

fn draw_line(chart: &mut Sparkline, points: &[Point], allowed: Allowed, unit: &str) {
    let values = || points.iter().map(|p| p.value);
    let (lo, hi) = values().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    // The bounds widen the scale so the band shows, as on the full-size chart.
    let bounds = allowed.min.into_iter().chain(allowed.max);
    let (axis_lo, axis_hi) = bounds.fold((lo, hi), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let y = Scale::new((axis_lo, axis_hi), (HEIGHT - PAD, PAD));
    let (first, last) = (points[0].at.as_millisecond(), points[points.len() - 1].at.as_millisecond());
    let x = Scale::new((0.0, (last - first) as f64), (PAD, WIDTH - PAD));
    let at = |p: &Point| (x.map((p.at.as_millisecond() - first) as f64), y.map(p.value));

    chart.line = points.iter().map(at).map(|(x, y)| format!("{x},{y}")).collect::<Vec<_>>().join(" ");
    if !allowed.is_open() {
        let top = y.map(allowed.max.unwrap_or(axis_hi));
        let bottom = y.map(allowed.min.unwrap_or(axis_lo));
        chart.band = Some(Rect { x: PAD, y: top, width: WIDTH - 2.0 * PAD, height: px(bottom - top) });
    }
    let latest = points.len() - 1;
    chart.dots = points
        .iter()
        .enumerate()
        .filter(|&(i, p)| i == latest || allowed.outside(p.value))
        .map(|(_, p)| SparkDot { x: at(p).0, y: at(p).1, out: allowed.outside(p.value) })
        .collect();

    let out = points.iter().filter(|p| allowed.outside(p.value)).count();
    let latest_value = with_unit(points[latest].value, unit);
    let mut parts = vec![match points.len() {
        1 => format!("1 value, {latest_value}"),
        n if lo == hi => format!("{n} values, all {latest_value}"),
        n => format!("{} from {} to {}", count_words(n, "value", "values"), format_number(lo), with_unit(hi, unit)),
    }];
    parts.extend(allowed.outside_words(out, unit));
    if points.len() > 1 && lo != hi {
        parts.push(format!("latest {latest_value}"));
    }
    chart.summary = parts.join("; ");
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    fn series(values: &[f64]) -> Vec<Point> {
        let day = 86_400;
        values
            .iter()
            .enumerate()
            .map(|(i, &value)| Point { at: Timestamp::from_second(1_760_000_000 + i as i64 * day).unwrap(), value })
            .collect()
    }

    #[test]
    fn misses_and_on_time_runs_make_a_strip() {
        let chart = sparkline(&series(&[0.0, 1.0, 1.0, 0.0, 1.0]), Allowed::default(), "");
        assert!(chart.binary && !chart.empty);
        assert_eq!(chart.ticks.len(), 5);
        assert_eq!(chart.ticks.iter().filter(|t| t.miss).count(), 3);
        assert!(chart.ticks.iter().all(|t| t.y + t.height == HEIGHT - PAD), "ticks stand on one baseline");
        assert!(chart.ticks[1].height > chart.ticks[0].height);
        assert!(chart.ticks.windows(2).all(|w| w[0].x + w[0].width < w[1].x));
        assert_eq!(chart.summary, "3 of 5 missed; latest missed");
        assert!(chart.line.is_empty() && chart.dots.is_empty());
    }

    #[test]
    fn anything_else_makes_a_line_with_its_band() {
        let chart = sparkline(&series(&[3.0, 4.5, 6.0, 4.0]), Allowed::between(0.0, 5.0), "°C");
        assert!(!chart.binary);
        assert_eq!(chart.line.split(' ').count(), 4);
        let band = chart.band.unwrap();
        assert_eq!(band.y + band.height, HEIGHT - PAD, "the band starts at 0, the bottom of the scale");
        assert!(band.y > PAD, "6 is above the band");
        assert_eq!(chart.dots.len(), 2, "the reading above the range and the latest");
        assert!(chart.dots[0].out && !chart.dots[1].out);
        assert_eq!(chart.dots[1].x, WIDTH - PAD);
        assert_eq!(chart.summary, "4 values from 3 to 6 °C; 1 outside 0–5 °C; latest 4 °C");
    }

    #[test]
    fn flat_single_and_broken_series_still_draw() {
        let flat = sparkline(&series(&[42.0, 42.0, 42.0]), Allowed::default(), "min");
        assert!(flat.line.split(' ').all(|p| p.ends_with(&format!(",{}", HEIGHT / 2.0))));
        assert_eq!(flat.summary, "3 values, all 42 min");
        let one = sparkline(&series(&[2.5]), Allowed::default(), "");
        assert_eq!(one.line, format!("{},{}", WIDTH / 2.0, HEIGHT / 2.0));
        assert_eq!(one.summary, "1 value, 2.5");
        let broken = sparkline(&series(&[f64::NAN, 1.0, f64::NEG_INFINITY, 0.0]), Allowed::default(), "");
        assert!(broken.binary);
        assert_eq!(broken.summary, "1 of 2 missed; latest on time");
    }

    #[test]
    fn nothing_to_show_is_said_not_drawn() {
        for input in [series(&[]), series(&[f64::NAN])] {
            let chart = sparkline(&input, Allowed::default(), "");
            assert!(chart.empty && !chart.binary);
            assert_eq!(chart.summary, "No data yet.");
        }
    }
}
