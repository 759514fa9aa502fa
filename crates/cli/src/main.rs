//! The `proofline` binary: configuration, wiring of a backend, and the subcommands.

mod audit_cmd;
mod backend;
mod bench;
mod blobs;
mod cadence_cmd;
mod config;
mod copy_cmd;
mod demo;
mod files;
mod migrate_cmd;
mod scan_cmd;
mod serve;
mod token;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Page views and history reads allocate many small, short-lived values from several
/// threads at once, which mimalloc serves without glibc's locking and consolidation.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "proofline",
    version,
    about = "Runs SOPs on their cadence; a step is done only with proof; missed work moves on."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone, Debug, Default)]
pub struct ServeArgs {
    /// Address to listen on, e.g. 127.0.0.1:8080.
    #[arg(long)]
    pub listen: Option<String>,
    /// Directory for the database file and evidence.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// A TOML configuration file.
    #[arg(long)]
    pub config: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Run everything on an embedded SQLite file with a seeded demo organization.
    Demo(ServeArgs),
    /// Run the API and the engine (configuration from --config and PROOFLINE_* variables).
    Serve(ServeArgs),
    /// Print the next occurrences of a cadence: iCalendar text, or cron with --tz.
    Cadence(cadence_cmd::CadenceArgs),
    /// Read SOP files into draft processes and say what each lacks.
    Scan(scan_cmd::ScanArgs),
    /// Check the tamper-evident event log.
    #[command(subcommand)]
    Audit(audit_cmd::AuditCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Make the organization match a process file (TOML): people, roles, systems, processes.
    Apply(files::ApplyArgs),
    /// Write the organization out as a process file, or (`export evidence`) a process's
    /// runs with their proof as a zip.
    Export(files::ExportArgs),
    /// Bring a database's schema up to date and say which migrations that applied.
    Migrate(migrate_cmd::MigrateArgs),
    /// Copy every record of a SQLite installation into a new PostgreSQL database, ids
    /// kept, and verify the copy (evidence files in blobs/ are carried over by hand).
    Copy(copy_cmd::CopyArgs),
    /// Measure the engine against its budgets on a temporary SQLite file (JSON lines).
    Bench(bench::BenchArgs),
    /// Print the built-in commented example configuration.
    DefaultConfig,
}

/// A failure the user can fix: printed without a backtrace, exit code 2.
#[derive(Debug)]
pub struct UserError(pub String);

impl std::fmt::Display for UserError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UserError {}

pub fn user_error(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UserError(message.into()))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Demo(args) => demo::run(args).await,
            Command::Serve(args) => serve::run(args).await,
            Command::Cadence(args) => cadence_cmd::run(args),
            Command::Scan(args) => scan_cmd::run(args).await,
            Command::Token(command) => token::run(command).await,
            Command::Audit(command) => audit_cmd::run(command).await,
            Command::Apply(args) => files::run_apply(args).await,
            Command::Export(args) => files::run_export(args).await,
            Command::Migrate(args) => migrate_cmd::run(args).await,
            Command::Copy(args) => copy_cmd::run(args).await,
            Command::Bench(args) => bench::run(args).await,
            Command::DefaultConfig => {
                print!("{}", config::EXAMPLE);
                Ok(())
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.downcast_ref::<UserError>().is_some() => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
