//! Misses by weekday and hour of day, as a grid of shaded cells: when in the week work
//! slips is easier to see than to read from a table.

use super::{Label, count_words};
use serde::Serialize;

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
/// Room for the weekday names on the left and the hours above.
const LEFT: f64 = 30.0;
const TOP: f64 = 16.0;
/// 24 columns of this pitch fill a 320-unit-wide chart.
const PITCH: f64 = 12.0;
const CELL: f64 = 11.0;
const WIDTH: f64 = LEFT + 24.0 * PITCH + 2.0;
const LEGEND_Y: f64 = TOP + 7.0 * PITCH + 8.0;
const HEIGHT: f64 = LEGEND_Y + CELL + 6.0;
/// Shades above zero; `heat-0` is kept for none at all.
const SHADES: u64 = 4;
/// An hour label every this many columns: every hour would not fit on a phone.
const HOUR_EVERY: usize = 3;

#[derive(Debug, Serialize)]
pub(crate) struct Heatmap {
    pub width: f64,
    pub height: f64,
    pub title: String,
    pub summary: String,
    pub empty: bool,
    /// Side of a cell.
    pub cell: f64,
    pub cells: Vec<HeatCell>,
    pub days: Vec<Label>,
    pub hours: Vec<Label>,
    /// One cell per shade, from none to the most, between `legend_low` and `legend_high`.
    pub legend: Vec<HeatCell>,
    pub legend_low: Label,
    pub legend_high: Label,
}

#[derive(Debug, Serialize)]
pub(crate) struct HeatCell {
    pub x: f64,
    pub y: f64,
    /// 0 for none, then 1..=4 relative to the busiest cell: the class is `heat-{shade}`.
    pub shade: u8,
    /// "Fri 18:00–19:00: 5 misses".
    pub tip: String,
}

/// `misses[day][hour]` with Monday first and local hours.
pub(crate) fn heatmap(title: &str, misses: &[[u32; 24]; 7]) -> Heatmap {
    let most = misses.iter().flatten().copied().max().unwrap_or(0);
    let total: u64 = misses.iter().flatten().map(|&n| u64::from(n)).sum();
    let cells = misses
        .iter()
        .enumerate()
        .flat_map(|(day, hours)| {
            hours.iter().enumerate().map(move |(hour, &count)| HeatCell {
                x: LEFT + hour as f64 * PITCH,
                y: TOP + day as f64 * PITCH,
                shade: shade(count, most),
                tip: format!("{}: {}", slot_name(day, hour), count_words(count as usize, "miss", "misses")),
            })
        })
        .collect();
    let legend_end = LEFT + (SHADES + 1) as f64 * PITCH;
    Heatmap {
        width: WIDTH,
        height: HEIGHT,
        title: title.to_string(),
        summary: summary(misses, most, total),
        empty: total == 0,
        cell: CELL,
        cells,
        days: DAYS
            .iter()
            .enumerate()
            .map(|(day, name)| Label {
                x: LEFT - 4.0,
                y: TOP + day as f64 * PITCH + 8.5,
                text: name.to_string(),
                anchor: "end",
            })
            .collect(),
        hours: (0..24)
            .step_by(HOUR_EVERY)
            .map(|hour| Label {
                x: LEFT + hour as f64 * PITCH + CELL / 2.0,
                y: TOP - 4.0,
                text: format!("{hour:02}"),
                anchor: "middle",
            })
            .collect(),
        legend: (0..=SHADES as u8)
            .map(|shade| HeatCell { x: LEFT + f64::from(shade) * PITCH, y: LEGEND_Y, shade, tip: String::new() })
            .collect(),
        legend_low: Label { x: LEFT - 4.0, y: LEGEND_Y + 8.5, text: "0".to_string(), anchor: "end" },
        legend_high: Label {
            x: legend_end + 2.0,
            y: LEGEND_Y + 8.5,
            text: count_words(most as usize, "miss", "misses"),
            anchor: "start",
        },
    }
}

/// The shade of a cell: any miss at all gets at least the lightest shade, and only the
/// busiest cells get the darkest.
fn shade(count: u32, most: u32) -> u8 {
    if count == 0 || most == 0 {
        return 0;
    }
    let scaled = (u64::from(count) * SHADES).div_ceil(u64::from(most));
    scaled.clamp(1, SHADES) as u8
}

