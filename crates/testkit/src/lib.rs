//! Test harness: a manual clock, a fresh store per test (SQLite temp file, or PostgreSQL
//! when `PROOFLINE_TEST_DATABASE_URL` is set), an engine wired to both, and an S3 server.

mod recording;
pub mod s3;

pub use recording::{RecordingNotifier, Sent, Trouble};

use jiff::SignedDuration;
use proofline_engine::{Engine, EngineConfig, LocalBlobs, PasswordCost};
use proofline_store::Store;
use std::sync::Arc;

pub use proofline_engine::ManualClock;

/// An HTTP client for tests that call the app. The notification channels build reqwest
/// with rustls and no built-in crypto provider (they bring *ring*), and features unify
/// across a build, so a plain `Client::new()` needs a process-wide provider first.
pub fn http_client() -> reqwest::Client {
    // Err means another test installed it first, which is as good.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// A manual clock starting at an RFC 3339 instant.
pub fn clock_at(start: &str) -> ManualClock {
    ManualClock::new(start.parse().expect("a valid RFC 3339 instant"))
}

/// A store that lives as long as the value: a temp SQLite file, dropped with it.
pub struct TestStore {
    pub store: Arc<dyn Store>,
    pub dir: tempfile::TempDir,
}

impl TestStore {
    pub async fn sqlite() -> TestStore {
        let dir = tempfile::tempdir().expect("a temp dir");
        let url = format!("sqlite://{}", dir.path().join("proofline.db").display());
        let store = proofline_store_sqlite::SqliteStore::connect(&url).await.expect("SQLite opens");
        TestStore { store: Arc::new(store), dir }
    }
}

/// An engine on a fresh SQLite store with a manual clock and a recording notifier.
pub struct TestEngine {
    pub engine: Engine,
    pub clock: ManualClock,
    pub store: TestStore,
    pub notifier: RecordingNotifier,
}

impl TestEngine {
    pub async fn start(at: &str) -> TestEngine {
        let store = TestStore::sqlite().await;
        let clock = clock_at(at);
        let blobs = Arc::new(LocalBlobs::new(store.dir.path().join("blobs")));
        let notifier = RecordingNotifier::default();
        // Sign-ins in tests need not resist offline guessing; they must be fast.
        let config = EngineConfig { password_cost: PasswordCost::TESTING, ..EngineConfig::default() };
        let engine = Engine::new(store.store.clone(), Arc::new(clock.clone()), blobs, config)
            .with_notifier(Arc::new(notifier.clone()));
        TestEngine { engine, clock, store, notifier }
    }

    /// Moves the clock and runs one engine pass at the new instant.
    pub async fn advance(&self, by: SignedDuration) -> proofline_engine::PassOutcome {
        let now = self.clock.advance(by);
        self.engine.pass(now).await.expect("engine pass")
    }
}
