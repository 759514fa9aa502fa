//! Proofline's use cases and the engine loop. The loop's units (materialize, open,
//! escalate) each run once for a given instant and say what they did, so tests drive
//! them with a manual clock instead of sleeping.

mod accounts;
mod antivirus;
mod approve;
mod audit;
mod blobs;
mod calendar;
mod clock;
mod corrective;
mod decide;
mod definitions;
mod deliver;
mod detect;
mod digest;
mod directory;
mod error;
mod escalate;
mod evidence;
mod export;
mod goals;
mod materialize;
mod messages;
mod metrics;
mod notices;
mod notifier;
mod patterns;
pub mod photo;
mod processes;
mod remind;
mod retention;
mod route;
mod runner;
mod scan;
mod setup;
mod submit;
mod tokens;

pub use accounts::{
    LinkSecret, MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARS, PasswordCost, Session, SignedIn, link_lifetime,
};
pub use antivirus::{Antivirus, ScanVerdict};
pub use audit::{ChainReport, verify_chains};
pub use blobs::{BlobStore, LocalBlobs, Upload, bad_hash, blob_key, sniff};
pub use calendar::{CalendarEntry, CalendarFeed};
pub use clock::{Clock, ManualClock, SystemClock};
pub use decide::DecisionInput;
pub use deliver::{DeliveryCounters, DeliveryPass};
pub use detect::{DetectOutcome, HISTORY_WINDOW, process_facts};
pub use error::EngineError;
pub use export::{EvidenceExport, ExportOptions, ExportPeriod, MAX_EXPORT_DAYS, MAX_EXPORT_RUNS, check_export_range};
pub use goals::{GoalCheck, check_goals};
pub use materialize::plan_run;
pub use messages::NoticeLine;
pub use metrics::{LONGEST_SPAN_DAYS, ProcessNumbers, schedule_zone};
pub use notices::{EndpointInput, new_webhook_secret};
pub use notifier::*;
pub use processes::{ProcessChange, RunStart, valid_key};
pub use retention::PurgeOutcome;
pub use runner::PassOutcome;
pub use setup::FirstOwner;
pub use submit::SubmitOutcome;

use definitions::Definitions;
use jiff::SignedDuration;
use proofline_core::ProcessId;
use proofline_core::access::Access;
use proofline_core::process::ProcessDefinition;
use proofline_core::{OrgId, PersonId};
use proofline_store::Store;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

/// Who is acting, as established by authentication: one person in one organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub org: OrgId,
    pub person: PersonId,
    pub access: Access,
}

#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// How far ahead scheduled runs are created (their tasks wait until they open).
    pub horizon: SignedDuration,
    /// Rows handled per statement in the engine's batch units.
    pub batch: u32,
    /// The longest the loop sleeps between passes.
    pub max_sleep: SignedDuration,
    /// Largest accepted evidence file other than a photo.
    pub max_upload_bytes: usize,
    /// Largest accepted photo.
    pub max_photo_bytes: usize,
    /// The pixels and memory a photo may take to decode; past them it is refused unread,
    /// so a small file that inflates to gigabytes cannot exhaust memory.
    pub photo_limits: photo::Limits,
    /// Keep the GPS position photos carry. Off by default: it is removed from the stored
    /// copy (the upload's own hash is kept beside it).
    pub keep_photo_location: bool,
    /// A virus scanner every upload passes before it is kept; when it fails, uploads are
    /// refused until it works again.
    pub antivirus: Option<Arc<Antivirus>>,
    /// The address people open Proofline at; links in messages start with it.
    pub public_url: String,
    /// Email can be sent; without it, people get in-app notices only.
    pub email: bool,
    /// How long a claimed delivery is hidden from other senders; after that, a send that
    /// never reported back is tried again.
    pub delivery_lease: SignedDuration,
    /// Sends at once to any one destination (the SMTP relay, one endpoint).
    pub per_destination: usize,
    /// Deliveries one worker holds at once, in flight and waiting for a slot.
    pub max_in_flight: usize,
    /// The longest one send may take before it counts as a retryable failure.
    pub send_timeout: SignedDuration,
    /// How hard password hashes are to compute.
    pub password_cost: PasswordCost,
    /// How long a sign-in lasts in one browser.
    pub session_lifetime: SignedDuration,
    /// How far back pattern detection reads finished work.
    pub history_window: SignedDuration,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            horizon: SignedDuration::from_hours(1),
            batch: 2_000,
            max_sleep: SignedDuration::from_secs(1),
            max_upload_bytes: 20 * 1024 * 1024,
            max_photo_bytes: 15 * 1024 * 1024,
            photo_limits: photo::Limits::default(),
            keep_photo_location: false,
            antivirus: None,
            public_url: "http://localhost:8080".to_string(),
            email: true,
            delivery_lease: SignedDuration::from_mins(5),
            per_destination: 4,
            max_in_flight: 256,
            send_timeout: SignedDuration::from_secs(30),
            password_cost: PasswordCost::default(),
            session_lifetime: SignedDuration::from_hours(14 * 24),
            history_window: HISTORY_WINDOW,
        }
    }
}

/// The application core the server and CLI hold: storage, time and evidence files.
#[derive(Clone)]
pub struct Engine {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub blobs: Arc<dyn BlobStore>,
    pub config: EngineConfig,
    /// Renders and sends messages; without one, notices stay in the in-app list.
    pub notifier: Option<Arc<dyn Notifier>>,
    /// Delivery attempts by channel and result since start, for `/metrics`.
    pub delivery_counters: Arc<DeliveryCounters>,
    definitions: Arc<Definitions>,
    /// Wakes the delivery loop when routing has created deliveries.
    deliveries_waiting: Arc<tokio::sync::Notify>,
    /// When digests are next looked for, and the digest keys already considered.
    digest_check: Arc<Mutex<Option<jiff::Timestamp>>>,
    digest_seen: Arc<Mutex<HashSet<String>>>,
    /// A password hash to verify unknown emails against (see `sign_in`).
    decoy: Arc<std::sync::OnceLock<String>>,
    /// Held while the first organization is made (see `set_up`).
    setup_lock: Arc<tokio::sync::Mutex<()>>,
}

impl Engine {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        blobs: Arc<dyn BlobStore>,
        config: EngineConfig,
    ) -> Engine {
        let definitions = Arc::new(Definitions::new(store.clone()));
        Engine {
            store,
            clock,
            blobs,
            config,
            notifier: None,
            delivery_counters: Arc::default(),
            definitions,
            deliveries_waiting: Arc::default(),
            digest_check: Arc::default(),
            digest_seen: Arc::default(),
            decoy: Arc::default(),
            setup_lock: Arc::default(),
        }
    }

    pub fn with_notifier(mut self, notifier: Arc<dyn Notifier>) -> Engine {
        self.notifier = Some(notifier);
        self
    }

    pub fn now(&self) -> jiff::Timestamp {
        self.clock.now()
    }

    /// The process versions `tasks` follow, by (process, version), from the cache of
    /// immutable versions, each read once.
    pub async fn definitions_of(
        &self,
        tasks: &[proofline_store::TaskRecord],
    ) -> Result<HashMap<(ProcessId, u32), Arc<ProcessDefinition>>, EngineError> {
        let mut wanted: Vec<(ProcessId, u32)> = tasks.iter().map(|t| (t.process, t.version)).collect();
        wanted.sort();
        wanted.dedup();
        Ok(self.definitions.get_many(&wanted).await?)
    }
}
