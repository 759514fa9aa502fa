//! Misses of a step that bunch on one weekday, hour or shift (local time of the first
//! deadline), over the recent horizon.
//!
//! Test: of the step's N due occurrences, M were missed and k of those fell in a slot
//! that holds n of the occurrences. Under "misses do not care about the slot" the M misses
//! are spread over the N occurrences at random, so k is hypergeometric (the exact form of
//! "binomial with the slot's share of due occurrences"). Every slot of every dimension of
//! every step is one test of a single family (Bonferroni).
//!
//! One cluster is reported once:
//! - weekday comes first; hour and shift are then tested again without the flagged
//!   weekdays, so "Fridays" does not come back as "18:00" because Friday runs are due then;
//! - hour and shift are two views of time of day: when a flagged hour holds at least two
//!   thirds of its shift's misses the hour is reported (it is more precise), otherwise
//!   the shift is, and the flagged hours inside it are dropped.

use super::rows::{Row, Rows};
use super::sentence::{WEEKDAY_KEYS, WEEKDAYS_PLURAL, usual_person};
use super::stats::hypergeometric_upper_tail;
use super::{Context, Finding, PatternKind, Point, severity};
use crate::history::{Facts, Shift, default_shifts};

const SLOTS: usize = 7 * 24;

/// Hour of day → shift, from the organization's shifts.
pub struct Shifts {
    pub names: Vec<String>,
    by_hour: [u8; 24],
}

impl Shifts {
    pub fn new(shifts: &[Shift]) -> Shifts {
        let mut shifts: Vec<Shift> = if shifts.is_empty() { default_shifts() } else { shifts.to_vec() };
        shifts.sort_by_key(|shift| shift.starts_at_hour);
        shifts.dedup_by_key(|shift| shift.starts_at_hour);
        let mut by_hour = [0u8; 24];
        for (hour, slot) in by_hour.iter_mut().enumerate() {
            // Hours before the first start belong to the last shift of the previous day.
            let owner = shifts.iter().rposition(|shift| usize::from(shift.starts_at_hour) <= hour);
            *slot = owner.unwrap_or(shifts.len() - 1) as u8;
        }
        Shifts { names: shifts.into_iter().map(|shift| shift.name).collect(), by_hour }
    }

