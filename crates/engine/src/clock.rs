//! Time as an input: the engine never reads the system clock directly.

use jiff::Timestamp;

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that moves only when told: for tests and for replaying history in the demo.
#[derive(Debug, Clone)]
pub struct ManualClock(std::sync::Arc<std::sync::Mutex<Timestamp>>);

impl ManualClock {
    pub fn new(start: Timestamp) -> ManualClock {
        ManualClock(std::sync::Arc::new(std::sync::Mutex::new(start)))
    }

    pub fn set(&self, to: Timestamp) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = to;
    }

    pub fn advance(&self, by: jiff::SignedDuration) -> Timestamp {
        let mut now = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *now += by;
        *now
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}
