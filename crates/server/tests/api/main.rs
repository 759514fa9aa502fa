//! The API as clients use it: one test binary spawning the real router per test.

mod cadence;
mod calendar;
mod errors;
mod escalation;
mod evidence;
mod goals;
mod helpers;
mod notifications;
mod operations;
mod patterns;
mod processes;
mod scan;
mod submissions;
mod web;
