//! Verifying the tamper-evident event log: each organization's hash chain is walked from
//! its first event to its recorded head, and every submission an event recorded is
//! checked against the evidence hash the event carries.

use proofline_core::OrgId;
use proofline_core::audit::{Break, ChainHead, StoredEvent, Verifier, evidence_hash};
use proofline_store::{Store, StoreError};
use serde_json::Value;
use std::collections::HashMap;

/// Events read per query while verifying.
const PAGE: u32 = 5_000;

/// One organization's chain, as verification found it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainReport {
    pub org: OrgId,
    /// Events verified in order before the end or the first break.
    pub verified: i64,
    /// Submissions whose evidence matched the hash their event recorded.
    pub evidence_checked: u64,
    /// The head recorded in the database, if any.
    pub head: Option<ChainHead>,
    /// Where the chain first stops holding; `None` when it is whole.
    pub broken: Option<Break>,
}

/// Verifies every organization's chain, or only `only`'s.
pub async fn verify_chains(store: &dyn Store, only: Option<OrgId>) -> Result<Vec<ChainReport>, StoreError> {
    let mut reports = Vec::new();
    for (org, head) in store.chain_heads().await? {
        if only.is_some_and(|o| o != org) {
            continue;
        }
        reports.push(verify_org(store, org, head).await?);
    }
    if let Some(org) = only
        && reports.is_empty()
    {
        reports.push(ChainReport { org, verified: 0, evidence_checked: 0, head: None, broken: None });
    }
    Ok(reports)
}

async fn verify_org(store: &dyn Store, org: OrgId, head: Option<ChainHead>) -> Result<ChainReport, StoreError> {
    let mut verifier = Verifier::default();
    let mut evidence_checked = 0;
    let mut after = 0;
    let mut evidence_break = None;
    loop {
        let page = store.chain_page(org, after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.event.seq;
        let mut recorded = Vec::new();
        for stored in &page {
            if !verifier.push(stored) {
                break;
            }
            if let Some(claim) = evidence_claim(stored) {
                recorded.push(claim);
            }
        }
        let (checked, broken) = check_evidence(store, org, &recorded).await?;
        evidence_checked += checked;
        if broken.is_some() {
            evidence_break = broken;
            break;
        }
        if (page.len() as u32) < PAGE || verifier.is_broken() {
            break;
        }
    }
    if evidence_break.is_none()
        && let Some(id) = store.unchained_events(org, 1).await?.first()
    {
        verifier.unchained(*id);
    }
    let verified = verifier.verified();
    let broken = match evidence_break {
        Some(broken) => Some(broken),
        None => verifier.finish(head.as_ref()).err(),
    };
    Ok(ChainReport { org, verified, evidence_checked, head, broken })
}

/// An event that recorded a submission with its evidence hash.
struct Claim {
    id: i64,
    seq: i64,
    submission: i64,
    sha256: String,
}

fn evidence_claim(stored: &StoredEvent) -> Option<Claim> {
    let data = &stored.event.data;
    Some(Claim {
        id: stored.id,
        seq: stored.event.seq,
        submission: data.get("submission").and_then(Value::as_i64)?,
        sha256: data.get("evidence_sha256").and_then(Value::as_str)?.to_string(),
    })
}

async fn check_evidence(store: &dyn Store, org: OrgId, claims: &[Claim]) -> Result<(u64, Option<Break>), StoreError> {
    if claims.is_empty() {
        return Ok((0, None));
    }
    let ids: Vec<i64> = claims.iter().map(|c| c.submission).collect();
    let stored: HashMap<i64, Value> =
        store.evidence_of(org, &ids).await?.into_iter().map(|s| (s.submission, s.evidence)).collect();
    let mut checked = 0;
    for claim in claims {
        let broken = match stored.get(&claim.submission) {
            None => Some(true),
            Some(evidence) if evidence_hash(evidence) != claim.sha256 => Some(false),
            Some(_) => None,
        };
        if let Some(missing) = broken {
            let at = Break::Evidence { id: claim.id, seq: claim.seq, submission: claim.submission, missing };
            return Ok((checked, Some(at)));
        }
        checked += 1;
    }
    Ok((checked, None))
}
