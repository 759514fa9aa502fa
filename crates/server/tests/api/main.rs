//! The API as clients use it: one test binary spawning the real router per test.

mod cadence;
mod errors;
mod escalation;
mod helpers;
mod operations;
mod processes;
mod submissions;
