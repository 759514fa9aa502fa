//! Proofline's pure domain: cadence maths, processes and their steps, proof rules,
//! escalation, role picking and the task state machine. No I/O, no async, no SQL.

pub mod access;
pub mod agenda;
pub mod cadence;
pub mod escalation;
pub mod ids;
pub mod notice;
pub mod outage;
pub mod process;
pub mod proof;
pub mod roles;
pub mod roster;
pub mod span;
pub mod task;

pub use cadence::{Cadence, CadenceError, Schedule};
pub use ids::*;
pub use jiff::{SignedDuration, Timestamp, Zoned};
