//! Proof requirements and the check that a submission meets every one of them.
//! A step counts as done only when this check passes; a checkbox is not proof.

use crate::escalation::Target;
use crate::span::Span;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// One piece of evidence a step requires, addressed by `key` in submissions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProofRequirement {
    /// How a submission names this requirement; defaults to the kind ("photo", "number_2").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(flatten)]
    pub rule: ProofRule,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ProofRule {
    /// Photos, sniffed as images from their bytes.
    Photo {
        #[serde(default = "one")]
        min: u32,
        /// The capture must be at most this old when submitted (when capture time is known).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_age: Option<Span>,
    },
    /// Files; `types` lists accepted media types or extensions ("application/pdf", "pdf", "image/*").
    File {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        types: Vec<String>,
    },
    /// A reading. Outside [min, max] it is accepted but raises an exception.
    Number {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
    /// A note of at least `min_length` characters.
    Text {
        #[serde(default = "one")]
        min_length: u32,
    },
    /// Items that must each be ticked.
    Checklist { items: Vec<String> },
    /// A typed name and an explicit attestation.
    Signature {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attestation: Option<String>,
    },
    /// A web address (a ticket, a document, a dashboard).
    Link,
    /// A second person accepts the rest of the evidence before the step counts as done.
    /// The submitter can never approve their own work; an approval not given within
    /// `window` moves up the escalation chain like any other work.
    Approval {
        by: Target,
        /// How long the approver has; the step's own window when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        window: Option<Span>,
    },
}

fn one() -> u32 {
    1
}

impl ProofRule {
    pub fn kind(&self) -> &'static str {
        match self {
            ProofRule::Photo { .. } => "photo",
            ProofRule::File { .. } => "file",
            ProofRule::Number { .. } => "number",
            ProofRule::Text { .. } => "text",
            ProofRule::Checklist { .. } => "checklist",
            ProofRule::Signature { .. } => "signature",
            ProofRule::Link => "link",
            ProofRule::Approval { .. } => "approval",
        }
    }

    /// Evidence of this kind arrives as uploaded files rather than values.
    pub fn takes_files(&self) -> bool {
        matches!(self, ProofRule::Photo { .. } | ProofRule::File { .. })
    }
}

/// The approval a step requires, if any: who gives it and how long they have.
pub fn approval(requirements: &[ProofRequirement]) -> Option<(Target, Option<Span>)> {
    requirements.iter().find_map(|r| match r.rule {
        ProofRule::Approval { by, window } => Some((by, window)),
        _ => None,
    })
}

/// Gives every requirement without a key one derived from its kind, and checks each
/// requirement makes sense. Returns the problems as (index, message).
pub fn normalize(requirements: &mut [ProofRequirement]) -> Vec<(usize, String)> {
    let mut problems = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut approvals = 0;
    for (index, req) in requirements.iter_mut().enumerate() {
        approvals += usize::from(matches!(req.rule, ProofRule::Approval { .. }));
        if req.key.is_empty() {
            let kind = req.rule.kind();
            let n = requirements_of_kind(&seen, kind);
            req.key = if n == 0 { kind.to_string() } else { format!("{kind}_{}", n + 1) };
        }
        if !req.key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            problems.push((index, format!("key {:?} may only use letters, digits, '_' and '-'", req.key)));
        }
        if seen.insert(req.key.clone(), index).is_some() {
            problems.push((index, format!("key {:?} is used twice in this step", req.key)));
        }
        match &req.rule {
            ProofRule::Number { min: Some(min), max: Some(max), .. } if min > max => {
                problems.push((index, format!("min {min} is above max {max}")))
            }
            ProofRule::Number { min, max, .. }
                if min.is_some_and(|v| !v.is_finite()) || max.is_some_and(|v| !v.is_finite()) =>
            {
                problems.push((index, "min and max must be finite numbers".to_string()))
            }
            ProofRule::Photo { min: 0, .. } => {
                problems.push((index, "a photo requirement needs min of at least 1".into()))
            }
            ProofRule::Checklist { items } if items.is_empty() || items.iter().any(|i| i.trim().is_empty()) => {
                problems.push((index, "a checklist needs at least one item, none blank".into()))
            }
            ProofRule::Approval { window: Some(window), .. } if *window == Span::ZERO => {
                problems.push((index, "an approval window must be longer than zero".into()))
            }
            ProofRule::Approval { .. } if approvals > 1 => {
                problems.push((index, "a step takes at most one approval".into()))
            }
            _ => {}
        }
    }
    problems
}

