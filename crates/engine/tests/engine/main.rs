//! The engine's behaviour tests, in one binary: the core loop and notifications.

mod approvals;
mod audit;
mod camera;
mod common;
mod core_loop;
mod corrective;
mod export;
mod notifications;
mod photos;
mod retention;
