//! Systems: processes grouped toward a goal, nested systems, the software each uses, and
//! a map (SVG drawn on the server) of how processes feed systems and systems feed their
//! parents.

use super::page::{Chrome, OkQuery, PageError, render};
use super::session::Viewer;
use super::story::Names;
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::Html;
use proofline_core::SystemId;
use proofline_store::{ProcessRecord, System};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Serialize)]
struct SystemView {
    id: i64,
    name: String,
    goal: String,
    owner: String,
    software: Vec<String>,
    parent: Option<String>,
    depth: usize,
    processes: Vec<(i64, String, &'static str)>,
}

/// A box on the map.
#[derive(Debug, Serialize, PartialEq)]
pub struct MapBox {
    pub x: i32,
    pub y: i32,
    /// The name, shortened to fit the box.
    pub label: String,
    pub name: String,
    pub href: String,
    pub system: bool,
}

/// A line from the right edge of one box to the left edge of another.
#[derive(Debug, Serialize, PartialEq)]
pub struct MapLine {
    pub x1: i32,
    pub y1: i32,
    pub x2: i32,
    pub y2: i32,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Map {
    pub width: i32,
    pub height: i32,
    pub boxes: Vec<MapBox>,
    pub lines: Vec<MapLine>,
}

pub const BOX_W: i32 = 200;
pub const BOX_H: i32 = 32;
const COLUMN: i32 = BOX_W + 70;
const ROW: i32 = BOX_H + 14;

#[derive(Serialize)]
struct SystemsPage {
    chrome: Chrome,
    systems: Vec<SystemView>,
    unassigned: Vec<(i64, String)>,
    map: Map,
    box_w: i32,
    box_h: i32,
}

fn depth_of(system: &System, by_id: &HashMap<SystemId, &System>) -> usize {
    let mut depth = 0;
    let mut parent = system.parent;
    // Bounded, so a cycle written straight into the database cannot hang the page.
    while let Some(id) = parent.filter(|_| depth < 32) {
        depth += 1;
        parent = by_id.get(&id).and_then(|s| s.parent);
    }
    depth
}

/// Processes in the first column, then systems from the most nested to the top level,
/// so every line runs left to right toward the goal it serves.
pub fn layout(systems: &[System], processes: &[ProcessRecord]) -> Map {
    let by_id: HashMap<SystemId, &System> = systems.iter().map(|s| (s.id, s)).collect();
    let depths: HashMap<SystemId, usize> = systems.iter().map(|s| (s.id, depth_of(s, &by_id))).collect();
    let deepest = depths.values().copied().max().unwrap_or(0) as i32;
    let mut boxes = Vec::new();
    let mut positions: HashMap<SystemId, (i32, i32)> = HashMap::new();
    let mut rows_used: HashMap<i32, i32> = HashMap::new();
    let mut place = |column: i32| {
        let row = rows_used.entry(column).or_insert(0);
        let at = (10 + column * COLUMN, 10 + *row * ROW);
        *row += 1;
        at
    };
    let mut process_positions = Vec::new();
    for p in processes.iter().filter(|p| p.definition.system.is_some()) {
        let (x, y) = place(0);
        let (label, name) = (fit(&p.definition.name), p.definition.name.clone());
        boxes.push(MapBox { x, y, label, name, href: format!("/processes/{}", p.id), system: false });
        process_positions.push(((x, y), p.definition.system));
    }
    let mut ordered: Vec<&System> = systems.iter().collect();
    ordered.sort_by_key(|s| (std::cmp::Reverse(depths[&s.id]), s.name.to_lowercase()));
    for s in ordered {
        let column = 1 + deepest - depths[&s.id] as i32;
        let (x, y) = place(column);
        positions.insert(s.id, (x, y));
        let (label, name) = (fit(&s.name), s.name.clone());
        boxes.push(MapBox { x, y, label, name, href: format!("#system-{}", s.id), system: true });
    }
    let edge = |from: (i32, i32), to: (i32, i32)| MapLine {
        x1: from.0 + BOX_W,
        y1: from.1 + BOX_H / 2,
        x2: to.0,
        y2: to.1 + BOX_H / 2,
    };
    let mut lines: Vec<MapLine> = process_positions
        .iter()
        .filter_map(|(from, system)| system.and_then(|s| positions.get(&s)).map(|to| edge(*from, *to)))
        .collect();
    for s in systems {
        if let (Some(from), Some(to)) = (positions.get(&s.id), s.parent.and_then(|p| positions.get(&p))) {
            lines.push(edge(*from, *to));
        }
    }
    let width = boxes.iter().map(|b| b.x + BOX_W + 10).max().unwrap_or(0);
    let height = boxes.iter().map(|b| b.y + BOX_H + 10).max().unwrap_or(0);
    Map { width, height, boxes, lines }
}

/// A name shortened to what fits in a box at the map's font size.
fn fit(name: &str) -> String {
    const MAX: usize = 26;
    if name.chars().count() <= MAX {
        name.to_string()
    } else {
        format!("{}…", name.chars().take(MAX - 1).collect::<String>().trim_end())
    }
}

pub async fn systems(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<OkQuery>,
) -> Result<Html<String>, PageError> {
    let store = &state.engine.store;
    let org = viewer.actor.org;
    let systems = store.list_systems(org).await?;
    let processes = store.list_processes(org).await?;
    let names = Names::new(store.list_people(org).await?.into_iter().map(|p| (p.id, p.name)));
    let by_id: HashMap<SystemId, &System> = systems.iter().map(|s| (s.id, s)).collect();
    let map = layout(&systems, &processes);
    let mut views: Vec<SystemView> = systems
        .iter()
        .map(|s| SystemView {
            id: s.id.0,
            name: s.name.clone(),
            goal: s.goal.clone(),
            owner: names.of(s.owner),
            software: s.software.clone(),
            parent: s.parent.and_then(|p| by_id.get(&p)).map(|p| p.name.clone()),
            depth: depth_of(s, &by_id),
            processes: processes
                .iter()
                .filter(|p| p.definition.system == Some(s.id))
                .map(|p| (p.id.0, p.definition.name.clone(), p.status.as_str()))
                .collect(),
        })
        .collect();
    views.sort_by_key(|v| (v.depth, v.name.to_lowercase()));
    let unassigned = processes
        .iter()
        .filter(|p| p.definition.system.is_none())
        .map(|p| (p.id.0, p.definition.name.clone()))
        .collect();
    let page = SystemsPage {
        chrome: Chrome::new(&viewer, "systems").with_notice(query.ok.as_deref()),
        systems: views,
        unassigned,
        map,
        box_w: BOX_W,
        box_h: BOX_H,
    };
    render("systems.html", page)
}
