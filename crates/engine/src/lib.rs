//! Proofline's use cases and the engine loop. The loop's units (materialize, open,
//! escalate) each run once for a given instant and say what they did, so tests drive
//! them with a manual clock instead of sleeping.

mod blobs;
mod clock;
mod definitions;
mod error;
mod escalate;
mod materialize;
mod processes;
mod runner;
mod submit;
mod tokens;

pub use blobs::{BlobStore, LocalBlobs, Upload, sniff};
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::EngineError;
pub use materialize::plan_run;
pub use processes::{ProcessChange, valid_key};
pub use runner::PassOutcome;
pub use submit::SubmitOutcome;

use definitions::Definitions;
use jiff::SignedDuration;
use proofline_core::access::Access;
use proofline_core::{OrgId, PersonId};
use proofline_store::Store;
use std::sync::Arc;

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
    /// Largest accepted evidence file.
    pub max_upload_bytes: usize,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            horizon: SignedDuration::from_hours(1),
            batch: 2_000,
            max_sleep: SignedDuration::from_secs(1),
            max_upload_bytes: 20 * 1024 * 1024,
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
    definitions: Arc<Definitions>,
}

impl Engine {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        blobs: Arc<dyn BlobStore>,
        config: EngineConfig,
    ) -> Engine {
        let definitions = Arc::new(Definitions::new(store.clone()));
        Engine { store, clock, blobs, config, definitions }
    }

    pub fn now(&self) -> jiff::Timestamp {
        self.clock.now()
    }
}
