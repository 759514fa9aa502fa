//! Steps read from tables: the rows of a table with a step column, each titled with what
//! to do; tables of facts about the SOP and RACI tables hold none.

use super::DraftStep;
use super::raci_letters;
use super::steps::step;
use crate::scan::document::{Block, BlockKind};
use crate::scan::proof_hint::suggest_proofs;
use crate::scan::sections::Sections;
use crate::scan::verbs::opens_with_verb;

/// Names of fields a table of facts about the SOP holds ("Owner | Shift lead").
const FIELDS: [&str; 28] = [
    "accountable",
    "applies to",
    "approved by",
    "author",
    "cadence",
    "date",
    "department",
    "document",
    "duration",
    "effective date",
    "frequency",
    "how often",
    "id",
    "last reviewed",
    "location",
    "owner",
    "performed by",
    "prepared by",
    "process owner",
    "purpose",
    "responsible",
    "review date",
    "revision",
    "role",
    "schedule",
    "scope",
    "status",
    "version",
];

/// Rows of tables with a step column (or, lacking one, their first column) in sections
/// that hold work. Tables of facts ("Owner | Shift lead") and RACI tables say who and
/// when, not what to do.
pub(super) fn table_steps(blocks: &[Block], sections: &Sections) -> Vec<DraftStep> {
    let mut steps = Vec::new();
    let mut start = 0;
    while start < blocks.len() {
        if !matches!(blocks[start].kind, BlockKind::Row { .. }) {
            start += 1;
            continue;
        }
        // A table: a run of rows, a header row starting a new one.
        let end = (start + 1..blocks.len())
            .find(|&i| !matches!(blocks[i].kind, BlockKind::Row { header: false }))
            .unwrap_or(blocks.len());
        let table = &blocks[start..end];
        if !is_fact_table(table) && !is_raci_table(table) {
            let header = table.first().filter(|r| r.kind == (BlockKind::Row { header: true }));
            let named = header.and_then(|h| h.cells.iter().position(|c| is_step_column(c))).unwrap_or(0);
            // A "Step" column of bare numbers counts the steps; the words are further on.
            let numbers = |c: usize| {
                table.iter().filter(|r| Some(*r) != header).all(|r| r.cells.get(c).is_none_or(|t| is_number(t)))
            };
            let width = table.iter().map(|r| r.cells.len()).max().unwrap_or(0);
            let column = (named..width).find(|&c| !numbers(c)).unwrap_or(named);
            for (i, row) in (start..end).zip(table) {
                if row.kind != (BlockKind::Row { header: false }) || !sections.in_step_section(i) {
                    continue;
                }
                if let Some(text) = row.cells.get(column).filter(|t| !t.trim().is_empty()) {
                    let title = row_title(text, &row.cells, column);
                    let mut made = step(&title, row.line, sections.name(blocks, i));
                    made.proofs = suggest_proofs(&row.cells.join(". "));
                    steps.push(made);
                }
            }
        }
        start = end;
    }
    steps
}

/// Two columns, most first cells naming a field: "Owner | Shift lead", "Frequency | Daily".
fn is_fact_table(rows: &[Block]) -> bool {
    let field = |row: &&Block| {
        let name = row.cells.first().map(|c| c.trim().trim_end_matches(':').to_lowercase()).unwrap_or_default();
        FIELDS.contains(&name.as_str())
    };
    rows.iter().all(|r| r.cells.len() == 2) && rows.iter().filter(field).count() * 2 >= rows.len()
}

/// Columns headed Responsible, Accountable, Consulted, Informed, or cells of R, A, C, I.
fn is_raci_table(rows: &[Block]) -> bool {
    let raci = |c: &String| {
        let c = c.trim().to_lowercase();
        matches!(c.as_str(), "r" | "a" | "c" | "i" | "responsible" | "accountable" | "consulted" | "informed")
    };
    let header = rows.first().filter(|r| r.kind == (BlockKind::Row { header: true }));
    let named = header.is_some_and(|h| h.cells.iter().filter(|c| raci(c)).count() >= 2);
    let cells: Vec<&String> = rows.iter().filter(|r| Some(*r) != header).flat_map(|r| r.cells.iter().skip(1)).collect();
    let marked = cells.iter().filter(|c| raci_letters(c).is_some()).count();
    named || (marked > 0 && marked * 2 >= cells.iter().filter(|c| !c.trim().is_empty()).count())
}

/// A row naming a thing ("Rods") with what to do in another cell ("Wipe with a clean
/// paper towel. …") is titled with both: "Rods: Wipe with a clean paper towel."
fn row_title(name: &str, cells: &[String], column: usize) -> String {
    if opens_with_verb(name) {
        return name.to_string();
    }
    let doing = cells.iter().enumerate().find(|(i, c)| *i != column && opens_with_verb(c)).map(|(_, c)| c);
    match doing {
        Some(doing) => {
            let first = doing.split_inclusive(". ").next().unwrap_or(doing).trim();
            format!("{name}: {first}")
        }
        None => name.to_string(),
    }
}

/// "3", "3." or "Step 3": a step's number without its words.
pub(super) fn is_number(cell: &str) -> bool {
    let cell = cell.trim().trim_end_matches(['.', ')', ':']);
    let digits = cell.strip_prefix("Step ").or_else(|| cell.strip_prefix("step ")).unwrap_or(cell);
    digits.chars().all(|c| c.is_ascii_digit())
}

fn is_step_column(cell: &str) -> bool {
    let lower = cell.trim().to_lowercase();
    ["step", "task", "action", "activity", "what", "procedure"].iter().any(|w| lower.starts_with(w))
}
