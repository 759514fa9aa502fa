//! `proofline serve`: the API and the engine loop in one process until Ctrl-C.

use crate::config::Config;
use crate::{ServeArgs, backend, user_error};
use jiff::SignedDuration;
use proofline_engine::{Antivirus, Engine, EngineConfig, SystemClock, photo};
use proofline_notify::{EmailSetup, HttpConfig, Outbound, Templates};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

pub fn init_logs() {
    let filter =
        tracing_subscriber::EnvFilter::try_from_env("PROOFLINE_LOG").unwrap_or_else(|_| "info,sqlx=warn".into());
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}

/// The engine on the configured store, without notification channels (commands that
/// only read or write records need none).
pub async fn engine_for(config: &Config) -> anyhow::Result<Engine> {
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| user_error(format!("cannot create {}: {e}", config.data_dir.display())))?;
    let store = backend::open_with(&config.database_url, &config.database).await?;
    let blobs = crate::blobs::open(config).await?;
    let uploads = &config.uploads;
    let antivirus = match &uploads.antivirus {
        Some(command) => Some(Arc::new(
            Antivirus::from_command_line(command, Duration::from_secs(uploads.antivirus_timeout_secs.max(1)))
                .map_err(|e| user_error(format!("[uploads] antivirus: {e}")))?,
        )),
        None => None,
    };
    let photo_limits =
        photo::Limits { max_pixels: uploads.max_photo_megapixels * 1_000_000, ..photo::Limits::default() };
    let mut engine_config = EngineConfig {
        public_url: config.public_url.clone().unwrap_or_else(|| format!("http://{}", config.listen)),
        max_photo_bytes: uploads.max_photo_mb * 1024 * 1024,
        max_upload_bytes: uploads.max_file_mb * 1024 * 1024,
        photo_limits,
        keep_photo_location: uploads.keep_photo_location,
        antivirus,
        ..EngineConfig::default()
    };
    if let Some(secs) = config.delivery_lease_secs {
        engine_config.delivery_lease = SignedDuration::from_secs(secs as i64);
    }
    Ok(Engine::new(store, Arc::new(SystemClock), blobs, engine_config))
}

/// Adds the notification channels the configuration asks for. Without `[smtp]`, email is
/// `fallback`: the demo writes it to the log, `serve` sends none.
pub fn with_channels(engine: Engine, config: &Config, fallback: EmailSetup) -> anyhow::Result<Engine> {
    let templates = match &config.templates_dir {
        Some(dir) => Templates::from_dir(dir),
        None => Templates::embedded(),
    }
    .map_err(|e| user_error(e.to_string()))?;
    let email = match &config.smtp {
        Some(smtp) => EmailSetup::Smtp(smtp.clone()),
        None => fallback,
    };
    let mut engine = engine;
    engine.config.email = !matches!(email, EmailSetup::Off);
    let outbound = Outbound::new(templates, email, &HttpConfig::default()).map_err(|e| user_error(e.to_string()))?;
    match outbound.email_mode() {
        "off" => tracing::warn!("no [smtp] configured: people get in-app notices, but no email"),
        mode => tracing::info!(email = mode, public_url = %engine.config.public_url, "notifications"),
    }
    Ok(engine.with_notifier(Arc::new(outbound)))
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
    let mut engine = with_channels(engine_for(&config).await?, &config, EmailSetup::Off)?;
    let listener = bind(&config.listen).await?;
    if config.public_url.is_none() {
        engine.config.public_url = format!("http://{}", listener.local_addr()?);
    }
    tracing::info!(address = %listener.local_addr()?, backend = engine.store.backend(), "listening");
    run_until_stopped(engine, listener).await
}