    pub fn of(&self, hour: u8) -> usize {
        usize::from(self.by_hour[usize::from(hour) % 24])
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Slot {
    Weekday(usize),
    Hour(usize),
    Shift(usize),
}

/// Due and missed counts of one step by local weekday × hour.
struct Grid {
    due: [u32; SLOTS],
    missed: [u32; SLOTS],
}

impl Grid {
    /// Per-weekday, per-hour and per-shift totals, leaving out `skip_days`.
    fn margins(&self, shifts: &Shifts, skip_days: &[usize]) -> Margins {
        let mut margins = Margins { day: [(0, 0); 7], hour: [(0, 0); 24], shift: vec![(0, 0); shifts.names.len()] };
        for cell in 0..SLOTS {
            let (day, hour) = (cell / 24, cell % 24);
            if skip_days.contains(&day) || self.due[cell] == 0 {
                continue;
            }
            for total in [&mut margins.day[day], &mut margins.hour[hour], &mut margins.shift[shifts.of(hour as u8)]] {
                total.0 += self.due[cell];
                total.1 += self.missed[cell];
            }
        }
        margins
    }
}

/// (due, missed) by slot.
struct Margins {
    day: [(u32, u32); 7],
    hour: [(u32, u32); 24],
    shift: Vec<(u32, u32)>,
}

impl Margins {
    fn get(&self, slot: Slot) -> (u32, u32) {
        match slot {
            Slot::Weekday(d) => self.day[d],
            Slot::Hour(h) => self.hour[h],
            Slot::Shift(s) => self.shift[s],
        }
    }

    /// The slots of one dimension that were due at all, with (due, missed).
    fn occupied(&self, slots: &[Slot]) -> Vec<(Slot, u32, u32)> {
        slots.iter().map(|&slot| (slot, self.get(slot))).filter(|(_, c)| c.0 > 0).map(|(s, c)| (s, c.0, c.1)).collect()
    }
}

pub fn clusters(cx: &Context, rows: &Rows, facts: &Facts) -> Vec<Finding> {
    let shifts = Shifts::new(&facts.shifts);
    let since = cx.horizon_start();
    let weekdays: Vec<Slot> = (0..7).map(Slot::Weekday).collect();
    let hours: Vec<Slot> = (0..24).map(Slot::Hour).collect();
    let shift_slots: Vec<Slot> = (0..shifts.names.len()).map(Slot::Shift).collect();
    let mut grids = Vec::new();
    let mut tests = 0;
    for (step, range) in &rows.steps {
        let mut grid = Grid { due: [0; SLOTS], missed: [0; SLOTS] };
        for row in rows.due_since(range, since) {
            let cell = usize::from(row.weekday) * 24 + usize::from(row.hour);
            grid.due[cell] += 1;
            grid.missed[cell] += u32::from(row.missed);
        }
        if (grid.missed.iter().sum::<u32>() as usize) < 2 * cx.settings.min_events {
            continue;
        }
        let margins = grid.margins(&shifts, &[]);
        for dimension in [&weekdays, &hours, &shift_slots] {
            let occupied = margins.occupied(dimension).len();
            if occupied >= 2 {
                tests += occupied;
            }
        }
        grids.push((*step, range.clone(), grid));
    }
    let mut findings = Vec::new();
    for (step, range, grid) in &grids {
        let flagged_days = flagged(cx, &grid.margins(&shifts, &[]), &weekdays, tests);
        let skip: Vec<usize> = flagged_days
            .iter()
            .filter_map(|(slot, _)| if let Slot::Weekday(d) = slot { Some(*d) } else { None })
            .collect();
        let margins = grid.margins(&shifts, &skip);
        let mut flagged_hours = flagged(cx, &margins, &hours, tests);
        let mut flagged_shifts = flagged(cx, &margins, &shift_slots, tests);
        flagged_shifts.retain(|&(slot, _)| {
            let Slot::Shift(s) = slot else { return false };
            let shift_misses = margins.get(slot).1;
            let precise_hour = flagged_hours.iter().any(|&(hour, _)| {
                matches!(hour, Slot::Hour(h) if shifts.of(h as u8) == s) && margins.get(hour).1 * 3 >= shift_misses * 2
            });
            if !precise_hour {
                flagged_hours.retain(|&(hour, _)| !matches!(hour, Slot::Hour(h) if shifts.of(h as u8) == s));
            }
            !precise_hour
        });
        let evidence = &rows.rows[range.clone()];
        for (slot, p_value) in flagged_days {
            findings.push(finding(cx, rows, evidence, *step, slot, p_value, &shifts, &[]));
        }
        for (slot, p_value) in flagged_hours.into_iter().chain(flagged_shifts) {
            findings.push(finding(cx, rows, evidence, *step, slot, p_value, &shifts, &skip));
        }
    }
    findings
}

/// Slots of one dimension whose share of misses is significant, with corrected p-values.
fn flagged(cx: &Context, margins: &Margins, slots: &[Slot], tests: usize) -> Vec<(Slot, f64)> {
    let settings = cx.settings;
    let occupied = margins.occupied(slots);
    if occupied.len() < 2 {
        return Vec::new();
    }
    let due_total: u32 = occupied.iter().map(|o| o.1).sum();
    let missed_total: u32 = occupied.iter().map(|o| o.2).sum();
    occupied
        .into_iter()
        .filter_map(|(slot, due, missed)| {
            let rest_rate = f64::from(missed_total - missed) / f64::from(due_total - due).max(1.0);
            let rate = f64::from(missed) / f64::from(due);
            if missed == 0
                || (missed as usize) < settings.min_events
                || rate < settings.min_ratio * rest_rate.max(settings.rate_floor)
            {
                return None;
            }
            let raw = hypergeometric_upper_tail(
                u64::from(missed),
                u64::from(due_total),
                u64::from(missed_total),
                u64::from(due),
            );
            cx.corrected(raw, tests).map(|p_value| (slot, p_value))
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn finding(
    cx: &Context,
    rows: &Rows,
    evidence: &[Row],
    step: u16,
    slot: Slot,
    p_value: f64,
    shifts: &Shifts,
    skip: &[usize],
) -> Finding {
    let since = cx.horizon_start();
    let inside = |row: &&Row| {
        row.due >= since
            && !skip.contains(&usize::from(row.weekday))
            && match slot {
                Slot::Weekday(d) => usize::from(row.weekday) == d,
                Slot::Hour(h) => usize::from(row.hour) == h,
                Slot::Shift(s) => shifts.of(row.hour) == s,
            }
    };
    let occurrences: Vec<&Row> = evidence.iter().filter(inside).collect();
    let missed: Vec<&Row> = occurrences.iter().copied().filter(|row| row.missed).collect();
    let (k, due) = (missed.len(), occurrences.len());
    let weeks = cx.settings.horizon.as_hours() / (24 * 7);
    let subject = cx.names.subject(step);
    let (kind, slot_key, mut sentence) = match slot {
        Slot::Weekday(d) => (
            PatternKind::Weekday,
            WEEKDAY_KEYS[d].to_string(),
            format!("{subject} was missed on {k} of the last {due} {}", WEEKDAYS_PLURAL[d]),
        ),
        Slot::Hour(h) => (
            PatternKind::HourOfDay,
            h.to_string(),
            format!(
                "{subject} was missed {k} of the {due} times it was due around {h:02}:00 in the last {weeks} weeks"
            ),
        ),
        Slot::Shift(s) => (
            PatternKind::Shift,
            shifts.names[s].to_lowercase().replace(' ', "_"),
            format!(
                "{subject} was missed {k} of the {due} times it was due on the {} shift in the last {weeks} weeks",
                shifts.names[s]
            ),
        ),
    };
    if !skip.is_empty() {
        let days: Vec<&str> = skip.iter().map(|&d| WEEKDAYS_PLURAL[d]).collect();
        sentence.push_str(&format!(" (not counting {})", days.join(" and ")));
    }
    let person = usual_person(missed.iter().map(|row| row.assignee));
    let main_shift = if matches!(slot, Slot::Weekday(_)) && shifts.names.len() > 1 {
        (0..shifts.names.len())
            .find(|&s| missed.iter().filter(|row| shifts.of(row.hour) == s).count() * 4 >= k * 3)
            .map(|s| format!("{} shift", shifts.names[s]))
    } else {
        None
    };
    match (person, main_shift) {
        (Some(person), Some(shift)) => {
            sentence.push_str(&format!(" — usually by {} ({shift})", cx.names.person(person)))
        }
        (Some(person), None) => sentence.push_str(&format!(" — usually by {}", cx.names.person(person))),
        (None, Some(shift)) => sentence.push_str(&format!(" — mostly on the {shift}")),
        (None, None) => {}
    }
    sentence.push('.');
    let series_start = occurrences.len().saturating_sub(cx.settings.series_len);
    Finding {
        key: format!("{}:{}:{step}:{slot_key}", kind_key(kind), cx.process),
        kind,
        process: cx.process,
        step: Some(step),
        person: None,
        severity: severity(p_value, k * 2 >= due),
        sentence,
        first_seen: rows.due_at(missed[0]),
        last_seen: rows.due_at(missed[missed.len() - 1]),
        runs: cx.evidence_runs(missed.iter().map(|row| row.run)),
        p_value,
        series: occurrences[series_start..]
            .iter()
            .map(|row| Point { at: rows.scheduled_for(row), value: f64::from(u8::from(row.missed)) })
            .collect(),
        range: None,
    }
}

/// Keys use the short names the brief promised (`hour:`), not `PatternKind::as_str`.
fn kind_key(kind: PatternKind) -> &'static str {
    match kind {
        PatternKind::HourOfDay => "hour",
        other => other.as_str(),
    }
}
