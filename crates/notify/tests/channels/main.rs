//! The notify crate's integration tests, in one binary: templates, and each channel
//! against a real server (aiosmtpd for SMTP, a local HTTP receiver for webhooks and chat).

mod chat;
mod receiver;
mod smtp;
mod support;
mod templates;
mod webhook;
