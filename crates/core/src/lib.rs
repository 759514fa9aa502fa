//! Proofline's pure domain: cadence maths, processes and their steps, proof rules,
//! escalation, role picking, the task state machine, patterns,
//! metrics and the SOP scan. No I/O, no async, no SQL.

pub mod access;
pub mod agenda;
pub mod audit;
pub mod cadence;
pub mod corrective;
pub mod escalation;
pub mod history;
pub mod ids;
pub mod metrics;
pub mod notice;
pub mod outage;
pub mod pattern;
pub mod process;
pub mod proof;
pub mod roles;
pub mod roster;
pub mod scan;
pub mod span;
pub mod task;

pub use cadence::{Cadence, CadenceError, Schedule};
pub use ids::*;
pub use jiff::{SignedDuration, Timestamp, Zoned};
