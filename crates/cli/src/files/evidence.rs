//! `proofline export evidence`: one process's runs in a period, with their proof, as a zip
//! an auditor checks with `sha256sum -c SHA256SUMS`.

use crate::config::Config;
use crate::serve::engine_for;
use crate::{ServeArgs, user_error};
use jiff::tz::TimeZone;
use proofline_core::ProcessId;
use proofline_core::access::Access;
use proofline_engine::{Actor, EngineError, ExportOptions, ExportPeriod};
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct EvidenceArgs {
    /// The process, by key or id.
    #[arg(long, value_name = "KEY_OR_ID")]
    pub process: String,
    /// The first day (YYYY-MM-DD, in the organization's zone) or instant (RFC 3339).
    #[arg(long, value_name = "DATE")]
    pub from: String,
    /// The last day, included (YYYY-MM-DD), or the instant the period ends before (RFC 3339).
    #[arg(long, value_name = "DATE")]
    pub to: String,
    /// The organization's id, when the database holds several.
    #[arg(long)]
    pub org: Option<i64>,
    /// Add a PDF of each run's report.
    #[arg(long)]
    pub pdf: bool,
    /// Where to write the zip [default: evidence-<process>-<from>-<to>.zip].
    #[arg(long, value_name = "FILE.zip")]
    pub out: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub serve: ServeArgs,
}

pub async fn run(args: EvidenceArgs) -> anyhow::Result<()> {
    let engine = engine_for(&Config::load(&args.serve, "proofline-data")?).await?;
    let store = engine.store.as_ref();
    let org = crate::backend::pick_org(store, args.org).await?;
    let zone = TimeZone::get(&org.zone).unwrap_or(TimeZone::UTC);
    let period = ExportPeriod::parse(&args.from, &args.to, &zone).map_err(|e| user_error(e.to_string()))?;
    let process = match args.process.parse::<i64>() {
        Ok(id) => store.get_process(org.id, ProcessId(id)).await.ok(),
        Err(_) => store.find_process_by_key(org.id, &args.process).await?,
    }
    .ok_or_else(|| user_error(format!("no process {:?} in {}", args.process, org.name)))?;
    // The command line runs with the database's full rights; the export names the
    // organization's owner as the one it was made for, and says it came from here.
    let owner = store
        .list_people(org.id)
        .await?
        .into_iter()
        .find(|p| p.access == Access::Owner && p.active)
        .ok_or_else(|| user_error(format!("{} has no active owner to export as", org.name)))?;
    let actor = Actor { org: org.id, person: owner.id, access: Access::Owner };
    let out = args.out.unwrap_or_else(|| period.file_name(&process.key).into());
    if out.exists() && !args.force {
        return Err(user_error(format!("{} exists; pass --force to replace it", out.display())));
    }
    let options = ExportOptions { pdf: args.pdf, via: "command line" };
    let export = match engine.export_evidence(actor, process.id, period.from, period.to, options).await {
        Ok(export) => export,
        Err(e @ (EngineError::Invalid(_) | EngineError::NotFound)) => return Err(user_error(e.to_string())),
        Err(e) => return Err(e.into()),
    };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .create_new(!args.force)
        .open(&out)
        .map_err(|e| user_error(format!("cannot write {}: {e}", out.display())))?;
    file.write_all(&export.zip)?;
    file.sync_all()?;
    let missing = match export.missing {
        0 => String::new(),
        n => format!(", {n} missing from storage (listed in the manifest)"),
    };
    println!(
        "{}: {} run{} of {}, {} evidence file{}{missing}",
        out.display(),
        export.runs,
        if export.runs == 1 { "" } else { "s" },
        process.key,
        export.files,
        if export.files == 1 { "" } else { "s" },
    );
    Ok(())
}
