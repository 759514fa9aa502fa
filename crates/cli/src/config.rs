//! Layered configuration: defaults, then a TOML file, then `PROOFLINE_*` variables and
//! `DATABASE_URL`, then command-line flags. Unknown keys are errors, not silence.

use crate::{ServeArgs, user_error};
use proofline_notify::SmtpConfig;
use serde::Deserialize;
use std::path::PathBuf;

pub const EXAMPLE: &str = r#"# Proofline configuration. Every key may also be set by an environment variable:
# PROOFLINE_LISTEN, PROOFLINE_DATA_DIR, DATABASE_URL (or PROOFLINE_DATABASE_URL).

# Where the API listens.
listen = "127.0.0.1:8080"

# Evidence files (and the SQLite database, unless database_url says otherwise).
data_dir = "proofline-data"

# sqlite://path/to/file.db (the default, inside data_dir) or postgres://user@host/db
# database_url = "postgres://postgres@127.0.0.1:5432/proofline"

# The address people open Proofline at; every link in an email or chat message starts
# with it (PROOFLINE_PUBLIC_URL). Defaults to http://<listen>.
# public_url = "https://proofline.example.com"

# A folder of message templates overriding the built-in ones, file by file
# (task_moved.jinja, digest_daily.jinja, …; see docs/notifications.md).
# templates_dir = "templates"

# How long a message being sent is held by the instance sending it. When that instance
# dies mid-send, another sends the message once this has passed (receivers see it at
# least once; webhook-id stays the same). Longer than the 30 s a send may take.
# (PROOFLINE_DELIVERY_LEASE_SECS)
# delivery_lease_secs = 300

# Evidence uploads. Photos are decoded under these limits (a small file that would
# inflate past them is refused unread) and their GPS position is removed before they
# are kept. A virus scanner, when given, reads each file on stdin and answers with its
# exit code (0 clean, 1 infected, as ClamAV's clamdscan does); while it fails, uploads
# are refused (PROOFLINE_ANTIVIRUS).
# [uploads]
# max_photo_mb = 15
# max_file_mb = 20
# max_photo_megapixels = 64
# keep_photo_location = false
# antivirus = "clamdscan --no-summary -"
# antivirus_timeout_secs = 30

# PostgreSQL, for several instances over one database (see docs/postgres.md). Each
# instance keeps its own pool: the server needs instances × max_connections, plus a few.
# Statements past statement_timeout are cancelled; a lock waited for past lock_timeout
# gives up; a transaction idle past idle_in_transaction_timeout (a hung instance holding
# due work) is ended by the server so other instances take the work. Writes that fail
# this way, or on a deadlock, serialization failure or lost connection, are tried up to
# three times; the engine's own passes simply run again a moment later.
# (PROOFLINE_DATABASE_MAX_CONNECTIONS)
# [database]
# max_connections = 10
# acquire_timeout_secs = 10
# statement_timeout_secs = 60
# lock_timeout_secs = 10
# idle_in_transaction_timeout_secs = 60

# Email. Without this section nobody gets email (in-app, webhooks and chat still work).
# The password may come from PROOFLINE_SMTP_PASSWORD instead.
# [smtp]
# host = "smtp.example.com"
# port = 587                    # default: 25 plain, 587 starttls, 465 tls
# security = "starttls"         # starttls | tls | plain
# username = "proofline@example.com"
# password = "…"
# from = "Proofline <proofline@example.com>"

# Evidence files (photos, uploads, thumbnails). Without this section they are kept in
# data_dir; several instances over one PostgreSQL need one store they all reach: an S3
# bucket (credentials, region and endpoint from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
# AWS_REGION, AWS_ENDPOINT_URL; AWS_ALLOW_HTTP=true for a local MinIO) or a folder on a
# shared mount. Checked at startup (PROOFLINE_BLOBS_URL). See docs/postgres.md.
# [blobs]
# url = "s3://my-bucket/proofline"
# url = "file:///mnt/shared/proofline-blobs"
"#;

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<String>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    #[serde(default)]
    blobs: crate::blobs::BlobsConfig,
    public_url: Option<String>,
    templates_dir: Option<PathBuf>,
    delivery_lease_secs: Option<u64>,
    smtp: Option<SmtpConfig>,
    #[serde(default)]
    uploads: Uploads,
    #[serde(default)]
    database: Database,
}

/// How each instance uses a PostgreSQL database (SQLite ignores these).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Database {
    pub max_connections: u32,
    pub acquire_timeout_secs: u64,
    pub statement_timeout_secs: u64,
    pub lock_timeout_secs: u64,
    pub idle_in_transaction_timeout_secs: u64,
}

impl Default for Database {
    fn default() -> Database {
        let pg = proofline_store_postgres::PgSettings::default();
        Database {
            max_connections: pg.max_connections,
            acquire_timeout_secs: pg.acquire_timeout.as_secs(),
            statement_timeout_secs: pg.statement_timeout.as_secs(),
            lock_timeout_secs: pg.lock_timeout.as_secs(),
            idle_in_transaction_timeout_secs: pg.idle_in_transaction_timeout.as_secs(),
        }
    }
}