fn requirements_of_kind(seen: &BTreeMap<String, usize>, kind: &str) -> usize {
    seen.keys().filter(|k| *k == kind || k.starts_with(&format!("{kind}_"))).count()
}

/// A file already stored content-addressed, as the check sees it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StoredFile {
    /// The bytes as stored (for a photo, after its location was removed).
    pub sha256: String,
    /// Sniffed from the bytes, never taken from the client.
    pub content_type: String,
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured_at: Option<Timestamp>,
    /// The bytes as uploaded, when what is stored differs (location removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_sha256: Option<String>,
    /// A photo's small preview, stored beside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail: Option<String>,
    /// A photo's perceptual hash (16 hex digits), to recognize the same picture again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub perceptual: Option<String>,
}

impl StoredFile {
    /// The hash that names the file as it arrived: what reuse is judged by.
    pub fn upload_sha256(&self) -> &str {
        self.original_sha256.as_deref().unwrap_or(&self.sha256)
    }
}

/// What a person submitted: values by requirement key, and uploaded files by key.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evidence {
    pub values: Map<String, Value>,
    pub files: BTreeMap<String, Vec<StoredFile>>,
}

/// A requirement the submission did not meet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProofProblem {
    pub key: String,
    pub message: String,
}

/// Evidence accepted but worth an owner's attention (a reading out of range).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exception {
    pub key: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Accepted {
    /// The evidence in its normalized, stored form.
    pub record: Value,
    pub exceptions: Vec<Exception>,
    /// Each numeric reading by the position of its requirement in the step.
    pub readings: Vec<(u16, f64)>,
}

/// Checks `evidence` against every requirement. All problems are reported at once.
pub fn check(
    requirements: &[ProofRequirement],
    evidence: &Evidence,
    now: Timestamp,
) -> Result<Accepted, Vec<ProofProblem>> {
    let mut problems = Vec::new();
    let mut exceptions = Vec::new();
    let mut readings = Vec::new();
    let mut record = Map::new();
    let known = |key: &str| requirements.iter().any(|r| r.key == key);
    for key in evidence.values.keys().chain(evidence.files.keys()) {
        if !known(key) {
            let keys: Vec<&str> = requirements.iter().map(|r| r.key.as_str()).collect();
            problems.push(problem(key, format!("this step asks for no {key:?}; it asks for {keys:?}")));
        }
    }
    for (position, req) in requirements.iter().enumerate() {
        let key = req.key.as_str();
        let value = evidence.values.get(key);
        let files = evidence.files.get(key).map(Vec::as_slice).unwrap_or_default();
        if req.rule.takes_files() && value.is_some() {
            problems.push(problem(key, format!("{key:?} must be uploaded as a file, not sent as a value")));
            continue;
        }
        if !req.rule.takes_files() && !files.is_empty() {
            problems.push(problem(key, format!("{key:?} takes a value, not a file")));
            continue;
        }
        if let ProofRule::Approval { .. } = req.rule {
            if value.is_some() {
                problems.push(problem(
                    key,
                    format!("{key:?} is given by the approver once you submit, not sent with the proof"),
                ));
            }
            continue;
        }
        match check_one(req, value, files, now) {
            Ok((stored, exception)) => {
                if let (ProofRule::Number { .. }, Some(value), Ok(position)) =
                    (&req.rule, stored.as_f64(), u16::try_from(position))
                {
                    readings.push((position, value));
                }
                record.insert(key.to_string(), stored);
                exceptions.extend(exception.map(|message| Exception { key: key.to_string(), message }));
            }
            Err(message) => problems.push(problem(key, message)),
        }
    }
    if problems.is_empty() {
        Ok(Accepted { record: Value::Object(record), exceptions, readings })
    } else {
        Err(problems)
    }
}

fn problem(key: &str, message: String) -> ProofProblem {
    ProofProblem { key: key.to_string(), message }
}

type Checked = Result<(Value, Option<String>), String>;

