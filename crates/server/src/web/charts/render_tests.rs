//! Each chart drawn through its macro in `templates/charts.html`, the way the pages will
//! draw it: the SVG must hold together, carry its accessible names, escape what people
//! typed, and need nothing a strict content security policy would block.

use super::*;
use jiff::Timestamp;
use minijinja::value::{Serde, Value};
use minijinja::{Environment, UndefinedBehavior, context};
use proofline_core::pattern::Point;

/// Set up as `page.rs` sets up the app's environment: strict about undefined names, and
/// escaping by the `.html` name.
fn draw(call: &str, chart: impl serde::Serialize) -> String {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.add_template("charts.html", include_str!("../../../templates/charts.html")).unwrap();
    let page = format!(r#"{{% import "charts.html" as charts %}}{{{{ charts.{call}(chart, "c1") }}}}"#);
    env.add_template("page.html", &page).unwrap();
    let html = env.get_template("page.html").unwrap().render(context! { chart => Value::from(Serde(chart)) });
    html.unwrap_or_else(|e| panic!("{call}: {e:#}"))
}

/// Every element opened is closed in order: the check a browser's XML parser would make
/// first. Text is escaped by the template, so `<` only ever starts a tag.
fn assert_well_formed(html: &str) {
    let mut open: Vec<&str> = Vec::new();
    for tag in html.split('<').skip(1).map(|rest| &rest[..rest.find('>').expect("tag closes")]) {
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(open.pop(), Some(name), "closing </{name}> in {html}");
        } else if !tag.ends_with('/') {
            open.push(tag.split_whitespace().next().unwrap());
        }
    }
    assert!(open.is_empty(), "left open: {open:?} in {html}");
}

fn assert_drawn(html: &str, elements: &[&str]) {
    assert_well_formed(html);
    assert!(!html.contains("style="), "no style attributes under the CSP: {html}");
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains(r#"role="img""#) && html.contains(r#"aria-labelledby="c1-title""#), "{html}");
    assert!(html.contains(r#"<title id="c1-title">"#), "{html}");
    for element in elements {
        assert!(html.contains(element), "{element} missing from {html}");
    }
}

fn at(day: i64) -> Timestamp {
    Timestamp::from_second(1_762_153_200 + day * 86_400).unwrap()
}

#[test]
fn a_line_chart_draws_its_band_line_and_flagged_dots() {
    let readings: Vec<_> = [3.0, 6.2, 4.1].iter().enumerate().map(|(i, v)| (at(i as i64), *v)).collect();
    let zone = jiff::tz::db().get("Europe/Berlin").unwrap();
    let chart = line_chart("Fridge <script>", &readings, Allowed::between(0.0, 5.0), "°C", &zone);
    let html = draw("line_chart", &chart);
    assert_drawn(
        &html,
        &["<polyline class=\"series\"", "class=\"band\"", "class=\"dot out\"", "<desc id=\"c1-desc\">"],
    );
    assert!(html.contains("Fridge &lt;script&gt;"), "the title is escaped: {html}");
    assert!(html.contains(&chart.summary));
    assert_eq!(html.matches("<circle").count(), 3);
}

#[test]
fn a_rate_chart_draws_bars_gaps_and_the_full_line() {
    let weeks = vec![("W40".to_string(), Some(0.8)), ("W41".to_string(), None), ("W42".to_string(), Some(1.0))];
    let chart: RateChart = rate_chart("On time", &weeks);
    let html = draw("rate_chart", chart);
    assert_drawn(&html, &["class=\"bar\"", "class=\"gap\"", "class=\"reference\"", ">80%</text>", ">W41</text>"]);
    assert!(html.contains("<title>W41: no runs</title>"), "{html}");
}

#[test]
fn a_heatmap_draws_every_hour_of_the_week() {
    let mut misses = [[0; 24]; 7];
    misses[4][18] = 5;
    misses[4][19] = 2;
    let chart: Heatmap = heatmap("Misses", &misses);
    let html = draw("heatmap", chart);
    assert_drawn(&html, &["class=\"heat-4\"", "class=\"heat-2\"", ">Sun</text>", ">21</text>"]);
    assert!(html.contains("<title>Fri 18:00–19:00: 5 misses</title>"), "{html}");
    assert_eq!(html.matches("<rect").count(), 7 * 24 + 5, "every cell and the legend");
}

#[test]
fn sparklines_draw_a_strip_or_a_line() {
    let point = |day: i64, value: f64| Point { at: at(day), value };
    let strip = draw("sparkline", sparkline(&[point(0, 1.0), point(1, 0.0)], Allowed::default(), ""));
    assert_drawn(&strip, &["class=\"tick miss\"", "class=\"tick\"", "1 of 2 missed"]);
    let line = draw("sparkline", sparkline(&[point(0, 3.0), point(1, 7.5)], Allowed::between(0.0, 5.0), "°C"));
    assert_drawn(&line, &["<polyline class=\"series\"", "class=\"band\"", "class=\"dot out\""]);
}

#[test]
fn empty_charts_are_a_sentence_not_an_svg() {
    let zone = jiff::tz::TimeZone::UTC;
    let drawn = [
        draw("line_chart", line_chart("Fridge", &[], Allowed::default(), "°C", &zone)),
        draw("rate_chart", rate_chart("On time", &[])),
        draw("heatmap", heatmap("Misses", &[[0; 24]; 7])),
        draw("sparkline", sparkline(&[], Allowed::default(), "")),
    ];
    for html in drawn {
        assert!(!html.contains("<svg") && html.contains("class=\"empty\""), "{html}");
        assert_well_formed(&html);
    }
}
