//! A reading over time (a fridge's temperature, say) with its allowed range drawn as a
//! band, so the readings outside it stand out at a glance.

use super::{Allowed, Frame, Label, Rect, Scale, Tick, count_words, format_number, nice_ticks, px, with_unit};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 180.0;
/// Room for values on the left, the unit above and dates below.
const PLOT: Frame = Frame { left: 36.0, top: 18.0, right: 312.0, bottom: 156.0 };
/// Beyond this many readings the dots would merge into a smear: only the readings outside
/// the range keep theirs.
const MAX_DOTS: usize = 60;

#[derive(Debug, Serialize)]
pub(crate) struct LineChart {
    pub width: f64,
    pub height: f64,
    pub title: String,
    /// The chart in one sentence, for screen readers and anyone who prefers words.
    pub summary: String,
    /// Nothing to draw: the template shows the summary instead.
    pub empty: bool,
    pub plot: Frame,
    /// The unit written above the value axis.
    pub unit: Label,
    /// `points` of the polyline.
    pub line: String,
    pub dots: Vec<LineDot>,
    pub band: Option<Rect>,
    /// Dashed lines at the bounds that are set, so a one-sided range shows where it ends.
    pub limits: Vec<f64>,
    pub y_ticks: Vec<Tick>,
    pub x_labels: Vec<Label>,
}

#[derive(Debug, Serialize)]
pub(crate) struct LineDot {
    pub x: f64,
    pub y: f64,
    /// Outside the allowed range.
    pub out: bool,
    /// Drawn as a dot (readings outside the range always are).
    pub shown: bool,
    /// "3 Nov 07:00: 6.2 °C, above 5 °C".
    pub label: String,
}

/// Readings that are not numbers are left out; the rest are drawn oldest first.
pub(crate) fn line_chart(
    title: &str,
    readings: &[(Timestamp, f64)],
    allowed: Allowed,
    unit: &str,
    zone: &TimeZone,
) -> LineChart {
    let mut readings: Vec<(Timestamp, f64)> = readings.iter().copied().filter(|(_, v)| v.is_finite()).collect();
    readings.sort_by_key(|(at, _)| *at);
    let mut chart = LineChart {
        width: WIDTH,
        height: HEIGHT,
        title: title.to_string(),
        summary: "No readings yet.".to_string(),
        empty: true,
        plot: PLOT,
        unit: Label { x: 2.0, y: 10.0, text: unit.trim().to_string(), anchor: "start" },
        line: String::new(),
        dots: Vec::new(),
        band: None,
        limits: Vec::new(),
        y_ticks: Vec::new(),
        x_labels: Vec::new(),
    };
    let (Some(&(first, _)), Some(&(last, latest))) = (readings.first(), readings.last()) else { return chart };

    // The bounds belong to the axis even when every reading is well inside them.
    let values = readings.iter().map(|(_, v)| *v).chain(allowed.min).chain(allowed.max);
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let ticks = nice_ticks(lo, hi);
    let (axis_lo, axis_hi) = (ticks[0], ticks[ticks.len() - 1]);
    let y = Scale::new((axis_lo, axis_hi), (PLOT.bottom, PLOT.top));
    let start = first.as_millisecond();
    let x = Scale::new((0.0, (last.as_millisecond() - start) as f64), (PLOT.left, PLOT.right));

    chart.y_ticks = ticks
        .iter()
        .map(|&t| Tick {
            y: y.map(t),
            label: Label { x: PLOT.left - 4.0, y: px(y.map(t) + 3.5), text: format_number(t), anchor: "end" },
        })
        .collect();
    if !allowed.is_open() {
        let top = y.map(allowed.max.unwrap_or(axis_hi));
        let bottom = y.map(allowed.min.unwrap_or(axis_lo));
        chart.band = Some(Rect { x: PLOT.left, y: top, width: PLOT.width(), height: px(bottom - top) });
        chart.limits = allowed.min.iter().chain(allowed.max.iter()).map(|&bound| y.map(bound)).collect();
    }
    chart.dots = readings
        .iter()
        .map(|&(at, value)| {
            let verdict = allowed.verdict(value, unit);
            let when = at.to_zoned(zone.clone()).strftime("%-d %b %H:%M").to_string();
            let reading = with_unit(value, unit);
            LineDot {
                x: x.map((at.as_millisecond() - start) as f64),
                y: y.map(value),
                out: verdict.is_some(),
                shown: verdict.is_some() || readings.len() <= MAX_DOTS,
                label: match verdict {
                    Some(verdict) => format!("{when}: {reading}, {verdict}"),
                    None => format!("{when}: {reading}"),
                },
            }
        })
        .collect();
    chart.line = chart.dots.iter().map(|d| format!("{},{}", d.x, d.y)).collect::<Vec<_>>().join(" ");
    chart.x_labels = x_labels(first, last, &x, zone);

    let out = chart.dots.iter().filter(|d| d.out).count();
    let mut parts =
        vec![format!("{} {}", count_words(readings.len(), "reading", "readings"), span_words(first, last, zone))];
    parts.extend(allowed.outside_words(out, unit));
    parts.push(format!("latest {}", with_unit(latest, unit)));
    chart.summary = parts.join("; ");
    chart.empty = false;
    chart
}

