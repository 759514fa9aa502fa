//! `proofline demo`: a café with people, roles, systems, processes and three months of
//! history, on an embedded SQLite file, served at once.

mod history;
mod seed;

use crate::ServeArgs;
use crate::config::Config;
use crate::serve::{bind, engine_for, init_logs, run_until_stopped, with_channels};
use proofline_notify::EmailSetup;

/// Every demo person's password; printed at start, never for real use.
const DEMO_PASSWORD: &str = "proofline-demo";
/// The name of the API tokens the demo prints.
const DEMO_TOKEN: &str = "demo";

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
            let hash = engine.hash_password(DEMO_PASSWORD).await?;
            for person in engine.store.list_people(seeded.org).await? {
                engine.store.set_password(seeded.org, person.id, &hash).await?;
            }
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
    println!("  sign in with any of these emails and the password {DEMO_PASSWORD:?}:");
    println!("  API tokens (Authorization: Bearer …) are new for this start; the last start's are revoked:");
    for person in engine.store.list_people(org).await? {
        for old in engine.store.list_tokens(org, person.id).await?.into_iter().filter(|t| t.name == DEMO_TOKEN) {
            engine.store.revoke_token(org, person.id, old.id).await?;
        }
        let secret = engine.issue_token(org, person.id, DEMO_TOKEN).await?;
        println!("    {:<8} {:<24} {:<8} {secret}", person.name, person.email, person.access.as_str());
    }
    println!("  try: curl -H 'Authorization: Bearer <token>' http://{address}/api/v1/me/tasks");
    run_until_stopped(engine, listener).await
}
