//! The engine's behaviour tests, in one binary: the core loop and notifications.

mod common;
mod core_loop;
mod notifications;
