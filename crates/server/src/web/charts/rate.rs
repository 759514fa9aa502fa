//! The share of work done on time, week by week, as bars against a 100% line; a week
//! without runs is a visible gap rather than a misleading zero.

use super::{Frame, Label, Tick, count_words, px};
use serde::Serialize;

const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 170.0;
/// Room for percentages on the left and above the bars, week labels below.
const PLOT: Frame = Frame { left: 34.0, top: 16.0, right: 312.0, bottom: 144.0 };
/// Bars keep some air between them, and stay bars rather than slabs when weeks are few.
const BAR_SHARE: f64 = 0.7;
const MAX_BAR: f64 = 28.0;
/// A 0% week still shows a sliver, so it is not mistaken for a week without runs.
const MIN_BAR: f64 = 1.5;
/// Rough width of one character of a 9-unit label, to decide which labels fit.
const CHAR_WIDTH: f64 = 5.4;

#[derive(Debug, Serialize)]
pub(crate) struct RateChart {
    pub width: f64,
    pub height: f64,
    pub title: String,
    pub summary: String,
    pub empty: bool,
    pub plot: Frame,
    /// Where 100% is: the reference line.
    pub full_y: f64,
    pub y_ticks: Vec<Tick>,
    pub bars: Vec<RateBar>,
}

#[derive(Debug, Serialize)]
pub(crate) struct RateBar {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// No runs that week: drawn as a stub on the baseline, not as a bar.
    pub gap: bool,
    /// The percentage above the bar, when there is room for it.
    pub value: Option<Label>,
    /// The week below the axis, when there is room for it.
    pub week: Option<Label>,
    /// "3 Nov: 90% on time", "10 Nov: no runs".
    pub tip: String,
}

/// `weeks` oldest first; a rate outside 0..=1 is clamped, one that is not a number counts
/// as a week without runs.
pub(crate) fn rate_chart(title: &str, weeks: &[(String, Option<f64>)]) -> RateChart {
    let weeks: Vec<(&str, Option<f64>)> = weeks
        .iter()
        .map(|(label, rate)| (label.as_str(), rate.filter(|r| r.is_finite()).map(|r| r.clamp(0.0, 1.0))))
        .collect();
    let y = |rate: f64| px(PLOT.bottom - rate * (PLOT.bottom - PLOT.top));
    let tick = |rate: f64, text: &str| Tick {
        y: y(rate),
        label: Label { x: PLOT.left - 4.0, y: px(y(rate) + 3.5), text: text.to_string(), anchor: "end" },
    };
    let mut chart = RateChart {
        width: WIDTH,
        height: HEIGHT,
        title: title.to_string(),
        summary: "No runs yet.".to_string(),
        empty: true,
        plot: PLOT,
        full_y: y(1.0),
        y_ticks: vec![tick(0.0, "0%"), tick(0.5, "50%"), tick(1.0, "100%")],
        bars: Vec::new(),
    };
    if weeks.iter().all(|(_, rate)| rate.is_none()) {
        return chart;
    }

    let slot = PLOT.width() / weeks.len() as f64;
    let bar_width = (slot * BAR_SHARE).min(MAX_BAR);
    let widest_week = weeks.iter().map(|(label, _)| label.chars().count()).max().unwrap_or(0) as f64;
    // Thinned from the latest week backwards, so the week people ask about keeps its label.
    let week_every = ((widest_week * CHAR_WIDTH + 4.0) / slot).ceil().max(1.0) as usize;
    let value_every = (("100%".len() as f64 * CHAR_WIDTH + 2.0) / slot).ceil().max(1.0) as usize;
    let last = weeks.len() - 1;
    chart.bars = weeks
        .iter()
        .enumerate()
        .map(|(i, &(week, rate))| {
            let center = PLOT.left + slot * (i as f64 + 0.5);
            let height = rate.map_or(3.0, |r| (r * (PLOT.bottom - PLOT.top)).max(MIN_BAR));
            let text = rate.map_or_else(|| "–".to_string(), percent);
            let top = PLOT.bottom - height;
            RateBar {
                x: px(center - bar_width / 2.0),
                y: px(top),
                width: px(bar_width),
                height: px(height),
                gap: rate.is_none(),
                value: (last - i).is_multiple_of(value_every).then(|| Label {
                    x: px(center),
                    y: px(top - 3.0),
                    text: text.clone(),
                    anchor: "middle",
                }),
                week: (last - i).is_multiple_of(week_every).then(|| Label {
                    x: px(center),
                    y: PLOT.bottom + 14.0,
                    text: week.to_string(),
                    anchor: "middle",
                }),
                tip: match rate {
                    Some(_) => format!("{week}: {text} on time"),
                    None => format!("{week}: no runs"),
                },
            }
        })
        .collect();
    chart.summary = summary(&weeks);
    chart.empty = false;
    chart
}

/// Whole percent, except that "100%" and "0%" are kept for exactly all and exactly none:
/// 99.6% on time is not perfect and 0.4% is not nothing.
fn percent(rate: f64) -> String {
    let mut whole = (rate * 100.0).round();
    if rate < 1.0 {
        whole = whole.min(99.0);
    }
    if rate > 0.0 {
        whole = whole.max(1.0);
    }
    format!("{whole}%")
}