/// Up to four labels spread along the time axis: dates, or times of day when all the
/// readings fall on one local day. The ends align inward so they are not cut off.
fn x_labels(first: Timestamp, last: Timestamp, x: &Scale, zone: &TimeZone) -> Vec<Label> {
    let label_y = HEIGHT - 8.0;
    let one_day = first.to_zoned(zone.clone()).date() == last.to_zoned(zone.clone()).date();
    let format = if one_day && first != last { "%H:%M" } else { "%-d %b" };
    let (start, span) = (first.as_millisecond(), last.as_millisecond() - first.as_millisecond());
    if span == 0 {
        let text = first.to_zoned(zone.clone()).strftime(format).to_string();
        return vec![Label { x: x.map(0.0), y: label_y, text, anchor: "middle" }];
    }
    const COUNT: i64 = 4;
    let mut labels: Vec<Label> = Vec::new();
    for i in 0..COUNT {
        let offset = span * i / (COUNT - 1);
        let Ok(at) = Timestamp::from_millisecond(start + offset) else { continue };
        let text = at.to_zoned(zone.clone()).strftime(format).to_string();
        // A short span repeats a date; one label per date is enough.
        if labels.last().is_some_and(|l| l.text == text) {
            continue;
        }
        let anchor = match i {
            0 => "start",
            i if i == COUNT - 1 => "end",
            _ => "middle",
        };
        labels.push(Label { x: x.map(offset as f64), y: label_y, text, anchor });
    }
    labels
}

