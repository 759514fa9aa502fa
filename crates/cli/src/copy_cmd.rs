//! `proofline copy`: moves an installation from its SQLite file to PostgreSQL. Every row
//! of every table goes over with its id, so links, the audit chain and its heads stay as
//! they were, in one transaction on the target: all of it or nothing. Then it checks the
//! result: rows per table, each organization's chain head, and the whole chain verified
//! again on PostgreSQL.
//!
//! Evidence files are not in the database: the data directory's `blobs/` must be carried
//! over to the new installation by hand (or into its shared blob store).

use crate::backend::{self, redacted};
use crate::user_error;
use proofline_core::audit::ChainHead;
use proofline_engine::verify_chains;
use proofline_store::{CopyTable, Loader, Snapshot, Store, StoreError};
use std::collections::BTreeMap;
use std::time::Instant;

/// Rows per `COPY`: large enough that round trips do not dominate, small enough that one
/// batch in memory stays a few megabytes.
const BATCH: u32 = 5_000;

#[derive(clap::Args)]
pub struct CopyArgs {
    /// The SQLite file to copy: sqlite://PATH. Stop `proofline serve` on it first.
    #[arg(long)]
    pub from: String,
    /// A new, empty PostgreSQL database to copy into: postgres://user@host/db. Its schema
    /// is created first; a database that already holds data is refused untouched.
    #[arg(long)]
    pub to: String,
}

/// One table's rows: as the source's snapshot counts them, as written, as the target
/// counts them after the commit.
struct Tally {
    table: String,
    source: u64,
    written: u64,
    target: u64,
}

pub async fn run(args: CopyArgs) -> anyhow::Result<()> {
    let (source_store, source) = backend::open_copy_source(&args.from).await?;
    let (target_store, target) = backend::open_copy_target(&args.to).await?;
    let plan = target.copy_plan().await?;
    let left_out = check_tables(&plan, &source.copy_tables().await?, source.derived_tables())?;
    let loader = target.begin_load().await.map_err(|e| match e {
        StoreError::Conflict(message) => user_error(format!("{}: {message}", redacted(&args.to))),
        e => e.into(),
    })?;
    eprintln!("copying {} to {}…", args.from, redacted(&args.to));
    let started = Instant::now();
    let mut tallies = load(&plan, source.snapshot().await?, loader).await?;
    let elapsed = started.elapsed().as_secs_f64();
    let rows: u64 = tallies.iter().map(|t| t.written).sum();
    for tally in &mut tallies {
        tally.target = target.count(&tally.table).await?;
    }

    println!("{:<18} {:>12} {:>12}", "table", "SQLite", "PostgreSQL");
    let mut differences = Vec::new();
    for t in &tallies {
        let mark = if t.source == t.target && t.written == t.source { "" } else { "  ← differs" };
        println!("{:<18} {:>12} {:>12}{mark}", t.table, t.source, t.target);
        if !mark.is_empty() {
            differences.push(format!(
                "{}: {} rows in SQLite, {} written, {} in PostgreSQL",
                t.table, t.source, t.written, t.target
            ));
        }
    }
    for table in &left_out {
        println!("{table:<18} {:>12} {:>12}  (SQLite's own, derived from other tables: not copied)", "-", "-");
    }
    println!("{rows} rows in {elapsed:.1} s ({:.0} rows/s)", rows as f64 / elapsed.max(0.001));

    let source_heads = heads(source_store.as_ref()).await?;
    let target_heads = heads(target_store.as_ref()).await?;
    for (org, head) in &source_heads {
        let there = target_heads.get(org);
        if there != Some(head) {
            differences.push(format!(
                "organization {org}: chain head {} in SQLite, {} in PostgreSQL",
                show(Some(head)),
                show(there)
            ));
        }
    }
    for org in target_heads.keys().filter(|org| !source_heads.contains_key(org)) {
        differences.push(format!("organization {org}: a chain head in PostgreSQL only"));
    }
    let reports = verify_chains(target_store.as_ref(), None).await?;
    for report in &reports {
        match &report.broken {
            None => println!(
                "organization {}: chain intact on PostgreSQL, {} events, head {}",
                report.org.0,
                report.verified,
                show(report.head.as_ref())
            ),
            Some(at) => differences.push(format!("organization {}: chain broken on PostgreSQL: {at}", report.org.0)),
        }
    }
    if !differences.is_empty() {
        // The copy is committed by now: counting and verifying read what others would see.
        anyhow::bail!(
            "the copy does not match its source:\n  {}\nthe target keeps this copy: if something wrote to the SQLite \
             file meanwhile, stop it, drop and recreate the target database, and copy again",
            differences.join("\n  ")
        );
    }
    println!("verified: every table's rows and every organization's chain head match, and each chain verifies");
    println!("evidence files are not in the database: copy the data directory's blobs/ to the new installation");
    Ok(())
}

