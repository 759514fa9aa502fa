//! `proofline migrate`: brings a database's schema up to date and says which migrations
//! that applied. `serve` migrates on start as well; this lets an operator do it first,
//! on purpose, and see the result.

use crate::backend::{self, redacted};
use crate::config::Config;
use crate::{ServeArgs, user_error};

#[derive(clap::Args)]
pub struct MigrateArgs {
    /// The database to migrate: sqlite://FILE or postgres://user@host/db. Defaults to the
    /// one `serve` would use (DATABASE_URL, PROOFLINE_DATABASE_URL, the config file, or
    /// the SQLite file in the data directory).
    #[arg(long)]
    pub database_url: Option<String>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

pub async fn run(args: MigrateArgs) -> anyhow::Result<()> {
    let url = match args.database_url {
        Some(url) => url,
        None => Config::load(&args.serve, "proofline-data")?.database_url,
    };
    let shown = redacted(&url);
    let before = backend::schema_status(&url).await?;
    if let Some(newest) = before.unknown().into_iter().max() {
        return Err(user_error(format!(
            "{shown} has migration {newest}, which this Proofline does not know: it was migrated by a newer \
             version, so run that one"
        )));
    }
    // Opening the store is what migrates: `serve` and every other command do the same.
    backend::open(&url).await?;
    let after = backend::schema_status(&url).await?;
    let applied: Vec<_> = after
        .known
        .iter()
        .filter(|m| after.applied.contains(&m.version) && !before.applied.contains(&m.version))
        .collect();
    let current = after.current().map_or("none".to_string(), |v| format!("{v:04}"));
    if applied.is_empty() {
        println!("{shown}: already up to date (version {current}), nothing to apply");
    } else {
        for migration in &applied {
            println!("applied {:04} {}", migration.version, migration.description);
        }
        println!("{shown}: {} migrations applied, now at version {current}", applied.len());
    }
    if !after.pending().is_empty() {
        anyhow::bail!("{} migrations are still not applied", after.pending().len());
    }
    Ok(())
}