/// How evidence uploads are held and checked.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Uploads {
    pub max_photo_mb: usize,
    pub max_file_mb: usize,
    pub max_photo_megapixels: u64,
    pub keep_photo_location: bool,
    pub antivirus: Option<String>,
    pub antivirus_timeout_secs: u64,
}

impl Default for Uploads {
    fn default() -> Uploads {
        Uploads {
            max_photo_mb: 15,
            max_file_mb: 20,
            max_photo_megapixels: 64,
            keep_photo_location: false,
            antivirus: None,
            antivirus_timeout_secs: 30,
        }
    }
}

#[derive(Clone)]
pub struct Config {
    pub listen: String,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub blobs: crate::blobs::BlobsConfig,
    /// Where links in messages point; `None` means "http://" and the listening address.
    pub public_url: Option<String>,
    pub templates_dir: Option<PathBuf>,
    /// How long a claimed delivery stays with the instance sending it.
    pub delivery_lease_secs: Option<u64>,
    pub smtp: Option<SmtpConfig>,
    pub uploads: Uploads,
    pub database: Database,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A database URL may carry a password.
        let redacted = match self.database_url.split_once('@') {
            Some((_, host)) if self.database_url.starts_with("postgres") => format!("postgres://…@{host}"),
            _ => self.database_url.clone(),
        };
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field("database_url", &redacted)
            .field("blobs", &self.blobs)
            .field("public_url", &self.public_url)
            .field("templates_dir", &self.templates_dir)
            .field("smtp", &self.smtp)
            .field("uploads", &self.uploads)
            .finish()
    }
}

impl Config {
    pub fn load(args: &ServeArgs, default_data: &str) -> anyhow::Result<Config> {
        let file = match &args.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| user_error(format!("cannot read {}: {e}", path.display())))?;
                toml::from_str::<FileConfig>(&text).map_err(|e| user_error(format!("{}: {e}", path.display())))?
            }
            None => FileConfig::default(),
        };
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let listen = args
            .listen
            .clone()
            .or_else(|| env("PROOFLINE_LISTEN"))
            .or(file.listen)
            .unwrap_or_else(|| "127.0.0.1:8080".into());
        let data_dir = args
            .data
            .clone()
            .or_else(|| env("PROOFLINE_DATA_DIR").map(PathBuf::from))
            .or(file.data_dir)
            .unwrap_or_else(|| default_data.into());
        let database_url = env("PROOFLINE_DATABASE_URL")
            .or_else(|| env("DATABASE_URL"))
            .or(file.database_url)
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("proofline.db").display()));
        let public_url = env("PROOFLINE_PUBLIC_URL").or(file.public_url);
        if let Some(url) = &public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(user_error(format!("public_url {url:?} must start with http:// or https://")));
        }
        let mut smtp = file.smtp;
        if let (Some(smtp), Some(password)) = (smtp.as_mut(), env("PROOFLINE_SMTP_PASSWORD")) {
            smtp.password = Some(password);
        }
        let mut uploads = file.uploads;
        if let Some(command) = env("PROOFLINE_ANTIVIRUS") {
            uploads.antivirus = Some(command);
        }
        if uploads.max_photo_mb == 0 || uploads.max_file_mb == 0 || uploads.max_photo_megapixels == 0 {
            return Err(user_error("[uploads] limits must be above zero"));
        }
        if uploads.max_photo_mb.max(uploads.max_file_mb) > 1024 {
            return Err(user_error("[uploads] limits are in megabytes and at most 1024"));
        }
        let delivery_lease_secs = match env("PROOFLINE_DELIVERY_LEASE_SECS") {
            Some(secs) => Some(secs.parse::<u64>().map_err(|_| {
                user_error(format!("PROOFLINE_DELIVERY_LEASE_SECS={secs:?} is not a whole number of seconds"))
            })?),
            None => file.delivery_lease_secs,
        };
        if delivery_lease_secs == Some(0) {
            return Err(user_error("delivery_lease_secs must be above zero"));
        }
        let mut database = file.database;
        if let Some(max) = env("PROOFLINE_DATABASE_MAX_CONNECTIONS") {
            database.max_connections = max
                .parse()
                .map_err(|_| user_error(format!("PROOFLINE_DATABASE_MAX_CONNECTIONS={max:?} is not a number")))?;
        }
        if database.max_connections < 2 {
            return Err(user_error("[database] max_connections must be at least 2: the engine holds two at once"));
        }
        if [database.acquire_timeout_secs, database.statement_timeout_secs, database.lock_timeout_secs].contains(&0)
            || database.idle_in_transaction_timeout_secs == 0
        {
            return Err(user_error("[database] timeouts are in seconds and must be above zero"));
        }
        let blobs = file.blobs.with_env();
        Ok(Config {
            listen,
            data_dir,
            database_url,
            blobs,
            public_url,
            templates_dir: file.templates_dir,
            delivery_lease_secs,
            smtp,
            uploads,
            database,
        })
    }
}
