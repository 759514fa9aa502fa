//! The event log's hash chain as storage sees it: linking new events onto each
//! organization's head before they are inserted, and reading the chain back in order
//! for `proofline audit verify`.

use crate::{Result, StoreError};
use async_trait::async_trait;
use proofline_core::OrgId;
use proofline_core::audit::{ChainEvent, ChainHead, StoredEvent};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Gives each event (the JSON objects both backends insert from) its position, the hash
/// of the event before it and its own hash, advancing `heads`. Events keep their order.
pub fn link(events: &mut [Value], heads: &mut BTreeMap<i64, ChainHead>) -> Result<()> {
    for event in events.iter_mut() {
        let mut chained = ChainEvent::from_json(0, event).map_err(StoreError::Other)?;
        let head = heads.entry(chained.org).or_insert_with(|| ChainHead::start(chained.org));
        let linked = head.append(&mut chained);
        let object = event.as_object_mut().ok_or_else(|| StoreError::Other("an event must be an object".into()))?;
        object.insert("seq".into(), json!(linked.seq));
        object.insert("prev_hash".into(), json!(linked.prev_hash));
        object.insert("hash".into(), json!(linked.hash));
    }
    Ok(())
}

/// The organizations `events` belong to, each once, in ascending order (the order
/// backends lock their heads in, so two writers never wait on each other crosswise).
pub fn orgs_of(events: &[Value]) -> Vec<i64> {
    let mut orgs: Vec<i64> = events.iter().filter_map(|e| e.get("org").and_then(Value::as_i64)).collect();
    orgs.sort_unstable();
    orgs.dedup();
    orgs
}

/// One submission's evidence as stored, to check against the hash its event recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvidence {
    pub submission: i64,
    pub evidence: Value,
}

#[async_trait]
pub trait AuditStore {
    /// Every organization with events or a chain head, with its head where one is recorded.
    async fn chain_heads(&self) -> Result<Vec<(OrgId, Option<ChainHead>)>>;
    /// Up to `limit` of the organization's chained events after position `after_seq`, in
    /// position order.
    async fn chain_page(&self, org: OrgId, after_seq: i64, limit: u32) -> Result<Vec<StoredEvent>>;
    /// Ids of the organization's events that have no chain position (at most `limit`).
    async fn unchained_events(&self, org: OrgId, limit: u32) -> Result<Vec<i64>>;
    /// The stored evidence of the given submissions (those that exist).
    async fn evidence_of(&self, org: OrgId, submissions: &[i64]) -> Result<Vec<StoredEvidence>>;
}
