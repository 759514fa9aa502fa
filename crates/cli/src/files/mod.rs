//! Process files: `apply` makes an organization match a TOML file, `export` writes one;
//! `export evidence` writes a process's runs with their proof as a zip.

mod apply;
mod evidence;
mod export;
mod format;
mod resolve;

pub use apply::apply;
pub use export::export;

use crate::{ServeArgs, config::Config, serve::engine_for};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct ApplyArgs {
    /// The process file (TOML).
    pub file: PathBuf,
    /// The organization's id, when the database holds several.
    #[arg(long)]
    pub org: Option<i64>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ExportArgs {
    #[command(subcommand)]
    pub what: Option<ExportWhat>,
    /// The organization's id, when the database holds several.
    #[arg(long)]
    pub org: Option<i64>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(clap::Subcommand)]
pub enum ExportWhat {
    /// Write one process's runs in a period, with their proof, as a zip an auditor can check.
    Evidence(evidence::EvidenceArgs),
}

pub async fn run_apply(args: ApplyArgs) -> anyhow::Result<()> {
    let engine = engine_for(&Config::load(&args.serve, "proofline-data")?).await?;
    let summary = apply(&engine, &args.file, args.org).await?;
    println!("{}: {summary}", args.file.display());
    Ok(())
}

pub async fn run_export(args: ExportArgs) -> anyhow::Result<()> {
    if let Some(ExportWhat::Evidence(evidence)) = args.what {
        return evidence::run(evidence).await;
    }
    let engine = engine_for(&Config::load(&args.serve, "proofline-data")?).await?;
    let org = crate::backend::pick_org(engine.store.as_ref(), args.org).await?.id;
    print!("{}", export(&engine, org).await?);
    Ok(())
}
