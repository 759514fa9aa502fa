//! `proofline audit verify`: recomputes every organization's event hash chain and names
//! the first broken link.

use crate::ServeArgs;
use crate::config::Config;
use proofline_core::OrgId;
use proofline_engine::verify_chains;

#[derive(clap::Subcommand)]
pub enum AuditCommand {
    /// Recompute the event log's hash chains and check each recorded submission's evidence.
    /// Exits 1 when a chain is broken, naming where.
    Verify(VerifyArgs),
}

#[derive(clap::Args)]
pub struct VerifyArgs {
    /// Only this organization's chain.
    #[arg(long)]
    pub org: Option<i64>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

pub async fn run(command: AuditCommand) -> anyhow::Result<()> {
    let AuditCommand::Verify(args) = command;
    let config = Config::load(&args.serve, "proofline-data")?;
    let store = crate::backend::open(&config.database_url).await?;
    let reports = verify_chains(store.as_ref(), args.org.map(OrgId)).await?;
    let mut broken = 0;
    for report in &reports {
        let org = report.org.0;
        match &report.broken {
            None => {
                let head = report.head.as_ref().map(|h| format!(", head {}", &h.hash[..16.min(h.hash.len())]));
                println!(
                    "organization {org}: intact — {} events in order, {} submissions' evidence matches{}",
                    report.verified,
                    report.evidence_checked,
                    head.unwrap_or_default()
                );
            }
            Some(at) => {
                broken += 1;
                println!("organization {org}: BROKEN — {at}");
                println!("  the {} events before it verify", report.verified);
            }
        }
    }
    if reports.is_empty() {
        println!("no events yet: nothing to verify");
    }
    if broken > 0 {
        anyhow::bail!("{broken} of {} chains are broken", reports.len());
    }
    Ok(())
}