/// "8 weeks from W40 to W47; on time between 62% and 100% a week; latest 90% (W47);
/// 1 week without runs".
fn summary(weeks: &[(&str, Option<f64>)]) -> String {
    let rated: Vec<(&str, f64)> = weeks.iter().filter_map(|&(week, rate)| rate.map(|r| (week, r))).collect();
    let (lo, hi) = rated.iter().fold((1.0f64, 0.0f64), |(lo, hi), (_, r)| (lo.min(*r), hi.max(*r)));
    let (first, last) = (weeks[0].0, weeks[weeks.len() - 1].0);
    let mut parts = Vec::new();
    if weeks.len() == 1 {
        parts.push(format!("1 week ({first})"));
    } else {
        parts.push(format!("{} from {first} to {last}", count_words(weeks.len(), "week", "weeks")));
    }
    parts.push(match rated.len() {
        1 => format!("on time {}", percent(lo)),
        _ if percent(lo) == percent(hi) => format!("on time {} every week with runs", percent(lo)),
        _ => format!("on time between {} and {} a week", percent(lo), percent(hi)),
    });
    if let Some((week, rate)) = rated.last().filter(|_| rated.len() > 1) {
        parts.push(format!("latest {} ({week})", percent(*rate)));
    }
    let gaps = weeks.len() - rated.len();
    if gaps > 0 {
        parts.push(format!("{} without runs", count_words(gaps, "week", "weeks")));
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weeks(rates: &[Option<f64>]) -> Vec<(String, Option<f64>)> {
        rates.iter().enumerate().map(|(i, r)| (format!("W{}", 40 + i), *r)).collect()
    }

    #[test]
    fn bars_stand_on_the_baseline_and_reach_their_rate() {
        let chart = rate_chart("On time", &weeks(&[Some(1.0), Some(0.5), Some(0.0), None]));
        let full = PLOT.bottom - PLOT.top;
        assert_eq!(chart.full_y, PLOT.top);
        assert_eq!((chart.bars[0].y, chart.bars[0].height), (PLOT.top, full));
        assert_eq!(chart.bars[1].height, full / 2.0);
        assert_eq!(chart.bars[2].height, MIN_BAR, "0% still shows");
        assert!(chart.bars.iter().all(|b| b.y + b.height == PLOT.bottom));
        assert!(chart.bars[3].gap && !chart.bars[2].gap);
        assert_eq!(chart.bars[3].tip, "W43: no runs");
        assert_eq!(chart.bars[1].tip, "W41: 50% on time");
        assert!(chart.bars.windows(2).all(|w| w[0].x + w[0].width < w[1].x), "bars do not touch");
        assert!(chart.bars[3].x + chart.bars[3].width <= PLOT.right);
    }

    #[test]
    fn the_summary_gives_the_spread_the_latest_and_the_gaps() {
        let chart = rate_chart("On time", &weeks(&[Some(0.62), None, Some(1.0), Some(0.9)]));
        assert_eq!(
            chart.summary,
            "4 weeks from W40 to W43; on time between 62% and 100% a week; latest 90% (W43); 1 week without runs"
        );
        let steady = rate_chart("On time", &weeks(&[Some(1.0), Some(1.0)]));
        assert_eq!(steady.summary, "2 weeks from W40 to W41; on time 100% every week with runs; latest 100% (W41)");
        let single = rate_chart("On time", &weeks(&[Some(0.75)]));
        assert_eq!(single.summary, "1 week (W40); on time 75%");
    }

    #[test]
    fn nearly_all_is_not_rounded_up_to_all() {
        assert_eq!(percent(0.996), "99%");
        assert_eq!(percent(0.004), "1%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.625), "63%");
    }

    #[test]
    fn labels_thin_out_on_many_weeks_but_the_latest_keeps_its_own() {
        let few = rate_chart("On time", &weeks(&[Some(0.5); 6]));
        assert!(few.bars.iter().all(|b| b.value.is_some() && b.week.is_some()));
        let many = rate_chart("On time", &weeks(&[Some(0.5); 26]));
        let labelled = many.bars.iter().filter(|b| b.week.is_some()).count();
        assert!(labelled > 3 && labelled < 26, "{labelled}");
        assert!(many.bars.last().unwrap().week.is_some() && many.bars.last().unwrap().value.is_some());
        let labels: Vec<f64> = many.bars.iter().filter_map(|b| b.week.as_ref()).map(|l| l.x).collect();
        assert!(labels.windows(2).all(|w| w[1] - w[0] >= 3.0 * CHAR_WIDTH), "week labels do not overlap");
    }

    #[test]
    fn odd_rates_are_clamped_or_counted_as_gaps() {
        let chart = rate_chart("On time", &weeks(&[Some(1.7), Some(f64::NAN), Some(-0.2)]));
        assert_eq!(chart.bars[0].y, PLOT.top);
        assert!(chart.bars[1].gap);
        assert_eq!(chart.bars[2].height, MIN_BAR);
    }

    #[test]
    fn no_runs_at_all_is_said_not_drawn() {
        for input in [weeks(&[]), weeks(&[None, None])] {
            let chart = rate_chart("On time", &input);
            assert!(chart.empty && chart.bars.is_empty());
            assert_eq!(chart.summary, "No runs yet.");
        }
    }
}
