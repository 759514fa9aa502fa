//! Processes and their immutable versions.

use crate::Result;
use async_trait::async_trait;
use jiff::Timestamp;
use proofline_core::process::{ProcessDefinition, ProcessStatus};
use proofline_core::{OrgId, ProcessId};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
pub struct ProcessRecord {
    pub id: ProcessId,
    pub org: OrgId,
    /// A stable handle for files and URLs ("opening-checklist").
    pub key: String,
    pub status: ProcessStatus,
    pub version: u32,
    pub definition: ProcessDefinition,
    /// When the next scheduled run is due to be created; `None` when nothing is scheduled.
    pub next_run_at: Option<Timestamp>,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq)]
pub struct VersionRecord {
    pub version: u32,
    pub definition: ProcessDefinition,
    pub created_at: Timestamp,
}

#[async_trait]
pub trait ProcessStore {
    /// Creates version 1. `Conflict` when the key is taken in the organization.
    async fn create_process(
        &self,
        org: OrgId,
        key: &str,
        status: ProcessStatus,
        definition: &ProcessDefinition,
        next_run_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<ProcessId>;
    /// Stores a new version and makes it current; returns its number. Runs already
    /// created keep the version they started with.
    async fn save_version(
        &self,
        org: OrgId,
        id: ProcessId,
        definition: &ProcessDefinition,
        next_run_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<u32>;
    async fn set_status(
        &self,
        org: OrgId,
        id: ProcessId,
        status: ProcessStatus,
        next_run_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<()>;
    async fn get_process(&self, org: OrgId, id: ProcessId) -> Result<ProcessRecord>;
    async fn find_process_by_key(&self, org: OrgId, key: &str) -> Result<Option<ProcessRecord>>;
    async fn list_processes(&self, org: OrgId) -> Result<Vec<ProcessRecord>>;
    async fn list_versions(&self, org: OrgId, id: ProcessId) -> Result<Vec<VersionRecord>>;
    /// Definitions of the given versions, across organizations (for the engine's cache).
    async fn get_definitions(
        &self,
        versions: &[(ProcessId, u32)],
    ) -> Result<HashMap<(ProcessId, u32), ProcessDefinition>>;
}
