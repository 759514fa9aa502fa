//! `proofline demo`: a café with people, roles, systems, processes and three months of
//! history, on an embedded SQLite file, served at once.

mod history;
mod seed;

use crate::ServeArgs;
use crate::config::Config;
use crate::serve::{bind, engine_for, init_logs, run_until_stopped, with_channels};
use proofline_notify::EmailSetup;

pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    init_logs();
    let config = Config::load(&args, "proofline-demo")?;
    let engine = engine_for(&config).await?;
    let org = match engine.store.list_orgs().await?.first() {
        Some(org) => org.id,
        None => {
            eprintln!("seeding the demo organization and replaying three months of history…");
            let seeded = seed::seed(&engine).await?;
            history::replay(&engine, &seeded).await?;
            seeded.org
        }
    };
    let mut engine = with_channels(engine, &config, EmailSetup::Log)?;
    let listener = bind(&config.listen).await?;
    let address = listener.local_addr()?;
    if config.public_url.is_none() {
        engine.config.public_url = format!("http://{address}");
    }
    println!("Proofline demo running at http://{address}");
    println!("  API: http://{address}/api/v1   OpenAPI: http://{address}/api/openapi.json");
    println!("  data: {}", config.data_dir.display());
    println!("  API tokens (Authorization: Bearer …), new for this start:");
    for person in engine.store.list_people(org).await? {
        let secret = engine.issue_token(org, person.id, "demo").await?;
        println!("    {:<8} {:<24} {:<8} {secret}", person.name, person.email, person.access.as_str());
    }
    println!("  try: curl -H 'Authorization: Bearer <token>' http://{address}/api/v1/me/tasks");
    run_until_stopped(engine, listener).await
}