/// "on 3 Nov", "from 3 Nov to 28 Nov", with years only when the span crosses one.
fn span_words(first: Timestamp, last: Timestamp, zone: &TimeZone) -> String {
    let (first, last) = (first.to_zoned(zone.clone()), last.to_zoned(zone.clone()));
    let format = if first.year() == last.year() { "%-d %b" } else { "%-d %b %Y" };
    if first.date() == last.date() {
        format!("on {}", first.strftime(format))
    } else {
        format!("from {} to {}", first.strftime(format), last.strftime(format))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn berlin() -> TimeZone {
        jiff::tz::db().get("Europe/Berlin").unwrap()
    }

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    /// Twelve morning readings of a fridge in November, two of them too warm.
    fn fridge() -> Vec<(Timestamp, f64)> {
        let values = [3.0, 3.5, 4.0, 6.2, 3.8, 2.9, 3.1, 5.5, 4.4, 3.9, 3.6, 4.1];
        values.iter().enumerate().map(|(i, v)| (at(&format!("2025-11-{:02}T06:00:00Z", 3 + i * 25 / 11)), *v)).collect()
    }

    #[test]
    fn a_fridge_month_reads_as_one_sentence() {
        let chart = line_chart("Fridge", &fridge(), Allowed::between(0.0, 5.0), "°C", &berlin());
        assert!(!chart.empty);
        assert_eq!(chart.summary, "12 readings from 3 Nov to 28 Nov; 2 outside 0–5 °C; latest 4.1 °C");
        assert_eq!(chart.dots.iter().filter(|d| d.out).count(), 2);
        assert_eq!(chart.dots[3].label, "9 Nov 07:00: 6.2 °C, above 5 °C");
        assert!(chart.dots[3].out && chart.dots[3].shown);
        assert_eq!(chart.dots[0].label, "3 Nov 07:00: 3 °C");
        assert_eq!(chart.line.split(' ').count(), 12);
    }

    #[test]
    fn the_band_spans_the_allowed_range_on_the_value_axis() {
        let chart = line_chart("Fridge", &fridge(), Allowed::between(0.0, 5.0), "°C", &berlin());
        let labels: Vec<&str> = chart.y_ticks.iter().map(|t| t.label.text.as_str()).collect();
        assert_eq!(labels, ["0", "2", "4", "6", "8"]);
        let y_of = |text: &str| chart.y_ticks.iter().find(|t| t.label.text == text).unwrap().y;
        let band = chart.band.unwrap();
        assert_eq!(band.y, px(PLOT.bottom - (PLOT.bottom - PLOT.top) * 5.0 / 8.0));
        assert_eq!(band.y + band.height, y_of("0"));
        assert_eq!((band.x, band.width), (PLOT.left, PLOT.right - PLOT.left));
        assert_eq!(y_of("0"), PLOT.bottom, "the lowest tick is the axis floor");
        assert_eq!(chart.limits, [y_of("0"), band.y]);
    }

    #[test]
    fn time_runs_from_the_left_edge_to_the_right_edge() {
        let chart = line_chart("Fridge", &fridge(), Allowed::default(), "°C", &berlin());
        assert_eq!(chart.dots.first().unwrap().x, PLOT.left);
        assert_eq!(chart.dots.last().unwrap().x, PLOT.right);
        assert!(chart.dots.windows(2).all(|w| w[0].x < w[1].x));
        assert!(chart.band.is_none() && chart.limits.is_empty());
        assert_eq!(chart.summary, "12 readings from 3 Nov to 28 Nov; latest 4.1 °C");
        let texts: Vec<&str> = chart.x_labels.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["3 Nov", "11 Nov", "19 Nov", "28 Nov"]);
        assert_eq!(chart.x_labels[0].anchor, "start");
        assert_eq!(chart.x_labels[3].anchor, "end");
    }

    #[test]
    fn readings_out_of_order_and_not_numbers_are_handled() {
        let readings = [
            (at("2025-11-05T06:00:00Z"), 2.0),
            (at("2025-11-04T06:00:00Z"), f64::NAN),
            (at("2025-11-03T06:00:00Z"), 1.0),
            (at("2025-11-06T06:00:00Z"), f64::INFINITY),
        ];
        let chart = line_chart("Fridge", &readings, Allowed::default(), "", &berlin());
        assert_eq!(chart.dots.len(), 2);
        assert_eq!(chart.summary, "2 readings from 3 Nov to 5 Nov; latest 2");
        assert!(chart.dots[0].y > chart.dots[1].y, "1 is drawn below 2");
    }

    #[test]
    fn one_reading_sits_in_the_middle() {
        let chart =
            line_chart("Fridge", &[(at("2025-11-03T06:00:00Z"), 4.0)], Allowed::between(0.0, 5.0), "°C", &berlin());
        assert_eq!(chart.dots[0].x, (PLOT.left + PLOT.right) / 2.0);
        assert_eq!(chart.x_labels.len(), 1);
        assert_eq!(chart.x_labels[0].text, "3 Nov");
        assert_eq!(chart.summary, "1 reading on 3 Nov; none outside 0–5 °C; latest 4 °C");
    }

    #[test]
    fn equal_readings_without_a_range_still_get_an_axis() {
        let readings: Vec<_> = (0..3).map(|h| (at(&format!("2025-11-03T0{h}:00:00Z")), 7.0)).collect();
        let chart = line_chart("Oven", &readings, Allowed::default(), "°C", &berlin());
        assert!(chart.dots.iter().all(|d| d.y.is_finite() && d.y > PLOT.top && d.y < PLOT.bottom));
        let texts: Vec<&str> = chart.x_labels.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["01:00", "01:40", "02:20", "03:00"], "one local day shows times");
    }

    #[test]
    fn a_one_sided_range_bands_to_the_edge_of_the_plot() {
        let chart = line_chart("Hot hold", &fridge(), Allowed { min: Some(3.0), max: None }, "°C", &berlin());
        let band = chart.band.unwrap();
        assert_eq!(band.y, PLOT.top);
        assert_eq!(chart.limits.len(), 1);
        assert!(chart.summary.contains("1 below 3 °C"), "{}", chart.summary);
    }

    #[test]
    fn many_readings_keep_dots_only_where_they_matter() {
        let readings: Vec<_> =
            (0..100).map(|i| (Timestamp::from_second(1_760_000_000 + i * 3600).unwrap(), (i % 7) as f64)).collect();
        let chart = line_chart("Fridge", &readings, Allowed::between(0.0, 5.0), "°C", &berlin());
        assert!(chart.dots.iter().all(|d| d.shown == d.out));
        assert!(chart.dots.iter().any(|d| d.out));
    }

    #[test]
    fn no_readings_is_said_not_drawn() {
        let chart =
            line_chart("Fridge", &[(at("2025-11-03T06:00:00Z"), f64::NAN)], Allowed::default(), "°C", &berlin());
        assert!(chart.empty);
        assert_eq!(chart.summary, "No readings yet.");
        assert!(chart.dots.is_empty() && chart.line.is_empty());
    }
}
