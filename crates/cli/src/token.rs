//! `proofline token create PERSON`: issue an API token from the shell.

use crate::serve::engine_for;
use crate::{ServeArgs, backend, config::Config, user_error};

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
    let engine = engine_for(&Config::load(&serve, "proofline-data")?).await?;
    let org = backend::pick_org(engine.store.as_ref(), org).await?;
    let who = engine
        .store
        .find_person_by_email(org.id, &person)
        .await?
        .ok_or_else(|| user_error(format!("no person with email {person:?} in {}", org.name)))?;
    let secret = engine.issue_token(org.id, who.id, &name).await?;
    println!("{secret}");
    eprintln!("token for {} <{}> in {}; it is shown only this once", who.name, who.email, org.name);
    Ok(())
}
