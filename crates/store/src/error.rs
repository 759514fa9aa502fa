//! The one error type of every storage port.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such row in this organization (a foreign id is simply not found).
    #[error("not found")]
    NotFound,
    /// A uniqueness rule or a compare-and-set lost: someone else got there first.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database is unreachable, or gave up on a statement it may well finish if asked
    /// again (a deadlock, a serialization failure, a lock or statement timeout).
    #[error("the database is busy: {0}")]
    Busy(String),
    /// Anything else the backend reported.
    #[error("storage failed: {0}")]
    Other(String),
}