fn check_one(req: &ProofRequirement, value: Option<&Value>, files: &[StoredFile], now: Timestamp) -> Checked {
    let name = req.label.as_deref().unwrap_or(&req.key);
    match &req.rule {
        ProofRule::Photo { min, max_age } => {
            if files.len() < *min as usize {
                return Err(match (*min, files.len()) {
                    (1, _) => format!("{name}: a photo is required"),
                    (min, 0) => format!("{name}: {min} photos are required"),
                    (min, got) => format!("{name}: {min} photos are required, {got} received"),
                });
            }
            if let Some(file) = files.iter().find(|f| !f.content_type.starts_with("image/")) {
                return Err(format!(
                    "{name}: {:?} is not an image (its bytes read as {})",
                    file.name.as_deref().unwrap_or("upload"),
                    file.content_type
                ));
            }
            if let Some(max_age) = max_age
                && let Some(old) = files
                    .iter()
                    .find(|f| f.captured_at.is_some_and(|at| now.duration_since(at) > max_age.as_duration()))
            {
                return Err(format!(
                    "{name}: a photo was taken at {} — older than the allowed {max_age}",
                    old.captured_at.unwrap_or(now)
                ));
            }
            Ok((json!(files), None))
        }
        ProofRule::File { types } => {
            if files.is_empty() {
                return Err(format!("{name}: a file is required"));
            }
            if let Some(file) =
                files.iter().find(|f| !types.is_empty() && !types.iter().any(|t| type_matches(t, &f.content_type)))
            {
                return Err(format!(
                    "{name}: {} files are not accepted here; accepted: {}",
                    file.content_type,
                    types.join(", ")
                ));
            }
            Ok((json!(files), None))
        }
        ProofRule::Number { unit, min, max } => {
            let number = match value {
                Some(Value::Number(n)) => n.as_f64(),
                Some(Value::String(s)) => s.trim().replace(',', ".").parse::<f64>().ok(),
                None => return Err(format!("{name}: a reading is required")),
                _ => None,
            }
            .filter(|n| n.is_finite())
            .ok_or_else(|| format!("{name}: {} is not a number", value.map(Value::to_string).unwrap_or_default()))?;
            let unit = unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
            let exception = match (min, max) {
                (Some(min), _) if number < *min => {
                    Some(format!("{name}: {number}{unit} is below the minimum {min}{unit}"))
                }
                (_, Some(max)) if number > *max => {
                    Some(format!("{name}: {number}{unit} is above the maximum {max}{unit}"))
                }
                _ => None,
            };
            Ok((json!(number), exception))
        }
        ProofRule::Text { min_length } => {
            let text = value.and_then(Value::as_str).map(str::trim).unwrap_or_default();
            let length = text.chars().count();
            if length == 0 || length < *min_length as usize {
                return Err(format!("{name}: a note of at least {min_length} character(s) is required"));
            }
            Ok((json!(text), None))
        }
        ProofRule::Checklist { items } => {
            let ticked = ticked_items(value, items);
            let failed = failed_items(value, items);
            let missing: Vec<&str> =
                items.iter().filter(|i| !ticked.contains(i) && !failed.contains(i)).map(String::as_str).collect();
            if !missing.is_empty() {
                return Err(format!("{name}: not ticked: {}", missing.join("; ")));
            }
            if failed.is_empty() {
                return Ok((json!(items), None));
            }
            let failed: Vec<&str> = failed.into_iter().map(String::as_str).collect();
            let done: Vec<&str> = items.iter().filter(|i| ticked.contains(i)).map(String::as_str).collect();
            Ok((json!({"done": done, "failed": failed}), Some(format!("{name}: failed: {}", failed.join("; ")))))
        }
        ProofRule::Signature { attestation } => {
            let signer = value.and_then(|v| v.get("name")).and_then(Value::as_str).map(str::trim).unwrap_or_default();
            let attested = value
                .and_then(|v| v.get("attest"))
                .is_some_and(|a| a == &json!(true) || a == &json!("true") || a == &json!("on"));
            if signer.is_empty() || !attested {
                return Err(format!("{name}: type your name and confirm ({{\"name\": \"…\", \"attest\": true}})"));
            }
            Ok((json!({"name": signer, "attestation": attestation}), None))
        }
        // Approvals are given later, by someone else; `check` never asks this.
        ProofRule::Approval { .. } => Ok((Value::Null, None)),
        ProofRule::Link => {
            let link = value.and_then(Value::as_str).map(str::trim).unwrap_or_default();
            let looks_like_url = (link.starts_with("https://") || link.starts_with("http://"))
                && link.len() > 10
                && !link.contains(char::is_whitespace);
            if !looks_like_url {
                return Err(format!("{name}: a web address starting with https:// is required"));
            }
            Ok((json!(link), None))
        }
    }
}

