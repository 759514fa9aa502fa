//! Process files: `apply` makes an organization match a TOML file, `export` writes one.

mod apply;
mod export;
mod format;
mod resolve;

pub use apply::apply;
pub use export::export;

use crate::{ServeArgs, config::Config, serve::engine_for, user_error};
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
pub struct ExportArgs {
    /// The organization's id, when the database holds several.
    #[arg(long)]
    pub org: Option<i64>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

pub async fn run_apply(args: ApplyArgs) -> anyhow::Result<()> {
    let engine = engine_for(&Config::load(&args.serve, "proofline-data")?).await?;
    let summary = apply(&engine, &args.file, args.org).await?;
    println!("{}: {summary}", args.file.display());
    Ok(())
}

pub async fn run_export(args: ExportArgs) -> anyhow::Result<()> {
    let engine = engine_for(&Config::load(&args.serve, "proofline-data")?).await?;
    let orgs = engine.store.list_orgs().await?;
    let org = match (args.org, orgs.as_slice()) {
        (Some(id), _) => {
            orgs.iter().find(|o| o.id.0 == id).ok_or_else(|| user_error(format!("no organization {id}")))?.id
        }
        (None, [only]) => only.id,
        (None, []) => return Err(user_error("there is no organization to export")),
        (None, _) => return Err(user_error("there are several organizations: say which with --org ID")),
    };
    print!("{}", export(&engine, org).await?);
    Ok(())
}
