//! `proofline serve`: the API and the engine loop in one process until Ctrl-C.

use crate::config::Config;
use crate::{ServeArgs, backend, user_error};
use proofline_engine::{Engine, EngineConfig, LocalBlobs, SystemClock};
use std::sync::Arc;
use tokio::net::TcpListener;

pub fn init_logs() {
    let filter =
        tracing_subscriber::EnvFilter::try_from_env("PROOFLINE_LOG").unwrap_or_else(|_| "info,sqlx=warn".into());
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}

pub async fn engine_for(config: &Config) -> anyhow::Result<Engine> {
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| user_error(format!("cannot create {}: {e}", config.data_dir.display())))?;
    let store = backend::open(&config.database_url).await?;
    let blobs = Arc::new(LocalBlobs::new(config.data_dir.join("blobs")));
    Ok(Engine::new(store, Arc::new(SystemClock), blobs, EngineConfig::default()))
}

pub async fn bind(listen: &str) -> anyhow::Result<TcpListener> {
    TcpListener::bind(listen).await.map_err(|e| user_error(format!("cannot listen on {listen}: {e}")))
}

/// Runs the engine loop and the server until Ctrl-C, then stops both cleanly.
pub async fn run_until_stopped(engine: Engine, listener: TcpListener) -> anyhow::Result<()> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let loop_engine = engine.clone();
    let engine_task = tokio::spawn(async move { loop_engine.run(stopped).await });
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("stopping");
    };
    proofline_server::serve(listener, engine, shutdown).await?;
    let _ = stop.send(true);
    let _ = engine_task.await;
    Ok(())
}

pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    init_logs();
    let config = Config::load(&args, "proofline-data")?;
    tracing::info!(?config, "starting");
    let engine = engine_for(&config).await?;
    let listener = bind(&config.listen).await?;
    tracing::info!(address = %listener.local_addr()?, backend = engine.store.backend(), "listening");
    run_until_stopped(engine, listener).await
}
