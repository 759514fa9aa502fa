//! The tamper-evident event log. Each organization's events form a hash chain: an event's
//! hash covers its position, its fields, its data (and so the hash of any evidence it
//! records) and the hash of the event before it. Changing, removing or reordering a
//! stored event breaks the chain at that event or at the one after it, and
//! [`Verifier`] names the first place it breaks.

use serde_json::Value;
use sha2::{Digest, Sha256};
use std::fmt;

/// The `prev_hash` of an organization's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An event's fields as the chain covers them. Backends store each of these as a column.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainEvent {
    pub org: i64,
    /// Position in the organization's chain, from 1.
    pub seq: i64,
    /// Milliseconds, UTC.
    pub at: i64,
    pub kind: String,
    pub task: Option<i64>,
    pub run: Option<i64>,
    pub process: Option<i64>,
    pub actor: Option<i64>,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    pub from_holder: Option<i64>,
    pub to_holder: Option<i64>,
    pub data: Value,
}

impl ChainEvent {
    /// Reads an event from the JSON object the stores insert from (`org`, `at`, `kind`,
    /// `task` …), as built in one place for both backends.
    pub fn from_json(seq: i64, event: &Value) -> Result<ChainEvent, String> {
        let int = |key: &str| event.get(key).and_then(Value::as_i64);
        let text = |key: &str| event.get(key).and_then(Value::as_str).map(str::to_string);
        Ok(ChainEvent {
            org: int("org").ok_or("an event without an organization")?,
            seq,
            at: int("at").ok_or("an event without a time")?,
            kind: text("kind").ok_or("an event without a kind")?,
            task: int("task"),
            run: int("run"),
            process: int("process"),
            actor: int("actor"),
            from_state: text("from_state"),
            to_state: text("to_state"),
            from_holder: int("from_holder"),
            to_holder: int("to_holder"),
            data: event.get("data").cloned().unwrap_or_else(|| Value::Object(Default::default())),
        })
    }

    /// The event's link hash given the hash of the event before it, as lowercase hex.
    pub fn hash(&self, prev_hash: &str) -> String {
        let mut h = Sha256::new();
        let mut field = |bytes: Option<&[u8]>| match bytes {
            // Length-prefixed, so no two different field lists hash the same bytes.
            Some(bytes) => {
                h.update((bytes.len() as u64).to_le_bytes());
                h.update(bytes);
            }
            None => h.update(u64::MAX.to_le_bytes()),
        };
        let number = |n: Option<i64>| n.map(|n| n.to_string());
        field(Some(b"proofline-event-v1"));
        field(Some(prev_hash.as_bytes()));
        for n in [Some(self.org), Some(self.seq), Some(self.at)] {
            field(number(n).as_deref().map(str::as_bytes));
        }
        field(Some(self.kind.as_bytes()));
        for n in [self.task, self.run, self.process, self.actor] {
            field(number(n).as_deref().map(str::as_bytes));
        }
        field(self.from_state.as_deref().map(str::as_bytes));
        field(self.to_state.as_deref().map(str::as_bytes));
        for n in [self.from_holder, self.to_holder] {
            field(number(n).as_deref().map(str::as_bytes));
        }
        field(Some(canonical_json(&self.data).as_bytes()));
        hex_lower(&h.finalize())
    }
}

/// JSON with object keys sorted and no spaces, so the same value hashes the same whatever
/// a database did to its key order or whitespace.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, value)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(value, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        // Numbers print through f64 when they are not integers, so "36.60" stored by one
        // database and "36.6" by another hash alike.
        Value::Number(n) if !n.is_i64() && !n.is_u64() => match n.as_f64() {
            Some(f) => out.push_str(&Value::from(f).to_string()),
            None => out.push_str(&n.to_string()),
        },
        other => out.push_str(&other.to_string()),
    }
}

/// SHA-256 of a submission's evidence record, as an event's data carries it.
pub fn evidence_hash(evidence: &Value) -> String {
    sha256_hex(canonical_json(evidence).as_bytes())
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex_lower(&Sha256::digest(bytes))
}

fn hex_lower(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

/// Links events onto the end of one organization's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    pub org: i64,
    /// The last event's position (0 before the first event).
    pub seq: i64,
    /// The last event's hash ([`GENESIS`] before the first event).
    pub hash: String,
}

/// One event with the chain columns a store writes beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Linked {
    pub seq: i64,
    pub prev_hash: String,
    pub hash: String,
}

impl ChainHead {
    pub fn start(org: i64) -> ChainHead {
        ChainHead { org, seq: 0, hash: GENESIS.to_string() }
    }

    /// Appends `event` (whose `seq` is set here) and returns its chain columns.
    pub fn append(&mut self, event: &mut ChainEvent) -> Linked {
        event.seq = self.seq + 1;
        let hash = event.hash(&self.hash);
        let linked = Linked { seq: event.seq, prev_hash: std::mem::replace(&mut self.hash, hash.clone()), hash };
        self.seq = event.seq;
        linked
    }
}

