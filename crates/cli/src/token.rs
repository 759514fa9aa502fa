//! `proofline token create PERSON`: issue an API token from the shell.

use crate::{ServeArgs, backend, config::Config, user_error};
use proofline_engine::{Engine, EngineConfig, LocalBlobs, SystemClock};
use std::sync::Arc;

#[derive(clap::Subcommand)]
pub enum TokenCommand {
    /// Create a token for a person (by email) and print its secret once.
    Create {
        /// The person's email.
        person: String,
        /// The organization's id, when there is more than one.
        #[arg(long)]
        org: Option<i64>,
        /// A label to recognise the token by.
        #[arg(long, default_value = "cli")]
        name: String,
        #[command(flatten)]
        serve: ServeArgs,
    },
}

pub async fn run(command: TokenCommand) -> anyhow::Result<()> {
    let TokenCommand::Create { person, org, name, serve } = command;
    let config = Config::load(&serve, "proofline-data")?;
    let store = backend::open(&config.database_url).await?;
    let orgs = store.list_orgs().await?;
    let org = match (org, orgs.as_slice()) {
        (Some(id), _) => {
            orgs.iter().find(|o| o.id.0 == id).ok_or_else(|| user_error(format!("no organization {id}")))?
        }
        (None, [only]) => only,
        (None, []) => return Err(user_error("there is no organization yet: run `proofline demo` or create one first")),
        (None, _) => return Err(user_error("there are several organizations: say which with --org ID")),
    };
    let who = store
        .find_person_by_email(org.id, &person)
        .await?
        .ok_or_else(|| user_error(format!("no person with email {person:?} in {}", org.name)))?;
    let engine = Engine::new(
        store,
        Arc::new(SystemClock),
        Arc::new(LocalBlobs::new(config.data_dir.join("blobs"))),
        EngineConfig::default(),
    );
    let secret = engine.issue_token(org.id, who.id, &name).await?;
    println!("{secret}");
    eprintln!("token for {} <{}> in {}; it is shown only this once", who.name, who.email, org.name);
    Ok(())
}
