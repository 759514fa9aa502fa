//! Storage ports: what the engine and the API need from a database, as narrow traits
//! bundled in [`Store`]. Backends live in their own crates; only the CLI names one.
//! [`contract`] is the story every backend must pass.

mod accounts;
pub mod audit;
mod claims;
pub mod contract;
mod copy;
mod directory;
mod error;
mod export;
mod history;
mod notices;
mod processes;
mod retention;
mod transitions;
mod work;

pub use accounts::*;
pub use audit::AuditStore;
pub use claims::{EscalationClaim, MaterializeClaim, ReadClaim};
pub use copy::*;
pub use directory::*;
pub use error::StoreError;
pub use export::*;
pub use history::*;
pub use notices::*;
pub use processes::*;
pub use retention::*;
pub use transitions::Touched;
pub use work::*;

/// Everything Proofline stores, in one object the rest of the code can hold.
pub trait Store:
    AccountStore
    + AuditStore
    + DirectoryStore
    + ExportStore
    + ProcessStore
    + WorkStore
    + NoticeStore
    + HistoryStore
    + RetentionStore
    + Send
    + Sync
    + 'static
{
    /// Which backend this is, for logs and `/readyz`.
    fn backend(&self) -> &'static str;
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