/// An event as read back from storage, for verification.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    /// The row's own id, to name it in a report.
    pub id: i64,
    pub event: ChainEvent,
    pub prev_hash: String,
    pub hash: String,
}

/// Where a chain first stops holding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// The event's stored hash is not the hash of its contents.
    Altered { id: i64, seq: i64 },
    /// The event does not follow the one before it: something between was removed,
    /// reordered, or the previous event was replaced.
    Unlinked { id: i64, seq: i64 },
    /// Positions are missing: events `from..=to` were removed.
    Missing { from: i64, to: i64 },
    /// Two events claim one position.
    Duplicate { id: i64, seq: i64 },
    /// The chain ends before its recorded head: the last events were removed.
    Truncated { last_seq: i64, head_seq: i64 },
    /// The chain's last hash is not the recorded head's.
    HeadMismatch { seq: i64 },
    /// A row outside the chain (written around the store).
    Unchained { id: i64 },
    /// The submission the event recorded no longer holds the evidence whose hash the
    /// event carries (or is gone).
    Evidence { id: i64, seq: i64, submission: i64, missing: bool },
}

impl fmt::Display for Break {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Break::Altered { id, seq } => {
                write!(f, "event {id} (position {seq}) was changed after it was written: its hash no longer matches")
            }
            Break::Unlinked { id, seq } => write!(
                f,
                "event {id} (position {seq}) does not follow the event before it: events were reordered, or the one before it was replaced"
            ),
            Break::Missing { from, to } if from == to => write!(f, "the event at position {from} is missing (deleted)"),
            Break::Missing { from, to } => write!(f, "the events at positions {from} to {to} are missing (deleted)"),
            Break::Duplicate { id, seq } => write!(f, "event {id} claims position {seq}, which another event holds"),
            Break::Truncated { last_seq, head_seq } => write!(
                f,
                "the chain ends at position {last_seq} but its head says {head_seq}: the last events were deleted"
            ),
            Break::HeadMismatch { seq } => {
                write!(f, "the event at position {seq} is not the one the chain's head recorded")
            }
            Break::Unchained { id } => write!(f, "event {id} is not in the chain: it was written around Proofline"),
            Break::Evidence { id, seq, submission, missing: true } => {
                write!(f, "submission {submission}, recorded by event {id} (position {seq}), is missing")
            }
            Break::Evidence { id, seq, submission, missing: false } => write!(
                f,
                "the evidence of submission {submission} was changed after event {id} (position {seq}) recorded its hash"
            ),
        }
    }
}

/// Walks one organization's events in position order and stops at the first break.
#[derive(Debug, Clone)]
pub struct Verifier {
    expect_seq: i64,
    prev_hash: String,
    last_id: Option<i64>,
    broken: Option<Break>,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier { expect_seq: 1, prev_hash: GENESIS.to_string(), last_id: None, broken: None }
    }
}

impl Verifier {
    /// Checks the next event; returns false once the chain is broken.
    pub fn push(&mut self, stored: &StoredEvent) -> bool {
        if self.broken.is_some() {
            return false;
        }
        let seq = stored.event.seq;
        let id = stored.id;
        let broken = if seq < self.expect_seq {
            Some(Break::Duplicate { id, seq })
        } else if seq > self.expect_seq {
            Some(Break::Missing { from: self.expect_seq, to: seq - 1 })
        } else if stored.event.hash(&stored.prev_hash) != stored.hash {
            Some(Break::Altered { id, seq })
        } else if stored.prev_hash != self.prev_hash {
            Some(Break::Unlinked { id, seq })
        } else {
            None
        };
        if broken.is_some() {
            self.broken = broken;
            return false;
        }
        self.expect_seq = seq + 1;
        self.prev_hash.clone_from(&stored.hash);
        self.last_id = Some(id);
        true
    }

    /// Records a row without a chain position; the first one found breaks the chain.
    pub fn unchained(&mut self, id: i64) {
        if self.broken.is_none() {
            self.broken = Some(Break::Unchained { id });
        }
    }

    pub fn is_broken(&self) -> bool {
        self.broken.is_some()
    }

    /// How many events were verified in order.
    pub fn verified(&self) -> i64 {
        self.expect_seq - 1
    }

    /// The result, checked against the recorded head when there is one.
    pub fn finish(self, head: Option<&ChainHead>) -> Result<ChainHead, Break> {
        if let Some(broken) = self.broken {
            return Err(broken);
        }
        let last_seq = self.expect_seq - 1;
        if let Some(head) = head {
            if head.seq > last_seq {
                return Err(Break::Truncated { last_seq, head_seq: head.seq });
            }
            if head.seq == last_seq && head.hash != self.prev_hash {
                return Err(Break::HeadMismatch { seq: last_seq });
            }
            if head.seq < last_seq {
                return Err(Break::Unchained { id: self.last_id.unwrap_or_default() });
            }
        }
        Ok(ChainHead { org: head.map(|h| h.org).unwrap_or_default(), seq: last_seq, hash: self.prev_hash })
    }
}

#[cfg(test)]
mod tests;