/// "Fri 18:00–19:00".
fn slot_name(day: usize, hour: usize) -> String {
    format!("{} {hour:02}:00–{:02}:00", DAYS[day], hour + 1)
}

/// "42 misses in all; most on Fri 18:00–19:00 (5), and 2 other hours as many".
fn summary(misses: &[[u32; 24]; 7], most: u32, total: u64) -> String {
    if total == 0 {
        return "No misses yet.".to_string();
    }
    let worst: Vec<(usize, usize)> = (0..7)
        .flat_map(|day| (0..24).map(move |hour| (day, hour)))
        .filter(|&(day, hour)| misses[day][hour] == most)
        .collect();
    let (day, hour) = worst[0];
    if total == 1 {
        return format!("1 miss, on {}", slot_name(day, hour));
    }
    let mut text = format!("{total} misses in all; most on {} ({most})", slot_name(day, hour));
    if worst.len() > 1 {
        text.push_str(&format!(", and {} as many", count_words(worst.len() - 1, "other hour", "other hours")));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn friday_evenings() -> [[u32; 24]; 7] {
        let mut misses = [[0; 24]; 7];
        misses[4][18] = 5;
        misses[4][19] = 3;
        misses[0][7] = 1;
        misses[5][18] = 2;
        misses
    }

    #[test]
    fn shades_scale_to_the_busiest_cell() {
        assert_eq!((0..=5).map(|n| shade(n, 5)).collect::<Vec<_>>(), [0, 1, 2, 3, 4, 4]);
        assert_eq!(shade(1, 100), 1, "one miss is never invisible");
        assert_eq!(shade(100, 100), 4);
        assert_eq!(shade(3, 3), 4);
        assert_eq!(shade(0, 0), 0);
        assert_eq!(shade(u32::MAX, u32::MAX), 4, "no overflow");
    }

    #[test]
    fn every_slot_is_a_cell_with_its_own_words() {
        let chart = heatmap("Misses", &friday_evenings());
        assert_eq!(chart.cells.len(), 7 * 24);
        let friday_six = &chart.cells[4 * 24 + 18];
        assert_eq!(friday_six.tip, "Fri 18:00–19:00: 5 misses");
        assert_eq!(friday_six.shade, 4);
        assert_eq!(chart.cells[7].tip, "Mon 07:00–08:00: 1 miss");
        assert_eq!(chart.cells[6 * 24 + 23].tip, "Sun 23:00–24:00: 0 misses");
        assert_eq!((friday_six.x, friday_six.y), (LEFT + 18.0 * PITCH, TOP + 4.0 * PITCH));
        let right_edge = chart.cells.iter().map(|c| c.x + CELL).fold(0.0, f64::max);
        assert!(right_edge <= chart.width);
        assert!(chart.legend.last().unwrap().y + CELL <= chart.height);
    }

    #[test]
    fn labels_fit_a_phone() {
        let chart = heatmap("Misses", &friday_evenings());
        let days: Vec<&str> = chart.days.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(days, DAYS);
        let hours: Vec<&str> = chart.hours.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(hours, ["00", "03", "06", "09", "12", "15", "18", "21"]);
        assert_eq!(chart.width, 320.0);
        assert_eq!(chart.legend.iter().map(|c| c.shade).collect::<Vec<_>>(), [0, 1, 2, 3, 4]);
        assert_eq!(chart.legend_high.text, "5 misses");
    }

    #[test]
    fn the_summary_names_the_worst_hour() {
        assert_eq!(heatmap("Misses", &friday_evenings()).summary, "11 misses in all; most on Fri 18:00–19:00 (5)");
        let mut tied = friday_evenings();
        tied[1][9] = 5;
        tied[2][9] = 5;
        assert_eq!(
            heatmap("Misses", &tied).summary,
            "21 misses in all; most on Tue 09:00–10:00 (5), and 2 other hours as many"
        );
        let mut once = [[0; 24]; 7];
        once[6][0] = 1;
        assert_eq!(heatmap("Misses", &once).summary, "1 miss, on Sun 00:00–01:00");
    }

    #[test]
    fn no_misses_is_said_not_drawn() {
        let chart = heatmap("Misses", &[[0; 24]; 7]);
        assert!(chart.empty);
        assert_eq!(chart.summary, "No misses yet.");
        assert!(chart.cells.iter().all(|c| c.shade == 0));
    }
}