/// Every table of the target must be in the source with the same columns; a table only
/// the source has must be one it derives, or the copy would lose it.
fn check_tables(plan: &[CopyTable], source: &[(String, Vec<String>)], derived: &[&str]) -> anyhow::Result<Vec<String>> {
    let source: BTreeMap<&str, &Vec<String>> = source.iter().map(|(t, c)| (t.as_str(), c)).collect();
    let mut problems = Vec::new();
    for table in plan {
        match source.get(table.name.as_str()) {
            None => problems.push(format!("table {} is missing from the SQLite file", table.name)),
            Some(columns) => {
                let mut theirs: Vec<&String> = columns.iter().collect();
                let mut ours: Vec<&String> = table.columns.iter().collect();
                theirs.sort();
                ours.sort();
                if theirs != ours {
                    problems
                        .push(format!("table {} has columns {theirs:?} in SQLite, {ours:?} in PostgreSQL", table.name));
                }
            }
        }
    }
    let mut left_out = Vec::new();
    for table in source.keys().filter(|t| !plan.iter().any(|p| p.name == **t)) {
        if derived.contains(table) {
            left_out.push(table.to_string());
        } else {
            problems.push(format!("table {table} exists only in the SQLite file and would be lost"));
        }
    }
    if !problems.is_empty() {
        anyhow::bail!("the two schemas differ, so nothing was copied:\n  {}", problems.join("\n  "));
    }
    Ok(left_out)
}

/// Copies every table in the plan's order, a batch per statement, then commits. Reading
/// the next batch overlaps with writing the last.
async fn load(
    plan: &[CopyTable],
    mut snapshot: Box<dyn Snapshot>,
    mut loader: Box<dyn Loader>,
) -> anyhow::Result<Vec<Tally>> {
    let (batches, mut arriving) = tokio::sync::mpsc::channel::<(usize, Vec<Vec<serde_json::Value>>)>(2);
    let tables = plan.to_vec();
    let reader = tokio::spawn(async move {
        let mut counts = Vec::with_capacity(tables.len());
        for (i, table) in tables.iter().enumerate() {
            // A key into its own table is checked at the end of each statement: such a
            // table (people and their managers) goes in one statement, whatever its order.
            let limit = if table.self_referencing { u32::MAX } else { BATCH };
            let mut after = None;
            loop {
                let batch = snapshot.read(&table.name, &table.columns, after, limit).await?;
                let full = batch.rows.len() == limit as usize;
                after = batch.last;
                if batches.send((i, batch.rows)).await.is_err() {
                    // The writer stopped; its error is the one to report.
                    return Ok(counts);
                }
                if !full {
                    break;
                }
            }
            counts.push(snapshot.count(&table.name).await?);
        }
        Ok::<_, StoreError>(counts)
    });
    let mut written = vec![0u64; plan.len()];
    while let Some((i, rows)) = arriving.recv().await {
        loader.write(&plan[i], &rows).await?;
        written[i] += rows.len() as u64;
        if !rows.is_empty() && written[i].is_multiple_of(20 * u64::from(BATCH)) {
            eprintln!("  {}: {} rows…", plan[i].name, written[i]);
        }
    }
    let counts = reader.await??;
    loader.commit().await?;
    Ok(plan
        .iter()
        .zip(counts)
        .zip(written)
        .map(|((table, source), written)| Tally { table: table.name.clone(), source, written, target: 0 })
        .collect())
}

async fn heads(store: &dyn Store) -> anyhow::Result<BTreeMap<i64, ChainHead>> {
    Ok(store.chain_heads().await?.into_iter().filter_map(|(org, head)| head.map(|h| (org.0, h))).collect())
}

fn show(head: Option<&ChainHead>) -> String {
    head.map_or("none".into(), |h| format!("#{} {}", h.seq, &h.hash[..16.min(h.hash.len())]))
}