/// Ticks arrive as a list of item texts, a list of booleans in item order, or an object.
fn ticked_items<'a>(value: Option<&Value>, items: &'a [String]) -> Vec<&'a String> {
    match value {
        Some(Value::Array(values)) if values.iter().all(Value::is_boolean) => {
            items.iter().zip(values).filter(|(_, v)| v.as_bool() == Some(true)).map(|(i, _)| i).collect()
        }
        Some(Value::Array(values)) => {
            items.iter().filter(|i| values.iter().any(|v| v.as_str() == Some(i.as_str()))).collect()
        }
        Some(Value::Object(map)) => {
            let listed = map.get("done").and_then(Value::as_array);
            items
                .iter()
                .filter(|i| {
                    matches!(map.get(i.as_str()), Some(v) if v == &json!(true) || v == &json!("done"))
                        || listed.is_some_and(|l| l.iter().any(|v| v.as_str() == Some(i.as_str())))
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// Items answered as failed: an object naming the item with "failed" (or "fail"), or a
/// `failed` list beside the ticked ones. A failed item is an answer, not a gap: the
/// submission stands and the failure is an exception.
fn failed_items<'a>(value: Option<&Value>, items: &'a [String]) -> Vec<&'a String> {
    let said_failed = |v: &Value| matches!(v.as_str(), Some("failed" | "fail"));
    match value {
        Some(Value::Object(map)) => {
            let listed = map.get("failed").and_then(Value::as_array);
            items
                .iter()
                .filter(|i| {
                    map.get(i.as_str()).is_some_and(said_failed)
                        || listed.is_some_and(|l| l.iter().any(|v| v.as_str() == Some(i.as_str())))
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

fn type_matches(accepted: &str, content_type: &str) -> bool {
    let accepted = accepted.trim().to_ascii_lowercase();
    if let Some(prefix) = accepted.strip_suffix("/*") {
        return content_type.starts_with(&format!("{prefix}/"));
    }
    if accepted.contains('/') {
        return accepted == content_type;
    }
    let extension = accepted.trim_start_matches('.');
    let subtype = content_type.rsplit('/').next().unwrap_or_default();
    subtype == extension
        || matches!(
            (extension, content_type),
            ("jpg", "image/jpeg")
                | ("txt", "text/plain")
                | ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
                | ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        )
}

mod flags;
pub use flags::{EarlierPhoto, file_hashes, photo_flags, photos_in};

#[cfg(test)]
mod tests;

impl ProofRequirement {
    /// What this requirement asks for, in words a person reads in a message
    /// ("Number (0 to 5 °C): Fridge temperature").
    pub fn describe(&self) -> String {
        let what = match &self.rule {
            ProofRule::Photo { min: 1, .. } => "Photo".to_string(),
            ProofRule::Photo { min, .. } => format!("{min} photos"),
            ProofRule::File { .. } => "File".to_string(),
            ProofRule::Number { unit, min, max } => {
                let unit = unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
                match (min, max) {
                    (Some(lo), Some(hi)) => format!("Number ({lo} to {hi}{unit})"),
                    (Some(lo), None) => format!("Number (at least {lo}{unit})"),
                    (None, Some(hi)) => format!("Number (at most {hi}{unit})"),
                    (None, None) => {
                        format!("Number{}", if unit.is_empty() { String::new() } else { format!(" ({})", unit.trim()) })
                    }
                }
            }
            ProofRule::Text { .. } => "Note".to_string(),
            ProofRule::Checklist { items } => format!("Checklist of {}", items.len()),
            ProofRule::Signature { .. } => "Signature".to_string(),
            ProofRule::Link => "Link".to_string(),
            ProofRule::Approval { by, .. } => match by {
                Target::Person(_) => "Approval by a named person".to_string(),
                Target::Role(_) => "Approval by a role".to_string(),
                Target::Manager => "Approval by the assignee's manager".to_string(),
                Target::Owner => "Approval by the process owner".to_string(),
            },
        };
        match &self.label {
            Some(label) if !label.trim().is_empty() => format!("{what}: {}", label.trim()),
            _ => what,
        }
    }
}
