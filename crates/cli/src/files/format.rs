//! The process file: people, roles, systems and processes of one organization in TOML,
//! written by people and by `proofline export`. References use emails, role names and
//! system keys, never database ids.

use proofline_core::proof::ProofRequirement;
use proofline_core::span::Span;
use serde::{Deserialize, Serialize};
use toml::Spanned;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub organization: OrgDoc,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub people: Vec<Spanned<PersonDoc>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Spanned<RoleDoc>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub systems: Vec<Spanned<SystemDoc>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub processes: Vec<Spanned<ProcessDoc>>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgDoc {
    pub name: String,
    /// The IANA zone for cadences written without one.
    pub zone: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonDoc {
    pub email: String,
    pub name: String,
    #[serde(default = "member")]
    pub access: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub away_until: Option<String>,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub active: bool,
}

fn member() -> String {
    "member".into()
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleDoc {
    pub name: String,
    #[serde(default = "round_robin")]
    pub pick: String,
    pub members: Vec<String>,
}

fn round_robin() -> String {
    "round_robin".into()
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SystemDoc {
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub goal: String,
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub software: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessDoc {
    pub key: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    #[serde(default = "draft")]
    pub status: String,
    pub cadence: CadenceDoc,
    pub escalation: Vec<LevelDoc>,
    pub steps: Vec<StepDoc>,
}

fn draft() -> String {
    "draft".into()
}

/// `"manual"`, an iCalendar rule as a string, `{ cron = "…", tz = "…" }` or `{ event = "…" }`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CadenceDoc {
    Text(String),
    Cron {
        cron: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tz: Option<String>,
    },
    Event {
        event: String,
    },
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelDoc {
    /// An email, `role:NAME`, `manager` or `owner`.
    pub to: String,
    pub window: Span,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepDoc {
    pub title: String,
    /// An email or `role:NAME`.
    pub assignee: String,
    pub due: Span,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub opens: Span,
    /// Titles of earlier steps that must be done first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sop: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sop_url: Option<String>,
    pub proof: Vec<ProofRequirement>,
    /// The follow-up bad evidence opens. Its people and roles (like an approval's) are
    /// named by id for now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrective: Option<proofline_core::corrective::Corrective>,
}

fn is_zero(span: &Span) -> bool {
    *span == Span::ZERO
}

/// The 1-based line of a byte offset in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len())).map_or(1, |t| t.matches('\n').count() + 1)
}
